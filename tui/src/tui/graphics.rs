//! What graphics the terminal can draw, for the product screenshots: the
//! kitty, sixel or iTerm2 protocol, else half-blocks, and the size of a
//! cell in pixels.
//!
//! The terminal is asked with ratatui-image's query (kitty graphics query,
//! device attributes, cell size, ended by a device status report that every
//! terminal answers), but the answers are read here, with `poll` and a
//! deadline. ratatui-image's own `Picker::from_query_stdio` reads them on a
//! thread that it leaves blocked on stdin when the terminal never answers
//! (tmux without an outer terminal, some SSH set-ups): that thread then
//! swallows the first keys typed, or crossterm's own cursor position report
//! (the UI failed to start with "the cursor position could not be read").

use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use ratatui_image::FontSize;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};

/// How long the terminal has to answer.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(1);

/// The environment variable that overrides the query.
pub const ENV: &str = "PROCURA_TUI_IMAGES";

/// What `PROCURA_TUI_IMAGES` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Ask the terminal (unset, empty, `auto`, anything unknown).
    Auto,
    /// `halfblocks`: do not ask, draw in half-blocks.
    Halfblocks,
    /// `kitty`, `sixel`, `iterm2`: use it without asking.
    Force(ProtocolType),
}

impl Choice {
    pub fn parse(value: Option<&str>) -> Choice {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("halfblocks" | "half-blocks" | "blocks") => Choice::Halfblocks,
            Some("kitty") => Choice::Force(ProtocolType::Kitty),
            Some("sixel") => Choice::Force(ProtocolType::Sixel),
            Some("iterm2" | "iterm") => Choice::Force(ProtocolType::Iterm2),
            _ => Choice::Auto,
        }
    }
}

/// What the terminal said.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answer {
    pub protocol: Option<ProtocolType>,
    pub font: Option<(u16, u16)>,
    /// It answered the final status report: the answers are complete.
    pub complete: bool,
}

impl Answer {
    /// Folds in one parsed response; true once the final one is in.
    pub fn take(&mut self, response: Response) -> bool {
        match response {
            Response::Kitty => self.protocol = Some(ProtocolType::Kitty),
            Response::Sixel if self.protocol.is_none() => {
                self.protocol = Some(ProtocolType::Sixel);
            }
            Response::CellSize(Some((w, h))) if w > 0 && h > 0 => self.font = Some((w, h)),
            Response::Status => self.complete = true,
            _ => {}
        }
        self.complete
    }
}

/// The picker for this terminal: asks it (in raw mode, before anything
/// reads terminal events) unless `PROCURA_TUI_IMAGES` says otherwise.
/// Half-blocks whenever the cell size cannot be learnt, since no other
/// protocol draws right without it.
pub fn detect() -> Picker {
    let choice = Choice::parse(std::env::var(ENV).ok().as_deref());
    if choice == Choice::Halfblocks {
        return Picker::halfblocks();
    }
    // `from_fontsize` is the only constructor that takes a cell size; it
    // also reads the environment: tmux (turning its passthrough on) and
    // terminals known to speak iTerm2's protocol.
    #[allow(deprecated)]
    let base = Picker::from_fontsize(FontSize::new(10, 20));
    let answer = match choice {
        Choice::Auto => query(base.tmux_detected(), QUERY_TIMEOUT).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "asking the terminal about graphics failed");
            Answer::default()
        }),
        _ => Answer::default(),
    };
    tracing::info!(?answer, "terminal graphics");
    let Some((w, h)) = answer.font.or_else(font_from_window_size) else {
        return Picker::halfblocks();
    };
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(FontSize::new(w, h));
    let protocol = match choice {
        Choice::Force(p) => p,
        _ => answer.protocol.unwrap_or(base.protocol_type()),
    };
    picker.set_protocol_type(protocol);
    picker
}

/// The cell size from the window's size in pixels, where the terminal
/// reports it.
fn font_from_window_size() -> Option<(u16, u16)> {
    let size = crossterm::terminal::window_size().ok()?;
    if size.columns == 0 || size.rows == 0 || size.width == 0 || size.height == 0 {
        return None;
    }
    Some((size.width / size.columns, size.height / size.rows))
}

