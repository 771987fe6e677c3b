//! A simulated client: sends one request at a time, follows redirects to the
//! leader, and retries elsewhere when a server stays silent.

use crate::chunked::ChunkedVec;
use crate::history::{HistoryOp, OpResult};
use crate::kv::{ClientId, ClientRequest, Operation, Outcome};
use crate::raft::{Micros, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

use super::network::ClientResult;

/// A request the client has sent and not yet seen answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outstanding {
    /// The request, whose `seq` every retry reuses (shared with the
    /// messages that carry it, the log entries made of it and the
    /// history's record of it).
    pub request: Arc<ClientRequest>,
    /// The server tried last.
    pub target: NodeId,
    /// When the client first sent it (its invocation, for histories).
    pub invoked_at: Micros,
    /// How many times it has been sent.
    pub attempts: u32,
    /// Where the search for a leader goes on when no hint helps: the
    /// server after the last one tried without a hint. Following hints
    /// never moves it, so stale hints that point at each other (servers
    /// removed from the cluster) cannot keep the client away for good.
    pub search_from: NodeId,
    /// Hints followed since the search last moved on.
    pub hints_followed: u32,
}

/// A request that has been answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletedOp {
    /// The request (shared with the log entries made of it).
    pub request: Arc<ClientRequest>,
    /// When it was first sent.
    pub invoked_at: Micros,
    /// When the answer arrived.
    pub completed_at: Micros,
    /// The leader that answered.
    pub served_by: NodeId,
    /// What the state machine returned.
    pub outcome: Outcome,
    /// How many sends it took.
    pub attempts: u32,
}

/// What the client wants the simulator to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ClientAction {
    /// Send `request` to `to`.
    Send {
        to: NodeId,
        request: Arc<ClientRequest>,
    },
    /// Wake the client at `at` unless attempt `attempt` of request `seq`
    /// has been answered. The pair never repeats, so a wake-up that lost its
    /// purpose never regains it.
    WakeAt { at: Micros, seq: u64, attempt: u32 },
}

/// One client.
#[derive(Clone, Debug)]
pub(super) struct Client {
    pub(super) id: ClientId,
    next_seq: u64,
    pub(super) queue: VecDeque<(Operation, Option<NodeId>)>,
    pub(super) outstanding: Option<Outstanding>,
    leader_guess: Option<NodeId>,
    /// Every answered request, oldest first: the client's side of the history.
    /// (Small chunks: a record is large, and checkpoints copy the open chunk.)
    pub(super) completed: ChunkedVec<CompletedOp, 16>,
}

/// Timing the client needs from the cluster's configuration.
#[derive(Clone, Copy, Debug)]
pub(super) struct ClientTiming {
    pub(super) node_count: usize,
    pub(super) timeout_us: Micros,
    pub(super) retry_delay_us: Micros,
}

impl Client {
    pub(super) fn new(id: ClientId) -> Client {
        Client {
            id,
            next_seq: 1,
            queue: VecDeque::new(),
            outstanding: None,
            leader_guess: None,
            completed: ChunkedVec::new(),
        }
    }

