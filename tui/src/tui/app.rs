//! The whole UI state. Pure: keys and updates go in, actions come out, and
//! `draw` renders into any ratatui frame. Nothing here touches the terminal
//! or the network.

mod approvals;
mod draw;
mod negotiations;
mod outbox;
mod rank;
mod usage;

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use procura_common::api::DaemonStatus;
use procura_common::job::{Job, JobId, JobStatus};
use ratatui_image::picker::Picker;

use super::components::approvals_view::{ApprovalsView, LIST_KEYS, OPEN_KEYS};
use super::components::find_view::{self, FindView};
use super::components::help::{GLOBAL_KEYS, Help, Section};
use super::components::job_view::JobView;
use super::components::jobs_list::{self, JobsList};
use super::components::negotiations_view::{self, NegotiationsView};
use super::components::outbox_view::OutboxView;
use super::components::search_form::SearchForm;
use super::components::shortlist_view::ShortlistView;
use super::components::status_line::{ConnState, StatusLine};
use super::components::usage_view::UsageView;
use super::components::{Component, Ctx, Msg, Outcome};
use super::components::{counter_form, draft_form};
use super::format::short_id;
use super::msg::{Action, ActionKind, Update};
use super::sanitize::{sanitize, sanitize_job, sanitize_product};
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Jobs,
    NewSearch,
    Job,
    /// Find products the organization has seen.
    Find,
    /// A job's shortlist, over the screen it was opened from.
    Shortlist,
    /// The organization's model usage and budget.
    Usage,
    /// The drafts waiting for approval, across all jobs.
    Approvals,
    /// The negotiations with vendors (one job's or all), their threads,
    /// offers and purchase orders.
    Negotiations,
    /// Approved email and its delivery.
    Outbox,
}

/// A one-line message in place of the key hints, until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

#[derive(Debug)]
pub struct App {
    theme: Theme,
    now: DateTime<Utc>,
    offset: FixedOffset,
    screen: Screen,
    jobs: JobsList,
    form: SearchForm,
    job_view: JobView,
    find: FindView,
    shortlist: ShortlistView,
    usage: UsageView,
    approvals: ApprovalsView,
    negotiations: NegotiationsView,
    outbox: OutboxView,
    /// Where Esc goes from the shortlist and the negotiations: the job
    /// view or the jobs list.
    shortlist_from: Screen,
    negotiations_from: Screen,
    status: StatusLine,
    help: Help,
    daemon: Option<DaemonStatus>,
    notice: Option<Notice>,
    picker: Picker,
}

impl App {
    /// `now` is the time ages are counted from until the next [`tick`];
    /// `offset` is the zone log times are shown in. Images are drawn in
    /// half-blocks until [`set_picker`] says what the terminal can do.
    ///
    /// [`tick`]: App::tick
    /// [`set_picker`]: App::set_picker
    pub fn new(socket: &Path, theme: Theme, now: DateTime<Utc>, offset: FixedOffset) -> Self {
        App {
            theme,
            now,
            offset,
            screen: Screen::Jobs,
            jobs: JobsList::default(),
            form: SearchForm::default(),
            job_view: JobView::default(),
            find: FindView::default(),
            shortlist: ShortlistView::default(),
            usage: UsageView::default(),
            approvals: ApprovalsView::default(),
            negotiations: NegotiationsView::default(),
            outbox: OutboxView::default(),
            shortlist_from: Screen::Jobs,
            negotiations_from: Screen::Jobs,
            status: StatusLine::new(sanitize(&socket.display().to_string())),
            help: Help::default(),
            daemon: None,
            notice: None,
            picker: Picker::halfblocks(),
        }
    }

    /// How images are drawn from now on: the graphics protocol and font
    /// size found by querying the terminal.
    pub fn set_picker(&mut self, picker: Picker) {
        self.picker = picker;
    }

