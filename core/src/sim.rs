//! The deterministic discrete-event simulator: virtual time, the event queue,
//! the network, crashes and clients. It drives real [`Node`]s and records
//! every user action as a [`TimedCommand`], so a seed plus its input log
//! replays a run bit for bit.

mod client;
mod config;
mod input;
mod network;
mod rng;
mod swarm;
mod workload;

pub use crate::raft::BugSwitches;
pub use client::{CompletedOp, Outstanding};
pub use config::{
    Config, ConfigError, InitialEntry, InitialServer, InitialState, InitialStateError,
    INITIAL_CLIENT, NODE_COUNT_MAX,
};
pub use input::{Command, CommandError, TimedCommand, CLIENT_ID_MAX};
pub use network::{ClientResult, Endpoint, LinkFaults, Packet, Payload};
pub use swarm::SwarmPlan;
pub use workload::WorkloadSpec;

use crate::check::{HistoryOp, OpResult};
use crate::fnv::{Fnv64, FNV_OFFSET};
use crate::kv::{ClientId, KvStore};
use crate::raft::{
    Entry, Input, MembershipChange, Micros, Node, NodeConfig, NodeId, PersistentState,
    ProposalOutcome, Ready, Role, Snapshot, StepContext, Transition, TransitionCause,
};
use client::{Client, ClientAction, ClientTiming};
use network::Network;
use rng::Stream;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hash::{Hash, Hasher};
use workload::Workload;

/// The client that the page's "Request" button and node menus speak for.
pub const UI_CLIENT: ClientId = ClientId(1);

/// How many role transitions per server the simulator remembers for the view.
const TRANSITIONS_KEPT: usize = 64;

