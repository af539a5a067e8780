//! A job's shortlist, in three tabs: the ranked entries with their
//! reasons and then the exclusions with theirs; the cross-vendor groups
//! with each one's cheapest offer and a price chart of the selected group;
//! and a price chart of the ranked entries by vendor.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use procura_common::job::JobId;
use procura_common::rank::{ProductGroup, Shortlist, ShortlistEntry};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::{Component, Ctx, KeyHelp, Msg, Outcome, key, price_chart, shortlist_groups};
use super::{shortlist_ranked, shortlist_ranked::Ranked};
use crate::tui::format::{short_id, truncate_end};

pub const KEYS: &[KeyHelp] = &[
    key("↑↓ k j", "select an entry / group", Some(("↑↓", "select"))),
    key(
        "Tab 1 2 3",
        "ranked / groups / prices",
        Some(("Tab", "switch tab")),
    ),
    key("r", "reload the shortlist", Some(("r", "reload"))),
    key("Esc", "back", Some(("Esc", "back"))),
    key("PgUp PgDn", "page up / down", None),
    key("Home End g G", "first / last", None),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// Ranked entries, then the exclusions.
    #[default]
    Ranked,
    /// Cross-vendor groups and the selected one's prices.
    Groups,
    /// The ranked entries' cheapest price by vendor.
    Prices,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Ranked, Tab::Groups, Tab::Prices];

    fn next(self) -> Tab {
        match self {
            Tab::Ranked => Tab::Groups,
            Tab::Groups => Tab::Prices,
            Tab::Prices => Tab::Ranked,
        }
    }

    fn prev(self) -> Tab {
        self.next().next()
    }
}

#[derive(Debug, Default)]
pub struct ShortlistView {
    job: Option<JobId>,
    /// The job's request, for the title (sanitised).
    request: Option<String>,
    /// Sanitised; ranked entries in order, then the exclusions.
    list: Option<Shortlist>,
    loading: bool,
    /// Why the last fetch failed, until one succeeds.
    error: Option<String>,
    tab: Tab,
    /// Index into the entries.
    entry: usize,
    /// Index into the groups.
    group: usize,
    entry_offset: Cell<usize>,
    group_top: Cell<usize>,
    /// Rows that fit, from the last draw; paging uses it.
    page: Cell<usize>,
}

impl ShortlistView {
    pub fn job(&self) -> Option<JobId> {
        self.job
    }

