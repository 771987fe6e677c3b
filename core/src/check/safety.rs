//! The five safety properties of the Raft paper's Figure 3, checked after every
//! step. A violation is data: which property, where, when, and who.

use crate::app::{Entry, Log};
use crate::raft::{LogIndex, Micros, NodeId, Role, Term};
use crate::sim::{Simulation, StepRecord};

/// One server as the checker sees it after a step.
#[derive(Clone, Debug)]
pub struct ObservedNode<'a> {
    /// The server.
    pub id: NodeId,
    /// `None` while crashed; otherwise its role, term and commitIndex.
    pub running: Option<(Role, Term, LogIndex)>,
    /// Its log (for a crashed server, the log on its disk).
    pub log: &'a Log,
}

/// The cluster as the checker sees it after one step: plain data, so tests can
/// hand the checker states no correct run would reach.
#[derive(Clone, Debug)]
pub struct Observation<'a> {
    /// The instant of the step.
    pub at: Micros,
    /// Every server, in id order.
    pub nodes: Vec<ObservedNode<'a>>,
    /// Entries applied during the step.
    pub applied: &'a [(NodeId, Entry)],
}

impl<'a> Observation<'a> {
    /// What the simulation looks like after `record`.
    pub fn of(sim: &'a Simulation, record: &'a StepRecord) -> Observation<'a> {
        let nodes = (1..=sim.server_count() as u32)
            .map(NodeId)
            .map(|id| match sim.node(id) {
                Some(node) => ObservedNode {
                    id,
                    running: Some((node.role(), node.current_term(), node.commit_index())),
                    log: node.log(),
                },
                None => ObservedNode {
                    id,
                    running: None,
                    log: sim.storage(id).map_or(&EMPTY_LOG, |s| &s.log),
                },
            })
            .collect();
        Observation {
            at: record.at,
            nodes,
            applied: &record.applied,
        }
    }

    fn leaders(&self) -> impl Iterator<Item = (NodeId, Term, &'a Log)> + '_ {
        self.nodes.iter().filter_map(|n| match n.running {
            Some((Role::Leader, term, _)) => Some((n.id, term, n.log)),
            _ => None,
        })
    }
}
use crate::chunked::DenseMap;
use crate::fnv::{Fnv64, FNV_OFFSET};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};

/// One of the properties of Figure 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// At most one leader can be elected in a given term.
    ElectionSafety,
    /// A leader never overwrites or deletes entries in its log; it only appends.
    LeaderAppendOnly,
    /// If two logs contain an entry with the same index and term, the logs are
    /// identical in all entries up through that index.
    LogMatching,
    /// If an entry is committed in a term, it is in the logs of the leaders of
    /// all higher-numbered terms.
    LeaderCompleteness,
    /// If a server has applied an entry at an index, no other server ever
    /// applies a different entry at that index.
    StateMachineSafety,
}

impl Property {
    /// All five, in the order of Figure 3.
    pub const ALL: [Property; 5] = [
        Property::ElectionSafety,
        Property::LeaderAppendOnly,
        Property::LogMatching,
        Property::LeaderCompleteness,
        Property::StateMachineSafety,
    ];

    /// The property's name as the paper writes it.
    pub fn name(self) -> &'static str {
        match self {
            Property::ElectionSafety => "Election Safety",
            Property::LeaderAppendOnly => "Leader Append-Only",
            Property::LogMatching => "Log Matching",
            Property::LeaderCompleteness => "Leader Completeness",
            Property::StateMachineSafety => "State Machine Safety",
        }
    }
}

/// A broken property, with what is needed to find it in the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which property.
    pub property: Property,
    /// The instant it was seen.
    pub at: Micros,
    /// The servers involved.
    pub nodes: Vec<NodeId>,
    /// The log index involved, if any.
    pub index: Option<LogIndex>,
    /// The term involved, if any.
    pub term: Option<Term>,
    /// A sentence saying what was seen.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} violated at {} µs: {}",
            self.property.name(),
            self.at,
            self.detail
        )
    }
}

/// Where and when an entry was first seen committed.
#[derive(Clone, Debug)]
struct CommittedEntry {
    /// The entry's fingerprint ([`entry_fingerprint`]): the checker keeps
    /// no copy of the entries themselves, whose commands the logs drop
    /// when they compact.
    fingerprint: u64,
    /// The term of the server that first reported it committed.
    in_term: Term,
    /// That server's prefix fingerprint up to it: what a log compacted
    /// past this index must still show at its snapshot.
    prefix_fingerprint: Option<u64>,
}

