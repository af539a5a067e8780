//! Product pictures: a small SVG drawing per category, coloured per product.

use crate::catalogue::{Category, DemoProduct};
use crate::format::esc;

/// A 400×300 SVG picture of a product.
pub(crate) fn svg(p: &DemoProduct) -> String {
    let hue = p
        .gtin
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let fill = format!("hsl({hue},45%,42%)");
    let shape = match p.category {
        Category::OfficeChair => format!(
            r##"<rect x="150" y="40" width="100" height="110" rx="18" fill="{fill}"/>
<rect x="135" y="150" width="130" height="28" rx="10" fill="{fill}"/>
<rect x="193" y="178" width="14" height="60" fill="#555"/>
<path d="M140 250 L200 238 L260 250" stroke="#555" stroke-width="8" fill="none"/>"##
        ),
        Category::Laptop => format!(
            r##"<rect x="110" y="50" width="180" height="120" rx="8" fill="#222"/>
<rect x="120" y="60" width="160" height="100" fill="{fill}"/>
<path d="M85 180 L315 180 L295 205 L105 205 Z" fill="#999"/>"##
        ),
        Category::Monitor => format!(
            r##"<rect x="70" y="40" width="260" height="160" rx="6" fill="#222"/>
<rect x="80" y="50" width="240" height="140" fill="{fill}"/>
<rect x="190" y="200" width="20" height="40" fill="#555"/>
<rect x="150" y="238" width="100" height="10" rx="4" fill="#555"/>"##
        ),
        Category::Desk => format!(
            r##"<rect x="60" y="110" width="280" height="22" rx="3" fill="{fill}"/>
<rect x="85" y="132" width="14" height="110" fill="#555"/>
<rect x="301" y="132" width="14" height="110" fill="#555"/>
<rect x="70" y="240" width="44" height="8" fill="#555"/>
<rect x="286" y="240" width="44" height="8" fill="#555"/>"##
        ),
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" role="img" aria-label="{label}">
<rect width="400" height="300" fill="#f4f4f2"/>
{shape}
<text x="200" y="285" font-family="sans-serif" font-size="14" text-anchor="middle" fill="#333">{brand}</text>
</svg>
"##,
        label = esc(&p.name),
        brand = esc(&p.brand),
    )
}
