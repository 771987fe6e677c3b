//! The view model: plain data describing the cluster at one instant
//! ([`ClusterView`]) and the run around it ([`RunView`]). It is the only
//! thing the page reads; it holds no references into the simulation. The
//! vocabulary its fields use (ids, roles, terms, instants, the journal's
//! words, the checkers' verdicts) is re-exported here, so a page needs
//! nothing from `raft`, `sim` or `check`.

mod history;
mod run;

pub use crate::app::{Entry, LogCommand, PendingRead};
pub use crate::check::{NotLinearizable, Property, Violation};
pub use crate::journal::{Fate, Flight, JournalEntry, MarkKind, Marks};
pub use crate::kv::{ClientId, StateMachine, ToyState, TOY_KEY};
pub use crate::playback::{FoundViolation, Linearizability};
pub use crate::raft::{
    LogIndex, Membership, MembershipJob, MessageKind, Micros, NodeId, ProgressState, RaftOptions,
    Role, Term, Transition, TransitionCause,
};
pub use crate::scenario::{EntryRef, Highlight, RoleArrow};
pub use crate::sim::{
    DelayModel, Endpoint, LinkFaults, Outstanding, TimedTransition, WorkloadSpec,
};
pub use history::{
    BarResult, HistoryBar, HistoryExplanation, HistoryView, HISTORY_ORDERED_MAX, HISTORY_SHOWN,
};
pub use run::{RunView, JOURNAL_SHOWN};

use crate::app::{Log, Node, PersistentState};
use crate::kv::KvStore;
use crate::raft::PeerProgress;
use crate::sim::{Packet, Simulation};

/// Everything drawn for one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    /// The virtual instant this view shows.
    pub now: Micros,
    /// Events processed so far.
    pub events_processed: u64,
    /// The servers, in id order.
    pub nodes: Vec<NodeView>,
    /// Packets on the wire, oldest first.
    pub messages: Vec<MessageView>,
    /// The clients and what they are waiting for.
    pub clients: Vec<ClientView>,
    /// Directed server-to-server links that are cut, in order.
    pub cut_links: Vec<(NodeId, NodeId)>,
    /// Faults on every server-to-server link without its own.
    pub network_faults: LinkFaults,
    /// Links with faults of their own.
    pub link_faults: Vec<((NodeId, NodeId), LinkFaults)>,
    /// The replicated application this run uses.
    pub state_machine: StateMachine,
    /// The simulated clients' workload, while one runs.
    pub workload: Option<WorkloadSpec>,
    /// The optional Raft mechanisms in force now (PreVote, CheckQuorum and
    /// the rest can be switched mid-run, so this is the current
    /// configuration's, not the starting one's).
    pub raft: RaftOptions,
    /// The timer jitter and disk write delays in force now (the same for
    /// every server; both off by default).
    pub delays: DelayModel,
}

/// One server as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    /// Its id.
    pub id: NodeId,
    /// False while crashed; the persistent fields then show what is on its disk.
    pub alive: bool,
    /// True while paused: it keeps its state but processes nothing.
    pub paused: bool,
    /// Its role (a crashed server is shown as the follower it will restart as).
    pub role: Role,
    /// currentTerm.
    pub term: Term,
    /// votedFor.
    pub voted_for: Option<NodeId>,
    /// The log's newest entries, oldest first: all of them for a log of at
    /// most [`LOG_TAIL`] entries, else the latest [`LOG_TAIL`]. A view is
    /// built every frame, so it must not copy a log that grows all run.
    pub log: Vec<Entry>,
    /// How many entries the log keeps (after its snapshot), `log` or not.
    pub log_len: usize,
    /// commitIndex (0 while crashed: it is volatile).
    pub commit_index: LogIndex,
    /// lastApplied.
    pub last_applied: LogIndex,
    /// The leader it follows in its current term.
    pub leader_id: Option<NodeId>,
    /// When its election timer fires (followers and candidates that are up).
    pub election_deadline: Option<Micros>,
    /// The length of the timeout that deadline came from.
    pub election_timeout_us: Micros,
    /// Votes received, for a candidate (itself included).
    pub votes_granted: Vec<NodeId>,
    /// For a leader: nextIndex and matchIndex per follower, in id order.
    pub progress: Vec<PeerView>,
    /// For a leader: reads waiting for ReadIndex confirmation or a lease.
    pub pending_reads: Vec<PendingRead>,
    /// The last index folded into its snapshot (0: none); the log shown
    /// starts after it.
    pub snapshot_index: LogIndex,
    /// The term of the entry at `snapshot_index`.
    pub snapshot_term: Term,
    /// The configuration it uses: the latest in its log, or the one the
    /// cluster started with.
    pub membership: Membership,
    /// For a leader: the membership change under way, with a new server's
    /// catch-up rounds.
    pub membership_job: Option<MembershipJob>,
    /// The key-value store's contents.
    pub kv: Vec<(String, String)>,
    /// The toy machine's state, when the run uses it (A while crashed: the
    /// store is rebuilt from the log on restart).
    pub toy_state: Option<ToyState>,
    /// The client sessions in its state machine, in client order (none while
    /// crashed: they are rebuilt with the store).
    pub sessions: Vec<SessionView>,
    /// Recent role changes, oldest first.
    pub transitions: Vec<TimedTransition>,
    /// What its disk is doing, with a disk delay on.
    pub disk: DiskView,
}

