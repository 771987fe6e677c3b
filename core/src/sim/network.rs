//! The simulated network: who may talk to whom, what travels, and how long it takes.

use super::config::DURATION_US_MAX;
use super::rng::Stream;
use crate::app::Message;
use crate::kv::{ClientId, ClientRequest, Outcome};
use crate::raft::{MessageKind, Micros, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// One end of a link: a server or a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Endpoint {
    /// A Raft server.
    Node(NodeId),
    /// A client of the cluster.
    Client(ClientId),
}

impl Endpoint {
    /// A number unique across servers and clients, for seeding link streams.
    fn code(self) -> u64 {
        match self {
            Endpoint::Node(id) => u64::from(id.0),
            Endpoint::Client(id) => 1_000 + u64::from(id.0),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Node(id) => id.fmt(f),
            Endpoint::Client(id) => id.fmt(f),
        }
    }
}

/// A server's answer to a client.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, Deserialize)]
pub enum ClientResult {
    /// The request was committed and applied; here is its outcome.
    Done(Outcome),
    /// This server is not the leader; try the hinted one.
    NotLeader {
        /// The leader the server knows of, if any.
        leader_hint: Option<NodeId>,
    },
}

/// What a packet carries.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// A Raft RPC or reply between servers.
    Raft(Message),
    /// A client's request to a server.
    Request(Arc<ClientRequest>),
    /// A server's reply to a client's request number `seq`.
    Reply {
        /// The request being answered.
        seq: u64,
        /// What happened.
        result: ClientResult,
    },
}

impl Payload {
    /// The kind shown on the page.
    pub fn kind(&self) -> MessageKind {
        match self {
            Payload::Raft(message) => message.kind(),
            Payload::Request(_) => MessageKind::ClientRequest,
            Payload::Reply { .. } => MessageKind::ClientReply,
        }
    }

    /// For a vote or pre-vote reply, whether it grants the vote (the page
    /// draws a refusal differently); `None` for anything else.
    pub fn vote_granted(&self) -> Option<bool> {
        match self {
            Payload::Raft(message) => message.vote_granted(),
            Payload::Request(_) | Payload::Reply { .. } => None,
        }
    }

    /// Every field, named as in the Raft paper's Figure 2, for an inspector.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Payload::Raft(message) => message.fields(),
            Payload::Request(request) => vec![
                ("client", request.client.to_string()),
                ("seq", request.seq.to_string()),
                ("op", request.op.to_string()),
            ],
            Payload::Reply { seq, result } => {
                let answer = match result {
                    ClientResult::Done(outcome) => {
                        format!("ok, {}", outcome.previous.as_deref().unwrap_or("(none)"))
                    }
                    ClientResult::NotLeader {
                        leader_hint: Some(hint),
                    } => format!("not leader, try {hint}"),
                    ClientResult::NotLeader { leader_hint: None } => "not leader, no hint".into(),
                };
                vec![("seq", seq.to_string()), ("result", answer)]
            }
        }
    }
}

/// How a link between two servers misbehaves. Probabilities are in parts per
/// thousand so that faults stay exact integers in input logs and URLs.
/// A field left out of a file is no fault (`{"drop_per_mille": 1000}` drops
/// everything and nothing else).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkFaults {
    /// Chance that a packet is lost, in ‰.
    pub drop_per_mille: u16,
    /// Chance that a packet is delivered twice (each copy with its own delay), in ‰.
    pub duplicate_per_mille: u16,
    /// Delay added to every packet on top of the latency draw.
    pub extra_delay_us: Micros,
    /// A latency range replacing the configured one (jitter reorders packets).
    pub latency_us: Option<(Micros, Micros)>,
}

impl LinkFaults {
    /// True when the values are in range: probabilities at most 1000 ‰, a
    /// latency range min ≤ max, and delays at most [`DURATION_US_MAX`].
    pub fn is_valid(&self) -> bool {
        self.drop_per_mille <= 1000
            && self.duplicate_per_mille <= 1000
            && self.extra_delay_us <= DURATION_US_MAX
            && self
                .latency_us
                .is_none_or(|(min, max)| min <= max && max <= DURATION_US_MAX)
    }
}

/// A packet on the wire.
#[derive(Clone, Debug, PartialEq, Hash, Eq, Serialize, Deserialize)]
pub struct Packet {
    /// Unique within a run, in send order.
    pub id: u64,
    /// Sender.
    pub from: Endpoint,
    /// Destination.
    pub to: Endpoint,
    /// The instant it was sent.
    pub sent_at: Micros,
    /// The instant it arrives.
    pub deliver_at: Micros,
    /// What it carries.
    pub payload: Payload,
    /// The network will lose it: it flies, but never arrives.
    pub doomed: bool,
    /// A second copy made by the network.
    pub duplicate: bool,
}

