//! Events and supersession: the queue of what is still to come (packet
//! deliveries, server and client timers, workload ticks), and the rule that a
//! newer timer supersedes an older one, which then does nothing when its
//! time comes. Processing an event here hands it to the server or client it
//! concerns.

use super::client::{ClientAction, ClientTiming};
use super::network::{ClientResult, Endpoint, Packet, Payload};
use super::{workload_client, EventKind, Simulation, StepRecord};
use crate::app::Input;
use crate::kv::ClientId;
use crate::raft::{Micros, NodeId, ProposalOutcome};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Something queued to happen at an instant. Timers are never taken out
/// of the queue when they are reset: a newer one supersedes them, and
/// [`Simulation::is_superseded`] tells them apart when their time comes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Event {
    /// The packet with this id reaches its destination.
    Deliver(u64),
    /// A server's timer fires (if this is still its latest wake-up).
    WakeNode(NodeId),
    /// A client's wait for the answer to attempt `attempt` of request `seq` runs out.
    WakeClient {
        /// The client.
        client: ClientId,
        /// Its request.
        seq: u64,
        /// Which try of that request.
        attempt: u32,
    },
    /// The workload of this generation starts its next operation.
    WorkloadTick {
        /// Bumped by every new workload, so an old one's ticks are superseded.
        generation: u32,
    },
}

/// An event with its instant and its place in the queue: events at the
/// same instant happen in the order they were queued.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Scheduled {
    /// When.
    pub(super) at: Micros,
    /// Queue order, unique within a run.
    pub(super) seq: u64,
    /// What.
    pub(super) event: Event,
}

/// The events still to come, earliest first.
#[derive(Clone, Debug, Default)]
pub(super) struct EventQueue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
}

impl EventQueue {
    /// Queues `event` at `at` and returns its sequence number.
    pub(super) fn push(&mut self, at: Micros, event: Event) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Scheduled { at, seq, event }));
        seq
    }

    /// The next event, without taking it.
    pub(super) fn peek(&self) -> Option<&Scheduled> {
        self.heap.peek().map(|Reverse(next)| next)
    }

    /// Takes the next event.
    pub(super) fn pop(&mut self) -> Option<Scheduled> {
        self.heap.pop().map(|Reverse(next)| next)
    }
}

impl Simulation {
    /// True for a queued event that will do nothing when its time comes: a
    /// packet already taken, a timer that was reset, a client that moved on.
    pub(super) fn is_superseded(&self, scheduled: &Scheduled) -> bool {
        let Scheduled { at, seq, ref event } = *scheduled;
        match *event {
            Event::Deliver(id) => !self.network.is_in_flight(id),
            Event::WakeNode(id) => {
                let server = &self.servers[self.index_of(id)];
                server.node.is_none() || server.paused || server.wake != Some((at, seq))
            }
            Event::WorkloadTick { generation } => {
                self.workload.as_ref().map(|w| w.generation) != Some(generation)
            }
            Event::WakeClient {
                client,
                seq,
                attempt,
            } => !self.clients[self.client_index(client)].is_waiting_on(seq, attempt),
        }
    }

    /// Carries out one event taken off the queue, or returns `None` if it
    /// was superseded.
    pub(super) fn process(&mut self, next: Scheduled) -> Option<StepRecord> {
        if self.is_superseded(&next) {
            return None;
        }
        let event = match next.event {
            Event::Deliver(id) => {
                let packet = self.network.take(id)?;
                self.now = next.at;
                if self.will_lose(&packet) {
                    return Some(self.record(EventKind::Dropped(packet)));
                }
                if let Endpoint::Node(node) = packet.to {
                    let server = &mut self.servers[(node.0 as usize) - 1];
                    if server.node.is_none() {
                        return Some(self.record(EventKind::Lost(packet)));
                    }
                    if server.paused {
                        server.held.push(packet.clone());
                        return Some(self.record(EventKind::Held(packet)));
                    }
                }
                EventKind::Delivered(packet)
            }
            Event::WakeNode(id) => {
                // (A paused server's timer is superseded: `resume` wakes it again.)
                self.servers[(id.0 as usize) - 1].wake = None;
                self.servers[(id.0 as usize) - 1].wake_for = None;
                self.now = next.at;
                EventKind::NodeTimer(id)
            }
            Event::WorkloadTick { generation } => {
                self.now = next.at;
                self.workload_tick(generation);
                return Some(self.record(EventKind::WorkloadTick));
            }
            Event::WakeClient {
                client,
                seq,
                attempt,
            } => {
                let index = self.client_index(client);
                self.now = next.at;
                let timing = self.client_timing();
                let actions = self.clients[index].on_wake(self.now, seq, attempt, timing);
                self.run_client_actions(client, actions);
                return Some(self.record(EventKind::ClientTimer(client)));
            }
        };
        let mut record = self.record(event.clone());
        match event {
            EventKind::NodeTimer(id) => {
                self.step_node(id, Input::Tick, &mut record);
            }
            EventKind::Delivered(packet) => self.deliver(packet, &mut record),
            _ => unreachable!("other events returned above"),
        }
        Some(record)
    }

