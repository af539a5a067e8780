//! The four fictional vendors: who they are, how they write prices and where
//! their pages live.

use crate::Markup;
use crate::catalogue::Category;

/// How a shop writes prices, stock wording and spec values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Locale {
    /// US English, `$1,299.99`.
    EnUs,
    /// German, `1.299,00 €`, German labels and decimal commas.
    De,
    /// British English, `£849.00`.
    EnGb,
    /// An English-language Dutch shop, `€ 1.299,95` (rendered by JavaScript).
    EnNl,
}

/// One vendor's fixed description.
pub(crate) struct ShopDef {
    pub name: &'static str,
    pub markup: Markup,
    pub locale: Locale,
    pub currency: &'static str,
    pub contact_email: &'static str,
    /// Path and query of the search page, with `{query}`.
    pub search_path: &'static str,
    /// Seed for this shop's prices and stock.
    pub seed: u64,
    /// The shop does not carry model `i` when `i % skip.0 == skip.1`.
    pub skip: (usize, usize),
    /// Price level relative to the model's US list price, in per mille.
    pub price_level: i64,
}

pub(crate) const SHOPS: [ShopDef; 4] = [
    ShopDef {
        name: "Northwind Office Supply",
        markup: Markup::JsonLd,
        locale: Locale::EnUs,
        currency: "USD",
        contact_email: "sales@northwind-office.example",
        search_path: "/search?q={query}",
        seed: 0x9e37_79b9_7f4a_7c15,
        skip: (4, 0),
        price_level: 1000,
    },
    ShopDef {
        name: "Bürokontor Berlin",
        markup: Markup::Microdata,
        locale: Locale::De,
        currency: "EUR",
        contact_email: "vertrieb@buerokontor.example",
        search_path: "/suche?begriff={query}",
        seed: 0xd1b5_4a32_d192_ed03,
        skip: (5, 1),
        price_level: 930,
    },
    ShopDef {
        name: "Thames Workspace Ltd",
        markup: Markup::DomOnly,
        locale: Locale::EnGb,
        currency: "GBP",
        contact_email: "hello@thames-workspace.example",
        search_path: "/shop/search?term={query}",
        seed: 0x8cb9_2ba7_2f3d_8dd7,
        skip: (3, 2),
        price_level: 800,
    },
    ShopDef {
        name: "Canal Street Office",
        markup: Markup::JavaScript,
        locale: Locale::EnNl,
        currency: "EUR",
        contact_email: "orders@canalstreet-office.example",
        search_path: "/search?q={query}",
        seed: 0x2545_f491_4f6c_dd1d,
        skip: (4, 3),
        price_level: 950,
    },
];

impl ShopDef {
    /// The path of a product page in this shop.
    pub(crate) fn product_path(
        &self,
        id: u32,
        category: Category,
        slug: &str,
        sku: &str,
    ) -> String {
        match self.markup {
            Markup::JsonLd => format!("/products/{slug}"),
            Markup::Microdata => format!("/artikel/{sku}-{slug}"),
            Markup::DomOnly => format!("/catalogue/{}/{slug}", category.slug()),
            Markup::JavaScript => format!("/p/{id}"),
        }
    }

    /// The SKU this shop gives a model.
    pub(crate) fn sku(&self, category: Category, model: usize) -> String {
        let cat = category as usize;
        match self.markup {
            Markup::JsonLd => format!("NW-{}-{}", category.code2(), 1000 + cat * 100 + model),
            Markup::Microdata => format!("{}", 210_000 + cat * 1000 + model * 11),
            Markup::DomOnly => format!("TWS/{}/{:04}", category.code3(), 7 + model * 3),
            Markup::JavaScript => format!("CS-{}-{:02}", category.code3(), model + 1),
        }
    }
}
