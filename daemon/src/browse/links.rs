//! The generic adapter's eyes on a result page: which links lead to
//! products, and which to the next page. Needs no per-shop selectors, but
//! uses them when a source gives them.

use scraper::{Html, Selector};
use url::Url;

/// Path words that mark a page as something other than a product.
const NOT_PRODUCT: &[&str] = &[
    "cart",
    "basket",
    "checkout",
    "login",
    "account",
    "search",
    "wishlist",
    "about",
    "contact",
    "help",
    "terms",
    "privacy",
    "category",
    "categories",
    "blog",
    "careers",
];

/// Path words that suggest a product page.
const PRODUCT_HINTS: &[&str] = &[
    "/p/", "/product", "/item", "/dp/", "/sku/", "/artikel", "/produit",
];

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

fn same_site(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

fn resolve(page: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty()
        || href.starts_with('#')
        || href.starts_with("javascript:")
        || href.starts_with("mailto:")
    {
        return None;
    }
    let mut url = page.join(href).ok()?;
    url.set_fragment(None);
    matches!(url.scheme(), "http" | "https").then_some(url)
}

fn push_unique(out: &mut Vec<Url>, page: &Url, url: Url) {
    if same_site(page, &url) && url != *page && !out.contains(&url) {
        out.push(url);
    }
}

fn looks_like_product(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    if NOT_PRODUCT
        .iter()
        .any(|w| path.split('/').any(|seg| seg == *w))
    {
        return false;
    }
    PRODUCT_HINTS.iter().any(|h| path.contains(h))
}

/// Product links on a search or listing page, in page order.
pub fn product_links(html: &str, page: &Url, result_selector: Option<&str>) -> Vec<Url> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    if let Some(sel) = result_selector.and_then(selector) {
        for el in doc.select(&sel) {
            if let Some(url) = el.value().attr("href").and_then(|h| resolve(page, h)) {
                push_unique(&mut out, page, url);
            }
        }
        return out;
    }
    // 1. schema.org ItemList / Product in JSON-LD.
    if let Some(sel) = selector(r#"script[type="application/ld+json"]"#) {
        for script in doc.select(&sel) {
            let text: String = script.text().collect();
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                let mut urls = Vec::new();
                json_ld_urls(&value, &mut urls, 0);
                for u in urls {
                    if let Some(url) = resolve(page, &u) {
                        push_unique(&mut out, page, url);
                    }
                }
            }
        }
    }
    // 2. Microdata products: their url property or their first link.
    if let Some(sel) = selector(r#"[itemtype*="schema.org/Product"]"#) {
        let url_prop = selector(r#"[itemprop="url"]"#);
        let any_link = selector("a[href]");
        for item in doc.select(&sel) {
            let href = url_prop
                .as_ref()
                .and_then(|s| item.select(s).next())
                .and_then(|e| e.value().attr("href").or_else(|| e.value().attr("content")))
                .or_else(|| {
                    any_link
                        .as_ref()
                        .and_then(|s| item.select(s).next())
                        .and_then(|e| e.value().attr("href"))
                });
            if let Some(url) = href.and_then(|h| resolve(page, h)) {
                push_unique(&mut out, page, url);
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    // 3. Product cards: the largest group of look-alike containers (same
    //    tag and class) that each hold a link, a picture and a price.
    out.extend(card_links(&doc, page));
    if !out.is_empty() {
        return out;
    }
    // 4. Same-site links whose path looks like a product page.
    if let Some(sel) = selector("a[href]") {
        for a in doc.select(&sel) {
            if let Some(url) = a.value().attr("href").and_then(|h| resolve(page, h))
                && looks_like_product(&url)
            {
                push_unique(&mut out, page, url);
            }
        }
    }
    out
}

/// Money-looking text: a currency sign or code next to a number.
static PRICE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)([$€£¥₹₽]|\b(usd|eur|gbp|chf|sek|nok|dkk|pln|jpy|cad|aud)\b|\bkr\b)\s*\d|\d[\d.,\s]*\s*([$€£¥₹₽]|\b(usd|eur|gbp|chf|sek|nok|dkk|pln|jpy|cad|aud)\b|kr\b|zł)")
        .ok()
});