    /// An empty record of `event` happening now.
    pub(super) fn record(&self, event: EventKind) -> StepRecord {
        StepRecord {
            at: self.now,
            event,
            transitions: Vec::new(),
            applied: Vec::new(),
        }
    }

    /// Hands a delivered packet to its destination: a Raft message or a
    /// client request to a server, a reply to its client.
    fn deliver(&mut self, packet: Packet, record: &mut StepRecord) {
        match (packet.from, packet.to, packet.payload) {
            (Endpoint::Node(from), Endpoint::Node(to), Payload::Raft(message)) => {
                self.step_node(to, Input::Message { from, message }, record);
            }
            (Endpoint::Client(client), Endpoint::Node(to), Payload::Request(request)) => {
                let seq = request.seq;
                let read = request.op.is_read().then(|| request.op.clone());
                let result = match self.step_node(to, Input::Propose(request), record) {
                    Some(ProposalOutcome::NotLeader { leader_hint }) => {
                        Some(ClientResult::NotLeader { leader_hint })
                    }
                    Some(ProposalOutcome::Transferring { to }) => Some(ClientResult::NotLeader {
                        leader_hint: Some(to),
                    }),
                    Some(ProposalOutcome::ServeLocally) => read.map(|op| {
                        let index = self.index_of(to);
                        ClientResult::Done(self.servers[index].kv.execute(&op))
                    }),
                    _ => None,
                };
                if let Some(result) = result {
                    let reply = Payload::Reply { seq, result };
                    self.send(Endpoint::Node(to), Endpoint::Client(client), reply);
                }
            }
            (Endpoint::Node(from), Endpoint::Client(client), Payload::Reply { seq, result }) => {
                let index = self.client_index(client);
                let timing = self.client_timing();
                let actions = self.clients[index].on_reply(self.now, from, seq, result, timing);
                self.run_client_actions(client, actions);
            }
            (from, to, payload) => unreachable!("no route for {payload:?} from {from} to {to}"),
        }
    }

    /// Queues server `id`'s next wake-up at its node's deadline; every
    /// earlier-queued wake-up of the server is superseded by it.
    pub(super) fn schedule_wake(&mut self, id: NodeId) {
        let index = self.index_of(id);
        let Some(node) = &self.servers[index].node else {
            return;
        };
        let wanted = node.next_deadline().max(self.now);
        let jitter_max = self.current_config.delays.timer_jitter_us_max;
        let server = &mut self.servers[index];
        let at = if jitter_max == 0 {
            wanted
        } else {
            wanted.saturating_add(server.jitter.uniform(0, jitter_max))
        };
        server.wake_for = Some(wanted);
        let seq = self.queue.push(at, Event::WakeNode(id));
        self.servers[index].wake = Some((at, seq));
    }

    /// Puts a payload on the wire now and queues its deliveries.
    pub(super) fn send(&mut self, from: Endpoint, to: Endpoint, payload: Payload) {
        self.send_at(self.now, from, to, payload);
    }

    /// Puts a payload on the wire at instant `at` (now, or later when it
    /// waits for a disk write) and queues its deliveries.
    pub(super) fn send_at(&mut self, at: Micros, from: Endpoint, to: Endpoint, payload: Payload) {
        for (id, delivery) in self.network.send(at, from, to, payload) {
            self.queue.push(delivery, Event::Deliver(id));
        }
    }

    /// Carries out what a client asked for: requests to send, timers to set.
    pub(super) fn run_client_actions(&mut self, client: ClientId, actions: Vec<ClientAction>) {
        for action in actions {
            match action {
                ClientAction::Send { to, request } => {
                    self.send(
                        Endpoint::Client(client),
                        Endpoint::Node(to),
                        Payload::Request(request),
                    );
                }
                ClientAction::WakeAt { at, seq, attempt } => {
                    self.queue.push(
                        at,
                        Event::WakeClient {
                            client,
                            seq,
                            attempt,
                        },
                    );
                }
            }
        }
    }

    /// The workload starts its next operation on one of its clients (if that
    /// client is idle) and queues its next tick.
    fn workload_tick(&mut self, generation: u32) {
        let Some(workload) = self.workload.as_mut() else {
            return;
        };
        let client = workload_client(workload.next_client());
        let op = workload.next_op();
        let next = self.now.saturating_add(workload.next_gap());
        let index = self.client_index(client);
        if self.clients[index].is_idle() {
            let timing = self.client_timing();
            let actions = self.clients[index].submit(self.now, op, None, timing);
            self.run_client_actions(client, actions);
        }
        self.queue.push(next, Event::WorkloadTick { generation });
    }

    /// The timing clients follow under the configuration in force.
    pub(super) fn client_timing(&self) -> ClientTiming {
        ClientTiming {
            node_count: self.servers.len(),
            timeout_us: self.current_config.client_timeout_us,
            retry_delay_us: self.current_config.heartbeat_interval_us,
        }
    }

    /// Where client `id` is in `clients`; packets only go to clients that exist.
    fn client_index(&self, id: ClientId) -> usize {
        self.clients
            .iter()
            .position(|c| c.id == id)
            .expect("packets only go to clients that exist")
    }
}