/// Packets in flight, the per-link random streams, and the faults in force.
#[derive(Clone, Debug)]
pub(super) struct Network {
    seed: u64,
    latency_us_min: Micros,
    latency_us_max: Micros,
    links: BTreeMap<(Endpoint, Endpoint), Stream>,
    in_flight: BTreeMap<u64, Packet>,
    next_id: u64,
    /// Faults on every server-to-server link without its own.
    global_faults: LinkFaults,
    /// Faults of single directed links.
    link_faults: BTreeMap<(NodeId, NodeId), LinkFaults>,
    /// Directed links that carry nothing.
    cut: BTreeSet<(NodeId, NodeId)>,
}

/// The stream tag for link delays (see [`Stream::new`]).
const LINK_STREAM: u64 = 2;

impl Network {
    pub(super) fn new(seed: u64, latency_us_min: Micros, latency_us_max: Micros) -> Network {
        Network {
            seed,
            latency_us_min,
            latency_us_max,
            links: BTreeMap::new(),
            in_flight: BTreeMap::new(),
            next_id: 0,
            global_faults: LinkFaults::default(),
            link_faults: BTreeMap::new(),
            cut: BTreeSet::new(),
        }
    }

    /// The faults on a link. Links to and from clients are reliable: faults
    /// model the network between servers.
    fn faults(&self, from: Endpoint, to: Endpoint) -> LinkFaults {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self
                .link_faults
                .get(&(a, b))
                .copied()
                .unwrap_or(self.global_faults),
            _ => LinkFaults::default(),
        }
    }

    /// Is the directed link between two endpoints cut now?
    pub(super) fn is_cut(&self, from: Endpoint, to: Endpoint) -> bool {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self.cut.contains(&(a, b)),
            _ => false,
        }
    }

    /// Puts a packet (and, by chance, a duplicate) on the wire and returns
    /// their ids and delivery instants; the caller schedules the deliveries.
    pub(super) fn send(
        &mut self,
        now: Micros,
        from: Endpoint,
        to: Endpoint,
        payload: Payload,
    ) -> Vec<(u64, Micros)> {
        let faults = self.faults(from, to);
        // Every draw is made whatever the faults, so changing a probability
        // never shifts the delays that follow on this link.
        let (delay, dropped) = self.draw_journey(from, to, faults);
        let duplicated =
            self.link_stream(from, to).uniform(0, 999) < u64::from(faults.duplicate_per_mille);
        let (copy_delay, copy_dropped) = self.draw_journey(from, to, faults);
        let doomed = dropped || self.is_cut(from, to);
        let mut sent = vec![self.put_on_wire(now, from, to, payload.clone(), delay, doomed, false)];
        if duplicated {
            let doomed = copy_dropped || self.is_cut(from, to);
            sent.push(self.put_on_wire(now, from, to, payload, copy_delay, doomed, true));
        }
        sent
    }

    /// Makes one more copy of the packet `id` in flight, as a duplicate the
    /// network made at `now`: same ends and payload, a fresh id, its delay
    /// and its chance of loss drawn from the link's stream like any copy's.
    /// Returns the copy's id and delivery instant, or `None` if `id` is not
    /// in flight.
    pub(super) fn duplicate(&mut self, now: Micros, id: u64) -> Option<(u64, Micros)> {
        let original = self.in_flight.get(&id)?;
        let (from, to, payload) = (original.from, original.to, original.payload.clone());
        let faults = self.faults(from, to);
        let (delay, dropped) = self.draw_journey(from, to, faults);
        let doomed = dropped || self.is_cut(from, to);
        Some(self.put_on_wire(now, from, to, payload, delay, doomed, true))
    }

    /// Dooms the packet `id` in flight: it flies on, but is lost at its
    /// delivery instant like any packet the network drops.
    pub(super) fn doom(&mut self, id: u64) {
        let packet = self.in_flight.get_mut(&id);
        debug_assert!(packet.is_some(), "only a packet in flight can be doomed");
        if let Some(packet) = packet {
            packet.doomed = true;
        }
    }

    /// Splits the servers into sides that cannot reach each other: every
    /// directed link between two servers on different sides is cut, every
    /// other cut is healed. `side_of` names each server's side.
    pub(super) fn partition(&mut self, side_of: &[(NodeId, usize)]) {
        self.cut.clear();
        for &(a, side_a) in side_of {
            for &(b, side_b) in side_of {
                if side_a != side_b {
                    self.cut.insert((a, b));
                }
            }
        }
    }

    /// Cuts the directed link `from` → `to`: it carries nothing until healed.
    pub(super) fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cut.insert((from, to));
    }

    /// Restores every cut link.
    pub(super) fn heal(&mut self) {
        self.cut.clear();
    }

    /// Sets the faults on every server-to-server link without its own.
    pub(super) fn set_faults(&mut self, faults: LinkFaults) {
        debug_assert!(faults.is_valid());
        self.global_faults = faults;
    }

    /// Sets the faults of the directed link `from` → `to`, or with `None`
    /// lets it follow the network's again.
    pub(super) fn set_link_faults(&mut self, from: NodeId, to: NodeId, faults: Option<LinkFaults>) {
        match faults {
            Some(faults) => {
                debug_assert!(faults.is_valid());
                self.link_faults.insert((from, to), faults);
            }
            None => {
                self.link_faults.remove(&(from, to));
            }
        }
    }

    /// Directed server-to-server links that are cut now, in order.
    pub(super) fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    /// The faults on every server-to-server link without its own.
    pub(super) fn global_faults(&self) -> LinkFaults {
        self.global_faults
    }

    /// Links with faults of their own, in order.
    pub(super) fn link_faults(&self) -> impl Iterator<Item = ((NodeId, NodeId), LinkFaults)> + '_ {
        self.link_faults
            .iter()
            .map(|(link, faults)| (*link, *faults))
    }

    /// Sets the range every link without its own draws its latency from.
    pub(super) fn set_latency(&mut self, latency_us_min: Micros, latency_us_max: Micros) {
        debug_assert!(latency_us_min <= latency_us_max);
        self.latency_us_min = latency_us_min;
        self.latency_us_max = latency_us_max;
    }

    /// Draws one packet's journey on a link: its delay, and whether the
    /// network loses it (two draws from the link's stream, in that order).
    fn draw_journey(&mut self, from: Endpoint, to: Endpoint, faults: LinkFaults) -> (Micros, bool) {
        let (latency_min, latency_max) = faults
            .latency_us
            .unwrap_or((self.latency_us_min, self.latency_us_max));
        let stream = self.link_stream(from, to);
        let delay = stream
            .uniform(latency_min, latency_max)
            .saturating_add(faults.extra_delay_us);
        let dropped = stream.uniform(0, 999) < u64::from(faults.drop_per_mille);
        (delay, dropped)
    }

    /// The random stream of the directed link `from` → `to`, made on first use.
    fn link_stream(&mut self, from: Endpoint, to: Endpoint) -> &mut Stream {
        let seed = self.seed;
        self.links
            .entry((from, to))
            .or_insert_with(|| Stream::new(seed, LINK_STREAM, from.code(), to.code()))
    }

    #[allow(clippy::too_many_arguments)]
    fn put_on_wire(
        &mut self,
        now: Micros,
        from: Endpoint,
        to: Endpoint,
        payload: Payload,
        delay: Micros,
        doomed: bool,
        duplicate: bool,
    ) -> (u64, Micros) {
        let id = self.next_id;
        self.next_id += 1;
        let packet = Packet {
            id,
            from,
            to,
            sent_at: now,
            deliver_at: now.saturating_add(delay),
            payload,
            doomed,
            duplicate,
        };
        self.in_flight.insert(id, packet);
        (id, now.saturating_add(delay))
    }

    /// Puts a packet that was held back (at a paused server) on the wire again, arriving at `at`.
    pub(super) fn requeue(&mut self, mut packet: Packet, at: Micros) -> u64 {
        packet.deliver_at = at;
        let id = packet.id;
        self.in_flight.insert(id, packet);
        id
    }

    /// Takes a packet off the wire at its delivery.
    pub(super) fn take(&mut self, id: u64) -> Option<Packet> {
        self.in_flight.remove(&id)
    }

    /// The packet `id`, while it is still on its way.
    pub(super) fn packet(&self, id: u64) -> Option<&Packet> {
        self.in_flight.get(&id)
    }

    /// True while the packet `id` is still on its way.
    pub(super) fn is_in_flight(&self, id: u64) -> bool {
        self.in_flight.contains_key(&id)
    }

    /// Everything in flight, oldest first.
    pub(super) fn in_flight(&self) -> impl Iterator<Item = &Packet> {
        self.in_flight.values()
    }
}
