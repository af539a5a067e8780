//! Unit tests of the cascade and its reasons.

use serde_json::json;

use super::*;

fn product(id: &str, vendor: &str, title: &str, brand: &str) -> MatchInput {
    MatchInput {
        id: id.into(),
        vendor: vendor.into(),
        title: title.into(),
        brand: Some(brand.into()),
        ..MatchInput::default()
    }
}

fn with_ids(mut p: MatchInput, gtin: Option<&str>, mpn: Option<&str>) -> MatchInput {
    p.gtin = gtin.map(str::to_string);
    p.mpn = mpn.map(str::to_string);
    p
}

#[test]
fn gtin_reason_across_formats() {
    // EAN-13 against the same code as GTIN-14 with spaces.
    let a = with_ids(
        product("a", "x", "Chair", "Acme"),
        Some("4006381333931"),
        None,
    );
    let b = with_ids(
        product("b", "y", "Monitor", "Other"),
        Some("0 4006381 333931"),
        None,
    );
    assert_eq!(why(&a, &b), MatchReason::Gtin);
    // Same vendor too: a duplicate listing.
    let c = with_ids(
        product("c", "x", "Desk", "Acme"),
        Some("04006381333931"),
        None,
    );
    assert_eq!(why(&a, &c), MatchReason::Gtin);
}

#[test]
fn different_gtins_are_different_whatever_the_titles() {
    let title = "Sitwell Aria 300 Ergonomic Mesh Office Chair";
    let a = with_ids(
        product("a", "x", title, "Sitwell"),
        Some("4006381333931"),
        None,
    );
    let b = with_ids(
        product("b", "y", title, "Sitwell"),
        Some("036000291452"),
        None,
    );
    assert_eq!(why(&a, &b), MatchReason::Different);
    assert_eq!(group(&[a, b], DEFAULT_THRESHOLD), vec![0, 1]);
}

#[test]
fn invalid_gtin_falls_through_to_mpn_and_brand() {
    // Bad check digit on one side: the MPN + brand stage decides.
    let a = with_ids(
        product("a", "x", "Chair A", "Posture Lab"),
        Some("4006381333932"),
        Some("POS-ARIA200-BK"),
    );
    let b = with_ids(
        product("b", "y", "Stuhl B", "posture-lab GmbH"),
        Some("4006381333931"),
        Some("pos aria200 bk"),
    );
    assert_eq!(why(&a, &b), MatchReason::MpnBrand);
    // The same MPN under another brand is not enough.
    let c = with_ids(
        product("c", "y", "Stuhl B", "Kontura"),
        None,
        Some("POS-ARIA200-BK"),
    );
    assert_eq!(why(&a, &c), MatchReason::Different);
}

#[test]
fn similar_across_languages_and_spec_wording() {
    let mut a = product(
        "a",
        "us",
        "Nimbus Air 9 14\" Laptop, 16GB RAM, 512GB SSD",
        "Nimbus",
    );
    a.specs = json!({"screen size": "14 inch", "memory (ram)": "16 GB", "weight": "1.4 kg"});
    a.category = Some("Laptops".into());
    let mut b = product(
        "b",
        "de",
        "Nimbus Air 9 Laptop 35,6 cm (14 Zoll), 16 GB RAM, 512 GB SSD",
        "Nimbus",
    );
    b.specs =
        json!({"bildschirmdiagonale": "14 inch", "arbeitsspeicher": "16 GB", "gewicht": "1.4 kg"});
    b.category = Some("Laptops & Notebooks".into());
    let MatchReason::Similar(s) = why(&a, &b) else {
        panic!("{:?}", why(&a, &b));
    };
    assert!(s > 0.9, "{s}");
    // A different model of the same brand, size and memory.
    let mut c = b.clone();
    c.title = "Nimbus Pro 9 Laptop 35,6 cm (14 Zoll), 8 GB RAM, 512 GB SSD".into();
    c.specs =
        json!({"bildschirmdiagonale": "14 inch", "arbeitsspeicher": "8 GB", "gewicht": "1.6 kg"});
    assert_eq!(why(&a, &c), MatchReason::Different);
    assert!(similarity(&a, &c) < 0.5, "{}", similarity(&a, &c));
}

#[test]
fn material_and_type_conflicts() {
    let a = product(
        "a",
        "x",
        "Kontura Halo 700 Executive Mesh Office Chair",
        "Kontura",
    );
    let b = product(
        "b",
        "y",
        "Kontura Halo 700 Bürostuhl Chefsessel, Leder",
        "Kontura",
    );
    let c = product(
        "c",
        "y",
        "Kontura Halo 700 Bürostuhl Chefsessel, Netzstoff",
        "Kontura",
    );
    assert!(similarity(&a, &c) > similarity(&a, &b));
    assert!(matches!(why(&a, &c), MatchReason::Similar(_)));
    let d = product("d", "y", "Kontura Halo 700 27\" QHD Monitor", "Kontura");
    assert_eq!(why(&a, &d), MatchReason::Different);
}

#[test]
fn never_same_vendor_by_similarity() {
    let title = "Sitwell Aria 300 Ergonomic Mesh Office Chair";
    let a = product("a", "x", title, "Sitwell");
    let b = product("b", "x", title, "Sitwell");
    assert_eq!(similarity(&a, &b), 1.0);
    assert_eq!(why(&a, &b), MatchReason::Different);
    // Nor through a third product of another vendor.
    let c = product("c", "y", title, "Sitwell");
    let g = group(&[a, b, c], DEFAULT_THRESHOLD);
    assert_ne!(g[0], g[1]);
    assert!(g[2] == g[0] || g[2] == g[1]);
}

#[test]
fn group_indices_follow_first_appearance() {
    let p = |id: &str, v: &str, t: &str| product(id, v, t, "Lumora");
    let inputs = [
        p("1", "a", "Lumora View Q273 27\" QHD Monitor, 60Hz"),
        p("2", "a", "Lumora Beam F244 24\" FHD Monitor, 100Hz"),
        p(
            "3",
            "b",
            "Lumora Beam F244 Monitor 61 cm (24 Zoll), FHD, 100 Hz",
        ),
        p(
            "4",
            "c",
            "Lumora View Q273 Monitor 68,6 cm (27 Zoll), QHD, 60 Hz",
        ),
        p(
            "5",
            "c",
            "Lumora View Q274 Monitor 68,6 cm (27 Zoll), QHD, 75 Hz",
        ),
    ];
    assert_eq!(group(&inputs, DEFAULT_THRESHOLD), vec![0, 1, 1, 0, 2]);
    assert_eq!(group(&[], DEFAULT_THRESHOLD), Vec::<usize>::new());
}

#[test]
fn reasons_serialise_for_the_ui() {
    assert_eq!(
        serde_json::to_value(MatchReason::Gtin).ok(),
        Some(json!({"reason": "gtin"}))
    );
    assert_eq!(
        serde_json::to_value(MatchReason::Similar(0.5)).ok(),
        Some(json!({"reason": "similar", "score": 0.5}))
    );
}
