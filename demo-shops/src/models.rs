//! The product models the vendors sell. Each model has one brand, MPN and
//! GTIN; several shops carry the same model at their own price and SKU, as
//! real vendors do. Everything comes from a fixed-seed xorshift, so the
//! catalogue is the same on every run.

use crate::catalogue::Category;

/// xorshift64*: small, fast and deterministic.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub(crate) const MODELS_PER_CATEGORY: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ChairKind {
    Ergonomic,
    Executive,
    Task,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Material {
    Mesh,
    Fabric,
    Leather,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeskKind {
    Standing,
    Writing,
    Corner,
}

/// Category-specific facts. Weights are in tenths of a kilogram, laptop
/// screens in tenths of an inch.
#[derive(Clone, Debug)]
pub(crate) enum Attrs {
    Chair {
        kind: ChairKind,
        material: Material,
        armrests: u8,
        headrest: bool,
        seat_min_cm: u32,
        seat_max_cm: u32,
        max_load_kg: u32,
        weight: u32,
        warranty_years: u32,
    },
    Laptop {
        screen: u32,
        px: (u32, u32),
        refresh_hz: u32,
        cpu: &'static str,
        ram_gb: u32,
        storage_gb: u32,
        battery_wh: u32,
        charger_w: u32,
        weight: u32,
    },
    Monitor {
        size_inch: u32,
        px: (u32, u32),
        refresh_hz: u32,
        panel: &'static str,
        power_w: u32,
        weight: u32,
    },
    Desk {
        kind: DeskKind,
        width_cm: u32,
        depth_cm: u32,
        height_cm: (u32, u32),
        max_load_kg: u32,
        motor_w: Option<u32>,
        weight: u32,
    },
}

/// One model, as its manufacturer describes it.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub category: Category,
    pub index: usize,
    pub brand: &'static str,
    /// Model line, e.g. `Aria 300`.
    pub line: String,
    pub mpn: String,
    pub gtin: String,
    /// Manufacturer's US price in cents.
    pub base_cents: i64,
    pub attrs: Attrs,
}

const CHAIR_BRANDS: [&str; 4] = ["Sitwell", "ErgoNord", "Posture Lab", "Kontura"];
const LAPTOP_BRANDS: [&str; 4] = ["Vantor", "Nimbus", "Corvid", "Aeris"];
const MONITOR_BRANDS: [&str; 4] = ["Lumora", "Pixelforge", "Clearview", "Vantor"];
const DESK_BRANDS: [&str; 4] = ["Oakridge", "Liftwell", "Deskmaker", "Kontura"];

const CHAIR_LINES: [&str; MODELS_PER_CATEGORY] = [
    "Aria", "Balance", "Cadence", "Delta", "Flex", "Halo", "Kite", "Motus", "Nova", "Orbit",
    "Pivot", "Quest", "Rhythm", "Sierra", "Tempo", "Vela", "Wave", "Zenith", "Arc", "Lumen",
];
const LAPTOP_LINES: [&str; MODELS_PER_CATEGORY] = [
    "Air", "Pro", "Book", "Studio", "Edge", "Go", "Swift", "Core", "Zen", "Blade", "Spectra",
    "Quill", "Nomad", "Atlas", "Pulse", "Vista", "Orion", "Helix", "Fusion", "Apex",
];
const MONITOR_LINES: [&str; MODELS_PER_CATEGORY] = [
    "View", "Vision", "Sharp", "Prime", "Ultra", "Vivid", "Crystal", "Clarity", "Horizon", "Focus",
    "Pano", "Spark", "Halo", "Iris", "Prism", "Aura", "Beam", "Nexus", "Optic", "Lux",
];
const DESK_LINES: [&str; MODELS_PER_CATEGORY] = [
    "Lift", "Rise", "Ascent", "Summit", "Level", "Stride", "Core", "Basis", "Frame", "Oak",
    "Birch", "Walnut", "Atlas", "Linea", "Forma", "Plano", "Vertex", "Loft", "Ridge", "Studio",
];
const CPUS: [&str; 6] = [
    "Intel Core i5-1335U",
    "Intel Core i7-1355U",
    "Intel Core Ultra 7 155H",
    "AMD Ryzen 5 7530U",
    "AMD Ryzen 7 7840U",
    "Snapdragon X Plus",
];

