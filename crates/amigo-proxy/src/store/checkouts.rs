//! The `checkouts` table: a shopper's checkout from creation to its Amigo order (or its end),
//! for [`crate::checkout`]. Every status change is one conditional `UPDATE` whose row count
//! says whether this caller made it, so of two callers racing (Paystack's callback and its
//! webhook, two console tabs, two instances) exactly one moves the checkout.

use amigo_types::checkout::{CheckoutKind, CheckoutStatus, PaymentMethod};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::db::Store;
use crate::clock::now_iso;

/// A checkout as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRow {
    /// `CHK-…`.
    pub reference: String,
    /// The browser's Idempotency-Key.
    pub idempotency_key: String,
    /// Hash of the checkout request it was made for.
    pub body_hash: String,
    /// What it buys once paid.
    pub kind: CheckoutKind,
    /// How it is paid.
    pub method: PaymentMethod,
    /// Where it is.
    pub status: CheckoutStatus,
    /// Keyed hash of the shopper's phone (the tracking proof).
    pub phone_hash: String,
    /// What to send Amigo once paid (JSON): the Commerce order body, or for a data checkout
    /// the Data API purchase body.
    pub order_body: String,
    /// Where the shopper returns to after paying.
    pub return_url: String,
    /// The shopper's lines (JSON `OrderItem`s at retail prices).
    pub items_json: String,
    /// Product id → retail unit price (JSON), recorded with the order.
    pub retail_units: String,
    /// Items at retail, Naira.
    pub subtotal: i64,
    /// Delivery at Amigo's quote, Naira.
    pub delivery_fee: i64,
    /// What the shopper pays, Naira.
    pub total: i64,
    /// Items at Amigo's prices: what the wallet pays.
    pub amigo_cost: i64,
    /// Paystack's transaction reference.
    pub payment_reference: Option<String>,
    /// Paystack's payment page.
    pub authorization_url: Option<String>,
    /// How it was paid (a Paystack channel, or `merchant` for a confirmed transfer).
    pub paid_via: Option<String>,
    /// The verified amount, kobo.
    pub paid_amount_kobo: Option<i64>,
    pub paid_at: Option<String>,
    /// Unix ms of the current claim to place its order.
    pub placing_since: Option<i64>,
    /// The Amigo order, once placed.
    pub order_reference: Option<String>,
    /// Why it failed.
    pub failure_code: Option<String>,
    /// The shopper's sentence for it.
    pub failure_message: Option<String>,
    /// `due` (owed, not yet refunded) or `requested` (Paystack accepted the refund).
    pub refund_state: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Expires, RFC 3339.
    pub expires_at: String,
    /// Expires, unix ms.
    pub expires_at_ms: i64,
}

/// What creating a checkout found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutInsert {
    /// A new checkout.
    Created,
    /// The key made a checkout for this body before: that one.
    Existing(Box<CheckoutRow>),
    /// The key made a checkout for another body.
    Reused,
}

const COLUMNS: &str = "reference, idempotency_key, body_hash, kind, method, status, phone_hash, \
    order_body, return_url, items_json, retail_units, subtotal, delivery_fee, total, amigo_cost, \
    payment_reference, authorization_url, paid_via, paid_amount_kobo, paid_at, placing_since, \
    order_reference, failure_code, failure_message, refund_state, created_at, expires_at, \
    expires_at_ms";

/// A query built from [`COLUMNS`] and fixed conditions (never from input: every value is bound).
fn select(sql: String) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
}

