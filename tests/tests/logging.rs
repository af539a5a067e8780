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

#[test]
fn the_daemon_also_logs_to_daily_files_in_the_logs_directory() {
    let daemon = Daemon::start(DaemonOptions::default());
    let dir = daemon.state_dir().join("logs");
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let (name, text) = loop {
        let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries.filter_map(|e| e.ok()).find_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                text.contains("procurad ready")
                    .then(|| (e.file_name().to_string_lossy().into_owned(), text))
            })
        });
        if let Some(found) = found {
            break found;
        }
        assert!(
            std::time::Instant::now() < give_up,
            "no log file in {}",
            dir.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(name, format!("procurad.{today}.log"));
    assert!(!text.contains('\u{1b}'), "no colours in files");

    let quiet = Daemon::start(DaemonOptions {
        env: vec![("PROCURA_LOGS_KEEP_DAYS".into(), "0".into())],
        ..DaemonOptions::default()
    });
    assert!(
        !quiet.state_dir().join("logs").exists(),
        "keep_days = 0 writes no files"
    );
}
