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
//! take effect and are left out. Operations that completed with no answer
//! ([`OpResult::Done`]) took effect within their interval with any output,
//! and a compare-and-set that completed without writing
//! ([`OpResult::NotSwapped`]) took effect where the key did not hold the
//! expected value.
//!
//! Keys are judged one by one and every key is judged: a proven violation on
//! one key is reported even when the search gave up on another, and the
//! verdict names the keys left undecided. A search is bounded by a
//! [`SearchBudget`]: states per key, and a clock the caller may bring.

use crate::history::{HistoryOp, OpResult};
use crate::kv::Operation;
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
    /// The other keys whose search gave up (a proven violation is reported
    /// before any undecided key; these were not decided either way).
    pub undecided_keys: Vec<String>,
}

/// How often, in search states, a search asks [`SearchBudget`]'s clock.
pub const CLOCK_EVERY: usize = 1_024;

/// How much searching one verdict may do: at most `states` search states
/// for each key, and, with `out_of_time`, until that says to stop (asked
/// every [`CLOCK_EVERY`] states and before each key). The core keeps no
/// clock of its own, so that verdicts stay deterministic unless a caller
/// brings one.
pub struct SearchBudget<'a> {
    /// Search states one key's search may visit.
    pub states: usize,
    /// Says when the time allowed is spent.
    pub out_of_time: Option<&'a mut dyn FnMut() -> bool>,
    /// The clock said stop: every search from here gives up at once.
    spent: bool,
}

impl Default for SearchBudget<'_> {
    fn default() -> Self {
        SearchBudget::states(SEARCH_STATES_MAX)
    }
}

impl<'a> SearchBudget<'a> {
    /// At most `states` search states per key, with no clock.
    pub fn states(states: usize) -> SearchBudget<'a> {
        SearchBudget {
            states,
            out_of_time: None,
            spent: false,
        }
    }

    /// At most `states` search states per key, and no search after
    /// `out_of_time` says the time is spent.
    pub fn timed(states: usize, out_of_time: &'a mut dyn FnMut() -> bool) -> SearchBudget<'a> {
        SearchBudget {
            states,
            out_of_time: Some(out_of_time),
            spent: false,
        }
    }

    /// Must a search that has visited `visited` states give up?
    fn exhausted(&mut self, visited: usize) -> bool {
        if !self.spent && visited % CLOCK_EVERY == 0 {
            if let Some(out_of_time) = self.out_of_time.as_mut() {
                self.spent = out_of_time();
            }
        }
        self.spent || visited >= self.states
    }
}

impl fmt::Display for NotLinearizable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.undecided {
            write!(
                f,
                "the {} operations on key {:?} could not be ordered or ruled out within the search budget",
                self.ops.len(),
                self.key
            )?;
        } else {
            write!(
                f,
                "the {} operations on key {:?} cannot be put in any order that respects real time and a single copy of the data",
                self.ops.len(),
                self.key
            )?;
        }
        if !self.undecided_keys.is_empty() {
            write!(f, " (undecided: {})", self.undecided_keys.join(", "))?;
        }
        Ok(())
    }
}

/// Checks a whole history, key by key (a key-value store is linearizable iff
/// each key's sub-history is), within the default [`SearchBudget`]. Returns
/// the first key proven wrong or, if none is, the first left undecided; either
/// way naming the other undecided keys.
pub fn check_history(history: &[HistoryOp]) -> Result<(), NotLinearizable> {
    check_history_within(history, &mut SearchBudget::default()).into_result()
}

/// The verdict on every key of a history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyVerdicts {
    /// Keys judged (those with operations that may have taken effect).
    pub keys: usize,
    /// Keys proven not linearizable, in key order.
    pub violated: Vec<NotLinearizable>,
    /// Keys whose search gave up, in key order.
    pub undecided: Vec<NotLinearizable>,
}

impl KeyVerdicts {
    /// The first proven violation, else the first undecided key, each
    /// naming the undecided keys besides its own.
    pub fn into_result(self) -> Result<(), NotLinearizable> {
        let undecided_keys: Vec<String> = self.undecided.iter().map(|u| u.key.clone()).collect();
        let first = self
            .violated
            .into_iter()
            .next()
            .or_else(|| self.undecided.into_iter().next());
        match first {
            None => Ok(()),
            Some(mut first) => {
                first.undecided_keys = undecided_keys
                    .into_iter()
                    .filter(|k| *k != first.key)
                    .collect();
                Err(first)
            }
        }
    }
}

