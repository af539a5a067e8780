//! The query list: each query with the rule that grades a product for
//! it (see `queries.rs` for the grading scheme) and that rule in words.

use procura_demo_shops::Category::{Desk, Laptop, Monitor, OfficeChair};

use super::attrs::{ChairKind, DeskKind, Material};
use super::queries::{
    CHAIRS, DESKS, LAPTOPS, MONITORS, Query, chair, desk, ergonomic, laptop, miss, monitor, over,
    standing,
};

pub fn queries() -> Vec<Query> {
    vec![
        // Plain.
        Query {
            text: "ergonomic office chair",
            why: "office chairs; sold as ergonomic = 3; executive chair with headrest = 2 (supports posture); other chairs = 1",
            categories: CHAIRS,
            penalty: ergonomic,
        },
        Query {
            text: "office chair",
            why: "every office chair = 3",
            categories: CHAIRS,
            penalty: |_| 0,
        },
        Query {
            text: "standing desk",
            why: "desks; electric standing (height-adjustable) = 3; fixed-height desks = 1",
            categories: DESKS,
            penalty: standing,
        },
        Query {
            text: "laptop",
            why: "every laptop = 3",
            categories: LAPTOPS,
            penalty: |_| 0,
        },
        Query {
            text: "computer monitor",
            why: "every monitor = 3",
            categories: MONITORS,
            penalty: |_| 0,
        },
        Query {
            text: "mesh office chair",
            why: "office chairs; mesh = 3; fabric or leather = 1",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).1 == Material::Mesh, 2),
        },
        Query {
            text: "executive leather chair",
            why: "office chairs; executive kind (−1 if not) and leather (−1 if not)",
            categories: CHAIRS,
            penalty: |i| {
                miss(chair(i).0 == ChairKind::Executive, 1)
                    + miss(chair(i).1 == Material::Leather, 1)
            },
        },
        Query {
            text: "corner desk",
            why: "desks; corner desk = 3; other desks = 1",
            categories: DESKS,
            penalty: |i| miss(desk(i).0 == DeskKind::Corner, 2),
        },
        Query {
            text: "writing desk",
            why: "desks; writing desk = 3; other desks = 1",
            categories: DESKS,
            penalty: |i| miss(desk(i).0 == DeskKind::Writing, 2),
        },
        Query {
            text: "fabric task chair",
            why: "office chairs; task kind (−1 if not) and fabric (−1 if not)",
            categories: CHAIRS,
            penalty: |i| {
                miss(chair(i).0 == ChairKind::Task, 1) + miss(chair(i).1 == Material::Fabric, 1)
            },
        },
        Query {
            text: "ultrawide monitor",
            why: "monitors; 34-inch 3440-wide ultrawide = 3; others = 1",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).1 == 3440, 2),
        },
        Query {
            text: "gaming monitor high refresh rate",
            why: "monitors; refresh ≥ 144 Hz = 3; 100–143 Hz = 2; below 100 Hz = 1",
            categories: MONITORS,
            penalty: |i| match monitor(i).2 {
                144.. => 0,
                100..=143 => 1,
                _ => 2,
            },
        },
        Query {
            text: "electric height adjustable desk",
            why: "desks; electric standing = 3; fixed-height = 1",
            categories: DESKS,
            penalty: standing,
        },
        Query {
            text: "notebook computer",
            why: "every laptop = 3",
            categories: LAPTOPS,
            penalty: |_| 0,
        },
        Query {
            text: "display screen for the office",
            why: "every monitor = 3",
            categories: MONITORS,
            penalty: |_| 0,
        },
        // Constraint-laden.
        Query {
            text: "27 inch 4k monitor under 400",
            why: "monitors; 27 inch (−1), 3840×2160 (−1), price ≤ 400 EUR (−1, −2 if > 500)",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 27, 1) + miss(i.is_4k(), 1) + over(i, 400.0),
        },
        Query {
            text: "4k 27 inch monitor below 500 euro",
            why: "monitors; 27 inch (−1), 3840×2160 (−1), price ≤ 500 EUR (−1, −2 if > 625)",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 27, 1) + miss(i.is_4k(), 1) + over(i, 500.0),
        },
        Query {
            text: "laptop 32GB RAM",
            why: "laptops; RAM ≥ 32 GB = 3, else 1",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).1 >= 32, 2),
        },
        Query {
            text: "14 inch laptop with 16GB RAM and 512GB SSD",
            why: "laptops; 14-inch screen (−1), RAM ≥ 16 GB (−1), storage ≥ 512 GB (−1)",
            categories: LAPTOPS,
            penalty: |i| {
                let l = laptop(i);
                miss((l.0 - 14.0).abs() < 0.05, 1) + miss(l.1 >= 16, 1) + miss(l.2 >= 512, 1)
            },
        },
        Query {
            text: "standing desk 160 cm wide",
            why: "desks; electric standing (−2) and 160 cm wide (−1)",
            categories: DESKS,
            penalty: |i| standing(i) + miss(desk(i).1 == 160, 1),
        },
        Query {
            text: "office chair under 200",
            why: "office chairs; price ≤ 200 EUR = 3, ≤ 250 = 2, more = 1",
            categories: CHAIRS,
            penalty: |i| over(i, 200.0),
        },
        Query {
            text: "chair with headrest max load 150 kg",
            why: "office chairs; headrest (−1), max load ≥ 150 kg (−1)",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).2, 1) + miss(chair(i).4 >= 150, 1),
        },
        Query {
            text: "32 inch 4K monitor",
            why: "monitors; 32 inch (−1), 3840×2160 (−1)",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 32, 1) + miss(i.is_4k(), 1),
        },
        Query {
            text: "laptop 1TB SSD under 1500",
            why: "laptops; storage ≥ 1 TB (−1), price ≤ 1500 EUR (−1, −2 if > 1875)",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).2 >= 1000, 1) + over(i, 1500.0),
        },
        Query {
            text: "24 inch full hd monitor",
            why: "monitors; 24 inch (−1), 1920×1080 (−1)",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 24, 1) + miss(monitor(i).1 == 1920, 1),
        },
        Query {
            text: "lightweight laptop under 1.5 kg",
            why: "laptops; weight ≤ 1.5 kg = 3, ≤ 1.8 kg = 2, heavier = 1",
            categories: LAPTOPS,
            penalty: |i| {
                let w = laptop(i).4;
                if w <= 1.5 {
                    0
                } else if w <= 1.8 {
                    1
                } else {
                    2
                }
            },
        },
        Query {
            text: "standing desk with 300W motor",
            why: "desks; electric standing (−2), motor ≥ 300 W (−1)",
            categories: DESKS,
            penalty: |i| standing(i) + miss(desk(i).4.is_some_and(|w| w >= 300), 1),
        },
        Query {
            text: "monitor 165 Hz",
            why: "monitors; refresh ≥ 165 Hz = 3, 144 Hz = 2, lower = 1",
            categories: MONITORS,
            penalty: |i| match monitor(i).2 {
                165.. => 0,
                144..=164 => 1,
                _ => 2,
            },
        },
        Query {
            text: "16 inch laptop 32 GB",
            why: "laptops; 16-inch screen (−1), RAM ≥ 32 GB (−1)",
            categories: LAPTOPS,
            penalty: |i| miss((laptop(i).0 - 16.0).abs() < 0.05, 1) + miss(laptop(i).1 >= 32, 1),
        },
        Query {
            text: "desk 180 x 80 cm",
            why: "desks; 180 cm wide (−1), 80 cm deep (−1)",
            categories: DESKS,
            penalty: |i| miss(desk(i).1 == 180, 1) + miss(desk(i).2 == 80, 1),
        },
        Query {
            text: "cheap monitor under 300",
            why: "monitors; price ≤ 300 EUR = 3, ≤ 375 = 2, more = 1",
            categories: MONITORS,
            penalty: |i| over(i, 300.0),
        },
        Query {
            text: "OLED monitor",
            why: "monitors; OLED panel = 3, other panels = 1",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).3 == "OLED", 2),
        },
        Query {
            text: "IPS monitor 27 inch QHD",
            why: "monitors; IPS (−1), 27 inch (−1), 2560×1440 (−1)",
            categories: MONITORS,
            penalty: |i| {
                miss(monitor(i).3 == "IPS", 1)
                    + miss(monitor(i).0 == 27, 1)
                    + miss(monitor(i).1 == 2560, 1)
            },
        },
        Query {
            text: "laptop with 120Hz screen",
            why: "laptops; refresh ≥ 120 Hz = 3, else 1",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).3 >= 120, 2),
        },
        Query {
            text: "chair with 4D armrests",
            why: "office chairs; 4D armrests = 3, 3D = 2, 2D = 1",
            categories: CHAIRS,
            penalty: |i| 4u32.saturating_sub(chair(i).3).min(2),
        },
        Query {
            text: "mesh chair in stock",
            why: "office chairs; mesh (−2), in stock (−1)",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).1 == Material::Mesh, 2) + miss(i.in_stock, 1),
        },
        // German.
        Query {
            text: "höhenverstellbarer Schreibtisch",
            why: "desks (height-adjustable desk); electric standing = 3; fixed-height = 1",
            categories: DESKS,
            penalty: standing,
        },
        Query {
            text: "Bürostuhl ergonomisch",
            why: "office chairs (ergonomic office chair); as 'ergonomic office chair'",
            categories: CHAIRS,
            penalty: ergonomic,
        },
        Query {
            text: "Bürostuhl Leder",
            why: "office chairs (leather office chair); leather = 3; other materials = 1",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).1 == Material::Leather, 2),
        },
        Query {
            text: "Monitor 27 Zoll 4K",
            why: "monitors (27-inch 4K monitor); 27 inch (−1), 3840×2160 (−1)",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 27, 1) + miss(i.is_4k(), 1),
        },
        Query {
            text: "Laptop 16 GB RAM",
            why: "laptops; RAM ≥ 16 GB = 3, else 1",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).1 >= 16, 2),
        },
        Query {
            text: "Eckschreibtisch",
            why: "desks (corner desk); corner = 3; other desks = 1",
            categories: DESKS,
            penalty: |i| miss(desk(i).0 == DeskKind::Corner, 2),
        },
        Query {
            text: "Drehstuhl Stoff",
            why: "office chairs (fabric swivel/task chair); task kind (−1), fabric (−1)",
            categories: CHAIRS,
            penalty: |i| {
                miss(chair(i).0 == ChairKind::Task, 1) + miss(chair(i).1 == Material::Fabric, 1)
            },
        },
        Query {
            text: "Chefsessel",
            why: "office chairs (executive chair); executive = 3; others = 1",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).0 == ChairKind::Executive, 2),
        },
        Query {
            text: "Bildschirm unter 450 Euro",
            why: "monitors (monitor under 450 EUR); ≤ 450 = 3, ≤ 562.50 = 2, more = 1",
            categories: MONITORS,
            penalty: |i| over(i, 450.0),
        },
        Query {
            text: "Notebook mit 1 TB SSD",
            why: "laptops (laptop with 1 TB SSD); storage ≥ 1 TB = 3, else 1",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).2 >= 1000, 2),
        },
        Query {
            text: "Schreibtisch 140 cm breit",
            why: "desks (desk 140 cm wide); 140 cm = 3, 120 or 160 cm = 2, else 1",
            categories: DESKS,
            penalty: |i| match desk(i).1 {
                140 => 0,
                120 | 160 => 1,
                _ => 2,
            },
        },
        // Brand-specific.
        Query {
            text: "Sitwell office chair",
            why: "office chairs; brand Sitwell = 3, other brands = 1",
            categories: CHAIRS,
            penalty: |i| miss(i.brand == "Sitwell", 2),
        },
        Query {
            text: "Lumora monitor",
            why: "monitors; brand Lumora = 3, other brands = 1",
            categories: MONITORS,
            penalty: |i| miss(i.brand == "Lumora", 2),
        },
        Query {
            text: "Vantor",
            why: "brand only: every Vantor product (laptops and monitors) = 3; other brands = 0",
            categories: &[Laptop, Monitor],
            penalty: |i| miss(i.brand == "Vantor", 3),
        },
        Query {
            text: "Liftwell standing desk",
            why: "desks; brand Liftwell (−1), electric standing (−2)",
            categories: DESKS,
            penalty: |i| miss(i.brand == "Liftwell", 1) + standing(i),
        },
        Query {
            text: "Kontura",
            why: "brand only: every Kontura product (chairs and desks) = 3; other brands = 0",
            categories: &[OfficeChair, Desk],
            penalty: |i| miss(i.brand == "Kontura", 3),
        },
        Query {
            text: "Nimbus laptop 16GB",
            why: "laptops; brand Nimbus (−1), RAM ≥ 16 GB (−1)",
            categories: LAPTOPS,
            penalty: |i| miss(i.brand == "Nimbus", 1) + miss(laptop(i).1 >= 16, 1),
        },
        Query {
            text: "Posture Lab Orbit 100",
            why: "one model: Posture Lab Orbit 100 = 3; other Posture Lab chairs = 1; other brands = 0",
            categories: CHAIRS,
            penalty: |i| {
                if i.brand != "Posture Lab" {
                    3
                } else {
                    miss(i.line == "Orbit 100", 2)
                }
            },
        },
        Query {
            text: "Pixelforge 4K",
            why: "monitors; brand Pixelforge (−2), 3840×2160 (−1)",
            categories: MONITORS,
            penalty: |i| miss(i.brand == "Pixelforge", 2) + miss(i.is_4k(), 1),
        },
        // Spec-specific.
        Query {
            text: "Intel Core i7 laptop",
            why: "laptops; Core i7 = 3; other Intel = 2; AMD or Snapdragon = 1",
            categories: LAPTOPS,
            penalty: |i| {
                let c = laptop(i).5;
                if c.contains("Core i7") {
                    0
                } else if c.starts_with("Intel") {
                    1
                } else {
                    2
                }
            },
        },
        Query {
            text: "Ryzen 7 laptop",
            why: "laptops; Ryzen 7 = 3; other Ryzen = 2; other CPUs = 1",
            categories: LAPTOPS,
            penalty: |i| {
                let c = laptop(i).5;
                if c.contains("Ryzen 7") {
                    0
                } else if c.contains("Ryzen") {
                    1
                } else {
                    2
                }
            },
        },
        Query {
            text: "desk max load 120 kg",
            why: "desks; max load ≥ 120 kg = 3, else 1",
            categories: DESKS,
            penalty: |i| miss(desk(i).3 >= 120, 2),
        },
        Query {
            text: "energy efficient monitor under 40 W",
            why: "monitors; power ≤ 40 W = 3, ≤ 50 W = 2, more = 1",
            categories: MONITORS,
            penalty: |i| match monitor(i).4 {
                ..=40 => 0,
                41..=50 => 1,
                _ => 2,
            },
        },
        // Vague.
        Query {
            text: "something to sit on for long hours",
            why: "office chairs; ergonomic = 3; executive = 2 (padded, high back); task = 1",
            categories: CHAIRS,
            penalty: |i| match chair(i).0 {
                ChairKind::Ergonomic => 0,
                ChairKind::Executive => 1,
                ChairKind::Task => 2,
            },
        },
        Query {
            text: "screen for photo editing",
            why: "monitors; 3840×2160 = 3, 2560 or 3440 wide = 2, full HD = 1; VA panel −1",
            categories: MONITORS,
            penalty: |i| {
                let m = monitor(i);
                (match m.1 {
                    3840.. => 0,
                    2560..=3839 => 1,
                    _ => 2,
                }) + miss(m.3 != "VA", 1)
            },
        },
        Query {
            text: "portable computer for travel",
            why: "laptops; weight ≤ 1.5 kg (−1 if not), screen ≤ 14 inch (−1 if not)",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).4 <= 1.5, 1) + miss(laptop(i).0 <= 14.05, 1),
        },
        Query {
            text: "work standing up",
            why: "desks; electric standing = 3; fixed-height = 1",
            categories: DESKS,
            penalty: standing,
        },
        // Misspelt.
        Query {
            text: "ergonomik ofice chiar",
            why: "misspelt 'ergonomic office chair'; same rules",
            categories: CHAIRS,
            penalty: ergonomic,
        },
        Query {
            text: "standign desk",
            why: "misspelt 'standing desk'; same rules",
            categories: DESKS,
            penalty: standing,
        },
        Query {
            text: "labtop 16gb",
            why: "misspelt 'laptop 16GB'; RAM ≥ 16 GB = 3, else 1",
            categories: LAPTOPS,
            penalty: |i| miss(laptop(i).1 >= 16, 2),
        },
        Query {
            text: "moniter 27 inch",
            why: "misspelt 'monitor 27 inch'; 27 inch = 3, else 1",
            categories: MONITORS,
            penalty: |i| miss(monitor(i).0 == 27, 2),
        },
        Query {
            text: "offise chair leather",
            why: "misspelt 'office chair leather'; leather = 3, else 1",
            categories: CHAIRS,
            penalty: |i| miss(chair(i).1 == Material::Leather, 2),
        },
    ]
}
