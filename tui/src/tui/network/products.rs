//! The worker's side of products and screenshots: when the products of
//! the watched job are due again, and turning a screenshot reply into an
//! image.

use std::io::Cursor;
use std::time::{Duration, Instant};

use base64::Engine;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use procura_common::job::{Job, JobId, JobStatus};

/// What the jobs list last said of a job, as far as its products go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub products_found: i32,
    pub status: JobStatus,
}

impl From<&Job> for Seen {
    fn from(job: &Job) -> Self {
        Seen {
            products_found: job.products_found,
            status: job.status,
        }
    }
}

/// When to list the watched job's products again. Not on every refresh:
/// once when the job is opened (or the connection comes back), then when
/// its `products_found` changes, every `every` while it runs (prices and
/// details can change without the count moving), once more when it ends,
/// and after a failed fetch no sooner than `every`.
#[derive(Debug, Clone)]
pub struct ProductsPoll {
    job: JobId,
    every: Duration,
    /// When the last fetch started and what the job looked like then.
    last: Option<(Instant, Option<Seen>)>,
    in_flight: bool,
    failed: bool,
}

impl ProductsPoll {
    pub fn new(job: JobId, every: Duration) -> Self {
        ProductsPoll {
            job,
            every,
            last: None,
            in_flight: false,
            failed: false,
        }
    }

    pub fn job(&self) -> JobId {
        self.job
    }

    /// Forget what was fetched: the next check fetches (a new connection).
    pub fn reset(&mut self) {
        self.last = None;
        self.in_flight = false;
        self.failed = false;
    }

    /// Whether to fetch now, the job being `seen` in the latest listing
    /// (`None` when it was not in it).
    pub fn due(&self, seen: Option<Seen>, now: Instant) -> bool {
        if self.in_flight {
            return false;
        }
        let Some((at, before)) = self.last else {
            return true;
        };
        let waited = now.saturating_duration_since(at) >= self.every;
        if self.failed {
            return waited;
        }
        match (seen, before) {
            (Some(s), Some(b)) if s.products_found != b.products_found => true,
            (Some(s), Some(b)) if s.status.is_terminal() => !b.status.is_terminal(),
            (Some(s), _) if s.status.is_terminal() => before.is_none(),
            (Some(s), _) => s.status == JobStatus::Running && waited,
            // Not listed (older than the list): poll slowly unless it was
            // last seen finished.
            (None, b) => b.is_none_or(|b| !b.status.is_terminal()) && waited,
        }
    }

    /// A fetch starts now.
    pub fn started(&mut self, seen: Option<Seen>, now: Instant) {
        self.last = Some((now, seen));
        self.in_flight = true;
    }

    /// The fetch of `job` ended.
    pub fn finished(&mut self, job: JobId, ok: bool) {
        if job == self.job {
            self.in_flight = false;
            self.failed = !ok;
        }
    }
}

/// The widest a decoded screenshot is kept; wider ones are scaled down
/// (no terminal shows more).
pub const MAX_WIDTH: u32 = 1600;
/// The tallest, after scaling; the rest of a very long page is cut.
pub const MAX_HEIGHT: u32 = 12_000;

