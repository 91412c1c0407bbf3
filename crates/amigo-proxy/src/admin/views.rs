//! The console's HTML (maud): one layout with a skip link, landmarks and a nav, and a page per
//! view. No JavaScript; every action is a form with its CSRF token. Text is escaped by maud;
//! phone numbers appear only as their last four digits, and no secret is ever rendered.

use amigo_types::format_naira;
use amigo_types::orders::OrderStatus;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::store::admin::{AcceptedDelivery, DaySales, OrderRow, Refusal, RejectedDelivery};

/// The console's stylesheet, inline (its hash is in the page's CSP).
pub(crate) const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#fff;--fg:#1c1b1f;--muted:#55535b;--line:#d6d4da;--accent:#0b5cad;--ok:#146c2e;--bad:#a4161a;--surface:#f6f6f7}\
@media (prefers-color-scheme:dark){:root{--bg:#141316;--fg:#e7e1e6;--muted:#c9c4cc;--line:#49454f;--accent:#9ecaff;--ok:#7fdc8f;--bad:#ffb4ab;--surface:#211f24}}\
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:var(--bg);color:var(--fg)}\
a{color:var(--accent)}:focus-visible{outline:3px solid var(--accent);outline-offset:2px}\
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:8px}\
header{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;padding:12px 16px;border-bottom:1px solid var(--line)}\
header nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;margin:0;padding:0}\
header nav a{display:inline-block;padding:8px 4px}header nav a[aria-current=page]{font-weight:700}\
main{padding:16px;max-width:1200px}h1{font-size:1.5rem;margin:8px 0 16px}h2{font-size:1.15rem;margin:24px 0 8px}\
.health{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:0 0 16px}\
.health li{border:1px solid var(--line);border-radius:8px;padding:6px 10px}.ok{color:var(--ok)}.bad{color:var(--bad)}\
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}\
th{background:var(--surface)}.num{text-align:right;white-space:nowrap}.scroll{overflow-x:auto}\
form.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin-bottom:12px}\
label{display:flex;flex-direction:column;font-weight:600;font-size:.9rem;gap:4px}\
input,select,button{font:inherit;min-height:44px;padding:6px 10px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}\
button{cursor:pointer;background:var(--accent);color:var(--bg);border-color:var(--accent);font-weight:600}\
button.quiet{background:var(--bg);color:var(--accent)}\
.error{color:var(--bad);font-weight:600}.notice{border-left:4px solid var(--accent);padding:8px 12px;background:var(--surface)}\
.pager{display:flex;gap:16px;align-items:center;margin-top:12px}.actions{display:flex;flex-wrap:wrap;gap:8px}\
.login{max-width:360px;margin:48px auto;display:grid;gap:12px}";

/// Which nav entry is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// Orders (the home page).
    Orders,
    /// Checkouts and their payments.
    Payments,
    Webhooks,
    Refusals,
    /// Data purchases to check.
    Data,
    /// Signed out.
    None,
}

/// One health line: what was checked, whether it passed, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HealthLine {
    /// What was checked.
    pub(crate) name: String,
    pub(crate) ok: bool,
    /// The detail or the fix.
    pub(crate) detail: String,
}

