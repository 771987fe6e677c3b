//! The server wrapper: a simulated machine around a Raft node. It steps the
//! node with a [`StepContext`] (the instant and a fresh election-timeout
//! draw), carries out the [`Ready`] the node hands back (persist, apply,
//! answer clients, send, reschedule its timer) and compacts the log once
//! enough is applied. Its disk survives a crash; the rest does not.

use super::network::{ClientResult, Endpoint, Packet, Payload};
use super::rng::Stream;
use super::{CommandError, Simulation, StepRecord, TimedTransition};
use crate::app::{Input, Node, PersistentState, Ready, Snapshot};
use crate::kv::KvStore;
use crate::raft::{
    Micros, NodeConfig, NodeId, ProposalOutcome, Role, StepContext, Term, Transition,
    TransitionCause,
};
use std::collections::VecDeque;
use std::sync::Arc;

/// How many role transitions per server the simulator remembers for the view.
const TRANSITIONS_KEPT: usize = 64;

/// The stream tag for election-timeout draws (see [`Stream::new`]).
const TIMEOUT_STREAM: u64 = 1;
/// The stream tag for timer-jitter draws (drawn only with jitter on, so
/// runs without it draw exactly what they drew before it existed).
const JITTER_STREAM: u64 = 2;
/// The stream tag for disk-write durations (drawn only with a disk delay).
const DISK_STREAM: u64 = 3;

/// A simulated machine: a Raft node when running, its disk, its state machine.
#[derive(Clone, Debug)]
pub(super) struct Server {
    pub(super) id: NodeId,
    /// `None` while crashed.
    pub(super) node: Option<Node>,
    /// Survives crashes.
    pub(super) storage: PersistentState,
    /// Rebuilt from the log after a restart.
    pub(super) kv: KvStore,
    /// The instant and queue sequence number of the one wake-up that counts;
    /// every other queued wake-up of this server is superseded, for good.
    pub(super) wake: Option<(Micros, u64)>,
    /// The instant the queued wake-up was asked for, before any jitter:
    /// the node's deadline (or now, if that had passed).
    pub(super) wake_for: Option<Micros>,
    pub(super) timeouts: Stream,
    /// How late each wake-up fires, with timer jitter on.
    pub(super) jitter: Stream,
    /// How long each disk write takes, with a disk delay on.
    pub(super) disk: Stream,
    /// With a disk delay on: the instant the disk finishes the writes asked
    /// of it so far; messages wait for it.
    pub(super) disk_busy_until: Micros,
    pub(super) transitions: VecDeque<TimedTransition>,
    /// A paused server processes nothing; what arrives waits in `held`.
    pub(super) paused: bool,
    pub(super) held: Vec<Packet>,
    /// How many full chunks of the node's log and of the disk's log have
    /// been offered for sharing (see [`Simulation::share_log_storage`]).
    pub(super) shared_log_chunks: [usize; 2],
}

impl Server {
    /// A server that has not started yet: its disk holds `storage`; its
    /// election timeouts come from its own stream of `seed`.
    fn new(seed: u64, id: NodeId, storage: PersistentState) -> Server {
        Server {
            id,
            node: None,
            storage,
            kv: KvStore::default(),
            wake: None,
            wake_for: None,
            timeouts: Stream::new(seed, TIMEOUT_STREAM, u64::from(id.0), 0),
            jitter: Stream::new(seed, JITTER_STREAM, u64::from(id.0), 0),
            disk: Stream::new(seed, DISK_STREAM, u64::from(id.0), 0),
            disk_busy_until: 0,
            transitions: VecDeque::new(),
            paused: false,
            held: Vec::new(),
            shared_log_chunks: [0; 2],
        }
    }

    /// Stops the server: everything but its disk is lost. False if it was
    /// already down.
    pub(super) fn crash(&mut self) -> bool {
        if self.node.take().is_none() {
            return false;
        }
        self.kv = KvStore::default();
        self.wake = None;
        self.wake_for = None;
        // The disk is idle again after a restart. Messages that waited for
        // a write are already queued on the network and still go out: a
        // simplification of the model (see `Config::disk_write_us_min`).
        self.disk_busy_until = 0;
        self.paused = false;
        self.held.clear();
        true
    }

