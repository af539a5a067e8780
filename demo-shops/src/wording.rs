//! What a shop's pages say about a model, in the shop's language: product
//! names, spec rows (labels, units, decimal commas) and descriptions.

use crate::catalogue::Spec;
use crate::defs::Locale;
use crate::format::tenths;
use crate::models::{Attrs, ChairKind, DeskKind, Material, Model, resolution_tag};

fn inch_name(tenths_inch: u32, locale: Locale) -> String {
    match locale {
        Locale::EnUs => format!("{}\"", tenths(tenths_inch, locale)),
        Locale::EnGb => format!("{}-inch", tenths(tenths_inch, locale)),
        Locale::EnNl => format!("{} inch", tenths(tenths_inch, locale)),
        Locale::De => {
            let cm = (tenths_inch * 254 + 50) / 100;
            format!(
                "{} cm ({} Zoll)",
                tenths(cm, locale),
                tenths(tenths_inch, locale)
            )
        }
    }
}

pub(crate) fn name(m: &Model, locale: Locale) -> String {
    let de = locale == Locale::De;
    let (b, l) = (m.brand, &m.line);
    match &m.attrs {
        Attrs::Chair { kind, material, .. } => {
            if de {
                let k = match kind {
                    ChairKind::Ergonomic => "ergonomisch",
                    ChairKind::Executive => "Chefsessel",
                    ChairKind::Task => "Drehstuhl",
                };
                format!("{b} {l} Bürostuhl {k}, {}", material_de(*material))
            } else {
                format!("{b} {l} {kind:?} {material:?} Office Chair")
            }
        }
        Attrs::Laptop {
            screen,
            ram_gb,
            storage_gb,
            ..
        } => {
            let inch = inch_name(*screen, locale);
            let storage = storage_text(*storage_gb, !de);
            if de {
                format!("{b} {l} Laptop {inch}, {ram_gb} GB RAM, {storage} SSD")
            } else {
                format!("{b} {l} {inch} Laptop, {ram_gb}GB RAM, {storage} SSD")
            }
        }
        Attrs::Monitor {
            size_inch,
            px,
            refresh_hz,
            ..
        } => {
            let inch = inch_name(size_inch * 10, locale);
            let tag = resolution_tag(*px);
            if de {
                format!("{b} {l} Monitor {inch}, {tag}, {refresh_hz} Hz")
            } else {
                format!("{b} {l} {inch} {tag} Monitor, {refresh_hz}Hz")
            }
        }
        Attrs::Desk {
            kind,
            width_cm,
            depth_cm,
            ..
        } => {
            let k = match (de, kind) {
                (false, DeskKind::Standing) => "Electric Standing Desk",
                (false, DeskKind::Writing) => "Writing Desk",
                (false, DeskKind::Corner) => "Corner Desk",
                (true, DeskKind::Standing) => "Elektrischer Steh-Sitz-Schreibtisch",
                (true, DeskKind::Writing) => "Schreibtisch",
                (true, DeskKind::Corner) => "Eckschreibtisch",
            };
            format!("{b} {l} {k}, {width_cm} x {depth_cm} cm")
        }
    }
}

fn material_de(m: Material) -> &'static str {
    match m {
        Material::Mesh => "Netzstoff",
        Material::Fabric => "Stoff",
        Material::Leather => "Leder",
    }
}

pub(crate) fn storage_text(gb: u32, compact: bool) -> String {
    match (gb >= 1024, compact) {
        (true, true) => format!("{}TB", gb / 1024),
        (true, false) => format!("{} TB", gb / 1024),
        (false, true) => format!("{gb}GB"),
        (false, false) => format!("{gb} GB"),
    }
}

fn spec(label: &str, value: String) -> Spec {
    Spec {
        label: label.to_string(),
        value,
    }
}

