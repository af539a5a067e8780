//! Real-world request phrasings, submitted through the real daemon, and the
//! spec each must parse to. The table is shared with the parser's unit
//! tests (tests/fixtures/phrasings.json).

use chrono::{Datelike, Duration as Days, NaiveDate, Utc};
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::Value;

fn next_occurrence(month_day: &str, today: NaiveDate) -> NaiveDate {
    let (m, d) = month_day.split_once('-').expect("MM-DD");
    let (m, d): (u32, u32) = (m.parse().unwrap(), d.parse().unwrap());
    let this_year = NaiveDate::from_ymd_opt(today.year(), m, d).expect("valid month-day");
    if this_year >= today {
        this_year
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, m, d).expect("valid month-day")
    }
}

fn lower_set(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str())
                .map(str::to_lowercase)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn check(request: &str, expect: &Value, spec: &Value, today: NaiveDate) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut differ = |what: &str, want: &Value, got: &Value| {
        if want != got {
            wrong.push(format!("{what}: want {want}, got {got}"));
        }
    };
    if let Some(q) = expect.get("quantity") {
        differ("quantity", q, &spec["quantity"]);
    }
    if let Some(b) = expect.get("budget") {
        if b.is_null() {
            differ("budget", b, &spec["budget"]);
        } else {
            for k in ["amount", "currency", "scope"] {
                differ(&format!("budget.{k}"), &b[k], &spec["budget"][k]);
            }
        }
    }
    let deadline = if let Some(d) = expect.get("deadline") {
        Some(d.clone())
    } else if let Some(days) = expect.get("deadline_in_days").and_then(Value::as_i64) {
        Some(Value::String((today + Days::days(days)).to_string()))
    } else {
        expect
            .get("deadline_next")
            .and_then(Value::as_str)
            .map(|md| Value::String(next_occurrence(md, today).to_string()))
    };
    if let Some(d) = deadline {
        differ("deadline", &d, &spec["deadline"]);
    }
    if let Some(words) = expect.get("keywords_include").and_then(Value::as_array) {
        let got = lower_set(&spec["keywords"]);
        for w in words {
            let w = w.as_str().unwrap().to_lowercase();
            if !got.contains(&w) {
                wrong.push(format!("keywords lack {w:?}: {got:?}"));
            }
        }
    }
    if let Some(reqs) = expect.get("required_specs").and_then(Value::as_array) {
        let key = |r: &Value| {
            format!(
                "{}={}{}{}",
                r["name"].as_str().unwrap_or(""),
                r["value"].as_str().unwrap_or(""),
                r["unit"]
                    .as_str()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default(),
                r.get("comparator")
                    .and_then(Value::as_str)
                    .filter(|c| *c != "eq")
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            )
        };
        let mut want: Vec<String> = reqs.iter().map(key).collect();
        let mut got: Vec<String> = spec["required_specs"]
            .as_array()
            .map(|a| a.iter().map(key).collect())
            .unwrap_or_default();
        want.sort();
        got.sort();
        if want != got {
            wrong.push(format!("required_specs: want {want:?}, got {got:?}"));
        }
    }
    for field in ["preferred_vendors", "excluded_vendors"] {
        if let Some(v) = expect.get(field) {
            let (want, got) = (lower_set(v), lower_set(&spec[field]));
            if want != got {
                wrong.push(format!("{field}: want {want:?}, got {got:?}"));
            }
        }
    }
    wrong
        .into_iter()
        .map(|w| format!("{request:?}: {w}"))
        .collect()
}

#[test]
fn every_phrasing_parses_to_its_spec_through_the_daemon() {
    let table: Vec<Value> =
        serde_json::from_str(include_str!("../fixtures/phrasings.json")).expect("fixture is JSON");
    assert!(table.len() >= 30, "the table holds at least 30 phrasings");
    let daemon = Daemon::start(DaemonOptions::default());
    let mut failures = Vec::new();
    for case in &table {
        let request = case["request"].as_str().expect("request");
        // Jobs take their "today" from their creation time; read it back
        // from the job rather than guessing around midnight.
        let job = daemon.procura_json(&["search", request, "--wait", "--json"]);
        assert_eq!(job["status"], "succeeded", "{request}: {job}");
        let created: chrono::DateTime<Utc> =
            serde_json::from_value(job["created_at"].clone()).expect("created_at");
        failures.extend(check(
            request,
            &case["expect"],
            &job["spec"],
            created.date_naive(),
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} phrasings parsed wrong:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}
