//! Reading schema.org products from JSON values. JSON-LD is read as is;
//! microdata and RDFa items are first turned into the same JSON shape
//! (`{"@type": ..., "prop": value-or-array}`), so one reader serves all three.

use procura_common::delivery::DeliveryTime;
use serde_json::Value;

use crate::price::{self, Money};
use crate::{Availability, Layer};

/// A product as one layer saw it, before layers are merged.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub layer: Layer,
    pub name: Option<String>,
    pub brand: Option<String>,
    pub sku: Option<String>,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    pub image: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub price: Option<Money>,
    pub list_price: Option<Money>,
    pub currency: Option<String>,
    pub availability: Option<Availability>,
    /// The delivery time the offer states.
    pub delivery: Option<DeliveryTime>,
    pub specs: Vec<(String, String)>,
    /// How likely this is the page's main product (higher is likelier).
    pub score: f32,
    /// The SKU was labelled as the article number on the visible page.
    pub strong_sku: bool,
    /// The brand was labelled as such on the visible page.
    pub strong_brand: bool,
}

impl Candidate {
    pub fn new(layer: Layer) -> Candidate {
        Candidate {
            layer,
            name: None,
            brand: None,
            sku: None,
            gtin: None,
            mpn: None,
            image: None,
            description: None,
            url: None,
            price: None,
            list_price: None,
            currency: None,
            availability: None,
            delivery: None,
            specs: Vec::new(),
            score: 0.0,
            strong_sku: false,
            strong_brand: false,
        }
    }

    /// Number of fields found, a rough measure of how complete it is.
    pub fn richness(&self) -> usize {
        [
            self.name.is_some(),
            self.brand.is_some(),
            self.sku.is_some(),
            self.gtin.is_some(),
            self.mpn.is_some(),
            self.image.is_some(),
            self.price.is_some(),
            self.availability.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}

const PRODUCT_TYPES: &[&str] = &[
    "product",
    "productgroup",
    "productmodel",
    "individualproduct",
    "someproducts",
    "vehicle",
    "car",
    "motorcycle",
    "book",
    "offer",
];

/// The `@type` names of an object, lowercased, URL prefixes removed.
pub(crate) fn types(v: &Value) -> Vec<String> {
    let t = v.get("@type").or_else(|| v.get("type"));
    let mut out = Vec::new();
    let mut push = |s: &str| {
        let short = s.rsplit(['/', '#', ':']).next().unwrap_or(s);
        out.push(short.trim().to_ascii_lowercase());
    };
    match t {
        Some(Value::String(s)) => push(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).for_each(&mut push),
        _ => {}
    }
    out
}

pub(crate) fn is_product(v: &Value) -> bool {
    types(v)
        .iter()
        .any(|t| PRODUCT_TYPES.contains(&t.as_str()) && t != "offer")
}

/// Looks a key up ignoring case and a `schema:` prefix.
pub(crate) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let obj = v.as_object()?;
    if let Some(x) = obj.get(key) {
        return Some(x);
    }
    obj.iter()
        .find(|(k, _)| {
            let k = k.strip_prefix("schema:").unwrap_or(k);
            let k = k.rsplit('/').next().unwrap_or(k);
            k.eq_ignore_ascii_case(key)
        })
        .map(|(_, x)| x)
}

/// A value as text: strings and numbers as written, the first of an array,
/// an object's `name`, `@value` or `value`.
pub(crate) fn text_of(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Null => return None,
        Value::Array(a) => return a.iter().find_map(text_of),
        Value::Object(_) => {
            return ["name", "@value", "value", "@id"]
                .iter()
                .find_map(|k| get(v, k).and_then(text_of));
        }
    };
    let s = crate::text::clean(crate::text::truncate(&s, 8192));
    (!s.is_empty()).then_some(s)
}

fn field(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| get(v, k).and_then(text_of))
}

/// Reads a schema.org availability value (URL or bare name, any case).
pub(crate) fn availability_of(s: &str) -> Option<Availability> {
    let t = s.trim();
    let t = t
        .rsplit(['/', '#', ':'])
        .next()
        .unwrap_or(t)
        .trim()
        .to_ascii_lowercase();
    let t: String = t.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    match t.as_str() {
        "outofstock" | "soldout" | "discontinued" | "oos" | "unavailable" | "notavailable"
        | "false" | "0" => Some(Availability::OutOfStock),
        "instock"
        | "limitedavailability"
        | "onlineonly"
        | "instoreonly"
        | "preorder"
        | "presale"
        | "backorder"
        | "availablefororder"
        | "available"
        | "true"
        | "1"
        | "in" => Some(Availability::InStock),
        _ => None,
    }
}

fn image_of(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) => a.iter().find_map(image_of),
        Value::Object(_) => field(v, &["url", "contentUrl", "@id"]),
        _ => text_of(v),
    }
}

/// An offer's price, list price, currency, availability and delivery time.
struct OfferInfo {
    price: Option<Money>,
    list: Option<Money>,
    availability: Option<Availability>,
    delivery: Option<DeliveryTime>,
}

