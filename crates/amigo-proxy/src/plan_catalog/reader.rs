//! A tolerant reader of the platform's plan catalog. The docs show only the columns of its
//! tables (Plan ID, Capacity, Validity, Price; and a separate Efficiency table), never the JSON,
//! so this reader accepts the shapes a PHP endpoint plausibly answers: a bare list, a list under
//! `data`/`plans`, plans grouped by network (`{"MTN": [...]}` or `[{network, plans}]`), the
//! plan id under its usual names, the price as a number, a `"₦350"` string or an object, and the
//! efficiency per plan or from its own table, as a number or `"98%"`. A plan it cannot
//! understand is left out and reported, never the whole catalog.

use amigo_types::Money;
use amigo_types::data::{DataPlan, EfficiencyRating, Network};
use serde_json::{Map, Value};

const ID_NAMES: &[&str] = &[
    "plan_id",
    "planId",
    "PlanID",
    "Plan ID",
    "plan",
    "id",
    "dataplan_id",
    "data_plan_id",
    "plan_code",
];
const NETWORK_NAMES: &[&str] = &[
    "network",
    "network_id",
    "networkId",
    "Network",
    "network_name",
];
const CAPACITY_NAMES: &[&str] = &[
    "capacity",
    "Capacity",
    "size",
    "data",
    "volume",
    "plan_name",
];
const VALIDITY_NAMES: &[&str] = &[
    "validity",
    "Validity",
    "duration",
    "valid_for",
    "month_validate",
];
const PRICE_NAMES: &[&str] = &["price", "Price", "amount", "cost", "plan_amount"];
const EFFICIENCY_NAMES: &[&str] = &["efficiency", "Efficiency", "score", "success_rate"];
const GROUP_PLAN_NAMES: &[&str] = &["plans", "data", "items", "catalog"];
const EFFICIENCY_TABLE_NAMES: &[&str] =
    &["efficiency", "efficiencies", "plan_efficiency", "scores"];

/// What the reader made of one catalog body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CatalogReading {
    /// Every plan it understood, in Plan ID order.
    pub(crate) plans: Vec<DataPlan>,
    /// One line per record it left out, saying why (for the log and `doctor`).
    pub(crate) skipped: Vec<String>,
    /// Plans given no score (`efficiency: None`) because the catalog rates them nowhere.
    pub(crate) unrated: usize,
}

/// Reads a catalog body. `Err` only when the body is not JSON or holds no plan records at all;
/// records it cannot read are left out and listed in [`CatalogReading::skipped`].
pub(crate) fn read_catalog(body: &[u8]) -> Result<CatalogReading, String> {
    let root: Value =
        serde_json::from_slice(body).map_err(|e| format!("the plan catalog is not JSON: {e}"))?;
    let mut records: Vec<(Option<Network>, &Map<String, Value>)> = Vec::new();
    let mut table: Vec<(Option<Network>, &Map<String, Value>)> = Vec::new();
    collect(unwrap_data(&root), None, &mut records, &mut table, 0);
    if records.is_empty() {
        return Err("the plan catalog holds no plan records".into());
    }
    let scores: Vec<(u64, u8)> = table
        .iter()
        .filter_map(|(_, r)| Some((plan_id(r)?, efficiency(pick(r, EFFICIENCY_NAMES)?)?)))
        .collect();
    let mut reading = CatalogReading::default();
    for (group, record) in records {
        match plan(record, group, &scores) {
            Ok((p, rated)) => {
                if !rated {
                    reading.unrated += 1;
                }
                if !reading.plans.iter().any(|q| q.plan_id == p.plan_id) {
                    reading.plans.push(p);
                }
            }
            Err(why) => reading.skipped.push(why),
        }
    }
    reading.plans.sort_by_key(|p| p.plan_id);
    Ok(reading)
}

/// `{success, data: X}` → X; anything else as it is.
fn unwrap_data(v: &Value) -> &Value {
    match v {
        Value::Object(o) if o.contains_key("success") && o.get("data").is_some() => &o["data"],
        _ => v,
    }
}

