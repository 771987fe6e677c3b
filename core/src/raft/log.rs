//! The replicated log: entries with their index and term, and the operations
//! Raft performs on it (§5.3).

use super::membership::Membership;
use super::types::{LogIndex, Term};
use crate::chunked::ChunkedVec;
use crate::fnv::{Fnv64, FNV_OFFSET};
use crate::kv::ClientRequest;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What an entry asks of the servers once it is committed.
#[derive(Clone, Debug, Eq, Serialize, Deserialize)]
pub enum LogCommand {
    /// Nothing: the entry a new leader appends so that it can commit the
    /// entries of earlier terms (Raft thesis §6.4).
    Noop,
    /// A client's request for the state machine. Shared, not copied, between
    /// the logs, the messages and the checkpoints holding it.
    Client(Arc<ClientRequest>),
    /// A new configuration of the cluster; servers use the latest one in
    /// their log from the moment they store it (thesis §4.1).
    Config(Membership),
}

impl LogCommand {
    /// The client request, unless this is a no-op.
    pub fn request(&self) -> Option<&ClientRequest> {
        match self {
            LogCommand::Noop | LogCommand::Config(_) => None,
            LogCommand::Client(request) => Some(request),
        }
    }
}

impl Hash for LogCommand {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            LogCommand::Noop => state.write_u8(0),
            LogCommand::Client(request) => {
                state.write_u8(1);
                request.hash(state);
            }
            LogCommand::Config(membership) => {
                state.write_u8(2);
                membership.hash(state);
            }
        }
    }
}

impl PartialEq for LogCommand {
    fn eq(&self, other: &LogCommand) -> bool {
        match (self, other) {
            (LogCommand::Noop, LogCommand::Noop) => true,
            // Replicated entries share their request, so the pointer test
            // settles almost every comparison the checkers make.
            (LogCommand::Client(a), LogCommand::Client(b)) => Arc::ptr_eq(a, b) || a == b,
            (LogCommand::Config(a), LogCommand::Config(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for LogCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogCommand::Noop => f.write_str("no-op"),
            LogCommand::Client(request) => write!(f, "{}", request.op),
            LogCommand::Config(membership) => write!(f, "config {membership}"),
        }
    }
}

/// One log entry: what it asks for, the term in which a leader created it,
/// and its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 1.
    pub index: LogIndex,
    /// The leader's term when the entry was created.
    pub term: Term,
    /// What happens when the entry is applied.
    pub command: LogCommand,
}

/// A server's log. Invariant: `entries[i].index == i + 1`; in a correct
/// cluster, terms never decrease along the log. Clones share storage (see
/// `ChunkedVec`), so checkpoints of a long run stay small.
///
/// Alongside each entry the log keeps a fingerprint of the whole prefix
/// ending there (a 64-bit FNV-1a chain over the entries), so two logs can be
/// compared up to an index in constant time, as the checkers do after every
/// event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log {
    entries: ChunkedVec<Entry>,
    prefix_fingerprints: ChunkedVec<u64>,
}

impl Log {
    /// An empty log.
    pub const fn new() -> Log {
        Log {
            entries: ChunkedVec::new(),
            prefix_fingerprints: ChunkedVec::new(),
        }
    }

    /// A log holding `entries`, which must be numbered from 1 with non-decreasing terms.
    pub fn from_entries(entries: Vec<Entry>) -> Log {
        let mut log = Log::new();
        for entry in entries {
            log.push(entry);
        }
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
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    /// The entries from index `from` (inclusive) to the end, in order.
    pub fn entries_from(&self, from: LogIndex) -> impl Iterator<Item = &Entry> + '_ {
        let start = usize::try_from(from.0.max(1) - 1).unwrap_or(usize::MAX);
        self.entries.iter_from(start)
    }

    /// How many entries the log holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True for an empty log.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// §5.4.1: is a log ending in (`last_term`, `last_index`) at least as
    /// up-to-date as this one?
    pub fn is_up_to_date(&self, last_term: Term, last_index: LogIndex) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// Appends an entry. Its index must be the next one. (In a correct
    /// cluster its term is at least the last one's; a bug switch can break
    /// that, and the checkers then report what follows.)
    pub fn append(&mut self, entry: Entry) {
        assert_eq!(
            entry.index,
            self.last_index().next(),
            "appends must be contiguous"
        );
        self.push(entry);
    }

    /// Removes every entry at `from` and after.
    pub fn truncate_from(&mut self, from: LogIndex) {
        let keep = from.0.saturating_sub(1) as usize;
        self.entries.truncate(keep);
        self.prefix_fingerprints.truncate(keep);
    }

    /// A fingerprint of entries 1 to `index` (0 for the empty prefix, `None`
    /// past the end): equal fingerprints mean equal prefixes, barring a
    /// 64-bit hash collision.
    pub fn prefix_fingerprint(&self, index: LogIndex) -> Option<u64> {
        match usize::try_from(index.0).ok()?.checked_sub(1) {
            None => Some(FNV_OFFSET),
            Some(position) => self.prefix_fingerprints.get(position).copied(),
        }
    }

    fn push(&mut self, entry: Entry) {
        let mut hasher = Fnv64(
            self.prefix_fingerprint(self.last_index())
                .unwrap_or(FNV_OFFSET),
        );
        entry.hash(&mut hasher);
        self.prefix_fingerprints.push(hasher.finish());
        self.entries.push(entry);
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
            self.entries
                .iter()
                .zip(self.entries.iter().skip(1))
                .all(|(a, b)| a.term <= b.term),
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
            command: LogCommand::Client(Arc::new(ClientRequest {
                client: ClientId(1),
                seq: index,
                op: Operation::Get { key: "k".into() },
            })),
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
    fn prefix_fingerprints_match_exactly_when_prefixes_do() {
        let a = Log::from_entries(vec![entry(1, 1), entry(2, 1), entry(3, 2)]);
        let mut b = Log::from_entries(vec![entry(1, 1), entry(2, 1), entry(3, 3)]);
        assert_eq!(
            a.prefix_fingerprint(LogIndex(0)),
            b.prefix_fingerprint(LogIndex(0))
        );
        assert_eq!(
            a.prefix_fingerprint(LogIndex(2)),
            b.prefix_fingerprint(LogIndex(2))
        );
        assert_ne!(
            a.prefix_fingerprint(LogIndex(3)),
            b.prefix_fingerprint(LogIndex(3))
        );
        assert_eq!(a.prefix_fingerprint(LogIndex(4)), None);
        b.truncate_from(LogIndex(3));
        b.append(entry(3, 2));
        assert_eq!(
            a.prefix_fingerprint(LogIndex(3)),
            b.prefix_fingerprint(LogIndex(3))
        );
        assert_eq!(a, b);
    }

    #[test]
    fn slice_and_truncate() {
        let mut log = Log::from_entries(vec![entry(1, 1), entry(2, 1), entry(3, 2)]);
        assert_eq!(log.entries_from(LogIndex(2)).count(), 2);
        assert_eq!(log.entries_from(LogIndex(0)).count(), 3);
        assert_eq!(log.entries_from(LogIndex(4)).count(), 0);
        log.truncate_from(LogIndex(2));
        assert_eq!(log.last_index(), LogIndex(1));
        log.append(entry(2, 5));
        assert_eq!(log.last_term(), Term(5));
    }
}