/// The seed of the model list.
const SEED: u64 = 0x5eed_d3e0_0f5c_0b05;

/// All models of all categories, the same on every call.
pub(crate) fn models() -> Vec<Model> {
    let mut rng = Rng::new(SEED);
    let mut out = Vec::with_capacity(4 * MODELS_PER_CATEGORY);
    for category in Category::ALL {
        for i in 0..MODELS_PER_CATEGORY {
            out.push(model(category, i, &mut rng));
        }
    }
    out
}

/// Appends the GTIN-13 check digit to 12 digits.
pub(crate) fn with_check_digit(digits12: &str) -> String {
    let sum: u32 = digits12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits12}{}", (10 - sum % 10) % 10)
}

fn model(category: Category, i: usize, rng: &mut Rng) -> Model {
    let (brands, lines) = match category {
        Category::OfficeChair => (&CHAIR_BRANDS, &CHAIR_LINES),
        Category::Laptop => (&LAPTOP_BRANDS, &LAPTOP_LINES),
        Category::Monitor => (&MONITOR_BRANDS, &MONITOR_LINES),
        Category::Desk => (&DESK_BRANDS, &DESK_LINES),
    };
    let brand = *rng.pick(brands);
    let word = lines[i];
    let (line, attrs, base_dollars) = match category {
        Category::OfficeChair => chair(word, i, rng),
        Category::Laptop => laptop(word, i, rng),
        Category::Monitor => monitor(word, i, rng),
        Category::Desk => desk(word, i, rng),
    };
    let brand_code: String = brand
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect();
    let line_code: String = line.chars().filter(char::is_ascii_alphanumeric).collect();
    let colour = *rng.pick(&["BK", "GR", "WH", "SV", "BL"]);
    let mpn = format!(
        "{}-{}-{colour}",
        brand_code.to_uppercase(),
        line_code.to_uppercase()
    );
    let gtin = with_check_digit(&format!(
        "42{}{:02}{:07}",
        category as usize,
        i,
        rng.below(10_000_000)
    ));
    Model {
        category,
        index: i,
        brand,
        line,
        mpn,
        gtin,
        base_cents: base_dollars * 100,
        attrs,
    }
}

fn chair(word: &str, i: usize, rng: &mut Rng) -> (String, Attrs, i64) {
    let kind = [ChairKind::Ergonomic, ChairKind::Task, ChairKind::Executive][i % 3];
    let material = match kind {
        ChairKind::Executive => [Material::Leather, Material::Mesh][i % 2],
        _ => [Material::Mesh, Material::Fabric, Material::Mesh][i % 3],
    };
    let armrests = 2 + rng.below(3) as u8;
    let headrest = kind != ChairKind::Task && rng.below(3) > 0;
    let seat_min_cm = 40 + rng.below(6) as u32;
    let base = match kind {
        ChairKind::Task => 129 + rng.below(120) as i64,
        ChairKind::Ergonomic => 229 + rng.below(450) as i64,
        ChairKind::Executive => 349 + rng.below(550) as i64,
    };
    let attrs = Attrs::Chair {
        kind,
        material,
        armrests,
        headrest,
        seat_min_cm,
        seat_max_cm: seat_min_cm + 9 + rng.below(5) as u32,
        max_load_kg: [120, 130, 150, 180][rng.below(4) as usize],
        weight: 120 + rng.below(130) as u32,
        warranty_years: [2, 3, 5, 10][rng.below(4) as usize],
    };
    (format!("{word} {}", 100 * (1 + rng.below(9))), attrs, base)
}

fn laptop(word: &str, i: usize, rng: &mut Rng) -> (String, Attrs, i64) {
    let screen = [140, 156, 133, 160][i % 4];
    let ram_gb = [16, 8, 16, 32, 16][i % 5];
    let storage_gb = [512, 256, 512, 1024][(i / 2) % 4];
    let px = match screen {
        133 | 156 => (1920, 1080),
        140 => [(1920, 1200), (2880, 1800)][i % 2],
        _ => (2560, 1600),
    };
    let base = 449 + i64::from(ram_gb) * 25 + i64::from(storage_gb) / 2 + rng.below(700) as i64;
    let attrs = Attrs::Laptop {
        screen,
        px,
        refresh_hz: [60, 120, 60, 144, 165][i % 5],
        cpu: CPUS[rng.below(CPUS.len() as u64) as usize],
        ram_gb,
        storage_gb,
        battery_wh: [45, 54, 60, 70, 86][rng.below(5) as usize],
        charger_w: [45, 65, 100][rng.below(3) as usize],
        weight: screen / 10 - 2 + rng.below(6) as u32,
    };
    (
        format!("{word} {}", [3, 5, 7, 9][rng.below(4) as usize]),
        attrs,
        base,
    )
}