/// A server's disk as the view shows it: with a disk delay on, a step that
/// persists its term, vote or log holds the messages it sends until the
/// write is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiskView {
    /// While a write is under way, the instant the disk finishes the writes
    /// asked of it so far (`None`: idle, or writes take no time).
    pub busy_until: Option<Micros>,
    /// Messages it sent that wait for a write before they leave.
    pub messages_held: usize,
}

impl DiskView {
    /// Server `id`'s disk in `sim` now.
    fn of(sim: &Simulation, id: NodeId) -> DiskView {
        let now = sim.now();
        DiskView {
            busy_until: sim.disk_busy_until(id),
            messages_held: sim
                .packets_in_flight()
                .filter(|p| p.from == Endpoint::Node(id) && p.sent_at > now)
                .count(),
        }
    }
}

/// A server's state machine as its [`NodeView`] shows it.
struct MachineView {
    kv: Vec<(String, String)>,
    toy_state: Option<ToyState>,
    sessions: Vec<SessionView>,
}

impl MachineView {
    fn of(kv: &KvStore, state_machine: StateMachine) -> MachineView {
        MachineView {
            toy_state: (state_machine == StateMachine::Toy).then(|| kv.toy_state()),
            sessions: kv
                .sessions()
                .map(|(client, session)| SessionView {
                    client,
                    seq: session.seq,
                    previous: session.outcome.previous.clone(),
                })
                .collect(),
            kv: kv
                .entries()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }
}

impl NodeView {
    /// A server that is up.
    fn running(
        sim: &Simulation,
        node: &Node,
        machine: MachineView,
        transitions: Vec<TimedTransition>,
    ) -> NodeView {
        NodeView {
            id: node.id(),
            alive: true,
            paused: sim.is_paused(node.id()),
            role: node.role(),
            term: node.current_term(),
            voted_for: node.voted_for(),
            log: log_tail(node.log()),
            log_len: node.log().len(),
            commit_index: node.commit_index(),
            last_applied: node.last_applied(),
            leader_id: node.leader_id(),
            election_deadline: node.election_deadline(),
            election_timeout_us: node.election_timeout_us(),
            votes_granted: node.votes_granted(),
            progress: node
                .progress()
                .iter()
                .map(|(peer, progress)| PeerView::of(*peer, progress))
                .collect(),
            pending_reads: node.pending_reads().to_vec(),
            snapshot_index: node.log().snapshot_index(),
            snapshot_term: node.log().snapshot_term(),
            membership: node.membership().clone(),
            membership_job: node.membership_job().cloned(),
            kv: machine.kv,
            toy_state: machine.toy_state,
            sessions: machine.sessions,
            transitions,
            disk: DiskView::of(sim, node.id()),
        }
    }

    /// A crashed server: what is on its disk, its volatile state gone.
    fn crashed(
        sim: &Simulation,
        id: NodeId,
        storage: &PersistentState,
        machine: MachineView,
        transitions: Vec<TimedTransition>,
    ) -> NodeView {
        NodeView {
            id,
            alive: false,
            paused: false,
            role: Role::Follower,
            term: storage.current_term,
            voted_for: storage.voted_for,
            log: log_tail(&storage.log),
            log_len: storage.log.len(),
            commit_index: LogIndex(0),
            last_applied: LogIndex(0),
            leader_id: None,
            election_deadline: None,
            election_timeout_us: 0,
            votes_granted: Vec::new(),
            progress: Vec::new(),
            pending_reads: Vec::new(),
            snapshot_index: storage.log.snapshot_index(),
            snapshot_term: storage.log.snapshot_term(),
            membership: stored_membership(sim, id, storage),
            membership_job: None,
            kv: machine.kv,
            toy_state: machine.toy_state,
            sessions: machine.sessions,
            transitions,
            disk: DiskView::of(sim, id),
        }
    }
}

/// One client session in a server's state machine (Raft paper §8): the last
/// request applied for that client and its answer, kept so that a retry is
/// answered without running again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionView {
    /// The client.
    pub client: ClientId,
    /// The highest sequence number applied for it.
    pub seq: u64,
    /// The cached answer to that request: the value its key held just
    /// before it (`None`: unset).
    pub previous: Option<String>,
}

