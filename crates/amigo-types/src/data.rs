//! Data API wire types (mobile-data top-ups).
//!
//! **Inferred shapes.** The platform documents only the purchase *request* body
//! (`{network, mobile_number, plan, Ported_number}`) and the network ids. The plan-catalog
//! response, the purchase response and the data-specific error codes are not shown, so every
//! response type here is inferred from the platform's documented conventions (the envelope,
//! integer Naira with `display` strings, `livemode`, `AMG-…-TEST-…` references). They live in
//! this one module, and `crates/amigo-sandbox/README.md` lists every inferred field, so one
//! place changes when the real shapes are known.

use serde::{Deserialize, Serialize};

use crate::envelope::ApiError;
use crate::money::Money;
use crate::phone::NgMobile;

/// A carrier, by the Data API's documented ids: 1 MTN, 2 Glo, 4 Airtel, 3 9mobile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Network {
    /// Network 1.
    Mtn,
    /// Network 2.
    Glo,
    /// Network 3.
    NineMobile,
    /// Network 4.
    Airtel,
}

impl Network {
    /// Every network, in id order.
    pub const ALL: [Network; 4] = [
        Network::Mtn,
        Network::Glo,
        Network::NineMobile,
        Network::Airtel,
    ];

    /// The documented numeric id.
    pub fn id(self) -> u8 {
        match self {
            Network::Mtn => 1,
            Network::Glo => 2,
            Network::NineMobile => 3,
            Network::Airtel => 4,
        }
    }

    /// The network for a documented id.
    pub fn from_id(id: u64) -> Option<Self> {
        Network::ALL.into_iter().find(|n| u64::from(n.id()) == id)
    }

    /// The display name, spelt as `ng-mobile-prefixes.csv` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mtn => "MTN",
            Network::Glo => "Glo",
            Network::NineMobile => "9mobile",
            Network::Airtel => "Airtel",
        }
    }

    /// The network a name from the prefix table denotes.
    pub fn from_name(name: &str) -> Option<Self> {
        Network::ALL
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(name))
    }

    /// The network a number's prefix was first issued to, if the prefix is listed.
    pub fn of_number(number: &NgMobile) -> Option<Self> {
        number.network().and_then(Self::from_name)
    }

    /// Parses a `?network=` query value (the id).
    pub fn parse_query(raw: &str) -> Result<Self, ApiError> {
        raw.trim()
            .parse::<u64>()
            .ok()
            .and_then(Self::from_id)
            .ok_or_else(invalid_network)
    }
}

impl From<Network> for u8 {
    fn from(n: Network) -> u8 {
        n.id()
    }
}

impl TryFrom<u8> for Network {
    type Error = String;
    fn try_from(id: u8) -> Result<Self, String> {
        Network::from_id(u64::from(id))
            .ok_or_else(|| format!("unknown network {id}; use 1 MTN, 2 Glo, 4 Airtel, 3 9mobile"))
    }
}

fn invalid_network() -> ApiError {
    ApiError::invalid(
        "invalid_network",
        "network",
        "network must be 1 (MTN), 2 (Glo), 4 (Airtel) or 3 (9mobile)",
    )
}

/// How reliable a plan has been lately. Documented thresholds: ≥ 98 % excellent, < 75 % poor.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EfficiencyRating {
    /// ≥ 98 %.
    Excellent,
    /// 75 % to 97 %.
    Good,
    /// < 75 %: the docs recommend avoiding it.
    Poor,
}

impl EfficiencyRating {
    /// The rating for a score in percent.
    pub fn of(score: u8) -> Self {
        if score >= 98 {
            Self::Excellent
        } else if score < 75 {
            Self::Poor
        } else {
            Self::Good
        }
    }
}

/// One plan of the catalog (inferred shape; the docs show the columns Plan ID, Capacity,
/// Validity, Price and Efficiency).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataPlan {
    /// The Plan ID sent as `plan`.
    pub plan_id: u64,
    /// The network id.
    #[cfg_attr(feature = "schema", schema(value_type = u8))]
    pub network: Network,
    /// The network's name.
    pub network_name: String,
    /// Human capacity, `"1GB"`, `"500MB"`.
    pub capacity: String,
    /// Capacity in megabytes, for sorting and comparing.
    pub capacity_mb: u64,
    /// Human validity, `"1 day"`, `"7 days"`, `"30 days"`.
    pub validity: String,
    /// Validity in days.
    pub validity_days: u32,
    /// Price in integer Naira with its display string.
    pub price: Money,
    /// Recent delivery success rate, whole percent (0–100); it drifts over time.
    pub efficiency: u8,
    /// The documented band of `efficiency`.
    pub efficiency_rating: EfficiencyRating,
}