/// The first entry seen applied at an index, by its fingerprint.
#[derive(Clone, Debug)]
struct AppliedEntry {
    /// The server that applied it.
    node: NodeId,
    term: Term,
    fingerprint: u64,
}

/// A fingerprint of one entry (index, term and command): equal entries
/// have equal fingerprints, and different ones differ barring a 64-bit
/// hash collision.
fn entry_fingerprint(entry: &Entry) -> u64 {
    let mut hasher = Fnv64(FNV_OFFSET);
    entry.hash(&mut hasher);
    hasher.finish()
}

/// Watches one simulation. Feed it every step with [`SafetyChecker::observe`].
#[derive(Clone, Debug, Default)]
pub struct SafetyChecker {
    leader_of_term: BTreeMap<Term, NodeId>,
    /// Per server that is leader: its term and its log as last seen in that term.
    leader_logs: BTreeMap<NodeId, (Term, Log)>,
    /// Per log index, the entry first seen committed there. Shared in
    /// chunks between clones, so checkpoints of a checker cost little.
    committed: DenseMap<CommittedEntry>,
    /// Per leader: its term and the committed index up to which its log has
    /// been found complete.
    completeness_checked: BTreeMap<NodeId, (Term, LogIndex)>,
    /// Per log index, the first server seen applying an entry there, with it.
    applied: DenseMap<AppliedEntry>,
    /// The committed entries forgotten (below every server's snapshot, see
    /// [`SafetyChecker::forget_compacted`]) as runs: the first index of each
    /// run of entries first seen committed in the same term, with the term.
    forgotten_terms: Vec<(LogIndex, Term)>,
}

impl SafetyChecker {
    /// A checker that has seen nothing yet.
    pub fn new() -> SafetyChecker {
        SafetyChecker::default()
    }

    /// Checks the simulation's state after `record` and returns what broke.
    pub fn observe(&mut self, sim: &Simulation, record: &StepRecord) -> Vec<Violation> {
        self.check(&Observation::of(sim, record))
    }

    /// Checks one observation (the state after a step) and returns what broke.
    pub fn check(&mut self, seen: &Observation<'_>) -> Vec<Violation> {
        let mut found = Vec::new();
        self.check_election_safety(seen, &mut found);
        self.check_leader_append_only(seen, &mut found);
        check_log_matching(seen, &mut found);
        self.check_leader_completeness(seen, &mut found);
        self.check_state_machine_safety(seen, &mut found);
        self.forget_compacted(seen);
        found
    }

    /// Forgets what is remembered of entries below every server's snapshot
    /// (running or on disk), so a long run with log compaction costs the
    /// checker no more than its logs: no server applies such an entry
    /// again, and every leader holds it only in its snapshot, which is
    /// checked at the snapshot's own index. Of committed entries the terms
    /// they were committed in are kept, as runs.
    fn forget_compacted(&mut self, seen: &Observation<'_>) {
        let Some(below) = seen.nodes.iter().map(|n| n.log.snapshot_index()).min() else {
            return;
        };
        let runs = &mut self.forgotten_terms;
        self.committed
            .forget_below_with(below.0, |index, committed| {
                if runs
                    .last()
                    .is_none_or(|(_, term)| *term != committed.in_term)
                {
                    runs.push((LogIndex(index), committed.in_term));
                }
            });
        self.applied.forget_below(below.0);
    }

    /// The first forgotten committed index at or after `from` that was
    /// committed in a term before `term`, with that term.
    fn first_forgotten_before_term(&self, from: LogIndex, term: Term) -> Option<(LogIndex, Term)> {
        let kept = LogIndex(self.committed.first_kept());
        self.forgotten_terms
            .iter()
            .enumerate()
            .filter(|(_, (_, in_term))| *in_term < term)
            .find_map(|(i, (start, in_term))| {
                let end = self
                    .forgotten_terms
                    .get(i + 1)
                    .map_or(kept, |(next, _)| *next);
                let index = (*start).max(from);
                (index < end).then_some((index, *in_term))
            })
    }

    fn check_election_safety(&mut self, seen: &Observation<'_>, found: &mut Vec<Violation>) {
        for (id, term, _) in seen.leaders() {
            let first = *self.leader_of_term.entry(term).or_insert(id);
            if first != id {
                found.push(Violation {
                    property: Property::ElectionSafety,
                    at: seen.at,
                    nodes: vec![first, id],
                    index: None,
                    term: Some(term),
                    detail: format!("{first} and {id} were both leader in term {term}"),
                });
            }
        }
    }