/// The stream tag for election-timeout draws (see [`Stream::new`]).
const TIMEOUT_STREAM: u64 = 1;

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

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Deliver(u64),
    WakeNode(NodeId),
    WakeClient {
        client: ClientId,
        seq: u64,
        attempt: u32,
    },
    WorkloadTick {
        generation: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Scheduled {
    at: Micros,
    seq: u64,
    event: Event,
}

/// A simulated machine: a Raft node when running, its disk, its state machine.
#[derive(Clone, Debug)]
struct Server {
    id: NodeId,
    /// `None` while crashed.
    node: Option<Node>,
    /// Survives crashes.
    storage: PersistentState,
    /// Rebuilt from the log after a restart.
    kv: KvStore,
    /// The instant and queue sequence number of the one wake-up that counts;
    /// every other queued wake-up of this server is superseded, for good.
    wake: Option<(Micros, u64)>,
    timeouts: Stream,
    transitions: VecDeque<TimedTransition>,
    /// A paused server processes nothing; what arrives waits in `held`.
    paused: bool,
    held: Vec<Packet>,
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
    next_seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
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
            next_seq: 0,
            queue: BinaryHeap::new(),
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

    /// Starts server `id`, the next number, from what is on its disk.
    fn start_server(&mut self, id: NodeId, storage: PersistentState) {
        debug_assert_eq!(self.index_of(id), self.servers.len());
        let node_config = self.node_config(id);
        self.servers.push(Server {
            id,
            node: None,
            storage,
            kv: KvStore::default(),
            wake: None,
            timeouts: Stream::new(self.seed, TIMEOUT_STREAM, u64::from(id.0), 0),
            transitions: VecDeque::new(),
            paused: false,
            held: Vec::new(),
        });
        let index = self.servers.len() - 1;
        let ctx = self.context_for_index(index);
        let node = Node::restart(node_config, &self.servers[index].storage, ctx);
        self.servers[index].node = Some(node);
        self.schedule_wake(id);
    }

    /// Carries out a membership change through the leader, starting the
    /// servers it names that do not exist yet. Everything is checked before
    /// anything changes, so a refused command leaves no trace.
    fn change_membership(
        &mut self,
        change: MembershipChange,
        named: &[NodeId],
        record: &mut StepRecord,
    ) -> Result<(), CommandError> {
        for &id in named {
            if !(1..=NODE_COUNT_MAX as u32).contains(&id.0) {
                return Err(CommandError::NoSuchNode(id));
            }
        }
        let leader = self.leader().ok_or(CommandError::NoLeader)?;
        let leader_server = &self.servers[self.index_of(leader)];
        if leader_server.paused {
            return Err(CommandError::Paused(leader));
        }
        if let Some(node) = &leader_server.node {
            node.can_change_membership(&change)
                .map_err(CommandError::Membership)?;
        }
        let highest = named.iter().map(|id| id.0).max().unwrap_or(0);
        for number in self.servers.len() as u32 + 1..=highest {
            self.start_server(NodeId(number), PersistentState::default());
        }
        self.step_node(leader, Input::ChangeMembership(change), record);
        Ok(())
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
        while let Some(Reverse(next)) = self.queue.peek() {
            if next.at >= input.at {
                break;
            }
            if !self.is_superseded(&next.event, next.at, next.seq) {
                return Err(input.unreachable());
            }
            self.queue.pop();
        }
        self.now = input.at;
        self.apply(input.command.clone()).map(Some)
    }

    /// Processes the next event if it happens no later than `limit`.
    pub fn step_no_later_than(&mut self, limit: Micros) -> Option<StepRecord> {
        while self.peek_time().is_some_and(|at| at <= limit) {
            let Reverse(next) = self.queue.pop()?;
            debug_assert!(next.at >= self.now, "time never goes backwards");
            if let Some(record) = self.process(next) {
                self.events_processed += 1;
                self.fold_into_trace(&record);
                return Some(record);
            }
        }
        None
    }

    /// The instant of the next queued event, if any (it may turn out superseded).
    pub fn peek_time(&self) -> Option<Micros> {
        self.queue.peek().map(|Reverse(s)| s.at)
    }

    // ---- User commands ----

    /// Carries out a user command now and records it in the input log.
    pub fn apply(&mut self, command: Command) -> Result<StepRecord, CommandError> {
        let mut record = StepRecord {
            at: self.now,
            event: EventKind::Input(command.clone()),
            transitions: Vec::new(),
            applied: Vec::new(),
        };
        match &command {
            Command::Crash { node } => {
                let server = self.server_mut(*node)?;
                if server.node.take().is_none() {
                    return Err(CommandError::AlreadyCrashed(*node));
                }
                server.kv = KvStore::default();
                server.wake = None;
                server.paused = false;
                server.held.clear();
            }
            Command::Restart { node } => {
                let id = *node;
                if self.server_mut(id)?.node.is_some() {
                    return Err(CommandError::NotCrashed(id));
                }
                let config = self.node_config(id);
                let index = self.index_of(id);
                let ctx = self.context_for_index(index);
                let server = &mut self.servers[index];
                server.node = Some(Node::restart(config, &server.storage, ctx));
                // The state machine restarts from the snapshot on disk, if
                // any; the entries after it are applied again as they commit.
                server.kv = server
                    .storage
                    .log
                    .snapshot()
                    .map(|snapshot| snapshot.state.clone())
                    .unwrap_or_default();
                let starts_up = Transition {
                    from: Role::Follower,
                    to: Role::Follower,
                    term: server.storage.current_term,
                    cause: TransitionCause::StartsUp,
                };
                self.remember_transitions(id, &[starts_up], &mut record);
                self.schedule_wake(id);
            }
            Command::Timeout { node } => {
                let server = self.server_mut(*node)?;
                if server.node.is_none() {
                    return Err(CommandError::Crashed(*node));
                }
                if server.paused {
                    return Err(CommandError::Paused(*node));
                }
                self.step_node(*node, Input::ForceTimeout, &mut record);
            }
            Command::Pause { node } => {
                let server = self.server_mut(*node)?;
                if server.node.is_none() {
                    return Err(CommandError::Crashed(*node));
                }
                if server.paused {
                    return Err(CommandError::Paused(*node));
                }
                server.paused = true;
            }
            Command::Resume { node } => self.resume(*node)?,
            Command::TransferLeadership { to } => {
                self.server_mut(*to)?;
                let leader = self.leader().ok_or(CommandError::NoLeader)?;
                if self.servers[self.index_of(leader)].paused {
                    return Err(CommandError::Paused(leader));
                }
                self.step_node(leader, Input::TransferLeadership(*to), &mut record);
            }
            Command::AddServer { node } => {
                let change = MembershipChange::AddServer(*node);
                self.change_membership(change, &[*node], &mut record)?;
            }
            Command::RemoveServer { node } => {
                self.server_mut(*node)?;
                let change = MembershipChange::RemoveServer(*node);
                self.change_membership(change, &[*node], &mut record)?;
            }
            Command::ChangeMembership { voters } => {
                let change = MembershipChange::ReplaceVoters(voters.iter().copied().collect());
                self.change_membership(change, voters, &mut record)?;
            }
            Command::Partition { groups } => {
                let cut = self.partition_cuts(groups)?;
                self.network.cut = cut;
            }
            Command::CutLink { from, to } => {
                self.check_link(*from, *to)?;
                self.network.cut.insert((*from, *to));
            }
            Command::Heal => self.network.cut.clear(),
            Command::SetNetworkFaults { faults } => {
                if !faults.is_valid() {
                    return Err(CommandError::InvalidFaults);
                }
                self.network.global_faults = *faults;
            }
            Command::SetWorkload { workload } => self.set_workload(*workload)?,
            Command::SetLinkFaults { from, to, faults } => {
                self.check_link(*from, *to)?;
                match faults {
                    Some(f) if !f.is_valid() => return Err(CommandError::InvalidFaults),
                    Some(f) => {
                        self.network.link_faults.insert((*from, *to), *f);
                    }
                    None => {
                        self.network.link_faults.remove(&(*from, *to));
                    }
                }
            }
            Command::DropMessage { id } => match self.network.packet(*id) {
                None => return Err(CommandError::NotInFlight(*id)),
                Some(packet) if packet.doomed => return Err(CommandError::AlreadyDropped(*id)),
                // The one way packets are lost: doomed in flight, dropped at
                // their delivery instant (see `process`).
                Some(_) => self.network.doom(*id),
            },
            Command::DuplicateMessage { id } => {
                let (copy, at) = self
                    .network
                    .duplicate(self.now, *id)
                    .ok_or(CommandError::NotInFlight(*id))?;
                self.push(at, Event::Deliver(copy));
            }
            Command::Configure { config } => self.configure(config)?,
            Command::ClientRequest { client, target, op } => {
                if let Some(target) = target {
                    self.server_mut(*target)?;
                }
                let id = client.unwrap_or(UI_CLIENT);
                if !(1..=CLIENT_ID_MAX).contains(&id.0) {
                    return Err(CommandError::NoSuchClient(id));
                }
                let index = match self.clients.iter().position(|c| c.id == id) {
                    Some(index) => index,
                    None => {
                        self.clients.push(Client::new(id));
                        self.clients.len() - 1
                    }
                };
                let timing = self.client_timing();
                let actions = self.clients[index].submit(self.now, op.clone(), *target, timing);
                self.run_client_actions(id, actions);
            }
        }
        self.inputs.push(TimedCommand {
            at: self.now,
            after_event: self.events_processed,
            command,
        });
        self.fold_into_trace(&record);
        Ok(record)
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

    /// Every client operation so far for the linearizability checker: answered
    /// ones with their answers, outstanding ones as unknown (they may yet take
    /// effect), queued ones left out (never sent).
    pub fn history(&self) -> Vec<HistoryOp> {
        let mut history = Vec::new();
        for client in &self.clients {
            for done in client.completed.iter() {
                history.push(HistoryOp {
                    client: client.id,
                    op: done.request.op.clone(),
                    invoked_at: done.invoked_at,
                    completed_at: done.completed_at,
                    result: OpResult::Ok {
                        previous: done.outcome.previous.clone(),
                    },
                });
            }
            if let Some(pending) = &client.outstanding {
                history.push(HistoryOp {
                    client: client.id,
                    op: pending.request.op.clone(),
                    invoked_at: pending.invoked_at,
                    completed_at: self.now,
                    result: OpResult::Unknown,
                });
            }
        }
        history
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
        self.network.cut.iter().copied()
    }

    /// The faults on every server-to-server link without its own.
    pub fn network_faults(&self) -> LinkFaults {
        self.network.global_faults
    }

    /// The workload running now, if any.
    pub fn workload(&self) -> Option<WorkloadSpec> {
        self.workload.as_ref().map(|w| w.spec)
    }

    /// Links with faults of their own.
    pub fn link_faults(&self) -> impl Iterator<Item = ((NodeId, NodeId), LinkFaults)> + '_ {
        self.network.link_faults.iter().map(|(k, v)| (*k, *v))
    }

    /// Is the server paused?
    pub fn is_paused(&self, id: NodeId) -> bool {
        self.servers
            .get(self.index_of(id))
            .is_some_and(|s| s.paused)
    }

    pub(crate) fn client_states(
        &self,
    ) -> impl Iterator<Item = (ClientId, Option<&Outstanding>, usize)> {
        self.clients
            .iter()
            .map(|c| (c.id, c.outstanding.as_ref(), c.queue.len()))
    }

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

    // ---- Internals ----

    /// True for a queued event that will do nothing when its time comes: a
    /// packet already taken, a timer that was reset, a client that moved on.
    fn is_superseded(&self, event: &Event, at: Micros, seq: u64) -> bool {
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

    fn process(&mut self, next: Scheduled) -> Option<StepRecord> {
        if self.is_superseded(&next.event, next.at, next.seq) {
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

    fn record(&self, event: EventKind) -> StepRecord {
        StepRecord {
            at: self.now,
            event,
            transitions: Vec::new(),
            applied: Vec::new(),
        }
    }

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

    /// Hands one input to a running server and carries out its Ready.
    /// Returns the proposal outcome, if the input was a proposal.
    fn step_node(
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

    fn carry_out(
        &mut self,
        id: NodeId,
        role: Role,
        term: crate::raft::Term,
        ready: Ready,
        record: &mut StepRecord,
    ) -> Option<ProposalOutcome> {
        let index = self.index_of(id);
        // Stable storage first: nothing is sent before it is on disk.
        if let Some(change) = &ready.persist {
            self.servers[index].storage.apply(change);
        }
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
            self.send(
                Endpoint::Node(id),
                Endpoint::Node(to),
                Payload::Raft(message),
            );
        }
        self.remember_transitions(id, &ready.transitions, record);
        if self.servers[index].wake.map(|(at, _)| at) != Some(ready.next_deadline) {
            self.schedule_wake(id);
        }
        ready.proposal
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
        let server = &mut self.servers[index];
        let Some(node) = server.node.as_mut() else {
            return;
        };
        let at = node.last_applied();
        if at.0 < node.log().snapshot_index().0 + every {
            return;
        }
        let (Some(term), Some(fingerprint)) =
            (node.log().term_at(at), node.log().prefix_fingerprint(at))
        else {
            return;
        };
        let snapshot = std::sync::Arc::new(Snapshot {
            index: at,
            term,
            fingerprint,
            membership: node.membership_at(at).clone(),
            state: server.kv.clone(),
        });
        node.compact(snapshot.clone());
        server.storage.log.compact_to(snapshot);
    }

    fn remember_transitions(
        &mut self,
        id: NodeId,
        transitions: &[Transition],
        record: &mut StepRecord,
    ) {
        let index = self.index_of(id);
        let kept = &mut self.servers[index].transitions;
        for &transition in transitions {
            if kept.len() == TRANSITIONS_KEPT {
                kept.pop_front();
            }
            kept.push_back(TimedTransition {
                at: self.now,
                transition,
            });
            record.transitions.push((id, transition));
        }
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, payload: Payload) {
        for (id, at) in self.network.send(self.now, from, to, payload) {
            self.push(at, Event::Deliver(id));
        }
    }

    /// Puts `config` in force from now on (see [`Command::Configure`]).
    /// Everything is checked before anything changes, so a refused
    /// configuration leaves no trace.
    fn configure(&mut self, config: &Config) -> Result<(), CommandError> {
        if config.node_count != self.current_config.node_count {
            return Err(CommandError::NodeCountFixed {
                current: self.current_config.node_count,
                requested: config.node_count,
            });
        }
        if config.state_machine != self.current_config.state_machine {
            return Err(CommandError::StateMachineFixed);
        }
        if config.initial != self.current_config.initial {
            return Err(CommandError::InitialStateFixed);
        }
        config.validate().map_err(CommandError::InvalidConfig)?;
        self.current_config = config.clone();
        // Packets already in flight keep their delivery instants; the new
        // range applies to the next send on each link.
        self.network
            .set_latency(config.latency_us_min, config.latency_us_max);
        // Election timeouts need nothing here: each server's next draw
        // comes from the new range (`context_for_index`), its current
        // deadline stays. Crashed servers pick the new configuration up
        // when they restart (`node_config`).
        for index in 0..self.servers.len() {
            let id = self.servers[index].id;
            let node_config = self.node_config(id);
            let server = &mut self.servers[index];
            let Some(node) = server.node.as_mut() else {
                continue;
            };
            node.reconfigure(self.now, node_config);
            // CheckQuorum switched on or off moves a leader's next wake-up;
            // a paused server is woken again when it resumes.
            let deadline = node.next_deadline();
            if !server.paused && server.wake.map(|(at, _)| at) != Some(deadline) {
                self.schedule_wake(id);
            }
        }
        Ok(())
    }

    fn set_workload(&mut self, spec: Option<WorkloadSpec>) -> Result<(), CommandError> {
        let Some(spec) = spec else {
            self.workload = None;
            return Ok(());
        };
        if !spec.is_valid() {
            return Err(CommandError::InvalidWorkload);
        }
        self.workload_generation += 1;
        let mut workload = Workload::new(
            self.seed,
            spec,
            self.workload_generation,
            self.current_config.state_machine,
        );
        for i in 0..spec.clients {
            let id = workload_client(i);
            if !self.clients.iter().any(|c| c.id == id) {
                self.clients.push(Client::new(id));
            }
        }
        let first = self.now + workload.next_gap();
        self.workload = Some(workload);
        self.push(
            first,
            Event::WorkloadTick {
                generation: self.workload_generation,
            },
        );
        Ok(())
    }

    fn workload_tick(&mut self, generation: u32) {
        let Some(workload) = self.workload.as_mut() else {
            return;
        };
        let client = workload_client(workload.next_client());
        let op = workload.next_op();
        let next = self.now + workload.next_gap();
        let index = self.client_index(client);
        if self.clients[index].is_idle() {
            let timing = self.client_timing();
            let actions = self.clients[index].submit(self.now, op, None, timing);
            self.run_client_actions(client, actions);
        }
        self.push(next, Event::WorkloadTick { generation });
    }

    fn resume(&mut self, id: NodeId) -> Result<(), CommandError> {
        let server = self.server_mut(id)?;
        if server.node.is_none() {
            return Err(CommandError::Crashed(id));
        }
        if !server.paused {
            return Err(CommandError::NotPaused(id));
        }
        server.paused = false;
        let held = std::mem::take(&mut server.held);
        // Everything that waited arrives now, in the order it came.
        for packet in held {
            let packet_id = self.network.requeue(packet, self.now);
            self.push(self.now, Event::Deliver(packet_id));
        }
        self.schedule_wake(id);
        Ok(())
    }

    fn check_link(&self, from: NodeId, to: NodeId) -> Result<(), CommandError> {
        for id in [from, to] {
            if self.servers.get(self.index_of(id)).is_none() {
                return Err(CommandError::NoSuchNode(id));
            }
        }
        if from == to {
            return Err(CommandError::SelfLink(from));
        }
        Ok(())
    }

    /// The directed links a partition into `groups` cuts.
    fn partition_cuts(
        &self,
        groups: &[Vec<NodeId>],
    ) -> Result<std::collections::BTreeSet<(NodeId, NodeId)>, CommandError> {
        let mut group_of = vec![groups.len(); self.servers.len()];
        for (g, group) in groups.iter().enumerate() {
            for &id in group {
                let slot = group_of
                    .get_mut(self.index_of(id))
                    .ok_or(CommandError::NoSuchNode(id))?;
                if *slot != groups.len() {
                    return Err(CommandError::InTwoGroups(id));
                }
                *slot = g;
            }
        }
        let ids: Vec<NodeId> = self.servers.iter().map(|s| s.id).collect();
        let mut cut = std::collections::BTreeSet::new();
        for (i, &a) in ids.iter().enumerate() {
            for (j, &b) in ids.iter().enumerate() {
                if group_of[i] != group_of[j] {
                    cut.insert((a, b));
                }
            }
        }
        Ok(cut)
    }

    fn run_client_actions(&mut self, client: ClientId, actions: Vec<ClientAction>) {
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
                    self.push(
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

    fn schedule_wake(&mut self, id: NodeId) {
        let index = self.index_of(id);
        let Some(node) = &self.servers[index].node else {
            return;
        };
        let at = node.next_deadline().max(self.now);
        self.servers[index].wake = Some((at, self.next_seq));
        self.push(at, Event::WakeNode(id));
    }

    fn push(&mut self, at: Micros, event: Event) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.queue.push(Reverse(Scheduled { at, seq, event }));
    }

    fn context_for_index(&mut self, index: usize) -> StepContext {
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

    fn node_config(&self, id: NodeId) -> NodeConfig {
        NodeConfig {
            id,
            members: self.starting_members(id),
            heartbeat_interval_us: self.current_config.heartbeat_interval_us,
            election_timeout_min_us: self.current_config.election_timeout_us_min,
            max_entries_per_append: self.current_config.max_entries_per_append,
            max_inflight_appends: self.current_config.max_inflight_appends,
            options: self.current_config.raft,
            bugs: self.current_config.bugs,
        }
    }

    fn client_timing(&self) -> ClientTiming {
        ClientTiming {
            node_count: self.servers.len(),
            timeout_us: self.current_config.client_timeout_us,
            retry_delay_us: self.current_config.heartbeat_interval_us,
        }
    }

    fn index_of(&self, id: NodeId) -> usize {
        (id.0 as usize).wrapping_sub(1)
    }

    fn server_mut(&mut self, id: NodeId) -> Result<&mut Server, CommandError> {
        let index = self.index_of(id);
        self.servers
            .get_mut(index)
            .ok_or(CommandError::NoSuchNode(id))
    }

    fn client_index(&self, id: ClientId) -> usize {
        self.clients
            .iter()
            .position(|c| c.id == id)
            .expect("packets only go to clients that exist")
    }

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
