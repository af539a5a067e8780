//! The log entries of one job received so far, in seq order, each seq once.
//!
//! Entries arrive from the watch long poll; after a reconnect the worker
//! asks again from the last seq it saw, and a batch can overlap what is
//! already here. [`LogBuffer::insert`] drops any seq it already has, so no
//! entry is shown twice whatever the network did.

use std::collections::VecDeque;

use procura_common::log::LogEntry;

use crate::tui::sanitize::sanitize;

/// The most entries kept per job; older ones are dropped first.
pub const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone)]
pub struct LogBuffer {
    entries: VecDeque<LogEntry>,
    /// Every node that logged, in the order first seen.
    nodes: Vec<String>,
    /// Seqs up to this were dropped to stay under the cap.
    dropped_through: i64,
    cap: usize,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::with_cap(MAX_ENTRIES)
    }
}

impl LogBuffer {
    pub fn new() -> Self {
        LogBuffer::default()
    }

    pub fn with_cap(cap: usize) -> Self {
        LogBuffer {
            entries: VecDeque::new(),
            nodes: Vec::new(),
            dropped_through: 0,
            cap: cap.max(1),
        }
    }

    /// Adds an entry unless its seq is already here (or was dropped).
    /// The message and node are sanitised on the way in. Returns whether it
    /// was added.
    pub fn insert(&mut self, mut entry: LogEntry) -> bool {
        if entry.seq <= self.dropped_through {
            return false;
        }
        let at = match self.entries.back() {
            Some(last) if last.seq < entry.seq => self.entries.len(),
            None => 0,
            Some(_) => match self.entries.binary_search_by_key(&entry.seq, |e| e.seq) {
                Ok(_) => return false,
                Err(i) => i,
            },
        };
        entry.message = sanitize(&entry.message);
        entry.node = sanitize(&entry.node);
        // The structured data is never shown; don't keep it.
        entry.data = serde_json::Value::Null;
        if !self.nodes.contains(&entry.node) {
            self.nodes.push(entry.node.clone());
        }
        self.entries.insert(at, entry);
        while self.entries.len() > self.cap {
            if let Some(old) = self.entries.pop_front() {
                self.dropped_through = old.seq;
            }
        }
        true
    }

    /// Adds a batch; returns how many were new.
    pub fn extend(&mut self, entries: impl IntoIterator<Item = LogEntry>) -> usize {
        let mut added = 0;
        for e in entries {
            if self.insert(e) {
                added += 1;
            }
        }
        added
    }

    /// The highest seq received (0 before the first entry): where to
    /// resume.
    pub fn last_seq(&self) -> i64 {
        self.entries
            .back()
            .map_or(self.dropped_through, |e| e.seq.max(self.dropped_through))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter()
    }

    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use procura_common::log::LogLevel;

    pub(crate) fn entry(seq: i64, level: LogLevel, node: &str, message: &str) -> LogEntry {
        LogEntry {
            seq,
            ts: Utc.with_ymd_and_hms(2025, 1, 2, 9, 30, 0).unwrap()
                + chrono::Duration::seconds(seq),
            level,
            node: node.into(),
            message: message.into(),
            data: serde_json::json!({"seq": seq}),
        }
    }

    fn seqs(b: &LogBuffer) -> Vec<i64> {
        b.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn overlapping_batches_are_deduplicated() {
        let mut b = LogBuffer::new();
        let mk = |r: std::ops::RangeInclusive<i64>| {
            r.map(|s| entry(s, LogLevel::Info, "n", "m"))
                .collect::<Vec<_>>()
        };
        assert_eq!(b.extend(mk(1..=5)), 5);
        assert_eq!(b.extend(mk(4..=8)), 3);
        assert_eq!(b.extend(mk(2..=3)), 0);
        assert_eq!(seqs(&b), (1..=8).collect::<Vec<_>>());
        assert_eq!(b.last_seq(), 8);
    }

    #[test]
    fn out_of_order_entries_are_placed_by_seq() {
        let mut b = LogBuffer::new();
        for s in [3, 1, 2, 5, 4, 5, 1] {
            b.insert(entry(s, LogLevel::Info, "n", "m"));
        }
        assert_eq!(seqs(&b), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn cap_drops_oldest_and_remembers_them() {
        let mut b = LogBuffer::with_cap(3);
        for s in 1..=5 {
            b.insert(entry(s, LogLevel::Info, "n", "m"));
        }
        assert_eq!(seqs(&b), vec![3, 4, 5]);
        assert!(!b.insert(entry(2, LogLevel::Info, "n", "m")));
        assert_eq!(b.last_seq(), 5);
    }

    #[test]
    fn nodes_in_first_seen_order_and_text_sanitised() {
        let mut b = LogBuffer::new();
        b.insert(entry(1, LogLevel::Info, "plan", "x"));
        b.insert(entry(2, LogLevel::Info, "search", "\u{1b}[2Jboom\u{7}"));
        b.insert(entry(3, LogLevel::Info, "plan", "y"));
        assert_eq!(b.nodes(), ["plan", "search"]);
        let msgs: Vec<_> = b.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs, ["x", "boom", "y"]);
        assert!(b.iter().all(|e| e.data.is_null()));
    }
}
