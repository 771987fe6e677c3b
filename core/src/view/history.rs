//! The client history as the page draws it: each client's operations as
//! bars on a time axis, from invocation to answer, with the order the
//! linearizability checker found (each bar's place in its key's order), or,
//! when a key's history is broken, the operations to blame: a set that no
//! order explains (`check::minimal_violation`).

use crate::check::{linearization, minimal_violation};
use crate::history::{HistoryOp, OpResult};
use crate::kv::ClientId;
use crate::raft::Micros;
use std::collections::{BTreeMap, BTreeSet};

/// How many operations the view draws: the latest ones, or those around a
/// broken key's culprits.
pub const HISTORY_SHOWN: usize = 40;

/// The most operations of one key the view orders or explains (each refresh
/// searches them again; the checkers' verdict covers longer histories).
pub const HISTORY_ORDERED_MAX: usize = 200;

/// What the client learned about one drawn operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarResult {
    /// Answered, with the value the store returned.
    Answered,
    /// Certainly not carried out.
    Failed,
    /// Not answered (yet): it may or may not take effect.
    Unknown,
    /// Carried out, the answer not known.
    Done,
    /// A compare-and-set that did not write.
    NotSwapped,
}

/// One operation as a bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryBar {
    /// Its position in the whole client history.
    pub index: usize,
    /// Who sent it.
    pub client: ClientId,
    /// The key it touches.
    pub key: String,
    /// What it asked, as the journal writes it (`k1=w3`, `get k1`).
    pub op: String,
    /// What came back, in a few words (`→ w2`, `→ ∅`, `no answer`).
    pub answer: String,
    /// When it was sent.
    pub invoked_at: Micros,
    /// When the answer arrived; `None` while it is outstanding.
    pub completed_at: Option<Micros>,
    /// What the client learned.
    pub result: BarResult,
    /// Its place (from 1) in the order the checker found for its key, if
    /// one was found and it took effect in it.
    pub place: Option<usize>,
    /// Is it one of the set to blame on a broken key?
    pub culprit: bool,
}

/// How the drawn operations are explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryExplanation {
    /// No client operation yet.
    Empty,
    /// Every drawn key's operations fit one order: the bars carry their places.
    Ordered,
    /// Key `key` has no order: the culprit bars are the set of its
    /// operations (`culprits` of them) that none explains.
    Broken {
        /// The key.
        key: String,
        /// How many operations that set holds.
        culprits: usize,
    },
    /// Some drawn key has more than [`HISTORY_ORDERED_MAX`] operations, or
    /// its search gave up: no order is drawn for it (the checkers' verdict
    /// still stands).
    TooLong {
        /// The keys not ordered.
        keys: Vec<String>,
    },
}

/// The history view at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryView {
    /// The drawn operations, in the order they were sent.
    pub bars: Vec<HistoryBar>,
    /// How many operations the whole history holds.
    pub total: usize,
    /// The clients with a drawn bar, one row each, in order.
    pub clients: Vec<ClientId>,
    /// The time axis: from the first drawn invocation...
    pub from_us: Micros,
    /// ...to the last drawn answer (or now, for an outstanding one).
    pub to_us: Micros,
    /// How the bars are explained.
    pub explanation: HistoryExplanation,
    /// For a broken key, every operation of the set to blame
    /// (drawn or not), in the order they were sent.
    pub culprits: Vec<HistoryBar>,
}

