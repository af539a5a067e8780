//! The four shops over real loopback HTTP: search, pagination, product
//! pages in each markup style, robots.txt, about pages and images.

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{get, get_text, href_after, json_ld_blocks, products_linked, shown_price, text_of};
use procura_demo_shops::{Category, DemoProduct, DemoShops, Markup, PAGE_SIZE, ShopInfo};
use serde_json::Value;

async fn start() -> DemoShops {
    DemoShops::start([127, 0, 0, 1].into())
        .await
        .expect("start demo shops")
}

fn products_of<'a>(shops: &'a DemoShops, shop: &ShopInfo) -> Vec<&'a DemoProduct> {
    shops
        .catalogue()
        .iter()
        .filter(|p| p.shop == shop.name)
        .collect()
}

/// One page of search results: the products on it and the next page's URL.
async fn results_page<'a>(
    shop: &ShopInfo,
    all: &[&'a DemoProduct],
    url: &str,
) -> (Vec<&'a DemoProduct>, Option<String>) {
    if shop.markup == Markup::JavaScript {
        let v: Value = serde_json::from_str(&get_text(url).await).expect("search JSON");
        let urls: Vec<&str> = v["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["url"].as_str())
            .collect();
        let found: Vec<&DemoProduct> = urls
            .iter()
            .map(|u| {
                *all.iter()
                    .find(|p| p.url_path == *u)
                    .expect("result is in the catalogue")
            })
            .collect();
        let (page, pages) = (
            v["page"].as_u64().expect("page"),
            v["total_pages"].as_u64().expect("pages"),
        );
        let base = url.split("&page=").next().expect("url");
        let next = (page < pages).then(|| format!("{base}&page={}", page + 1));
        return (found, next);
    }
    let html = get_text(url).await;
    let marker = match shop.markup {
        Markup::DomOnly => "class=\"pager-next\"",
        _ => "<a rel=\"next\"",
    };
    let next = href_after(&html, marker).map(|h| {
        if h.starts_with('/') {
            format!("{}{h}", shop.base_url)
        } else {
            h
        }
    });
    (products_linked(&html, all), next)
}

/// The URL of the first results page: the HTML page, or the JS shop's API.
fn first_page_url(shop: &ShopInfo, query: &str) -> String {
    let url = shop.search_url(query);
    if shop.markup == Markup::JavaScript {
        format!("{}&page=1", url.replacen("/search?", "/api/search?", 1))
    } else {
        url
    }
}

/// Every result of a search, following pagination to the end.
async fn all_results<'a>(
    shop: &ShopInfo,
    all: &[&'a DemoProduct],
    query: &str,
) -> Vec<Vec<&'a DemoProduct>> {
    let mut pages = Vec::new();
    let mut url = Some(first_page_url(shop, query));
    while let Some(u) = url {
        let (found, next) = results_page(shop, all, &u).await;
        pages.push(found);
        url = next;
        assert!(pages.len() < 30, "pagination does not end");
    }
    pages
}