/// Walks the body: arrays of plan-like objects are plans (of `group`'s network), arrays under an
/// efficiency name are the efficiency table, and objects keyed by network are groups.
fn collect<'v>(
    v: &'v Value,
    group: Option<Network>,
    records: &mut Vec<(Option<Network>, &'v Map<String, Value>)>,
    table: &mut Vec<(Option<Network>, &'v Map<String, Value>)>,
    depth: u8,
) {
    if depth > 4 {
        return;
    }
    match v {
        Value::Array(items) => {
            for item in items {
                let Value::Object(o) = item else { continue };
                if looks_like_plan(o) {
                    records.push((group, o));
                } else {
                    // `[{network: 1, plans: [...]}]`
                    let g = pick(o, NETWORK_NAMES).and_then(network).or(group);
                    collect_object(o, g, records, table, depth + 1);
                }
            }
        }
        Value::Object(o) => collect_object(o, group, records, table, depth + 1),
        _ => {}
    }
}

fn collect_object<'v>(
    o: &'v Map<String, Value>,
    group: Option<Network>,
    records: &mut Vec<(Option<Network>, &'v Map<String, Value>)>,
    table: &mut Vec<(Option<Network>, &'v Map<String, Value>)>,
    depth: u8,
) {
    for (k, v) in o {
        if EFFICIENCY_TABLE_NAMES.contains(&k.as_str()) && !v.is_number() && !v.is_string() {
            // a table's rows carry an id and a score, not necessarily a price
            collect_rows(v, group, table, depth + 1);
            continue;
        }
        let g = network_key(k).or(group);
        if GROUP_PLAN_NAMES.contains(&k.as_str()) || network_key(k).is_some() {
            collect(v, g, records, table, depth + 1);
        }
    }
}

/// The efficiency table's rows: any object with a plan id, at any depth under the table.
fn collect_rows<'v>(
    v: &'v Value,
    group: Option<Network>,
    table: &mut Vec<(Option<Network>, &'v Map<String, Value>)>,
    depth: u8,
) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Array(items) => items
            .iter()
            .for_each(|i| collect_rows(i, group, table, depth + 1)),
        Value::Object(o) if plan_id(o).is_some() => table.push((group, o)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, i)| collect_rows(i, network_key(k).or(group), table, depth + 1)),
        _ => {}
    }
}

fn looks_like_plan(o: &Map<String, Value>) -> bool {
    pick(o, ID_NAMES).is_some() && pick(o, PRICE_NAMES).is_some()
}

fn pick<'v>(o: &'v Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    names
        .iter()
        .find_map(|n| o.get(*n))
        .filter(|v| !v.is_null())
}

/// A network from a group's key: `"MTN"`, `"mtn"`, `"MTN (network 1)"`, `"1"`, `"airtel_plans"`.
fn network_key(k: &str) -> Option<Network> {
    if let Ok(id) = k.trim().parse::<u64>() {
        return Network::from_id(id);
    }
    let lower = k.to_ascii_lowercase();
    Network::ALL.into_iter().find(|n| {
        let name = n.name().to_ascii_lowercase();
        lower == name
            || lower.starts_with(&format!("{name} "))
            || lower.starts_with(&format!("{name}_"))
            || (*n == Network::NineMobile && lower.starts_with("etisalat"))
    })
}

fn network(v: &Value) -> Option<Network> {
    match v {
        Value::Number(n) => n.as_u64().and_then(Network::from_id),
        Value::String(s) => network_key(s),
        Value::Object(o) => o.get("id").and_then(network),
        _ => None,
    }
}

fn plan_id(o: &Map<String, Value>) -> Option<u64> {
    match pick(o, ID_NAMES)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// Naira from `350`, `350.0`, `"₦350"`, `"N 1,500"`, `"350.00"`, `{amount: 350}`.
fn naira(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => {
            let digits: String = s
                .trim()
                .trim_start_matches(['₦', 'N', 'n'])
                .trim_start_matches("GN")
                .chars()
                .filter(|c| *c != ',' && !c.is_whitespace())
                .collect();
            let whole = digits.strip_suffix(".00").unwrap_or(&digits);
            whole.parse::<i64>().ok()
        }
        Value::Object(o) => ["amount", "value", "naira"]
            .iter()
            .find_map(|k| o.get(*k))
            .and_then(naira),
        _ => None,
    }
    .filter(|a| *a > 0)
}