fn read_row(r: &AnyRow) -> Result<CheckoutRow, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let method: String = r.try_get("method")?;
    let status: String = r.try_get("status")?;
    let bad = |what: &str, v: &str| sqlx::Error::Decode(format!("checkout {what} '{v}'").into());
    Ok(CheckoutRow {
        reference: r.try_get("reference")?,
        idempotency_key: r.try_get("idempotency_key")?,
        body_hash: r.try_get("body_hash")?,
        kind: CheckoutKind::parse(&kind).ok_or_else(|| bad("kind", &kind))?,
        method: PaymentMethod::parse(&method).ok_or_else(|| bad("method", &method))?,
        status: CheckoutStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        phone_hash: r.try_get("phone_hash")?,
        order_body: r.try_get("order_body")?,
        return_url: r.try_get("return_url")?,
        items_json: r.try_get("items_json")?,
        retail_units: r.try_get("retail_units")?,
        subtotal: r.try_get("subtotal")?,
        delivery_fee: r.try_get("delivery_fee")?,
        total: r.try_get("total")?,
        amigo_cost: r.try_get("amigo_cost")?,
        payment_reference: r.try_get("payment_reference")?,
        authorization_url: r.try_get("authorization_url")?,
        paid_via: r.try_get("paid_via")?,
        paid_amount_kobo: r.try_get("paid_amount_kobo")?,
        paid_at: r.try_get("paid_at")?,
        placing_since: r.try_get("placing_since")?,
        order_reference: r.try_get("order_reference")?,
        failure_code: r.try_get("failure_code")?,
        failure_message: r.try_get("failure_message")?,
        refund_state: r.try_get("refund_state")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        expires_at_ms: r.try_get("expires_at_ms")?,
    })
}