    /// This client's answered operations from its `from`-th on, oldest
    /// first, as history operations with their answers.
    pub(super) fn answered_ops(&self, from: usize) -> impl Iterator<Item = HistoryOp> + '_ {
        self.completed.iter_from(from).map(|done| HistoryOp {
            client: self.id,
            op: done.request.op.clone(),
            invoked_at: done.invoked_at,
            completed_at: done.completed_at,
            result: OpResult::Ok {
                previous: done.outcome.previous.clone(),
            },
        })
    }

    /// The operation this client has sent and not had answered by `now`, as
    /// an unknown outcome (it may yet take effect).
    pub(super) fn pending_op(&self, now: Micros) -> Option<HistoryOp> {
        self.outstanding.as_ref().map(|pending| HistoryOp {
            client: self.id,
            op: pending.request.op.clone(),
            invoked_at: pending.invoked_at,
            completed_at: now,
            result: OpResult::Unknown,
        })
    }

    /// Queues an operation for `target` (or the leader the client believes in).
    pub(super) fn submit(
        &mut self,
        now: Micros,
        op: Operation,
        target: Option<NodeId>,
        timing: ClientTiming,
    ) -> Vec<ClientAction> {
        self.queue.push_back((op, target));
        self.start_next(now, timing)
    }

    /// Handles a server's reply.
    pub(super) fn on_reply(
        &mut self,
        now: Micros,
        from: NodeId,
        seq: u64,
        result: ClientResult,
        timing: ClientTiming,
    ) -> Vec<ClientAction> {
        let Some(outstanding) = &self.outstanding else {
            return Vec::new();
        };
        if outstanding.request.seq != seq {
            return Vec::new(); // An answer to an earlier attempt we already settled.
        }
        match result {
            ClientResult::Done(outcome) => {
                self.leader_guess = Some(from);
                let done = CompletedOp {
                    request: outstanding.request.clone(),
                    invoked_at: outstanding.invoked_at,
                    completed_at: now,
                    served_by: from,
                    outcome,
                    attempts: outstanding.attempts,
                };
                self.completed.push(done);
                self.outstanding = None;
                self.start_next(now, timing)
            }
            ClientResult::NotLeader {
                leader_hint: Some(hint),
            } if hint != from && (outstanding.hints_followed as usize) < timing.node_count => {
                self.leader_guess = Some(hint);
                if let Some(outstanding) = &mut self.outstanding {
                    outstanding.hints_followed += 1;
                }
                self.resend(now, hint, timing)
            }
            ClientResult::NotLeader { .. } => {
                // No leader known yet (an election may be running): wait, then try the next server.
                self.leader_guess = None;
                vec![ClientAction::WakeAt {
                    at: now.saturating_add(timing.retry_delay_us),
                    seq: outstanding.request.seq,
                    attempt: outstanding.attempts,
                }]
            }
        }
    }

    /// True while attempt `attempt` of request `seq` is the one awaited.
    pub(super) fn is_waiting_on(&self, seq: u64, attempt: u32) -> bool {
        self.outstanding
            .as_ref()
            .is_some_and(|o| o.request.seq == seq && o.attempts == attempt)
    }

    /// Handles a wake-up: attempt `attempt` of request `seq` went unanswered.
    pub(super) fn on_wake(
        &mut self,
        now: Micros,
        seq: u64,
        attempt: u32,
        timing: ClientTiming,
    ) -> Vec<ClientAction> {
        let Some(outstanding) = &self.outstanding else {
            return Vec::new();
        };
        if !self.is_waiting_on(seq, attempt) {
            return Vec::new();
        }
        let next = next_server(outstanding.search_from, timing.node_count);
        if let Some(outstanding) = &mut self.outstanding {
            outstanding.search_from = next;
            outstanding.hints_followed = 0;
        }
        self.resend(now, next, timing)
    }

    /// True when the client has nothing sent and nothing queued.
    pub(super) fn is_idle(&self) -> bool {
        self.outstanding.is_none() && self.queue.is_empty()
    }

    fn start_next(&mut self, now: Micros, timing: ClientTiming) -> Vec<ClientAction> {
        if self.outstanding.is_some() {
            return Vec::new();
        }
        let Some((op, target)) = self.queue.pop_front() else {
            return Vec::new();
        };
        let request = Arc::new(ClientRequest {
            client: self.id,
            seq: self.next_seq,
            op,
        });
        self.next_seq += 1;
        let to = target.or(self.leader_guess).unwrap_or(NodeId(1));
        self.outstanding = Some(Outstanding {
            request,
            target: to,
            invoked_at: now,
            attempts: 0,
            search_from: to,
            hints_followed: 0,
        });
        self.resend(now, to, timing)
    }

    fn resend(&mut self, now: Micros, to: NodeId, timing: ClientTiming) -> Vec<ClientAction> {
        let Some(outstanding) = &mut self.outstanding else {
            return Vec::new();
        };
        outstanding.target = to;
        outstanding.attempts += 1;
        vec![
            ClientAction::Send {
                to,
                request: outstanding.request.clone(),
            },
            ClientAction::WakeAt {
                at: now.saturating_add(timing.timeout_us),
                seq: outstanding.request.seq,
                attempt: outstanding.attempts,
            },
        ]
    }
}

/// The server after `id`, wrapping around: how a client without a leader hint searches.
fn next_server(id: NodeId, node_count: usize) -> NodeId {
    NodeId(id.0 % node_count as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMING: ClientTiming = ClientTiming {
        node_count: 3,
        timeout_us: 1000,
        retry_delay_us: 100,
    };

    fn put() -> Operation {
        Operation::Put {
            key: "x".into(),
            value: "1".into(),
        }
    }

    #[test]
    fn one_request_at_a_time_and_redirects_follow_the_hint() {
        let mut client = Client::new(ClientId(1));
        let first = client.submit(0, put(), None, TIMING);
        assert!(matches!(first[0], ClientAction::Send { to: NodeId(1), .. }));
        assert!(
            client.submit(0, put(), None, TIMING).is_empty(),
            "second waits its turn"
        );
        let redirect = ClientResult::NotLeader {
            leader_hint: Some(NodeId(3)),
        };
        let actions = client.on_reply(10, NodeId(1), 1, redirect, TIMING);
        assert!(matches!(
            actions[0],
            ClientAction::Send { to: NodeId(3), .. }
        ));
        let done = ClientResult::Done(Outcome { previous: None });
        let actions = client.on_reply(20, NodeId(3), 1, done, TIMING);
        assert_eq!(client.completed.len(), 1);
        assert_eq!(client.completed.get(0).map(|c| c.attempts), Some(2));
        match &actions[0] {
            ClientAction::Send { to, request } => {
                assert_eq!(*to, NodeId(3), "the next request goes to the known leader");
                assert_eq!(request.seq, 2);
            }
            other => panic!("expected a send, got {other:?}"),
        }
    }

    #[test]
    fn silence_moves_on_to_the_next_server_and_stale_wakes_are_ignored() {
        let mut client = Client::new(ClientId(1));
        client.submit(0, put(), Some(NodeId(3)), TIMING);
        assert!(client.on_wake(500, 1, 0, TIMING).is_empty());
        assert!(
            client.on_wake(500, 2, 1, TIMING).is_empty(),
            "another request's wake-up"
        );
        let actions = client.on_wake(1000, 1, 1, TIMING);
        assert!(matches!(
            actions[0],
            ClientAction::Send { to: NodeId(1), .. }
        ));
    }
}
