//! The merchant console at `/admin`: server-rendered HTML (maud), no JavaScript, off unless
//! `AMIGO_ADMIN_PASSWORD` (or its argon2 hash) is set. Orders with filters and paging, one order
//! with its timeline (and, in test mode, buttons that move it along in the sandbox), the webhook
//! deliveries received and refused, the refusals of the last 24 hours, and a health strip.
//!
//! It sits outside the API's CORS layer, so no storefront origin can call it from a browser;
//! every state-changing form is same-origin only and carries a CSRF token bound to the session.

mod auth;
mod checkouts;
mod views;

use amigo_types::orders::OrderStatus;
use amigo_types::token::ApiToken;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use maud::Markup;
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::middleware::ClientIp;
use crate::state::AppState;
use crate::store::admin::OrderFilter;
use auth::{
    PRE_COOKIE, SESSION_COOKIE, SESSION_SECS, Signed, console_cookie, csrf_for, password_matches,
    pre_token, random_token, removal, same_origin, same_token, session_hash,
};
use views::{HealthLine, OrdersView, Section};

/// Orders per page.
const PAGE_SIZE: u32 = 25;

/// What a console request can fail with; each is an HTML page with its status.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdminError {
    /// 403: a form posted from another origin, or without its CSRF token.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// 400: a form or query the console cannot use.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 404.
    #[error("not found")]
    NotFound,
    /// 500; the cause is logged.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for AdminError {
    fn from(e: sqlx::Error) -> Self {
        AdminError::Internal(format!("database: {e}"))
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let (status, message) = match &self {
            AdminError::Forbidden(why) => (StatusCode::FORBIDDEN, (*why).to_owned()),
            AdminError::BadRequest(why) => (StatusCode::BAD_REQUEST, why.clone()),
            AdminError::NotFound => (StatusCode::NOT_FOUND, "No such page or order.".to_owned()),
            AdminError::Internal(cause) => {
                tracing::error!(%cause, "console error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Unexpected error; it has been logged.".to_owned(),
                )
            }
        };
        page(
            status,
            views::layout("Error", Section::None, None, &views::problem(&message)),
        )
    }
}

/// An HTML response with the console's headers: never cached, never framed, nothing loaded but
/// its own inline stylesheet (by hash), forms posting only to itself.
fn page(status: StatusCode, markup: Markup) -> Response {
    let style_hash = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(views::STYLE.as_bytes()))
    };
    let mut resp = (status, Html(markup.into_string())).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

/// The console's routes (mounted only when a console password is configured).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(orders))
        .route("/admin/login", get(login_page).post(login))
        .route("/admin/logout", post(logout))
        .route("/admin/orders/{reference}", get(order))
        .route("/admin/orders/{reference}/advance", post(advance))
        .route("/admin/checkouts", get(checkouts::list))
        .route(
            "/admin/checkouts/{reference}/mark-paid",
            post(checkouts::mark_paid),
        )
        .route("/admin/webhooks", get(webhooks))
        .route("/admin/refusals", get(refusals))
        .route("/admin/data", get(data_to_check))
}

fn test_mode(state: &AppState) -> bool {
    ApiToken::parse(state.config().api_key.expose_secret()).is_some_and(|t| !t.mode().is_live())
}

/// The health strip: `amigo-proxy doctor`'s checks, run on each view, each failing one with its
/// fix.
async fn health(state: &AppState) -> Vec<HealthLine> {
    crate::golive::doctor::run(state.config(), Ok(state.store()))
        .await
        .checks
        .into_iter()
        .map(|c| HealthLine {
            name: c.name.to_owned(),
            ok: c.ok,
            detail: match (&c.fix, c.ok) {
                (Some(fix), false) => format!("{} — {fix}", c.detail),
                _ => c.detail.clone(),
            },
        })
        .collect()
}

/// `?status=&from=&to=&q=&page=` of the orders page.
#[derive(Debug, Default, Deserialize)]
struct OrdersQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

fn parse_filter(q: &OrdersQuery) -> Result<(OrderFilter, u64), String> {
    let mut f = OrderFilter::default();
    let status = q.status.trim();
    if !status.is_empty() {
        f.status = Some(
            OrderStatus::parse(status).ok_or_else(|| format!("Unknown status \"{status}\"."))?,
        );
    }
    let date = |raw: &str, what: &str| -> Result<Option<String>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(raw, fmt)
            .map(|_| Some(raw.to_owned()))
            .map_err(|_| format!("The {what} date must be a date such as 2026-11-29."))
    };
    f.from = date(&q.from, "from")?;
    f.to = date(&q.to, "to")?;
    let search = q.q.trim();
    if search.len() == 4 && search.bytes().all(|b| b.is_ascii_digit()) {
        f.last4 = Some(search.to_owned());
    } else if !search.is_empty() {
        let upper = search.to_ascii_uppercase();
        if upper.len() > 40
            || !upper
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(
                "Search by an order reference (letters, digits, dashes) or the last 4 digits of the phone."
                    .into(),
            );
        }
        f.reference = Some(upper);
    }
    let page = match q.page.trim() {
        "" => 1,
        p => p
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| "The page must be a positive number.".to_owned())?,
    };
    Ok((f, page))
}