impl Store {
    /// Creates checkout `c` (stored as `awaiting_payment`, its payment fields empty) under its
    /// Idempotency-Key, or reports what the key made before.
    pub async fn insert_checkout(&self, c: &CheckoutRow) -> Result<CheckoutInsert, sqlx::Error> {
        let now = now_iso();
        let inserted = sqlx::query(
            "INSERT INTO checkouts (reference, idempotency_key, body_hash, method, status, \
             phone_hash, order_body, return_url, items_json, retail_units, subtotal, \
             delivery_fee, total, amigo_cost, created_at, expires_at, expires_at_ms, updated_at, \
             kind) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
             $19) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&c.reference)
        .bind(&c.idempotency_key)
        .bind(&c.body_hash)
        .bind(c.method.as_str())
        .bind(CheckoutStatus::AwaitingPayment.as_str())
        .bind(&c.phone_hash)
        .bind(&c.order_body)
        .bind(&c.return_url)
        .bind(&c.items_json)
        .bind(&c.retail_units)
        .bind(c.subtotal)
        .bind(c.delivery_fee)
        .bind(c.total)
        .bind(c.amigo_cost)
        .bind(&c.created_at)
        .bind(&c.expires_at)
        .bind(c.expires_at_ms)
        .bind(&now)
        .bind(c.kind.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(CheckoutInsert::Created);
        }
        match self
            .checkout_where("idempotency_key", &c.idempotency_key)
            .await?
        {
            Some(row) => {
                if row.body_hash == c.body_hash {
                    Ok(CheckoutInsert::Existing(Box::new(row)))
                } else {
                    Ok(CheckoutInsert::Reused)
                }
            }
            // the reference collided (random, 50+ bits): the caller tries another
            None => Err(sqlx::Error::Protocol(
                "checkout reference collided; try again".into(),
            )),
        }
    }

    pub async fn checkout(&self, reference: &str) -> Result<Option<CheckoutRow>, sqlx::Error> {
        self.checkout_where("reference", reference).await
    }

    /// The checkout made under the browser's Idempotency-Key `key`.
    pub async fn checkout_by_key(&self, key: &str) -> Result<Option<CheckoutRow>, sqlx::Error> {
        self.checkout_where("idempotency_key", key).await
    }

    /// The checkout whose Paystack transaction is `payment_reference`.
    pub async fn checkout_by_payment(
        &self,
        payment_reference: &str,
    ) -> Result<Option<CheckoutRow>, sqlx::Error> {
        self.checkout_where("payment_reference", payment_reference)
            .await
    }

    /// The checkout whose unique `column` (a name from this file, never input) is `value`.
    async fn checkout_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<CheckoutRow>, sqlx::Error> {
        select(format!(
            "SELECT {COLUMNS} FROM checkouts WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(read_row)
        .transpose()
    }

    /// Records the Paystack transaction made for a checkout still awaiting payment.
    pub async fn set_payment_page(
        &self,
        reference: &str,
        payment_reference: &str,
        authorization_url: &str,
    ) -> Result<bool, sqlx::Error> {
        self.update(
            "UPDATE checkouts SET payment_reference = $1, authorization_url = $2, updated_at = $3 \
             WHERE reference = $4 AND status = 'awaiting_payment'",
            &[payment_reference, authorization_url],
            reference,
        )
        .await
    }

    /// Marks a checkout paid (from awaiting payment, or expired: money that arrived late is
    /// still the shopper's order). `true` when this call did it.
    pub async fn mark_checkout_paid(
        &self,
        reference: &str,
        via: &str,
        amount_kobo: i64,
        paid_at: &str,
    ) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "UPDATE checkouts SET status = 'paid', paid_via = $1, paid_amount_kobo = $2, \
             paid_at = $3, updated_at = $4 \
             WHERE reference = $5 AND status IN ('awaiting_payment', 'expired')",
        )
        .bind(via)
        .bind(amount_kobo)
        .bind(paid_at)
        .bind(now_iso())
        .bind(reference)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Claims a paid checkout for placing its order: `true` when no one else holds a claim
    /// newer than `stale_before_ms` (a claim that old belongs to a process that died).
    pub async fn claim_checkout_placing(
        &self,
        reference: &str,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "UPDATE checkouts SET placing_since = $1, updated_at = $2 \
             WHERE reference = $3 AND status = 'paid' \
             AND (placing_since IS NULL OR placing_since < $4)",
        )
        .bind(now_ms)
        .bind(now_iso())
        .bind(reference)
        .bind(stale_before_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Gives up a claim after an answer that may change on retry (a timeout, a 5xx).
    pub async fn release_checkout_placing(&self, reference: &str) -> Result<(), sqlx::Error> {
        self.update(
            "UPDATE checkouts SET placing_since = NULL, updated_at = $1 \
             WHERE reference = $2 AND status = 'paid'",
            &[],
            reference,
        )
        .await
        .map(|_| ())
    }

    /// Records the Amigo order of a paid checkout.
    pub async fn checkout_placed(
        &self,
        reference: &str,
        order_reference: &str,
    ) -> Result<bool, sqlx::Error> {
        self.update(
            "UPDATE checkouts SET status = 'placed', order_reference = $1, placing_since = NULL, \
             updated_at = $2 WHERE reference = $3 AND status = 'paid'",
            &[order_reference],
            reference,
        )
        .await
    }

    /// Ends a paid (or, for a payment that is not the one asked for, an unpaid) checkout that
    /// will not become an order; `refund_state` `due` marks money owed back.
    pub async fn checkout_failed(
        &self,
        reference: &str,
        code: &str,
        message: &str,
        refund_state: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "UPDATE checkouts SET status = 'failed', failure_code = $1, failure_message = $2, \
             refund_state = $3, placing_since = NULL, updated_at = $4 \
             WHERE reference = $5 AND status IN ('awaiting_payment', 'expired', 'paid')",
        )
        .bind(code)
        .bind(message)
        .bind(refund_state)
        .bind(now_iso())
        .bind(reference)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Placed data checkouts whose purchase Amigo reported failed afterwards (the carrier did
    /// not deliver; Amigo refunded the wallet): the shopper paid and received nothing.
    pub async fn data_checkouts_undelivered(&self, limit: i64) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query(
            "SELECT c.reference FROM checkouts c JOIN data_purchases d \
             ON d.idempotency_key = 'chk-' || c.reference \
             WHERE c.kind = 'data' AND c.status = 'placed' AND d.state = 'failed' \
             ORDER BY c.reference LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("reference"))
        .collect()
    }

    /// Ends a placed data checkout whose purchase failed afterwards, with the money owed back.
    pub async fn checkout_undelivered(
        &self,
        reference: &str,
        message: &str,
    ) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "UPDATE checkouts SET status = 'failed', failure_code = 'data_not_delivered', \
             failure_message = $1, refund_state = 'due', updated_at = $2 \
             WHERE reference = $3 AND status = 'placed' AND kind = 'data'",
        )
        .bind(message)
        .bind(now_iso())
        .bind(reference)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// A failed checkout whose refund Paystack accepted.
    pub async fn checkout_refunded(&self, reference: &str) -> Result<bool, sqlx::Error> {
        self.update(
            "UPDATE checkouts SET status = 'refunded', refund_state = 'requested', \
             updated_at = $1 WHERE reference = $2 AND status = 'failed' AND refund_state = 'due'",
            &[],
            reference,
        )
        .await
    }

    /// Expires an unpaid checkout.
    pub async fn expire_checkout(&self, reference: &str) -> Result<bool, sqlx::Error> {
        self.update(
            "UPDATE checkouts SET status = 'expired', updated_at = $1 \
             WHERE reference = $2 AND status = 'awaiting_payment'",
            &[],
            reference,
        )
        .await
    }

    /// Unpaid checkouts past their expiry.
    pub async fn checkouts_due_to_expire(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<CheckoutRow>, sqlx::Error> {
        self.select_where(
            "status = 'awaiting_payment' AND expires_at_ms < $1 ORDER BY expires_at_ms LIMIT $2",
            now_ms,
            limit,
        )
        .await
    }

    /// Paid checkouts no live claim is placing (after a crash, or a retryable failure).
    pub async fn checkouts_to_place(
        &self,
        stale_before_ms: i64,
        limit: i64,
    ) -> Result<Vec<CheckoutRow>, sqlx::Error> {
        self.select_where(
            "status = 'paid' AND (placing_since IS NULL OR placing_since < $1) \
             ORDER BY created_at LIMIT $2",
            stale_before_ms,
            limit,
        )
        .await
    }

    /// Failed checkouts paid through Paystack whose refund is still owed.
    pub async fn checkout_refunds_due(&self, limit: i64) -> Result<Vec<CheckoutRow>, sqlx::Error> {
        let rows = select(format!(
            "SELECT {COLUMNS} FROM checkouts WHERE status = 'failed' AND refund_state = 'due' \
             AND method = 'paystack' \
             ORDER BY created_at LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_row).collect()
    }

    /// The newest checkouts in `status` (all when `None`), for the console.
    pub async fn checkouts_in(
        &self,
        status: Option<CheckoutStatus>,
        limit: i64,
    ) -> Result<Vec<CheckoutRow>, sqlx::Error> {
        let rows = match status {
            Some(s) => {
                select(format!(
                    "SELECT {COLUMNS} FROM checkouts WHERE status = $1 \
                     ORDER BY created_at DESC LIMIT $2"
                ))
                .bind(s.as_str())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                select(format!(
                    "SELECT {COLUMNS} FROM checkouts ORDER BY created_at DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(read_row).collect()
    }

    async fn select_where(
        &self,
        condition: &'static str,
        a: i64,
        limit: i64,
    ) -> Result<Vec<CheckoutRow>, sqlx::Error> {
        let rows = select(format!("SELECT {COLUMNS} FROM checkouts WHERE {condition}"))
            .bind(a)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(read_row).collect()
    }

    /// Runs `sql` with `values`, then `updated_at`, then `reference` as its last parameters;
    /// `true` when it changed the row.
    async fn update(
        &self,
        sql: &'static str,
        values: &[&str],
        reference: &str,
    ) -> Result<bool, sqlx::Error> {
        let mut q = sqlx::query(sql);
        for v in values {
            q = q.bind(*v);
        }
        let n = q
            .bind(now_iso())
            .bind(reference)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }
}
