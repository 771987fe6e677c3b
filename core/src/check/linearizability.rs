//! Linearizability of a key-value history, checked per key with the
//! Wing–Gong search as refined by Lowe: try to linearize the earliest pending
//! call, backtrack when an operation returns before it could be placed, and
//! remember every (set of placed operations, state) pair already explored so
//! no state is searched twice. This is the algorithm behind Knossos and
//! Porcupine, written here from the papers.
//!
//! Operations whose outcome is unknown (the client gave up) may take effect at
//! any point after their invocation, or never: they are treated as returning
//! at the end of time with any output. Operations known to have failed did not
//! take effect and are left out.

use crate::history::{HistoryOp, OpResult};
use crate::raft::Micros;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The most distinct search states (operations placed, value) the checker
/// visits for one key before it gives up. Correct runs need a tiny fraction;
/// the search is exponential in the worst case, and a badly broken cluster
/// (a bug switch on) can produce histories that would take it hours.
pub const SEARCH_STATES_MAX: usize = 200_000;

/// A history that no sequential key-value store could have produced, or one
/// the search could not decide within [`SEARCH_STATES_MAX`] states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotLinearizable {
    /// The key whose operations cannot be ordered.
    pub key: String,
    /// Positions of that key's operations in the checked history (for
    /// [`IncrementalChecker`], the unsettled ones, numbered in the order it
    /// read them: answered ones client by client, then pending ones).
    pub ops: Vec<usize>,
    /// True when the search gave up rather than proved the history wrong.
    pub undecided: bool,
}

impl fmt::Display for NotLinearizable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.undecided {
            return write!(
                f,
                "the {} operations on key {:?} could not be ordered or ruled out within {SEARCH_STATES_MAX} search states",
                self.ops.len(),
                self.key
            );
        }
        write!(
            f,
            "the {} operations on key {:?} cannot be put in any order that respects real time and a single copy of the data",
            self.ops.len(),
            self.key
        )
    }
}

/// Checks a whole history, key by key (a key-value store is linearizable iff
/// each key's sub-history is). Returns the first key that fails.
pub fn check_history(history: &[HistoryOp]) -> Result<(), NotLinearizable> {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (position, op) in history.iter().enumerate() {
        if op.result != OpResult::Failed {
            by_key.entry(op.op.key()).or_default().push(position);
        }
    }
    for (key, positions) in by_key {
        let ops: Vec<&HistoryOp> = positions.iter().map(|&p| &history[p]).collect();
        let verdict = linearizable_register(&ops);
        if verdict != Some(true) {
            return Err(NotLinearizable {
                key: key.to_owned(),
                ops: positions,
                undecided: verdict.is_none(),
            });
        }
    }
    Ok(())
}

/// The linearizability verdict on a client history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Linearizability {
    /// Every completed operation fits a single copy of the data.
    Linearizable {
        /// Operations checked.
        operations: usize,
    },
    /// Some key's operations cannot be ordered (or the search gave up).
    Broken(NotLinearizable),
}

/// Steps between the newest snapshots of an [`IncrementalChecker`]'s state,
/// used when the position moves back. A snapshot is small (per key, the
/// values it may hold and its open operations), so they can be dense.
const SNAPSHOT_EVERY: u64 = 4_096;

/// The widest spacing between its older snapshots: a verdict after a seek
/// reads at most this many steps' worth of history.
const SNAPSHOT_GAP_MAX: u64 = 16_384;

/// One key's part of the history as an [`IncrementalChecker`] holds it.
#[derive(Clone, Debug)]
struct KeyHistory {
    /// Every value the key may hold after its settled operations (never
    /// empty: an empty set is a violation, kept in [`CheckerState::broken`]).
    starts: BTreeSet<Option<String>>,
    /// Answered operations not settled yet, each with its number in the
    /// order the checker read them.
    open: Vec<(usize, HistoryOp)>,
}

impl Default for KeyHistory {
    fn default() -> KeyHistory {
        KeyHistory {
            starts: BTreeSet::from([None]),
            open: Vec::new(),
        }
    }
}

/// What an [`IncrementalChecker`] knows after reading the history of one position.
#[derive(Clone, Debug, Default)]
struct CheckerState {
    /// The position whose history was read.
    position: u64,
    /// Per client (in order), how many of its answered operations were read.
    read: Vec<usize>,
    /// How many answered operations were read in all.
    answered: usize,
    keys: BTreeMap<String, KeyHistory>,
    /// A settled stretch no order explains: stays broken from here on.
    broken: Option<NotLinearizable>,
}

