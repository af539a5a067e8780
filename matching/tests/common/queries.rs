//! The retrieval queries of `tests/fixtures/retrieval/queries.json` and
//! the rules that grade each demo product for them. Grades come from what
//! the query asks, read against the catalogue's attributes:
//!
//! * products outside the query's categories are grade 0 (left out);
//! * in the categories, grade = 3 − the sum of the rule's penalties
//!   (at least 0): 2 for missing what the query is about, 1 for missing a
//!   secondary ask; a price limit costs 1 when at most 25 % over, else 2.

use procura_demo_shops::Category;
use serde::{Deserialize, Serialize};

use super::attrs::{Attrs, ChairKind, DeskKind, Item, Material, items};

pub struct Query {
    pub text: &'static str,
    pub why: &'static str,
    pub categories: &'static [Category],
    pub penalty: fn(&Item) -> u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    pub shop: String,
    pub sku: String,
    pub name: String,
    pub grade: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Judged {
    pub query: String,
    pub why: String,
    pub categories: Vec<String>,
    pub judgements: Vec<Judgement>,
}

use Category::{Desk, Laptop, Monitor, OfficeChair};

pub use super::query_list::queries;

pub const CHAIRS: &[Category] = &[OfficeChair];
pub const LAPTOPS: &[Category] = &[Laptop];
pub const MONITORS: &[Category] = &[Monitor];
pub const DESKS: &[Category] = &[Desk];

pub fn miss(ok: bool, cost: u32) -> u32 {
    if ok { 0 } else { cost }
}

/// 0 within the limit, 1 up to 25 % over, else 2.
pub fn over(i: &Item, limit: f64) -> u32 {
    if i.price_eur <= limit {
        0
    } else if i.price_eur <= limit * 1.25 {
        1
    } else {
        2
    }
}

pub fn chair(i: &Item) -> (ChairKind, Material, bool, u32, u32) {
    match &i.attrs {
        Attrs::Chair {
            kind,
            material,
            headrest,
            armrests_d,
            max_load_kg,
            ..
        } => (*kind, *material, *headrest, *armrests_d, *max_load_kg),
        _ => (ChairKind::Task, Material::Fabric, false, 0, 0),
    }
}

/// Screen (inch), RAM (GB), storage (GB), refresh (Hz), weight (kg), CPU.
pub fn laptop(i: &Item) -> (f64, u32, u32, u32, f64, &str) {
    match &i.attrs {
        Attrs::Laptop {
            screen_inch,
            ram_gb,
            storage_gb,
            refresh_hz,
            weight_kg,
            cpu,
            ..
        } => (
            *screen_inch,
            *ram_gb,
            *storage_gb,
            *refresh_hz,
            *weight_kg,
            cpu.as_str(),
        ),
        _ => (0.0, 0, 0, 0, 0.0, ""),
    }
}

/// Size (inch), width in px, refresh (Hz), panel, power (W).
pub fn monitor(i: &Item) -> (u32, u32, u32, &str, u32) {
    match &i.attrs {
        Attrs::Monitor {
            size_inch,
            px,
            refresh_hz,
            panel,
            power_w,
            ..
        } => (*size_inch, px.0, *refresh_hz, panel.as_str(), *power_w),
        _ => (0, 0, 0, "", 0),
    }
}

/// Kind, width, depth (cm), max load (kg), motor (W).
pub fn desk(i: &Item) -> (DeskKind, u32, u32, u32, Option<u32>) {
    match &i.attrs {
        Attrs::Desk {
            kind,
            width_cm,
            depth_cm,
            max_load_kg,
            motor_w,
            ..
        } => (*kind, *width_cm, *depth_cm, *max_load_kg, *motor_w),
        _ => (DeskKind::Writing, 0, 0, 0, None),
    }
}

/// "Ergonomic": sold as ergonomic 0; an executive chair with a headrest
/// 1; anything else 2.
pub fn ergonomic(i: &Item) -> u32 {
    match chair(i) {
        (ChairKind::Ergonomic, ..) => 0,
        (ChairKind::Executive, _, true, ..) => 1,
        _ => 2,
    }
}

pub fn standing(i: &Item) -> u32 {
    miss(desk(i).0 == DeskKind::Standing, 2)
}

/// Every query with every product of its categories graded.
pub fn generate() -> Vec<Judged> {
    let all = items();
    queries()
        .into_iter()
        .map(|q| {
            let mut judgements: Vec<Judgement> = all
                .iter()
                .filter(|i| q.categories.contains(&i.category))
                .map(|i| Judgement {
                    shop: i.shop.clone(),
                    sku: i.sku.clone(),
                    name: i.name.clone(),
                    grade: 3 - (q.penalty)(i).min(3) as u8,
                })
                .collect();
            judgements.sort_by_key(|j| std::cmp::Reverse(j.grade));
            Judged {
                query: q.text.to_string(),
                why: q.why.to_string(),
                categories: q.categories.iter().map(|c| c.slug().to_string()).collect(),
                judgements,
            }
        })
        .collect()
}