/// The documented purchase body, read loosely so each field gets its own `invalid_*` error.
/// Its schema (feature `schema`) states what a valid body is, not how loosely it is read.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataPurchaseRequest {
    /// 1 MTN, 2 Glo, 4 Airtel, 3 9mobile.
    #[cfg_attr(
        feature = "schema",
        schema(value_type = u8, required = true, minimum = 1, maximum = 4)
    )]
    #[serde(default)]
    pub network: Option<serde_json::Value>,
    /// The line to top up: a Nigerian mobile number in any common format (`0803…`, `+234 803…`).
    #[cfg_attr(
        feature = "schema",
        schema(value_type = String, required = true, min_length = 1)
    )]
    #[serde(default)]
    pub mobile_number: Option<serde_json::Value>,
    /// A Plan ID from the catalog.
    #[cfg_attr(
        feature = "schema",
        schema(value_type = u64, required = true, minimum = 1)
    )]
    #[serde(default)]
    pub plan: Option<serde_json::Value>,
    /// `true` when the number was moved to another network (MNP); absent or `null` means `false`.
    #[cfg_attr(feature = "schema", schema(value_type = Option<bool>))]
    #[serde(default, rename = "Ported_number")]
    pub ported_number: Option<serde_json::Value>,
}

/// A purchase body whose every field has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDataPurchase {
    /// The network asked for.
    pub network: Network,
    /// The number, normalised to national format.
    pub mobile_number: NgMobile,
    /// The Plan ID (its existence is the catalog's to check).
    pub plan: u64,
    /// Whether the number is ported.
    pub ported_number: bool,
}

impl DataPurchaseRequest {
    /// Checks each field in body order; the first failure wins with `invalid_<field>`.
    pub fn validate(&self) -> Result<ValidDataPurchase, ApiError> {
        let network = self
            .network
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .and_then(Network::from_id)
            .ok_or_else(invalid_network)?;
        let number_err =
            |msg: &str| ApiError::invalid("invalid_mobile_number", "mobile_number", msg.to_owned());
        let raw = match &self.mobile_number {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(number_err(
                    "mobile_number must be a string such as \"09012345678\"",
                ));
            }
            None => return Err(number_err("mobile_number is required")),
        };
        let mobile_number = NgMobile::parse(raw).map_err(|e| number_err(&e.message))?;
        let plan = self
            .plan
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                ApiError::invalid(
                    "invalid_plan",
                    "plan",
                    "plan must be a Plan ID (a positive integer) from the plan catalog",
                )
            })?;
        let ported_number = match &self.ported_number {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => {
                return Err(ApiError::invalid(
                    "invalid_ported_number",
                    "Ported_number",
                    "Ported_number must be true or false",
                ));
            }
        };
        Ok(ValidDataPurchase {
            network,
            mobile_number,
            plan,
            ported_number,
        })
    }
}

impl ValidDataPurchase {
    /// Checks the body against the catalog entry of its Plan ID (`None`: no such plan), then the
    /// number's prefix against the network. Shared by the sandbox and the proxy, which runs it
    /// before any spending call. First failure wins: `invalid_plan`, `plan_network_mismatch`
    /// (`field: plan`), `network_mismatch` (`field: mobile_number`; a ported number passes).
    pub fn check_against<'p>(&self, plan: Option<&'p DataPlan>) -> Result<&'p DataPlan, ApiError> {
        let plan = plan.ok_or_else(|| {
            ApiError::invalid(
                "invalid_plan",
                "plan",
                format!(
                    "There is no plan {}. Pick a Plan ID from the plan catalog.",
                    self.plan
                ),
            )
        })?;
        if plan.network != self.network {
            return Err(ApiError::invalid(
                "plan_network_mismatch",
                "plan",
                format!(
                    "Plan {} is a {} plan, but network {} is {}.",
                    plan.plan_id,
                    plan.network.name(),
                    self.network.id(),
                    self.network.name()
                ),
            ));
        }
        match Network::of_number(&self.mobile_number) {
            Some(home) if home != self.network && !self.ported_number => Err(ApiError::invalid(
                "network_mismatch",
                "mobile_number",
                format!(
                    "{}… is a {} number, not {}. If it was ported, send \"Ported_number\": true.",
                    &self.mobile_number.as_str()[..4],
                    home.name(),
                    self.network.name()
                ),
            )),
            _ => Ok(plan),
        }
    }

    /// The canonical body sent upstream: the documented fields, the number in national format.
    pub fn to_body(&self) -> serde_json::Value {
        serde_json::json!({
            "network": self.network.id(),
            "mobile_number": self.mobile_number.as_str(),
            "plan": self.plan,
            "Ported_number": self.ported_number,
        })
    }
}

