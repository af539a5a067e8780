//! OpenGraph and other `<meta>` tags (`og:*`, `product:*`, `twitter:*`,
//! `description`), plus what the page says of its locale.

use crate::html::Document;
use crate::price;
use crate::schema::{Candidate, availability_of, valid_gtin};
use crate::{Layer, currency};

/// The meta tags of a page, keys lowercased, first value kept.
pub(crate) struct Metas {
    pairs: Vec<(String, String)>,
}

impl Metas {
    pub fn read(doc: &Document<'_>) -> Metas {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for id in doc.elements() {
            if doc.name(id) != Some("meta") {
                continue;
            }
            let Some(content) = doc.attr(id, "content") else {
                continue;
            };
            for key_attr in ["property", "name", "itemprop"] {
                if let Some(k) = doc.attr(id, key_attr) {
                    let k = k.trim().to_ascii_lowercase();
                    if !k.is_empty() && pairs.len() < 2000 && !pairs.iter().any(|(x, _)| *x == k) {
                        pairs.push((k, content.to_string()));
                    }
                }
            }
        }
        Metas { pairs }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    fn first(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k))
    }
}

/// The currency the page's locale implies: a locale with a country
/// (`og:locale`, `<html lang>`), then the country domain of the page's URL
/// (given, canonical or `og:url`), then a language spoken in one currency
/// area only.
pub(crate) fn locale_currency(
    doc: &Document<'_>,
    metas: &Metas,
    page_url: Option<&str>,
) -> Option<&'static str> {
    let lang = doc.elements().take(4).find_map(|id| {
        if doc.name(id) == Some("html") {
            doc.attr(id, "lang").or_else(|| doc.attr(id, "xml:lang"))
        } else {
            None
        }
    });
    let locales: Vec<&str> = metas
        .first(&[
            "og:locale",
            "og:locale:locale",
            "language",
            "content-language",
        ])
        .into_iter()
        .chain(lang)
        .collect();
    if let Some(c) = locales
        .iter()
        .filter(|l| l.contains(['-', '_']))
        .find_map(|l| currency::from_locale(l))
    {
        return Some(c);
    }
    let urls = [page_url, canonical_url(doc), metas.get("og:url")];
    if let Some(c) = urls.iter().flatten().find_map(|u| currency::from_url(u)) {
        return Some(c);
    }
    locales.iter().find_map(|l| currency::from_locale(l))
}

/// The `<link rel="canonical">` URL in the head, if absolute.
pub(crate) fn canonical_url<'d>(doc: &'d Document<'_>) -> Option<&'d str> {
    for id in doc.elements() {
        match doc.name(id) {
            Some("link")
                if doc
                    .attr(id, "rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
            {
                if let Some(h) = doc.attr(id, "href").filter(|h| h.contains("://")) {
                    return Some(h);
                }
            }
            Some("body") => return None,
            _ => {}
        }
    }
    None
}

/// A candidate from OpenGraph and product meta tags. `name` is left out when
/// it is only the page title (other layers give better names).
pub(crate) fn candidate(metas: &Metas, hint: Option<&str>) -> Candidate {
    let mut c = Candidate::new(Layer::OpenGraph);
    let cur = metas
        .first(&[
            "product:price:currency",
            "og:price:currency",
            "product:sale_price:currency",
        ])
        .and_then(currency::normalize_code)
        .or(hint);
    let sale = metas
        .first(&["product:sale_price:amount", "og:sale_price:amount"])
        .and_then(|p| price::parse_structured(p, cur));
    let regular = metas
        .first(&[
            "product:price:amount",
            "og:price:amount",
            "product:price",
            "og:price",
        ])
        .and_then(|p| price::parse_structured(p, cur));
    let original = metas
        .first(&["product:original_price:amount", "og:original_price:amount"])
        .and_then(|p| price::parse_structured(p, cur));
    match (sale, regular) {
        (Some(s), Some(r)) if s.amount < r.amount => {
            c.price = Some(s);
            c.list_price = Some(r);
        }
        (s, r) => c.price = r.or(s),
    }
    if c.price.is_none() {
        c.price = original;
    } else if c.list_price.is_none() {
        c.list_price = original.filter(|o| c.price.as_ref().is_some_and(|p| o.amount > p.amount));
    }
    if let Some(p) = c.price.as_mut()
        && p.currency.is_none()
    {
        p.currency = cur.map(str::to_string);
    }
    c.currency = c.price.as_ref().and_then(|p| p.currency.clone());
    c.availability = metas
        .first(&["product:availability", "og:availability", "availability"])
        .and_then(availability_of);
    c.brand = metas
        .first(&["product:brand", "og:brand", "brand"])
        .map(crate::text::clean);
    c.sku = metas
        .first(&["product:retailer_item_id", "product:sku", "og:sku"])
        .map(crate::text::clean);
    c.gtin = metas
        .first(&[
            "product:upc",
            "product:ean",
            "product:gtin",
            "product:isbn",
            "og:upc",
            "og:ean",
        ])
        .map(|g| g.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|g| valid_gtin(g));
    c.mpn = metas
        .first(&["product:mfr_part_no", "product:mpn"])
        .map(crate::text::clean);
    c.name = metas
        .first(&["og:title", "twitter:title"])
        .map(crate::text::clean);
    c.image = metas
        .first(&[
            "og:image:secure_url",
            "og:image",
            "og:image:url",
            "twitter:image",
        ])
        .map(crate::text::clean);
    c.description = metas
        .first(&["og:description", "description", "twitter:description"])
        .map(|d| crate::text::truncate(&crate::text::clean(d), 2000).to_string());
    c.url = metas.get("og:url").map(str::to_string);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_product_meta() {
        let doc = Document::parse(
            r#"<html lang="de-AT"><meta property="og:title" content="Chair"><meta property="product:price:amount" content="49.90">
               <meta property="product:price:currency" content="eur"><meta property="product:sale_price:amount" content="39.90">
               <meta property="product:availability" content="out of stock"><meta name="product:brand" content="Acme">"#,
        );
        let m = Metas::read(&doc);
        let c = candidate(&m, None);
        assert_eq!(c.price.as_ref().unwrap().amount.to_string(), "39.90");
        assert_eq!(c.list_price.as_ref().unwrap().amount.to_string(), "49.90");
        assert_eq!(c.currency.as_deref(), Some("EUR"));
        assert_eq!(c.availability, Some(crate::Availability::OutOfStock));
        assert_eq!(c.brand.as_deref(), Some("Acme"));
        assert_eq!(locale_currency(&doc, &m, None), Some("EUR"));
    }
}