fn read_offer(o: &Value, hint: Option<&str>, depth: usize) -> Vec<OfferInfo> {
    if depth > 4 {
        return Vec::new();
    }
    if let Value::Array(a) = o {
        return a
            .iter()
            .take(200)
            .flat_map(|x| read_offer(x, hint, depth + 1))
            .collect();
    }
    if !o.is_object() {
        return Vec::new();
    }
    let cur = field(o, &["priceCurrency", "currency"]);
    let cur = cur
        .as_deref()
        .and_then(crate::currency::normalize_code)
        .or(hint);
    let mut spec_price = None;
    let mut list = None;
    if let Some(ps) = get(o, "priceSpecification") {
        let specs: Vec<&Value> = match ps {
            Value::Array(a) => a.iter().collect(),
            x => vec![x],
        };
        for s in specs {
            let c = field(s, &["priceCurrency"]);
            let c = c
                .as_deref()
                .and_then(crate::currency::normalize_code)
                .or(cur);
            let p = field(s, &["price"]).and_then(|p| price::parse_structured(&p, c));
            let kind = field(s, &["priceType"])
                .unwrap_or_default()
                .to_ascii_lowercase();
            if kind.contains("list") || kind.contains("strikethrough") || kind.contains("msrp") {
                list = list.or(p);
            } else {
                spec_price = spec_price.or(p);
            }
        }
    }
    let mut price = field(o, &["price", "lowPrice", "salePrice"])
        .and_then(|p| price::parse_structured(&p, cur))
        .or(spec_price);
    let availability = field(o, &["availability"]).and_then(|a| availability_of(&a));
    let mut out = Vec::new();
    // Offers nested in offers (some shops wrap them).
    if let Some(inner) = get(o, "offers") {
        out.extend(read_offer(inner, cur, depth + 1));
    }
    if price.is_none() && out.is_empty() {
        price = field(o, &["highPrice"]).and_then(|p| price::parse_structured(&p, cur));
    }
    if price.is_some() || availability.is_some() {
        if let Some(p) = price.as_mut()
            && p.currency.is_none()
        {
            p.currency = cur.map(str::to_string);
        }
        out.push(OfferInfo {
            price,
            list,
            availability,
            delivery: crate::delivery::from_offer(o),
        });
    }
    out
}

/// Reads one schema.org product object.
pub(crate) fn read_product(v: &Value, layer: Layer, hint: Option<&str>) -> Candidate {
    let mut c = Candidate::new(layer);
    c.name = field(v, &["name", "title"]);
    c.brand = get(v, "brand")
        .or_else(|| get(v, "manufacturer"))
        .and_then(text_of)
        .filter(|b| !b.starts_with('$') && !b.starts_with("http"));
    c.sku = field(v, &["sku"]);
    c.gtin = field(
        v,
        &[
            "gtin13", "gtin", "gtin14", "gtin12", "gtin8", "ean", "isbn", "upc",
        ],
    )
    .map(|g| g.chars().filter(char::is_ascii_digit).collect::<String>())
    .filter(|g| valid_gtin(g));
    c.mpn = field(v, &["mpn", "model"]).or_else(|| field(v, &["productID", "productId"]));
    if c.sku.is_none() {
        c.sku = field(v, &["productID", "productId", "identifier"])
            .map(|s| s.strip_prefix("sku:").unwrap_or(&s).to_string())
            .filter(|s| !s.contains(char::is_whitespace));
    }
    c.image = get(v, "image").and_then(image_of);
    c.description = field(v, &["description"]).map(|d| crate::text::truncate(&d, 2000).to_string());
    c.url = field(v, &["url", "@id"]);
    let offers = get(v, "offers").or_else(|| get(v, "offerDetails"));
    let mut infos = offers.map(|o| read_offer(o, hint, 0)).unwrap_or_default();
    if infos.is_empty() && (get(v, "price").is_some() || types(v).iter().any(|t| t == "offer")) {
        infos = read_offer(v, hint, 0);
    }
    pick_offer(&mut c, &infos);
    if c.delivery.is_none() {
        // Some shops put the shipping details on the product itself.
        c.delivery = crate::delivery::from_offer(v);
    }
    if c.sku.is_none()
        && let Some(o) = offers
    {
        let first = if let Value::Array(a) = o {
            a.first()
        } else {
            Some(o)
        };
        c.sku = first.and_then(|f| field(f, &["sku"]));
    }
    if let Some(Value::Array(props)) = get(v, "additionalProperty") {
        for p in props.iter().take(200) {
            if let (Some(k), Some(val)) = (field(p, &["name"]), field(p, &["value"])) {
                c.specs.push((k, val));
            }
        }
    }
    c
}

