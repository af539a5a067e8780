//! Styles, with or without colour.
//!
//! When `NO_COLOR` is set to a non-empty value (<https://no-color.org>) no
//! style carries a colour: emphasis is left to modifiers (bold, reversed,
//! dim), which every terminal shows without colour support.

use procura_common::job::JobStatus;
use procura_common::log::LogLevel;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

/// True when the `NO_COLOR` value asks for no colour: set and not empty.
pub fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    /// Colour unless the environment's `NO_COLOR` says otherwise.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR");
        Theme::new(!no_color_requested(no_color.as_deref()))
    }

    pub fn has_color(self) -> bool {
        self.color
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The top bar.
    pub fn bar(self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The highlighted row of a list.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Labels and other secondary text.
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// A key name in the hints bar and the help overlay.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The field or pane that has the focus.
    pub fn focus(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// The text cursor of an input field.
    pub fn cursor(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn status(self, status: JobStatus) -> Style {
        match status {
            JobStatus::Queued => self.fg(Color::Yellow),
            JobStatus::Running => self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            JobStatus::Succeeded => self.fg(Color::Green),
            JobStatus::Failed => self.error(),
            JobStatus::Cancelled => self.dim(),
        }
    }

    pub fn level(self, level: LogLevel) -> Style {
        match level {
            LogLevel::Debug => self.dim(),
            LogLevel::Info => self.fg(Color::Green),
            LogLevel::Warn => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            LogLevel::Error => self.error(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_needs_a_non_empty_value() {
        assert!(!no_color_requested(None));
        assert!(!no_color_requested(Some(OsStr::new(""))));
        assert!(no_color_requested(Some(OsStr::new("1"))));
        assert!(no_color_requested(Some(OsStr::new("0"))));
    }

    #[test]
    fn without_color_no_style_has_a_color() {
        let t = Theme::new(false);
        let mut styles = vec![
            t.bar(),
            t.selected(),
            t.title(),
            t.dim(),
            t.key(),
            t.focus(),
            t.error(),
            t.ok(),
            t.warn(),
            t.cursor(),
        ];
        styles.extend(JobStatus::ALL.map(|s| t.status(s)));
        styles.extend(LogLevel::ALL.map(|l| t.level(l)));
        for s in styles {
            assert_eq!(s.fg, None, "{s:?}");
            assert_eq!(s.bg, None, "{s:?}");
        }
    }
}
