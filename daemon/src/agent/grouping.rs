//! Cross-vendor groups of a job's products: the same item sold by several
//! vendors, found by `procura_match` (GTIN, MPN + brand, then title and
//! spec similarity above its tuned threshold).

use procura_common::product::Product;
use procura_common::rank::{ProductGroup, ShortlistEntry};
use procura_match::{DEFAULT_THRESHOLD, MatchInput, MatchReason, group, why};

/// A group number per product (same number = same item at several
/// vendors); `None` for a product no other vendor sells.
pub fn groups(products: &[Product]) -> Vec<Option<u32>> {
    let inputs: Vec<MatchInput> = products.iter().map(input).collect();
    let raw = group(&inputs, DEFAULT_THRESHOLD);
    let mut sizes = std::collections::HashMap::new();
    for g in &raw {
        *sizes.entry(*g).or_insert(0usize) += 1;
    }
    raw.iter()
        .map(|g| (sizes[g] > 1).then_some(*g as u32 + 1))
        .collect()
}

fn input(p: &Product) -> MatchInput {
    MatchInput {
        id: p.id.to_string(),
        vendor: p.vendor.clone(),
        title: p.title.clone().unwrap_or_default(),
        brand: p.brand.clone(),
        gtin: p.gtin.clone(),
        mpn: p.mpn.clone(),
        specs: p.specs.clone(),
        category: None,
    }
}

/// The groups of a stored shortlist, each cheapest first, with why its
/// products are one item.
pub fn shortlist_groups(entries: &[ShortlistEntry]) -> Vec<ProductGroup> {
    let mut numbers: Vec<u32> = entries.iter().filter_map(|e| e.group).collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .map(|number| {
            let mut members: Vec<&ShortlistEntry> =
                entries.iter().filter(|e| e.group == Some(number)).collect();
            // Cheapest first; an offer without a comparable price last.
            members.sort_by_key(|e| {
                let price = e.compare_price.as_ref().map(|m| m.amount);
                (price.is_none(), price)
            });
            let reason = match members.as_slice() {
                [a, b, ..] => match why(&input(&a.product), &input(&b.product)) {
                    MatchReason::Gtin => "same GTIN".to_string(),
                    MatchReason::MpnBrand => "same MPN and brand".to_string(),
                    MatchReason::Similar(score) => format!("similar title and specs ({score:.2})"),
                    MatchReason::Different => {
                        "grouped through another vendor's listing".to_string()
                    }
                },
                _ => String::new(),
            };
            ProductGroup {
                group: number,
                products: members.iter().map(|e| e.product.id).collect(),
                why: reason,
            }
        })
        .collect()
}