    /// Starts a crashed server again from its disk and returns the
    /// transition that records it.
    pub(super) fn restart(&mut self, config: NodeConfig, ctx: StepContext) -> Transition {
        debug_assert!(self.node.is_none(), "only a crashed server restarts");
        self.node = Some(Node::restart(config, &self.storage, ctx));
        // The state machine restarts from the snapshot on disk, if any; the
        // entries after it are applied again as they commit.
        self.kv = self
            .storage
            .log
            .snapshot()
            .map(|snapshot| snapshot.state.clone())
            .unwrap_or_default();
        Transition {
            from: Role::Follower,
            to: Role::Follower,
            term: self.storage.current_term,
            cause: TransitionCause::StartsUp,
        }
    }

    /// Snapshots the state machine at the last applied index and drops the
    /// log before it, once `every` entries have been applied past the last
    /// snapshot (thesis §5.1).
    fn compact(&mut self, every: u64) {
        let Some(node) = self.node.as_mut() else {
            return;
        };
        let at = node.last_applied();
        if at.0 < node.log().snapshot_index().0.saturating_add(every) {
            return;
        }
        let (Some(term), Some(fingerprint)) =
            (node.log().term_at(at), node.log().prefix_fingerprint(at))
        else {
            return;
        };
        let snapshot = Arc::new(Snapshot {
            index: at,
            term,
            fingerprint,
            membership: node.membership_at(at).clone(),
            state: self.kv.clone(),
        });
        node.compact(snapshot.clone());
        self.storage.log.compact_to(snapshot);
    }

    /// Remembers a role change for the view, forgetting the oldest beyond
    /// [`TRANSITIONS_KEPT`].
    fn remember(&mut self, at: Micros, transition: Transition) {
        if self.transitions.len() == TRANSITIONS_KEPT {
            self.transitions.pop_front();
        }
        self.transitions
            .push_back(TimedTransition { at, transition });
    }
}

impl Simulation {
    /// Starts server `id`, the next number, from what is on its disk.
    pub(super) fn start_server(&mut self, id: NodeId, storage: PersistentState) {
        debug_assert_eq!(self.index_of(id), self.servers.len());
        let node_config = self.node_config(id);
        self.servers.push(Server::new(self.seed, id, storage));
        let index = self.servers.len() - 1;
        let ctx = self.context_for_index(index);
        let node = Node::restart(node_config, &self.servers[index].storage, ctx);
        self.servers[index].node = Some(node);
        self.schedule_wake(id);
    }

    /// Hands one input to a running server and carries out its Ready.
    /// Returns the proposal outcome, if the input was a proposal.
    pub(super) fn step_node(
        &mut self,
        id: NodeId,
        input: Input,
        record: &mut StepRecord,
    ) -> Option<ProposalOutcome> {
        let index = self.index_of(id);
        let mut server = self.servers[index].node.take()?;
        let ctx = self.context_for_index(index);
        let ready = server.step(ctx, input);
        let role = server.role();
        let term = server.current_term();
        self.servers[index].node = Some(server);
        self.carry_out(id, role, term, ready, record)
    }

    /// Carries out what a node asked for, in the order that keeps it
    /// safe: persist, install a snapshot, apply committed entries and answer
    /// their clients, compact, serve reads, send, reschedule the timer.
    fn carry_out(
        &mut self,
        id: NodeId,
        role: Role,
        term: Term,
        ready: Ready,
        record: &mut StepRecord,
    ) -> Option<ProposalOutcome> {
        let index = self.index_of(id);
        // Stable storage first: nothing is sent before it is on disk.
        if let Some(change) = &ready.persist {
            self.servers[index].storage.apply(change);
            self.disk_write(index);
        }
        let send_at = self.servers[index].disk_busy_until.max(self.now);
        if let Some(snapshot) = &ready.snapshot {
            // The leader's snapshot replaces the state machine; the
            // committed entries below follow on from it.
            self.servers[index].kv = snapshot.state.clone();
        }
        let applied_any = !ready.committed.is_empty();
        for entry in ready.committed {
            let deduplicate = !self.current_config.bugs.no_request_dedup;
            if let Some(request) = entry.command.request() {
                let outcome = self.servers[index].kv.apply(request, deduplicate);
                if role == Role::Leader && entry.term == term {
                    let reply = Payload::Reply {
                        seq: request.seq,
                        result: ClientResult::Done(outcome),
                    };
                    let client = Endpoint::Client(request.client);
                    self.send(Endpoint::Node(id), client, reply);
                }
            }
            record.applied.push((id, entry));
        }
        if applied_any {
            self.maybe_compact(index);
        }
        for read in ready.reads {
            // Entries up to the read's index were applied just above.
            let outcome = self.servers[index].kv.execute(&read.request.op);
            let reply = Payload::Reply {
                seq: read.request.seq,
                result: ClientResult::Done(outcome),
            };
            let client = Endpoint::Client(read.request.client);
            self.send(Endpoint::Node(id), client, reply);
        }
        for (to, message) in ready.messages {
            self.send_at(
                send_at,
                Endpoint::Node(id),
                Endpoint::Node(to),
                Payload::Raft(message),
            );
        }
        self.remember_transitions(id, &ready.transitions, record);
        if self.servers[index].wake_for != Some(ready.next_deadline) {
            self.schedule_wake(id);
        }
        ready.proposal
    }

