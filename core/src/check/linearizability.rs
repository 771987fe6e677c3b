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
    /// Positions (in the checked history) of that key's operations.
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
    // Reads that were never answered constrain nothing.
    let ops: Vec<&HistoryOp> = ops
        .iter()
        .copied()
        .filter(|o| !(o.result == OpResult::Unknown && o.op.is_read()))
        .collect();
    let nodes = event_list(&ops);
    if nodes.len() == 1 {
        return Some(true);
    }
    search(&ops, nodes)
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

/// The search over a non-empty event list from [`event_list`]: place the
/// earliest pending call that fits, backtrack at a return that comes before
/// its call could be placed, never explore a (placed, state) pair twice.
fn search(ops: &[&HistoryOp], mut nodes: Vec<Node>) -> Option<bool> {
    let words = ops.len().div_ceil(64);
    let mut linearized = vec![0u64; words];
    let mut state: Option<String> = None;
    let mut seen: BTreeSet<(Vec<u64>, Option<String>)> = BTreeSet::new();
    let mut stack: Vec<(usize, Option<String>)> = Vec::new();
    let mut cursor = nodes[HEAD].next;
    while nodes[HEAD].next != usize::MAX {
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
                let Some((call, previous_state)) = stack.pop() else {
                    return Some(false);
                };
                let op = nodes[call].op;
                linearized[op / 64] &= !(1 << (op % 64));
                state = previous_state;
                let partner = nodes[call].partner;
                relink(&mut nodes, partner);
                relink(&mut nodes, call);
                cursor = nodes[call].next;
            }
        }
    }
    Some(true)
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
