//! The script interface: `procura … --json` shapes that scripts rely on.

use procura_e2e::{Daemon, DaemonOptions};

#[test]
fn search_jobs_logs_status_over_the_cli() {
    let daemon = Daemon::start(DaemonOptions::default());

    let status = daemon.procura_json(&["status", "--json"]);
    assert_eq!(status["protocol"], procura_common::PROTOCOL_VERSION);
    assert_eq!(status["workers"], 4);
    assert!(
        status["backends"]["database"]
            .as_str()
            .unwrap()
            .starts_with("embedded postgres"),
        "{status}"
    );
    assert_eq!(status["backends"]["llm"], "offline");

    let queued = daemon.procura_json(&["search", "5 standing desks under €600 each", "--json"]);
    assert!(queued["id"].is_string(), "{queued}");
    assert!(
        ["queued", "running", "succeeded"].contains(&queued["status"].as_str().unwrap()),
        "{queued}"
    );

    let done = daemon.procura_json(&[
        "search",
        "20 ergonomic office chairs under $300 each, delivered by 2027-01-15",
        "--wait",
        "--json",
    ]);
    assert_eq!(done["status"], "succeeded", "{done}");
    let spec = &done["spec"];
    assert_eq!(spec["quantity"], 20, "{spec}");
    assert_eq!(spec["budget"]["amount"], "300", "{spec}");
    assert_eq!(spec["budget"]["currency"], "USD", "{spec}");
    assert_eq!(spec["budget"]["scope"], "per_unit", "{spec}");
    assert_eq!(spec["deadline"], "2027-01-15", "{spec}");
    assert!(
        spec["keywords"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "chair"),
        "{spec}"
    );
    assert!(spec["required_specs"].is_array(), "{spec}");

    let jobs = daemon.procura_json(&["jobs", "--json"]);
    let jobs = jobs.as_array().expect("jobs --json prints an array");
    assert_eq!(jobs.len(), 2);
    assert!(
        jobs.iter()
            .all(|j| j["id"].is_string() && j["status"].is_string())
    );
    // Newest first.
    assert_eq!(jobs[0]["id"], done["id"]);

    let id = done["id"].as_str().unwrap();
    let out = daemon.procura(&["logs", id, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each log line is JSON"))
        .collect();
    assert!(lines.len() >= 4, "{lines:?}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line["seq"], (i + 1) as i64, "seqs are dense from 1: {line}");
        for key in ["ts", "level", "node", "message"] {
            assert!(line.get(key).is_some(), "log line lacks {key}: {line}");
        }
    }
    assert!(lines.iter().any(|l| l["node"] == "plan"));
    assert_eq!(lines.last().unwrap()["message"], "job succeeded");

    // A unique prefix works as a job id; a bad one is named.
    let shown = daemon.procura_json(&["show", &id[..8], "--json"]);
    assert_eq!(shown["id"], done["id"]);
    let bad = daemon.procura(&["show", "zzzz"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a job id"));

    // Bad input gets a clear error and changes nothing.
    let empty = daemon.procura(&["search", "   "]);
    assert!(!empty.status.success());
    assert!(
        String::from_utf8_lossy(&empty.stderr).contains("request text is empty"),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );
    let long = "x".repeat(5000);
    let too_long = daemon.procura(&["search", &long]);
    assert!(String::from_utf8_lossy(&too_long.stderr).contains("limit is 4000"));
    assert_eq!(
        daemon
            .procura_json(&["jobs", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_client_without_a_daemon_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(procura_e2e::binary("procura"))
        .args(["status"])
        .env("PROCURA_SOCKET", dir.path().join("none.sock"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect to procurad"), "{err}");
    assert!(err.contains("none.sock"), "{err}");
}
