//! The replicated log: entries with their index and term, and the operations
//! Raft performs on it (§5.3).

use super::application::Application;
use super::configuration::Membership;
use super::snapshot::Snapshot;
use super::types::{LogIndex, Term};
use crate::chunked::ChunkedVec;
use crate::fnv::{Fnv64, FNV_OFFSET};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What an entry asks of the servers once it is committed.
#[derive(Clone, Debug, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum LogCommand<A: Application> {
    /// Nothing: the entry a new leader appends so that it can commit the
    /// entries of earlier terms (Raft thesis §6.4).
    Noop,
    /// A client's request for the state machine. Shared, not copied, between
    /// the logs, the messages and the checkpoints holding it.
    Client(Arc<A::Command>),
    /// A new configuration of the cluster; servers use the latest one in
    /// their log from the moment they store it (thesis §4.1). Shared like a
    /// request, and so that an entry stays two words wide.
    Config(Arc<Membership>),
}

impl<A: Application> LogCommand<A> {
    /// The configuration, if this entry carries one.
    pub fn membership(&self) -> Option<&Membership> {
        match self {
            LogCommand::Config(membership) => Some(membership),
            _ => None,
        }
    }

    /// The client request, unless this is a no-op or a configuration.
    pub fn request(&self) -> Option<&A::Command> {
        match self {
            LogCommand::Noop | LogCommand::Config(_) => None,
            LogCommand::Client(request) => Some(request),
        }
    }
}

impl<A: Application> Hash for LogCommand<A> {
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

impl<A: Application> PartialEq for LogCommand<A> {
    fn eq(&self, other: &LogCommand<A>) -> bool {
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

impl<A: Application> fmt::Display for LogCommand<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogCommand::Noop => f.write_str("no-op"),
            LogCommand::Client(command) => A::fmt_command(command, f),
            LogCommand::Config(membership) => write!(f, "config {membership}"),
        }
    }
}

/// One log entry: what it asks for, the term in which a leader created it,
/// and its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Entry<A: Application> {
    /// Position in the log, from 1.
    pub index: LogIndex,
    /// The leader's term when the entry was created.
    pub term: Term,
    /// What happens when the entry is applied.
    pub command: LogCommand<A>,
}

/// One full chunk of a log's storage, offered by one log to another (see
/// [`Log::adopt_storage`]).
pub(crate) struct StorageChunk<A: Application> {
    snapshot_index: LogIndex,
    chunk: usize,
    entries: Arc<Vec<Entry<A>>>,
    fingerprints: Arc<Vec<u64>>,
}

impl<A: Application> StorageChunk<A> {
    /// Whether `other` is the same storage (not only equal entries).
    #[cfg(test)]
    pub(crate) fn is_stored_with(&self, other: &StorageChunk<A>) -> bool {
        Arc::ptr_eq(&self.entries, &other.entries)
            && Arc::ptr_eq(&self.fingerprints, &other.fingerprints)
    }
}

/// A server's log. Invariant: `entries[i].index == snapshot_index + i + 1`;
/// in a correct cluster, terms never decrease along the log. Entries up to
/// `snapshot_index` have been folded into a snapshot (log compaction,
/// thesis chapter 5): the log remembers only the last one's term and the
/// fingerprint of the prefix ending there. Clones share storage (see
/// `ChunkedVec`), so checkpoints of a long run stay small.
///
/// Alongside each entry the log keeps a fingerprint of the whole prefix
/// ending there (a 64-bit FNV-1a chain over the entries), so two logs can be
/// compared up to an index in constant time, as the checkers do after every
/// event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log<A: Application> {
    /// The snapshot the log starts after, shared between the copies of it.
    snapshot: Option<Arc<Snapshot<A>>>,
    snapshot_index: LogIndex,
    snapshot_term: Term,
    snapshot_fingerprint: u64,
    entries: ChunkedVec<Entry<A>>,
    prefix_fingerprints: ChunkedVec<u64>,
}

impl<A: Application> Default for Log<A> {
    fn default() -> Log<A> {
        Log::new()
    }
}

impl<A: Application> Log<A> {
    /// An empty log.
    pub const fn new() -> Log<A> {
        Log {
            snapshot: None,
            snapshot_index: LogIndex(0),
            snapshot_term: Term(0),
            snapshot_fingerprint: FNV_OFFSET,
            entries: ChunkedVec::new(),
            prefix_fingerprints: ChunkedVec::new(),
        }
    }

    /// A log holding `entries`, which must be numbered from 1 with non-decreasing terms.
    pub fn from_entries(entries: Vec<Entry<A>>) -> Log<A> {
        let mut log = Log::new();
        for entry in entries {
            log.push(entry);
        }
        log.assert_invariants();
        log
    }

    /// The index of the last entry (or of the snapshot, if every entry is
    /// in it), 0 for an empty log.
    pub fn last_index(&self) -> LogIndex {
        LogIndex(self.snapshot_index.0 + self.entries.len() as u64)
    }

