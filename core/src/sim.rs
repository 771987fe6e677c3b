//! The deterministic discrete-event simulator: virtual time, the event queue,
//! the network, crashes and clients. It drives real [`Node`]s and records
//! every user action as a [`TimedCommand`], so a seed plus its input log
//! replays a run bit for bit.
//!
//! This file holds the [`Simulation`] itself: starting and replaying a run,
//! driving virtual time, and reading its state. Its neighbours hold the
//! event queue and supersession (`events`), the server wrapper that steps a
//! node and carries out its `Ready` (`server`), and one method per user
//! command (`commands`).

mod client;
mod commands;
mod config;
mod config_changes;
mod events;
mod input;
mod network;
pub(crate) mod rng;
mod server;
mod swarm;
mod workload;

pub use crate::raft::BugSwitches;
pub use client::{CompletedOp, Outstanding};
pub use config::{
    check_bound, Config, ConfigError, DelayModel, InitialEntry, InitialServer, InitialState,
    InitialStateError, DURATION_US_MAX, ENTRIES_PER_APPEND_MAX, INFLIGHT_APPENDS_MAX,
    INITIAL_CLIENT, INITIAL_LOG_LEN_MAX, MODEL_DELAY_US_MAX, NODE_COUNT_MAX, SNAPSHOT_EVERY_MAX,
    TERM_MAX,
};
pub(crate) use config_changes::{config_changes_value, config_from_changes};
pub use input::{Command, CommandError, TimedCommand, CLIENT_ID_MAX, INPUTS_MAX};
pub use network::{ClientResult, Endpoint, LinkFaults, Packet, Payload};
pub use swarm::SwarmPlan;
pub use workload::WorkloadSpec;

use crate::app::{Entry, Node, PersistentState};
use crate::fnv::{Fnv64, FNV_OFFSET};
use crate::history::HistoryOp;
use crate::kv::{ClientId, KvStore};
use crate::raft::{Micros, NodeId, Role, Transition};
use client::Client;
use events::EventQueue;
use network::Network;
use server::Server;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use workload::Workload;

/// The client that the page's "Request" button and node menus speak for.
pub const UI_CLIENT: ClientId = ClientId(1);

/// Events between two passes of [`Simulation::share_log_storage`]: a
/// checkpoint of the timeline is taken at a multiple of it, so what a
/// checkpoint holds was shared first.
const SHARE_LOG_STORAGE_EVERY: u64 = 1024;

/// A role change with the instant it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimedTransition {
    /// When.
    pub at: Micros,
    /// What.
    pub transition: Transition,
}

/// What one step of the simulation did.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A packet reached a running destination.
    Delivered(Packet),
    /// A packet reached a crashed server and was lost.
    Lost(Packet),
    /// The network lost a packet (a drop, or a cut link).
    Dropped(Packet),
    /// A packet reached a paused server and waits there.
    Held(Packet),
    /// A server's timer fired.
    NodeTimer(NodeId),
    /// A client's wait for an answer ran out.
    ClientTimer(ClientId),
    /// The workload started an operation on one of its clients (if idle).
    WorkloadTick,
    /// A user or scenario command.
    Input(Command),
}

/// The record of one step, for traces, checkers and the event log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StepRecord {
    /// The virtual instant.
    pub at: Micros,
    /// What happened.
    pub event: EventKind,
    /// Role changes it caused.
    pub transitions: Vec<(NodeId, Transition)>,
    /// Entries servers applied to their state machines, in order.
    pub applied: Vec<(NodeId, Entry)>,
}

/// A whole simulated cluster.
#[derive(Clone, Debug)]
pub struct Simulation {
    seed: u64,
    /// The configuration the run started with: with the seed and the
    /// inputs, the whole run.
    config: Config,
    /// The configuration in force now: the starting one, or the latest
    /// [`Command::Configure`].
    current_config: Config,
    now: Micros,
    events_processed: u64,
    queue: EventQueue,
    servers: Vec<Server>,
    network: Network,
    clients: Vec<Client>,
    inputs: Vec<TimedCommand>,
    trace_hash: u64,
    workload: Option<Workload>,
    workload_generation: u32,
}

