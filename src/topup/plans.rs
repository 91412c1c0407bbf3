//! The plan catalog as the shopper reads it: grouped by validity (daily, weekly, monthly),
//! cheapest first, each with its efficiency badge; plans rated poor (< 75 %) are set apart under
//! "Less reliable plans", as the docs advise avoiding them.

use amigo_types::data::{DataPlan, EfficiencyRating, Network};

use crate::wording::{Later, Wording};

/// One validity group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanGroup {
    /// "Daily", "Weekly", "Monthly" (worded when shown).
    pub title: Later,
    /// Its plans, cheapest first.
    pub plans: Vec<DataPlan>,
}

/// A network's plans, ready to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanGroups {
    /// The reliable plans, by validity.
    pub groups: Vec<PlanGroup>,
    /// The plans rated poor, cheapest first, shown collapsed with a warning.
    pub poor: Vec<DataPlan>,
}

impl PlanGroups {
    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.poor.is_empty()
    }
}

fn validity_title(days: u32) -> Later {
    match days {
        0..=2 => Later::daily,
        3..=14 => Later::weekly,
        _ => Later::monthly,
    }
}

/// Groups `network`'s plans out of a catalog (other networks' plans are left out).
pub fn group_plans(catalog: &[DataPlan], network: Network) -> PlanGroups {
    let mut mine: Vec<DataPlan> = catalog
        .iter()
        .filter(|p| p.network == network)
        .cloned()
        .collect();
    mine.sort_by_key(|p| (p.validity_days, p.price.amount, p.capacity_mb));
    let mut out = PlanGroups::default();
    for plan in mine {
        if plan.efficiency.map(EfficiencyRating::of) == Some(EfficiencyRating::Poor) {
            out.poor.push(plan);
            continue;
        }
        let title = validity_title(plan.validity_days);
        match out.groups.iter_mut().find(|g| g.title == title) {
            Some(g) => g.plans.push(plan),
            None => out.groups.push(PlanGroup {
                title,
                plans: vec![plan],
            }),
        }
    }
    out.poor.sort_by_key(|p| p.price.amount);
    out
}

/// The badge a plan wears: `(text, css modifier)`; plans between the documented bands wear
/// none, and so do unrated ones. Read from the score itself, so a catalog whose rating lags its
/// score still shows truth.
pub fn badge(plan: &DataPlan) -> Option<(Later, &'static str)> {
    match EfficiencyRating::of(plan.efficiency?) {
        EfficiencyRating::Excellent => Some((Later::excellent, "excellent")),
        EfficiencyRating::Poor => Some((Later::poor, "poor")),
        EfficiencyRating::Good => None,
    }
}

/// The delivery rate as shown: "99% delivered", or "Delivery rate unknown" for a plan the
/// catalog rates nowhere (never a made-up score).
pub fn efficiency_text(plan: &DataPlan, w: &Wording) -> String {
    match plan.efficiency {
        Some(score) => w.fill(Later::delivered_rate, &[("score", &score.to_string())]),
        None => w.get(Later::delivery_rate_unknown).to_owned(),
    }
}

/// The accessible summary of one plan: "1GB, 1 day, ₦350, 99% delivered".
pub fn plan_label(plan: &DataPlan, w: &Wording) -> String {
    format!(
        "{}, {}, {}, {}",
        plan.capacity,
        plan.validity,
        plan.price.display,
        efficiency_text(plan, w)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wording::ENGLISH;
    use amigo_types::fixtures::data_plan as plan;

    #[test]
    fn plans_are_grouped_by_validity_and_poor_ones_set_apart() {
        let catalog = vec![
            plan(1003, Network::Mtn, 1024, 30, 1500, 99),
            plan(1001, Network::Mtn, 1024, 1, 350, 98),
            plan(1002, Network::Mtn, 500, 7, 500, 80),
            plan(1004, Network::Mtn, 110, 1, 100, 60),
            plan(1005, Network::Mtn, 230, 1, 200, 90),
            plan(2001, Network::Glo, 1024, 1, 300, 99),
        ];
        let g = group_plans(&catalog, Network::Mtn);
        let titles: Vec<_> = g.groups.iter().map(|g| g.title).collect();
        assert_eq!(titles, [Later::daily, Later::weekly, Later::monthly]);
        assert_eq!(ENGLISH.get(g.groups[1].title), "Weekly");
        let daily: Vec<u64> = g.groups[0].plans.iter().map(|p| p.plan_id).collect();
        assert_eq!(
            daily,
            [1005, 1001],
            "cheapest first, the poor one set apart"
        );
        assert_eq!(g.poor.iter().map(|p| p.plan_id).collect::<Vec<_>>(), [1004]);
        assert!(group_plans(&catalog, Network::Airtel).is_empty());
    }

    #[test]
    fn an_unrated_plan_shows_no_score_and_no_badge() {
        let mut p = plan(1, Network::Airtel, 500, 7, 500, 0);
        p.efficiency = None;
        p.efficiency_rating = None;
        assert_eq!(badge(&p), None);
        assert_eq!(efficiency_text(&p, &ENGLISH), "Delivery rate unknown");
        assert_eq!(
            plan_label(&p, &ENGLISH),
            "500MB, 7 days, ₦500, Delivery rate unknown"
        );
        let g = group_plans(&[p], Network::Airtel);
        assert!(g.poor.is_empty(), "not set apart as poor");
        assert_eq!(g.groups[0].plans.len(), 1);
    }

    #[test]
    fn badges_follow_the_documented_bands() {
        assert_eq!(
            badge(&plan(1, Network::Mtn, 1, 1, 1, 98)).unwrap().0,
            Later::excellent
        );
        assert_eq!(badge(&plan(1, Network::Mtn, 1, 1, 1, 97)), None);
        assert_eq!(badge(&plan(1, Network::Mtn, 1, 1, 1, 75)), None);
        assert_eq!(
            badge(&plan(1, Network::Mtn, 1, 1, 1, 74)).unwrap().0,
            Later::poor
        );
        assert_eq!(
            plan_label(&plan(1, Network::Mtn, 1024, 1, 350, 99), &ENGLISH),
            "1024MB, 1 days, ₦350, 99% delivered"
        );
    }
}
