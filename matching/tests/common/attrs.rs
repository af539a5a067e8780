//! A demo product's attributes, read from its name and spec table in the
//! shop's language. The same model must read the same in every shop
//! (checked by a test), which keeps the grading rules honest.

use procura_demo_shops::{Category, DemoProduct};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChairKind {
    Ergonomic,
    Executive,
    Task,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Material {
    Mesh,
    Fabric,
    Leather,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeskKind {
    Standing,
    Writing,
    Corner,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Attrs {
    Chair {
        kind: ChairKind,
        material: Material,
        armrests_d: u32,
        headrest: bool,
        seat_cm: (u32, u32),
        max_load_kg: u32,
        warranty_years: u32,
        weight_kg: f64,
    },
    Laptop {
        screen_inch: f64,
        px: (u32, u32),
        refresh_hz: u32,
        cpu: String,
        ram_gb: u32,
        storage_gb: u32,
        weight_kg: f64,
    },
    Monitor {
        size_inch: u32,
        px: (u32, u32),
        refresh_hz: u32,
        panel: String,
        power_w: u32,
        weight_kg: f64,
    },
    Desk {
        kind: DeskKind,
        width_cm: u32,
        depth_cm: u32,
        height_cm: (u32, u32),
        max_load_kg: u32,
        motor_w: Option<u32>,
        weight_kg: f64,
    },
}

/// A product with what the grading rules look at.
#[derive(Clone, Debug)]
pub struct Item {
    pub shop: String,
    pub sku: String,
    pub name: String,
    pub gtin: String,
    pub category: Category,
    pub brand: String,
    /// Model line: the two words after the brand (`Aria 300`).
    pub line: String,
    pub price_eur: f64,
    pub in_stock: bool,
    pub attrs: Attrs,
}

fn spec<'a>(p: &'a DemoProduct, labels: &[&str]) -> &'a str {
    p.specs
        .iter()
        .find(|s| labels.contains(&s.label.as_str()))
        .map_or("", |s| s.value.as_str())
}

/// The numbers in a text, decimal commas read as points.
fn numbers(s: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (!cur.is_empty() && (c == ',' || c == '.')) {
            cur.push(if c == ',' { '.' } else { c });
        } else if !cur.is_empty() {
            if let Ok(v) = cur.trim_end_matches('.').parse() {
                out.push(v);
            }
            cur.clear();
        }
    }
    out
}

fn num(s: &str) -> f64 {
    numbers(s).first().copied().unwrap_or(0.0)
}

fn int(s: &str) -> u32 {
    num(s).round() as u32
}

fn pair(s: &str) -> (u32, u32) {
    let n = numbers(s);
    let a = n.first().copied().unwrap_or(0.0).round() as u32;
    (a, n.get(1).map_or(a, |b| b.round() as u32))
}

pub fn attrs(p: &DemoProduct) -> Attrs {
    let weight_kg = num(spec(p, &["Weight", "Gewicht"]));
    match p.category {
        Category::OfficeChair => {
            let name = p.name.as_str();
            let kind = if name.contains("Ergonomic") || name.contains("ergonomisch") {
                ChairKind::Ergonomic
            } else if name.contains("Executive") || name.contains("Chefsessel") {
                ChairKind::Executive
            } else {
                ChairKind::Task
            };
            let material = match spec(p, &["Material"]) {
                "Mesh" | "Netzstoff" => Material::Mesh,
                "Leather" | "Leder" => Material::Leather,
                _ => Material::Fabric,
            };
            Attrs::Chair {
                kind,
                material,
                armrests_d: int(spec(p, &["Armrests", "Armlehnen"])),
                headrest: matches!(spec(p, &["Headrest", "Kopfstütze"]), "Yes" | "Ja"),
                seat_cm: pair(spec(p, &["Seat height", "Sitzhöhe"])),
                max_load_kg: int(spec(p, &["Maximum load", "Belastbarkeit"])),
                warranty_years: int(spec(p, &["Warranty", "Garantie"])),
                weight_kg,
            }
        }
        Category::Laptop => {
            let storage = spec(p, &["Storage", "Speicher"]);
            let storage_gb = if storage.contains("TB") {
                int(storage) * 1024
            } else {
                int(storage)
            };
            Attrs::Laptop {
                screen_inch: num(spec(p, &["Screen size", "Bildschirmdiagonale"])),
                px: pair(spec(p, &["Resolution", "Auflösung"])),
                refresh_hz: int(spec(p, &["Refresh rate", "Bildwiederholrate"])),
                cpu: spec(p, &["Processor", "Prozessor"]).to_string(),
                ram_gb: int(spec(p, &["Memory (RAM)", "Arbeitsspeicher"])),
                storage_gb,
                weight_kg,
            }
        }
        Category::Monitor => Attrs::Monitor {
            size_inch: int(spec(p, &["Screen size", "Bildschirmdiagonale"])),
            px: pair(spec(p, &["Resolution", "Auflösung"])),
            refresh_hz: int(spec(p, &["Refresh rate", "Bildwiederholrate"])),
            panel: spec(p, &["Panel type", "Paneltyp"]).to_string(),
            power_w: int(spec(p, &["Power consumption", "Leistungsaufnahme"])),
            weight_kg,
        },
        Category::Desk => {
            let kind = match spec(p, &["Type", "Typ"]) {
                t if t.contains("standing") || t.contains("höhenverstellbar") => {
                    DeskKind::Standing
                }
                t if t.contains("Corner") || t.contains("Eck") => DeskKind::Corner,
                _ => DeskKind::Writing,
            };
            let motor = spec(p, &["Motor power", "Motorleistung"]);
            Attrs::Desk {
                kind,
                width_cm: int(spec(p, &["Width", "Breite"])),
                depth_cm: int(spec(p, &["Depth", "Tiefe"])),
                height_cm: pair(spec(p, &["Height", "Höhe", "Height range", "Höhenbereich"])),
                max_load_kg: int(spec(p, &["Maximum load", "Belastbarkeit"])),
                motor_w: (!motor.is_empty()).then(|| int(motor)),
                weight_kg,
            }
        }
    }
}

pub fn item(p: &DemoProduct) -> Item {
    let rest = p.name.strip_prefix(p.brand.as_str()).unwrap_or(&p.name);
    let line: Vec<&str> = rest.split_whitespace().take(2).collect();
    Item {
        shop: p.shop.clone(),
        sku: p.sku.clone(),
        name: p.name.clone(),
        gtin: p.gtin.clone(),
        category: p.category,
        brand: p.brand.clone(),
        line: line.join(" "),
        price_eur: super::price_eur(p),
        in_stock: p.in_stock,
        attrs: attrs(p),
    }
}

/// Every product as an item, in catalogue order.
pub fn items() -> Vec<Item> {
    super::catalogue().iter().map(item).collect()
}

impl Item {
    pub fn is_4k(&self) -> bool {
        matches!(self.attrs, Attrs::Monitor { px, .. } | Attrs::Laptop { px, .. } if px.0 >= 3840 && px.1 >= 2160)
    }
}
