//! Delivery wording and whole pages.

use super::*;

fn t(a: u16, b: u16, business: bool) -> Option<DeliveryTime> {
    DeliveryTime::new(a, b, business)
}

#[test]
fn english_wording() {
    let cases = [
        ("Next-day delivery", t(1, 1, true)),
        (
            "In stock – order by 3pm for next-day delivery",
            t(1, 1, true),
        ),
        ("Delivery in 3-5 working days", t(3, 5, true)),
        ("Ships within 24 hours", t(1, 1, false)),
        ("Usually dispatched in 2 weeks", t(14, 14, false)),
        ("Dispatched within 2-3 weeks", t(14, 21, false)),
        ("Delivery: 5 to 7 business days", t(5, 7, true)),
        ("Ships in 48 hours", t(2, 2, false)),
        ("Get it tomorrow", t(1, 1, false)),
        ("Estimated delivery 10–14 days", t(10, 14, false)),
        (
            "Order within 3 hrs 20 mins for delivery tomorrow",
            t(1, 1, false),
        ),
        ("Same-day delivery in London", t(0, 0, false)),
        (
            "Free returns within 30 days, delivery in 2-3 days",
            t(2, 3, false),
        ),
        ("Usually ships in 1–2 business days", t(1, 2, true)),
        ("Delivery in 2-3 days. 30-day returns", t(2, 3, false)),
        (
            "Standard delivery 3-5 days (30-day returns)",
            t(3, 5, false),
        ),
        ("Ships from Chicago in 2 days", t(2, 2, false)),
        ("2–4 business days delivery", t(2, 4, true)),
    ];
    for (text, want) in cases {
        assert_eq!(from_text(text), want, "{text}");
    }
}

#[test]
fn german_dutch_and_french_wording() {
    let cases = [
        ("Auf Lager – Lieferzeit 2–3 Werktage", t(2, 3, true)),
        ("Lieferzeit: ca. 8-10 Werktage", t(8, 10, true)),
        ("Lieferung in 1-2 Tagen", t(1, 2, false)),
        ("Versandfertig in 24 Stunden", t(1, 1, false)),
        ("Lieferzeit 3 Wochen", t(21, 21, false)),
        ("Morgen geliefert, wenn Sie heute bestellen", t(1, 1, false)),
        ("levertijd 1-2 werkdagen", t(1, 2, true)),
        ("Voor 23:00 besteld, morgen in huis", t(1, 1, false)),
        ("Livraison sous 3 à 5 jours ouvrés", t(3, 5, true)),
        ("Expédié sous 48h", t(2, 2, false)),
    ];
    for (text, want) in cases {
        assert_eq!(from_text(text), want, "{text}");
    }
}

#[test]
fn returns_warranties_and_other_durations_are_not_delivery_times() {
    for text in [
        "30 days return",
        "30-day returns",
        "2 year warranty",
        "Free delivery. 30-day returns",
        "Free delivery on orders over £50",
        "Free delivery and 30 days to return it",
        "Delivery and returns: 14 days to change your mind (returns)",
        "Battery life up to 10 hours",
        "Lieferung frei Haus, 30 Tage Rückgaberecht",
        "14 Tage Widerrufsrecht",
        "Zahlbar innerhalb von 14 Tagen nach Lieferung",
        "Delivery in 400 days",
        "Delivery time unknown",
        "Built for long working days.",
        "30 dagen bedenktijd",
        "In stock",
        "Delivered to 1200 offices in 30 countries",
    ] {
        assert_eq!(from_text(text), None, "{text}");
    }
}

mod page_tests {
    use procura_common::delivery::DeliveryTime;

    use crate::Layer;

    #[test]
    fn structured_data_wins_over_the_visible_wording() {
        let html = r#"<html><head><script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "Product", "name": "Desk", "offers": {
             "@type": "Offer", "price": "10", "priceCurrency": "USD",
             "shippingDetails": {"@type": "OfferShippingDetails", "deliveryTime": {
               "@type": "ShippingDeliveryTime",
               "handlingTime": {"@type": "QuantitativeValue", "minValue": 3, "maxValue": 4, "unitCode": "DAY"},
               "transitTime": {"@type": "QuantitativeValue", "minValue": 7, "maxValue": 10, "unitCode": "DAY"}}}}}
            </script></head><body><h1>Desk</h1><p>Delivery in 2-3 days</p></body></html>"#;
        let x = crate::extract(html, None);
        let d = x.delivery.expect("a delivery time");
        assert_eq!(d.value, DeliveryTime::new(10, 14, true).unwrap());
        assert_eq!(d.layer, Layer::JsonLd);
    }

    #[test]
    fn microdata_shipping_details_else_the_visible_wording() {
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Stuhl</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
            <span itemprop="price" content="99.00">99,00 €</span><meta itemprop="priceCurrency" content="EUR">
            <p class="lieferstatus">Auf Lager – Lieferzeit 2–3 Werktage</p></div></div>"#;
        let x = crate::extract(html, None);
        let d = x.delivery.expect("a delivery time");
        assert_eq!(d.value, DeliveryTime::new(2, 3, true).unwrap());
        assert_eq!(d.layer, Layer::Dom);
        let md = r#"<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Desk</h1>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
            <meta itemprop="price" content="99.00"><meta itemprop="priceCurrency" content="EUR">
            <div itemprop="shippingDetails" itemscope itemtype="https://schema.org/OfferShippingDetails">
            <div itemprop="deliveryTime" itemscope itemtype="https://schema.org/ShippingDeliveryTime">
            <div itemprop="transitTime" itemscope itemtype="https://schema.org/QuantitativeValue">
            <meta itemprop="minValue" content="3"><meta itemprop="maxValue" content="5">
            <meta itemprop="unitCode" content="DAY"></div></div></div></div></div>"#;
        let d = crate::extract(md, None).delivery.expect("a delivery time");
        assert_eq!(d.value, DeliveryTime::new(3, 5, true).unwrap());
        assert_eq!(d.layer, Layer::Microdata);
        let none = crate::extract("<h1>Chair</h1><p>In stock</p><p>30-day returns</p>", None);
        assert_eq!(none.delivery, None);
    }
}