/// Judges a simulation's client history position after position without
/// going over all of it each time. Keys are independent, and on one key a
/// stretch of answered operations that all returned before any later
/// operation (answered or still pending) was invoked must be ordered
/// before everything after it: such a stretch is settled once, into the set
/// of values it may leave, and later checks start from that set. What stays
/// open is the recent, overlapping part, so a check costs what happened
/// lately, not the run's length.
///
/// The verdict is the same as [`check_history`]'s on the whole history
/// (except that a search too big for [`SEARCH_STATES_MAX`] over the whole
/// history may be decided here in settled pieces).
#[derive(Clone, Debug)]
pub struct IncrementalChecker {
    state: CheckerState,
    /// Earlier states, in increasing position, the first at position 0.
    snapshots: Vec<CheckerState>,
    /// The verdict for `state.position`, once judged.
    verdict: Option<Linearizability>,
}

impl Default for IncrementalChecker {
    fn default() -> IncrementalChecker {
        IncrementalChecker::new()
    }
}

impl IncrementalChecker {
    /// A checker that has read nothing.
    pub fn new() -> IncrementalChecker {
        IncrementalChecker {
            state: CheckerState::default(),
            snapshots: vec![CheckerState::default()],
            verdict: None,
        }
    }

    /// The verdict on `sim`'s history, `sim` being the run at `position`
    /// of the future this checker has followed (an earlier or later
    /// position than the last one judged is fine).
    pub fn judge(&mut self, sim: &crate::sim::Simulation, position: u64) -> &Linearizability {
        if position != self.state.position || self.verdict.is_none() {
            if position < self.state.position {
                self.restore(position);
            }
            self.state.read_up_to(sim, position);
            self.snapshot();
            self.verdict = Some(self.state.verdict(sim));
        }
        self.verdict
            .get_or_insert(Linearizability::Linearizable { operations: 0 })
    }

    /// Forgets what was read past `position`: the future after it changed.
    pub fn forget_after(&mut self, position: u64) {
        let keep = self
            .snapshots
            .partition_point(|s| s.position <= position)
            .max(1);
        self.snapshots.truncate(keep);
        if self.state.position > position {
            self.restore(position);
        }
    }

    /// Goes back to the latest snapshot at or before `position`.
    fn restore(&mut self, position: u64) {
        let at = self
            .snapshots
            .partition_point(|s| s.position <= position)
            .max(1);
        self.state = self.snapshots[at - 1].clone();
        self.verdict = None;
    }

    /// Keeps a copy of the state now and then, thinned like checkpoints.
    fn snapshot(&mut self) {
        let last = self.snapshots.last().map_or(0, |s| s.position);
        if self.state.position >= last + SNAPSHOT_EVERY {
            self.snapshots.push(self.state.clone());
            crate::timeline::thin_checkpoints(
                &mut self.snapshots,
                |s| s.position,
                self.state.position,
                SNAPSHOT_EVERY,
                SNAPSHOT_GAP_MAX,
            );
        }
    }
}

impl CheckerState {
    /// Reads the operations answered since the last read and settles what
    /// can be settled.
    fn read_up_to(&mut self, sim: &crate::sim::Simulation, position: u64) {
        self.position = position;
        let counts = sim.answered_counts();
        self.read.resize(counts.len().max(self.read.len()), 0);
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for (client, &count) in counts.iter().enumerate() {
            let from = self.read[client];
            if count <= from {
                continue;
            }
            for op in sim.answered_since(client, from) {
                let number = self.answered;
                self.answered += 1;
                if op.result == OpResult::Failed {
                    continue;
                }
                let key = op.op.key().to_owned();
                self.keys
                    .entry(key.clone())
                    .or_default()
                    .open
                    .push((number, op));
                touched.insert(key);
            }
            self.read[client] = count;
        }
        if self.broken.is_some() {
            return;
        }
        // Nothing invoked from here on can be ordered before an operation
        // that returned before the earliest of these instants.
        let mut horizon: BTreeMap<&str, Micros> = BTreeMap::new();
        let pending: Vec<HistoryOp> = sim.pending_history().collect();
        for op in &pending {
            let earliest = horizon.entry(op.op.key()).or_insert(Micros::MAX);
            *earliest = (*earliest).min(op.invoked_at);
        }
        let now = sim.now();
        for key in touched {
            let bound = horizon.get(key.as_str()).map_or(now, |&t| t.min(now));
            let Some(history) = self.keys.get_mut(&key) else {
                continue;
            };
            if let Err(broken) = history.settle(&key, bound) {
                self.broken = Some(broken);
                return;
            }
        }
    }