/// The page frame.
pub(crate) fn layout(title: &str, section: Section, csrf: Option<&str>, body: &Markup) -> Markup {
    let item = |s: Section, href: &str, label: &str| {
        html! {
            li { a href=(href) aria-current=[(section == s).then_some("page")] { (label) } }
        }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                // no favicon request (the console serves none)
                link rel="icon" href="data:,";
                title { (title) " · Amigo store console" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header {
                    strong { "Amigo store console" }
                    @if let Some(csrf) = csrf {
                        nav aria-label="Console" {
                            ul {
                                (item(Section::Orders, "/admin", "Orders"))
                                (item(Section::Payments, "/admin/checkouts", "Payments"))
                                (item(Section::Webhooks, "/admin/webhooks", "Webhooks"))
                                (item(Section::Refusals, "/admin/refusals", "Refusals"))
                                (item(Section::Data, "/admin/data", "Data"))
                            }
                        }
                        form method="post" action="/admin/logout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button.quiet type="submit" { "Sign out" }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

pub(crate) fn login(csrf: &str, error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        Section::None,
        None,
        &html! {
            form.login method="post" action="/admin/login" {
                h1 { "Sign in" }
                @if let Some(e) = error {
                    p.error role="alert" #login-error { (e) }
                }
                input type="hidden" name="csrf" value=(csrf);
                label for="password" {
                    "Console password"
                    input #password type="password" name="password" autocomplete="current-password"
                        required aria-describedby=[error.map(|_| "login-error")];
                }
                button type="submit" { "Sign in" }
            }
        },
    )
}

pub(crate) fn health(lines: &[HealthLine]) -> Markup {
    html! {
        section aria-labelledby="health-title" {
            h2 #health-title { "Health" }
            ul.health {
                @for l in lines {
                    li {
                        @if l.ok { span.ok aria-hidden="true" { "✓ " } } @else { span.bad aria-hidden="true" { "✗ " } }
                        span.sr-only { @if l.ok { "Passing: " } @else { "Failing: " } }
                        strong { (l.name) } ": " (l.detail)
                    }
                }
            }
        }
    }
}

/// What the orders page was asked for, echoed into its form and links.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrdersView {
    /// Status filter as given.
    pub(crate) status: String,
    /// From date as given.
    pub(crate) from: String,
    /// To date as given.
    pub(crate) to: String,
    /// Search as given.
    pub(crate) q: String,
    /// Page (1-based).
    pub(crate) page: u64,
    /// Pages in all.
    pub(crate) pages: u64,
    /// Matching orders in all.
    pub(crate) total: i64,
    /// An input error to show.
    pub(crate) error: Option<String>,
}

impl OrdersView {
    fn link(&self, page: u64) -> String {
        let pairs = [
            ("status", self.status.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
        ];
        let mut qs: Vec<(String, String)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        qs.push(("page".to_owned(), page.to_string()));
        format!("/admin?{}", amigo_types::catalog::encode_pairs(&qs))
    }
}

/// The button that moves an order to `status` in the console.
fn advance_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Paid => "Mark paid",
        OrderStatus::Accepted => "Accept",
        OrderStatus::Shipped => "Ship",
        OrderStatus::Delivered => "Deliver",
        OrderStatus::Cancelled => "Cancel",
    }
}

/// The orders page body.
pub(crate) fn orders(
    health_lines: &[HealthLine],
    v: &OrdersView,
    rows: &[OrderRow],
    days: &[DaySales],
) -> Markup {
    html! {
        (health(health_lines))
        h1 { "Orders" }
        @if !days.is_empty() {
            h2 { "Sales by day" }
            p { "Orders sold through this proxy, cancelled ones left out. Revenue is what shoppers paid (items at your prices, delivery at cost); cost is what the wallet paid Amigo." }
            div.scroll tabindex="0" role="region" aria-label="Sales by day" { table.days {
                caption.sr-only { "Revenue, Amigo cost and margin per day, newest first" }
                thead { tr {
                    th scope="col" { "Day" } th scope="col" class="num" { "Orders" }
                    th scope="col" class="num" { "Revenue" } th scope="col" class="num" { "Amigo cost" }
                    th scope="col" class="num" { "Margin" }
                } }
                tbody { @for d in days { tr {
                    td { (d.day) } td.num { (d.orders) }
                    td.num { (format_naira(d.revenue)) } td.num { (format_naira(d.cost)) }
                    td.num { (format_naira(d.margin())) }
                } } }
            } }
        }
        form.filters method="get" action="/admin" aria-describedby=[v.error.as_ref().map(|_| "filter-error")] {
            label { "Status"
                select name="status" {
                    option value="" selected[v.status.is_empty()] { "Any" }
                    @for s in OrderStatus::ALL { option value=(s.as_str()) selected[v.status == s.as_str()] { (s.as_str()) } }
                }
            }
            label { "From" input type="date" name="from" value=(v.from); }
            label { "To" input type="date" name="to" value=(v.to); }
            label { "Reference or last 4 digits of the phone"
                input type="search" name="q" value=(v.q) maxlength="40" inputmode="search";
            }
            button type="submit" { "Filter" }
        }
        @if let Some(e) = &v.error { p.error #filter-error role="alert" { (e) } }
        p role="status" { (v.total) " order" @if v.total != 1 { "s" } }
        @if !rows.is_empty() {
            div.scroll tabindex="0" role="region" aria-label="Orders" {
                table {
                    caption.sr-only { "Orders, newest first" }
                    thead { tr {
                        th scope="col" { "Reference" } th scope="col" { "Placed" } th scope="col" { "Status" }
                        th scope="col" class="num" { "Revenue" } th scope="col" class="num" { "Amigo cost" }
                        th scope="col" class="num" { "Margin" } th scope="col" { "Tier" } th scope="col" { "City" }
                        th scope="col" { "Phone" }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { a href=(format!("/admin/orders/{}", r.reference)) { (r.reference) } }
                                td { (r.created_at) }
                                td { (r.status) }
                                td.num { @if let Some(n) = r.revenue { (format_naira(n)) } @else { "—" } }
                                td.num { (format_naira(r.total)) }
                                td.num { @if let Some(n) = r.margin() { (format_naira(n)) } @else { "—" } }
                                td { @if let Some(t) = r.tier { (t.as_str()) } @else { "—" } }
                                td { (r.city.clone().unwrap_or_default()) @if let Some(s) = &r.state { ", " (s) } }
                                td { @if let Some(l) = &r.phone_last4 { "•••• " (l) } @else { "—" } }
                            }
                        }
                    }
                }
            }
        }
        @if v.pages > 1 {
            nav.pager aria-label="Pages" {
                @if v.page > 1 { a href=(v.link(v.page - 1)) rel="prev" { "Newer" } }
                span { "Page " (v.page) " of " (v.pages) }
                @if v.page < v.pages { a href=(v.link(v.page + 1)) rel="next" { "Older" } }
            }
        }
    }
}

/// One order: its facts, its timeline and (test mode) the sandbox's buttons.
pub(crate) fn order(
    view: &amigo_types::tracking::OrderTracking,
    row: Option<&OrderRow>,
    csrf: &str,
    test_mode: bool,
    flash: Option<(&str, bool)>,
) -> Markup {
    html! {
        p { a href="/admin" { "← All orders" } }
        h1 { "Order " (view.reference) }
        @if let Some((text, ok)) = flash {
            @if ok { p.notice role="status" { (text) } } @else { p.error role="alert" { (text) } }
        }
        div.scroll tabindex="0" role="region" aria-label="Order facts" { table {
            caption.sr-only { "Order facts" }
            tbody {
                tr { th scope="row" { "Status" } td { (view.status.as_str()) } }
                tr { th scope="row" { "Payment" } td { (format!("{:?}", view.payment_state).to_lowercase()) } }
                tr { th scope="row" { "Shopper's total" } td { (view.total.display) " (items " (view.subtotal.display) ", delivery " (view.delivery_fee.display) ")" } }
                @if let Some(r) = row {
                    tr { th scope="row" { "Revenue" } td { @if let Some(n) = r.revenue { (format_naira(n)) } @else { "— (not sold through this proxy)" } } }
                    tr { th scope="row" { "Amigo cost" } td { (format_naira(r.total)) } }
                    tr { th scope="row" { "Margin" } td { @if let Some(n) = r.margin() { (format_naira(n)) } @else { "—" } } }
                }
                tr { th scope="row" { "Delivery" } td {
                    @if let Some(t) = view.delivery.tier { (t.as_str()) " · " }
                    (view.delivery.city.clone().unwrap_or_default()) @if let Some(s) = &view.delivery.state { ", " (s) }
                } }
                tr { th scope="row" { "Phone" } td { @if let Some(l) = row.and_then(|r| r.phone_last4.as_ref()) { "•••• " (l) } @else { "—" } } }
                tr { th scope="row" { "Placed" } td { (view.created_at) } }
                @if let Some(r) = &view.cancelled_reason { tr { th scope="row" { "Cancelled because" } td { (r) } } }
            }
        } }
        h2 { "Items" }
        ul { @for i in &view.items { li { (i.quantity) " × " (i.name) } } }
        h2 { "Timeline" }
        ol { @for t in &view.timeline { li { strong { (t.status.as_str()) } " — " (t.at) } } }
        @if test_mode {
            h2 { "Move it along (sandbox)" }
            p { "Test mode only: these ask the sandbox to move the order, which then sends its webhook." }
            div.actions {
                @for s in OrderStatus::ONWARD {
                    form method="post" action=(format!("/admin/orders/{}/advance", view.reference)) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="status" value=(s.as_str());
                        button type="submit" { (advance_label(s)) }
                    }
                }
            }
        }
    }
}

/// Webhook deliveries: accepted and refused.
pub(crate) fn webhooks(accepted: &[AcceptedDelivery], rejected: &[RejectedDelivery]) -> Markup {
    html! {
        h1 { "Webhook deliveries" }
        h2 #refused { "Refused (" (rejected.len()) ")" }
        @if rejected.is_empty() { p { "None." } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="refused" { table aria-labelledby="refused" {
                thead { tr { th scope="col" { "Received" } th scope="col" { "Why" } th scope="col" { "Delivery id" } th scope="col" { "Event" } th scope="col" { "From" } th scope="col" class="num" { "Bytes" } } }
                tbody { @for r in rejected { tr {
                    td { (r.received_at) } td.bad { (r.reason.as_str()) }
                    td { (r.delivery_id.clone().unwrap_or_else(|| "—".into())) }
                    td { (r.event.clone().unwrap_or_else(|| "—".into())) }
                    td { (r.client_ip) } td.num { (r.body_bytes) }
                } } }
            } }
        }
        h2 #accepted { "Accepted (" (accepted.len()) ")" }
        @if accepted.is_empty() { p { "None yet." } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="accepted" { table aria-labelledby="accepted" {
                thead { tr { th scope="col" { "Received" } th scope="col" { "Delivery id" } th scope="col" { "Event" } th scope="col" { "Order" } th scope="col" { "Status" } } }
                tbody { @for a in accepted { tr {
                    td { (a.received_at) } td { (a.delivery_id) } td { (a.event) }
                    td { @if a.reference.is_empty() { "—" } @else { a href=(format!("/admin/orders/{}", a.reference)) { (a.reference) } } }
                    td { (a.status) }
                } } }
            } }
        }
    }
}

/// Spend-guard and rate-limit refusals of the last 24 hours.
pub(crate) fn refusals(list: &[Refusal], counts: &[(String, i64)], unrecorded: u64) -> Markup {
    html! {
        h1 { "Refusals, last 24 hours" }
        @if counts.is_empty() { p { "None." } } @else {
            ul { @for (code, n) in counts { li { strong { (code) } ": " (n) } } }
        }
        @if unrecorded > 0 {
            p.notice { (unrecorded) " more refusals since the proxy started were counted but not itemised (the log keeps at most 120 a minute)." }
        }
        @if !list.is_empty() {
            div.scroll tabindex="0" role="region" aria-label="Refusals" { table {
                caption.sr-only { "Refusals, newest first" }
                thead { tr { th scope="col" { "When" } th scope="col" { "Code" } th scope="col" { "Route" } th scope="col" { "From" } th scope="col" { "Detail" } } }
                tbody { @for r in list { tr {
                    td { (r.at) } td { (r.code) } td { (r.route) } td { (r.client_ip) } td { (r.detail) }
                } } }
            } }
        }
    }
}

/// Data purchases the merchant should check on Amigo's side, with Amigo's answer as it came.
pub(crate) fn data_to_check(list: &[crate::store::DataToCheck]) -> Markup {
    html! {
        h1 { "Data purchases to check" }
        p { "Purchases whose answer from Amigo never came, or came in a shape the proxy could not read whole. Each one counts against today's data budget. Confirm it on Amigo's dashboard." }
        @if list.is_empty() { p { "None." } } @else {
            div.scroll tabindex="0" role="region" aria-label="Data purchases to check" { table {
                caption.sr-only { "Data purchases to check, newest first" }
                thead { tr { th scope="col" { "When" } th scope="col" { "Reference" } th scope="col" { "Plan" } th scope="col" { "Amount" } th scope="col" { "State" } th scope="col" { "Amigo's answer" } } }
                tbody { @for d in list { tr {
                    td { (d.created_at) }
                    td { (d.reference.as_deref().unwrap_or("none yet")) }
                    td { (d.plan) }
                    td { (amigo_types::money::format_naira(d.amount)) }
                    td { (d.state) }
                    td { code { (excerpt(d.upstream_body.as_deref())) } }
                } } }
            } }
        }
    }
}

/// The first 300 characters of an answer body, or why there is none.
fn excerpt(body: Option<&str>) -> String {
    body.map_or_else(|| "no answer".to_owned(), |b| b.chars().take(300).collect())
}

/// An error page body.
pub(crate) fn problem(message: &str) -> Markup {
    html! {
        h1 { "Something went wrong" }
        p.error role="alert" { (message) }
        p { a href="/admin" { "Back to the console" } }
    }
}
