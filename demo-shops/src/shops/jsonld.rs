//! Northwind Office Supply: schema.org JSON-LD (`Product`, `Offer`,
//! `ItemList`, `BreadcrumbList`) plus ordinary product-card HTML. Prices
//! like `$1,299.99`; sale prices strike the list price through with `<s>`;
//! spec tables are `<table>` rows.

use serde_json::{Value, json};

use super::{Pager, Shop};
use crate::catalogue::{Delivery, DemoProduct};
use crate::format::esc;
use crate::search::Page;

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1d2330}\
.site-header{display:flex;gap:2rem;align-items:center;padding:1rem 2rem;background:#0b3c5d;color:#fff}\
.site-header a{color:#fff}.product-grid{display:grid;grid-template-columns:repeat(4,1fr);gap:1rem;list-style:none;padding:0}\
.product-card{border:1px solid #ddd;padding:.75rem}.price--list{color:#888}.price--sale{color:#b00020;font-weight:700}\
main{padding:1rem 2rem}.spec-table th{text-align:left;padding-right:2rem}.out-of-stock{color:#b00020}";

/// A JSON-LD script element. `</` is escaped so no string can end the script.
fn ld(value: &Value) -> String {
    let text = value.to_string().replace("</", "<\\/");
    format!("<script type=\"application/ld+json\">{text}</script>\n")
}

fn layout(s: &Shop, title: &str, head: &str, body: &str) -> String {
    let cats: String = s
        .category_links()
        .iter()
        .map(|(label, href)| format!("<a href=\"{}\">{}</a> ", esc(href), esc(label)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en-US\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} | {name}</title><style>{CSS}</style>\n{head}</head>\n<body>\
<header class=\"site-header\"><a class=\"logo\" href=\"/\">{name}</a>\
<form role=\"search\" action=\"/search\" method=\"get\"><input type=\"search\" name=\"q\" placeholder=\"Search products\">\
<button type=\"submit\">Search</button></form><nav class=\"categories\">{cats}</nav></header>\n\
<main>{body}</main>\n<footer class=\"site-footer\"><p>{name} · 1200 Harbor Blvd, Portland, OR · \
Questions? <a href=\"mailto:{email}\">{email}</a> · <a href=\"/about\">About us</a></p></footer>\n</body></html>\n",
        title = esc(title),
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email),
    )
}

fn card(s: &Shop, p: &DemoProduct) -> String {
    let price = match p.list_price {
        Some(list) => format!(
            "<span class=\"price price--sale\">{}</span> <s class=\"price price--list\">{}</s>",
            s.money(p.price),
            s.money(list)
        ),
        None => format!("<span class=\"price\">{}</span>", s.money(p.price)),
    };
    format!(
        "<li class=\"product-card\"><a class=\"product-card__link\" href=\"{href}\">\
<img src=\"{img}\" alt=\"{name}\" width=\"200\" height=\"150\"><h2 class=\"product-card__title\">{name}</h2></a>\
<div class=\"product-card__price\">{price}</div><div class=\"product-card__stock\">{stock}</div></li>\n",
        href = esc(&p.url_path),
        img = esc(&p.image_path),
        name = esc(&p.name),
        stock = s.stock_text(p),
    )
}

pub(super) fn home(s: &Shop) -> String {
    let cards: String = s
        .products
        .iter()
        .step_by(7)
        .take(8)
        .map(|p| card(s, p))
        .collect();
    let org = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": s.info.name,
        "url": s.abs("/"),
        "email": s.info.contact_email,
    });
    let body = format!(
        "<h1>Office furniture and tech for teams</h1><h2>Featured</h2><ul class=\"product-grid\">{cards}</ul>"
    );
    layout(s, "Home", &ld(&org), &body)
}

pub(super) fn search(s: &Shop, query: &str, page: &Page) -> String {
    let pager = Pager::new(s, query, page);
    let first = (page.page - 1) * crate::search::PAGE_SIZE;
    let items: Vec<Value> = page
        .hits
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let p = &s.products[i];
            json!({"@type": "ListItem", "position": first + k + 1, "url": s.abs(&p.url_path), "name": p.name})
        })
        .collect();
    let list = json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "numberOfItems": page.total,
        "itemListElement": items,
    });
    let mut head = ld(&list);
    if let Some(prev) = &pager.prev {
        head.push_str(&format!("<link rel=\"prev\" href=\"{}\">\n", esc(prev)));
    }
    if let Some(next) = &pager.next {
        head.push_str(&format!("<link rel=\"next\" href=\"{}\">\n", esc(next)));
    }
    let cards: String = page.hits.iter().map(|&i| card(s, &s.products[i])).collect();
    let mut nav = String::from("<nav class=\"pagination\" aria-label=\"Pagination\">");
    if let Some(prev) = &pager.prev {
        nav.push_str(&format!(
            "<a rel=\"prev\" href=\"{}\">← Previous</a> ",
            esc(prev)
        ));
    }
    nav.push_str(&format!(
        "<span class=\"pagination__current\">Page {} of {}</span>",
        pager.page, pager.total_pages
    ));
    if let Some(next) = &pager.next {
        nav.push_str(&format!(
            " <a rel=\"next\" href=\"{}\">Next →</a>",
            esc(next)
        ));
    }
    nav.push_str("</nav>");
    let heading = if query.is_empty() {
        "All products".to_string()
    } else {
        format!("Results for “{}”", esc(query))
    };
    let body = if page.hits.is_empty() {
        format!("<h1>{heading}</h1><p class=\"no-results\">No products found.</p>")
    } else {
        format!(
            "<h1>{heading}</h1><p class=\"result-count\">{} products</p><ul class=\"product-grid\">{cards}</ul>{nav}",
            page.total
        )
    };
    layout(s, &format!("Search: {query}"), &head, &body)
}