    /// With a disk delay configured, queues a write on server `index`'s
    /// disk: it ends a drawn duration after the disk is free.
    fn disk_write(&mut self, index: usize) {
        let (min, max) = (
            self.current_config.delays.disk_write_us_min,
            self.current_config.delays.disk_write_us_max,
        );
        if max == 0 {
            return;
        }
        let server = &mut self.servers[index];
        let duration = server.disk.uniform(min, max);
        server.disk_busy_until = server
            .disk_busy_until
            .max(self.now)
            .saturating_add(duration);
    }

    /// Log compaction (thesis §5.1): once a server has applied
    /// `snapshot_every` entries past its last snapshot, it snapshots its
    /// state machine at its last applied index and drops the entries before.
    fn maybe_compact(&mut self, index: usize) {
        let every = self.current_config.snapshot_every;
        // With entries applied before they commit, a snapshot could hold
        // entries the leader later overwrites: that bug runs uncompacted.
        if every == 0 || self.current_config.bugs.apply_before_commit {
            return;
        }
        self.servers[index].compact(every);
    }

    /// Remembers a server's role changes for the view and the step's record.
    pub(super) fn remember_transitions(
        &mut self,
        id: NodeId,
        transitions: &[Transition],
        record: &mut StepRecord,
    ) {
        let index = self.index_of(id);
        for &transition in transitions {
            self.servers[index].remember(self.now, transition);
            record.transitions.push((id, transition));
        }
    }

    /// The context for server number `index`'s next step: the instant, and
    /// its next election-timeout draw from the range in force.
    pub(super) fn context_for_index(&mut self, index: usize) -> StepContext {
        let (min, max) = (
            self.current_config.election_timeout_us_min,
            self.current_config.election_timeout_us_max,
        );
        StepContext {
            now: self.now,
            election_timeout_us: self.servers[index].timeouts.uniform(min, max),
        }
    }

    /// The configuration server `id` starts from: the servers the cluster
    /// started with know each other; a server added later starts with none
    /// and learns its configuration from the leader.
    pub(crate) fn starting_members(&self, id: NodeId) -> Vec<NodeId> {
        if self.index_of(id) < self.config.node_count {
            (1..=self.config.node_count as u32).map(NodeId).collect()
        } else {
            Vec::new()
        }
    }

    /// The node configuration server `id` (re)starts with, from the
    /// configuration in force now.
    pub(super) fn node_config(&self, id: NodeId) -> NodeConfig {
        NodeConfig {
            id,
            members: self.starting_members(id),
            heartbeat_interval_us: self.current_config.heartbeat_interval_us,
            election_timeout_us_min: self.current_config.election_timeout_us_min,
            max_entries_per_append: self.current_config.max_entries_per_append,
            max_inflight_appends: self.current_config.max_inflight_appends,
            options: self.current_config.raft,
            bugs: self.current_config.bugs,
        }
    }

    /// Where server `id` is in `servers` (out of range for no such server).
    pub(super) fn index_of(&self, id: NodeId) -> usize {
        (id.0 as usize).wrapping_sub(1)
    }

    /// Server `id`, or the error for naming a server the cluster does not have.
    pub(super) fn server_mut(&mut self, id: NodeId) -> Result<&mut Server, CommandError> {
        let index = self.index_of(id);
        self.servers
            .get_mut(index)
            .ok_or(CommandError::NoSuchNode(id))
    }
}
