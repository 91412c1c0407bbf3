//! What the merchant console reads and writes: orders with filters and paging, the webhook
//! deliveries received and refused, the spend-guard and rate-limit refusals, and sign-in
//! sessions. Portable SQL (optional filters are `CAST($n AS TEXT) IS NULL OR …`, which both
//! SQLite and PostgreSQL type).

use amigo_types::delivery::DeliveryTier;
use amigo_types::orders::OrderStatus;
use amigo_types::tracking::OrderTracking;
use amigo_types::webhooks::SignatureError;
use sqlx::Row;

use super::db::Store;
use crate::clock::now_iso;

/// The last four digits of a phone number as typed, which is all the console keeps of it.
pub fn last4(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// How the console narrows the order list; every field was checked by the console.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Placed on or after this Lagos date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Placed on or before this Lagos date (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// A reference, or part of one (upper-case letters, digits and dashes only).
    pub reference: Option<String>,
    /// The phone's last four digits.
    pub last4: Option<String>,
}

/// One order in the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub reference: String,
    /// Status as stored.
    pub status: String,
    /// Amigo's total in Naira: what the wallet paid (items at Amigo's prices plus delivery).
    pub total: i64,
    /// What the shopper paid (items at retail plus delivery at cost); `None` for an order this
    /// proxy only heard of by webhook, whose selling price it never knew.
    pub revenue: Option<i64>,
    /// Delivery tier, when known.
    pub tier: Option<DeliveryTier>,
    /// Delivery city, when known.
    pub city: Option<String>,
    /// Delivery state, when known.
    pub state: Option<String>,
    /// When it was placed (Amigo's time, Lagos offset).
    pub created_at: String,
    /// The phone's last four digits (orders stored before the console have none).
    pub phone_last4: Option<String>,
}

impl OrderRow {
    /// Revenue less Amigo's cost, when the revenue is known.
    pub fn margin(&self) -> Option<i64> {
        self.revenue.map(|r| r.saturating_sub(self.total))
    }
}

/// One Lagos day of orders sold through this proxy (cancelled ones left out: they were
/// refunded to the wallet and to the shopper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaySales {
    /// `YYYY-MM-DD`, Lagos time.
    pub day: String,
    pub orders: i64,
    /// What shoppers paid, in Naira.
    pub revenue: i64,
    /// What the wallet paid Amigo, in Naira.
    pub cost: i64,
}

impl DaySales {
    /// Revenue less cost.
    pub fn margin(&self) -> i64 {
        self.revenue.saturating_sub(self.cost)
    }
}

/// A webhook delivery the proxy accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedDelivery {
    /// `X-Amigo-Delivery`.
    pub delivery_id: String,
    pub event: String,
    /// Order reference (empty when the body was unreadable).
    pub reference: String,
    /// Status carried.
    pub status: String,
    pub received_at: String,
}

/// Why the proxy refused a webhook delivery, as the refusal log stores and the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionReason {
    /// No secret to check a signature with (none configured, none registered).
    NoSecret,
    /// No signature or timestamp header.
    Unsigned,
    /// A timestamp that is not a Unix time.
    BadTimestamp,
    /// A timestamp outside the allowed window.
    StaleTimestamp,
    /// A signature that no secret matches.
    BadSignature,
    /// Signed, but without `X-Amigo-Delivery`.
    NoDeliveryId,
    /// A value this build does not write (a row from a newer build).
    Unknown,
}

impl RejectionReason {
    /// Every reason this build writes, in the order a delivery meets them.
    pub const ALL: [Self; 6] = [
        Self::NoSecret,
        Self::Unsigned,
        Self::BadTimestamp,
        Self::StaleTimestamp,
        Self::BadSignature,
        Self::NoDeliveryId,
    ];

    /// The stored (and shown) text; the values rows written before this enum hold.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoSecret => "no webhook secret configured",
            Self::Unsigned => "unsigned",
            Self::BadTimestamp => "bad timestamp",
            Self::StaleTimestamp => "stale or future timestamp",
            Self::BadSignature => "bad signature",
            Self::NoDeliveryId => "no delivery id",
            Self::Unknown => "unknown",
        }
    }

    /// Reads a stored value; one this build does not write is [`Self::Unknown`].
    pub fn parse(raw: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .unwrap_or(Self::Unknown)
    }
}

impl From<&SignatureError> for RejectionReason {
    fn from(e: &SignatureError) -> Self {
        match e {
            SignatureError::Missing => Self::Unsigned,
            SignatureError::BadTimestamp => Self::BadTimestamp,
            SignatureError::Stale => Self::StaleTimestamp,
            SignatureError::Mismatch => Self::BadSignature,
        }
    }
}