    fn check_leader_append_only(&mut self, seen: &Observation<'_>, found: &mut Vec<Violation>) {
        let at = seen.at;
        let mut still_leading = Vec::new();
        for (id, term, entries) in seen.leaders() {
            still_leading.push(id);
            match self.leader_logs.get_mut(&id) {
                Some((seen_term, seen)) if *seen_term == term => {
                    let last = seen.last_index();
                    // A log compacted past what was seen can only be taken
                    // on trust there: the snapshot holds applied entries,
                    // which State Machine Safety checks.
                    let kept = entries.snapshot_index() > last
                        || entries.prefix_fingerprint(last) == seen.prefix_fingerprint(last);
                    let changed = (!kept).then(|| first_difference(seen, entries));
                    if let Some(index) = changed {
                        found.push(Violation {
                            property: Property::LeaderAppendOnly,
                            at,
                            nodes: vec![id],
                            index: Some(index),
                            term: Some(term),
                            detail: format!(
                                "leader {id} of term {term} lost or changed its entry at index {index}"
                            ),
                        });
                    }
                    *seen = entries.clone();
                }
                _ => {
                    self.leader_logs.insert(id, (term, entries.clone()));
                }
            }
        }
        self.leader_logs.retain(|id, _| still_leading.contains(id));
    }

    /// Leader Completeness: what was committed stays in every later leader's log.
    fn check_leader_completeness(&mut self, seen: &Observation<'_>, found: &mut Vec<Violation>) {
        self.record_committed(seen);
        self.check_leaders_hold_committed(seen, found);
    }

    /// Records every entry a running server has newly seen committed, with
    /// the term it was seen committed in.
    fn record_committed(&mut self, seen: &Observation<'_>) {
        for node in &seen.nodes {
            let Some((_, term, commit_index)) = node.running else {
                continue;
            };
            let mut index = self
                .committed
                .last()
                .map_or(LogIndex(1), |(index, _)| LogIndex(index).next());
            while index <= commit_index {
                let Some(entry) = node.log.get(index) else {
                    // Entries this server compacted away were recorded
                    // from it or from others before; go on after them.
                    if index <= node.log.snapshot_index() {
                        index = node.log.snapshot_index().next();
                        continue;
                    }
                    break;
                };
                let committed = CommittedEntry {
                    fingerprint: entry_fingerprint(entry),
                    in_term: term,
                    prefix_fingerprint: node.log.prefix_fingerprint(index),
                };
                self.committed.insert(index.0, committed);
                index = index.next();
            }
        }
    }

    /// Every leader holds every entry committed in an earlier term (§5.4).
    fn check_leaders_hold_committed(&mut self, seen: &Observation<'_>, found: &mut Vec<Violation>) {
        for (id, term, log) in seen.leaders() {
            // A leader's log only grows (Leader Append-Only checks that), so
            // what was verified for it in this term stays verified.
            let from = match self.completeness_checked.get(&id) {
                Some(&(checked_term, upto)) if checked_term == term => upto.next(),
                _ => LogIndex(1),
            };
            let last = self
                .committed
                .last()
                .map_or(LogIndex(0), |(index, _)| LogIndex(index));
            self.completeness_checked.insert(id, (term, last));
            // Forgotten entries all sit in this leader's snapshot: checked
            // at its index, as below, once for the first that counts.
            if let Some((index, in_term)) = self.first_forgotten_before_term(from, term) {
                let held = if index <= log.snapshot_index() {
                    self.snapshot_stands_on_committed(log)
                } else {
                    // A server that joined after the entry was forgotten and
                    // leads before a snapshot reached it: only its presence
                    // can be checked.
                    log.get(index).is_some()
                };
                if !held {
                    found.push(leader_lacks_committed(seen.at, id, term, index, in_term));
                    continue;
                }
            }
            let earlier_terms = self
                .committed
                .range_from(from.0)
                .filter(|(_, c)| c.in_term < term);
            for (index, committed) in earlier_terms {
                let index = LogIndex(index);
                let held = if index <= log.snapshot_index() {
                    self.snapshot_stands_on_committed(log)
                } else {
                    log.get(index).map(entry_fingerprint) == Some(committed.fingerprint)
                };
                if !held {
                    found.push(leader_lacks_committed(
                        seen.at,
                        id,
                        term,
                        index,
                        committed.in_term,
                    ));
                    break;
                }
            }
        }
    }

