//! Bürokontor Berlin: schema.org microdata only (`itemscope`, `itemprop`),
//! a German shop. Prices like `1.299,00 €` with `content="1299.00"`; sale
//! prices show `statt <del>…</del>`; specs are a `<dl>` of
//! `PropertyValue`s with German labels and decimal commas.

use super::{Pager, Shop};
use crate::catalogue::DemoProduct;
use crate::format::esc;
use crate::search::{PAGE_SIZE, Page};

const CSS: &str = "body{font-family:Georgia,serif;margin:0 auto;max-width:1100px;color:#222}\
.kopf{border-bottom:3px solid #c8102e;padding:1rem 0;display:flex;gap:2rem}.preis{font-size:1.6rem;color:#c8102e}\
.streichpreis del{color:#777}.artikelliste{list-style:none;padding:0}.artikelliste li{border-bottom:1px solid #eee;padding:.5rem 0}\
.technische-daten dt{font-weight:700}.nicht-lieferbar{color:#c8102e}";

fn layout(s: &Shop, title: &str, head: &str, body: &str) -> String {
    let cats: String = s
        .category_links()
        .iter()
        .map(|(label, href)| format!("<li><a href=\"{}\">{}</a></li>", esc(href), esc(label)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>{title} – {name}</title>\
<style>{CSS}</style>\n{head}</head>\n<body>\
<div class=\"kopf\"><a class=\"logo\" href=\"/\">{name}</a>\
<form action=\"/suche\" method=\"get\"><input type=\"text\" name=\"begriff\" placeholder=\"Suchbegriff\">\
<button type=\"submit\">Suchen</button></form><ul class=\"kategorien\">{cats}</ul></div>\n\
<div class=\"inhalt\">{body}</div>\n<div class=\"fuss\">{name} GmbH · Friedrichstraße 123 · 10117 Berlin · \
E-Mail: <a href=\"mailto:{email}\">{email}</a> · <a href=\"/about\">Impressum</a> · \
<a href=\"/warenkorb\">Warenkorb</a></div>\n</body></html>\n",
        title = esc(title),
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email),
    )
}

fn list_item(s: &Shop, p: &DemoProduct, position: usize) -> String {
    let streich = p
        .list_price
        .map(|l| {
            format!(
                " <span class=\"streichpreis\">statt <del>{}</del></span>",
                s.money(l)
            )
        })
        .unwrap_or_default();
    format!(
        "<li itemprop=\"itemListElement\" itemscope itemtype=\"https://schema.org/ListItem\">\
<meta itemprop=\"position\" content=\"{position}\">\
<a itemprop=\"url\" href=\"{href}\"><img src=\"{img}\" alt=\"\" width=\"120\" height=\"90\"> <span itemprop=\"name\">{name}</span></a>\
<div class=\"listenpreis\">{price}{streich}</div><div class=\"lieferstatus\">{stock}</div></li>\n",
        href = esc(&s.abs(&p.url_path)),
        img = esc(&p.image_path),
        name = esc(&p.name),
        price = s.money(p.price),
        stock = s.stock_text(p),
    )
}

pub(super) fn home(s: &Shop) -> String {
    let items: String = s
        .products
        .iter()
        .step_by(7)
        .take(8)
        .enumerate()
        .map(|(k, p)| list_item(s, p, k + 1))
        .collect();
    let body = format!(
        "<h1>Büromöbel und IT für Ihr Unternehmen</h1><h2>Empfehlungen</h2>\
<div itemscope itemtype=\"https://schema.org/ItemList\"><ol class=\"artikelliste\">{items}</ol></div>"
    );
    layout(s, "Startseite", "", &body)
}

pub(super) fn search(s: &Shop, query: &str, page: &Page) -> String {
    let pager = Pager::new(s, query, page);
    let first = (page.page - 1) * PAGE_SIZE;
    let items: String = page
        .hits
        .iter()
        .enumerate()
        .map(|(k, &i)| list_item(s, &s.products[i], first + k + 1))
        .collect();
    let mut nav = String::from("<div class=\"blaettern\">");
    if let Some(prev) = &pager.prev {
        nav.push_str(&format!(
            "<a rel=\"prev\" href=\"{}\">« Zurück</a> ",
            esc(prev)
        ));
    }
    nav.push_str(&format!("Seite {} von {}", pager.page, pager.total_pages));
    if let Some(next) = &pager.next {
        nav.push_str(&format!(
            " <a rel=\"next\" class=\"weiter\" href=\"{}\">Weiter »</a>",
            esc(next)
        ));
    }
    nav.push_str("</div>");
    let body = if page.hits.is_empty() {
        format!(
            "<h1>Suche: {}</h1><p>Keine Artikel gefunden.</p>",
            esc(query)
        )
    } else {
        format!(
            "<h1>Suche: {}</h1><p>{} Artikel</p>\
<div itemscope itemtype=\"https://schema.org/ItemList\">\
<meta itemprop=\"numberOfItems\" content=\"{}\"><ol class=\"artikelliste\">{items}</ol></div>{nav}",
            esc(query),
            page.total,
            page.total
        )
    };
    layout(s, &format!("Suche: {query}"), "", &body)
}