impl HistoryView {
    /// The view of `history` (as `Simulation::history` gives it) at `now`.
    pub fn of(history: &[HistoryOp], now: Micros) -> HistoryView {
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, op) in history.iter().enumerate() {
            by_key.entry(op.op.key()).or_default().push(i);
        }
        let Explained {
            places,
            culprits,
            broken,
            mut too_long,
        } = explain(history, &by_key);
        let shown = window(history, &culprits);
        let mut culprit_bars: Vec<HistoryBar> = culprits
            .iter()
            .map(|&i| bar(i, &history[i], None, true))
            .collect();
        culprit_bars.sort_by_key(|b| (b.invoked_at, b.index));
        let bars: Vec<HistoryBar> = shown
            .iter()
            .map(|&i| {
                bar(
                    i,
                    &history[i],
                    places.get(&i).copied(),
                    culprits.contains(&i),
                )
            })
            .collect();
        let clients: BTreeSet<ClientId> = bars.iter().map(|b| b.client).collect();
        let from_us = bars.iter().map(|b| b.invoked_at).min().unwrap_or(0);
        let to_us = bars
            .iter()
            .map(|b| b.completed_at.unwrap_or(now).max(b.invoked_at))
            .max()
            .unwrap_or(0);
        let shown_keys: BTreeSet<&str> = bars.iter().map(|b| b.key.as_str()).collect();
        too_long.retain(|k| shown_keys.contains(k.as_str()));
        let explanation = match (broken, history.is_empty()) {
            (_, true) => HistoryExplanation::Empty,
            (Some(key), _) => HistoryExplanation::Broken {
                key,
                culprits: culprits.len(),
            },
            (None, _) if !too_long.is_empty() => HistoryExplanation::TooLong { keys: too_long },
            (None, _) => HistoryExplanation::Ordered,
        };
        HistoryView {
            bars,
            total: history.len(),
            clients: clients.into_iter().collect(),
            from_us,
            to_us,
            explanation,
            culprits: culprit_bars,
        }
    }
}

/// What the search found, key by key.
struct Explained {
    /// Each ordered operation's place in its key's order, from 1.
    places: BTreeMap<usize, usize>,
    /// The broken key's operations to blame.
    culprits: BTreeSet<usize>,
    /// The first key no order explains.
    broken: Option<String>,
    /// Keys too long to order, or undecided.
    too_long: Vec<String>,
}

/// Orders each key's operations (`by_key`: positions in `history`), or
/// finds the operations to blame on the first broken key.
fn explain(history: &[HistoryOp], by_key: &BTreeMap<&str, Vec<usize>>) -> Explained {
    let mut places: BTreeMap<usize, usize> = BTreeMap::new();
    let mut culprits: BTreeSet<usize> = BTreeSet::new();
    let mut broken: Option<String> = None;
    let mut too_long: Vec<String> = Vec::new();
    for (key, indices) in by_key {
        if indices.len() > HISTORY_ORDERED_MAX {
            too_long.push((*key).to_owned());
            continue;
        }
        let ops: Vec<&HistoryOp> = indices.iter().map(|&i| &history[i]).collect();
        if let Some(order) = linearization(&ops) {
            places.extend(
                order
                    .iter()
                    .enumerate()
                    .map(|(place, &i)| (indices[i], place + 1)),
            );
        } else if broken.is_none() {
            match minimal_violation(&ops) {
                Some(set) => {
                    culprits.extend(set.iter().map(|&i| indices[i]));
                    broken = Some((*key).to_owned());
                }
                None => too_long.push((*key).to_owned()),
            }
        }
    }
    Explained {
        places,
        culprits,
        broken,
        too_long,
    }
}

/// The positions of the operations to draw, in the order they were sent:
/// the latest [`HISTORY_SHOWN`], or, with culprits, those ending at the
/// last culprit (so the culprits are drawn).
fn window(history: &[HistoryOp], culprits: &BTreeSet<usize>) -> Vec<usize> {
    let mut sent: Vec<usize> = (0..history.len()).collect();
    sent.sort_by_key(|&i| (history[i].invoked_at, i));
    let end = match culprits
        .iter()
        .map(|&c| sent.iter().position(|&i| i == c))
        .max()
    {
        Some(Some(last)) => (last + 1).max(HISTORY_SHOWN.min(sent.len())),
        _ => sent.len(),
    };
    let start = end.saturating_sub(HISTORY_SHOWN);
    sent[start..end].to_vec()
}

