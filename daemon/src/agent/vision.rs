//! The `extract` node's last layer: when markup gives no name or no price,
//! the configured model reads the page's screenshot and visible text
//! (`llm.vision_model`). The model only fills fields the layers missed,
//! each recorded as found by `llm-vision`; a price it gives is kept only if
//! it is written in the page's text (the provider checks, and says what it
//! dropped). Without a model, or once the budget refuses, pages keep what
//! markup gave.

use procura_common::log::LogLevel;
use procura_llm::{Availability, PageEvidence, PageFields};
use serde_json::json;

use super::browse::VisitedPage;
use super::{NodeContext, NodeError};
use crate::db::products::NewProduct;
use crate::llm::Outcome;
use crate::usage::Task;

/// What `methods` says for a field the model read.
pub const METHOD: &str = "llm-vision";
/// Enough text for a product page's facts; the rest is navigation, reviews
/// and footers, which only cost tokens.
const MAX_TEXT_CHARS: usize = 12_000;
/// The top of a full-page screenshot: name, price and buy box are there,
/// and a 16k-pixel-tall image would cost tokens for nothing.
const MAX_SCREENSHOT_HEIGHT: u32 = 2_000;
/// A price the model read is less certain than one from markup.
const VISION_PRICE_CONFIDENCE: f32 = 0.6;

/// Whether the model should look at a page the layers read as `product`.
pub fn wanted(product_name: bool, product_price: bool) -> bool {
    !product_name || !product_price
}

/// The visible text of a rendered page, as the model and the price check
/// see it.
pub fn visible_text(html: &str) -> String {
    let doc = procura_extract::html::Document::parse(html);
    doc.text(0, MAX_TEXT_CHARS * 4)
        .chars()
        .take(MAX_TEXT_CHARS)
        .collect()
}

/// Whether the vision layer is still worth calling in this node run.
pub struct VisionLayer {
    /// Set once the gate refused or the endpoint failed, with why: the
    /// rest of the pages are read without the model.
    off: Option<String>,
}

/// What reading one page ended in.
pub enum Read {
    /// The product, with whatever the model could add.
    Done(Box<NewProduct>),
    /// The budget is spent and the job is configured to pause.
    Paused(String),
}

impl VisionLayer {
    pub fn new() -> VisionLayer {
        VisionLayer { off: None }
    }

    /// Asks the model about `page` and fills what `product` misses.
    pub async fn fill(
        &mut self,
        ctx: &mut NodeContext<'_>,
        page: &VisitedPage,
        visible_text: String,
        mut product: NewProduct,
    ) -> Result<Read, NodeError> {
        if self.off.is_some() || !ctx.services.models.is_configured() {
            return Ok(Read::Done(Box::new(product)));
        }
        let evidence = PageEvidence {
            url: page.final_url.clone(),
            visible_text,
            screenshot_png: screenshot_top(ctx, page).await,
        };
        let outcome = ctx
            .services
            .models
            .call(
                ctx.job.organization_id,
                Some(ctx.job.id),
                Task::VisionExtract,
                |llm| llm.read_page(&evidence),
            )
            .await;
        match outcome {
            Outcome::Answered {
                value,
                model,
                rejected,
            } => {
                for r in &rejected {
                    ctx.step(
                        LogLevel::Warn,
                        format!(
                            "{model} read {} {} on {}, but {}; not used",
                            r.field, r.value, page.final_url, r.reason
                        ),
                        json!({ "url": page.final_url, "field": r.field, "value": r.value, "model": model }),
                    )
                    .await?;
                }
                let filled = fill_missing(&mut product, value);
                let message = if filled.is_empty() {
                    format!("{model} found nothing more on {}", page.final_url)
                } else {
                    format!("{model} read {} on {}", filled.join(", "), page.final_url)
                };
                ctx.step(
                    LogLevel::Info,
                    message,
                    json!({ "url": page.final_url, "model": model, "filled": filled }),
                )
                .await?;
                Ok(Read::Done(Box::new(product)))
            }
            Outcome::Offline(why) => {
                ctx.step(
                    LogLevel::Warn,
                    format!(
                        "the model does not read the remaining pages; they keep what markup gave: {why}"
                    ),
                    json!({ "url": page.final_url, "fallback": true }),
                )
                .await?;
                self.off = Some(why);
                Ok(Read::Done(Box::new(product)))
            }
            Outcome::Paused(why) => Ok(Read::Paused(why)),
        }
    }
}