#[tokio::test]
async fn catalogue_has_at_least_200_products_in_four_shops() {
    let shops = start().await;
    assert!(shops.catalogue().len() >= 200);
    assert_eq!(shops.shops().len(), 4);
    let currencies: HashSet<&str> = shops.shops().iter().map(|s| s.currency.as_str()).collect();
    assert!(["USD", "EUR", "GBP"].iter().all(|c| currencies.contains(c)));
    let markups: HashSet<Markup> = shops.shops().iter().map(|s| s.markup).collect();
    assert_eq!(markups.len(), 4);
    for shop in shops.shops() {
        let products = products_of(&shops, shop);
        assert!(products.len() >= 50, "{} has {}", shop.name, products.len());
        for c in Category::ALL {
            assert!(
                products.iter().filter(|p| p.category == c).count() >= 10,
                "{} lacks {c:?}",
                shop.name
            );
        }
        assert!(
            products.iter().any(|p| !p.in_stock),
            "{} has no out-of-stock item",
            shop.name
        );
        assert!(
            products.iter().any(|p| p.list_price.is_some()),
            "{} has no sale",
            shop.name
        );
        assert!(
            products.iter().any(|p| p.per_unit),
            "{} has no per-unit price",
            shop.name
        );
        assert!(
            products
                .iter()
                .all(|p| p.currency == shop.currency && !p.specs.is_empty())
        );
        assert!(
            products
                .iter()
                .all(|p| p.list_price.is_none_or(|l| l > p.price))
        );
        // Delivery: only in-stock items state one; the JavaScript shop never
        // does; the others have fast and (but Thames) slow items.
        let days: BTreeSet<(u16, u16)> = products
            .iter()
            .filter_map(|p| p.delivery.map(|d| (d.min_days, d.max_days)))
            .collect();
        assert!(products.iter().all(|p| p.in_stock || p.delivery.is_none()));
        let want: &[(u16, u16)] = match shop.markup {
            Markup::JsonLd => &[(2, 4), (10, 14)],
            Markup::Microdata => &[(2, 3), (8, 10)],
            Markup::DomOnly => &[(1, 1)],
            Markup::JavaScript => &[],
        };
        assert_eq!(days.into_iter().collect::<Vec<_>>(), want, "{}", shop.name);
        let skus: HashSet<&str> = products.iter().map(|p| p.sku.as_str()).collect();
        let paths: HashSet<&str> = products.iter().map(|p| p.url_path.as_str()).collect();
        assert_eq!((skus.len(), paths.len()), (products.len(), products.len()));
        assert!(shop.search_url_template.contains("{query}"));
        assert!(shop.search_url_template.starts_with(&shop.base_url));
    }
    for p in shops.catalogue() {
        let digits: Vec<u32> = p
            .gtin
            .chars()
            .map(|c| c.to_digit(10).expect("digit"))
            .collect();
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        assert_eq!((digits.len(), sum % 10), (13, 0), "bad GTIN {}", p.gtin);
    }
    // The same model is sold by several shops under one GTIN.
    let gtins: HashSet<&str> = shops.catalogue().iter().map(|p| p.gtin.as_str()).collect();
    assert!(gtins.len() < shops.catalogue().len());
    let again = start().await;
    assert_eq!(
        shops.catalogue(),
        again.catalogue(),
        "the catalogue is deterministic"
    );
    shops.shutdown().await;
    again.shutdown().await;
}

#[tokio::test]
async fn every_shop_paginates_search_results() {
    let shops = start().await;
    for shop in shops.shops() {
        let all = products_of(&shops, shop);
        let chairs: BTreeSet<&str> = all
            .iter()
            .filter(|p| p.category == Category::OfficeChair)
            .map(|p| p.url_path.as_str())
            .collect();
        assert!(chairs.len() > PAGE_SIZE);
        let pages = all_results(shop, &all, "chairs").await;
        assert!(pages.len() >= 2, "{}: one page only", shop.name);
        assert_eq!(pages[0].len(), PAGE_SIZE, "{}: first page size", shop.name);
        let found: BTreeSet<&str> = pages
            .iter()
            .flatten()
            .map(|p| p.url_path.as_str())
            .collect();
        assert_eq!(found, chairs, "{}: chairs across pages", shop.name);
        // An empty query lists the whole shop.
        let everything: usize = all_results(shop, &all, "").await.iter().map(Vec::len).sum();
        assert_eq!(everything, all.len(), "{}: empty query", shop.name);
    }
    shops.shutdown().await;
}

#[tokio::test]
async fn search_terms_find_sensible_products() {
    let shops = start().await;
    let has_spec = |p: &DemoProduct, needles: &[&str]| {
        p.specs
            .iter()
            .any(|s| needles.iter().any(|n| s.value.starts_with(n)))
    };
    for shop in shops.shops() {
        let all = products_of(&shops, shop);
        type Check<'c> = &'c dyn Fn(&DemoProduct) -> bool;
        let cases: [(&str, Category, Check); 7] = [
            ("office chair", Category::OfficeChair, &|_| true),
            ("chairs", Category::OfficeChair, &|_| true),
            ("Office Chairs", Category::OfficeChair, &|_| true),
            ("laptop 16GB", Category::Laptop, &|p| {
                has_spec(p, &["16 GB"])
            }),
            ("laptops 16 gb", Category::Laptop, &|p| {
                has_spec(p, &["16 GB"])
            }),
            ("27 inch monitor", Category::Monitor, &|p| {
                has_spec(p, &["27 inch", "27 Zoll"])
            }),
            ("standing desk", Category::Desk, &|p| {
                has_spec(p, &["Electric standing", "Elektrisch"])
            }),
        ];
        for (query, category, ok) in cases {
            let pages = all_results(shop, &all, query).await;
            let found: Vec<&DemoProduct> = pages.into_iter().flatten().collect();
            assert!(!found.is_empty(), "{}: nothing for {query:?}", shop.name);
            for p in &found {
                assert!(
                    p.category == category && ok(p),
                    "{}: {query:?} found {}",
                    shop.name,
                    p.name
                );
            }
        }
        // A brand finds that brand's products.
        let brand = &all[0].brand;
        let pages = all_results(shop, &all, brand).await;
        assert!(pages.iter().flatten().all(|p| &p.brand == brand));
        // Nonsense finds nothing, and says so.
        let (found, next) = results_page(shop, &all, &first_page_url(shop, "zzqx")).await;
        assert!(found.is_empty() && next.is_none());
    }
    shops.shutdown().await;
}