pub(crate) fn specs(m: &Model, locale: Locale) -> Vec<Spec> {
    let de = locale == Locale::De;
    let t = |v: u32| tenths(v, locale);
    let l = |en: &'static str, ge: &'static str| if de { ge } else { en };
    let inch = if de { "Zoll" } else { "inch" };
    match &m.attrs {
        Attrs::Chair {
            material,
            armrests,
            headrest,
            seat_min_cm,
            seat_max_cm,
            max_load_kg,
            weight,
            warranty_years,
            ..
        } => vec![
            spec(
                l("Material", "Material"),
                if de {
                    material_de(*material).to_string()
                } else {
                    format!("{material:?}")
                },
            ),
            spec(
                l("Armrests", "Armlehnen"),
                format!("{armrests}D {}", l("adjustable", "verstellbar")),
            ),
            spec(
                l("Headrest", "Kopfstütze"),
                (if *headrest {
                    l("Yes", "Ja")
                } else {
                    l("No", "Nein")
                })
                .to_string(),
            ),
            spec(
                l("Seat height", "Sitzhöhe"),
                format!("{seat_min_cm}–{seat_max_cm} cm"),
            ),
            spec(
                l("Maximum load", "Belastbarkeit"),
                format!("{max_load_kg} kg"),
            ),
            spec(l("Weight", "Gewicht"), format!("{} kg", t(*weight))),
            spec(
                l("Warranty", "Garantie"),
                format!("{warranty_years} {}", l("years", "Jahre")),
            ),
        ],
        Attrs::Laptop {
            screen,
            px,
            refresh_hz,
            cpu,
            ram_gb,
            storage_gb,
            battery_wh,
            charger_w,
            weight,
        } => vec![
            spec(
                l("Screen size", "Bildschirmdiagonale"),
                format!("{} {inch}", t(*screen)),
            ),
            spec(l("Resolution", "Auflösung"), format!("{} × {}", px.0, px.1)),
            spec(
                l("Refresh rate", "Bildwiederholrate"),
                format!("{refresh_hz} Hz"),
            ),
            spec(l("Processor", "Prozessor"), (*cpu).to_string()),
            spec(l("Memory (RAM)", "Arbeitsspeicher"), format!("{ram_gb} GB")),
            spec(
                l("Storage", "Speicher"),
                format!("{} SSD", storage_text(*storage_gb, false)),
            ),
            spec(l("Battery", "Akku"), format!("{battery_wh} Wh")),
            spec(
                l("Power adapter", "Netzteil"),
                format!("{charger_w} W USB-C"),
            ),
            spec(l("Weight", "Gewicht"), format!("{} kg", t(*weight))),
        ],
        Attrs::Monitor {
            size_inch,
            px,
            refresh_hz,
            panel,
            power_w,
            weight,
        } => vec![
            spec(
                l("Screen size", "Bildschirmdiagonale"),
                format!("{size_inch} {inch}"),
            ),
            spec(
                l("Resolution", "Auflösung"),
                format!("{} × {} ({})", px.0, px.1, resolution_tag(*px)),
            ),
            spec(
                l("Refresh rate", "Bildwiederholrate"),
                format!("{refresh_hz} Hz"),
            ),
            spec(l("Panel type", "Paneltyp"), (*panel).to_string()),
            spec(
                l("Power consumption", "Leistungsaufnahme"),
                format!("{power_w} W"),
            ),
            spec(l("Weight", "Gewicht"), format!("{} kg", t(*weight))),
        ],
        Attrs::Desk {
            kind,
            width_cm,
            depth_cm,
            height_cm,
            max_load_kg,
            motor_w,
            weight,
        } => {
            let mut v = vec![
                spec(l("Type", "Typ"), desk_type(*kind, de).to_string()),
                spec(l("Width", "Breite"), format!("{width_cm} cm")),
                spec(l("Depth", "Tiefe"), format!("{depth_cm} cm")),
            ];
            if height_cm.0 == height_cm.1 {
                v.push(spec(l("Height", "Höhe"), format!("{} cm", height_cm.0)));
            } else {
                v.push(spec(
                    l("Height range", "Höhenbereich"),
                    format!("{}–{} cm", height_cm.0, height_cm.1),
                ));
            }
            v.push(spec(
                l("Maximum load", "Belastbarkeit"),
                format!("{max_load_kg} kg"),
            ));
            if let Some(w) = motor_w {
                v.push(spec(l("Motor power", "Motorleistung"), format!("{w} W")));
            }
            v.push(spec(l("Weight", "Gewicht"), format!("{} kg", t(*weight))));
            v
        }
    }
}