/// Fills the fields `product` has none of from the model's answer and
/// returns their names.
fn fill_missing(product: &mut NewProduct, read: PageFields) -> Vec<&'static str> {
    let mut filled = Vec::new();
    let take = |field: &'static str,
                slot: &mut Option<String>,
                value: Option<String>,
                filled: &mut Vec<_>| {
        let value = value
            .map(|v| sanitise(&v))
            .filter(|v| !v.is_empty() && v.chars().count() <= 300);
        if slot.is_none()
            && let Some(v) = value
        {
            *slot = Some(v);
            filled.push(field);
        }
    };
    take("name", &mut product.title, read.name, &mut filled);
    take("brand", &mut product.brand, read.brand, &mut filled);
    take("sku", &mut product.sku, read.sku, &mut filled);
    if product.price.is_none()
        && let Some(price) = read.price.filter(|p| p.is_sign_positive() && !p.is_zero())
    {
        product.price = Some(price);
        product.confidence = Some(VISION_PRICE_CONFIDENCE);
        filled.push("price");
    }
    let currency = read.currency.filter(|c| is_currency_code(c));
    take("currency", &mut product.currency, currency, &mut filled);
    if product.availability.is_none()
        && let Some(a) = read.availability
    {
        product.availability = Some(
            match a {
                Availability::InStock => "InStock",
                Availability::OutOfStock => "OutOfStock",
            }
            .to_string(),
        );
        filled.push("availability");
    }
    for field in &filled {
        product
            .methods
            .insert((*field).to_string(), METHOD.to_string());
    }
    filled
}

/// The model's text goes into stored fields and the TUI: one line, no
/// control characters.
fn sanitise(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The top of the page's screenshot as a PNG, or none if it cannot be read
/// (the text alone still goes).
async fn screenshot_top(ctx: &mut NodeContext<'_>, page: &VisitedPage) -> Option<Vec<u8>> {
    let blobs = ctx.services.blobs.clone();
    let key = page.screenshot_blob.clone();
    let cut = tokio::task::spawn_blocking(move || {
        let png = blobs.get(&key).map_err(|e| e.to_string())?;
        crop_top(&png, MAX_SCREENSHOT_HEIGHT)
    })
    .await;
    match cut {
        Ok(Ok(png)) => Some(png),
        Ok(Err(e)) => {
            tracing::warn!(url = %page.final_url, error = %e, "the screenshot is not sent to the model");
            None
        }
        Err(e) => {
            tracing::warn!(url = %page.final_url, error = %e, "the screenshot task failed");
            None
        }
    }
}

/// `png` unchanged if it is at most `max_height` tall, else its top
/// `max_height` pixels, re-encoded.
fn crop_top(png: &[u8], max_height: u32) -> Result<Vec<u8>, String> {
    let (_, height) =
        image::ImageReader::with_format(std::io::Cursor::new(png), image::ImageFormat::Png)
            .into_dimensions()
            .map_err(|e| format!("not a PNG: {e}"))?;
    if height <= max_height {
        return Ok(png.to_vec());
    }
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| format!("not a PNG: {e}"))?;
    let top = image.crop_imm(0, 0, image.width(), max_height);
    let mut out = Vec::new();
    top.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| format!("could not encode the cropped screenshot: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 10, 10]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_tall_screenshot_is_cut_to_its_top() {
        let cut = crop_top(&png(40, 5_000), 2_000).unwrap();
        let back = image::load_from_memory(&cut).unwrap();
        assert_eq!((back.width(), back.height()), (40, 2_000));
        let short = png(40, 300);
        assert_eq!(crop_top(&short, 2_000).unwrap(), short);
        assert!(
            crop_top(b"<html>", 2_000)
                .unwrap_err()
                .contains("not a PNG")
        );
    }

    #[test]
    fn only_missing_fields_are_filled_and_marked() {
        let mut product = NewProduct {
            title: Some("Kite Task Chair".into()),
            ..NewProduct::default()
        };
        product.methods.insert("name".into(), "dom".into());
        let read = PageFields {
            name: Some("IGNORE ME".into()),
            price: Some(Decimal::new(24990, 2)),
            currency: Some("EUR".into()),
            availability: Some(Availability::InStock),
            brand: Some("Kite\n\u{7}Co".into()),
            sku: Some(String::new()),
        };
        let filled = fill_missing(&mut product, read);
        assert_eq!(filled, ["brand", "price", "currency", "availability"]);
        assert_eq!(product.title.as_deref(), Some("Kite Task Chair"));
        assert_eq!(product.methods["name"], "dom");
        assert_eq!(product.methods["price"], METHOD);
        assert_eq!(product.price, Some(Decimal::new(24990, 2)));
        assert_eq!(product.brand.as_deref(), Some("Kite Co"));
        assert_eq!(product.sku, None, "an empty answer fills nothing");
        assert_eq!(product.availability.as_deref(), Some("InStock"));
    }

    #[test]
    fn a_bad_currency_or_a_non_positive_price_is_not_taken() {
        let mut product = NewProduct::default();
        let read = PageFields {
            price: Some(Decimal::ZERO),
            currency: Some("euro".into()),
            ..PageFields::default()
        };
        assert!(fill_missing(&mut product, read).is_empty());
        assert_eq!(product.price, None);
        assert_eq!(product.currency, None);
    }

    #[test]
    fn visible_text_leaves_out_scripts_and_is_capped() {
        let html = format!(
            "<html><head><title>T</title><script>var p = 1;</script></head><body><h1>Chair</h1><p>249.90 EUR</p>{}</body></html>",
            "<p>filler words</p>".repeat(5_000)
        );
        let text = visible_text(&html);
        assert!(text.starts_with("Chair 249.90 EUR"), "{}", &text[..40]);
        assert!(!text.contains("var p"));
        assert!(text.chars().count() <= MAX_TEXT_CHARS);
    }
}