impl Simulation {
    /// A fresh cluster at instant 0: every server a follower with a
    /// randomized election timer, in term 0 with an empty log, or, when the
    /// configuration has an [`InitialState`], with the term, vote and log it
    /// gives, as if it had just restarted from that disk (nothing committed
    /// or applied yet).
    pub fn new(seed: u64, config: Config) -> Result<Simulation, ConfigError> {
        config.validate()?;
        let disks = match &config.initial {
            Some(initial) => initial
                .persistent_states(config.node_count)
                .map_err(ConfigError::InitialState)?,
            None => vec![PersistentState::default(); config.node_count],
        };
        let mut sim = Simulation {
            seed,
            network: Network::new(seed, config.latency_us_min, config.latency_us_max),
            now: 0,
            events_processed: 0,
            queue: EventQueue::default(),
            servers: Vec::new(),
            clients: vec![Client::new(UI_CLIENT)],
            inputs: Vec::new(),
            trace_hash: FNV_OFFSET,
            workload: None,
            workload_generation: 0,
            current_config: config.clone(),
            config,
        };
        for (number, disk) in (1..).zip(disks) {
            sim.start_server(NodeId(number), disk);
        }
        Ok(sim)
    }

    /// Rebuilds a run from its seed, configuration and input log, up to the last input.
    pub fn replay(
        seed: u64,
        config: Config,
        inputs: &[TimedCommand],
    ) -> Result<Simulation, ReplayError> {
        let mut sim = Simulation::new(seed, config).map_err(ReplayError::Config)?;
        while let Some(next) = inputs.get(sim.inputs.len()) {
            if sim
                .step_along(inputs, Micros::MAX)
                .map_err(ReplayError::Command)?
                .is_none()
            {
                return Err(ReplayError::Command(next.unreachable()));
            }
        }
        Ok(sim)
    }

    // ---- Driving time ----

    /// Processes exactly one event (skipping superseded timers) and returns its
    /// record, or `None` when nothing is scheduled.
    pub fn step(&mut self) -> Option<StepRecord> {
        self.step_no_later_than(Micros::MAX)
    }

    /// Processes every event up to and including instant `t`, then sets the
    /// clock to `t` (never backwards). Returns the records in order.
    pub fn advance_to(&mut self, t: Micros) -> Vec<StepRecord> {
        let mut records = Vec::new();
        while let Some(record) = self.step_no_later_than(t) {
            records.push(record);
        }
        self.now = self.now.max(t);
        records
    }

    /// Like [`Simulation::advance_to`] without keeping the records, giving
    /// up after `steps_max` steps: returns whether it reached `t`.
    pub fn advance_within(&mut self, t: Micros, steps_max: u64) -> bool {
        let mut taken = 0;
        while taken < steps_max {
            if self.step_no_later_than(t).is_none() {
                self.now = self.now.max(t);
                return true;
            }
            taken += 1;
        }
        false
    }

    /// Takes the next step of a run whose input log is `recorded`, of which
    /// this simulation's own inputs are a prefix: the recorded input due at
    /// this point if there is one, else the next event. Nothing later than
    /// `limit` happens; `Ok(None)` means nothing is left up to `limit`. An
    /// input log that does not fit the run (an input placed before events
    /// that already happened, or after the run has gone quiet) is an error.
    pub fn step_along(
        &mut self,
        recorded: &[TimedCommand],
        limit: Micros,
    ) -> Result<Option<StepRecord>, CommandError> {
        let Some(input) = recorded.get(self.inputs.len()) else {
            return Ok(self.step_no_later_than(limit));
        };
        if input.after_event < self.events_processed {
            return Err(input.unreachable());
        }
        if input.after_event > self.events_processed {
            let record = self.step_no_later_than(limit.min(input.at));
            if record.is_none() && limit >= input.at {
                return Err(input.unreachable());
            }
            return Ok(record);
        }
        if input.at > limit {
            return Ok(None);
        }
        if input.at < self.now {
            return Err(input.unreachable());
        }
        // When the input was given, every event before its instant had been
        // processed, so what is queued before it must be superseded timers
        // (which the recording skipped); anything else means the log was not
        // recorded from this run.
        while let Some(next) = self.queue.peek() {
            if next.at >= input.at {
                break;
            }
            if !self.is_superseded(next) {
                return Err(input.unreachable());
            }
            self.queue.pop();
        }
        self.now = input.at;
        self.submit(input.command.clone()).map(Some)
    }

