//! The plan catalog: daily, weekly and monthly plans from 110 MB to 100 GB on all four
//! networks, priced per network, each with an efficiency score that drifts hour by hour around
//! a seeded base (some plans are poor, as on the real platform).

use std::sync::atomic::{AtomicU64, Ordering};

use amigo_types::Money;
use amigo_types::data::{DataPlan, EfficiencyRating, Network};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `(capacity in MB, validity in days, MTN price in Naira)`; the first is Plan `x001`, so MTN's
/// 1 GB daily is 1001 as in the docs' example.
const TEMPLATE: &[(u64, u32, i64)] = &[
    (1024, 1, 350),
    (110, 1, 100),
    (230, 1, 200),
    (2560, 2, 600),
    (500, 7, 500),
    (1536, 7, 1000),
    (6144, 7, 2500),
    (2048, 30, 1500),
    (3072, 30, 2000),
    (10240, 30, 4500),
    (20480, 30, 7500),
    (40960, 30, 11000),
    (102_400, 30, 22000),
];

/// Seconds one efficiency reading holds before it drifts.
const DRIFT_WINDOW_SECS: i64 = 3600;

#[derive(Debug, Clone)]
struct Seeded {
    plan: DataPlan,
    base: u8,
}

/// All plans of one sandbox instance, plus the instance-wide purchase id sequence.
#[derive(Debug)]
pub struct DataPlans {
    seed: u64,
    plans: Vec<Seeded>,
    next_id: AtomicU64,
}

impl DataPlans {
    /// Generates the catalog from `seed` (same seed, same plans and scores).
    pub fn seed(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDA7A);
        let mut plans = Vec::new();
        for network in Network::ALL {
            let factor = match network {
                Network::Mtn | Network::Airtel => 100,
                Network::Glo => 90,
                Network::NineMobile => 95,
            };
            for (i, &(mb, days, price)) in TEMPLATE.iter().enumerate() {
                // One plan in six is poor; the rest are good to excellent.
                let base: u8 = if rng.random_range(0..6) == 0 {
                    rng.random_range(52..72)
                } else {
                    rng.random_range(88..=100)
                };
                let price = (price * factor / 100 + 5) / 10 * 10;
                plans.push(Seeded {
                    base,
                    plan: DataPlan {
                        plan_id: u64::from(network.id()) * 1000 + i as u64 + 1,
                        network,
                        network_name: network.name().to_owned(),
                        capacity: capacity(mb),
                        capacity_mb: mb,
                        validity: if days == 1 {
                            "1 day".into()
                        } else {
                            format!("{days} days")
                        },
                        validity_days: days,
                        price: Money::naira(price),
                        efficiency: Some(base),
                        efficiency_rating: Some(EfficiencyRating::of(base)),
                    },
                });
            }
        }
        Self {
            seed,
            plans,
            next_id: AtomicU64::new(70_001),
        }
    }

    /// Every plan (of `network`, when given) with its efficiency at `now` (unix seconds),
    /// in Plan ID order.
    pub fn list(&self, network: Option<Network>, now: i64) -> Vec<DataPlan> {
        self.plans
            .iter()
            .filter(|s| network.is_none_or(|n| s.plan.network == n))
            .map(|s| self.at(s, now))
            .collect()
    }

    /// The catalog as `/plans_catalog.php` serves it, in the shape of the docs' tables: per
    /// network (keyed by its name, as the docs title each table) the rows Plan ID, Capacity,
    /// Validity, Price (the display string, as the table prints it), and a separate efficiency
    /// table per network (Plan ID, Capacity, Efficiency as `"98%"`). The docs show tables for
    /// MTN, Glo and Airtel only; `with_9mobile` adds the sandbox's invented 9mobile table.
    pub fn tables(
        &self,
        network: Option<Network>,
        now: i64,
        with_9mobile: bool,
    ) -> serde_json::Value {
        let mut plans = serde_json::Map::new();
        let mut efficiency = serde_json::Map::new();
        for n in Network::ALL {
            if network.is_some_and(|w| w != n) || (n == Network::NineMobile && !with_9mobile) {
                continue;
            }
            let list = self.list(Some(n), now);
            plans.insert(
                n.name().to_owned(),
                list.iter()
                    .map(|p| {
                        serde_json::json!({
                            "plan_id": p.plan_id,
                            "capacity": p.capacity,
                            "validity": p.validity,
                            "price": p.price.display,
                        })
                    })
                    .collect(),
            );
            efficiency.insert(
                n.name().to_owned(),
                list.iter()
                    .map(|p| {
                        serde_json::json!({
                            "plan_id": p.plan_id,
                            "capacity": p.capacity,
                            "efficiency": format!("{}%", p.efficiency.unwrap_or_default()),
                        })
                    })
                    .collect(),
            );
        }
        serde_json::json!({"success": true, "data": {"plans": plans, "efficiency": efficiency}})
    }

    /// One plan with its efficiency at `now`.
    pub fn plan(&self, plan_id: u64, now: i64) -> Option<DataPlan> {
        self.plans
            .iter()
            .find(|s| s.plan.plan_id == plan_id)
            .map(|s| self.at(s, now))
    }

    /// The next purchase id (instance-wide, so an id names one purchase).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn at(&self, s: &Seeded, now: i64) -> DataPlan {
        let window = now.div_euclid(DRIFT_WINDOW_SECS) as u64;
        let mut rng =
            ChaCha8Rng::seed_from_u64(self.seed ^ s.plan.plan_id.rotate_left(20) ^ window);
        let drift: i16 = rng.random_range(-4..=4);
        let score = (i16::from(s.base) + drift).clamp(0, 100) as u8;
        DataPlan {
            efficiency: Some(score),
            efficiency_rating: Some(EfficiencyRating::of(score)),
            ..s.plan.clone()
        }
    }
}