/// A whole percent from `98`, `97.6`, `"98%"`, `"98.0 %"` or `0.98`.
fn efficiency(v: &Value) -> Option<u8> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok()?,
        Value::Object(o) => {
            return pick(o, &["score", "value", "efficiency", "percent"]).and_then(efficiency);
        }
        _ => return None,
    };
    let pct = if f > 0.0 && f <= 1.0 && !matches!(v, Value::String(s) if s.contains('%')) {
        f * 100.0
    } else {
        f
    };
    (0.0..=100.0).contains(&pct).then(|| pct.round() as u8)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Megabytes in `"1GB"`, `"1.5 GB"`, `"500MB"`, `"1TB"`; 0 when the text names none (the
/// widget only sorts by it).
fn capacity_mb(text: &str) -> u64 {
    let lower = text.to_ascii_lowercase();
    let num: String = lower
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let Ok(n) = num.parse::<f64>() else { return 0 };
    let unit = if lower.contains("tb") {
        1024.0 * 1024.0
    } else if lower.contains("gb") || lower.contains('g') {
        1024.0
    } else {
        1.0
    };
    (n * unit).round() as u64
}

/// Days in `"1 day"`, `"30 days"`, `"7days"`, `"2 weeks"`, `"1 month"`, `"Monthly"`; 0 when the
/// text names none.
fn validity_days(text: &str) -> u32 {
    let lower = text.to_ascii_lowercase();
    let n: u32 = lower
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(1);
    let has = |w: &str| lower.contains(w);
    if has("month") {
        n * 30
    } else if has("week") {
        n * 7
    } else if has("year") {
        n * 365
    } else if has("day") || has("daily") || lower.trim().chars().all(|c| c.is_ascii_digit()) {
        if has("daily") { 1 } else { n }
    } else {
        0
    }
}

fn plan(
    o: &Map<String, Value>,
    group: Option<Network>,
    scores: &[(u64, u8)],
) -> Result<(DataPlan, bool), String> {
    let id = plan_id(o).ok_or("a plan without a readable plan id")?;
    let network = pick(o, NETWORK_NAMES)
        .and_then(network)
        .or(group)
        .ok_or_else(|| format!("plan {id}: no network"))?;
    let amount = pick(o, PRICE_NAMES)
        .and_then(naira)
        .ok_or_else(|| format!("plan {id}: no readable price"))?;
    let capacity = pick(o, CAPACITY_NAMES)
        .and_then(text)
        .ok_or_else(|| format!("plan {id}: no capacity"))?;
    let validity = pick(o, VALIDITY_NAMES).and_then(text).unwrap_or_default();
    let score = pick(o, EFFICIENCY_NAMES)
        .and_then(efficiency)
        .or_else(|| scores.iter().find(|(p, _)| *p == id).map(|(_, s)| *s));
    let rated = score.is_some();
    Ok((
        DataPlan {
            plan_id: id,
            network,
            network_name: network.name().to_owned(),
            capacity_mb: capacity_mb(&capacity),
            validity_days: validity_days(&validity),
            capacity,
            validity,
            price: Money::naira(amount),
            efficiency: score,
            efficiency_rating: score.map(EfficiencyRating::of),
        },
        rated,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: &Value) -> CatalogReading {
        read_catalog(&serde_json::to_vec(v).unwrap()).unwrap()
    }

    #[test]
    fn the_docs_tables_with_a_separate_efficiency_table() {
        let r = read(&json!({
            "success": true,
            "data": {
                "plans": {
                    "MTN (network 1)": [{"Plan ID": "1001", "Capacity": "1GB", "Validity": "1 day", "Price": "₦350"}],
                    "Airtel": [{"id": 4002, "capacity": "500MB", "validity": "7 days", "price": {"amount": 500}}]
                },
                "efficiency": {"MTN": [{"plan_id": 1001, "capacity": "1GB", "efficiency": "98%"}]}
            }
        }));
        assert_eq!(r.skipped, Vec::<String>::new());
        assert_eq!(r.plans.len(), 2);
        let mtn = &r.plans[0];
        assert_eq!(
            (mtn.plan_id, mtn.network, mtn.price.amount),
            (1001, Network::Mtn, 350)
        );
        assert_eq!((mtn.capacity_mb, mtn.validity_days), (1024, 1));
        assert_eq!(
            (mtn.efficiency, mtn.efficiency_rating),
            (Some(98), Some(EfficiencyRating::Excellent))
        );
        let airtel = &r.plans[1];
        assert_eq!(
            (airtel.network, airtel.capacity_mb, airtel.validity_days),
            (Network::Airtel, 500, 7)
        );
        assert_eq!(
            (airtel.efficiency, airtel.efficiency_rating),
            (None, None),
            "unrated: no score made up"
        );
        assert_eq!(r.unrated, 1);
    }

    #[test]
    fn the_old_flat_list_still_reads() {
        let r = read(&json!({"success": true, "data": [
            {"plan_id": 2001, "network": 2, "capacity": "1.5GB", "validity": "30 days",
             "price": {"amount": 900, "display": "₦900"}, "efficiency": 61}
        ]}));
        let p = &r.plans[0];
        assert_eq!(
            (p.network, p.capacity_mb, p.validity_days, p.efficiency),
            (Network::Glo, 1536, 30, Some(61))
        );
        assert_eq!(p.efficiency_rating, Some(EfficiencyRating::Poor));
    }

    #[test]
    fn an_unreadable_plan_is_left_out_not_the_catalog() {
        let r = read(&json!([
            {"plan_id": 1001, "network": "MTN", "capacity": "1GB", "validity": "1 day", "price": "N 1,500"},
            {"plan_id": 1002, "network": "MTN", "capacity": "2GB", "price": "call us"},
            {"plan_id": 1003, "capacity": "2GB", "price": 10},
        ]));
        assert_eq!(r.plans.len(), 1);
        assert_eq!(r.plans[0].price.amount, 1500);
        assert_eq!(r.skipped.len(), 2, "{:?}", r.skipped);
    }

    #[test]
    fn not_a_catalog_is_an_error() {
        assert!(read_catalog(b"<html>").is_err());
        assert!(read_catalog(b"{\"success\":true,\"data\":[]}").is_err());
    }

    #[test]
    fn scores_and_sizes_read_in_their_common_spellings() {
        assert_eq!(efficiency(&json!("98%")), Some(98));
        assert_eq!(efficiency(&json!(0.97)), Some(97));
        assert_eq!(efficiency(&json!(101)), None);
        assert_eq!(capacity_mb("100 GB"), 102_400);
        assert_eq!(validity_days("Monthly"), 30);
        assert_eq!(validity_days("2 weeks"), 14);
        assert_eq!(naira(&json!("₦22,000")), Some(22_000));
        assert_eq!(naira(&json!("350.00")), Some(350));
    }
}