    /// Processes the next event if it happens no later than `limit`.
    pub fn step_no_later_than(&mut self, limit: Micros) -> Option<StepRecord> {
        while self.peek_time().is_some_and(|at| at <= limit) {
            let next = self.queue.pop()?;
            debug_assert!(next.at >= self.now, "time never goes backwards");
            if let Some(record) = self.process(next) {
                self.events_processed += 1;
                self.fold_into_trace(&record);
                if self.events_processed % SHARE_LOG_STORAGE_EVERY == 0 {
                    self.share_log_storage();
                }
                return Some(record);
            }
        }
        None
    }

    /// A copy of this simulation to keep aside (a timeline's checkpoint):
    /// equal to a clone, but what this simulation writes next (the open
    /// chunks of its logs and client histories) is copied into the
    /// checkpoint at its exact size now, rather than by this simulation at
    /// full size on its next write, which would leave a full-size copy in
    /// every checkpoint.
    pub fn checkpoint(&self) -> Simulation {
        let mut copy = self.clone();
        for server in &mut copy.servers {
            if let Some(node) = &mut server.node {
                node.release_open_log_storage();
            }
            server.storage.log.release_open_storage();
        }
        for client in &mut copy.clients {
            client.completed.release_open_chunk();
        }
        copy
    }

    /// Makes the servers' logs, in memory and on disk, store the entries
    /// they hold in common once instead of once per log (2 × servers copies
    /// of every replicated entry otherwise). Only memory changes: no log's
    /// contents, no event and no trace hash. Each log's full chunks are
    /// offered once; a chunk rewritten below that mark after a truncation
    /// stays unshared, which costs memory and nothing else.
    fn share_log_storage(&mut self) {
        let logs = self.servers.len() * 2;
        for taker in 0..logs {
            let full = self
                .log_of(taker)
                .map_or(0, |log| log.full_storage_chunks());
            let (server, which) = (taker / 2, taker % 2);
            let from = self.servers[server].shared_log_chunks[which].min(full);
            for chunk in from..full {
                for giver in (0..logs).filter(|&giver| giver != taker) {
                    let Some(offer) = self.log_of(giver).and_then(|log| log.storage_chunk(chunk))
                    else {
                        continue;
                    };
                    let taken = match which {
                        0 => self.servers[server]
                            .node
                            .as_mut()
                            .is_some_and(|node| node.adopt_log_storage(&offer)),
                        _ => self.servers[server].storage.log.adopt_storage(&offer),
                    };
                    if taken {
                        break;
                    }
                }
            }
            self.servers[server].shared_log_chunks[which] = full;
        }
    }

    /// Log `k` of the 2 × servers logs: server `k / 2`'s node's log (even
    /// `k`, none while it is down) or its disk's (odd `k`).
    fn log_of(&self, k: usize) -> Option<&crate::app::Log> {
        let server = self.servers.get(k / 2)?;
        match k % 2 {
            0 => server.node.as_ref().map(|node| node.log()),
            _ => Some(&server.storage.log),
        }
    }

    /// The instant of the next queued event, if any (it may turn out superseded).
    pub fn peek_time(&self) -> Option<Micros> {
        self.queue.peek().map(|next| next.at)
    }

    // ---- Reading ----

    /// The seed this run was started with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The configuration the run started with, which with the seed and the
    /// inputs rebuilds it (see [`Simulation::current_config`] for the one in
    /// force now).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The configuration in force now: the starting one as the latest
    /// [`Command::Configure`] changed it.
    pub fn current_config(&self) -> &Config {
        &self.current_config
    }

    /// The current virtual instant.
    pub fn now(&self) -> Micros {
        self.now
    }

    /// How many events have been processed (user commands not counted).
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// How far into the run this is, counting events and user commands alike:
    /// the position time travel steps through.
    pub fn position(&self) -> u64 {
        self.events_processed + self.inputs.len() as u64
    }