fn ld_product(html: &str) -> Value {
    let blocks = json_ld_blocks(html);
    assert!(!blocks.is_empty(), "no JSON-LD");
    for b in blocks {
        let v: Value = serde_json::from_str(&b).expect("JSON-LD parses as JSON");
        assert_eq!(v["@context"], "https://schema.org");
        let nodes = v["@graph"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![v.clone()]);
        if let Some(p) = nodes.into_iter().find(|n| n["@type"] == "Product") {
            return p;
        }
    }
    panic!("no Product in JSON-LD");
}

fn check_visible(shop: &ShopInfo, p: &DemoProduct, html: &str) {
    let text = text_of(html);
    let who = format!("{} {}", shop.name, p.url_path);
    assert!(text.contains(&p.name), "{who}: name");
    assert!(
        text.contains(&shown_price(p.price, shop.markup)),
        "{who}: price {}",
        shown_price(p.price, shop.markup)
    );
    if let Some(list) = p.list_price {
        let shown = shown_price(list, shop.markup);
        assert!(
            html.contains(&format!("<s>{shown}</s>"))
                || html.contains(&format!("<del>{shown}</del>"))
                || html.contains(&format!("\">{shown}</s>")),
            "{who}: struck list price"
        );
    }
    for s in &p.specs {
        assert!(
            text.contains(&s.label) && text.contains(&s.value),
            "{who}: spec {s:?}"
        );
    }
    assert!(
        text.contains(&p.sku) && text.contains(&p.gtin) && text.contains(&p.mpn),
        "{who}: identifiers"
    );
    assert!(
        text.contains(&shop.contact_email),
        "{who}: contact email in the footer"
    );
    let oos = [
        "Out of stock",
        "Sold out",
        "Nicht auf Lager",
        "Derzeit nicht lieferbar",
        "Currently unavailable",
    ];
    assert_eq!(
        oos.iter().any(|w| text.contains(w)),
        !p.in_stock,
        "{who}: stock wording"
    );
    let delivery = match (shop.markup, p.delivery) {
        (Markup::Microdata, Some(d)) => {
            Some(format!("Lieferzeit {}–{} Werktage", d.min_days, d.max_days))
        }
        (Markup::DomOnly, Some(_)) => Some("order by 3pm for next-day delivery".to_string()),
        _ => None,
    };
    if let Some(wording) = delivery {
        assert!(text.contains(&wording), "{who}: delivery wording {wording}");
    }
    for (w, markup) in [
        ("Lieferzeit", Markup::Microdata),
        ("next-day", Markup::DomOnly),
    ] {
        assert_eq!(
            text.contains(w),
            p.delivery.is_some() && shop.markup == markup,
            "{who}: {w}"
        );
    }
}

