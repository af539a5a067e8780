//! Product page screenshots: what is known of each (loading, decoded,
//! failed), a small LRU of the decoded images, and drawing one into an
//! area with whichever graphics protocol the terminal has (kitty, sixel,
//! iTerm2, or half-blocks anywhere else).
//!
//! Screenshots are full pages, much taller than wide: they are drawn at the
//! area's width and scrolled, never squeezed whole into a few cells.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;

use image::DynamicImage;
use image::imageops::FilterType;
use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use ratatui_image::{Image, Resize};
use uuid::Uuid;

use super::Ctx;

/// Decoded screenshots kept at most.
pub const MAX_IMAGES: usize = 4;
/// And at most this many bytes of pixels (the newest is always kept).
pub const MAX_BYTES: usize = 96 << 20;

/// What is known of one product's screenshot.
#[derive(Debug, Clone, PartialEq)]
pub enum Shot {
    Loading,
    Ready(Arc<DynamicImage>),
    /// Sanitised.
    Failed(String),
}

/// The encoded form of the image last drawn, so an unchanged frame costs
/// nothing: resizing and encoding (sixel above all) are not cheap.
struct Rendered {
    key: (Uuid, Size, u32, u32),
    protocol: Protocol,
}

/// A page scaled once to a width it is drawn at, so scrolling only crops
/// it. Two are kept: the popup's width and the full screen's.
struct Scaled {
    key: (Uuid, u32),
    page: Arc<DynamicImage>,
}

#[derive(Default)]
pub struct Screenshots {
    shots: HashMap<Uuid, Shot>,
    /// Decoded images, least recently used first.
    lru: VecDeque<Uuid>,
    rendered: RefCell<Option<Rendered>>,
    scaled: RefCell<VecDeque<Scaled>>,
}

impl fmt::Debug for Screenshots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Screenshots")
            .field("shots", &self.shots.len())
            .field("lru", &self.lru)
            .finish_non_exhaustive()
    }
}

fn bytes(image: &DynamicImage) -> usize {
    image.as_bytes().len()
}

impl Screenshots {
    pub fn get(&self, id: Uuid) -> Option<&Shot> {
        self.shots.get(&id)
    }

    /// Product ids with a decoded image, least recently used first.
    pub fn cached(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.lru.iter().copied()
    }

    /// The screenshot of `id` is wanted now. True when it must be fetched:
    /// never asked for, or failed before (a failure is retried on the next
    /// request, not on every draw).
    pub fn request(&mut self, id: Uuid) -> bool {
        match self.shots.get(&id) {
            Some(Shot::Loading) => false,
            Some(Shot::Ready(_)) => {
                self.touch(id);
                false
            }
            Some(Shot::Failed(_)) | None => {
                self.shots.insert(id, Shot::Loading);
                true
            }
        }
    }

    /// A fetch ended; `error` must be sanitised already.
    pub fn arrived(&mut self, id: Uuid, result: Result<Arc<DynamicImage>, String>) {
        match result {
            Ok(image) => {
                self.shots.insert(id, Shot::Ready(image));
                self.touch(id);
                self.evict();
            }
            Err(error) => {
                self.lru.retain(|x| *x != id);
                self.shots.insert(id, Shot::Failed(error));
            }
        }
    }

    fn touch(&mut self, id: Uuid) {
        self.lru.retain(|x| *x != id);
        self.lru.push_back(id);
    }

    fn evict(&mut self) {
        let total = |s: &Self| -> usize {
            s.lru
                .iter()
                .filter_map(|id| match s.shots.get(id) {
                    Some(Shot::Ready(img)) => Some(bytes(img)),
                    _ => None,
                })
                .sum()
        };
        while self.lru.len() > MAX_IMAGES || (self.lru.len() > 1 && total(self) > MAX_BYTES) {
            if let Some(old) = self.lru.pop_front() {
                self.shots.remove(&old);
                let mut rendered = self.rendered.borrow_mut();
                if rendered.as_ref().is_some_and(|r| r.key.0 == old) {
                    *rendered = None;
                }
                self.scaled.borrow_mut().retain(|s| s.key.0 != old);
            }
        }
    }