    /// Every user command so far, in order: with the seed and config, the whole run.
    pub fn inputs(&self) -> &[TimedCommand] {
        &self.inputs
    }

    /// A hash of every step so far; equal hashes mean equal runs.
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }

    /// How many servers exist: those the cluster started with and those
    /// membership changes added, numbered from 1.
    pub fn server_count(&self) -> usize {
        self.servers.len()
    }

    /// The running Raft node with this id, if it is up.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.servers.get(self.index_of(id))?.node.as_ref()
    }

    /// Every running node, in id order.
    pub fn running_nodes(&self) -> impl Iterator<Item = &Node> {
        self.servers.iter().filter_map(|s| s.node.as_ref())
    }

    /// The running leader with the highest term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.running_nodes()
            .filter(|n| n.role() == Role::Leader)
            .max_by_key(|n| n.current_term())
            .map(|n| n.id())
    }

    /// A server's key-value store (empty while crashed).
    pub fn kv(&self, id: NodeId) -> Option<&KvStore> {
        self.servers.get(self.index_of(id)).map(|s| &s.kv)
    }

    /// What a server has on its disk.
    pub fn storage(&self, id: NodeId) -> Option<&PersistentState> {
        self.servers.get(self.index_of(id)).map(|s| &s.storage)
    }

    /// Requests the clients have had answered, client by client, oldest first.
    pub fn completed_requests(&self) -> impl Iterator<Item = &CompletedOp> {
        self.clients.iter().flat_map(|c| c.completed.iter())
    }

    /// How many operations each client (in order) has had answered: with
    /// [`Simulation::answered_since`], how a checker reads the history as it
    /// grows instead of all of it every time.
    pub fn answered_counts(&self) -> Vec<usize> {
        self.clients.iter().map(|c| c.completed.len()).collect()
    }

    /// The `client`-th client's answered operations from its `from`-th on,
    /// oldest first, as history operations.
    pub fn answered_since(
        &self,
        client: usize,
        from: usize,
    ) -> impl Iterator<Item = HistoryOp> + '_ {
        self.clients
            .get(client)
            .into_iter()
            .flat_map(move |client| client.answered_ops(from))
    }

    /// The operations clients have sent and not had answered yet, as
    /// unknown outcomes (they may yet take effect).
    pub fn pending_history(&self) -> impl Iterator<Item = HistoryOp> + '_ {
        self.clients
            .iter()
            .filter_map(|client| client.pending_op(self.now))
    }

    /// Every client operation so far for the linearizability checker: answered
    /// ones with their answers, outstanding ones as unknown (they may yet take
    /// effect), queued ones left out (never sent).
    pub fn history(&self) -> Vec<HistoryOp> {
        self.clients
            .iter()
            .flat_map(|client| client.answered_ops(0).chain(client.pending_op(self.now)))
            .collect()
    }

    /// The packets on the wire, oldest first.
    pub fn packets_in_flight(&self) -> impl Iterator<Item = &Packet> {
        self.network.in_flight()
    }

    /// Will this packet in flight be lost (dropped, or its link cut now)?
    pub fn will_lose(&self, packet: &Packet) -> bool {
        packet.doomed || self.network.is_cut(packet.from, packet.to)
    }

    /// Directed server-to-server links that are cut now, in order.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.network.cut_links()
    }

    /// The faults on every server-to-server link without its own.
    pub fn network_faults(&self) -> LinkFaults {
        self.network.global_faults()
    }

    /// The workload running now, if any.
    pub fn workload(&self) -> Option<WorkloadSpec> {
        self.workload.as_ref().map(|w| w.spec)
    }

    /// Links with faults of their own.
    pub fn link_faults(&self) -> impl Iterator<Item = ((NodeId, NodeId), LinkFaults)> + '_ {
        self.network.link_faults()
    }

    /// Is the server paused?
    pub fn is_paused(&self, id: NodeId) -> bool {
        self.servers
            .get(self.index_of(id))
            .is_some_and(|s| s.paused)
    }

    /// With a disk delay on: the instant server `id`'s disk finishes the
    /// writes asked of it so far, while that is still ahead (`None` when
    /// its disk is idle, it is down, or writes take no time).
    pub fn disk_busy_until(&self, id: NodeId) -> Option<Micros> {
        self.servers
            .get(self.index_of(id))
            .filter(|s| s.node.is_some())
            .map(|s| s.disk_busy_until)
            .filter(|&until| until > self.now)
    }

    /// Every client with its outstanding request and how many wait behind it.
    pub(crate) fn client_states(
        &self,
    ) -> impl Iterator<Item = (ClientId, Option<&Outstanding>, usize)> {
        self.clients
            .iter()
            .map(|c| (c.id, c.outstanding.as_ref(), c.queue.len()))
    }

    /// Every server with its node (while up), disk, state machine and
    /// recent role changes, for the view.
    pub(crate) fn server_parts(
        &self,
    ) -> impl Iterator<
        Item = (
            NodeId,
            Option<&Node>,
            &PersistentState,
            &KvStore,
            &VecDeque<TimedTransition>,
        ),
    > {
        self.servers
            .iter()
            .map(|s| (s.id, s.node.as_ref(), &s.storage, &s.kv, &s.transitions))
    }

    /// Folds a step into the run's trace hash.
    fn fold_into_trace(&mut self, record: &StepRecord) {
        let mut hasher = Fnv64(self.trace_hash);
        record.hash(&mut hasher);
        self.trace_hash = hasher.finish();
    }
}

