//! The ground-truth catalogue: every product of every shop, with the price,
//! stock and specs its page shows.

use rust_decimal::Decimal;

use crate::Markup;
use crate::defs::{Locale, SHOPS, ShopDef};
use crate::format::slugify;
use crate::models::{Attrs, DeskKind, Model, Rng, models, resolution_tag};
use crate::wording::{description, name, specs, storage_text};

/// The four product categories; every shop carries all four.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    OfficeChair = 0,
    Laptop = 1,
    Monitor = 2,
    Desk = 3,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::OfficeChair,
        Category::Laptop,
        Category::Monitor,
        Category::Desk,
    ];

    /// English plural name: `Office chairs`, `Laptops`, `Monitors`, `Desks`.
    pub fn label(self) -> &'static str {
        match self {
            Category::OfficeChair => "Office chairs",
            Category::Laptop => "Laptops",
            Category::Monitor => "Monitors",
            Category::Desk => "Desks",
        }
    }

    /// URL slug: `office-chairs`, `laptops`, `monitors`, `desks`.
    pub fn slug(self) -> &'static str {
        match self {
            Category::OfficeChair => "office-chairs",
            Category::Laptop => "laptops",
            Category::Monitor => "monitors",
            Category::Desk => "desks",
        }
    }

    pub(crate) fn label_in(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::De, Category::OfficeChair) => "Bürostühle",
            (Locale::De, Category::Laptop) => "Laptops & Notebooks",
            (Locale::De, Category::Monitor) => "Monitore",
            (Locale::De, Category::Desk) => "Schreibtische",
            _ => self.label(),
        }
    }

    pub(crate) fn code2(self) -> &'static str {
        ["CH", "LT", "MN", "DK"][self as usize]
    }

    pub(crate) fn code3(self) -> &'static str {
        ["CHR", "LAP", "MON", "DSK"][self as usize]
    }

    /// Words that find this category in any shop, whatever its language.
    fn keywords(self) -> &'static str {
        match self {
            Category::OfficeChair => "office chair chairs seating seat bürostuhl bürostühle stuhl",
            Category::Laptop => "laptop laptops notebook notebooks computer",
            Category::Monitor => "monitor monitors display screen bildschirm",
            Category::Desk => "desk desks table office schreibtisch tisch",
        }
    }
}

/// One row of a product's spec table, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub label: String,
    pub value: String,
}

/// A delivery time as a product page states it: `min_days..=max_days`
/// business days (Monday to Friday) or calendar days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Delivery {
    pub min_days: u16,
    pub max_days: u16,
    pub business_days: bool,
}

/// One product of one shop: what a perfect extractor would read off its page.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoProduct {
    /// The shop's name, as in [`crate::ShopInfo::name`].
    pub shop: String,
    /// Shop-local id, 1-based.
    pub id: u32,
    pub category: Category,
    /// Path of the product page on the shop's origin, e.g. `/products/...`.
    pub url_path: String,
    pub name: String,
    pub brand: String,
    pub sku: String,
    /// GTIN-13; the same model has the same GTIN in every shop.
    pub gtin: String,
    pub mpn: String,
    /// The price a buyer pays now (the sale price when on sale).
    pub price: Decimal,
    /// The struck-through "was" price, when on sale.
    pub list_price: Option<Decimal>,
    /// ISO 4217: `USD`, `EUR`, `GBP`.
    pub currency: String,
    pub in_stock: bool,
    /// The delivery time the page states; `None` when it states none
    /// (out of stock, or the JavaScript shop, which never says).
    pub delivery: Option<Delivery>,
    /// The page says the price is per unit ("each", "pro Stück", ...).
    pub per_unit: bool,
    pub description: String,
    /// Path of the product image (SVG) on the shop's origin.
    pub image_path: String,
    pub specs: Vec<Spec>,
}

/// A catalogue entry with the words its shop's search matches.
pub(crate) struct Entry {
    pub product: DemoProduct,
    pub keywords: String,
}

/// Every product of every shop, in shop order, the same on every call.
pub(crate) fn generate() -> Vec<Vec<Entry>> {
    let models = models();
    SHOPS
        .iter()
        .map(|def| shop_products(def, &models))
        .collect()
}

fn shop_products(def: &ShopDef, models: &[Model]) -> Vec<Entry> {
    let mut rng = Rng::new(def.seed);
    let mut out = Vec::new();
    for category in Category::ALL {
        let carried = models
            .iter()
            .filter(|m| m.category == category && m.index % def.skip.0 != def.skip.1);
        for (k, m) in carried.enumerate() {
            let id = out.len() as u32 + 1;
            out.push(product(def, m, id, k, &mut rng));
        }
    }
    out
}