#[tokio::test]
async fn product_pages_carry_the_catalogue_in_each_markup_style() {
    let shops = start().await;
    for shop in shops.shops() {
        for p in products_of(&shops, shop) {
            let url = format!("{}{}", shop.base_url, p.url_path);
            let html = get_text(&url).await;
            match shop.markup {
                Markup::JsonLd => {
                    let ld = ld_product(&html);
                    assert_eq!(ld["sku"], p.sku.as_str());
                    assert_eq!(ld["gtin13"], p.gtin.as_str());
                    assert_eq!(ld["mpn"], p.mpn.as_str());
                    assert_eq!(ld["name"], p.name.as_str());
                    assert_eq!(ld["brand"]["name"], p.brand.as_str());
                    assert_eq!(ld["offers"]["price"], p.price.to_string());
                    assert_eq!(ld["offers"]["priceCurrency"], "USD");
                    let avail = if p.in_stock {
                        "https://schema.org/InStock"
                    } else {
                        "https://schema.org/OutOfStock"
                    };
                    assert_eq!(ld["offers"]["availability"], avail);
                    let list = ld["offers"]["priceSpecification"][0]["price"]
                        .as_str()
                        .map(str::to_string);
                    assert_eq!(list, p.list_price.map(|l| l.to_string()));
                    let time = &ld["offers"]["shippingDetails"]["deliveryTime"];
                    let sum = |k: &str| {
                        ["handlingTime", "transitTime"]
                            .iter()
                            .map(|t| time[t][k].as_u64().expect("days"))
                            .sum::<u64>()
                    };
                    match p.delivery {
                        Some(d) => {
                            assert_eq!(
                                (sum("minValue"), sum("maxValue")),
                                (u64::from(d.min_days), u64::from(d.max_days))
                            );
                            assert_eq!(time["transitTime"]["unitCode"], "DAY");
                        }
                        None => assert!(ld["offers"].get("shippingDetails").is_none()),
                    }
                    assert!(html.contains("<table class=\"spec-table\">"));
                    check_visible(shop, p, &html);
                }
                Markup::Microdata => {
                    assert!(
                        !html.contains("application/ld+json"),
                        "microdata shop has no JSON-LD"
                    );
                    assert!(html.contains("itemtype=\"https://schema.org/Product\""));
                    assert!(html.contains(&format!("itemprop=\"sku\">{}<", p.sku)));
                    assert!(html.contains(&format!("itemprop=\"gtin13\">{}<", p.gtin)));
                    assert!(html.contains(&format!("itemprop=\"price\" content=\"{}\"", p.price)));
                    assert!(html.contains("itemprop=\"priceCurrency\" content=\"EUR\""));
                    let avail = if p.in_stock { "InStock" } else { "OutOfStock" };
                    assert!(html.contains(&format!(
                        "itemprop=\"availability\" href=\"https://schema.org/{avail}\""
                    )));
                    if let Some(l) = p.list_price {
                        assert!(
                            html.contains(&format!("<meta itemprop=\"price\" content=\"{l}\">"))
                        );
                    }
                    assert!(html.contains("<dl class=\"technische-daten\">"));
                    check_visible(shop, p, &html);
                }
                Markup::DomOnly => {
                    for marker in ["application/ld+json", "itemprop", "itemscope", "schema.org"] {
                        assert!(!html.contains(marker), "DOM-only page has {marker}");
                    }
                    assert!(html.contains("<table class=\"spec\">"));
                    check_visible(shop, p, &html);
                }
                Markup::JavaScript => {
                    for marker in [
                        "application/ld+json",
                        "itemprop",
                        p.sku.as_str(),
                        p.name.as_str(),
                    ] {
                        assert!(!html.contains(marker), "JS shell has {marker}");
                    }
                    assert!(html.contains("<script src=\"/static/app.js\""));
                    assert!(html.contains(&shop.contact_email));
                    let api = format!("{}/api/products/{}", shop.base_url, p.id);
                    let v: Value =
                        serde_json::from_str(&get_text(&api).await).expect("product JSON");
                    assert_eq!(v["sku"], p.sku.as_str());
                    assert_eq!(v["gtin"], p.gtin.as_str());
                    assert_eq!(v["price"], p.price.to_string());
                    assert_eq!(
                        v["list_price"].as_str().map(str::to_string),
                        p.list_price.map(|l| l.to_string())
                    );
                    assert_eq!(v["in_stock"], p.in_stock);
                    assert_eq!(v["specs"].as_array().map(Vec::len), Some(p.specs.len()));
                    assert_eq!(v["specs"][0]["value"], p.specs[0].value.as_str());
                }
            }
        }
    }
    shops.shutdown().await;
}

