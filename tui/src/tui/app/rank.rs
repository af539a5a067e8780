//! The app's side of find and the shortlist: running a query (its job
//! scope resolved against the jobs listed), opening a shortlist, and
//! folding in the answers, sanitised.

use procura_common::job::JobId;
use procura_common::rank::{Found, Shortlist};

use super::{App, Screen};
use crate::query::{FindQuery, JobScope};
use crate::tui::msg::Action;
use crate::tui::sanitize::{sanitize, sanitize_found, sanitize_shortlist};

impl App {
    /// Sends `query`, unless its `job:` names no job the list knows.
    pub(super) fn run_find(&mut self, query: FindQuery) -> Vec<Action> {
        let mut request = query.request;
        if let Some(scope) = &query.job {
            match self.resolve_job(scope) {
                Ok(id) => request.job = Some(id),
                Err(e) => {
                    self.find.refuse(e);
                    return Vec::new();
                }
            }
        }
        let seq = self.find.start(request.currency.clone());
        vec![Action::Find { seq, request }]
    }

    /// The job a `job:` token means: the one selected in the jobs list, or
    /// the one whose id is or starts with the text (at least 4 characters).
    pub(super) fn resolve_job(&self, scope: &JobScope) -> Result<JobId, String> {
        let text = match scope {
            JobScope::Current => {
                return self.jobs.selected().map(|j| j.id).ok_or_else(|| {
                    "job:current means the job selected in the jobs list, and there is none"
                        .to_string()
                });
            }
            JobScope::Id(text) => text,
        };
        if let Ok(id) = text.parse::<JobId>() {
            return Ok(id);
        }
        let prefix = text.trim().to_ascii_lowercase();
        if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(format!(
                "job:{text} is not a job id: give at least its first 4 characters, or job:current"
            ));
        }
        let simple = prefix.replace('-', "");
        let matches: Vec<JobId> = self
            .jobs
            .jobs()
            .iter()
            .map(|j| j.id)
            .filter(|id| {
                id.to_string().starts_with(&prefix) || id.simple().to_string().starts_with(&simple)
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "job:{text}: no job in the list starts with {prefix}"
            )),
            many => Err(format!(
                "job:{text}: {} jobs start with {prefix}; give more characters",
                many.len()
            )),
        }
    }

    /// Shows job `id`'s shortlist and fetches it; Esc comes back here.
    pub(super) fn open_shortlist(&mut self, id: JobId) -> Vec<Action> {
        self.shortlist_from = match self.screen {
            Screen::Job => Screen::Job,
            _ => Screen::Jobs,
        };
        self.screen = Screen::Shortlist;
        let request = self
            .job_view
            .job()
            .filter(|j| j.id == id)
            .or_else(|| self.jobs.get(id))
            .map(|j| j.request.clone());
        self.shortlist.open(id, request);
        vec![Action::Shortlist(id)]
    }

    pub(super) fn found(&mut self, seq: u64, result: Result<Vec<Found>, String>) {
        let result = result
            .map(|list| list.into_iter().map(sanitize_found).collect())
            .map_err(|e| sanitize(&e));
        self.find.answered(seq, result);
    }

    pub(super) fn shortlist_arrived(&mut self, job: JobId, result: Result<Shortlist, String>) {
        let result = result.map(sanitize_shortlist).map_err(|e| sanitize(&e));
        self.shortlist.set(job, result);
    }
}
