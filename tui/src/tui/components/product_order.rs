//! The orders the products table can be sorted in, and its filter.

use std::cmp::Ordering;

use procura_common::product::Product;

/// The order of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Cheapest first, as the daemon lists them; no price last.
    #[default]
    Price,
    Vendor,
    Title,
}

impl SortKey {
    /// In the order `s` cycles through them. A `Score` key joins once
    /// products are ranked: a variant, its place here, a label and its
    /// comparison in [`compare`].
    pub const ALL: [SortKey; 3] = [SortKey::Price, SortKey::Vendor, SortKey::Title];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Price => "price ↑",
            SortKey::Vendor => "vendor",
            SortKey::Title => "title",
        }
    }
}

fn by_price(a: &Product, b: &Product) -> Ordering {
    match (a.price, b.price) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn by_vendor(a: &Product, b: &Product) -> Ordering {
    a.vendor.to_lowercase().cmp(&b.vendor.to_lowercase())
}

/// Untitled products last.
fn by_title(a: &Product, b: &Product) -> Ordering {
    let key = |p: &Product| (p.title.is_none(), p.title.as_deref().map(str::to_lowercase));
    key(a).cmp(&key(b))
}

/// The order `key` puts `a` and `b` in; ties are broken by the other keys,
/// then by id, so the order never flickers between refreshes.
pub fn compare(a: &Product, b: &Product, key: SortKey) -> Ordering {
    let first = match key {
        SortKey::Price => by_price(a, b)
            .then_with(|| by_vendor(a, b))
            .then_with(|| by_title(a, b)),
        SortKey::Vendor => by_vendor(a, b)
            .then_with(|| by_price(a, b))
            .then_with(|| by_title(a, b)),
        SortKey::Title => by_title(a, b)
            .then_with(|| by_price(a, b))
            .then_with(|| by_vendor(a, b)),
    };
    first.then_with(|| a.id.cmp(&b.id))
}

/// Whether `p`'s title, vendor, brand or SKU holds `filter`, ignoring case.
pub fn matches(p: &Product, filter: &str) -> bool {
    let needle = filter.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    [
        p.title.as_deref(),
        Some(p.vendor.as_str()),
        p.brand.as_deref(),
        p.sku.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|s| s.to_lowercase().contains(&needle))
}
