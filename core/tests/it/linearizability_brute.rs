//! The linearizability checker against an independent brute-force one on
//! thousands of generated small histories, linearizable and not: every
//! result kind (answered, failed, unknown, done without an answer, a
//! compare-and-set that did not swap), two keys, overlapping intervals.
//!
//! The brute force shares nothing with the checker: it tries every subset
//! of the operations that may not have taken effect and every order of the
//! rest that respects real time, running a sequential store over each.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use raftlab_core::check::check_history;
use raftlab_core::history::{HistoryOp, OpResult};
use raftlab_core::kv::{ClientId, Operation};
use std::collections::BTreeMap;

/// Values the generated operations write, read and expect: few, so that
/// answers agree often enough for linearizable histories to be common.
const VALUES: [&str; 3] = ["a", "b", "c"];

/// The value `VALUES[i]`, or none for `i == VALUES.len()`.
fn value(i: usize) -> Option<String> {
    VALUES.get(i).map(|v| (*v).to_owned())
}

/// Did `op`, run sequentially on a store holding `state`, answer as
/// recorded? Returns the state after it.
fn sequential(state: &Option<String>, op: &HistoryOp) -> Option<Option<String>> {
    let after = |s: &Option<String>| match &op.op {
        Operation::Put { value, .. } => Some(value.clone()),
        Operation::Get { .. } => s.clone(),
        Operation::Delete { .. } => None,
        Operation::CompareAndSet { expected, new, .. } => {
            if s == expected {
                Some(new.clone())
            } else {
                s.clone()
            }
        }
        Operation::Toy { .. } => unreachable!("not generated"),
    };
    match &op.result {
        OpResult::Ok { previous } if previous != state => None,
        OpResult::NotSwapped => match &op.op {
            Operation::CompareAndSet { expected, .. } if expected == state => None,
            _ => Some(after(state)),
        },
        _ => Some(after(state)),
    }
}

/// Must `a` take effect before `b`? When `a` returned before `b` was
/// invoked (an unanswered operation never returns).
fn precedes(a: &HistoryOp, b: &HistoryOp) -> bool {
    a.result != OpResult::Unknown && a.completed_at.max(a.invoked_at) < b.invoked_at
}

/// Is there an order of `ops` (one key's, all of which took effect) that
/// respects real time and that a sequential store answers as recorded?
fn some_order_fits(ops: &[&HistoryOp]) -> bool {
    fn extend(ops: &[&HistoryOp], placed: &mut Vec<bool>, state: Option<String>) -> bool {
        if placed.iter().all(|&p| p) {
            return true;
        }
        for i in 0..ops.len() {
            if placed[i] {
                continue;
            }
            // Every operation that must come before this one is placed.
            let ready = (0..ops.len()).all(|j| placed[j] || j == i || !precedes(ops[j], ops[i]));
            if !ready {
                continue;
            }
            if let Some(next) = sequential(&state, ops[i]) {
                placed[i] = true;
                if extend(ops, placed, next) {
                    return true;
                }
                placed[i] = false;
            }
        }
        false
    }
    extend(ops, &mut vec![false; ops.len()], None)
}

/// The brute-force verdict: every key has a subset of its unanswered
/// operations that, with the rest that took effect, fits some order.
fn brute_force_linearizable(history: &[HistoryOp]) -> bool {
    let mut by_key: BTreeMap<&str, Vec<&HistoryOp>> = BTreeMap::new();
    for op in history.iter().filter(|op| op.result != OpResult::Failed) {
        by_key.entry(op.op.key()).or_default().push(op);
    }
    by_key.values().all(|ops| {
        let (maybe, certain): (Vec<&HistoryOp>, Vec<&HistoryOp>) =
            ops.iter().partition(|op| op.result == OpResult::Unknown);
        (0u32..1 << maybe.len()).any(|subset| {
            let mut chosen = certain.clone();
            chosen.extend(
                maybe
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| subset & (1 << i) != 0)
                    .map(|(_, op)| *op),
            );
            some_order_fits(&chosen)
        })
    })
}