    pub fn picker(&self) -> &Picker {
        &self.picker
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn jobs(&self) -> &JobsList {
        &self.jobs
    }

    pub fn form(&self) -> &SearchForm {
        &self.form
    }

    pub fn job_view(&self) -> &JobView {
        &self.job_view
    }

    pub fn find(&self) -> &FindView {
        &self.find
    }

    pub fn shortlist(&self) -> &ShortlistView {
        &self.shortlist
    }

    pub fn usage(&self) -> &UsageView {
        &self.usage
    }

    pub fn approvals(&self) -> &ApprovalsView {
        &self.approvals
    }

    pub fn negotiations(&self) -> &NegotiationsView {
        &self.negotiations
    }

    pub fn outbox(&self) -> &OutboxView {
        &self.outbox
    }

    pub fn conn(&self) -> &ConnState {
        self.status.conn()
    }

    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    pub fn help_visible(&self) -> bool {
        self.help.is_visible()
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            theme: self.theme,
            now: self.now,
            offset: self.offset,
            connected: self.status.is_connected(),
            offline_reason: self.status.offline_reason(),
            picker: &self.picker,
        }
    }

    /// The help overlay's columns for the screen shown.
    fn help_sections(&self) -> (Vec<Section>, Vec<Section>) {
        let everywhere = ("Everywhere", GLOBAL_KEYS);
        let form = (self.form.title(), self.form.keys());
        match self.screen {
            Screen::Jobs => (
                vec![everywhere, (self.jobs.title(), self.jobs.keys())],
                vec![form, ("Other screens", jobs_list::SCREEN_KEYS)],
            ),
            Screen::NewSearch => (vec![everywhere], vec![form]),
            Screen::Job => {
                let [job, log, products, details] = JobView::help_sections();
                (vec![everywhere, job, details], vec![log, products])
            }
            Screen::Find => (
                vec![everywhere, (self.find.title(), self.find.keys())],
                vec![("Find query", find_view::SYNTAX)],
            ),
            Screen::Shortlist => (
                vec![everywhere],
                vec![(self.shortlist.title(), self.shortlist.keys())],
            ),
            Screen::Usage => (
                vec![everywhere],
                vec![(self.usage.title(), self.usage.keys())],
            ),
            Screen::Approvals => (
                vec![everywhere, (self.approvals.title(), LIST_KEYS)],
                vec![
                    ("Open draft", OPEN_KEYS),
                    ("Editing a draft", draft_form::KEYS),
                ],
            ),
            Screen::Negotiations => (
                vec![everywhere, ("Negotiations", negotiations_view::LIST_KEYS)],
                vec![
                    ("Open thread", negotiations_view::THREAD_KEYS),
                    ("Counter-offer", counter_form::KEYS),
                ],
            ),
            Screen::Outbox => (
                vec![everywhere],
                vec![(self.outbox.title(), self.outbox.keys())],
            ),
        }
    }

    fn toggle_help(&mut self) {
        if self.help.is_visible() {
            self.help.close();
        } else {
            let (left, right) = self.help_sections();
            self.help.open(left, right);
        }
    }

    /// Moves the clock; true when the screen needs redrawing (ages and the
    /// retry countdown change once a second).
    pub fn tick(&mut self, now: DateTime<Utc>) -> bool {
        let changed = now.timestamp() != self.now.timestamp();
        self.now = now;
        changed
    }

