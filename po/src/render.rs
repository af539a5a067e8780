//! Draws the laid-out pages with krilla.

use std::time::Instant;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::Font;

use crate::error::PoError;
use crate::font::{Fonts, describe, load};
use crate::layout::{Faces, Ink, Op, PAGE_HEIGHT, PAGE_WIDTH, layout};
use crate::model::PurchaseOrder;
use crate::text::Shaper;

/// Validates the order and renders it as an A4 PDF with the fonts embedded.
pub fn render(po: &PurchaseOrder, fonts: &Fonts) -> Result<Vec<u8>, PoError> {
    let started = Instant::now();
    po.validate()?;

    let regular_data = load(&fonts.regular)?;
    let bold_source = fonts.bold.as_ref().unwrap_or(&fonts.regular);
    let bold_data = match &fonts.bold {
        Some(source) => load(source)?,
        None => regular_data.clone(),
    };
    let faces = Faces {
        regular: Shaper::new(&regular_data, &describe(&fonts.regular))?,
        bold: Shaper::new(&bold_data, &describe(bold_source))?,
    };
    let regular = krilla_font(&regular_data, &fonts.regular)?;
    let bold = krilla_font(&bold_data, bold_source)?;

    let pages = layout(po, &faces);
    let page_count = pages.len();

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!(
                "Purchase order {}",
                faces.regular.clean(&po.number, 200)
            ))
            .creator("Procura".to_string())
            .language("en".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PoError::Pdf("invalid page size".into()))?;
    for ops in &pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, &regular, &bold);
        }
        surface.finish();
        page.finish();
    }
    let pdf = document.finish().map_err(|e| PoError::Pdf(e.to_string()))?;
    tracing::debug!(
        number = %po.number,
        lines = po.lines.len(),
        pages = page_count,
        bytes = pdf.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "rendered purchase order"
    );
    Ok(pdf)
}

fn krilla_font(
    data: &std::sync::Arc<Vec<u8>>,
    source: &crate::FontSource,
) -> Result<Font, PoError> {
    Font::new(data.clone().into(), 0).ok_or_else(|| PoError::FontInvalid {
        what: describe(source),
    })
}

fn draw(surface: &mut Surface<'_>, op: &Op, regular: &Font, bold: &Font) {
    match op {
        Op::Text {
            x,
            y,
            text,
            glyphs,
            style,
        } => {
            surface.set_fill(Some(fill(style.ink)));
            let font = if style.bold { bold } else { regular };
            // Glyphs shaped during layout: krilla's `draw_text` would shape
            // every string again, which doubled the rendering time.
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                glyphs,
                font.clone(),
                text,
                style.size,
                false,
            );
        }
        Op::Rect {
            x,
            y,
            width,
            height,
            ink,
        } => {
            // A degenerate rectangle has nothing to draw; skipping it is
            // better than failing the whole order.
            let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) else {
                return;
            };
            let mut builder = PathBuilder::new();
            builder.push_rect(rect);
            if let Some(path) = builder.finish() {
                surface.set_fill(Some(fill(*ink)));
                surface.draw_path(&path);
            }
        }
    }
}

fn fill(ink: Ink) -> Fill {
    let level = match ink {
        Ink::Black => 0x1a,
        Ink::Muted => 0x66,
        Ink::Rule => 0xbb,
        Ink::Shade => 0xe8,
    };
    Fill {
        paint: rgb::Color::new(level, level, level).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}
