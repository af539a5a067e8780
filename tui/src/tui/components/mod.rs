//! The pieces of the screen. Each one keeps its own state, draws itself into
//! the area it is given and handles the keys that reach it.

pub mod approvals_view;
pub mod counter_form;
pub mod draft_form;
pub mod draft_view;
pub mod find_table;
pub mod find_view;
pub mod help;
pub mod job_view;
pub mod jobs_list;
pub mod line_input;
pub mod log_buffer;
pub mod log_pane;
pub mod negotiations_view;
pub mod outbox_view;
pub mod price_chart;
pub mod product_order;
pub mod product_popup;
pub mod products_table;
pub mod screenshot;
pub mod search_form;
pub mod shortlist_groups;
pub mod shortlist_ranked;
pub mod shortlist_view;
pub mod status_line;
pub mod text_editor;
pub mod thread_view;
pub mod usage_view;

#[cfg(test)]
mod products_table_tests;

use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::KeyEvent;
use procura_common::job::{JobId, SubmitSearch};
use procura_common::negotiation::{Approval, DraftEdit, OfferDecision, OutboundAction};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui_image::picker::Picker;
use uuid::Uuid;

use super::msg::Export;
use super::theme::Theme;
use crate::query::FindQuery;

/// What a component needs to know about the world to draw itself.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub theme: Theme,
    /// "Now" for ages and countdowns; the clock in the app, fixed in tests.
    pub now: DateTime<Utc>,
    /// The offset log timestamps are shown in (the local one at start-up).
    pub offset: FixedOffset,
    pub connected: bool,
    /// Why the UI is not connected, when it is not and knows why.
    pub offline_reason: Option<&'a str>,
    /// How images are drawn: the terminal's graphics protocol and font size
    /// (half-blocks with a fixed font in tests).
    pub picker: &'a Picker,
}

/// A key and what it does, for the help overlay and the hints bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static str,
    pub desc: &'static str,
    /// The short form (keys, label) shown in the hints bar, if the key is
    /// shown there.
    pub hint: Option<(&'static str, &'static str)>,
}

pub const fn key(
    keys: &'static str,
    desc: &'static str,
    hint: Option<(&'static str, &'static str)>,
) -> KeyHelp {
    KeyHelp { keys, desc, hint }
}

/// What a component asks the app to do on its behalf.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    OpenJob(JobId),
    OpenForm,
    Back,
    Submit(SubmitSearch),
    Cancel(JobId),
    Retry(JobId),
    /// The screenshot of this product is wanted and not here yet.
    FetchScreenshot(Uuid),
    OpenFind,
    /// Run this query (its job scope still to resolve).
    Find(Box<FindQuery>),
    /// Show this job's shortlist, fetching it.
    OpenShortlist(JobId),
    /// Fetch the shortlist shown again.
    ReloadShortlist(JobId),
    /// Show the organization's model usage, fetching it.
    OpenUsage,
    /// Fetch the usage shown again.
    ReloadUsage,
    /// Show the drafts waiting for approval, keeping them fresh.
    OpenApprovals,
    /// Send this edit of a draft.
    SaveDraft(DraftEdit),
    /// Open this draft (sanitised) in the operator's editor.
    EditInEditor(Box<Approval>),
    Approve(Uuid),
    Reject {
        id: Uuid,
        reason: String,
    },
    /// Show the negotiations (this job's, or all), keeping them fresh.
    OpenNegotiations(Option<JobId>),
    DecideOffer {
        negotiation: Uuid,
        decision: OfferDecision,
    },
    /// Write a purchase order's PDF to a file.
    ExportOrder(Box<Export>),
    /// Show the approved email and its delivery, keeping it fresh.
    OpenOutbox,
    ResolveOutbound {
        id: Uuid,
        action: OutboundAction,
    },
    /// Say this in place of the key hints until the next key.
    Notice {
        text: String,
        error: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Not a key for this component; the app may use it.
    Ignored,
    /// Used; nothing else to do.
    Consumed,
    /// Used, and the app has something to do.
    Msg(Msg),
}

pub trait Component {
    /// The heading of this component's section in the help overlay.
    fn title(&self) -> &'static str;
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>);
    fn handle_key(&mut self, key: KeyEvent) -> Outcome;
    /// Every key this component understands.
    fn keys(&self) -> &'static [KeyHelp];
}

/// The hints of `keys` as one line, `key desc` pairs two spaces apart,
/// keeping only as many as fit in `width` cells.
pub fn hints_line(keys: &[KeyHelp], theme: Theme, width: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for k in keys {
        let Some((keys, hint)) = k.hint else { continue };
        let gap = if spans.is_empty() { 0 } else { 2 };
        let len = gap + keys.chars().count() + 1 + hint.chars().count();
        if used + len > width {
            break;
        }
        if gap > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {hint}")));
        used += len;
    }
    Line::from(spans)
}

/// Draws a list table with the selection marker, starting at `offset` and
/// keeping where ratatui scrolled it to for the next frame.
pub(super) fn render_list_table(
    frame: &mut ratatui::Frame<'_>,
    area: ratatui::layout::Rect,
    table: ratatui::widgets::Table<'_>,
    theme: crate::tui::theme::Theme,
    selected: Option<usize>,
    offset: &std::cell::Cell<usize>,
) {
    let table = table
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("› ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = ratatui::widgets::TableState::default()
        .with_offset(offset.get())
        .with_selected(selected);
    frame.render_stateful_widget(table, area, &mut state);
    offset.set(state.offset());
}