/// Writes the query and reads the answers until the final status report
/// or `timeout`, whichever comes first; what arrived by then counts.
fn query(is_tmux: bool, timeout: Duration) -> io::Result<Answer> {
    let mut options = QueryStdioOptions::default();
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if env_set("WEZTERM_EXECUTABLE") || env_set("KONSOLE_VERSION") {
        // As ratatui-image does: their kitty and sixel support is partial.
        options.blacklist_protocols = vec![ProtocolType::Kitty, ProtocolType::Sixel];
    }
    let mut out = io::stdout().lock();
    out.write_all(Parser::query(is_tmux, options).as_bytes())?;
    out.flush()?;
    drop(out);

    let stdin = io::stdin();
    let fd = stdin.as_raw_fd();
    let deadline = Instant::now() + timeout;
    let mut parser = Parser::new();
    let mut answer = Answer::default();
    let mut buf = [0u8; 256];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            tracing::debug!(?answer, "the terminal did not finish answering in time");
            return Ok(answer);
        }
        if !readable(fd, left)? {
            continue;
        }
        // Straight from the descriptor: std's buffered stdin would keep
        // whatever follows the answers (keys) from crossterm.
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(answer);
        }
        for &b in &buf[..n as usize] {
            for response in parser.push(char::from(b)) {
                if answer.take(response) {
                    return Ok(answer);
                }
            }
        }
    }
}

/// Waits up to `timeout` for `fd` to have input.
fn readable(fd: i32, timeout: Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = i32::try_from(timeout.as_millis().max(1)).unwrap_or(i32::MAX);
    // SAFETY: one valid pollfd.
    let r = unsafe { libc::poll(&mut pfd, 1, ms) };
    match r {
        0 => Ok(false),
        r if r > 0 => Ok(true),
        _ => {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_can_skip_or_force() {
        assert_eq!(Choice::parse(None), Choice::Auto);
        assert_eq!(Choice::parse(Some("")), Choice::Auto);
        assert_eq!(Choice::parse(Some("auto")), Choice::Auto);
        assert_eq!(Choice::parse(Some(" HalfBlocks ")), Choice::Halfblocks);
        assert_eq!(
            Choice::parse(Some("kitty")),
            Choice::Force(ProtocolType::Kitty)
        );
        assert_eq!(
            Choice::parse(Some("iTerm2")),
            Choice::Force(ProtocolType::Iterm2)
        );
        assert_eq!(Choice::parse(Some("bogus")), Choice::Auto);
    }

    fn answers(bytes: &[u8]) -> Answer {
        let mut parser = Parser::new();
        let mut answer = Answer::default();
        for &b in bytes {
            for r in parser.push(char::from(b)) {
                if answer.take(r) {
                    return answer;
                }
            }
        }
        answer
    }

    #[test]
    fn answers_are_read_until_the_status_report() {
        // kitty: graphics OK, device attributes with sixel (4), cell size
        // 9 × 18, then the status report.
        let kitty = answers(b"\x1b_Gi=31;OK\x1b\\\x1b[?62;4;22c\x1b[6;18;9t\x1b[0n");
        assert_eq!(
            kitty,
            Answer {
                protocol: Some(ProtocolType::Kitty),
                font: Some((9, 18)),
                complete: true,
            }
        );
        // xterm with sixel, no cell size.
        let xterm = answers(b"\x1b[?63;4c\x1b[0n");
        assert_eq!(xterm.protocol, Some(ProtocolType::Sixel));
        assert_eq!(xterm.font, None);
        assert!(xterm.complete);
        // A plain terminal: only the status report.
        let plain = answers(b"\x1b[?1;2c\x1b[0n");
        assert_eq!(plain.protocol, None);
        assert!(plain.complete);
        // Cut short: what came counts, incomplete.
        assert!(!answers(b"\x1b[?63;4c").complete);
    }
}
