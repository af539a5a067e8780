//! Delivery times in schema.org offers: `shippingDetails` → `deliveryTime`
//! (handling plus transit), else `deliveryLeadTime`.

use procura_common::delivery::DeliveryTime;
use serde_json::Value;

use super::clamp;
use crate::schema::{get, text_of};

/// A unit of a schema.org duration.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Hour,
    Week,
}

fn unit_of(code: Option<&str>) -> Option<Unit> {
    let code = code.unwrap_or("DAY").trim();
    let code = code.rsplit(['/', '#', ':']).next().unwrap_or(code);
    match code.to_ascii_lowercase().as_str() {
        "day" | "d" | "days" | "" => Some(Unit::Day),
        "hur" | "h" | "hour" | "hours" => Some(Unit::Hour),
        "wee" | "wk" | "week" | "weeks" => Some(Unit::Week),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => text_of(v)?.trim().replace(',', ".").parse().ok(),
    }
    .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n < 10_000.0)
}

/// Whole days in `n` of `unit`: hours round up, weeks are 7 days.
fn days_in(n: f64, unit: Unit) -> u32 {
    let days = match unit {
        Unit::Day => n,
        Unit::Hour => (n / 24.0).max(if n > 0.0 { 1.0 } else { 0.0 }),
        Unit::Week => n * 7.0,
    };
    days.ceil() as u32
}

/// A `QuantitativeValue`: (min days, max days, counted in days).
fn quantity(v: &Value) -> Option<(u32, u32, bool)> {
    let v = match v {
        Value::Array(a) => a.first()?,
        v => v,
    };
    let unit = unit_of(get(v, "unitCode").and_then(text_of).as_deref())?;
    let single = get(v, "value").and_then(number);
    let min = get(v, "minValue").and_then(number).or(single);
    let max = get(v, "maxValue").and_then(number).or(single).or(min)?;
    let min = min.unwrap_or(max);
    Some((days_in(min, unit), days_in(max, unit), unit == Unit::Day))
}

/// True when `businessDays` includes the weekend (so days are calendar days).
fn weekend_open(v: &Value) -> bool {
    let Some(days) = get(v, "businessDays") else {
        return false;
    };
    let mut names = Vec::new();
    collect_day_names(days, &mut names, 0);
    names.iter().any(|d| d.ends_with("saturday")) && names.iter().any(|d| d.ends_with("sunday"))
}

fn collect_day_names(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 || out.len() > 20 {
        return;
    }
    match v {
        Value::String(s) => out.push(s.to_ascii_lowercase()),
        Value::Array(a) => a
            .iter()
            .take(20)
            .for_each(|x| collect_day_names(x, out, depth + 1)),
        Value::Object(_) => {
            if let Some(d) = get(v, "dayOfWeek") {
                collect_day_names(d, out, depth + 1);
            } else if let Some(s) = text_of(v) {
                out.push(s.to_ascii_lowercase());
            }
        }
        _ => {}
    }
}

/// A `ShippingDeliveryTime`: handling plus transit.
fn delivery_time(v: &Value) -> Option<DeliveryTime> {
    let parts: Vec<(u32, u32, bool)> = ["handlingTime", "transitTime"]
        .iter()
        .filter_map(|k| get(v, k).and_then(quantity))
        .collect();
    if parts.is_empty() {
        return None;
    }
    let min: u32 = parts.iter().map(|p| p.0).sum();
    let max: u32 = parts.iter().map(|p| p.1).sum();
    let business = parts.iter().all(|p| p.2) && !weekend_open(v);
    DeliveryTime::new(clamp(min)?, clamp(max)?, business)
}

/// The delivery time an offer's structured data states.
pub(crate) fn from_offer(offer: &Value) -> Option<DeliveryTime> {
    if let Some(details) = get(offer, "shippingDetails") {
        let list: Vec<&Value> = match details {
            Value::Array(a) => a.iter().take(20).collect(),
            v => vec![v],
        };
        let found = list
            .into_iter()
            .filter_map(|d| get(d, "deliveryTime"))
            .find_map(|t| match t {
                Value::Array(a) => a.iter().take(20).find_map(delivery_time),
                t => delivery_time(t),
            });
        if found.is_some() {
            return found;
        }
    }
    // A lead time of a pick-up-in-store offer says nothing of delivery.
    let pickup = get(offer, "availableDeliveryMethod")
        .and_then(text_of)
        .is_some_and(|m| m.to_ascii_lowercase().contains("pickup"));
    if pickup {
        return None;
    }
    let (min, max, in_days) = get(offer, "deliveryLeadTime").and_then(quantity)?;
    DeliveryTime::new(clamp(min)?, clamp(max)?, in_days)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn t(a: u16, b: u16, business: bool) -> Option<DeliveryTime> {
        DeliveryTime::new(a, b, business)
    }

    #[test]
    fn shipping_details_add_handling_and_transit() {
        let offer = json!({"@type": "Offer", "shippingDetails": {
            "@type": "OfferShippingDetails",
            "deliveryTime": {"@type": "ShippingDeliveryTime",
                "handlingTime": {"@type": "QuantitativeValue", "minValue": 0, "maxValue": 1, "unitCode": "DAY"},
                "transitTime": {"@type": "QuantitativeValue", "minValue": "2", "maxValue": "3", "unitCode": "d"}}}});
        assert_eq!(from_offer(&offer), t(2, 4, true));
        let weekend = json!({"shippingDetails": [{"deliveryTime": {
            "businessDays": {"@type": "OpeningHoursSpecification", "dayOfWeek": [
                "https://schema.org/Monday", "https://schema.org/Saturday", "https://schema.org/Sunday"]},
            "transitTime": {"value": 5, "unitCode": "DAY"}}}]});
        assert_eq!(from_offer(&weekend), t(5, 5, false));
        let weeks = json!({"shippingDetails": {"deliveryTime": {
            "transitTime": {"minValue": 1, "maxValue": 2, "unitCode": "WEE"}}}});
        assert_eq!(from_offer(&weeks), t(7, 14, false));
        let lead = json!({"deliveryLeadTime": {"minValue": 2, "maxValue": 4}});
        assert_eq!(from_offer(&lead), t(2, 4, true));
        let pickup = json!({"availableDeliveryMethod": "http://schema.org/OnSitePickup",
            "deliveryLeadTime": {"@type": "QuantitativeValue", "value": 0}});
        assert_eq!(from_offer(&pickup), None);
        for bad in [
            json!({"shippingDetails": {"deliveryTime": {"transitTime": {"maxValue": 900, "unitCode": "DAY"}}}}),
            json!({"shippingDetails": {"deliveryTime": {"transitTime": {"maxValue": 3, "unitCode": "MON"}}}}),
            json!({"shippingDetails": {"shippingRate": {"value": 5}}}),
            json!({"price": "3"}),
        ] {
            assert_eq!(from_offer(&bad), None, "{bad}");
        }
    }
}