fn product(def: &ShopDef, m: &Model, id: u32, k: usize, rng: &mut Rng) -> Entry {
    let locale = def.locale;
    let name = name(m, locale);
    let slug = slugify(&format!("{} {}", m.brand, m.line));
    let sku = def.sku(m.category, m.index);
    let noise = 920 + rng.below(160) as i64;
    let cents = m.base_cents * def.price_level / 1000 * noise / 1000;
    let price = shop_price(cents, locale, id);
    let on_sale = k == 1 || rng.below(100) < 25;
    let list_price =
        on_sale.then(|| shop_price(cents * (115 + rng.below(25) as i64) / 100, locale, id));
    let in_stock = !(k == 2 || rng.below(100) < 12);
    let per_unit =
        matches!(m.category, Category::OfficeChair | Category::Desk) && k.is_multiple_of(3);
    let product = DemoProduct {
        shop: def.name.to_string(),
        id,
        category: m.category,
        url_path: def.product_path(id, m.category, &slug, &sku),
        name,
        brand: m.brand.to_string(),
        sku,
        gtin: m.gtin.clone(),
        mpn: m.mpn.clone(),
        price: Decimal::new(price, 2),
        list_price: list_price.map(|c| Decimal::new(c, 2)),
        currency: def.currency.to_string(),
        in_stock,
        delivery: delivery(def, id).filter(|_| in_stock),
        per_unit,
        description: description(m, locale),
        image_path: format!("/images/{id}.svg"),
        specs: specs(m, locale),
    };
    Entry {
        keywords: keywords(m),
        product,
    }
}

/// The delivery time a shop states for its product `id`: Northwind 2–4 or
/// (every third product) 10–14 business days in its JSON-LD, Bürokontor
/// 2–3 or (every third) 8–10 Werktage, Thames next-day, Canal Street none.
/// From the id alone, so the prices and stock drawn from the seed stay.
fn delivery(def: &ShopDef, id: u32) -> Option<Delivery> {
    let d = |min_days, max_days| Delivery {
        min_days,
        max_days,
        business_days: true,
    };
    match def.markup {
        Markup::JsonLd if id.is_multiple_of(3) => Some(d(10, 14)),
        Markup::JsonLd => Some(d(2, 4)),
        Markup::Microdata if id % 3 == 1 => Some(d(8, 10)),
        Markup::Microdata => Some(d(2, 3)),
        Markup::DomOnly => Some(d(1, 1)),
        Markup::JavaScript => None,
    }
}

/// Rounds a price in cents to the shop's usual price points: `…9.99` in
/// the US, `…9,00` in Germany, `…9.00` or `…9.99` in the UK, `…9,95` in
/// the Netherlands.
fn shop_price(cents: i64, locale: Locale, id: u32) -> i64 {
    let units = (cents / 100 / 10) * 10 + 9;
    let frac = match locale {
        Locale::EnUs => 99,
        Locale::De => 0,
        Locale::EnGb => [0, 99][id as usize % 2],
        Locale::EnNl => 95,
    };
    units * 100 + frac
}

/// Canonical English words for search, the same in every shop.
fn keywords(m: &Model) -> String {
    let mut k = format!("{} {} {}", m.brand, m.line, m.category.keywords());
    let extra = match &m.attrs {
        Attrs::Chair { kind, material, .. } => format!("{kind:?} {material:?}"),
        Attrs::Laptop {
            screen,
            ram_gb,
            storage_gb,
            ..
        } => {
            format!(
                "{} inch {ram_gb} GB RAM {} SSD",
                screen / 10,
                storage_text(*storage_gb, false)
            )
        }
        Attrs::Monitor {
            size_inch,
            px,
            refresh_hz,
            panel,
            ..
        } => {
            format!(
                "{size_inch} inch {} {refresh_hz} Hz {panel}",
                resolution_tag(*px)
            )
        }
        Attrs::Desk { kind, width_cm, .. } => match kind {
            DeskKind::Standing => {
                format!("standing sit stand electric height adjustable {width_cm} cm")
            }
            DeskKind::Writing => format!("writing {width_cm} cm"),
            DeskKind::Corner => format!("corner l-shaped {width_cm} cm"),
        },
    };
    k.push(' ');
    k.push_str(&extra);
    k
}