/// Decodes a base64 PNG into an RGB image at most [`MAX_WIDTH`] wide and
/// [`MAX_HEIGHT`] tall, refusing images whose decoding would take too much
/// memory. CPU-bound: call it off the async threads.
pub fn decode_screenshot(b64: &str) -> Result<DynamicImage, String> {
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| format!("the screenshot is not valid base64: {e}"))?;
    let mut reader = ImageReader::with_format(Cursor::new(png), ImageFormat::Png);
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(65_536);
    limits.max_alloc = Some(512 << 20);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| format!("the screenshot is not a PNG this can read: {e}"))?;
    let image = if image.width() > MAX_WIDTH {
        let height = (u64::from(image.height()) * u64::from(MAX_WIDTH) / u64::from(image.width()))
            .clamp(1, u64::from(u32::MAX)) as u32;
        image.resize_exact(MAX_WIDTH, height, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    let image = if image.height() > MAX_HEIGHT {
        image.crop_imm(0, 0, image.width(), MAX_HEIGHT)
    } else {
        image
    };
    Ok(DynamicImage::ImageRgb8(image.to_rgb8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: Duration = Duration::from_secs(2);

    fn seen(products_found: i32, status: JobStatus) -> Option<Seen> {
        Some(Seen {
            products_found,
            status,
        })
    }

    fn fetched(poll: &mut ProductsPoll, s: Option<Seen>, at: Instant) {
        assert!(poll.due(s, at));
        poll.started(s, at);
        poll.finished(poll.job(), true);
    }

    #[test]
    fn first_fetch_at_once_then_on_change_or_every_two_seconds_while_running() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut poll = ProductsPoll::new(JobId::nil(), EVERY);
        let running = |n| seen(n, JobStatus::Running);
        fetched(&mut poll, running(3), t0);
        // The refresh each second: nothing new, not yet two seconds.
        assert!(!poll.due(running(3), ms(1000)));
        // The count moved: at once.
        fetched(&mut poll, running(4), ms(1100));
        assert!(!poll.due(running(4), ms(2000)));
        // Two seconds on, still running: again, count or no count.
        fetched(&mut poll, running(4), ms(3100));
        // Not while a fetch is out.
        poll.started(running(4), ms(5200));
        assert!(!poll.due(running(9), ms(6000)));
        poll.finished(poll.job(), true);
        assert!(poll.due(running(9), ms(6000)));
    }

    #[test]
    fn a_finished_job_is_fetched_once_more_then_left_alone() {
        let t0 = Instant::now();
        let s = |n| t0 + Duration::from_secs(n);
        let mut poll = ProductsPoll::new(JobId::nil(), EVERY);
        fetched(&mut poll, seen(5, JobStatus::Running), t0);
        // It ends with the same count: one last look.
        fetched(&mut poll, seen(5, JobStatus::Succeeded), s(1));
        assert!(!poll.due(seen(5, JobStatus::Succeeded), s(10)));
        assert!(!poll.due(seen(5, JobStatus::Succeeded), s(100)));
        // A retry makes it run and find more.
        assert!(poll.due(seen(6, JobStatus::Running), s(101)));
        // Queued, nothing changes: no polling.
        let mut queued = ProductsPoll::new(JobId::nil(), EVERY);
        fetched(&mut queued, seen(0, JobStatus::Queued), t0);
        assert!(!queued.due(seen(0, JobStatus::Queued), s(60)));
        // Opened finished: one fetch, no more.
        let mut done = ProductsPoll::new(JobId::nil(), EVERY);
        fetched(&mut done, seen(2, JobStatus::Failed), t0);
        assert!(!done.due(seen(2, JobStatus::Failed), s(60)));
    }

    #[test]
    fn failures_wait_and_reconnects_start_over() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let done = seen(5, JobStatus::Succeeded);
        let mut poll = ProductsPoll::new(JobId::nil(), EVERY);
        poll.started(done, t0);
        poll.finished(poll.job(), false);
        assert!(!poll.due(done, ms(1000)), "not hammering a failing call");
        assert!(poll.due(done, ms(2000)), "tried again, even finished");
        // A result for a job no longer watched changes nothing.
        poll.started(done, ms(2000));
        poll.finished(JobId::from_u128(1), true);
        assert!(!poll.due(done, ms(9000)));
        poll.reset();
        assert!(poll.due(done, ms(9000)));
        // Not in the list: slow polling unless known finished.
        let mut unlisted = ProductsPoll::new(JobId::nil(), EVERY);
        fetched(&mut unlisted, None, t0);
        assert!(!unlisted.due(None, ms(1000)));
        assert!(unlisted.due(None, ms(2000)));
        fetched(&mut unlisted, done, ms(2000));
        assert!(!unlisted.due(None, ms(9000)));
    }

    fn png(w: u32, h: u32) -> String {
        let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 0, 0]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(out.into_inner())
    }

    #[test]
    fn screenshots_decode_and_big_ones_shrink() {
        let small = decode_screenshot(&png(8, 6)).unwrap();
        assert_eq!((small.width(), small.height()), (8, 6));
        let wide = decode_screenshot(&png(3200, 100)).unwrap();
        assert_eq!((wide.width(), wide.height()), (1600, 50));
        let long = decode_screenshot(&png(10, MAX_HEIGHT + 5)).unwrap();
        assert_eq!(long.height(), MAX_HEIGHT);
        let bad = decode_screenshot("not base64!").unwrap_err();
        assert!(bad.contains("base64"), "{bad}");
        let not_png = base64::engine::general_purpose::STANDARD.encode(b"GIF89a....");
        assert!(decode_screenshot(&not_png).unwrap_err().contains("PNG"));
    }
}
