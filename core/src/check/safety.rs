//! The five safety properties of the Raft paper's Figure 3, checked after every
//! step. A violation is data: which property, where, when, and who.

use crate::raft::{Entry, LogIndex, Micros, NodeId, Role, Term};
use crate::sim::{Simulation, StepRecord};
use std::collections::BTreeMap;
use std::fmt;

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
    entry: Entry,
    /// The term of the server that first reported it committed.
    in_term: Term,
}

/// Watches one simulation. Feed it every step with [`SafetyChecker::observe`].
#[derive(Clone, Debug, Default)]
pub struct SafetyChecker {
    leader_of_term: BTreeMap<Term, NodeId>,
    /// Per server that is leader: its term and its log as last seen in that term.
    leader_logs: BTreeMap<NodeId, (Term, Vec<Entry>)>,
    committed: BTreeMap<LogIndex, CommittedEntry>,
    applied: BTreeMap<LogIndex, (NodeId, Entry)>,
}

impl SafetyChecker {
    /// A checker that has seen nothing yet.
    pub fn new() -> SafetyChecker {
        SafetyChecker::default()
    }

    /// Checks the simulation's state after `record` and returns what broke.
    pub fn observe(&mut self, sim: &Simulation, record: &StepRecord) -> Vec<Violation> {
        let mut found = Vec::new();
        let at = record.at;
        self.check_election_safety(sim, at, &mut found);
        self.check_leader_append_only(sim, at, &mut found);
        self.check_log_matching(sim, at, &mut found);
        self.check_leader_completeness(sim, at, &mut found);
        self.check_state_machine_safety(record, &mut found);
        found
    }

    fn check_election_safety(&mut self, sim: &Simulation, at: Micros, found: &mut Vec<Violation>) {
        for node in sim.running_nodes().filter(|n| n.role() == Role::Leader) {
            let term = node.current_term();
            let first = *self.leader_of_term.entry(term).or_insert(node.id());
            if first != node.id() {
                found.push(Violation {
                    property: Property::ElectionSafety,
                    at,
                    nodes: vec![first, node.id()],
                    index: None,
                    term: Some(term),
                    detail: format!("{first} and {} were both leader in term {term}", node.id()),
                });
            }
        }
    }

    fn check_leader_append_only(
        &mut self,
        sim: &Simulation,
        at: Micros,
        found: &mut Vec<Violation>,
    ) {
        let mut still_leading = Vec::new();
        for node in sim.running_nodes().filter(|n| n.role() == Role::Leader) {
            let (id, term, entries) = (node.id(), node.current_term(), node.log().entries());
            still_leading.push(id);
            match self.leader_logs.get_mut(&id) {
                Some((seen_term, seen)) if *seen_term == term => {
                    let kept = seen.len() <= entries.len() && entries[..seen.len()] == seen[..];
                    if !kept {
                        let index = seen
                            .iter()
                            .zip(entries)
                            .position(|(a, b)| a != b)
                            .unwrap_or(entries.len());
                        found.push(Violation {
                            property: Property::LeaderAppendOnly,
                            at,
                            nodes: vec![id],
                            index: Some(LogIndex(index as u64 + 1)),
                            term: Some(term),
                            detail: format!(
                                "leader {id} of term {term} lost or changed its entry at index {}",
                                index + 1
                            ),
                        });
                        *seen = entries.to_vec();
                    } else if seen.len() < entries.len() {
                        seen.extend_from_slice(&entries[seen.len()..]);
                    }
                }
                _ => {
                    self.leader_logs.insert(id, (term, entries.to_vec()));
                }
            }
        }
        self.leader_logs.retain(|id, _| still_leading.contains(id));
    }

    fn check_log_matching(&self, sim: &Simulation, at: Micros, found: &mut Vec<Violation>) {
        let logs: Vec<(NodeId, &[Entry])> = (1..=sim.config().node_count as u32)
            .map(NodeId)
            .filter_map(|id| sim.storage(id).map(|s| (id, s.log.entries())))
            .collect();
        for (i, (a, log_a)) in logs.iter().enumerate() {
            for (b, log_b) in &logs[i + 1..] {
                // The highest index where both logs hold an entry of the same term...
                let shared = log_a.len().min(log_b.len());
                let Some(top) = (0..shared).rev().find(|&k| log_a[k].term == log_b[k].term) else {
                    continue;
                };
                // ...must sit on identical prefixes.
                if let Some(k) = (0..=top).find(|&k| log_a[k] != log_b[k]) {
                    found.push(Violation {
                        property: Property::LogMatching,
                        at,
                        nodes: vec![*a, *b],
                        index: Some(LogIndex(k as u64 + 1)),
                        term: Some(log_a[top].term),
                        detail: format!(
                            "{a} and {b} agree on index {} term {} but differ at index {}",
                            top + 1,
                            log_a[top].term,
                            k + 1
                        ),
                    });
                }
            }
        }
    }

    fn check_leader_completeness(
        &mut self,
        sim: &Simulation,
        at: Micros,
        found: &mut Vec<Violation>,
    ) {
        for node in sim.running_nodes() {
            let first_new = self
                .committed
                .last_key_value()
                .map_or(LogIndex(1), |(index, _)| index.next());
            let mut index = first_new;
            while index <= node.commit_index() {
                let Some(entry) = node.log().get(index) else {
                    break;
                };
                self.committed.insert(
                    index,
                    CommittedEntry {
                        entry: entry.clone(),
                        in_term: node.current_term(),
                    },
                );
                index = index.next();
            }
        }
        for leader in sim.running_nodes().filter(|n| n.role() == Role::Leader) {
            let term = leader.current_term();
            for (index, committed) in self.committed.iter().filter(|(_, c)| c.in_term < term) {
                if leader.log().get(*index) != Some(&committed.entry) {
                    found.push(Violation {
                        property: Property::LeaderCompleteness,
                        at,
                        nodes: vec![leader.id()],
                        index: Some(*index),
                        term: Some(term),
                        detail: format!(
                            "leader {} of term {term} lacks the entry committed at index {index} in term {}",
                            leader.id(),
                            committed.in_term
                        ),
                    });
                    break;
                }
            }
        }
    }

    fn check_state_machine_safety(&mut self, record: &StepRecord, found: &mut Vec<Violation>) {
        for (id, entry) in &record.applied {
            match self.applied.get(&entry.index) {
                Some((first, earlier)) if earlier != entry => found.push(Violation {
                    property: Property::StateMachineSafety,
                    at: record.at,
                    nodes: vec![*first, *id],
                    index: Some(entry.index),
                    term: Some(entry.term),
                    detail: format!(
                        "{first} applied {} (term {}) at index {} but {id} applied {} (term {})",
                        earlier.request.op, earlier.term, entry.index, entry.request.op, entry.term
                    ),
                }),
                Some(_) => {}
                None => {
                    self.applied.insert(entry.index, (*id, entry.clone()));
                }
            }
        }
    }
}