    pub fn list(&self) -> Option<&Shortlist> {
        self.list.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn is_loading(&self) -> bool {
        self.loading
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn selected_entry(&self) -> Option<&ShortlistEntry> {
        self.list.as_ref()?.entries.get(self.entry)
    }

    pub fn selected_group(&self) -> Option<&ProductGroup> {
        self.list.as_ref()?.groups.get(self.group)
    }

    /// Shows job `id`'s shortlist (fetched anew); another job's is dropped.
    pub fn open(&mut self, id: JobId, request: Option<String>) {
        if self.job != Some(id) {
            *self = ShortlistView {
                tab: self.tab,
                ..ShortlistView::default()
            };
            self.job = Some(id);
        }
        self.request = request;
        self.loading = true;
    }

    /// A fetch starts again.
    pub fn reload(&mut self) {
        self.loading = true;
    }

    /// The shortlist of `job` (sanitised), or why it could not be
    /// fetched; ignored when another job is shown.
    pub fn set(&mut self, job: JobId, result: Result<Shortlist, String>) {
        if self.job != Some(job) {
            return;
        }
        self.loading = false;
        match result {
            Ok(mut list) => {
                // Ranked in order first, then the exclusions, whatever the
                // order on the wire.
                list.entries
                    .sort_by_key(|e| (e.excluded, e.position.unwrap_or(u32::MAX)));
                self.entry = self.entry.min(list.entries.len().saturating_sub(1));
                self.group = self.group.min(list.groups.len().saturating_sub(1));
                self.list = Some(list);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn move_by(&mut self, delta: isize) {
        let Some(list) = &self.list else {
            return;
        };
        let (at, len) = match self.tab {
            Tab::Ranked => (&mut self.entry, list.entries.len()),
            Tab::Groups => (&mut self.group, list.groups.len()),
            Tab::Prices => return,
        };
        *at = at.saturating_add_signed(delta).min(len.saturating_sub(1));
    }

    fn tab_bar(&self, ctx: &Ctx<'_>) -> Line<'static> {
        let t = ctx.theme;
        let (entries, groups) = self.list.as_ref().map_or((None, None), |l| {
            let ranked = l.entries.iter().filter(|e| !e.excluded).count();
            (
                Some(format!("{ranked} + {} excluded", l.entries.len() - ranked)),
                Some(l.groups.len().to_string()),
            )
        });
        let mut spans = Vec::new();
        for (i, tab) in Tab::ALL.into_iter().enumerate() {
            let (name, count) = match tab {
                Tab::Ranked => ("Ranked", entries.clone()),
                Tab::Groups => ("Groups", groups.clone()),
                Tab::Prices => ("Prices", None),
            };
            let label = match count {
                Some(c) => format!(" {} {name} ({c}) ", i + 1),
                None => format!(" {} {name} ", i + 1),
            };
            if i > 0 {
                spans.push(Span::styled("│", t.dim()));
            }
            if tab == self.tab {
                spans.push(Span::styled(label, t.focus().patch(t.selected())));
            } else {
                spans.push(Span::raw(label));
            }
        }
        Line::from(spans)
    }

    /// What to say instead of the tab's content, if anything.
    fn placeholder(&self, ctx: &Ctx<'_>) -> Option<Line<'static>> {
        let t = ctx.theme;
        let Some(list) = &self.list else {
            return Some(match &self.error {
                Some(e) => Line::styled(
                    format!("Could not load the shortlist: {e}. r tries again."),
                    t.error(),
                ),
                None => Line::styled("Loading the shortlist…", t.dim()),
            });
        };
        if list.entries.is_empty() {
            return Some(Line::styled(
                "No shortlist yet: the job ranks its products once it has found them.",
                t.dim(),
            ));
        }
        (self.tab == Tab::Groups && list.groups.is_empty()).then(|| {
            Line::styled(
                "No item here is sold by more than one vendor: there are no groups.",
                t.dim(),
            )
        })
    }
}

impl Component for ShortlistView {
    fn title(&self) -> &'static str {
        "Shortlist"
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &Ctx<'_>) {
        let Some(id) = self.job else {
            return;
        };
        let t = ctx.theme;
        let mut title = vec![
            Span::styled(" Shortlist ", t.title()),
            Span::raw(format!("· job {} ", short_id(id))),
        ];
        if let Some(r) = &self.request {
            let room = usize::from(area.width).saturating_sub(30);
            title.push(Span::styled(
                format!("· {} ", truncate_end(r, room)),
                t.dim(),
            ));
        }
        let mut block = Block::bordered().title(Line::from(title));
        if self.loading && self.list.is_some() {
            block = block.title(Line::styled(" reloading… ", t.warn()).right_aligned());
        }
        if let (Some(e), Some(_)) = (&self.error, &self.list) {
            let e = truncate_end(e, usize::from(area.width / 2));
            block = block.title_bottom(Line::styled(format!(" {e} "), t.error()).right_aligned());
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [bar, _, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        frame.render_widget(self.tab_bar(ctx), bar);
        if let Some(line) = self.placeholder(ctx) {
            let text = body.inner(Margin::new(1, 0));
            frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), text);
            return;
        }
        let Some(list) = &self.list else {
            return;
        };
        match self.tab {
            Tab::Ranked => {
                let view = Ranked {
                    entries: &list.entries,
                    selected: self.entry,
                    offset: &self.entry_offset,
                    page: &self.page,
                };
                shortlist_ranked::draw(frame, body, ctx, &view);
            }
            Tab::Groups => {
                shortlist_groups::draw(
                    frame,
                    body,
                    ctx,
                    list,
                    self.group,
                    &self.group_top,
                    &self.page,
                );
            }
            Tab::Prices => {
                let bars =
                    price_chart::cheapest_per_vendor(list.entries.iter().filter(|e| !e.excluded));
                price_chart::draw_with_offers(frame, body, ctx, &bars, "Ranked offers by vendor");
            }
        }
    }

    fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let Some(id) = self.job else {
            return Outcome::Ignored;
        };
        let page = self.page.get().max(1) as isize;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX),
            KeyCode::Tab => self.tab = self.tab.next(),
            KeyCode::BackTab => self.tab = self.tab.prev(),
            KeyCode::Char('1') => self.tab = Tab::Ranked,
            KeyCode::Char('2') => self.tab = Tab::Groups,
            KeyCode::Char('3') => self.tab = Tab::Prices,
            KeyCode::Char('r') => {
                self.reload();
                return Outcome::Msg(Msg::ReloadShortlist(id));
            }
            KeyCode::Esc | KeyCode::Backspace => return Outcome::Msg(Msg::Back),
            _ => return Outcome::Ignored,
        }
        Outcome::Consumed
    }

    fn keys(&self) -> &'static [KeyHelp] {
        KEYS
    }
}