/// The id of the workload's `i`-th client (the UI's client is C1).
fn workload_client(i: u32) -> ClientId {
    ClientId(UI_CLIENT.0 + 1 + i)
}

/// Why a run could not be rebuilt from its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplayError {
    /// The configuration is invalid.
    Config(ConfigError),
    /// An input cannot be applied where the log puts it.
    Command(CommandError),
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::Config(e) => write!(f, "invalid configuration: {e}"),
            ReplayError::Command(e) => write!(f, "invalid input: {e}"),
        }
    }
}

impl std::error::Error for ReplayError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_plays_on_exactly_like_the_run_it_was_taken_from() {
        let mut sim = Simulation::new(5, Config::default()).expect("a valid config");
        sim.submit(Command::SetWorkload {
            workload: Some(WorkloadSpec::default()),
        })
        .expect("the default workload is valid");
        sim.advance_to(20_000_000);
        let mut checkpoint = sim.checkpoint();
        assert_eq!(format!("{checkpoint:?}"), format!("{sim:?}"));
        sim.advance_to(45_000_000);
        checkpoint.advance_to(45_000_000);
        assert_eq!(checkpoint.trace_hash(), sim.trace_hash());
        assert_eq!(format!("{checkpoint:?}"), format!("{sim:?}"));
    }

    #[test]
    fn every_log_stores_the_entries_the_cluster_holds_in_common_once() {
        let config = Config {
            node_count: 5,
            ..Config::default()
        };
        let mut sim = Simulation::new(3, config).expect("a valid config");
        sim.submit(Command::SetWorkload {
            workload: Some(WorkloadSpec::default()),
        })
        .expect("the default workload is valid");
        sim.advance_to(30_000_000);
        sim.submit(Command::Crash { node: NodeId(2) })
            .expect("server 2 is up");
        sim.advance_to(40_000_000);
        sim.submit(Command::Restart { node: NodeId(2) })
            .expect("server 2 is down");
        sim.advance_to(60_000_000);
        // The pass runs every `SHARE_LOG_STORAGE_EVERY` events; a chunk
        // may have filled since the last one.
        sim.share_log_storage();
        let logs = 2 * sim.servers.len();
        let reference = sim.log_of(1).expect("a disk always has a log");
        assert!(
            reference.full_storage_chunks() >= 3,
            "the run fills a few chunks"
        );
        let mut shared = 0;
        for chunk in 0..reference.full_storage_chunks() {
            let theirs = reference.storage_chunk(chunk).expect("a full chunk");
            for log in (0..logs).filter_map(|k| sim.log_of(k)) {
                if let Some(mine) = log.storage_chunk(chunk) {
                    assert!(
                        mine.is_stored_with(&theirs),
                        "chunk {chunk} is stored twice"
                    );
                    shared += 1;
                }
            }
        }
        assert!(shared >= 3 * (logs - 1), "{shared} chunks checked");
    }
}