fn monitor(word: &str, i: usize, rng: &mut Rng) -> (String, Attrs, i64) {
    let size_inch = [27, 24, 27, 32, 34][i % 5];
    let px = match size_inch {
        24 => (1920, 1080),
        27 => [(2560, 1440), (3840, 2160)][(i / 5) % 2],
        32 => (3840, 2160),
        _ => (3440, 1440),
    };
    let refresh_hz = [60, 75, 144, 165, 100][(i + i / 5) % 5];
    let tag = resolution_tag(px).chars().next().unwrap_or('F');
    let base = 99 + i64::from(size_inch - 20) * 25 + i64::from(px.0) / 20 + rng.below(250) as i64;
    let attrs = Attrs::Monitor {
        size_inch,
        px,
        refresh_hz,
        panel: ["IPS", "VA", "IPS", "OLED"][i % 4],
        power_w: 14 + size_inch + rng.below(20) as u32,
        weight: size_inch * 2 - 10 + rng.below(20) as u32,
    };
    (
        format!("{word} {tag}{size_inch}{}", rng.below(10)),
        attrs,
        base,
    )
}

fn desk(word: &str, i: usize, rng: &mut Rng) -> (String, Attrs, i64) {
    let kind = [
        DeskKind::Standing,
        DeskKind::Writing,
        DeskKind::Standing,
        DeskKind::Corner,
        DeskKind::Standing,
    ][i % 5];
    let width_cm = match kind {
        DeskKind::Corner => [160, 180][i % 2],
        _ => [120, 140, 160, 180][(i / 2) % 4],
    };
    let depth_cm = [60, 70, 80][rng.below(3) as usize];
    let (height_cm, motor_w, base) = match kind {
        DeskKind::Standing => {
            let motor = [150, 240, 300][rng.below(3) as usize];
            (
                (62 + rng.below(6) as u32, 125 + rng.below(5) as u32),
                Some(motor),
                299 + i64::from(motor) + rng.below(500) as i64,
            )
        }
        DeskKind::Writing => ((74, 74), None, 149 + rng.below(250) as i64),
        DeskKind::Corner => ((72, 72), None, 229 + rng.below(300) as i64),
    };
    let attrs = Attrs::Desk {
        kind,
        width_cm,
        depth_cm,
        height_cm,
        max_load_kg: [70, 80, 100, 120, 150][rng.below(5) as usize],
        motor_w,
        weight: width_cm * 2 + rng.below(150) as u32,
    };
    (
        format!(
            "{word} {}",
            ["S", "Pro", "Plus", "Max", "One"][rng.below(5) as usize]
        ),
        attrs,
        base,
    )
}

/// `QHD`, `4K UHD`, ... for a pixel size.
pub(crate) fn resolution_tag(px: (u32, u32)) -> &'static str {
    match px {
        (1920, 1080) => "FHD",
        (1920, 1200) => "WUXGA",
        (2560, 1440) => "QHD",
        (3440, 1440) => "UWQHD",
        (3840, 2160) => "UHD 4K",
        _ => "WQXGA",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digit() {
        // A well-known valid EAN-13.
        assert_eq!(with_check_digit("400638133393"), "4006381333931");
    }

    #[test]
    fn models_are_deterministic_and_unique() {
        let a = models();
        let b = models();
        assert_eq!(a.len(), 4 * MODELS_PER_CATEGORY);
        let mut gtins = std::collections::HashSet::new();
        let mut mpns = std::collections::HashSet::new();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (&x.gtin, &x.mpn, x.base_cents),
                (&y.gtin, &y.mpn, y.base_cents)
            );
            assert!(gtins.insert(x.gtin.clone()));
            assert!(mpns.insert(x.mpn.clone()));
            assert_eq!(x.gtin.len(), 13);
        }
    }
}