    /// Does `log`'s snapshot stand on the committed prefix at its index
    /// (where that is known)? Entries folded into a snapshot can only be
    /// checked this way.
    fn snapshot_stands_on_committed(&self, log: &Log) -> bool {
        let at = log.snapshot_index();
        self.committed
            .get(at.0)
            .is_none_or(|c| c.prefix_fingerprint == log.prefix_fingerprint(at))
    }

    fn check_state_machine_safety(&mut self, seen: &Observation<'_>, found: &mut Vec<Violation>) {
        for (id, entry) in seen.applied {
            let fingerprint = entry_fingerprint(entry);
            match self.applied.get(entry.index.0) {
                Some(earlier) if earlier.fingerprint != fingerprint => {
                    let first = earlier.node;
                    // The earlier entry's command, if its server still holds it.
                    let what = seen
                        .nodes
                        .iter()
                        .filter(|n| n.id == first)
                        .find_map(|n| n.log.get(entry.index))
                        .filter(|e| entry_fingerprint(e) == earlier.fingerprint)
                        .map_or_else(|| "another entry".to_owned(), |e| e.command.to_string());
                    found.push(Violation {
                        property: Property::StateMachineSafety,
                        at: seen.at,
                        nodes: vec![first, *id],
                        index: Some(entry.index),
                        term: Some(entry.term),
                        detail: format!(
                            "{first} applied {what} (term {}) at index {} but {id} applied {} (term {})",
                            earlier.term, entry.index, entry.command, entry.term
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    let applied = AppliedEntry {
                        node: *id,
                        term: entry.term,
                        fingerprint,
                    };
                    self.applied.insert(entry.index.0, applied);
                }
            }
        }
    }
}

/// Log Matching compares every pair of logs, running or on disk.
fn check_log_matching(seen: &Observation<'_>, found: &mut Vec<Violation>) {
    let at = seen.at;
    for (i, node_a) in seen.nodes.iter().enumerate() {
        for node_b in &seen.nodes[i + 1..] {
            let (a, log_a, b, log_b) = (node_a.id, node_a.log, node_b.id, node_b.log);
            // The highest index where both logs hold an entry of the same term...
            let shared = log_a.last_index().min(log_b.last_index()).0;
            let Some(top) = (1..=shared)
                .rev()
                .map(LogIndex)
                .find(|&k| log_a.term_at(k) == log_b.term_at(k))
            else {
                continue;
            };
            // ...must sit on identical prefixes.
            if log_a.prefix_fingerprint(top) != log_b.prefix_fingerprint(top) {
                let index = first_difference(log_a, log_b);
                found.push(Violation {
                    property: Property::LogMatching,
                    at,
                    nodes: vec![a, b],
                    index: Some(index),
                    term: log_a.term_at(top),
                    detail: format!(
                        "{a} and {b} agree on index {top} term {} but differ at index {index}",
                        log_a.term_at(top).unwrap_or(Term(0)),
                    ),
                });
            }
        }
    }
}

/// The first index where two logs differ (one past the shorter one's end
/// if one is a prefix of the other).
/// Entries compacted away in either log are not compared.
fn first_difference(a: &Log, b: &Log) -> LogIndex {
    let from = a.snapshot_index().max(b.snapshot_index()).next();
    a.entries_from(from)
        .zip(b.entries_from(from))
        .find(|(x, y)| x != y)
        .map_or_else(
            || a.last_index().min(b.last_index()).next(),
            |(x, _)| x.index,
        )
}

/// The log of a server that has never written to its disk.
static EMPTY_LOG: Log = Log::new();

/// The Leader Completeness violation of leader `id` of `term` lacking the
/// entry committed at `index` in term `in_term`.
fn leader_lacks_committed(
    at: Micros,
    id: NodeId,
    term: Term,
    index: LogIndex,
    in_term: Term,
) -> Violation {
    Violation {
        property: Property::LeaderCompleteness,
        at,
        nodes: vec![id],
        index: Some(index),
        term: Some(term),
        detail: format!(
            "leader {id} of term {term} lacks the entry committed at index {index} in term {in_term}"
        ),
    }
}

#[cfg(test)]
mod tests {
    //! Each property is shown able to fail on a hand-made state no correct run reaches.

    use super::*;
    use crate::app::LogCommand;
    use crate::kv::{ClientId, ClientRequest, Operation};

    fn entry(index: u64, term: u64, value: &str) -> Entry {
        Entry {
            index: LogIndex(index),
            term: Term(term),
            command: LogCommand::Client(
                ClientRequest {
                    client: ClientId(1),
                    seq: index,
                    op: Operation::Put {
                        key: "x".into(),
                        value: value.into(),
                    },
                }
                .into(),
            ),
        }
    }

    fn node(id: u32, role: Role, term: u64, commit: u64, log: &Log) -> ObservedNode<'_> {
        ObservedNode {
            id: NodeId(id),
            running: Some((role, Term(term), LogIndex(commit))),
            log,
        }
    }

    fn observe<'a>(
        nodes: Vec<ObservedNode<'a>>,
        applied: &'a [(NodeId, Entry)],
    ) -> Observation<'a> {
        Observation {
            at: 7,
            nodes,
            applied,
        }
    }