/// Operation `op` at position `index` as a bar.
fn bar(index: usize, op: &HistoryOp, place: Option<usize>, culprit: bool) -> HistoryBar {
    let (result, answer, completed_at) = match &op.result {
        OpResult::Ok { previous } => (
            BarResult::Answered,
            format!("→ {}", previous.as_deref().unwrap_or("∅")),
            Some(op.completed_at),
        ),
        OpResult::Failed => (
            BarResult::Failed,
            "failed".to_owned(),
            Some(op.completed_at),
        ),
        OpResult::Unknown => (BarResult::Unknown, "no answer".to_owned(), None),
        OpResult::Done => (BarResult::Done, "done".to_owned(), Some(op.completed_at)),
        OpResult::NotSwapped => (
            BarResult::NotSwapped,
            "not swapped".to_owned(),
            Some(op.completed_at),
        ),
    };
    HistoryBar {
        index,
        client: op.client,
        key: op.op.key().to_owned(),
        op: op.op.to_string(),
        answer,
        invoked_at: op.invoked_at,
        completed_at,
        result,
        place,
        culprit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::Operation;

    fn op(client: u32, op: Operation, at: (u64, u64), result: OpResult) -> HistoryOp {
        HistoryOp {
            client: ClientId(client),
            op,
            invoked_at: at.0,
            completed_at: at.1,
            result,
        }
    }

    fn put(value: &str) -> Operation {
        Operation::Put {
            key: "x".into(),
            value: value.into(),
        }
    }

    fn get() -> Operation {
        Operation::Get { key: "x".into() }
    }

    fn answered(previous: Option<&str>) -> OpResult {
        OpResult::Ok {
            previous: previous.map(str::to_owned),
        }
    }

    #[test]
    fn a_linearizable_history_shows_each_operations_place() {
        let history = [
            op(1, put("1"), (0, 100), answered(None)),
            op(2, get(), (20, 80), answered(Some("2"))),
            op(3, put("2"), (10, 90), answered(Some("1"))),
            op(1, put("3"), (200, 0), OpResult::Unknown),
        ];
        let view = HistoryView::of(&history, 300);
        assert_eq!(view.explanation, HistoryExplanation::Ordered);
        let places: Vec<Option<usize>> = view.bars.iter().map(|b| b.place).collect();
        // Sent in the order put 1, put 2, get, put 3: placed 1, 2, 3 (put 3
        // has no answer and may not have happened: the order leaves it out
        // or puts it last).
        assert_eq!(places[..3], [Some(1), Some(2), Some(3)]);
        assert_eq!(view.bars[3].completed_at, None);
        assert_eq!((view.from_us, view.to_us), (0, 300));
        assert_eq!(view.clients, [ClientId(1), ClientId(2), ClientId(3)]);
    }

    #[test]
    fn a_broken_history_marks_the_smallest_set_no_order_explains() {
        let mut history = vec![
            op(1, put("1"), (0, 10), answered(None)),
            op(1, put("2"), (20, 30), answered(Some("1"))),
            op(2, get(), (40, 50), answered(Some("1"))),
        ];
        // Many later operations on another key: the culprits stay drawn.
        for i in 0..60u64 {
            let other = Operation::Put {
                key: "y".into(),
                value: i.to_string(),
            };
            let previous = i.checked_sub(1).map(|p| p.to_string());
            history.push(op(
                3,
                other,
                (100 + 10 * i, 105 + 10 * i),
                OpResult::Ok { previous },
            ));
        }
        let view = HistoryView::of(&history, 1_000);
        assert_eq!(
            view.explanation,
            HistoryExplanation::Broken {
                key: "x".into(),
                culprits: 2
            }
        );
        assert_eq!(view.bars.len(), HISTORY_SHOWN);
        let marked: Vec<usize> = view
            .bars
            .iter()
            .filter(|b| b.culprit)
            .map(|b| b.index)
            .collect();
        // Put 2 replaced 1 and finished before the read began, which saw 1.
        assert_eq!(marked, [1, 2]);
        assert_eq!(view.total, 63);
        let listed: Vec<&str> = view.culprits.iter().map(|b| b.op.as_str()).collect();
        assert_eq!(listed, ["x=2", "get x"]);
    }

    #[test]
    fn a_key_too_long_to_order_says_so() {
        let history: Vec<HistoryOp> = (0..=HISTORY_ORDERED_MAX as u64)
            .map(|i| {
                let previous = i.checked_sub(1).map(|p| p.to_string());
                op(
                    1,
                    put(&i.to_string()),
                    (10 * i, 10 * i + 5),
                    OpResult::Ok { previous },
                )
            })
            .collect();
        let view = HistoryView::of(&history, 0);
        assert_eq!(
            view.explanation,
            HistoryExplanation::TooLong {
                keys: vec!["x".into()]
            }
        );
        assert!(view.bars.iter().all(|b| b.place.is_none()));
        assert_eq!(view.bars.last().map(|b| b.index), Some(HISTORY_ORDERED_MAX));
    }
}