/// schema.org `OfferShippingDetails` whose handling plus transit time is
/// the delivery time; its `businessDays` say Monday to Friday for business
/// days, every day for calendar days.
fn shipping_details(d: Delivery) -> Value {
    let (h_min, h_max) = (d.min_days / 4, d.max_days / 4);
    let days = |min: u16, max: u16| json!({"@type": "QuantitativeValue", "minValue": min, "maxValue": max, "unitCode": "DAY"});
    let open = if d.business_days { 5 } else { 7 };
    let week: Vec<String> = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    .iter()
    .take(open)
    .map(|d| format!("https://schema.org/{d}"))
    .collect();
    let time = json!({
        "@type": "ShippingDeliveryTime",
        "handlingTime": days(h_min, h_max),
        "transitTime": days(d.min_days - h_min, d.max_days - h_max),
        "businessDays": {"@type": "OpeningHoursSpecification", "dayOfWeek": week},
    });
    json!({
        "@type": "OfferShippingDetails",
        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "US"},
        "deliveryTime": time,
    })
}

/// The JSON-LD `Product` of a page.
fn product_ld(s: &Shop, p: &DemoProduct) -> Value {
    let availability = if p.in_stock { "InStock" } else { "OutOfStock" };
    let mut offer = json!({
        "@type": "Offer",
        "url": s.abs(&p.url_path),
        "price": p.price.to_string(),
        "priceCurrency": p.currency,
        "availability": format!("https://schema.org/{availability}"),
        "itemCondition": "https://schema.org/NewCondition",
        "seller": {"@type": "Organization", "name": s.info.name},
    });
    if let Some(d) = p.delivery {
        offer["shippingDetails"] = shipping_details(d);
    }
    if let Some(list) = p.list_price {
        offer["priceSpecification"] = json!([{
            "@type": "UnitPriceSpecification",
            "priceType": "https://schema.org/ListPrice",
            "price": list.to_string(),
            "priceCurrency": p.currency,
        }]);
    }
    let props: Vec<Value> = p
        .specs
        .iter()
        .map(|sp| json!({"@type": "PropertyValue", "name": sp.label, "value": sp.value}))
        .collect();
    json!({
        "@type": "Product",
        "name": p.name,
        "image": s.abs(&p.image_path),
        "description": p.description,
        "sku": p.sku,
        "gtin13": p.gtin,
        "mpn": p.mpn,
        "brand": {"@type": "Brand", "name": p.brand},
        "category": p.category.label(),
        "additionalProperty": props,
        "offers": offer,
    })
}