fn card_links(doc: &Html, page: &Url) -> Vec<Url> {
    let (Some(links), Some(img), Some(price)) =
        (selector("a[href]"), selector("img"), PRICE.as_ref())
    else {
        return Vec::new();
    };
    // signature -> (containers seen, links in page order)
    let mut groups: Vec<(String, Vec<ego_tree::NodeId>, Vec<Url>)> = Vec::new();
    for a in doc.select(&links) {
        let Some(url) = a.value().attr("href").and_then(|h| resolve(page, h)) else {
            continue;
        };
        if !same_site(page, &url)
            || NOT_PRODUCT
                .iter()
                .any(|w| url.path().to_ascii_lowercase().split('/').any(|s| s == *w))
        {
            continue;
        }
        let container = a
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .take(4)
            .find(|el| {
                el.select(&img).next().is_some() && price.is_match(&el.text().collect::<String>())
            });
        let Some(container) = container else { continue };
        let signature = format!(
            "{}.{}",
            container.value().name(),
            container.value().attr("class").unwrap_or("")
        );
        let group = match groups.iter_mut().find(|g| g.0 == signature) {
            Some(g) => g,
            None => {
                groups.push((signature, Vec::new(), Vec::new()));
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        // The first link of each container stands for it.
        if !group.1.contains(&container.id()) {
            group.1.push(container.id());
            if !group.2.contains(&url) {
                group.2.push(url);
            }
        }
    }
    groups
        .into_iter()
        .filter(|g| g.1.len() >= 2)
        .max_by_key(|g| g.1.len())
        .map(|g| g.2)
        .unwrap_or_default()
}

fn json_ld_urls(value: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| json_ld_urls(v, out, depth + 1))
        }
        serde_json::Value::Object(map) => {
            let kind = map.get("@type").map(|t| t.to_string()).unwrap_or_default();
            if (kind.contains("Product") || kind.contains("ListItem"))
                && let Some(url) = map.get("url").and_then(|u| u.as_str())
            {
                out.push(url.to_string());
                return;
            }
            for key in ["@graph", "itemListElement", "item", "mainEntity"] {
                if let Some(v) = map.get(key) {
                    json_ld_urls(v, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The link to the next result page, if there is one.
pub fn next_page(html: &str, page: &Url, next_selector: Option<&str>) -> Option<Url> {
    let doc = Html::parse_document(html);
    let href_of = |css: &str| {
        let sel = selector(css)?;
        doc.select(&sel)
            .find_map(|e| e.value().attr("href").and_then(|h| resolve(page, h)))
    };
    let found = match next_selector {
        Some(css) => href_of(css),
        None => href_of(r#"link[rel~="next"], a[rel~="next"]"#)
            .or_else(|| {
                href_of(r#"a[aria-label*="next" i], a[class*="next" i], li[class*="next" i] a"#)
            })
            .or_else(|| {
                let sel = selector("a[href]")?;
                doc.select(&sel).find_map(|a| {
                    let text: String = a.text().collect::<String>().trim().to_lowercase();
                    let is_next = matches!(
                        text.as_str(),
                        "next"
                            | "next page"
                            | "next ›"
                            | "next »"
                            | "›"
                            | "»"
                            | ">"
                            | "weiter"
                            | "suivant"
                            | "siguiente"
                            | "avanti"
                    );
                    if is_next {
                        a.value().attr("href").and_then(|h| resolve(page, h))
                    } else {
                        None
                    }
                })
            }),
    };
    found.filter(|u| same_site(page, u) && u != page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn json_ld_item_list() {
        let html = r#"<script type="application/ld+json">{"@type":"ItemList","itemListElement":[
            {"@type":"ListItem","position":1,"url":"/p/chair-1"},
            {"@type":"ListItem","position":2,"item":{"@type":"Product","url":"http://shop.test/p/chair-2"}}]}</script>
            <a href="/cart">cart</a>"#;
        let links = product_links(html, &url("http://shop.test/search?q=chair"), None);
        assert_eq!(
            links,
            [
                url("http://shop.test/p/chair-1"),
                url("http://shop.test/p/chair-2")
            ]
        );
    }

    #[test]
    fn microdata_cards_and_fallback() {
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><a href="/x/1">A</a></div>
                      <div itemscope itemtype="http://schema.org/Product"><a itemprop="url" href="/x/2">B</a></div>"#;
        let links = product_links(html, &url("http://s.test/list"), None);
        assert_eq!(links, [url("http://s.test/x/1"), url("http://s.test/x/2")]);

        let cards = r#"<div class="tile"><a href="/c/chairs/aeron"><img src="a.png">Aeron</a><span>£849.00</span></div>
                       <div class="tile"><a href="/c/chairs/leap"><img src="b.png">Leap</a><span>£1,049.00</span>
                         <a href="/cart/add">add</a></div>
                       <div class="promo"><a href="/c/sale"><img src="s.png"></a>Up to 50% off</div>
                       <nav><a href="/about">about</a></nav>"#;
        assert_eq!(
            product_links(cards, &url("http://s.test/"), None),
            [
                url("http://s.test/c/chairs/aeron"),
                url("http://s.test/c/chairs/leap")
            ]
        );

        let plain = r#"<a href="/products/desk-9">Desk</a><a href="http://other.test/products/1">x</a>
                       <a href="/search?q=2">s</a><a href="javascript:void(0)">j</a>"#;
        assert_eq!(
            product_links(plain, &url("http://s.test/"), None),
            [url("http://s.test/products/desk-9")]
        );

        let chosen = r#"<a class="hit" href="/anything/1">1</a><a href="/products/2">2</a>"#;
        assert_eq!(
            product_links(chosen, &url("http://s.test/"), Some("a.hit")),
            [url("http://s.test/anything/1")]
        );
    }

    #[test]
    fn next_pages() {
        let page = url("http://s.test/search?q=chair&page=1");
        assert_eq!(
            next_page(r#"<link rel="next" href="?q=chair&page=2">"#, &page, None),
            Some(url("http://s.test/search?q=chair&page=2"))
        );
        assert_eq!(
            next_page(
                r#"<a href="/search?q=chair&page=2">Next ›</a>"#,
                &page,
                None
            ),
            Some(url("http://s.test/search?q=chair&page=2"))
        );
        assert_eq!(
            next_page(r#"<a href="/search?q=chair&page=1">1</a>"#, &page, None),
            None
        );
        assert_eq!(
            next_page(
                r#"<a rel="next" href="http://evil.test/p2">n</a>"#,
                &page,
                None
            ),
            None
        );
    }
}