pub(super) fn product(s: &Shop, p: &DemoProduct) -> String {
    let availability = if p.in_stock { "InStock" } else { "OutOfStock" };
    let streich = p
        .list_price
        .map(|l| {
            format!(
                " <span class=\"streichpreis\">statt <del>{}</del></span>\
<span itemprop=\"priceSpecification\" itemscope itemtype=\"https://schema.org/UnitPriceSpecification\">\
<meta itemprop=\"priceType\" content=\"https://schema.org/ListPrice\">\
<meta itemprop=\"price\" content=\"{}\"><meta itemprop=\"priceCurrency\" content=\"{}\"></span>",
                s.money(l),
                l,
                esc(&p.currency)
            )
        })
        .unwrap_or_default();
    let unit = if p.per_unit {
        format!(" <span class=\"einheit\">{}</span>", s.unit_text())
    } else {
        String::new()
    };
    let specs: String = p
        .specs
        .iter()
        .map(|sp| {
            format!(
                "<div itemprop=\"additionalProperty\" itemscope itemtype=\"https://schema.org/PropertyValue\">\
<dt itemprop=\"name\">{}</dt><dd itemprop=\"value\">{}</dd></div>",
                esc(&sp.label),
                esc(&sp.value)
            )
        })
        .collect();
    let stock_class = if p.in_stock {
        "lieferbar"
    } else {
        "nicht-lieferbar"
    };
    let body = format!(
        "<div class=\"brotkrumen\"><a href=\"/\">Startseite</a> / <a href=\"{cat_href}\">{cat}</a></div>\n\
<div class=\"artikel\" itemscope itemtype=\"https://schema.org/Product\">\n\
<h1 itemprop=\"name\">{name}</h1>\n\
<img itemprop=\"image\" src=\"{img}\" alt=\"{name}\" width=\"400\" height=\"300\">\n\
<p class=\"hersteller\">Hersteller: <span itemprop=\"brand\" itemscope itemtype=\"https://schema.org/Brand\">\
<span itemprop=\"name\">{brand}</span></span></p>\n\
<ul class=\"artikeldaten\"><li>Artikel-Nr.: <span itemprop=\"sku\">{sku}</span></li>\
<li>EAN: <span itemprop=\"gtin13\">{gtin}</span></li><li>Hersteller-Nr.: <span itemprop=\"mpn\">{mpn}</span></li></ul>\n\
<div class=\"angebot\" itemprop=\"offers\" itemscope itemtype=\"https://schema.org/Offer\">\
<link itemprop=\"url\" href=\"{url}\"><meta itemprop=\"priceCurrency\" content=\"{currency}\">\
<span class=\"preis\" itemprop=\"price\" content=\"{price_raw}\">{price}</span>{unit}{streich}\
<p class=\"mwst\">inkl. 19 % MwSt., zzgl. Versandkosten</p>\
<link itemprop=\"availability\" href=\"https://schema.org/{availability}\">\
<p class=\"lieferstatus {stock_class}\">{stock}</p></div>\n\
<h2>Beschreibung</h2><div itemprop=\"description\"><p>{desc}</p></div>\n\
<h2>Technische Daten</h2><dl class=\"technische-daten\">{specs}</dl>\n</div>\n",
        cat_href = esc(&s.search_href(&p.category.label().to_lowercase(), 1)),
        cat = esc(p.category.label_in(s.def.locale)),
        name = esc(&p.name),
        img = esc(&s.abs(&p.image_path)),
        brand = esc(&p.brand),
        sku = esc(&p.sku),
        gtin = esc(&p.gtin),
        mpn = esc(&p.mpn),
        url = esc(&s.abs(&p.url_path)),
        currency = esc(&p.currency),
        price_raw = p.price,
        price = s.money(p.price),
        stock = s.stock_text(p),
        desc = esc(&p.description),
    );
    layout(s, &p.name, "", &body)
}

pub(super) fn about(s: &Shop) -> String {
    let body = format!(
        "<h1>Impressum</h1><p>{name} GmbH<br>Friedrichstraße 123<br>10117 Berlin</p>\
<p>Geschäftsführer: Jana Weber · HRB 123456 B · USt-IdNr. DE123456789</p>\
<h2>Kontakt</h2><p>E-Mail: <a href=\"mailto:{email}\">{email}</a><br>Telefon: +49 30 5550 1234</p>",
        name = esc(&s.info.name),
        email = esc(&s.info.contact_email)
    );
    layout(s, "Impressum", "", &body)
}