    /// The term of the last entry (or of the snapshot's last), 0 for an empty log.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// Every configuration entry the log holds, in index order.
    pub fn memberships(&self) -> impl DoubleEndedIterator<Item = (LogIndex, &Membership)> + '_ {
        self.entries()
            .filter_map(|entry| Some((entry.index, entry.command.membership()?)))
    }

    /// The latest configuration the log holds, in its entries or, before
    /// them, in its snapshot (a scan from the end: for views, not hot paths).
    pub fn latest_membership(&self) -> Option<&Membership> {
        self.memberships()
            .next_back()
            .map(|(_, membership)| membership)
            .or_else(|| self.snapshot().map(|snapshot| &snapshot.membership))
    }

    /// The snapshot the log starts after, if it was compacted.
    pub fn snapshot(&self) -> Option<&Arc<Snapshot<A>>> {
        self.snapshot.as_ref()
    }

    /// The last index folded into a snapshot (0: none).
    pub fn snapshot_index(&self) -> LogIndex {
        self.snapshot_index
    }

    /// The term of the entry at `snapshot_index`.
    pub fn snapshot_term(&self) -> Term {
        self.snapshot_term
    }

    /// The term of the entry at `index`; the snapshot's last term at its
    /// index (`Term(0)` at 0 with no snapshot), `None` before it (compacted)
    /// and past the end of the log.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        self.get(index).map(|e| e.term)
    }

    /// The entry at `index`, if the log holds it (not compacted, not past the end).
    pub fn get(&self, index: LogIndex) -> Option<&Entry<A>> {
        let position = usize::try_from(index.0.checked_sub(self.snapshot_index.0)?)
            .ok()?
            .checked_sub(1)?;
        self.entries.get(position)
    }

    /// All entries the log holds (after the snapshot), in index order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &Entry<A>> + '_ {
        self.entries.iter()
    }

    /// The entries from index `from` (inclusive, or the first held) to the end, in order.
    pub fn entries_from(&self, from: LogIndex) -> impl Iterator<Item = &Entry<A>> + '_ {
        let skip = from.0.max(self.snapshot_index.0 + 1) - self.snapshot_index.0 - 1;
        self.entries
            .iter_from(usize::try_from(skip).unwrap_or(usize::MAX))
    }

    /// How many entries the log holds (after the snapshot).
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
    pub fn append(&mut self, entry: Entry<A>) {
        assert_eq!(
            entry.index,
            self.last_index().next(),
            "appends must be contiguous"
        );
        self.push(entry);
    }

    /// Removes every entry at `from` and after. Compacted entries are
    /// committed and never removed.
    pub fn truncate_from(&mut self, from: LogIndex) {
        assert!(
            from > self.snapshot_index,
            "entries in a snapshot are committed and stay"
        );
        let keep = (from.0 - self.snapshot_index.0 - 1) as usize;
        self.entries.truncate(keep);
        self.prefix_fingerprints.truncate(keep);
    }

    /// Folds every entry up to the snapshot's index into it (thesis §5.1).
    /// Entries after it stay if the log holds that same entry at its index;
    /// otherwise the whole log is replaced by the snapshot (§7 of the paper:
    /// a follower receiving a snapshot discards a log that conflicts with
    /// it). A snapshot no newer than the current one changes nothing.
    pub fn compact_to(&mut self, snapshot: Arc<Snapshot<A>>) {
        let (index, term, fingerprint) = (snapshot.index, snapshot.term, snapshot.fingerprint);
        if index <= self.snapshot_index {
            return;
        }
        let keeps_suffix = self.term_at(index) == Some(term)
            && self.prefix_fingerprint(index) == Some(fingerprint);
        let (entries, fingerprints) = if keeps_suffix {
            (
                self.entries_from(index.next()).cloned().collect(),
                self.fingerprints_from(index.next()).collect(),
            )
        } else {
            (ChunkedVec::new(), ChunkedVec::new())
        };
        self.snapshot = Some(snapshot);
        self.snapshot_index = index;
        self.snapshot_term = term;
        self.snapshot_fingerprint = fingerprint;
        self.entries = entries;
        self.prefix_fingerprints = fingerprints;
    }

    /// A fingerprint of entries 1 to `index` (`None` before the snapshot
    /// and past the end): equal fingerprints mean equal prefixes, barring a
    /// 64-bit hash collision.
    pub fn prefix_fingerprint(&self, index: LogIndex) -> Option<u64> {
        if index == self.snapshot_index {
            return Some(self.snapshot_fingerprint);
        }
        let position = usize::try_from(index.0.checked_sub(self.snapshot_index.0)?)
            .ok()?
            .checked_sub(1)?;
        self.prefix_fingerprints.get(position).copied()
    }

    fn fingerprints_from(&self, from: LogIndex) -> impl Iterator<Item = u64> + '_ {
        let skip = from.0.max(self.snapshot_index.0 + 1) - self.snapshot_index.0 - 1;
        self.prefix_fingerprints
            .iter_from(usize::try_from(skip).unwrap_or(usize::MAX))
            .copied()
    }

    /// How many full chunks of entries the log stores (see
    /// [`Log::storage_chunk`]).
    pub(crate) fn full_storage_chunks(&self) -> usize {
        self.entries.full_chunks()
    }

    /// Full chunk `chunk` of this log's storage, to offer to logs that may
    /// hold the same entries there.
    pub(crate) fn storage_chunk(&self, chunk: usize) -> Option<StorageChunk<A>> {
        Some(StorageChunk {
            snapshot_index: self.snapshot_index,
            chunk,
            entries: Arc::clone(self.entries.full_chunk(chunk)?),
            fingerprints: Arc::clone(self.prefix_fingerprints.full_chunk(chunk)?),
        })
    }

    /// For a copy kept aside (a checkpoint): see
    /// `ChunkedVec::release_open_chunk`.
    pub(crate) fn release_open_storage(&mut self) {
        self.entries.release_open_chunk();
        self.prefix_fingerprints.release_open_chunk();
    }

    /// Stores the entries of `offer`'s chunk in `offer`'s storage if this
    /// log holds exactly those entries there (and every one before them):
    /// the servers' logs, in memory and on disk, then hold what they have in
    /// common once. The log's contents never change. Returns whether the
    /// chunk is now shared.
    pub(crate) fn adopt_storage(&mut self, offer: &StorageChunk<A>) -> bool {
        let ends_alike = self
            .prefix_fingerprints
            .full_chunk(offer.chunk)
            .and_then(|mine| mine.last())
            == offer.fingerprints.last();
        offer.snapshot_index == self.snapshot_index
            && ends_alike
            && self
                .prefix_fingerprints
                .adopt_chunk(offer.chunk, &offer.fingerprints)
            && self.entries.adopt_chunk(offer.chunk, &offer.entries)
    }

    fn push(&mut self, entry: Entry<A>) {
        let mut hasher = Fnv64(
            self.prefix_fingerprint(self.last_index())
                .expect("the last index always has a fingerprint"),
        );
        entry.hash(&mut hasher);
        self.prefix_fingerprints.push(hasher.finish());
        self.entries.push(entry);
    }

    fn assert_invariants(&self) {
        for (position, entry) in self.entries.iter().enumerate() {
            assert_eq!(
                entry.index.0,
                self.snapshot_index.0 + position as u64 + 1,
                "log indexes are contiguous from the snapshot on"
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

    /// An application whose commands are numbers and which keeps no state,
    /// enough for the log, which never looks inside either.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
    struct Numbers;

    impl Application for Numbers {
        type Command = u64;
        type State = ();

        fn is_read(_: &u64) -> bool {
            false
        }

        fn fmt_command(command: &u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "#{command}")
        }

        fn state_fields(_: &()) -> Vec<(&'static str, String)> {
            Vec::new()
        }
    }

    fn entry(index: u64, term: u64) -> Entry<Numbers> {
        Entry {
            index: LogIndex(index),
            term: Term(term),
            command: LogCommand::Client(Arc::new(index)),
        }
    }

    #[test]
    fn empty_log_has_index_and_term_zero() {
        let log = Log::<Numbers>::default();
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

    fn snapshot(index: u64, term: u64, fingerprint: u64) -> Arc<Snapshot<Numbers>> {
        Arc::new(Snapshot {
            index: LogIndex(index),
            term: Term(term),
            fingerprint,
            membership: Membership::default(),
            state: (),
        })
    }

    #[test]
    fn compaction_keeps_indexes_terms_and_fingerprints_of_what_follows() {
        let full = Log::from_entries(vec![entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2)]);
        let mut log = full.clone();
        let fingerprint = log.prefix_fingerprint(LogIndex(2)).unwrap();
        log.compact_to(snapshot(2, 1, fingerprint));
        assert_eq!(log.snapshot_index(), LogIndex(2));
        assert_eq!(log.len(), 2);
        assert_eq!(log.last_index(), LogIndex(4));
        assert_eq!(log.term_at(LogIndex(2)), Some(Term(1)));
        assert_eq!(log.term_at(LogIndex(1)), None, "compacted");
        assert_eq!(log.get(LogIndex(3)), full.get(LogIndex(3)));
        assert_eq!(log.entries_from(LogIndex(1)).count(), 2);
        for i in 2..=4 {
            assert_eq!(
                log.prefix_fingerprint(LogIndex(i)),
                full.prefix_fingerprint(LogIndex(i))
            );
        }
        log.append(entry(5, 3));
        let mut longer = full.clone();
        longer.append(entry(5, 3));
        assert_eq!(
            log.prefix_fingerprint(LogIndex(5)),
            longer.prefix_fingerprint(LogIndex(5))
        );
        // A snapshot that does not match the log replaces all of it.
        let mut other = full.clone();
        other.compact_to(snapshot(3, 7, 42));
        assert_eq!(other.len(), 0);
        assert_eq!(other.last_index(), LogIndex(3));
        assert_eq!(other.last_term(), Term(7));
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
