//! Thames Workspace Ltd: no structured data at all. Prices exist only in
//! the DOM (`£849.00`, split over spans), "Was … Now …" sale wording,
//! `<table>` specs without headers, and a "Next ›" pager link without
//! `rel="next"`.

use super::{Pager, Shop};
use crate::catalogue::DemoProduct;
use crate::format::esc;
use crate::search::Page;

const CSS: &str = "body{font-family:Helvetica,Arial,sans-serif;margin:0;background:#fafaf7}\
.topbar{background:#243b2f;color:#fff;padding:12px 24px}.topbar a{color:#fff}.results{display:flex;flex-wrap:wrap;gap:16px}\
.result-tile{width:220px;background:#fff;padding:8px}.was{color:#777}.now{color:#a00;font-weight:bold}\
.stock--out{color:#a00}.wrap{padding:16px 24px}table.spec td{padding:4px 12px;border-bottom:1px solid #ddd}";

fn layout(s: &Shop, title: &str, body: &str) -> String {
    let cats: String = s
        .category_links()
        .iter()
        .map(|(label, href)| {
            format!(
                "<a class=\"cat\" href=\"{}\">{}</a> ",
                esc(href),
                esc(label)
            )
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{title} - {name}</title>\
<style>{CSS}</style></head>\n<body><div class=\"topbar\"><a href=\"/\"><b>{name}</b></a> \
<form action=\"/shop/search\" method=\"get\" style=\"display:inline\"><input name=\"term\" placeholder=\"What are you looking for?\">\
<input type=\"submit\" value=\"Go\"></form> {cats}</div>\n<div class=\"wrap\">{body}</div>\n\
<div class=\"footer\"><p>{name}, 14 Wharf Road, London N1 7GR. Registered in England No. 01234567.</p>\
<p>Trade enquiries: {email} · <a href=\"/about\">About us</a></p></div>\n</body></html>\n",
        title = esc(title),
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email),
    )
}

/// `£849.00` split into symbol, pounds and pence spans (its text reads `£849.00`).
fn amount(s: &Shop, price: rust_decimal::Decimal) -> String {
    let text = s.money(price);
    let (pounds, pence) = text.split_once('.').unwrap_or((text.as_str(), "00"));
    let pounds = pounds.trim_start_matches('£');
    format!(
        "<span class=\"amount\"><span class=\"sym\">£</span>{pounds}<span class=\"pence\">.{pence}</span></span>"
    )
}

fn tile(s: &Shop, p: &DemoProduct) -> String {
    let price = match p.list_price {
        Some(list) => format!(
            "<span class=\"was\">Was {}</span> <span class=\"now\">Now {}</span>",
            s.money(list),
            amount(s, p.price)
        ),
        None => amount(s, p.price),
    };
    format!(
        "<div class=\"result-tile\"><a href=\"{href}\"><img src=\"{img}\" alt=\"{name}\" width=\"200\" height=\"150\">\
<span class=\"tile-name\">{name}</span></a><div class=\"tile-price\">{price}</div>{oos}</div>\n",
        href = esc(&p.url_path),
        img = esc(&p.image_path),
        name = esc(&p.name),
        oos = if p.in_stock {
            String::new()
        } else {
            format!("<div class=\"stock--out\">{}</div>", s.stock_text(p))
        },
    )
}

pub(super) fn home(s: &Shop) -> String {
    let tiles: String = s
        .products
        .iter()
        .step_by(7)
        .take(8)
        .map(|p| tile(s, p))
        .collect();
    let body = format!(
        "<h1>Workspace essentials, delivered next day</h1><div class=\"results\">{tiles}</div>"
    );
    layout(s, "Office furniture &amp; IT", &body)
}

pub(super) fn search(s: &Shop, query: &str, page: &Page) -> String {
    let pager = Pager::new(s, query, page);
    let tiles: String = page.hits.iter().map(|&i| tile(s, &s.products[i])).collect();
    let mut nav = String::from("<div class=\"pager\">");
    if let Some(prev) = &pager.prev {
        nav.push_str(&format!(
            "<a class=\"pager-prev\" href=\"{}\">‹ Previous</a> ",
            esc(prev)
        ));
    }
    nav.push_str(&format!(
        "<span>Page {} of {}</span>",
        pager.page, pager.total_pages
    ));
    if let Some(next) = &pager.next {
        nav.push_str(&format!(
            " <a class=\"pager-next\" href=\"{}\">Next ›</a>",
            esc(next)
        ));
    }
    nav.push_str("</div>");
    let body = if page.hits.is_empty() {
        format!(
            "<h1>Search</h1><p>Sorry, nothing matched “{}”.</p>",
            esc(query)
        )
    } else {
        format!(
            "<h1>Search results</h1><p>{} items found for “{}”</p><div class=\"results\">{tiles}</div>{nav}",
            page.total,
            esc(query)
        )
    };
    layout(s, "Search", &body)
}

pub(super) fn product(s: &Shop, p: &DemoProduct) -> String {
    let mut price = match p.list_price {
        Some(list) => format!(
            "<span class=\"was\">Was <s>{}</s></span> <span class=\"now\">Now {}</span>",
            s.money(list),
            amount(s, p.price)
        ),
        None => amount(s, p.price),
    };
    if p.per_unit {
        price.push_str(&format!(" <span class=\"per\">{}</span>", s.unit_text()));
    }
    let rows: String = p
        .specs
        .iter()
        .map(|sp| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                esc(&sp.label),
                esc(&sp.value)
            )
        })
        .collect();
    let stock_class = if p.in_stock {
        "stock--in"
    } else {
        "stock--out"
    };
    let body = format!(
        "<div class=\"crumbs\"><a href=\"/\">Home</a> &gt; <a href=\"{cat_href}\">{cat}</a> &gt; {name}</div>\n\
<div class=\"pdp\"><div class=\"pdp-media\"><img src=\"{img}\" alt=\"{name}\" width=\"400\" height=\"300\"></div>\n\
<div class=\"pdp-info\"><h1 class=\"pdp-title\">{name}</h1>\n\
<div class=\"pdp-meta\">Brand: <strong>{brand}</strong> | Product code: <span>{sku}</span> | EAN: <span>{gtin}</span> | \
Manufacturer part no.: <span>{mpn}</span></div>\n\
<div class=\"pdp-price\">{price} <span class=\"vat\">inc. VAT</span></div>\n\
<div class=\"stock {stock_class}\">{stock}</div></div></div>\n\
<h2>Product description</h2><p class=\"pdp-desc\">{desc}</p>\n\
<h2>Specification</h2><table class=\"spec\">{rows}</table>\n",
        cat_href = esc(&s.search_href(&p.category.label().to_lowercase(), 1)),
        cat = esc(p.category.label()),
        name = esc(&p.name),
        img = esc(&p.image_path),
        brand = esc(&p.brand),
        sku = esc(&p.sku),
        gtin = esc(&p.gtin),
        mpn = esc(&p.mpn),
        stock = s.stock_text(p),
        desc = esc(&p.description),
    );
    layout(s, &p.name, &body)
}

pub(super) fn about(s: &Shop) -> String {
    let body = format!(
        "<h1>About us</h1><p>{name} has supplied London offices since 2004.</p>\
<p>Contact our trade desk at <a href=\"mailto:{email}\">{email}</a> or call 020 7946 0321.</p>",
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email)
    );
    layout(s, "About us", &body)
}