#[tokio::test]
async fn search_pages_carry_list_markup() {
    let shops = start().await;
    for shop in shops.shops() {
        let html = get_text(&shop.search_url("monitors")).await;
        match shop.markup {
            Markup::JsonLd => {
                let blocks = json_ld_blocks(&html);
                let v: Value = serde_json::from_str(&blocks[0]).expect("ItemList JSON");
                assert_eq!(v["@type"], "ItemList");
                assert_eq!(
                    v["itemListElement"].as_array().map(Vec::len),
                    Some(PAGE_SIZE)
                );
                assert!(html.contains("<link rel=\"next\""));
            }
            Markup::Microdata => {
                assert!(html.contains("itemtype=\"https://schema.org/ItemList\""));
                assert!(html.contains("itemprop=\"itemListElement\""));
                assert!(html.contains("rel=\"next\"") && html.contains("Weiter"));
            }
            Markup::DomOnly => {
                assert!(
                    !html.contains("itemprop")
                        && !html.contains("ld+json")
                        && !html.contains("rel=\"next\"")
                );
                assert!(html.contains(">Next ›</a>"));
            }
            Markup::JavaScript => {
                assert!(html.contains("id=\"app\"") && !html.contains("Monitor"));
            }
        }
    }
    shops.shutdown().await;
}

#[tokio::test]
async fn robots_about_cart_and_images() {
    let shops = start().await;
    for shop in shops.shops() {
        let robots = get(&format!("{}/robots.txt", shop.base_url)).await;
        assert_eq!(robots.status, 200);
        assert!(
            robots
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/plain"))
        );
        let text = robots.text();
        assert!(text.starts_with("User-agent: *"), "{text}");
        // Nothing robots.txt disallows holds a product.
        for line in text.lines().filter_map(|l| l.strip_prefix("Disallow: ")) {
            assert!(
                products_of(&shops, shop)
                    .iter()
                    .all(|p| !p.url_path.starts_with(line))
            );
            let page = get_text(&format!("{}{line}", shop.base_url)).await;
            assert!(products_linked(&page, &products_of(&shops, shop)).is_empty());
        }
        let about = get_text(&format!("{}/about", shop.base_url)).await;
        assert!(
            about.contains(&format!("mailto:{}", shop.contact_email)),
            "{}: about",
            shop.name
        );
        let home = get_text(&format!("{}/", shop.base_url)).await;
        assert!(
            home.contains(&shop.contact_email),
            "{}: home footer",
            shop.name
        );
        let p = products_of(&shops, shop)[3];
        let img = get(&format!("{}{}", shop.base_url, p.image_path)).await;
        assert_eq!(
            (img.status, img.header("content-type")),
            (200, Some("image/svg+xml"))
        );
        assert!(img.text().starts_with("<svg"));
        let missing = get(&format!("{}/no/such/page", shop.base_url)).await;
        assert_eq!(missing.status, 404);
    }
    let nw = shops.shop(Markup::JsonLd).expect("JSON-LD shop");
    let robots = get_text(&format!("{}/robots.txt", nw.base_url)).await;
    assert!(robots.contains("Disallow: /cart\n"));
    let sitemap = get_text(&format!("{}/sitemap.xml", nw.base_url)).await;
    assert_eq!(
        sitemap.matches("<loc>").count(),
        products_of(&shops, nw).len()
    );
    shops.shutdown().await;
}

#[tokio::test]
async fn javascript_shop_serves_its_script_and_api() {
    let shops = start().await;
    let js = shops.shop(Markup::JavaScript).expect("JS shop");
    let script = get(&format!("{}/static/app.js", js.base_url)).await;
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .is_some_and(|c| c.contains("javascript"))
    );
    let code = script.text();
    assert!(
        code.contains("fetch(") && code.contains("/api/products/") && !code.contains("ld+json")
    );
    let missing = get(&format!("{}/api/products/99999", js.base_url)).await;
    assert_eq!(missing.status, 404);
    let shell = get(&format!("{}/p/99999", js.base_url)).await;
    assert_eq!(shell.status, 404);
    let v: Value =
        serde_json::from_str(&get_text(&format!("{}/api/search?q=desk&page=2", js.base_url)).await)
            .expect("JSON");
    assert_eq!(v["page"], 2);
    assert!(v["total"].as_u64().is_some_and(|t| t > PAGE_SIZE as u64));
    shops.shutdown().await;
}
