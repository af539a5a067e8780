//! The bottom line: where the UI is connected, as whom, to which daemon
//! version; or why it is not and when it tries again.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use procura_common::user::Role;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Component, Ctx, KeyHelp, Outcome};
use crate::tui::format::truncate_start;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    /// Trying now; `previous` is why the last try failed, if one did.
    Connecting { previous: Option<String> },
    Connected {
        operator: String,
        role: Role,
        daemon_version: String,
    },
    Disconnected {
        reason: String,
        retry_at: DateTime<Utc>,
    },
}

#[derive(Debug)]
pub struct StatusLine {
    /// The socket path, sanitised for display.
    socket: String,
    conn: ConnState,
}

impl StatusLine {
    pub fn new(socket: String) -> Self {
        StatusLine {
            socket,
            conn: ConnState::Connecting { previous: None },
        }
    }

    pub fn conn(&self) -> &ConnState {
        &self.conn
    }

    pub fn offline_reason(&self) -> Option<&str> {
        match &self.conn {
            ConnState::Disconnected { reason, .. }
            | ConnState::Connecting {
                previous: Some(reason),
            } => Some(reason),
            _ => None,
        }
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.conn, ConnState::Connected { .. })
    }

    /// All strings in `conn` must already be sanitised.
    pub fn set(&mut self, conn: ConnState) {
        self.conn = match (conn, &self.conn) {
            // Keep saying why we are disconnected while the retry runs.
            (ConnState::Connecting { previous: None }, ConnState::Disconnected { reason, .. }) => {
                ConnState::Connecting {
                    previous: Some(reason.clone()),
                }
            }
            (conn, _) => conn,
        };
    }

    /// The line for a `width`-cell row.
    pub fn line(&self, ctx: &Ctx<'_>, width: usize) -> Line<'static> {
        let t = ctx.theme;
        match &self.conn {
            ConnState::Connected {
                operator,
                role,
                daemon_version,
            } => {
                let tail = format!(" as {operator} ({role}) · procurad {daemon_version}");
                let head = "● connected to ";
                let room = width
                    .saturating_sub(head.chars().count() + tail.chars().count())
                    .max(16);
                Line::from(vec![
                    Span::styled(head, t.ok()),
                    Span::raw(truncate_start(&self.socket, room)),
                    Span::raw(tail),
                ])
            }
            ConnState::Disconnected { reason, retry_at } => {
                let ms = (*retry_at - ctx.now).num_milliseconds().max(0);
                let secs = (ms + 999) / 1000;
                let when = if secs == 0 {
                    "now".to_string()
                } else {
                    format!("in {secs}s")
                };
                Line::from(vec![
                    Span::styled(format!("✗ disconnected — retrying {when}: "), t.error()),
                    Span::raw(reason.clone()),
                ])
            }
            ConnState::Connecting {
                previous: Some(reason),
            } => Line::from(vec![
                Span::styled("✗ disconnected — retrying now: ", t.error()),
                Span::raw(reason.clone()),
            ]),
            ConnState::Connecting { previous: None } => Line::from(vec![
                Span::styled("… connecting to ", t.warn()),
                Span::raw(self.socket.clone()),
            ]),
        }
    }
}

impl Component for StatusLine {
    fn title(&self) -> &'static str {
        "Status line"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        frame.render_widget(self.line(ctx, usize::from(area.width)), area);
    }

    fn handle_key(&mut self, _key: KeyEvent) -> Outcome {
        Outcome::Ignored
    }

    fn keys(&self) -> &'static [KeyHelp] {
        &[]
    }
}