/// Among several offers takes the lowest price of those in stock (of all
/// when none says so); a product is out of stock only when every offer is.
fn pick_offer(c: &mut Candidate, infos: &[OfferInfo]) {
    let in_stock: Vec<&OfferInfo> = infos
        .iter()
        .filter(|i| i.availability != Some(Availability::OutOfStock))
        .collect();
    let pool: Vec<&OfferInfo> = if in_stock.iter().any(|i| i.price.is_some()) {
        in_stock.clone()
    } else {
        infos.iter().collect()
    };
    let best = pool
        .iter()
        .filter(|i| {
            i.price
                .as_ref()
                .is_some_and(|p| p.amount > rust_decimal::Decimal::ZERO)
        })
        .min_by(|a, b| {
            let (pa, pb) = (
                a.price.as_ref().map(|p| p.amount),
                b.price.as_ref().map(|p| p.amount),
            );
            pa.cmp(&pb)
        });
    if let Some(b) = best {
        c.price.clone_from(&b.price);
        c.list_price.clone_from(&b.list);
        c.currency = b.price.as_ref().and_then(|p| p.currency.clone());
        c.delivery = b.delivery;
    }
    if c.delivery.is_none() {
        c.delivery = pool.iter().find_map(|i| i.delivery);
    }
    if !infos.is_empty() && infos.iter().any(|i| i.availability.is_some()) {
        c.availability = Some(if in_stock.is_empty() {
            Availability::OutOfStock
        } else {
            Availability::InStock
        });
    }
}

/// Checks a GTIN-8/12/13/14 check digit.
pub(crate) fn valid_gtin(g: &str) -> bool {
    if !matches!(g.len(), 8 | 12 | 13 | 14)
        || !g.bytes().all(|b| b.is_ascii_digit())
        || g.bytes().all(|b| b == b'0')
    {
        return false;
    }
    let digits: Vec<u32> = g.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// Walks a JSON value collecting product objects with a context score:
/// top-level and `mainEntity` products score higher than products nested in
/// lists or related items. Variants of a `ProductGroup` are returned as the
/// group's own candidates' fallbacks by the caller.
pub(crate) fn collect_products<'v>(v: &'v Value, out: &mut Vec<(&'v Value, f32)>) {
    walk(v, 0, 1.0, out);
}

fn walk<'v>(v: &'v Value, depth: usize, weight: f32, out: &mut Vec<(&'v Value, f32)>) {
    if depth > 12 || out.len() > 500 {
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a.iter().take(1000) {
                walk(x, depth + 1, weight, out);
            }
        }
        Value::Object(obj) => {
            if is_product(v) {
                out.push((v, weight));
                // Related products nested in a product count for little.
                for (k, x) in obj {
                    if matches!(
                        k.as_str(),
                        "isRelatedTo" | "isSimilarTo" | "isAccessoryOrSparePartFor"
                    ) {
                        walk(x, depth + 1, weight * 0.2, out);
                    }
                }
                return;
            }
            let listy = types(v)
                .iter()
                .any(|t| t == "itemlist" || t == "offercatalog");
            for (k, x) in obj {
                if k == "@context" {
                    continue;
                }
                let w = if k == "mainEntity" || k == "@graph" {
                    weight
                } else if listy || k == "itemListElement" {
                    weight * 0.3
                } else {
                    weight * 0.9
                };
                walk(x, depth + 1, w, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_product_with_offers() {
        let v = json!({"@type": "http://schema.org/Product", "name": "Chair &amp; co", "brand": {"@type": "Brand", "name": "Acme"},
            "sku": 123, "gtin13": "4006381333931", "offers": [
                {"@type": "Offer", "price": "18.00", "priceCurrency": "EUR", "availability": "https://schema.org/InStock"},
                {"@type": "Offer", "price": 17.1, "priceCurrency": "EUR"}]});
        let c = read_product(&v, Layer::JsonLd, None);
        assert_eq!(c.name.as_deref(), Some("Chair & co"));
        assert_eq!(c.brand.as_deref(), Some("Acme"));
        assert_eq!(c.sku.as_deref(), Some("123"));
        assert_eq!(c.gtin.as_deref(), Some("4006381333931"));
        assert_eq!(c.price.unwrap().amount.to_string(), "17.1");
        assert_eq!(c.availability, Some(Availability::InStock));
    }

    #[test]
    fn aggregate_offer_and_out_of_stock() {
        let v = json!({"@type": ["Product"], "offers": {"@type": "AggregateOffer", "lowPrice": "5", "highPrice": "9",
            "priceCurrency": "USD", "availability": "OutOfStock"}});
        let c = read_product(&v, Layer::JsonLd, None);
        assert_eq!(c.price.unwrap().amount.to_string(), "5");
        assert_eq!(c.availability, Some(Availability::OutOfStock));
    }

    #[test]
    fn gtin_check_digit() {
        assert!(valid_gtin("4006381333931"));
        assert!(valid_gtin("099482467999"));
        assert!(!valid_gtin("4006381333932"));
        assert!(!valid_gtin("0000000000000"));
    }

    #[test]
    fn availability_words() {
        assert_eq!(
            availability_of("http://schema.org/SoldOut"),
            Some(Availability::OutOfStock)
        );
        assert_eq!(availability_of("in_stock"), Some(Availability::InStock));
        assert_eq!(
            availability_of("https://schema.org/PreOrder"),
            Some(Availability::InStock)
        );
        assert_eq!(availability_of("maybe"), None);
    }
}