/// What a leader knows of one follower's log (nextIndex, matchIndex) and
/// how it streams entries to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerView {
    /// The follower.
    pub peer: NodeId,
    /// nextIndex: the next log index to send it.
    pub next_index: LogIndex,
    /// matchIndex: the highest index known to be replicated on it.
    pub match_index: LogIndex,
    /// Probing for where the logs match, or streaming entries.
    pub state: ProgressState,
    /// In Probe, when the one AppendEntries out was sent (`None`: answered).
    pub probe_sent_at: Option<Micros>,
    /// In Replicate, the batches sent and not yet acknowledged.
    pub inflight: usize,
}

impl PeerView {
    fn of(peer: NodeId, progress: &PeerProgress) -> PeerView {
        PeerView {
            peer,
            next_index: progress.next_index,
            match_index: progress.match_index,
            state: progress.state,
            probe_sent_at: progress.probe_sent_at,
            inflight: progress.inflight.len(),
        }
    }
}

/// One packet in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageView {
    /// Unique within the run.
    pub id: u64,
    /// Its kind.
    pub kind: MessageKind,
    /// Sender.
    pub from: Endpoint,
    /// Destination.
    pub to: Endpoint,
    /// When it left.
    pub sent_at: Micros,
    /// When it arrives.
    pub deliver_at: Micros,
    /// Every field it carries, named as in the Raft paper's Figure 2 (what
    /// the inspector lists).
    pub fields: Vec<(&'static str, String)>,
    /// The network will lose it (a drop, or a link cut).
    pub doomed: bool,
    /// A copy the network made.
    pub duplicate: bool,
    /// For a vote or pre-vote reply, whether it grants the vote (a refusal
    /// is drawn differently); `None` for every other kind.
    pub granted: Option<bool>,
}

impl MessageView {
    fn of(sim: &Simulation, packet: &Packet) -> MessageView {
        MessageView {
            id: packet.id,
            kind: packet.payload.kind(),
            from: packet.from,
            to: packet.to,
            sent_at: packet.sent_at,
            deliver_at: packet.deliver_at,
            fields: packet.payload.fields(),
            doomed: sim.will_lose(packet),
            duplicate: packet.duplicate,
            granted: packet.payload.vote_granted(),
        }
    }

    /// Is it a vote or pre-vote reply that refuses the vote?
    pub fn is_refusal(&self) -> bool {
        self.granted == Some(false)
    }

    /// How far along its way the message is at `now`, from 0 to 1 (RaftScope's rule).
    pub fn progress_at(&self, now: Micros) -> f64 {
        let span = self.deliver_at.saturating_sub(self.sent_at);
        if span == 0 {
            return 1.0;
        }
        (now.saturating_sub(self.sent_at) as f64 / span as f64).clamp(0.0, 1.0)
    }
}

/// A client.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    /// Its id.
    pub id: ClientId,
    /// The request it is waiting on.
    pub outstanding: Option<Outstanding>,
    /// Requests queued behind it.
    pub queued: usize,
}

impl ClusterView {
    /// The view of `sim` at its current instant.
    pub fn of(sim: &Simulation) -> ClusterView {
        let config = sim.current_config();
        let nodes = sim
            .server_parts()
            .map(|(id, node, storage, kv, transitions)| {
                let machine = MachineView::of(kv, config.state_machine);
                let transitions = transitions.iter().copied().collect();
                match node {
                    Some(node) => NodeView::running(sim, node, machine, transitions),
                    None => NodeView::crashed(sim, id, storage, machine, transitions),
                }
            })
            .collect();
        let clients = sim
            .client_states()
            .map(|(id, outstanding, queued)| ClientView {
                id,
                outstanding: outstanding.cloned(),
                queued,
            })
            .collect();
        ClusterView {
            now: sim.now(),
            events_processed: sim.events_processed(),
            nodes,
            messages: sim
                .packets_in_flight()
                .map(|p| MessageView::of(sim, p))
                .collect(),
            clients,
            cut_links: sim.cut_links().collect(),
            network_faults: sim.network_faults(),
            link_faults: sim.link_faults().collect(),
            state_machine: config.state_machine,
            workload: sim.workload(),
            raft: config.raft,
            delays: config.delays,
        }
    }

    /// The view of one server.
    pub fn node(&self, id: NodeId) -> Option<&NodeView> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The running leader with the highest term, if any.
    pub fn leader(&self) -> Option<&NodeView> {
        self.nodes
            .iter()
            .filter(|n| n.alive && n.role == Role::Leader)
            .max_by_key(|n| n.term)
    }
}

