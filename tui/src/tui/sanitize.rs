//! Sanitising whole jobs for the screen; the rules live in
//! [`procura_common::text`], shared with the CLI.

use procura_common::job::Job;
pub use procura_common::text::{is_clean, sanitize};

/// A copy of `job` whose every string is sanitised.
pub fn sanitize_job(mut job: Job) -> Job {
    clean(&mut job.request);
    clean(&mut job.created_by);
    clean_all(&mut job.sources);
    clean_opt(&mut job.current_node);
    clean_opt(&mut job.error);
    if let Some(spec) = job.spec.as_mut() {
        clean_opt(&mut spec.item);
        clean_opt(&mut spec.category);
        clean_all(&mut spec.keywords);
        clean_all(&mut spec.preferred_vendors);
        clean_all(&mut spec.excluded_vendors);
        if let Some(b) = spec.budget.as_mut() {
            clean(&mut b.currency);
        }
        for r in &mut spec.required_specs {
            clean(&mut r.name);
            clean(&mut r.value);
            clean(&mut r.text);
            clean_opt(&mut r.unit);
        }
    }
    job
}

fn clean(s: &mut String) {
    *s = sanitize(s);
}

fn clean_opt(s: &mut Option<String>) {
    if let Some(s) = s {
        clean(s);
    }
}

fn clean_all(v: &mut [String]) {
    v.iter_mut().for_each(clean);
}