pub(super) fn product(s: &Shop, p: &DemoProduct) -> String {
    let crumbs = json!({
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": s.abs("/")},
            {"@type": "ListItem", "position": 2, "name": p.category.label(),
             "item": s.abs(&s.search_href(&p.category.label().to_lowercase(), 1))},
            {"@type": "ListItem", "position": 3, "name": p.name},
        ],
    });
    let mut product = product_ld(s, p);
    // Every fifth page puts its nodes in an @graph, as many CMSs do.
    let head = if p.id.is_multiple_of(5) {
        ld(&json!({"@context": "https://schema.org", "@graph": [product, crumbs]}))
    } else {
        product["@context"] = json!("https://schema.org");
        let mut crumbs = crumbs;
        crumbs["@context"] = json!("https://schema.org");
        format!("{}{}", ld(&product), ld(&crumbs))
    };
    let head = format!(
        "{head}<link rel=\"canonical\" href=\"{}\">\n",
        esc(&s.abs(&p.url_path))
    );
    let body = product_body(s, p, "");
    layout(s, &p.name, &head, &body)
}

/// The visible product detail; `extra` goes after the description.
fn product_body(s: &Shop, p: &DemoProduct, extra: &str) -> String {
    let mut price = match p.list_price {
        Some(list) => format!(
            "<span class=\"price price--sale\">{}</span> <s class=\"price price--list\">{}</s> \
<span class=\"savings\">Save {}</span>",
            s.money(p.price),
            s.money(list),
            s.money(list - p.price)
        ),
        None => format!("<span class=\"price\">{}</span>", s.money(p.price)),
    };
    if p.per_unit {
        price.push_str(&format!(
            " <span class=\"price-unit\">{}</span>",
            s.unit_text()
        ));
    }
    let (stock_class, button) = if p.in_stock {
        (
            "in-stock",
            "<button type=\"button\" class=\"add-to-cart\">Add to cart</button>",
        )
    } else {
        (
            "out-of-stock",
            "<button type=\"button\" class=\"add-to-cart\" disabled>Notify me</button>",
        )
    };
    let rows: String = p
        .specs
        .iter()
        .map(|sp| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                esc(&sp.label),
                esc(&sp.value)
            )
        })
        .collect();
    format!(
        "<nav class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"{cat_href}\">{cat}</a> › {name}</nav>\n\
<div class=\"product-detail\"><div class=\"gallery\"><img src=\"{img}\" alt=\"{name}\" width=\"400\" height=\"300\"></div>\n\
<div class=\"buy-box\"><h1 class=\"product-title\">{name}</h1><p class=\"brand\">by {brand}</p>\n\
<p class=\"identifiers\">Item # {sku} · Model {mpn} · UPC/EAN {gtin}</p>\n\
<div class=\"price-block\">{price}</div>\n<p class=\"availability {stock_class}\">{stock}</p>{button}</div></div>\n\
<section class=\"description\"><h2>Description</h2><p>{desc}</p>{extra}</section>\n\
<section class=\"specs\"><h2>Specifications</h2><table class=\"spec-table\"><tbody>{rows}</tbody></table></section>\n",
        cat_href = esc(&s.search_href(&p.category.label().to_lowercase(), 1)),
        cat = esc(p.category.label()),
        name = esc(&p.name),
        img = esc(&p.image_path),
        brand = esc(&p.brand),
        sku = esc(&p.sku),
        mpn = esc(&p.mpn),
        gtin = esc(&p.gtin),
        stock = s.stock_text(p),
        desc = esc(&p.description),
    )
}

pub(super) fn about(s: &Shop) -> String {
    let body = format!(
        "<h1>About {name}</h1><p>Since 1998 we have furnished offices across the Pacific Northwest: \
chairs, desks, monitors and laptops for teams of every size.</p>\
<h2>Contact</h2><p>Sales and quotes: <a href=\"mailto:{email}\">{email}</a><br>Phone: +1 503 555 0142</p>",
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email)
    );
    layout(s, "About us", "", &body)
}