    fn say(&mut self, text: String, error: bool) {
        self.notice = Some(Notice { text, error });
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Action> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        self.notice = None;
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return vec![Action::Quit];
        }
        if self.help.is_visible() {
            self.help.handle_key(key);
            return Vec::new();
        }
        if key.code == KeyCode::F(1) {
            self.toggle_help();
            return Vec::new();
        }
        let outcome = match self.screen {
            Screen::Jobs => self.jobs.handle_key(key),
            Screen::NewSearch => self.form.handle_key(key),
            Screen::Job => self.job_view.handle_key(key),
            Screen::Find => self.find.handle_key(key),
            Screen::Shortlist => self.shortlist.handle_key(key),
            Screen::Usage => self.usage.handle_key(key),
            Screen::Approvals => self.approvals.handle_key(key),
            Screen::Negotiations => self.negotiations.handle_key(key),
            Screen::Outbox => self.outbox.handle_key(key),
        };
        match outcome {
            Outcome::Msg(msg) => self.process(msg),
            Outcome::Consumed => Vec::new(),
            Outcome::Ignored => match key.code {
                KeyCode::Char('?') => {
                    self.toggle_help();
                    Vec::new()
                }
                KeyCode::Char('q') => vec![Action::Quit],
                KeyCode::Esc => self.process(Msg::Back),
                _ => Vec::new(),
            },
        }
    }

    /// Bracketed paste: text for the form, the find query or the products
    /// filter being typed; ignored elsewhere.
    pub fn handle_paste(&mut self, text: &str) -> Vec<Action> {
        if self.help.is_visible() {
            return Vec::new();
        }
        match self.screen {
            Screen::NewSearch => self.form.paste(text),
            Screen::Job => self.job_view.paste(text),
            Screen::Find => self.find.paste(text),
            Screen::Approvals => self.approvals.paste(text),
            Screen::Negotiations => self.negotiations.paste(text),
            Screen::Jobs | Screen::Shortlist | Screen::Usage | Screen::Outbox => {}
        }
        Vec::new()
    }

    fn known_status(&self, id: JobId) -> Option<JobStatus> {
        self.job_view
            .job()
            .filter(|j| j.id == id)
            .or_else(|| self.jobs.get(id))
            .map(|j| j.status)
    }

    fn open_job(&mut self, id: JobId) -> Vec<Action> {
        self.screen = Screen::Job;
        self.jobs.select(id);
        self.job_view.open(id, self.jobs.get(id).cloned());
        vec![Action::Watch {
            job: id,
            after_seq: self.job_view.last_seq(id),
        }]
    }

    fn process(&mut self, msg: Msg) -> Vec<Action> {
        match msg {
            Msg::OpenJob(id) => self.open_job(id),
            Msg::OpenForm => {
                self.screen = Screen::NewSearch;
                Vec::new()
            }
            Msg::Back => {
                let was = self.screen;
                self.screen = match was {
                    Screen::Shortlist => self.shortlist_from,
                    Screen::Negotiations => self.negotiations_from,
                    _ => Screen::Jobs,
                };
                match was {
                    Screen::Job => vec![Action::Unwatch],
                    Screen::Approvals => vec![Action::UnwatchApprovals],
                    Screen::Negotiations => vec![Action::UnwatchNegotiations],
                    Screen::Outbox => vec![Action::UnwatchOutbox],
                    _ => Vec::new(),
                }
            }
            Msg::OpenFind => {
                self.screen = Screen::Find;
                Vec::new()
            }
            Msg::Find(query) => self.run_find(*query),
            Msg::OpenShortlist(id) => self.open_shortlist(id),
            Msg::ReloadShortlist(id) => vec![Action::Shortlist(id)],
            Msg::OpenUsage => self.open_usage(),
            Msg::ReloadUsage => vec![Action::Usage(Default::default())],
            Msg::OpenApprovals => self.open_approvals(),
            msg @ (Msg::SaveDraft(_)
            | Msg::EditInEditor(_)
            | Msg::Approve(_)
            | Msg::Reject { .. }) => self.draft_msg(msg),
            Msg::OpenNegotiations(job) => self.open_negotiations(job),
            Msg::OpenOutbox => self.open_outbox(),
            msg @ (Msg::DecideOffer { .. } | Msg::ExportOrder(_) | Msg::ResolveOutbound { .. }) => {
                self.deal_msg(msg)
            }
            Msg::Notice { text, error } => {
                self.say(text, error);
                Vec::new()
            }
            Msg::Submit(search) => vec![Action::Submit(search)],
            Msg::FetchScreenshot(id) => vec![Action::Screenshot(id)],
            Msg::Cancel(id) => match self.known_status(id) {
                Some(st) if st.is_terminal() => {
                    self.say(
                        format!("Job {} has already {st}; nothing to cancel.", short_id(id)),
                        true,
                    );
                    Vec::new()
                }
                _ => {
                    self.say(format!("Cancelling job {}…", short_id(id)), false);
                    vec![Action::Cancel(id)]
                }
            },
            Msg::Retry(id) => match self.known_status(id) {
                Some(st @ (JobStatus::Queued | JobStatus::Running | JobStatus::Succeeded)) => {
                    self.say(
                        format!(
                            "Only failed or cancelled jobs can be retried; job {} is {st}.",
                            short_id(id)
                        ),
                        true,
                    );
                    Vec::new()
                }
                _ => {
                    self.say(format!("Retrying job {}…", short_id(id)), false);
                    vec![Action::Retry(id)]
                }
            },
        }
    }

    fn upsert(&mut self, job: Job) {
        let job = sanitize_job(job);
        self.job_view.update_job(&job);
        self.jobs.upsert(job);
    }

    /// Folds in what the network worker learnt. Returns actions it leads
    /// to (opening a job just submitted watches it).
    pub fn apply(&mut self, update: Update) -> Vec<Action> {
        match update {
            Update::Connecting => self.status.set(ConnState::Connecting { previous: None }),
            Update::Connected(w) => self.status.set(ConnState::Connected {
                operator: sanitize(&w.operator.name),
                role: w.operator.role,
                daemon_version: sanitize(&w.daemon_version),
            }),
            Update::Disconnected { reason, retry_at } => {
                self.status.set(ConnState::Disconnected {
                    reason: sanitize(&reason),
                    retry_at,
                });
            }
            Update::Jobs(list) => {
                let list: Vec<Job> = list.into_iter().map(sanitize_job).collect();
                if let Some(job) = self
                    .job_view
                    .job_id()
                    .and_then(|id| list.iter().find(|j| j.id == id))
                {
                    self.job_view.update_job(job);
                }
                self.jobs.set_jobs(list);
            }
            Update::Status(st) => self.daemon = Some(*st),
            Update::JobChanged(job) => self.upsert(*job),
            Update::Log {
                job,
                entries,
                status,
            } => {
                self.job_view.ingest(job, entries);
                self.job_view.update_status(job, status);
            }
            Update::ActionDone { kind, job } => {
                let id = job.id;
                let status = job.status;
                self.upsert(*job);
                match kind {
                    ActionKind::Submit => {
                        self.form.clear();
                        if self.screen == Screen::NewSearch {
                            return self.open_job(id);
                        }
                        self.say(format!("Submitted job {}.", short_id(id)), false);
                    }
                    ActionKind::Cancel if status == JobStatus::Cancelled => {
                        self.say(format!("Job {} cancelled.", short_id(id)), false);
                    }
                    ActionKind::Cancel => self.say(
                        format!(
                            "Cancel requested: job {} stops at its next step.",
                            short_id(id)
                        ),
                        false,
                    ),
                    ActionKind::Retry => {
                        self.say(format!("Job {} queued again.", short_id(id)), false);
                    }
                }
            }
            Update::ActionFailed { kind, job, error } => {
                let error = sanitize(&error);
                if kind == ActionKind::Submit {
                    self.form.failed(error.clone());
                }
                let what = match job {
                    Some(id) => format!("Could not {} job {}: {error}", kind.verb(), short_id(id)),
                    None => format!("Could not {}: {error}", kind.verb()),
                };
                self.say(what, true);
            }
            Update::Products { job, result } => {
                let result = result
                    .map(|list| list.into_iter().map(sanitize_product).collect())
                    .map_err(|e| sanitize(&e));
                self.job_view.set_products(job, result);
            }
            Update::Screenshot { product, result } => {
                self.job_view
                    .screenshot_arrived(product, result.map_err(|e| sanitize(&e)));
            }
            Update::Found { seq, result } => self.found(seq, result),
            Update::Shortlist { job, result } => self.shortlist_arrived(job, result),
            Update::Usage(result) => self.usage_arrived(result),
            Update::Approvals(result) => self.approvals_arrived(result),
            Update::DraftDone { call, draft } => self.draft_done(call, *draft),
            Update::DraftFailed { call, id, error } => self.draft_failed(call, id, &error),
            Update::Negotiations { job, result } => self.negotiations_arrived(job, result),
            Update::OfferDone { call, thread } => self.offer_done(call, *thread),
            Update::OfferFailed {
                call,
                negotiation,
                error,
            } => self.offer_failed(call, negotiation, &error),
            Update::Exported { export, result } => self.exported(*export, result),
            Update::Outbox(result) => self.outbox_arrived(result),
            Update::OutboundDone { action, message } => self.outbound_done(action, *message),
            Update::OutboundFailed { action, id, error } => {
                self.outbound_failed(action, id, &error);
            }
            Update::Error(e) => self.say(sanitize(&e), true),
            Update::Terminate => return vec![Action::Quit],
        }
        Vec::new()
    }

    fn active(&self) -> &dyn Component {
        match self.screen {
            Screen::Jobs => &self.jobs,
            Screen::NewSearch => &self.form,
            Screen::Job => &self.job_view,
            Screen::Find => &self.find,
            Screen::Shortlist => &self.shortlist,
            Screen::Usage => &self.usage,
            Screen::Approvals => &self.approvals,
            Screen::Negotiations => &self.negotiations,
            Screen::Outbox => &self.outbox,
        }
    }
}