/// One generated operation: its kind, key, values, interval and result.
fn operation() -> impl Strategy<Value = HistoryOp> {
    let kind = 0..4u8;
    let key = prop_oneof![4 => Just("x"), 1 => Just("y")];
    let values = (0..VALUES.len(), 0..=VALUES.len());
    let interval = (0..40u64, 0..25u64);
    let result = (0..10u8, 0..=VALUES.len());
    (1..4u32, kind, key, values, interval, result).prop_map(
        |(client, kind, key, (v, w), (start, length), (r, answer))| {
            let key = key.to_owned();
            let op = match kind {
                0 => Operation::Put {
                    key,
                    value: VALUES[v].to_owned(),
                },
                1 => Operation::Get { key },
                2 => Operation::Delete { key },
                _ => Operation::CompareAndSet {
                    key,
                    expected: value(w),
                    new: VALUES[v].to_owned(),
                },
            };
            let result = match r {
                0..=4 => OpResult::Ok {
                    previous: value(answer),
                },
                5 => OpResult::Failed,
                6 => OpResult::Unknown,
                7 => OpResult::Done,
                _ => OpResult::NotSwapped,
            };
            HistoryOp {
                client: ClientId(client),
                op,
                invoked_at: start,
                completed_at: start + length,
                result,
            }
        },
    )
}

/// A history that is linearizable by construction: operations placed at
/// instants inside their intervals, in that order, answered by a
/// sequential store (some answers then hidden: lost, unknown, or done).
fn linearizable_history() -> impl Strategy<Value = Vec<HistoryOp>> {
    prop::collection::vec((operation(), 0..25u64, 0..25u64, 0..6u8), 1..8).prop_map(|ops| {
        let mut store: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut points: Vec<(u64, HistoryOp, u64, u8)> = ops
            .into_iter()
            .enumerate()
            .map(|(i, (op, before, after, hide))| {
                (op.invoked_at * 8 + i as u64, op, before + after, hide)
            })
            .collect();
        points.sort_by_key(|(at, ..)| *at);
        points
            .into_iter()
            .map(|(at, mut op, width, hide)| {
                let state = store.entry(op.op.key().to_owned()).or_insert(None);
                let previous = state.clone();
                *state = op.op.next_value(previous.as_deref());
                op.invoked_at = at.saturating_sub(width / 2);
                op.completed_at = at + width / 2;
                let swapped = match &op.op {
                    Operation::CompareAndSet { expected, .. } => *expected == previous,
                    _ => true,
                };
                op.result = match hide {
                    0 => OpResult::Unknown,
                    1 => OpResult::Done,
                    2 if !swapped => OpResult::NotSwapped,
                    _ => OpResult::Ok { previous },
                };
                op
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn the_checker_agrees_with_brute_force_on_random_histories(
        history in prop::collection::vec(operation(), 1..8)
    ) {
        let brute = brute_force_linearizable(&history);
        let checked = check_history(&history);
        prop_assert!(checked.as_ref().err().is_none_or(|e| !e.undecided), "{checked:?}");
        prop_assert_eq!(checked.is_ok(), brute, "{:#?}", history);
    }

    #[test]
    fn histories_built_linearizable_are_found_linearizable(history in linearizable_history()) {
        prop_assert!(brute_force_linearizable(&history), "{:#?}", history);
        prop_assert_eq!(check_history(&history), Ok(()), "{:#?}", history);
    }
}

#[test]
fn both_verdicts_are_common_among_the_random_histories() {
    // The random strategy must produce both kinds, or the agreement above
    // would say little.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = prop::collection::vec(operation(), 1..8);
    let (mut fine, mut broken) = (0, 0);
    for _ in 0..2_000 {
        let history = strategy.new_tree(&mut runner).expect("a history").current();
        if brute_force_linearizable(&history) {
            fine += 1;
        } else {
            broken += 1;
        }
    }
    assert!(
        fine >= 200 && broken >= 200,
        "{fine} linearizable, {broken} not"
    );
}
