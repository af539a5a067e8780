//! The HTTP side of the four shops: one axum router per shop, with the
//! routes every shop has (home, search, product, robots.txt, about, cart,
//! images) and a template module per markup style.

mod dom;
mod js;
mod jsonld;
mod microdata;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::catalogue::{Category, DemoProduct, Entry};
use crate::defs::ShopDef;
use crate::format::{esc, money, url_encode};
use crate::search::{Index, Page};
use crate::{Markup, ShopInfo};

/// Everything a shop's handlers need.
pub(crate) struct Shop {
    pub def: &'static ShopDef,
    pub info: ShopInfo,
    pub products: Vec<DemoProduct>,
    pub index: Index,
    by_path: HashMap<String, usize>,
}

type St = State<Arc<Shop>>;
type Params = Query<HashMap<String, String>>;

impl Shop {
    pub(crate) fn new(def: &'static ShopDef, info: ShopInfo, entries: &[Entry]) -> Shop {
        let products: Vec<DemoProduct> = entries.iter().map(|e| e.product.clone()).collect();
        let by_path = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url_path.clone(), i))
            .collect();
        let texts: Vec<String> = entries
            .iter()
            .map(|e| {
                let p = &e.product;
                format!(
                    "{} {} {}",
                    p.name,
                    p.category.label_in(def.locale),
                    e.keywords
                )
            })
            .collect();
        Shop {
            def,
            info,
            index: Index::new(texts.iter().map(String::as_str)),
            products,
            by_path,
        }
    }

    /// The search page's path, e.g. `/suche`.
    pub(crate) fn search_path(&self) -> &'static str {
        self.def.search_path.split('?').next().unwrap_or("/search")
    }

    /// The name of the query parameter, e.g. `begriff`.
    fn query_param(&self) -> &'static str {
        self.def
            .search_path
            .split_once('?')
            .and_then(|(_, q)| q.split_once('='))
            .map_or("q", |(name, _)| name)
    }

    fn page_param(&self) -> &'static str {
        match self.def.markup {
            Markup::Microdata => "seite",
            _ => "page",
        }
    }

    /// A link to a page of search results.
    pub(crate) fn search_href(&self, query: &str, page: usize) -> String {
        let mut href = format!(
            "{}?{}={}",
            self.search_path(),
            self.query_param(),
            url_encode(query)
        );
        if page > 1 {
            href.push_str(&format!("&{}={page}", self.page_param()));
        }
        href
    }

    pub(crate) fn abs(&self, path: &str) -> String {
        format!("{}{path}", self.info.base_url)
    }

    pub(crate) fn money(&self, price: rust_decimal::Decimal) -> String {
        money(price, self.def.locale)
    }

    /// Paths that robots.txt disallows; they hold no products.
    fn private_paths(&self) -> &'static [&'static str] {
        match self.def.markup {
            Markup::JsonLd => &["/cart", "/checkout"],
            Markup::Microdata => &["/warenkorb"],
            Markup::DomOnly => &["/basket"],
            Markup::JavaScript => &["/account"],
        }
    }

    fn robots(&self) -> String {
        let mut out = String::from("User-agent: *\n");
        if self.def.markup == Markup::DomOnly {
            // This shop disallows nothing; its basket is just not linked.
            out.push_str("Disallow:\n");
        } else {
            for p in self.private_paths() {
                out.push_str(&format!("Disallow: {p}\n"));
            }
        }
        if self.def.markup == Markup::JsonLd {
            out.push_str(&format!("\nSitemap: {}\n", self.abs("/sitemap.xml")));
        }
        out
    }

    /// Stock wording, in the shop's language; two variants alternate.
    /// Bürokontor and Thames say the delivery time with it.
    pub(crate) fn stock_text(&self, p: &DemoProduct) -> &'static str {
        let alt = p.id.is_multiple_of(2);
        let slow = p.delivery.is_some_and(|d| d.max_days > 3);
        match (self.def.markup, p.in_stock, alt) {
            (Markup::JsonLd, true, _) => "In stock",
            (Markup::JsonLd, false, false) => "Out of stock",
            (Markup::JsonLd, false, true) => "Sold out",
            (Markup::Microdata, true, _) if slow => "Auf Lager – Lieferzeit 8–10 Werktage",
            (Markup::Microdata, true, _) => "Auf Lager – Lieferzeit 2–3 Werktage",
            (Markup::Microdata, false, false) => "Nicht auf Lager",
            (Markup::Microdata, false, true) => "Derzeit nicht lieferbar",
            (Markup::DomOnly, true, _) => "In stock – order by 3pm for next-day delivery",
            (Markup::DomOnly, false, false) => "Out of stock",
            (Markup::DomOnly, false, true) => "Currently unavailable",
            (Markup::JavaScript, true, _) => "In stock",
            (Markup::JavaScript, false, false) => "Out of stock",
            (Markup::JavaScript, false, true) => "Uitverkocht",
        }
    }

    /// Per-unit wording after a price.
    pub(crate) fn unit_text(&self) -> &'static str {
        match self.def.markup {
            Markup::JsonLd => "/ each",
            Markup::Microdata => "pro Stück",
            Markup::DomOnly => "per unit",
            Markup::JavaScript => "per piece",
        }
    }

    /// Home-page category links: label and search query.
    pub(crate) fn category_links(&self) -> Vec<(&'static str, String)> {
        Category::ALL
            .iter()
            .map(|c| {
                (
                    c.label_in(self.def.locale),
                    self.search_href(&c.label().to_lowercase(), 1),
                )
            })
            .collect()
    }
}