    /// The verdict: broken if a settled stretch was, or if the open
    /// operations of some key (with the pending ones) fit no value it may
    /// start from.
    fn verdict(&self, sim: &crate::sim::Simulation) -> Linearizability {
        if let Some(broken) = &self.broken {
            return Linearizability::Broken(broken.clone());
        }
        let mut pending_by_key: BTreeMap<&str, Vec<(usize, &HistoryOp)>> = BTreeMap::new();
        let pending: Vec<HistoryOp> = sim.pending_history().collect();
        for (i, op) in pending.iter().enumerate() {
            pending_by_key
                .entry(op.op.key())
                .or_default()
                .push((self.answered + i, op));
        }
        let empty = KeyHistory::default();
        let keys: BTreeSet<&str> = self
            .keys
            .keys()
            .map(String::as_str)
            .chain(pending_by_key.keys().copied())
            .collect();
        for key in keys {
            let history = self.keys.get(key).unwrap_or(&empty);
            let mut ops: Vec<(usize, &HistoryOp)> =
                history.open.iter().map(|(n, op)| (*n, op)).collect();
            ops.extend(pending_by_key.get(key).into_iter().flatten().copied());
            if ops.is_empty() {
                continue;
            }
            let only_ops: Vec<&HistoryOp> = ops.iter().map(|(_, op)| *op).collect();
            let mut undecided = false;
            let fits = history.starts.iter().any(|start| {
                match linearizable_from(&only_ops, start, None) {
                    Some(fits) => fits,
                    None => {
                        undecided = true;
                        false
                    }
                }
            });
            if !fits {
                let mut numbers: Vec<usize> = ops.iter().map(|(n, _)| *n).collect();
                numbers.sort_unstable();
                return Linearizability::Broken(NotLinearizable {
                    key: key.to_owned(),
                    ops: numbers,
                    undecided,
                });
            }
        }
        Linearizability::Linearizable {
            operations: self.answered + pending.len(),
        }
    }
}

impl KeyHistory {
    /// Settles, one after the other, the stretches of open operations that
    /// each returned before every later one (and before `bound`, the
    /// earliest instant at which an operation not read yet may have been
    /// invoked) was invoked. Small stretches keep every search small.
    fn settle(&mut self, key: &str, bound: Micros) -> Result<(), NotLinearizable> {
        self.open
            .sort_by_key(|(n, op)| (op.invoked_at, op.completed_at, *n));
        // Where a stretch may end: before operation i, if everything before
        // it returned before it was invoked (and before `bound`).
        let mut cuts = Vec::new();
        let mut returned_by = 0;
        for (i, (_, op)) in self.open.iter().enumerate() {
            if i > 0 && returned_by < op.invoked_at.min(bound) {
                cuts.push(i);
            }
            returned_by = returned_by.max(op.completed_at.max(op.invoked_at));
        }
        if !self.open.is_empty() && returned_by < bound {
            cuts.push(self.open.len());
        }
        let mut settled = 0;
        for cut in cuts {
            let stretch: Vec<&HistoryOp> =
                self.open[settled..cut].iter().map(|(_, op)| op).collect();
            let mut ends = BTreeSet::new();
            for start in &self.starts {
                if linearizable_from(&stretch, start, Some(&mut ends)).is_none() {
                    // Too big to settle: it stays open for the verdict to judge.
                    self.open.drain(..settled);
                    return Ok(());
                }
            }
            if ends.is_empty() {
                let mut numbers: Vec<usize> =
                    self.open[settled..cut].iter().map(|(n, _)| *n).collect();
                numbers.sort_unstable();
                return Err(NotLinearizable {
                    key: key.to_owned(),
                    ops: numbers,
                    undecided: false,
                });
            }
            self.starts = ends;
            settled = cut;
        }
        self.open.drain(..settled);
        Ok(())
    }
}