/// Judges every key of `history` within `budget`.
pub fn check_history_within(history: &[HistoryOp], budget: &mut SearchBudget<'_>) -> KeyVerdicts {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (position, op) in history.iter().enumerate() {
        if op.result != OpResult::Failed {
            by_key.entry(op.op.key()).or_default().push(position);
        }
    }
    let mut verdicts = KeyVerdicts {
        keys: by_key.len(),
        ..KeyVerdicts::default()
    };
    for (key, positions) in by_key {
        let ops: Vec<&HistoryOp> = positions.iter().map(|&p| &history[p]).collect();
        let verdict = linearizable_from(&ops, &None, None, budget);
        if verdict == Some(true) {
            continue;
        }
        let broken = NotLinearizable {
            key: key.to_owned(),
            ops: positions,
            undecided: verdict.is_none(),
            undecided_keys: Vec::new(),
        };
        if broken.undecided {
            verdicts.undecided.push(broken);
        } else {
            verdicts.violated.push(broken);
        }
    }
    verdicts
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
            // Back, or forward past a snapshot: start from the latest
            // snapshot at or before `position` rather than reading on from
            // here (a jump forward over an hour would read all of it).
            let nearest = self.nearest_snapshot(position);
            if position < self.state.position || nearest > self.state.position {
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

    /// The position of the latest snapshot at or before `position`.
    fn nearest_snapshot(&self, position: u64) -> u64 {
        let at = self
            .snapshots
            .partition_point(|s| s.position <= position)
            .max(1);
        self.snapshots[at - 1].position
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
        let mut verdicts = KeyVerdicts {
            keys: keys.len(),
            ..KeyVerdicts::default()
        };
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
                let budget = &mut SearchBudget::default();
                match linearizable_from(&only_ops, start, None, budget) {
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
                let broken = NotLinearizable {
                    key: key.to_owned(),
                    ops: numbers,
                    undecided,
                    undecided_keys: Vec::new(),
                };
                if undecided {
                    verdicts.undecided.push(broken);
                } else {
                    verdicts.violated.push(broken);
                }
            }
        }
        match verdicts.into_result() {
            Ok(()) => Linearizability::Linearizable {
                operations: self.answered + pending.len(),
            },
            Err(broken) => Linearizability::Broken(broken),
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
                let budget = &mut SearchBudget::default();
                if linearizable_from(&stretch, start, Some(&mut ends), budget).is_none() {
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
                    undecided_keys: Vec::new(),
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
    match (&op.result, &op.op) {
        (OpResult::Ok { previous }, _) if previous != state => return None,
        (OpResult::NotSwapped, Operation::CompareAndSet { expected, .. }) if expected == state => {
            return None
        }
        _ => {}
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

/// Whether the register history `ops` is linearizable from the value
/// `start`: `Some(true)` or `Some(false)`, `None` if the search ran out of
/// `budget`. With `ends`, the search goes on past the first way to place
/// every operation and collects the value each way leaves (every value the
/// register may hold after these operations).
fn linearizable_from(
    ops: &[&HistoryOp],
    start: &Option<String>,
    ends: Option<&mut BTreeSet<Option<String>>>,
    budget: &mut SearchBudget<'_>,
) -> Option<bool> {
    linearizable_ordered(ops, start, ends, budget, None)
}

/// Like [`linearizable_from`]; with `order`, a linearizable history also
/// leaves one order that explains it there: positions in `ops`, first to
/// take effect first (unanswered operations left out took no effect).
fn linearizable_ordered(
    ops: &[&HistoryOp],
    start: &Option<String>,
    ends: Option<&mut BTreeSet<Option<String>>>,
    budget: &mut SearchBudget<'_>,
    order: Option<&mut Vec<usize>>,
) -> Option<bool> {
    // Reads whose answer is not known constrain nothing.
    let kept: Vec<usize> = (0..ops.len())
        .filter(|&i| {
            let o = ops[i];
            !(matches!(o.result, OpResult::Unknown | OpResult::Done) && o.op.is_read())
        })
        .collect();
    let ops: Vec<&HistoryOp> = kept.iter().map(|&i| ops[i]).collect();
    let nodes = event_list(&ops);
    if nodes.len() == 1 {
        if let Some(ends) = ends {
            ends.insert(start.clone());
        }
        if let Some(order) = order {
            order.clear();
        }
        return Some(true);
    }
    if budget.exhausted(0) {
        return None;
    }
    let mut placed = Vec::new();
    let verdict = search(&ops, nodes, start.clone(), ends, budget, &mut placed);
    if let Some(order) = order {
        *order = placed.into_iter().map(|i| kept[i]).collect();
    }
    verdict
}

/// One order in which `ops` (one key's operations, from an unset key) take
/// effect that explains every answer: their positions in `ops`, first
/// first; operations without an answer that the order leaves out took no
/// effect. `None` when there is none, or when the default budget ran out
/// before one was found.
pub fn linearization(ops: &[&HistoryOp]) -> Option<Vec<usize>> {
    let ops_taking_part: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].result != OpResult::Failed)
        .collect();
    let part: Vec<&HistoryOp> = ops_taking_part.iter().map(|&i| ops[i]).collect();
    let mut order = Vec::new();
    let budget = &mut SearchBudget::default();
    match linearizable_ordered(&part, &None, None, budget, Some(&mut order)) {
        Some(true) => Some(order.into_iter().map(|i| ops_taking_part[i]).collect()),
        _ => None,
    }
}

/// A small set of `ops` (one key's operations, from an unset key) that no
/// order explains, and that is to blame: removing from it only what cannot
/// create a contradiction of its own (a read, which only constrains; a first
/// operation that returned before every other was invoked, when no value
/// held before explains the rest; a last one invoked after every other
/// returned), so the set left is wrong because the history is. Positions in
/// `ops`, in order; `None` when `ops` is linearizable or undecided within
/// the default budget. (Removing a write could make a read of its value
/// unexplainable and blame the wrong operations, so writes in the middle
/// stay.)
pub fn minimal_violation(ops: &[&HistoryOp]) -> Option<Vec<usize>> {
    let wrong_from = |subset: &[usize], starts: &[Option<String>]| {
        let part: Vec<&HistoryOp> = subset.iter().map(|&i| ops[i]).collect();
        starts.iter().all(|start| {
            linearizable_from(&part, start, None, &mut SearchBudget::default()) == Some(false)
        })
    };
    let kept: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].result != OpResult::Failed)
        .collect();
    let any_start = |subset: &[usize]| {
        let part: Vec<&HistoryOp> = subset.iter().map(|&i| ops[i]).collect();
        wrong_from(subset, &starts_to_try(&part))
    };
    if any_start(&kept) {
        return Some(shrink_while(kept, ops, true, any_start));
    }
    if !wrong_from(&kept, &[None]) {
        return None;
    }
    Some(shrink_while(kept, ops, false, |subset| {
        wrong_from(subset, &[None])
    }))
}

