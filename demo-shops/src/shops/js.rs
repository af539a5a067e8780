//! Canal Street Office: a single-page app. Every HTML page is the same
//! shell with no product data and no structured data; `/static/app.js`
//! fetches `/api/search` or `/api/products/{id}` and renders the product
//! DOM (cards, `€ 1.299,95` prices, `<del>` list prices, a `<dl>` of specs)
//! about 50 ms after its data arrives. It never adds JSON-LD or microdata.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::Shop;
use crate::catalogue::DemoProduct;
use crate::format::esc;
use crate::search::PAGE_SIZE;

const APP_JS: &str = include_str!("app.js");

const CSS: &str = "body{font-family:Inter,system-ui,sans-serif;margin:0;background:#fff;color:#111}\
header{display:flex;gap:16px;padding:14px 28px;border-bottom:1px solid #e5e5e5}#app{padding:20px 28px}\
.tiles{display:grid;grid-template-columns:repeat(3,1fr);gap:18px}.tile{border:1px solid #eee;border-radius:8px;padding:10px}\
.previous{color:#888}.current{font-weight:600}.sold-out{color:#c00}footer{padding:14px 28px;color:#555}";

/// The HTML shell every page of this shop serves.
pub(super) fn shell(s: &Shop) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{name}</title>\
<style>{CSS}</style></head>\n<body><header><a class=\"brand\" href=\"/\">{name}</a>\
<form action=\"/search\" method=\"get\"><input type=\"search\" name=\"q\" placeholder=\"Search\">\
<button type=\"submit\">Search</button></form></header>\n\
<div id=\"app\"><p class=\"loading\">Loading…</p></div>\n\
<noscript>Please enable JavaScript to shop with us.</noscript>\n\
<footer>{name} · Keizersgracht 62, 1015 CS Amsterdam · \
<a href=\"mailto:{email}\">{email}</a> · <a href=\"/about\">About</a></footer>\n\
<script src=\"/static/app.js\" defer></script>\n</body></html>\n",
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email),
    )
}

/// The about page is plain HTML.
pub(super) fn about(s: &Shop) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>About – {name}</title></head>\
<body><h1>About {name}</h1><p>Office furniture and IT from Amsterdam, delivered across the EU.</p>\
<p>Questions or volume quotes: <a href=\"mailto:{email}\">{email}</a></p><p><a href=\"/\">Shop</a></p></body></html>\n",
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email),
    )
}

pub(super) fn api_routes(r: Router<Arc<Shop>>) -> Router<Arc<Shop>> {
    r.route("/static/app.js", get(app_js))
        .route("/api/search", get(api_search))
        .route("/api/products/{id}", get(api_product))
}

async fn app_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

fn summary(s: &Shop, p: &DemoProduct) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "url": p.url_path,
        "image": p.image_path,
        "price": p.price.to_string(),
        "list_price": p.list_price.map(|l| l.to_string()),
        "currency": p.currency,
        "in_stock": p.in_stock,
        "stock_label": s.stock_text(p),
        "unit_label": p.per_unit.then(|| s.unit_text()),
    })
}

async fn api_search(
    State(s): State<Arc<Shop>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let query = params
        .get("q")
        .map(String::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    let page_no = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1);
    let page = s.index.page(&query, page_no);
    let results: Vec<Value> = page
        .hits
        .iter()
        .map(|&i| summary(&s, &s.products[i]))
        .collect();
    Json(json!({
        "query": query,
        "page": page.page,
        "page_size": PAGE_SIZE,
        "total": page.total,
        "total_pages": page.total_pages,
        "results": results,
    }))
    .into_response()
}

async fn api_product(State(s): State<Arc<Shop>>, Path(id): Path<String>) -> Response {
    let found = id
        .parse::<u32>()
        .ok()
        .and_then(|id| s.products.iter().find(|p| p.id == id));
    let Some(p) = found else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "product not found"})),
        )
            .into_response();
    };
    let mut v = summary(&s, p);
    let specs: Vec<Value> = p
        .specs
        .iter()
        .map(|sp| json!({"label": sp.label, "value": sp.value}))
        .collect();
    v["brand"] = json!(p.brand);
    v["sku"] = json!(p.sku);
    v["gtin"] = json!(p.gtin);
    v["mpn"] = json!(p.mpn);
    v["category"] = json!(p.category.label());
    v["description"] = json!(p.description);
    v["specs"] = json!(specs);
    Json(v).into_response()
}

/// A 404 shell for unknown product ids; the script shows "not found".
pub(super) fn missing(s: &Shop) -> Response {
    (StatusCode::NOT_FOUND, Html(shell(s))).into_response()
}