/// The register model: apply `op` to `state` if its recorded output is what a
/// sequential store would have answered. `None` means "impossible here".
fn step(state: &Option<String>, op: &HistoryOp) -> Option<Option<String>> {
    if let OpResult::Ok { previous } = &op.result {
        if previous != state {
            return None;
        }
    }
    Some(op.op.next_value(state.as_deref()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Call,
    Return,
}

/// One call or return event in a doubly linked list that the search unlinks
/// and relinks in LIFO order (dancing links).
#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    op: usize,
    /// For a call, the position of its return in `nodes`.
    partner: usize,
    prev: usize,
    next: usize,
}

const HEAD: usize = 0;

/// `Some(true)` if the register history is linearizable, `Some(false)` if
/// not, `None` if the search ran out of its state budget.
fn linearizable_register(ops: &[&HistoryOp]) -> Option<bool> {
    linearizable_from(ops, &None, None)
}

/// Like [`linearizable_register`] from the value `start` instead of unset.
/// With `ends`, the search goes on past the first way to place every
/// operation and collects the value each way leaves (every value the
/// register may hold after these operations).
fn linearizable_from(
    ops: &[&HistoryOp],
    start: &Option<String>,
    ends: Option<&mut BTreeSet<Option<String>>>,
) -> Option<bool> {
    // Reads that were never answered constrain nothing.
    let ops: Vec<&HistoryOp> = ops
        .iter()
        .copied()
        .filter(|o| !(o.result == OpResult::Unknown && o.op.is_read()))
        .collect();
    let nodes = event_list(&ops);
    if nodes.len() == 1 {
        if let Some(ends) = ends {
            ends.insert(start.clone());
        }
        return Some(true);
    }
    search(&ops, nodes, start.clone(), ends)
}

/// Every operation's call and return as a linked list in time order, after
/// the head sentinel at [`HEAD`]; each call knows where its return is.
fn event_list(ops: &[&HistoryOp]) -> Vec<Node> {
    let mut events: Vec<(Micros, Kind, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        let returns_at = match op.result {
            OpResult::Unknown => Micros::MAX,
            _ => op.completed_at.max(op.invoked_at),
        };
        events.push((op.invoked_at, Kind::Call, i));
        events.push((returns_at, Kind::Return, i));
    }
    // At equal instants calls come first: operations that touch are treated as
    // concurrent, which never reports a false violation.
    events.sort_by_key(|&(t, kind, i)| (t, kind == Kind::Return, i));

    // nodes[0] is the list head sentinel; events follow from 1.
    let mut nodes = vec![Node {
        kind: Kind::Call,
        op: usize::MAX,
        partner: 0,
        prev: 0,
        next: 1,
    }];
    let mut return_slot = vec![0; ops.len()];
    for (position, &(_, kind, op)) in events.iter().enumerate() {
        let index = position + 1;
        if kind == Kind::Return {
            return_slot[op] = index;
        }
        nodes.push(Node {
            kind,
            op,
            partner: 0,
            prev: index - 1,
            next: if index == events.len() {
                usize::MAX
            } else {
                index + 1
            },
        });
    }
    for node in nodes.iter_mut().skip(1) {
        if node.kind == Kind::Call {
            node.partner = return_slot[node.op];
        }
    }
    nodes
}

/// The search over a non-empty event list from [`event_list`], from the
/// value `start`: place the earliest pending call that fits, backtrack at a
/// return that comes before its call could be placed, never explore a
/// (placed, state) pair twice. With `ends`, every way to place all the
/// operations is explored and the value each leaves is collected.
fn search(
    ops: &[&HistoryOp],
    mut nodes: Vec<Node>,
    start: Option<String>,
    mut ends: Option<&mut BTreeSet<Option<String>>>,
) -> Option<bool> {
    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut state: Option<String> = start;
    let mut seen: BTreeSet<(Vec<u64>, Option<String>)> = BTreeSet::new();
    let mut stack: Vec<(usize, Option<String>)> = Vec::new();
    let mut cursor = nodes[HEAD].next;
    loop {
        if nodes[HEAD].next == usize::MAX {
            let Some(ends) = ends.as_deref_mut() else {
                return Some(true);
            };
            // One way to place everything: note what it leaves, then look
            // for the others as if it had failed.
            ends.insert(state.clone());
            match undo(&mut nodes, &mut stack, &mut linearized, &mut state) {
                Some(next) => cursor = next,
                None => return Some(true),
            }
            continue;
        }
        if cursor == usize::MAX {
            // Every pending call was tried here; only a return can end the scan.
            unreachable!("the list always ends in a return");
        }
        let node = nodes[cursor].clone();
        match node.kind {
            Kind::Call => {
                if let Some(next_state) = step(&state, ops[node.op]) {
                    let mut placed = linearized.clone();
                    placed[node.op / 64] |= 1 << (node.op % 64);
                    if seen.len() >= SEARCH_STATES_MAX {
                        return None;
                    }
                    if seen.insert((placed.clone(), next_state.clone())) {
                        stack.push((cursor, state));
                        state = next_state;
                        linearized = placed;
                        unlink(&mut nodes, cursor);
                        unlink(&mut nodes, node.partner);
                        cursor = nodes[HEAD].next;
                        continue;
                    }
                }
                cursor = node.next;
            }
            Kind::Return => {
                // This operation returned before we could place it: undo the
                // latest placement and try the next candidate after it.
                match undo(&mut nodes, &mut stack, &mut linearized, &mut state) {
                    Some(next) => cursor = next,
                    None => return Some(ends.is_some_and(|ends| !ends.is_empty())),
                }
            }
        }
    }
}

/// Takes back the latest placement; returns where the search goes on (the
/// candidate after the call taken back), or `None` if nothing was placed.
fn undo(
    nodes: &mut [Node],
    stack: &mut Vec<(usize, Option<String>)>,
    linearized: &mut [u64],
    state: &mut Option<String>,
) -> Option<usize> {
    let (call, previous_state) = stack.pop()?;
    let op = nodes[call].op;
    linearized[op / 64] &= !(1 << (op % 64));
    *state = previous_state;
    let partner = nodes[call].partner;
    relink(nodes, partner);
    relink(nodes, call);
    Some(nodes[call].next)
}

fn unlink(nodes: &mut [Node], index: usize) {
    let (prev, next) = (nodes[index].prev, nodes[index].next);
    nodes[prev].next = next;
    if next != usize::MAX {
        nodes[next].prev = prev;
    }
}

fn relink(nodes: &mut [Node], index: usize) {
    let (prev, next) = (nodes[index].prev, nodes[index].next);
    nodes[prev].next = index;
    if next != usize::MAX {
        nodes[next].prev = index;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{ClientId, Operation};

    fn op(
        client: u32,
        op: Operation,
        invoked_at: u64,
        completed_at: u64,
        result: OpResult,
    ) -> HistoryOp {
        HistoryOp {
            client: ClientId(client),
            op,
            invoked_at,
            completed_at,
            result,
        }
    }

    fn put(key: &str, value: &str) -> Operation {
        Operation::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    fn get(key: &str) -> Operation {
        Operation::Get { key: key.into() }
    }

    fn ok(previous: Option<&str>) -> OpResult {
        OpResult::Ok {
            previous: previous.map(str::to_owned),
        }
    }

    #[test]
    fn sequential_history_is_linearizable() {
        let h = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(1, get("x"), 20, 30, ok(Some("1"))),
            op(2, put("x", "2"), 40, 50, ok(Some("1"))),
            op(2, get("x"), 60, 70, ok(Some("2"))),
        ];
        assert_eq!(check_history(&h), Ok(()));
    }

    #[test]
    fn concurrent_ops_may_take_effect_in_either_order() {
        // The read overlaps both writes and sees the second one's value, while
        // the second write replaced the first.
        let h = [
            op(1, put("x", "1"), 0, 100, ok(None)),
            op(2, put("x", "2"), 10, 90, ok(Some("1"))),
            op(3, get("x"), 20, 80, ok(Some("2"))),
        ];
        assert_eq!(check_history(&h), Ok(()));
    }

    #[test]
    fn a_stale_read_is_not_linearizable() {
        // x=2 completed before the read began, yet the read returned 1.
        let h = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(1, put("x", "2"), 20, 30, ok(Some("1"))),
            op(2, get("x"), 40, 50, ok(Some("1"))),
        ];
        let err = check_history(&h).unwrap_err();
        assert_eq!(err.key, "x");
        assert_eq!(err.ops, vec![0, 1, 2]);
    }

    #[test]
    fn a_retried_write_applied_twice_is_caught() {
        // Client 1's put x=1 timed out and was retried, and both copies ran: the
        // first before client 2's put x=2 (which replaced "1"), the retry after
        // it (replacing "2"). One operation cannot take effect twice.
        let h = [
            op(1, put("x", "1"), 0, 100, ok(Some("2"))),
            op(2, put("x", "2"), 10, 20, ok(Some("1"))),
            op(3, get("x"), 30, 40, ok(Some("2"))),
            op(3, get("x"), 110, 120, ok(Some("1"))),
        ];
        assert!(check_history(&h).is_err());
    }

    #[test]
    fn an_unknown_write_may_or_may_not_have_happened() {
        let happened = [
            op(1, put("x", "1"), 0, 0, OpResult::Unknown),
            op(2, get("x"), 50, 60, ok(Some("1"))),
        ];
        assert_eq!(check_history(&happened), Ok(()));
        let did_not = [
            op(1, put("x", "1"), 0, 0, OpResult::Unknown),
            op(2, get("x"), 50, 60, ok(None)),
        ];
        assert_eq!(check_history(&did_not), Ok(()));
        let before_invocation = [
            op(2, get("x"), 0, 10, ok(Some("1"))),
            op(1, put("x", "1"), 20, 0, OpResult::Unknown),
        ];
        assert!(
            check_history(&before_invocation).is_err(),
            "no effect before it was sent"
        );
    }

    #[test]
    fn failed_ops_are_left_out_and_keys_are_independent() {
        let h = [
            op(1, put("x", "1"), 0, 10, OpResult::Failed),
            op(1, get("x"), 20, 30, ok(None)),
            op(2, put("y", "1"), 0, 10, ok(None)),
            op(2, get("y"), 20, 30, ok(Some("1"))),
        ];
        assert_eq!(check_history(&h), Ok(()));
    }

    #[test]
    fn compare_and_set_succeeds_only_on_the_value_it_expected() {
        let cas = |expected: &str, new: &str| Operation::CompareAndSet {
            key: "x".into(),
            expected: Some(expected.into()),
            new: new.into(),
        };
        let fine = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(1, cas("1", "2"), 20, 30, ok(Some("1"))),
            op(2, get("x"), 40, 50, ok(Some("2"))),
        ];
        assert_eq!(check_history(&fine), Ok(()));
        // Both CASes claim to have seen "1": only one of them can have.
        let double = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(1, cas("1", "2"), 20, 30, ok(Some("1"))),
            op(2, cas("1", "3"), 40, 50, ok(Some("1"))),
        ];
        assert!(check_history(&double).is_err());
    }

    #[test]
    fn toy_operations_are_checked_as_one_register_through_next_value() {
        use crate::kv::{ToyOp, TOY_KEY};
        let toy = |op| Operation::Toy { op };
        let b = || Some("B");
        // Two clients' X overlap: one saw A (unset), the other B, and a later
        // read of the state sees A again. X then X from A: possible.
        let fine = [
            op(1, toy(ToyOp::X), 0, 100, ok(None)),
            op(2, toy(ToyOp::X), 10, 90, ok(b())),
            op(3, get(TOY_KEY), 200, 210, ok(None)),
        ];
        assert_eq!(check_history(&fine), Ok(()));
        // Both X claim to have found the machine in A: whichever ran second
        // must have found B, so no order explains these answers.
        let both_saw_a = [
            op(1, toy(ToyOp::X), 0, 100, ok(None)),
            op(2, toy(ToyOp::X), 10, 90, ok(None)),
        ];
        let err = check_history(&both_saw_a).unwrap_err();
        assert_eq!((err.key.as_str(), err.undecided), (TOY_KEY, false));
        // X, Y one after the other cannot leave C for a later read: from A
        // that takes X, X, Y (a lost or doubled X shows up here).
        let doubled = [
            op(1, toy(ToyOp::X), 0, 10, ok(None)),
            op(1, toy(ToyOp::Y), 20, 30, ok(b())),
            op(2, get(TOY_KEY), 40, 50, ok(Some("C"))),
        ];
        assert!(check_history(&doubled).is_err());
    }

    #[test]
    fn many_concurrent_writers_are_searched_quickly() {
        // 60 overlapping puts and a read of the last: memoization keeps this small.
        let mut h: Vec<HistoryOp> = (0..60)
            .map(|i| {
                op(
                    i,
                    put("x", &i.to_string()),
                    i as u64,
                    1_000,
                    OpResult::Unknown,
                )
            })
            .collect();
        h.push(op(99, get("x"), 2_000, 2_010, ok(Some("59"))));
        assert_eq!(check_history(&h), Ok(()));
    }
}