/// Days of sales the orders page sums (two weeks, newest first).
const SALES_DAYS: u32 = 14;

async fn orders(
    signed: Signed,
    State(state): State<AppState>,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, AdminError> {
    let lines = health(&state).await;
    let days = state.store().admin_days(SALES_DAYS).await?;
    let mut v = OrdersView {
        status: q.status.trim().to_owned(),
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        q: q.q.trim().to_owned(),
        ..OrdersView::default()
    };
    let (rows, status) = match parse_filter(&q) {
        Ok((filter, page)) => {
            let (rows, total) = state
                .store()
                .admin_orders(&filter, PAGE_SIZE, (page - 1) * u64::from(PAGE_SIZE))
                .await?;
            v.total = total;
            v.page = page;
            v.pages = u64::try_from(total)
                .unwrap_or(0)
                .div_ceil(u64::from(PAGE_SIZE));
            (rows, StatusCode::OK)
        }
        Err(e) => {
            v.error = Some(e);
            (Vec::new(), StatusCode::BAD_REQUEST)
        }
    };
    Ok(page(
        status,
        views::layout(
            "Orders",
            Section::Orders,
            Some(&signed.csrf),
            &views::orders(&lines, &v, &rows, &days),
        ),
    ))
}

#[derive(Debug, Deserialize)]
struct FlashQuery {
    #[serde(default)]
    moved: Option<String>,
    #[serde(default)]
    refused: Option<String>,
}

async fn order(
    signed: Signed,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    Query(flash): Query<FlashQuery>,
) -> Result<Response, AdminError> {
    if reference.len() > 64 {
        return Err(AdminError::NotFound);
    }
    let (_, view) = state
        .store()
        .tracking(&reference)
        .await?
        .ok_or(AdminError::NotFound)?;
    let (rows, _) = state
        .store()
        .admin_orders(
            &OrderFilter {
                reference: Some(reference.clone()),
                ..OrderFilter::default()
            },
            1,
            0,
        )
        .await?;
    let flash_text = match (&flash.moved, &flash.refused) {
        (Some(s), _) if OrderStatus::parse(s).is_some() => {
            Some((format!("The sandbox moved it to \"{s}\"; its webhook updates this page."), true))
        }
        (_, Some(_)) => Some((
            "The sandbox refused that move (an order only moves forward; a delivered order cannot be cancelled).".to_owned(),
            false,
        )),
        _ => None,
    };
    Ok(page(
        StatusCode::OK,
        views::layout(
            &format!("Order {reference}"),
            Section::Orders,
            Some(&signed.csrf),
            &views::order(
                &view,
                rows.first(),
                &signed.csrf,
                test_mode(&state),
                flash_text.as_ref().map(|(t, ok)| (t.as_str(), *ok)),
            ),
        ),
    ))
}

#[derive(Debug, Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

async fn advance(
    signed: Signed,
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AdvanceForm>,
) -> Result<Response, AdminError> {
    if !same_origin(&state, &headers) || !same_token(&form.csrf, &signed.csrf) {
        return Err(AdminError::Forbidden(
            "This form expired or came from another site. Reload the page and try again.",
        ));
    }
    if !test_mode(&state) {
        return Err(AdminError::Forbidden(
            "Orders can be moved along only with a test token; live orders are moved by Amigo.",
        ));
    }
    let raw = form.status.trim();
    let Some(status) = OrderStatus::parse(raw).filter(|s| OrderStatus::ONWARD.contains(s)) else {
        return Err(AdminError::BadRequest(format!(
            "\"{raw}\" is not a status the sandbox moves an order to."
        )));
    };
    let status = status.as_str();
    if state.store().tracking(&reference).await?.is_none() {
        return Err(AdminError::NotFound);
    }
    let body = serde_json::json!({
        "reference": reference,
        "status": status,
        "reason": "Cancelled from the store console.",
    });
    let resp = state
        .amigo()
        .post_json(
            "/commerce/sandbox/orders/advance/",
            serde_json::to_vec(&body).map_err(|e| AdminError::Internal(e.to_string()))?,
            &[],
        )
        .await
        .map_err(|e| AdminError::Internal(format!("sandbox advance: {e}")))?;
    let encoded = amigo_types::catalog::encode_pairs(&[(
        if resp.status.is_success() {
            "moved"
        } else {
            "refused"
        }
        .to_owned(),
        status.to_owned(),
    )]);
    tracing::info!(%reference, status, ok = resp.status.is_success(), "console moved a sandbox order");
    Ok(Redirect::to(&format!("/admin/orders/{reference}?{encoded}")).into_response())
}

async fn webhooks(signed: Signed, State(state): State<AppState>) -> Result<Response, AdminError> {
    let accepted = state.store().accepted_deliveries(100).await?;
    let rejected = state.store().rejected_deliveries(100).await?;
    Ok(page(
        StatusCode::OK,
        views::layout(
            "Webhooks",
            Section::Webhooks,
            Some(&signed.csrf),
            &views::webhooks(&accepted, &rejected),
        ),
    ))
}

async fn refusals(signed: Signed, State(state): State<AppState>) -> Result<Response, AdminError> {
    let (list, counts) = state.store().refusals_since(86_400, 200).await?;
    Ok(page(
        StatusCode::OK,
        views::layout(
            "Refusals",
            Section::Refusals,
            Some(&signed.csrf),
            &views::refusals(&list, &counts, state.limits().unrecorded_refusals()),
        ),
    ))
}

/// The data purchases to check: the money the proxy could not confirm is never out of sight.
async fn data_to_check(
    signed: Signed,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let list = state.store().data_to_check(200).await?;
    Ok(page(
        StatusCode::OK,
        views::layout(
            "Data",
            Section::Data,
            Some(&signed.csrf),
            &views::data_to_check(&list),
        ),
    ))
}

async fn login_page(State(state): State<AppState>, jar: CookieJar) -> Response {
    let (jar, csrf) = with_pre(&state, jar);
    (jar, page(StatusCode::OK, views::login(&csrf, None))).into_response()
}

/// The jar with a pre-session cookie (kept if valid) and the sign-in form's CSRF token.
fn with_pre(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    match pre_token(state, &jar) {
        Some(pre) => {
            let csrf = csrf_for(&pre, "login");
            (jar, csrf)
        }
        None => {
            let pre = random_token();
            let csrf = csrf_for(&pre, "login");
            (jar.add(console_cookie(state, PRE_COOKIE, pre)), csrf)
        }
    }
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AdminError> {
    let expected = pre_token(&state, &jar).map(|pre| csrf_for(&pre, "login"));
    if !same_origin(&state, &headers) || !expected.is_some_and(|e| same_token(&e, &form.csrf)) {
        return Err(AdminError::Forbidden(
            "This sign-in form expired or came from another site. Open the sign-in page again.",
        ));
    }
    if let Err(crate::error::ProxyError::RateLimited { retry_after }) =
        state.limits().admin_signin(ip)
    {
        tracing::warn!(%ip, "console sign-in refused: too many attempts");
        let (jar, csrf) = with_pre(&state, jar);
        let mut resp = page(
            StatusCode::TOO_MANY_REQUESTS,
            views::login(
                &csrf,
                Some(&format!(
                    "Too many sign-in attempts. Try again in {} minute(s).",
                    retry_after.div_ceil(60).max(1)
                )),
            ),
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        return Ok((jar, resp).into_response());
    }
    if form.password.len() > 1024 || !password_matches(&state, form.password).await {
        state.limits().admin_signin_failed(ip);
        tracing::warn!(%ip, "console sign-in failed");
        let (jar, csrf) = with_pre(&state, jar);
        return Ok((
            jar,
            page(
                StatusCode::UNAUTHORIZED,
                views::login(&csrf, Some("That password is not right.")),
            ),
        )
            .into_response());
    }
    let token = random_token();
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + SESSION_SECS;
    state
        .store()
        .create_session(&session_hash(&state, &token), expires)
        .await?;
    state.limits().admin_signed_in(ip);
    tracing::info!(%ip, "console signed in");
    let jar =
        jar.remove(removal(&state, PRE_COOKIE))
            .add(console_cookie(&state, SESSION_COOKIE, token));
    Ok((jar, Redirect::to("/admin")).into_response())
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    signed: Signed,
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AdminError> {
    if !same_origin(&state, &headers) || !same_token(&form.csrf, &signed.csrf) {
        return Err(AdminError::Forbidden(
            "This form expired or came from another site. Reload the page and try again.",
        ));
    }
    state.store().end_session(&signed.token_hash).await?;
    Ok((
        jar.remove(removal(&state, SESSION_COOKIE)),
        Redirect::to("/admin/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(status: &str, from: &str, to: &str, search: &str, page: &str) -> OrdersQuery {
        OrdersQuery {
            status: status.into(),
            from: from.into(),
            to: to.into(),
            q: search.into(),
            page: page.into(),
        }
    }

    #[test]
    fn filters_are_checked_and_read() {
        let (f, page) = parse_filter(&q("paid", "2026-11-01", "2026-11-30", "4567", "2")).unwrap();
        assert_eq!(f.status, Some(OrderStatus::Paid));
        assert_eq!(f.from.as_deref(), Some("2026-11-01"));
        assert_eq!(f.last4.as_deref(), Some("4567"));
        assert_eq!(page, 2);
        let (f, _) = parse_filter(&q("", "", "", " amg-com-test ", "")).unwrap();
        assert_eq!(f.reference.as_deref(), Some("AMG-COM-TEST"));
        for bad in [
            q("lost", "", "", "", ""),
            q("", "29/11/2026", "", "", ""),
            q("", "", "", "x'; DROP", ""),
            q("", "", "", "", "0"),
            q("", "", "", "", "many"),
        ] {
            assert!(parse_filter(&bad).is_err(), "{bad:?}");
        }
    }
}