fn capacity(mb: u64) -> String {
    if mb >= 1024 && mb.is_multiple_of(512) {
        let gb = mb as f64 / 1024.0;
        if gb.fract() == 0.0 {
            format!("{gb:.0}GB")
        } else {
            format!("{gb:.1}GB")
        }
    } else {
        format!("{mb}MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_has_daily_weekly_and_monthly_plans_with_some_poor() {
        let p = DataPlans::seed(42);
        for n in Network::ALL {
            let plans = p.list(Some(n), 0);
            assert_eq!(plans.len(), TEMPLATE.len());
            for days in [1, 7, 30] {
                assert!(plans.iter().any(|x| x.validity_days == days));
            }
            assert!(plans.iter().all(|x| x.network == n && x.price.amount > 0));
        }
        let all = p.list(None, 0);
        assert!(
            all.iter()
                .any(|x| x.efficiency_rating == Some(EfficiencyRating::Poor))
        );
        assert!(
            all.iter()
                .any(|x| x.efficiency_rating == Some(EfficiencyRating::Excellent))
        );
        let mtn1 = p.plan(1001, 0).unwrap();
        assert_eq!(
            (mtn1.capacity.as_str(), mtn1.validity.as_str()),
            ("1GB", "1 day")
        );
        assert_eq!(p.plan(4013, 0).unwrap().capacity, "100GB");
        assert_eq!(p.plan(1003, 0).unwrap().capacity, "230MB");
    }

    #[test]
    fn the_tables_follow_the_docs_columns_with_efficiency_apart() {
        let p = DataPlans::seed(42);
        let t = p.tables(None, 0, false);
        let plans = t["data"]["plans"].as_object().unwrap();
        assert_eq!(
            plans.keys().collect::<Vec<_>>(),
            ["Airtel", "Glo", "MTN"],
            "the docs show MTN, Glo and Airtel tables"
        );
        let first = &plans["MTN"][0];
        assert_eq!(first["plan_id"], 1001);
        assert_eq!(first["price"], "₦350");
        assert!(first.get("efficiency").is_none());
        let score = t["data"]["efficiency"]["MTN"][0]["efficiency"]
            .as_str()
            .unwrap();
        assert_eq!(
            score,
            format!("{}%", p.plan(1001, 0).unwrap().efficiency.unwrap())
        );
        assert!(p.tables(None, 0, true)["data"]["plans"]["9mobile"].is_array());
        let glo = p.tables(Some(Network::Glo), 0, true);
        assert_eq!(glo["data"]["plans"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn scores_drift_between_windows_and_hold_within_one() {
        let p = DataPlans::seed(42);
        let a = p.list(None, 0);
        assert_eq!(a, p.list(None, DRIFT_WINDOW_SECS - 1));
        let later: Vec<_> = (1..24)
            .map(|h| p.list(None, h * DRIFT_WINDOW_SECS))
            .collect();
        assert!(later.iter().any(|l| *l != a), "scores never drift");
    }
}
