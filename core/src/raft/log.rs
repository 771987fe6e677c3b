//! The replicated log: entries with their index and term, and the operations
//! Raft performs on it (§5.3).

use super::types::{LogIndex, Term};
use crate::kv::ClientRequest;
use serde::{Deserialize, Serialize};

/// One log entry: the client request, the term in which a leader received it,
/// and its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 1.
    pub index: LogIndex,
    /// The leader's term when the entry was created.
    pub term: Term,
    /// What the state machine will do when the entry is applied.
    pub request: ClientRequest,
}

/// A server's log. Invariant: `entries[i].index == i + 1`; in a correct
/// cluster, terms never decrease along the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    entries: Vec<Entry>,
}

impl Log {
    /// A log holding `entries`, which must be numbered from 1 with non-decreasing terms.
    pub fn from_entries(entries: Vec<Entry>) -> Log {
        let log = Log { entries };
        log.assert_invariants();
        log
    }

    /// The index of the last entry, or 0 for an empty log.
    pub fn last_index(&self) -> LogIndex {
        LogIndex(self.entries.len() as u64)
    }

    /// The term of the last entry, or 0 for an empty log.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(Term(0), |e| e.term)
    }

    /// The term of the entry at `index`; `Some(Term(0))` for index 0 and `None`
    /// past the end of the log.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index.0 == 0 {
            return Some(Term(0));
        }
        self.get(index).map(|e| e.term)
    }

    /// The entry at `index`, if the log reaches it.
    pub fn get(&self, index: LogIndex) -> Option<&Entry> {
        let position = usize::try_from(index.0).ok()?.checked_sub(1)?;
        self.entries.get(position)
    }

    /// All entries, in index order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Up to `max` entries starting at `from` (inclusive).
    pub fn slice_from(&self, from: LogIndex, max: usize) -> &[Entry] {
        let start = (from.0.max(1) - 1) as usize;
        if start >= self.entries.len() {
            return &[];
        }
        let end = start.saturating_add(max).min(self.entries.len());
        &self.entries[start..end]
    }

    /// §5.4.1: is a log ending in (`last_term`, `last_index`) at least as
    /// up-to-date as this one?
    pub fn is_up_to_date(&self, last_term: Term, last_index: LogIndex) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Appends an entry that a leader has just created. Its index must be the next one.
    pub fn append(&mut self, entry: Entry) {
        assert_eq!(
            entry.index,
            self.last_index().next(),
            "appends must be contiguous"
        );
        assert!(
            entry.term >= self.last_term(),
            "terms never decrease along the log"
        );
        self.entries.push(entry);
    }

    /// Removes every entry at `from` and after.
    pub fn truncate_from(&mut self, from: LogIndex) {
        let keep = from.0.saturating_sub(1) as usize;
        self.entries.truncate(keep);
    }

    fn assert_invariants(&self) {
        for (position, entry) in self.entries.iter().enumerate() {
            assert_eq!(
                entry.index.0,
                position as u64 + 1,
                "log indexes are contiguous from 1"
            );
        }
        assert!(
            self.entries.windows(2).all(|w| w[0].term <= w[1].term),
            "terms never decrease along the log"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{ClientId, Operation};

    pub(crate) fn entry(index: u64, term: u64) -> Entry {
        Entry {
            index: LogIndex(index),
            term: Term(term),
            request: ClientRequest {
                client: ClientId(1),
                seq: index,
                op: Operation::Get { key: "k".into() },
            },
        }
    }

    #[test]
    fn empty_log_has_index_and_term_zero() {
        let log = Log::default();
        assert_eq!(log.last_index(), LogIndex(0));
        assert_eq!(log.last_term(), Term(0));
        assert_eq!(log.term_at(LogIndex(0)), Some(Term(0)));
        assert_eq!(log.term_at(LogIndex(1)), None);
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let log = Log::from_entries(vec![entry(1, 1), entry(2, 3)]);
        assert!(log.is_up_to_date(Term(3), LogIndex(2)));
        assert!(log.is_up_to_date(Term(4), LogIndex(1)));
        assert!(!log.is_up_to_date(Term(3), LogIndex(1)));
        assert!(!log.is_up_to_date(Term(2), LogIndex(9)));
    }

    #[test]
    fn slice_and_truncate() {
        let mut log = Log::from_entries(vec![entry(1, 1), entry(2, 1), entry(3, 2)]);
        assert_eq!(log.slice_from(LogIndex(2), 10).len(), 2);
        assert_eq!(log.slice_from(LogIndex(2), 1).len(), 1);
        assert!(log.slice_from(LogIndex(4), 10).is_empty());
        log.truncate_from(LogIndex(2));
        assert_eq!(log.last_index(), LogIndex(1));
        log.append(entry(2, 5));
        assert_eq!(log.last_term(), Term(5));
    }
}