/// A webhook delivery the proxy refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedDelivery {
    pub received_at: String,
    pub reason: RejectionReason,
    /// `X-Amigo-Delivery`, if sent (clipped).
    pub delivery_id: Option<String>,
    /// `X-Amigo-Event`, if sent (clipped).
    pub event: Option<String>,
    /// The sender.
    pub client_ip: String,
    /// Body size.
    pub body_bytes: i64,
}

/// A spend-guard or rate-limit refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub at: String,
    /// The error code answered (`rate_limited`, `order_total_exceeds_limit`, …).
    pub code: String,
    /// The route refused.
    pub route: String,
    pub client_ip: String,
    /// What was refused, without personal data.
    pub detail: String,
}

/// The order list's optional filters ($1 status, $2 from, $3 to, $4 reference pattern,
/// $5 last four digits), a literal so the SQL stays static.
macro_rules! order_filter {
    () => {
        "WHERE (CAST($1 AS TEXT) IS NULL OR status = $1)
           AND (CAST($2 AS TEXT) IS NULL OR substr(created_at, 1, 10) >= $2)
           AND (CAST($3 AS TEXT) IS NULL OR substr(created_at, 1, 10) <= $3)
           AND (CAST($4 AS TEXT) IS NULL OR reference LIKE $4)
           AND (CAST($5 AS TEXT) IS NULL OR phone_last4 = $5)"
    };
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl Store {
    /// One page of orders, newest first, and how many match in all.
    pub async fn admin_orders(
        &self,
        filter: &OrderFilter,
        limit: u32,
        offset: u64,
    ) -> Result<(Vec<OrderRow>, i64), sqlx::Error> {
        let status = filter.status.map(|s| s.as_str().to_owned());
        let like = filter.reference.as_ref().map(|r| format!("%{r}%"));
        let total: i64 = sqlx::query(concat!(
            "SELECT COUNT(*) AS n FROM orders ",
            order_filter!()
        ))
        .bind(&status)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(&like)
        .bind(&filter.last4)
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        let rows = sqlx::query(concat!(
            "SELECT reference, status, total, retail_total, view_json, created_at, phone_last4 FROM orders ",
            order_filter!(),
            " ORDER BY created_at DESC, reference DESC LIMIT $6 OFFSET $7"
        ))
        .bind(&status)
        .bind(&filter.from)
        .bind(&filter.to)
        .bind(&like)
        .bind(&filter.last4)
        .bind(i64::from(limit))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let json: String = r.try_get("view_json")?;
            let view = serde_json::from_str::<OrderTracking>(&json).ok();
            let delivery = view.map(|v| v.delivery);
            out.push(OrderRow {
                reference: r.try_get("reference")?,
                status: r.try_get("status")?,
                total: r.try_get("total")?,
                revenue: r.try_get("retail_total")?,
                tier: delivery.as_ref().and_then(|d| d.tier),
                city: delivery.as_ref().and_then(|d| d.city.clone()),
                state: delivery.and_then(|d| d.state),
                created_at: r.try_get("created_at")?,
                phone_last4: r.try_get("phone_last4")?,
            });
        }
        Ok((out, total))
    }

    /// Revenue, cost and margin of the newest `days` Lagos days with orders sold through this
    /// proxy, newest first.
    pub async fn admin_days(&self, days: u32) -> Result<Vec<DaySales>, sqlx::Error> {
        // PostgreSQL sums BIGINT as NUMERIC: cast back so both backends give a 64-bit integer.
        sqlx::query(
            "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n,
                    CAST(SUM(retail_total) AS BIGINT) AS revenue, CAST(SUM(total) AS BIGINT) AS cost
             FROM orders WHERE retail_total IS NOT NULL AND status <> 'cancelled'
             GROUP BY substr(created_at, 1, 10) ORDER BY day DESC LIMIT $1",
        )
        .bind(i64::from(days))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(DaySales {
                day: r.try_get("day")?,
                orders: r.try_get("n")?,
                revenue: r.try_get("revenue")?,
                cost: r.try_get("cost")?,
            })
        })
        .collect()
    }

    /// The newest accepted webhook deliveries.
    pub async fn accepted_deliveries(
        &self,
        limit: u32,
    ) -> Result<Vec<AcceptedDelivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT delivery_id, event, reference, status, received_at FROM webhook_deliveries
             ORDER BY received_at DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AcceptedDelivery {
                    delivery_id: r.try_get("delivery_id")?,
                    event: r.try_get("event")?,
                    reference: r.try_get("reference")?,
                    status: r.try_get("status")?,
                    received_at: r.try_get("received_at")?,
                })
            })
            .collect()
    }

    /// Records a refused webhook delivery (what identified it and why; never its body).
    pub async fn record_rejection(
        &self,
        reason: RejectionReason,
        delivery_id: Option<&str>,
        event: Option<&str>,
        client_ip: &str,
        body_bytes: usize,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO webhook_rejections
                 (received_at, received_unix, reason, delivery_id, event, client_ip, body_bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(now_iso())
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .bind(reason.as_str())
        .bind(delivery_id.map(|d| clip(d, 128)))
        .bind(event.map(|e| clip(e, 64)))
        .bind(client_ip)
        .bind(i64::try_from(body_bytes).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest refused webhook deliveries.
    pub async fn rejected_deliveries(
        &self,
        limit: u32,
    ) -> Result<Vec<RejectedDelivery>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT received_at, reason, delivery_id, event, client_ip, body_bytes
             FROM webhook_rejections ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RejectedDelivery {
                    received_at: r.try_get("received_at")?,
                    reason: RejectionReason::parse(r.try_get("reason")?),
                    delivery_id: r.try_get("delivery_id")?,
                    event: r.try_get("event")?,
                    client_ip: r.try_get("client_ip")?,
                    body_bytes: r.try_get("body_bytes")?,
                })
            })
            .collect()
    }

    /// Records a spend-guard or rate-limit refusal; rows older than a week are dropped.
    pub async fn record_refusal(
        &self,
        code: &str,
        route: &str,
        client_ip: &str,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        sqlx::query(
            "INSERT INTO refusals (at_unix, at, code, route, client_ip, detail)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now)
        .bind(now_iso())
        .bind(clip(code, 64))
        .bind(clip(route, 64))
        .bind(client_ip)
        .bind(clip(detail, 200))
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM refusals WHERE at_unix < $1")
            .bind(now - 7 * 86_400)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The refusals of the last `secs` seconds, newest first (at most `limit`), and the count
    /// per code over the whole window.
    pub async fn refusals_since(
        &self,
        secs: i64,
        limit: u32,
    ) -> Result<(Vec<Refusal>, Vec<(String, i64)>), sqlx::Error> {
        let since = time::OffsetDateTime::now_utc().unix_timestamp() - secs;
        let rows = sqlx::query(
            "SELECT at, code, route, client_ip, detail FROM refusals WHERE at_unix >= $1
             ORDER BY id DESC LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let list = rows
            .iter()
            .map(|r| {
                Ok(Refusal {
                    at: r.try_get("at")?,
                    code: r.try_get("code")?,
                    route: r.try_get("route")?,
                    client_ip: r.try_get("client_ip")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let counts = sqlx::query(
            "SELECT code, COUNT(*) AS n FROM refusals WHERE at_unix >= $1
             GROUP BY code ORDER BY n DESC, code",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("n")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((list, counts))
    }

    /// Stores a new console session (by the hash of its token) until `expires_unix`.
    pub async fn create_session(
        &self,
        token_hash: &str,
        expires_unix: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM admin_sessions WHERE expires_at < $1")
            .bind(time::OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO admin_sessions (token_hash, created_at, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(now_iso())
        .bind(expires_unix)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a session with this token hash exists and has not expired.
    pub async fn session_valid(&self, token_hash: &str) -> Result<bool, sqlx::Error> {
        Ok(sqlx::query(
            "SELECT 1 AS ok FROM admin_sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM admin_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_four_digits_are_kept() {
        assert_eq!(last4("+234 803-123-4567").as_deref(), Some("4567"));
        assert_eq!(last4("08031234567").as_deref(), Some("4567"));
        assert_eq!(last4("12"), None);
    }

    /// The stored texts are the ones rows written before the enum hold, and each reads back.
    #[test]
    fn rejection_reasons_keep_their_stored_text() {
        let texts: Vec<&str> = RejectionReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            texts,
            [
                "no webhook secret configured",
                "unsigned",
                "bad timestamp",
                "stale or future timestamp",
                "bad signature",
                "no delivery id",
            ]
        );
        for reason in RejectionReason::ALL {
            assert_eq!(RejectionReason::parse(reason.as_str()), reason);
        }
        assert_eq!(
            RejectionReason::parse("from a newer build"),
            RejectionReason::Unknown
        );
        assert_eq!(
            RejectionReason::from(&SignatureError::Stale),
            RejectionReason::StaleTimestamp
        );
    }
}