fn desk_type(kind: DeskKind, de: bool) -> &'static str {
    match (kind, de) {
        (DeskKind::Standing, false) => "Electric standing desk (height adjustable)",
        (DeskKind::Writing, false) => "Writing desk",
        (DeskKind::Corner, false) => "Corner desk",
        (DeskKind::Standing, true) => "Elektrisch höhenverstellbar",
        (DeskKind::Writing, true) => "Schreibtisch",
        (DeskKind::Corner, true) => "Eckschreibtisch",
    }
}

pub(crate) fn description(m: &Model, locale: Locale) -> String {
    let de = locale == Locale::De;
    let l = &m.line;
    match (&m.attrs, de) {
        (
            Attrs::Chair {
                kind,
                material,
                armrests,
                max_load_kg,
                ..
            },
            false,
        ) => format!(
            "The {l} is a{} {} office chair with a breathable {} back, {armrests}D armrests and a {max_load_kg} kg maximum load. Built for long working days.",
            if *kind == ChairKind::Task { "" } else { "n" },
            format!("{kind:?}").to_lowercase(),
            format!("{material:?}").to_lowercase()
        ),
        (
            Attrs::Chair {
                material,
                armrests,
                max_load_kg,
                ..
            },
            true,
        ) => format!(
            "Der {l} ist ein Bürostuhl mit Rückenlehne aus {}, {armrests}D-Armlehnen und {max_load_kg} kg Belastbarkeit. Gebaut für lange Arbeitstage.",
            material_de(*material)
        ),
        (
            Attrs::Laptop {
                cpu,
                ram_gb,
                storage_gb,
                charger_w,
                ..
            },
            false,
        ) => format!(
            "A thin and light laptop with {} {cpu}, {ram_gb} GB of memory and a {} SSD. Charges over USB-C with the included {charger_w} W adapter.",
            if cpu.starts_with(['A', 'I']) {
                "an"
            } else {
                "a"
            },
            storage_text(*storage_gb, false)
        ),
        (
            Attrs::Laptop {
                cpu,
                ram_gb,
                storage_gb,
                ..
            },
            true,
        ) => format!(
            "Leichtes Notebook mit {cpu}, {ram_gb} GB Arbeitsspeicher und {} SSD. Laden über USB-C.",
            storage_text(*storage_gb, false)
        ),
        (
            Attrs::Monitor {
                size_inch,
                panel,
                refresh_hz,
                ..
            },
            false,
        ) => format!(
            "A {size_inch}-inch {panel} monitor at {refresh_hz} Hz with a height-adjustable stand and USB-C input."
        ),
        (
            Attrs::Monitor {
                size_inch,
                panel,
                refresh_hz,
                ..
            },
            true,
        ) => format!(
            "{size_inch}-Zoll-{panel}-Monitor mit {refresh_hz} Hz, höhenverstellbarem Standfuß und USB-C-Eingang."
        ),
        (
            Attrs::Desk {
                kind,
                width_cm,
                depth_cm,
                ..
            },
            false,
        ) => format!(
            "{} with a {width_cm} x {depth_cm} cm top. Solid steel frame, easy assembly.",
            desk_type(*kind, false)
        ),
        (
            Attrs::Desk {
                kind,
                width_cm,
                depth_cm,
                ..
            },
            true,
        ) => format!(
            "{}, Tischplatte {width_cm} x {depth_cm} cm, stabiles Stahlgestell.",
            desk_type(*kind, true)
        ),
    }
}