/// Every value worth trying as the key's value before `ops`: unset, each
/// value they mention, and one they do not (which stands for all others).
fn starts_to_try(ops: &[&HistoryOp]) -> Vec<Option<String>> {
    let mut values: BTreeSet<Option<String>> = BTreeSet::from([None]);
    for op in ops {
        match &op.op {
            Operation::Put { value, .. } => {
                values.insert(Some(value.clone()));
            }
            Operation::CompareAndSet { expected, new, .. } => {
                values.insert(expected.clone());
                values.insert(Some(new.clone()));
            }
            _ => {}
        }
        if let OpResult::Ok { previous } = &op.result {
            values.insert(previous.clone());
        }
    }
    values.insert(Some("\u{0}a value none of them mentions".to_owned()));
    values.into_iter().collect()
}

/// Removes operations from `kept` (positions in `ops`) while `still_wrong`
/// holds of the rest, taking only what cannot create a contradiction: reads,
/// a last operation invoked after every other returned, and (with
/// `cut_prefix`, when the rest is wrong from any value held before it) a
/// first one that returned before every other was invoked. Again until
/// nothing more can go.
fn shrink_while(
    mut kept: Vec<usize>,
    ops: &[&HistoryOp],
    cut_prefix: bool,
    still_wrong: impl Fn(&[usize]) -> bool,
) -> Vec<usize> {
    let returned = |op: &HistoryOp| match op.result {
        OpResult::Unknown => Micros::MAX,
        _ => op.completed_at.max(op.invoked_at),
    };
    loop {
        let before = kept.len();
        let mut i = 0;
        while i < kept.len() {
            let op = ops[kept[i]];
            let others = kept.iter().filter(|&&j| j != kept[i]).map(|&j| ops[j]);
            let removable = op.op.is_read()
                || others.clone().all(|o| returned(o) < op.invoked_at)
                || (cut_prefix && others.clone().all(|o| returned(op) < o.invoked_at));
            let mut fewer = kept.clone();
            fewer.remove(i);
            if removable && still_wrong(&fewer) {
                kept = fewer;
            } else {
                i += 1;
            }
        }
        if kept.len() == before {
            return kept;
        }
    }
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
    budget: &mut SearchBudget<'_>,
    order: &mut Vec<usize>,
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
                order.extend(stack.iter().map(|&(call, _)| nodes[call].op));
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
                    if budget.exhausted(seen.len()) {
                        return None;
                    }
                    if seen.insert((placed, next_state.clone())) {
                        stack.push((cursor, state));
                        state = next_state;
                        linearized[node.op / 64] |= 1 << (node.op % 64);
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

    fn cas(expected: Option<&str>, new: &str) -> Operation {
        Operation::CompareAndSet {
            key: "x".into(),
            expected: expected.map(str::to_owned),
            new: new.into(),
        }
    }

    #[test]
    fn a_write_done_without_its_answer_took_effect_within_its_interval() {
        // The put's answer is lost, but it completed: a later read must see
        // it (or a later write), and an earlier one cannot.
        let seen = [
            op(1, put("x", "1"), 0, 10, OpResult::Done),
            op(2, get("x"), 20, 30, ok(Some("1"))),
        ];
        assert_eq!(check_history(&seen), Ok(()));
        let lost = [
            op(1, put("x", "1"), 0, 10, OpResult::Done),
            op(2, get("x"), 20, 30, ok(None)),
        ];
        assert!(check_history(&lost).is_err(), "a done write cannot vanish");
        // Unlike an unknown outcome, it returned: a read after it cannot
        // see the state before it, and a read that overlaps it may.
        let overlapping = [
            op(1, put("x", "1"), 0, 50, OpResult::Done),
            op(2, get("x"), 20, 30, ok(None)),
        ];
        assert_eq!(check_history(&overlapping), Ok(()));
    }

    #[test]
    fn a_compare_and_set_that_did_not_swap_saw_another_value() {
        let refused = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(2, cas(Some("2"), "3"), 20, 30, OpResult::NotSwapped),
            op(3, get("x"), 40, 50, ok(Some("1"))),
        ];
        assert_eq!(check_history(&refused), Ok(()));
        // x held "2" the whole time the CAS ran: it must have swapped.
        let held_expected = [
            op(1, put("x", "2"), 0, 10, ok(None)),
            op(2, cas(Some("2"), "3"), 20, 30, OpResult::NotSwapped),
            op(3, get("x"), 40, 50, ok(Some("2"))),
        ];
        assert!(check_history(&held_expected).is_err());
        // A write overlapping the CAS may have come first: then it fails.
        let raced = [
            op(1, put("x", "2"), 0, 10, ok(None)),
            op(2, cas(Some("2"), "3"), 20, 60, OpResult::NotSwapped),
            op(4, put("x", "9"), 25, 35, ok(Some("2"))),
            op(3, get("x"), 70, 80, ok(Some("9"))),
        ];
        assert_eq!(check_history(&raced), Ok(()));
    }

    /// A key whose search needs far more than `states` states: `writers`
    /// overlapping unknown puts and reads that see "0", "1", "0".
    fn hard_key(key: &str, writers: u32) -> Vec<HistoryOp> {
        let mut h: Vec<HistoryOp> = (0..writers)
            .map(|i| {
                let put = Operation::Put {
                    key: key.into(),
                    value: i.to_string(),
                };
                op(i, put, u64::from(i), 1_000, OpResult::Unknown)
            })
            .collect();
        for (i, seen) in ["0", "1", "0"].into_iter().enumerate() {
            let at = 2_000 + 1_000 * i as u64;
            let read = Operation::Get { key: key.into() };
            h.push(op(99, read, at, at + 10, ok(Some(seen))));
        }
        h
    }

    #[test]
    fn a_proven_violation_is_reported_even_when_another_key_is_undecided() {
        let mut h = hard_key("a", 12);
        h.extend([
            op(1, put("z", "1"), 0, 10, ok(None)),
            op(1, put("z", "2"), 20, 30, ok(Some("1"))),
            op(2, get("z"), 40, 50, ok(Some("1"))),
        ]);
        let verdicts = check_history_within(&h, &mut SearchBudget::states(1_000));
        assert_eq!(verdicts.keys, 2);
        assert_eq!(verdicts.undecided.len(), 1, "{verdicts:?}");
        assert_eq!(verdicts.undecided[0].key, "a");
        assert_eq!(verdicts.violated.len(), 1);
        assert_eq!(verdicts.violated[0].key, "z");
        let first = verdicts.into_result().unwrap_err();
        assert_eq!((first.key.as_str(), first.undecided), ("z", false));
        assert_eq!(first.undecided_keys, ["a"]);
        assert!(first.to_string().ends_with("(undecided: a)"), "{first}");
        // With room enough, key a is proven wrong too.
        let full = check_history_within(&h, &mut SearchBudget::default());
        assert_eq!(full.violated.len(), 2);
        assert!(full.undecided.is_empty());
    }

    #[test]
    fn a_clock_the_caller_brings_stops_the_search() {
        let h = hard_key("a", 12);
        let mut asked = 0;
        let mut out_of_time = || {
            asked += 1;
            asked > 3
        };
        let verdicts =
            check_history_within(&h, &mut SearchBudget::timed(usize::MAX, &mut out_of_time));
        assert_eq!(verdicts.undecided.len(), 1, "{verdicts:?}");
        assert!(asked >= 4, "asked {asked} times");
        // Once spent, every later key gives up at once.
        let mut two = hard_key("a", 12);
        two.extend(hard_key("b", 12));
        let mut never_again = {
            let mut first = true;
            move || !std::mem::take(&mut first)
        };
        let verdicts =
            check_history_within(&two, &mut SearchBudget::timed(usize::MAX, &mut never_again));
        assert_eq!(verdicts.undecided.len(), 2, "{verdicts:?}");
    }

    #[test]
    fn a_linearization_explains_every_answer_in_real_time_order() {
        // The read overlaps both writes and saw the second: put 1, put 2, get.
        let h = [
            op(1, put("x", "1"), 0, 100, ok(None)),
            op(2, put("x", "2"), 10, 90, ok(Some("1"))),
            op(3, get("x"), 20, 80, ok(Some("2"))),
            op(4, put("x", "3"), 200, 0, OpResult::Unknown),
        ];
        let ops: Vec<&HistoryOp> = h.iter().collect();
        let order = linearization(&ops).expect("linearizable");
        assert_eq!(order[..3], [0, 1, 2]);
        let stale = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(1, put("x", "2"), 20, 30, ok(Some("1"))),
            op(2, get("x"), 40, 50, ok(Some("1"))),
        ];
        let ops: Vec<&HistoryOp> = stale.iter().collect();
        assert_eq!(linearization(&ops), None);
    }

    #[test]
    fn a_minimal_violation_keeps_only_what_contradicts() {
        // Unrelated operations around a stale read: only the two puts and
        // the read that missed the second are needed to prove it wrong.
        let h = [
            op(1, put("x", "1"), 0, 10, ok(None)),
            op(3, get("x"), 12, 14, ok(Some("1"))),
            op(1, put("x", "2"), 20, 30, ok(Some("1"))),
            op(3, get("x"), 32, 34, ok(Some("2"))),
            op(2, get("x"), 40, 50, ok(Some("1"))),
            op(2, put("x", "9"), 60, 70, OpResult::Unknown),
        ];
        let ops: Vec<&HistoryOp> = h.iter().collect();
        let culprits = minimal_violation(&ops).expect("not linearizable");
        // Whatever x held before: a read saw 2, a later one 1, and nothing
        // between them wrote. (The puts before returned before both began.)
        assert_eq!(culprits, [3, 4]);
        let few: Vec<&HistoryOp> = culprits.iter().map(|&i| ops[i]).collect();
        assert_eq!(linearization(&few), None);
        let fine: Vec<&HistoryOp> = h[..4].iter().collect();
        assert_eq!(minimal_violation(&fine), None);
    }
}
