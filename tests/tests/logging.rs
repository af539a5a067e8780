//! procurad's stderr as systemd's journal gets it: under `JOURNAL_STREAM`
//! no timestamps (the journal adds its own) and no colours; a bad
//! `PROCURA_LOG` filter is named, and logging goes on at info.

use procura_e2e::{Daemon, DaemonOptions};

#[test]
fn under_journald_lines_carry_no_timestamps_and_a_bad_filter_is_named() {
    let daemon = Daemon::start(DaemonOptions {
        env: vec![
            ("JOURNAL_STREAM".into(), "8:12345".into()),
            ("PROCURA_LOG".into(), "procura=[[nonsense".into()),
        ],
        ..DaemonOptions::default()
    });
    let logs = daemon.logs();
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.iter().any(|l| l.contains("procurad ready")), "{logs}");
    for line in &lines {
        assert!(
            !line.starts_with("20"),
            "a timestamp under journald: {line}"
        );
        assert!(!line.contains('\u{1b}'), "colour under journald: {line}");
    }
    assert!(
        logs.contains("PROCURA_LOG is not a valid filter; logging at info"),
        "{logs}"
    );
}

#[test]
fn outside_journald_lines_carry_utc_timestamps() {
    let daemon = Daemon::start(DaemonOptions::default());
    let logs = daemon.logs();
    let ready = logs
        .lines()
        .find(|l| l.contains("procurad ready"))
        .unwrap_or_else(|| panic!("{logs}"));
    assert!(ready.starts_with("20") && ready.contains('Z'), "{ready}");
}