/// The router of one shop.
pub(crate) fn router(shop: Arc<Shop>) -> Router {
    let product_route = match shop.def.markup {
        Markup::JsonLd => "/products/{key}",
        Markup::Microdata => "/artikel/{key}",
        Markup::DomOnly => "/catalogue/{cat}/{key}",
        Markup::JavaScript => "/p/{key}",
    };
    let mut r = Router::new()
        .route("/", get(home))
        .route(shop.search_path(), get(search))
        .route(product_route, get(product))
        .route("/robots.txt", get(robots))
        .route("/about", get(about))
        .route("/images/{file}", get(image));
    for p in shop.private_paths() {
        r = r.route(p, get(cart));
    }
    if shop.def.markup == Markup::JsonLd {
        r = r.route("/sitemap.xml", get(sitemap));
    }
    if shop.def.markup == Markup::JavaScript {
        r = js::api_routes(r);
    }
    r.fallback(not_found).with_state(shop)
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

async fn home(State(s): St) -> Response {
    let body = match s.def.markup {
        Markup::JsonLd => jsonld::home(&s),
        Markup::Microdata => microdata::home(&s),
        Markup::DomOnly => dom::home(&s),
        Markup::JavaScript => js::shell(&s),
    };
    html(StatusCode::OK, body)
}

async fn search(State(s): St, Query(params): Params) -> Response {
    let query = params
        .get(s.query_param())
        .map(String::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    let page_no = params
        .get(s.page_param())
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1);
    let page = s.index.page(&query, page_no);
    let body = match s.def.markup {
        Markup::JsonLd => jsonld::search(&s, &query, &page),
        Markup::Microdata => microdata::search(&s, &query, &page),
        Markup::DomOnly => dom::search(&s, &query, &page),
        Markup::JavaScript => js::shell(&s),
    };
    html(StatusCode::OK, body)
}

async fn product(State(s): St, uri: Uri) -> Response {
    let Some(&i) = s.by_path.get(uri.path()) else {
        return match s.def.markup {
            Markup::JavaScript => js::missing(&s),
            _ => not_found_page(&s),
        };
    };
    let p = &s.products[i];
    let body = match s.def.markup {
        Markup::JsonLd => jsonld::product(&s, p),
        Markup::Microdata => microdata::product(&s, p),
        Markup::DomOnly => dom::product(&s, p),
        Markup::JavaScript => js::shell(&s),
    };
    html(StatusCode::OK, body)
}

async fn robots(State(s): St) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        s.robots(),
    )
        .into_response()
}

async fn sitemap(State(s): St) -> Response {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &s.products {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            esc(&s.abs(&p.url_path))
        ));
    }
    xml.push_str("</urlset>\n");
    ([(header::CONTENT_TYPE, "application/xml")], xml).into_response()
}

async fn about(State(s): St) -> Response {
    let body = match s.def.markup {
        Markup::JsonLd => jsonld::about(&s),
        Markup::Microdata => microdata::about(&s),
        Markup::DomOnly => dom::about(&s),
        Markup::JavaScript => js::about(&s),
    };
    html(StatusCode::OK, body)
}

async fn cart(State(s): St) -> Response {
    let text = match s.def.markup {
        Markup::Microdata => "Ihr Warenkorb ist leer.",
        Markup::JavaScript => "Please sign in to see your account.",
        _ => "Your basket is empty.",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{name}</title></head>\
         <body><p>{text}</p><p><a href=\"/\">{name}</a></p></body></html>",
        name = esc(&s.info.name)
    );
    html(StatusCode::OK, body)
}

async fn image(State(s): St, Path(file): Path<String>) -> Response {
    let id = file
        .strip_suffix(".svg")
        .and_then(|n| n.parse::<u32>().ok());
    match id.and_then(|id| s.products.iter().find(|p| p.id == id)) {
        Some(p) => (
            [(header::CONTENT_TYPE, "image/svg+xml")],
            crate::image::svg(p),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such image").into_response(),
    }
}

async fn not_found(State(s): St) -> Response {
    not_found_page(&s)
}

fn not_found_page(s: &Shop) -> Response {
    let text = if s.def.markup == Markup::Microdata {
        "Seite nicht gefunden."
    } else {
        "Page not found."
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>404 – {name}</title></head>\
         <body><h1>{text}</h1><p><a href=\"/\">{name}</a></p></body></html>",
        name = esc(&s.info.name)
    );
    html(StatusCode::NOT_FOUND, body)
}

/// "Page 2 of 5" with previous/next hrefs, for the templates.
pub(crate) struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub page: usize,
    pub total_pages: usize,
}

impl Pager {
    pub(crate) fn new(s: &Shop, query: &str, page: &Page) -> Pager {
        Pager {
            prev: (page.page > 1).then(|| s.search_href(query, page.page - 1)),
            next: page.has_next().then(|| s.search_href(query, page.page + 1)),
            page: page.page,
            total_pages: page.total_pages,
        }
    }
}