/// How many of a log's newest entries a [`NodeView`] holds: more than the
/// page's log table shows (its latest 20 indexes), so a follower that lags
/// the longest log still has every entry inside that window.
pub const LOG_TAIL: usize = 64;

/// The newest [`LOG_TAIL`] entries of `log`, oldest first.
fn log_tail(log: &Log) -> Vec<Entry> {
    let mut tail: Vec<Entry> = log.entries().rev().take(LOG_TAIL).cloned().collect();
    tail.reverse();
    tail
}

/// The configuration a crashed server will restart with: the latest on
/// its disk, else the one the cluster started with.
fn stored_membership(sim: &Simulation, id: NodeId, storage: &PersistentState) -> Membership {
    storage
        .log
        .latest_membership()
        .cloned()
        .unwrap_or_else(|| Membership::of(sim.starting_members(id)))
}

impl Simulation {
    /// The view model at the current instant.
    pub fn view(&self) -> ClusterView {
        ClusterView::of(self)
    }
}

#[cfg(test)]
mod tests {
    //! What the view reads out of a running simulation.

    use super::*;
    use crate::kv::Operation;
    use crate::sim::{Command, Config};

    #[test]
    fn the_view_carries_the_raft_options_in_force_now_not_the_starting_ones() {
        let mut sim = Simulation::new(3, Config::default()).expect("the default is valid");
        assert!(!sim.view().raft.pre_vote, "PreVote is off by default");
        let mut config = sim.current_config().clone();
        config.raft.pre_vote = true;
        sim.submit(Command::Configure {
            config: Box::new(config),
        })
        .expect("switching PreVote on is allowed mid-run");
        assert!(sim.view().raft.pre_vote);
        assert!(
            !sim.config().raft.pre_vote,
            "the starting configuration is unchanged"
        );
    }

    #[test]
    fn the_view_shows_the_delays_in_force_and_the_messages_a_disk_write_holds() {
        let mut sim = Simulation::new(3, Config::default()).expect("the default is valid");
        sim.advance_to(1_000_000);
        let view = sim.view();
        assert_eq!(view.delays, DelayModel::default(), "off by default");
        assert!(view.nodes.iter().all(|n| n.disk == DiskView::default()));

        let delays = DelayModel {
            timer_jitter_us_max: 500,
            disk_write_us_min: 5_000,
            disk_write_us_max: 5_000,
        };
        let config = Config {
            delays,
            ..Config::default()
        };
        let mut sim = Simulation::new(3, config).expect("delays within bounds are valid");
        // The first candidate persists its term and vote, so its
        // RequestVotes wait for the write.
        let (id, disk) = loop {
            sim.step().expect("the run goes on");
            let view = sim.view();
            if let Some(n) = view.nodes.iter().find(|n| n.disk.messages_held > 0) {
                break (n.id, n.disk);
            }
        };
        let view = sim.view();
        assert_eq!(view.delays, delays);
        let until = disk.busy_until.expect("a write under way");
        assert!(until > view.now && until <= view.now + 5_000);
        let held: Vec<&MessageView> = view
            .messages
            .iter()
            .filter(|m| m.from == Endpoint::Node(id) && m.sent_at > view.now)
            .collect();
        assert_eq!(held.len(), disk.messages_held);
        assert!(held.iter().all(|m| m.sent_at == until));
        sim.advance_to(until);
        assert_eq!(sim.view().node(id).map(|n| n.disk.busy_until), Some(None));
    }

    #[test]
    fn an_applied_put_leaves_a_session_on_every_server_and_none_on_a_crashed_one() {
        let mut sim = Simulation::new(3, Config::default()).expect("the default is valid");
        sim.advance_to(1_000_000);
        let leader = sim.leader().expect("a leader after a second");
        let follower = sim
            .view()
            .nodes
            .iter()
            .map(|n| n.id)
            .find(|id| *id != leader)
            .expect("five servers");
        sim.submit(Command::Crash { node: follower })
            .expect("the follower is up");
        let put = Operation::Put {
            key: "x".into(),
            value: "1".into(),
        };
        sim.submit(Command::ClientRequest {
            client: None,
            target: None,
            op: put,
        })
        .expect("a put is accepted");
        sim.advance_to(sim.now() + 1_000_000);
        let view = sim.view();
        for node in &view.nodes {
            if node.id == follower {
                assert!(node.sessions.is_empty(), "a crashed server keeps no store");
            } else {
                assert_eq!(node.sessions.len(), 1, "{}", node.id);
                assert_eq!(node.sessions[0].client, ClientId(1));
                assert_eq!(node.sessions[0].seq, 1);
                assert_eq!(node.sessions[0].previous, None, "x was unset");
            }
        }
    }
}