    /// Draws the screenshot of `id` into `area`: the page at the area's
    /// width, from `scroll` rows down, or a line saying why it cannot.
    /// Returns how many rows the whole page takes at this width (0 when
    /// nothing is drawn), so the caller can bound its scrolling.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        ctx: &Ctx<'_>,
        id: Uuid,
        scroll: usize,
    ) -> usize {
        if area.width == 0 || area.height == 0 {
            return 0;
        }
        let image = match self.shots.get(&id) {
            Some(Shot::Ready(image)) => image,
            other => {
                let (text, style) = match other {
                    Some(Shot::Failed(e)) => {
                        (format!("Screenshot unavailable: {e}"), ctx.theme.error())
                    }
                    _ => ("Loading the screenshot…".to_string(), ctx.theme.dim()),
                };
                let p = Paragraph::new(Line::styled(text, style)).wrap(Wrap { trim: true });
                frame.render_widget(p, area);
                return 0;
            }
        };
        let width_px = u32::from(area.width) * u32::from(ctx.picker.font_size().width.max(1));
        let page = self.scaled(id, image, width_px);
        let view = Viewport::new(&page, area.as_size(), ctx.picker, scroll);
        let key = (id, area.as_size(), view.crop_y, view.crop_h);
        let mut rendered = self.rendered.borrow_mut();
        if rendered.as_ref().is_none_or(|r| r.key != key) {
            *rendered = None;
            let crop = page.crop_imm(0, view.crop_y, page.width(), view.crop_h);
            let filter = if view.upscale {
                FilterType::Nearest
            } else {
                FilterType::Triangle
            };
            match ctx
                .picker
                .new_protocol(crop, area.as_size(), Resize::Scale(Some(filter)))
            {
                Ok(protocol) => *rendered = Some(Rendered { key, protocol }),
                Err(e) => {
                    let text = format!("Cannot draw the screenshot: {e}");
                    let p = Paragraph::new(Line::styled(text, ctx.theme.error()))
                        .wrap(Wrap { trim: true });
                    frame.render_widget(p, area);
                    return 0;
                }
            }
        }
        if let Some(r) = rendered.as_ref() {
            frame.render_widget(Image::new(&r.protocol), area);
        }
        view.total_rows
    }
}

impl Screenshots {
    /// `image` no wider than `width` pixels: scaled down once per width,
    /// as it is drawn at, so that scrolling only crops.
    fn scaled(&self, id: Uuid, image: &Arc<DynamicImage>, width: u32) -> Arc<DynamicImage> {
        if image.width() <= width || width == 0 {
            return Arc::clone(image);
        }
        let mut scaled = self.scaled.borrow_mut();
        if let Some(s) = scaled.iter().find(|s| s.key == (id, width)) {
            return Arc::clone(&s.page);
        }
        let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width()))
            .clamp(1, u64::from(u32::MAX)) as u32;
        let page = Arc::new(image.resize_exact(width, height, FilterType::Triangle));
        scaled.push_front(Scaled {
            key: (id, width),
            page: Arc::clone(&page),
        });
        scaled.truncate(2);
        page
    }
}

/// Which part of an image shows in an area of `size` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Viewport {
    /// Rows of cells the whole image takes at the area's width.
    total_rows: usize,
    /// The band of image pixel rows shown.
    crop_y: u32,
    crop_h: u32,
    /// The image is smaller than the area: pixels are repeated.
    upscale: bool,
}

