//! Bare `Node`s and a hand-run message queue, shared by the tests that drive
//! servers without the simulator: no time except what the test hands in.

use raftlab_core::app::{
    AppendEntries, Entry, Input, Log, LogCommand, Message, Node, PersistentState, Ready,
};
use raftlab_core::kv::{ClientId, ClientRequest, Operation};
use raftlab_core::raft::{
    LogIndex, NodeConfig, NodeId, PeerProgress, RaftOptions, Role, StepContext, Term,
};
use std::collections::{BTreeMap, VecDeque};

/// The shortest election timeout, and every timeout these servers draw.
pub const TIMEOUT: u64 = 150_000;
/// The leader's heartbeat interval.
pub const HEARTBEAT: u64 = 50_000;
/// The most entries one AppendEntries carries.
pub const MAX_ENTRIES: usize = 4;
/// The flow-control window of the servers in these tests.
pub const MAX_INFLIGHT: usize = 4;

pub fn ctx(now: u64) -> StepContext {
    StepContext {
        now,
        election_timeout_us: TIMEOUT,
    }
}

pub fn config(id: u32, n: u32) -> NodeConfig {
    config_with(id, n, false)
}

pub fn config_with(id: u32, n: u32, noop_on_election: bool) -> NodeConfig {
    options_config(
        id,
        n,
        RaftOptions {
            noop_on_election,
            fast_backtracking: false,
            pre_vote: false,
            check_quorum: false,
            read_mode: Default::default(),
        },
    )
}

pub fn options_config(id: u32, n: u32, options: RaftOptions) -> NodeConfig {
    NodeConfig {
        id: NodeId(id),
        members: (1..=n).map(NodeId).collect(),
        heartbeat_interval_us: HEARTBEAT,
        election_timeout_us_min: TIMEOUT,
        max_entries_per_append: MAX_ENTRIES,
        max_inflight_appends: MAX_INFLIGHT,
        // The paper's basic algorithm: no no-op entry on election.
        options,
        bugs: Default::default(),
    }
}

pub fn request(seq: u64) -> ClientRequest {
    ClientRequest {
        client: ClientId(1),
        seq,
        op: Operation::Put {
            key: "x".into(),
            value: seq.to_string(),
        },
    }
}

pub fn entry(index: u64, term: u64) -> Entry {
    Entry {
        index: LogIndex(index),
        term: Term(term),
        command: LogCommand::Client(request(index).into()),
    }
}

pub fn stored(term: u64, terms: &[u64]) -> PersistentState {
    PersistentState {
        current_term: Term(term),
        voted_for: None,
        log: Log::from_entries(
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| entry(i as u64 + 1, *t))
                .collect(),
        ),
    }
}

/// Nodes plus a FIFO of messages that tests deliver by hand.
pub struct Cluster {
    pub nodes: BTreeMap<NodeId, Node>,
    pub storage: BTreeMap<NodeId, PersistentState>,
    pub queue: VecDeque<(NodeId, NodeId, Message)>,
    pub now: u64,
    /// Entries handed to state machines, in order, until a test takes them.
    pub applied: Vec<(NodeId, Entry)>,
    /// The configuration of server `id` of `n`, at start and on restart.
    pub make_config: fn(u32, u32) -> NodeConfig,
}

impl Cluster {
    pub fn new(logs: &[PersistentState]) -> Cluster {
        Cluster::with_config(logs, config)
    }

    /// Servers restarted from `logs`, each configured by `make_config`.
    pub fn with_config(
        logs: &[PersistentState],
        make_config: fn(u32, u32) -> NodeConfig,
    ) -> Cluster {
        let n = logs.len() as u32;
        let mut nodes = BTreeMap::new();
        let mut storage = BTreeMap::new();
        for (i, s) in logs.iter().enumerate() {
            let id = NodeId(i as u32 + 1);
            nodes.insert(id, Node::restart(make_config(id.0, n), s, ctx(0)));
            storage.insert(id, s.clone());
        }
        Cluster {
            nodes,
            storage,
            queue: VecDeque::new(),
            now: 0,
            applied: Vec::new(),
            make_config,
        }
    }

    pub fn fresh(n: usize) -> Cluster {
        Cluster::new(&vec![PersistentState::default(); n])
    }

    pub fn input(&mut self, id: u32, input: Input) -> Ready {
        let id = NodeId(id);
        let ready = self.nodes.get_mut(&id).unwrap().step(ctx(self.now), input);
        if let Some(change) = &ready.persist {
            self.storage.get_mut(&id).unwrap().apply(change);
        }
        for (to, m) in &ready.messages {
            self.queue.push_back((id, *to, m.clone()));
        }
        self.applied
            .extend(ready.committed.iter().map(|e| (id, e.clone())));
        ready
    }

    /// Delivers every queued message, and those they cause, until quiet.
    pub fn deliver_all(&mut self) {
        while self.deliver_one().is_some() {}
    }

    pub fn node(&self, id: u32) -> &Node {
        &self.nodes[&NodeId(id)]
    }

    /// Delivers the messages queued now, not those they cause: one hop of
    /// the network.
    pub fn deliver_queued(&mut self) {
        for _ in 0..self.queue.len() {
            self.deliver_one();
        }
    }

    /// Delivers the oldest queued message (dropped if its server is down)
    /// and returns it.
    pub fn deliver_one(&mut self) -> Option<(NodeId, NodeId, Message)> {
        let (from, to, message) = self.queue.pop_front()?;
        if self.nodes.contains_key(&to) {
            self.input(
                to.0,
                Input::Message {
                    from,
                    message: message.clone(),
                },
            );
        }
        Some((from, to, message))
    }

    /// Takes a server down: its storage stays, messages to it are lost.
    pub fn crash(&mut self, id: u32) {
        self.nodes.remove(&NodeId(id));
    }

    /// Brings a crashed server back from its storage.
    pub fn restart(&mut self, id: u32) {
        let n = self.storage.len() as u32;
        let config = (self.make_config)(id, n);
        let node = Node::restart(config, &self.storage[&NodeId(id)], ctx(self.now));
        self.nodes.insert(NodeId(id), node);
    }

    /// The leader `leader`'s progress for `peer`.
    pub fn progress(&self, leader: u32, peer: u32) -> PeerProgress {
        self.node(leader)
            .progress()
            .into_iter()
            .find(|(id, _)| *id == NodeId(peer))
            .map(|(_, p)| p)
            .expect("a leader tracks every peer")
    }

    /// AppendEntries with entries queued for `to`.
    pub fn queued_batches_to(&self, to: u32) -> usize {
        self.queue
            .iter()
            .filter(|(_, t, m)| *t == NodeId(to) && entries_carried(m) > 0)
            .count()
    }

    pub fn elect(&mut self, id: u32) {
        self.input(id, Input::ForceTimeout);
        self.deliver_all();
        assert_eq!(self.node(id).role(), Role::Leader);
    }
}

/// How many entries a message carries (0 for anything but AppendEntries).
pub fn entries_carried(message: &Message) -> usize {
    match message {
        Message::AppendEntries(AppendEntries { entries, .. }) => entries.len(),
        _ => 0,
    }
}