    fn properties(found: &[Violation]) -> Vec<Property> {
        found.iter().map(|v| v.property).collect()
    }

    #[test]
    fn two_leaders_in_one_term_break_election_safety() {
        let mut checker = SafetyChecker::new();
        let seen = observe(
            vec![
                node(1, Role::Leader, 2, 0, &EMPTY_LOG),
                node(2, Role::Leader, 2, 0, &EMPTY_LOG),
            ],
            &[],
        );
        let found = checker.check(&seen);
        assert_eq!(properties(&found), [Property::ElectionSafety]);
        assert_eq!(found[0].nodes, [NodeId(1), NodeId(2)]);
        assert_eq!(found[0].at, 7);
    }

    #[test]
    fn leaders_of_different_terms_are_fine() {
        let mut checker = SafetyChecker::new();
        let seen = observe(
            vec![
                node(1, Role::Leader, 2, 0, &EMPTY_LOG),
                node(2, Role::Leader, 3, 0, &EMPTY_LOG),
            ],
            &[],
        );
        assert!(checker.check(&seen).is_empty());
    }

    #[test]
    fn a_leader_dropping_an_entry_breaks_leader_append_only() {
        let mut checker = SafetyChecker::new();
        let before = Log::from_entries(vec![entry(1, 1, "a"), entry(2, 1, "b")]);
        assert!(checker
            .check(&observe(vec![node(1, Role::Leader, 1, 0, &before)], &[]))
            .is_empty());
        let after = Log::from_entries(vec![entry(1, 1, "a")]);
        let found = checker.check(&observe(vec![node(1, Role::Leader, 1, 0, &after)], &[]));
        assert_eq!(properties(&found), [Property::LeaderAppendOnly]);
        assert_eq!(found[0].index, Some(LogIndex(2)));
    }

    #[test]
    fn same_index_and_term_with_different_prefixes_breaks_log_matching() {
        let mut checker = SafetyChecker::new();
        let a = Log::from_entries(vec![entry(1, 1, "a"), entry(2, 2, "b")]);
        let b = Log::from_entries(vec![entry(1, 1, "DIFFERENT"), entry(2, 2, "b")]);
        let seen = observe(
            vec![
                node(1, Role::Follower, 2, 0, &a),
                node(2, Role::Follower, 2, 0, &b),
            ],
            &[],
        );
        let found = checker.check(&seen);
        assert_eq!(properties(&found), [Property::LogMatching]);
        assert_eq!(found[0].index, Some(LogIndex(1)));
    }

    #[test]
    fn a_later_leader_missing_a_committed_entry_breaks_leader_completeness() {
        let mut checker = SafetyChecker::new();
        let committed = Log::from_entries(vec![entry(1, 1, "a")]);
        checker.check(&observe(vec![node(1, Role::Leader, 1, 1, &committed)], &[]));
        let found = checker.check(&observe(
            vec![
                node(1, Role::Follower, 2, 1, &committed),
                node(2, Role::Leader, 2, 0, &EMPTY_LOG),
            ],
            &[],
        ));
        assert_eq!(properties(&found), [Property::LeaderCompleteness]);
        assert_eq!(found[0].nodes, [NodeId(2)]);
    }

    #[test]
    fn applying_different_entries_at_one_index_breaks_state_machine_safety() {
        let mut checker = SafetyChecker::new();
        let first = [(NodeId(1), entry(1, 1, "a"))];
        assert!(checker.check(&observe(vec![], &first)).is_empty());
        let second = [(NodeId(2), entry(1, 1, "b"))];
        let found = checker.check(&observe(vec![], &second));
        assert_eq!(properties(&found), [Property::StateMachineSafety]);
        assert!(found[0].to_string().contains("State Machine Safety"));
    }
}