impl Viewport {
    fn new(image: &DynamicImage, size: Size, picker: &Picker, scroll: usize) -> Self {
        let font = picker.font_size();
        let (w, h) = (image.width().max(1), image.height().max(1));
        let cell_w = f64::from(font.width.max(1));
        let cell_h = f64::from(font.height.max(1));
        // Image pixels per screen pixel, fitting the width.
        let per_px = f64::from(w) / (f64::from(size.width) * cell_w);
        let rows_px = cell_h * per_px;
        let total_rows = (f64::from(h) / rows_px).ceil().max(1.0) as usize;
        let max_scroll = total_rows.saturating_sub(usize::from(size.height));
        let scroll = scroll.min(max_scroll);
        let crop_y = ((scroll as f64 * rows_px).floor() as u32).min(h - 1);
        let crop_h = ((f64::from(size.height) * rows_px).ceil() as u32).clamp(1, h - crop_y);
        Viewport {
            total_rows,
            crop_y,
            crop_h,
            upscale: per_px < 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    fn image(w: u32, h: u32) -> Arc<DynamicImage> {
        Arc::new(DynamicImage::ImageRgb8(RgbImage::new(w, h)))
    }

    #[test]
    fn fetched_once_failures_retried_on_request() {
        let mut s = Screenshots::default();
        let id = Uuid::from_u128(1);
        assert!(s.request(id));
        assert!(!s.request(id), "in flight");
        s.arrived(id, Err("gone".into()));
        assert_eq!(s.get(id), Some(&Shot::Failed("gone".into())));
        assert!(s.request(id), "a failure is tried again");
        s.arrived(id, Ok(image(2, 2)));
        assert!(!s.request(id), "cached");
    }

    #[test]
    fn least_recently_used_goes_first() {
        let mut s = Screenshots::default();
        let ids: Vec<Uuid> = (1..=5).map(Uuid::from_u128).collect();
        for id in &ids[..4] {
            s.request(*id);
            s.arrived(*id, Ok(image(4, 4)));
        }
        // Viewing the first again makes the second the oldest.
        s.request(ids[0]);
        s.request(ids[4]);
        s.arrived(ids[4], Ok(image(4, 4)));
        let cached: Vec<Uuid> = s.cached().collect();
        assert_eq!(cached, vec![ids[2], ids[3], ids[0], ids[4]]);
        assert_eq!(s.get(ids[1]), None);
        assert!(s.request(ids[1]), "evicted: fetched again");
    }

    #[test]
    fn big_images_are_kept_one_at_a_time() {
        let mut s = Screenshots::default();
        // 4000 × 4000 RGB is 48 MB: two fit, a third does not.
        for n in 1..=3 {
            let id = Uuid::from_u128(n);
            s.request(id);
            s.arrived(id, Ok(image(4000, 4000)));
        }
        let cached: Vec<Uuid> = s.cached().collect();
        assert_eq!(cached, vec![Uuid::from_u128(2), Uuid::from_u128(3)]);
    }

    #[test]
    fn a_big_page_is_scaled_once_and_cropped_as_it_scrolls() {
        use crate::tui::theme::Theme;
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;

        let picker = Picker::halfblocks(); // 10 × 20 pixel cells
        let ctx = Ctx {
            theme: Theme::new(true),
            now: chrono::Utc::now(),
            offset: chrono::FixedOffset::east_opt(0).unwrap(),
            connected: true,
            offline_reason: None,
            picker: &picker,
        };
        let mut s = Screenshots::default();
        let id = Uuid::from_u128(1);
        s.request(id);
        s.arrived(id, Ok(image(1600, 8000)));
        let mut term = Terminal::new(TestBackend::new(40, 10)).unwrap();
        let mut total = 0;
        term.draw(|f| total = s.draw(f, f.area(), &ctx, id, 0))
            .unwrap();
        // 1600 px into 40 columns of 10 px: 400 × 2000, 100 rows.
        assert_eq!(total, 100);
        let first = Arc::clone(&s.scaled.borrow()[0].page);
        assert_eq!((first.width(), first.height()), (400, 2000));
        term.draw(|f| {
            s.draw(f, f.area(), &ctx, id, 50);
        })
        .unwrap();
        let again = Arc::clone(&s.scaled.borrow()[0].page);
        assert!(Arc::ptr_eq(&first, &again), "scaled once");
        let key = s.rendered.borrow().as_ref().unwrap().key;
        assert_eq!((key.2, key.3), (1000, 200), "the band at row 50");
    }

    #[test]
    fn every_protocol_draws_without_error() {
        use crate::tui::theme::Theme;
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui_image::FontSize;
        use ratatui_image::picker::ProtocolType;

        let mut s = Screenshots::default();
        let id = Uuid::from_u128(1);
        s.request(id);
        s.arrived(id, Ok(image(640, 2000)));
        for protocol in [
            ProtocolType::Halfblocks,
            ProtocolType::Sixel,
            ProtocolType::Kitty,
            ProtocolType::Iterm2,
        ] {
            #[allow(deprecated)]
            let mut picker = Picker::from_fontsize(FontSize::new(8, 16));
            picker.set_protocol_type(protocol);
            let ctx = Ctx {
                theme: Theme::new(true),
                now: chrono::Utc::now(),
                offset: chrono::FixedOffset::east_opt(0).unwrap(),
                connected: true,
                offline_reason: None,
                picker: &picker,
            };
            *s.rendered.borrow_mut() = None;
            let mut term = Terminal::new(TestBackend::new(30, 12)).unwrap();
            let mut total = 0;
            term.draw(|f| total = s.draw(f, f.area(), &ctx, id, 3))
                .unwrap();
            // 640 px into 30 columns of 8 px: 240 × 750, 47 rows.
            assert_eq!(total, 47, "{protocol:?}");
            let screen = term.backend().to_string();
            assert!(!screen.contains("Cannot draw"), "{protocol:?}: {screen}");
        }
    }

    #[test]
    fn viewport_fits_the_width_and_scrolls_down_the_page() {
        let picker = Picker::halfblocks(); // 10 × 20 pixel cells
        // 400 px wide into 40 columns: one image pixel per screen pixel.
        let page = DynamicImage::ImageRgb8(RgbImage::new(400, 1000));
        let v = Viewport::new(&page, Size::new(40, 10), &picker, 0);
        assert_eq!((v.total_rows, v.crop_y, v.crop_h), (50, 0, 200));
        let v = Viewport::new(&page, Size::new(40, 10), &picker, 5);
        assert_eq!((v.crop_y, v.crop_h), (100, 200));
        // Scrolled past the end: the last screenful.
        let v = Viewport::new(&page, Size::new(40, 10), &picker, 999);
        assert_eq!((v.crop_y, v.crop_h), (800, 200));
        assert!(!v.upscale);
        // A tiny image is blown up to the width: 8 × 6 becomes 400 × 300
        // screen pixels, 15 rows, so it scrolls too.
        let tiny = DynamicImage::ImageRgb8(RgbImage::new(8, 6));
        let v = Viewport::new(&tiny, Size::new(40, 10), &picker, 3);
        assert_eq!((v.total_rows, v.crop_y, v.crop_h), (15, 1, 4));
        assert!(v.upscale);
    }
}
