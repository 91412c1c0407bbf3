//! Transactions: what one payment is ([`Transaction`]), the states it moves through, the
//! request that creates it ([`initialize`]), how the payer settles it ([`settle`]) and the JSON
//! Paystack shows for it ([`view`]).

pub(crate) mod initialize;
pub(crate) mod settle;
pub(crate) mod view;

use reqwest::Url;
use time::OffsetDateTime;

use crate::money::Kobo;

/// Where a transaction stands, with Paystack's wire names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatus {
    /// Initialized and not (yet) completed: Paystack reports a transaction nobody has paid as
    /// `abandoned`, and keeps it payable.
    Abandoned,
    /// The payer's attempt was declined. Final.
    Failed,
    /// Paid. Final, except that refunds can reverse it.
    Success,
    /// Refunded in full (every kobo of processed refunds).
    Reversed,
}

impl TransactionStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionStatus::Abandoned => "abandoned",
            TransactionStatus::Failed => "failed",
            TransactionStatus::Success => "success",
            TransactionStatus::Reversed => "reversed",
        }
    }
}

/// A payment channel, with Paystack's wire names (the values `channels` accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Debit or credit card.
    Card,
    /// Pay with bank account.
    Bank,
    Ussd,
    Qr,
    MobileMoney,
    /// Pay with transfer.
    BankTransfer,
    /// Electronic funds transfer.
    Eft,
    ApplePay,
}

impl Channel {
    /// Every channel Paystack's `channels` parameter names.
    pub const ALL: [Channel; 8] = [
        Channel::Card,
        Channel::Bank,
        Channel::Ussd,
        Channel::Qr,
        Channel::MobileMoney,
        Channel::BankTransfer,
        Channel::Eft,
        Channel::ApplePay,
    ];

    /// The channels the emulated payment page can complete a payment with.
    pub const EMULATED: [Channel; 3] = [Channel::Card, Channel::BankTransfer, Channel::Ussd];

    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Card => "card",
            Channel::Bank => "bank",
            Channel::Ussd => "ussd",
            Channel::Qr => "qr",
            Channel::MobileMoney => "mobile_money",
            Channel::BankTransfer => "bank_transfer",
            Channel::Eft => "eft",
            Channel::ApplePay => "apple_pay",
        }
    }

    /// The channel named `raw`, if any.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }

    /// How the payment page labels it.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Card => "Card",
            Channel::Bank => "Bank",
            Channel::Ussd => "USSD",
            Channel::Qr => "QR",
            Channel::MobileMoney => "Mobile money",
            Channel::BankTransfer => "Bank transfer",
            Channel::Eft => "EFT",
            Channel::ApplePay => "Apple Pay",
        }
    }
}

/// The payer, one per email address on the integration (Paystack creates the customer on the
/// first transaction and reuses it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Numeric id.
    pub id: u64,
    /// `CUS_` code.
    pub customer_code: String,
    /// The email as first given.
    pub email: String,
}

/// One payment, from initialize to (perhaps) refund.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// Numeric id (refunds may name a transaction by it).
    pub id: u64,
    /// The merchant's (or the generated) unique reference.
    pub reference: String,
    /// The last segment of the `authorization_url`.
    pub access_code: String,
    /// What the payer is charged.
    pub amount: Kobo,
    /// Always `NGN` here.
    pub currency: &'static str,
    /// Who pays.
    pub customer: Customer,
    /// Where the payer goes after the page, with `trxref` and `reference` added.
    pub callback_url: Option<Url>,
    /// The channels the page offers (already narrowed to the emulated ones).
    pub channels: Vec<Channel>,
    /// What the merchant attached, echoed back verbatim; `None` shows as `""` like Paystack.
    pub metadata: Option<serde_json::Value>,
    /// Where it stands.
    pub status: TransactionStatus,
    /// The channel of the completed attempt.
    pub channel: Option<Channel>,
    /// When it was initialized.
    pub created_at: OffsetDateTime,
    /// When it was paid.
    pub paid_at: Option<OffsetDateTime>,
    /// `AUTH_…` code of a successful payment.
    pub authorization_code: Option<String>,
    /// Kobo promised to refunds not failed (pending or processed): what cannot be refunded again.
    pub refund_committed: u64,
    /// Kobo of processed refunds.
    pub refunded: u64,
}

impl Transaction {
    /// Paystack's `gateway_response` for the current state.
    pub fn gateway_response(&self) -> &'static str {
        match self.status {
            TransactionStatus::Abandoned => "The transaction was not completed",
            TransactionStatus::Failed => "Declined",
            TransactionStatus::Success | TransactionStatus::Reversed => "Successful",
        }
    }

    /// Whether the payer can still pay or be declined.
    pub fn is_open(&self) -> bool {
        self.status == TransactionStatus::Abandoned
    }

    /// Where `Abandon` sends the payer: the documented `metadata.cancel_action` when it is an
    /// http(s) URL, else the callback URL with the reference.
    pub fn cancel_url(&self) -> Option<Url> {
        let cancel = self
            .metadata
            .as_ref()
            .and_then(|m| m.get("cancel_action"))
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Url::parse(s).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        cancel.or_else(|| self.callback_redirect())
    }

    /// `callback_url?trxref=REF&reference=REF` (any query the merchant put there kept).
    pub fn callback_redirect(&self) -> Option<Url> {
        let mut url = self.callback_url.clone()?;
        url.query_pairs_mut()
            .append_pair("trxref", &self.reference)
            .append_pair("reference", &self.reference);
        Some(url)
    }
}