/// Where a purchase stands (inferred).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataPurchaseStatus {
    /// Debited, sent to the carrier, not yet confirmed.
    Processing,
    /// The carrier credited the line.
    Delivered,
    /// The carrier refused; the amount went back to the wallet.
    Failed,
}

/// A data purchase as the API returns it (inferred shape).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataPurchase {
    /// Numeric id.
    pub id: u64,
    /// `AMG-DAT-YYYYMMDD-XXXXXX`, or `AMG-DAT-TEST-…` in test mode.
    pub reference: String,
    /// Where it stands.
    pub status: DataPurchaseStatus,
    /// Network id.
    #[cfg_attr(feature = "schema", schema(value_type = u8))]
    pub network: Network,
    /// Network name.
    pub network_name: String,
    /// The line, national format.
    pub mobile_number: String,
    /// Whether it was sent as ported.
    pub ported_number: bool,
    /// The Plan ID.
    pub plan: u64,
    /// The plan's capacity.
    pub capacity: String,
    /// The plan's validity.
    pub validity: String,
    /// What the wallet was charged.
    pub amount: Money,
    /// Whether the amount went back to the wallet (failed purchases).
    pub refunded: bool,
    /// Why it failed, when it did.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub failure_reason: Option<String>,
    /// `false` for test tokens.
    pub livemode: bool,
    /// When it was made (ISO 8601).
    pub created_at: String,
    /// When it was delivered or failed.
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub completed_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(v: serde_json::Value) -> Result<ValidDataPurchase, ApiError> {
        serde_json::from_value::<DataPurchaseRequest>(v)
            .unwrap()
            .validate()
    }

    #[test]
    fn ids_and_names_round_trip() {
        for n in Network::ALL {
            assert_eq!(Network::from_id(n.id().into()), Some(n));
            assert_eq!(Network::from_name(n.name()), Some(n));
        }
        assert_eq!(Network::from_id(5), None);
        assert_eq!(
            Network::of_number(&NgMobile::parse("08031234567").unwrap()),
            Some(Network::Mtn)
        );
    }

    #[test]
    fn each_field_has_its_own_error() {
        let ok =
            json!({"network":1,"mobile_number":"0803 123 4567","plan":1001,"Ported_number":false});
        let v = req(ok.clone()).unwrap();
        assert_eq!(v.mobile_number.as_str(), "08031234567");
        for (field, bad, code) in [
            ("network", json!(7), "invalid_network"),
            ("network", json!("1"), "invalid_network"),
            ("mobile_number", json!("12345"), "invalid_mobile_number"),
            (
                "mobile_number",
                json!(8031234567u64),
                "invalid_mobile_number",
            ),
            ("plan", json!(0), "invalid_plan"),
            ("plan", json!("1001"), "invalid_plan"),
            ("Ported_number", json!("yes"), "invalid_ported_number"),
        ] {
            let mut body = ok.clone();
            body[field] = bad;
            assert_eq!(req(body).unwrap_err().code, code, "{field}");
        }
    }

    #[test]
    fn efficiency_bands_follow_the_docs() {
        assert_eq!(EfficiencyRating::of(98), EfficiencyRating::Excellent);
        assert_eq!(EfficiencyRating::of(97), EfficiencyRating::Good);
        assert_eq!(EfficiencyRating::of(75), EfficiencyRating::Good);
        assert_eq!(EfficiencyRating::of(74), EfficiencyRating::Poor);
    }
}
