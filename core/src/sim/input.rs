//! User actions as timed commands: the input log that, with the seed, replays a run.

use super::config::{Config, ConfigError};
use super::config_changes::config_changes_value;
use super::network::LinkFaults;
use super::workload::WorkloadSpec;
use crate::kv::{ClientId, Operation, TooLong};
use crate::raft::{MembershipError, Micros, NodeId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Something a user (or a scenario) does to the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Command {
    /// Stop a server. Its persistent state survives; everything else is lost.
    Crash {
        /// The server.
        node: NodeId,
    },
    /// Start a crashed server again from its persistent state.
    Restart {
        /// The server.
        node: NodeId,
    },
    /// Make a server's election timer fire now.
    Timeout {
        /// The server.
        node: NodeId,
    },
    /// A client sends `op` to `target`, or to the leader it believes in when `None`.
    ClientRequest {
        /// Which client: the page's own (C1) when `None`, else any of C1 to
        /// [`CLIENT_ID_MAX`] (created on first use). Each client has at most
        /// one request outstanding and queues the rest.
        #[serde(default)]
        client: Option<ClientId>,
        /// Where to send it first.
        target: Option<NodeId>,
        /// What to ask.
        op: Operation,
    },
    /// Freeze a server: it keeps its state but processes nothing (messages and
    /// timers wait) until resumed, then sees them all in a burst.
    Pause {
        /// The server.
        node: NodeId,
    },
    /// Let a paused server run again.
    Resume {
        /// The server.
        node: NodeId,
    },
    /// Split the servers into groups that cannot reach each other. Servers not
    /// named form one more group. Replaces any earlier cuts.
    Partition {
        /// The groups.
        groups: Vec<Vec<NodeId>>,
    },
    /// Stop the link from `from` to `to` (one way) carrying anything.
    CutLink {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
    },
    /// Restore every cut link.
    Heal,
    /// Faults on every server-to-server link that has none of its own.
    SetNetworkFaults {
        /// The faults.
        faults: LinkFaults,
    },
    /// Faults on one directed link, or `None` to follow the network's again.
    SetLinkFaults {
        /// Sender side.
        from: NodeId,
        /// Receiver side.
        to: NodeId,
        /// The faults.
        faults: Option<LinkFaults>,
    },
    /// Start (or change) simulated clients issuing random operations, or stop them with `None`.
    SetWorkload {
        /// The workload.
        workload: Option<WorkloadSpec>,
    },
    /// Ask the current leader to hand leadership to `to` (thesis §3.10). (New
    /// commands go at the end: the order is part of the run-token format.)
    TransferLeadership {
        /// The server that should lead next.
        to: NodeId,
    },
    /// Ask the leader to add one server, first as a learner that catches up
    /// in rounds, then as a voter (thesis §4.2.1). A server numbered past
    /// the cluster's is started with an empty disk.
    AddServer {
        /// The server to add.
        node: NodeId,
    },
    /// Ask the leader to remove one server (thesis §4.2.2). It keeps
    /// running, but only listens once it learns it is out.
    RemoveServer {
        /// The server to remove.
        node: NodeId,
    },
    /// Ask the leader to replace the voters by joint consensus (paper §6).
    /// Servers numbered past the cluster's are started with empty disks.
    ChangeMembership {
        /// The new voters.
        voters: Vec<NodeId>,
    },
    /// The network loses one packet in flight: it flies on, shown as doomed,
    /// and vanishes at its delivery instant as any dropped packet does.
    DropMessage {
        /// The packet ([`Packet::id`](super::Packet::id)).
        id: u64,
    },
    /// The network makes one more copy of a packet in flight: same ends and
    /// payload, a fresh id, sent now, with its own latency drawn from the
    /// link's stream.
    DuplicateMessage {
        /// The packet ([`Packet::id`](super::Packet::id)).
        id: u64,
    },
    /// Change the cluster's parameters from now on: timeouts (each server's
    /// next draw), heartbeats, latency, batching and flow control, client
    /// timeouts, Raft options, bug switches and compaction. The number of
    /// servers, the state machine and the starting state stay as they are. (Written in run
    /// tokens and files as its changes from the defaults, so fields added to
    /// [`Config`] later do not break old links.)
    Configure {
        /// The new parameters.
        #[serde(with = "super::config_changes::config_as_changes")]
        config: Box<Config>,
    },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Crash { node } => write!(f, "crash {node}"),
            Command::Restart { node } => write!(f, "restart {node}"),
            Command::Timeout { node } => write!(f, "force a timeout on {node}"),
            Command::ClientRequest { client, target, op } => {
                match client {
                    Some(client) => write!(f, "client {client} sends {op}")?,
                    None => write!(f, "client sends {op}")?,
                }
                match target {
                    Some(node) => write!(f, " to {node}"),
                    None => f.write_str(" to the leader"),
                }
            }
            Command::Pause { node } => write!(f, "pause {node}"),
            Command::Resume { node } => write!(f, "resume {node}"),
            Command::Partition { groups } => {
                let groups: Vec<String> = groups.iter().map(|group| node_set(group)).collect();
                write!(f, "partition {}", groups.join(" | "))
            }
            Command::CutLink { from, to } => write!(f, "cut the link {from} → {to}"),
            Command::Heal => f.write_str("heal every link"),
            Command::SetNetworkFaults { faults } => write!(f, "network: {}", FaultsText(faults)),
            Command::SetLinkFaults {
                from,
                to,
                faults: Some(faults),
            } => write!(f, "link {from} → {to}: {}", FaultsText(faults)),
            Command::SetLinkFaults {
                from,
                to,
                faults: None,
            } => write!(f, "link {from} → {to} follows the network again"),
            Command::SetWorkload { workload: Some(w) } => write!(
                f,
                "workload: {} clients, {} ops/s, {}‰ reads, {}‰ CAS, {} keys",
                w.clients, w.ops_per_second, w.read_per_mille, w.cas_per_mille, w.keys
            ),
            Command::SetWorkload { workload: None } => f.write_str("stop the workload"),
            Command::TransferLeadership { to } => write!(f, "transfer leadership to {to}"),
            Command::AddServer { node } => write!(f, "add {node} to the cluster"),
            Command::RemoveServer { node } => write!(f, "remove {node} from the cluster"),
            Command::ChangeMembership { voters } => {
                write!(f, "change the voters to {}", node_set(voters))
            }
            Command::DropMessage { id } => write!(f, "drop message {id}"),
            Command::DuplicateMessage { id } => write!(f, "duplicate message {id}"),
            Command::Configure { config } => describe_configure(config, f),
        }
    }
}

/// Servers as a set: `{1,2,3}`, written as the page writes them.
fn node_set(nodes: &[NodeId]) -> String {
    let names: Vec<String> = nodes.iter().map(NodeId::to_string).collect();
    format!("{{{}}}", names.join(","))
}

/// A link's faults in words.
struct FaultsText<'a>(&'a LinkFaults);

impl fmt::Display for FaultsText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let faults = self.0;
        write!(
            f,
            "drop {}‰, duplicate {}‰, extra delay {} µs",
            faults.drop_per_mille, faults.duplicate_per_mille, faults.extra_delay_us
        )
    }
}

/// A [`Command::Configure`] in words: its changes from the defaults.
fn describe_configure(config: &Config, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut changes = Vec::new();
    describe_changes(&config_changes_value(config), "", &mut changes);
    if changes.is_empty() {
        f.write_str("configure: the defaults")
    } else {
        write!(f, "configure: the defaults but {}", changes.join(", "))
    }
}

/// Flattens a configuration's changes into `field = value` lines, nested
/// fields named by their path (`raft.pre_vote = true`), in field-name order.
fn describe_changes(changes: &serde_json::Value, prefix: &str, lines: &mut Vec<String>) {
    match changes.as_object() {
        Some(fields) => {
            for (name, value) in fields {
                describe_changes(value, &format!("{prefix}{name}."), lines);
            }
        }
        None => {
            let path = prefix.strip_suffix('.').unwrap_or(prefix);
            lines.push(format!("{path} = {changes}"));
        }
    }
}

/// The highest client id a command may name.
pub const CLIENT_ID_MAX: u32 = 64;

/// The most inputs one run holds: a run file or a link with more is refused
/// before it is replayed, and a run that reaches it takes no more commands.
/// People press buttons; the workload's requests are not inputs.
pub const INPUTS_MAX: usize = 20_000;

/// A command with the exact point of the run where it happened: the virtual
/// instant and how many events had been processed, so replay puts it between
/// the same two events even when several share an instant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimedCommand {
    /// The virtual instant.
    pub at: Micros,
    /// Events processed before it.
    pub after_event: u64,
    /// What was done.
    pub command: Command,
}

impl TimedCommand {
    /// The error for a replay that cannot reach this command's point.
    pub fn unreachable(&self) -> CommandError {
        CommandError::Unreachable {
            at: self.at,
            after_event: self.after_event,
        }
    }
}

/// Why a command cannot be carried out; shown to the user as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The cluster has no such server.
    NoSuchNode(NodeId),
    /// A leadership transfer needs a running leader.
    NoLeader,
    /// Client ids run from 1 to [`CLIENT_ID_MAX`].
    NoSuchClient(ClientId),
    /// The server is already down.
    AlreadyCrashed(NodeId),
    /// The server is running; only a crashed server restarts.
    NotCrashed(NodeId),
    /// A crashed server cannot do that.
    Crashed(NodeId),
    /// A paused server cannot do that.
    Paused(NodeId),
    /// Only a paused server resumes.
    NotPaused(NodeId),
    /// A server appears in two partition groups.
    InTwoGroups(NodeId),
    /// A link from a server to itself.
    SelfLink(NodeId),
    /// A probability above 1000 ‰, a latency range with min > max, or a
    /// delay over [`super::config::DURATION_US_MAX`].
    InvalidFaults,
    /// A workload outside the documented ranges.
    InvalidWorkload,
    /// The leader will not make this membership change now.
    Membership(MembershipError),
    /// No packet with this id is in flight: it never existed, or it has
    /// already arrived or been lost.
    NotInFlight(u64),
    /// The network already loses this packet in flight.
    AlreadyDropped(u64),
    /// A running cluster keeps the number of servers it started with;
    /// servers join and leave through membership changes.
    NodeCountFixed {
        /// The cluster's `node_count`.
        current: usize,
        /// The one asked for.
        requested: usize,
    },
    /// A running cluster keeps its state machine.
    StateMachineFixed,
    /// The state the servers started from is part of the run's start, not
    /// something a later configuration can change.
    InitialStateFixed,
    /// The new configuration cannot run.
    InvalidConfig(ConfigError),
    /// A client request's key or value is over its length limit.
    OperationTooLong(TooLong),
    /// The run already holds [`INPUTS_MAX`] inputs.
    TooManyInputs,
    /// A replayed command names a point the run cannot reach.
    Unreachable {
        /// The command's instant.
        at: Micros,
        /// The command's event count.
        after_event: u64,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NoSuchNode(id) => write!(f, "there is no server {id}"),
            CommandError::NoSuchClient(id) => {
                write!(f, "client ids run from C1 to C{CLIENT_ID_MAX}, not {id}")
            }
            CommandError::AlreadyCrashed(id) => write!(f, "{id} is already crashed"),
            CommandError::NotCrashed(id) => {
                write!(f, "{id} is running; only a crashed server restarts")
            }
            CommandError::Crashed(id) => write!(f, "{id} is crashed"),
            CommandError::Paused(id) => write!(f, "{id} is paused"),
            CommandError::NoLeader => f.write_str("there is no leader to hand over"),
            CommandError::NotPaused(id) => write!(f, "{id} is not paused"),
            CommandError::InTwoGroups(id) => write!(f, "{id} is in two partition groups"),
            CommandError::SelfLink(id) => write!(f, "{id} has no link to itself"),
            CommandError::InvalidWorkload => f.write_str(
                "a workload has 1–16 clients, 1–10000 ops/s, 1–100 keys, and reads plus CAS at most 1000 per mille",
            ),
            CommandError::InvalidFaults => write!(
                f,
                "probabilities are 0 to 1000 per mille, a latency range needs min ≤ max, and delays are at most {} s",
                super::config::DURATION_US_MAX / 1_000_000
            ),
            CommandError::Membership(e) => write!(f, "{e}"),
            CommandError::NotInFlight(id) => write!(f, "message {id} is not in flight"),
            CommandError::AlreadyDropped(id) => {
                write!(f, "message {id} is already being lost by the network")
            }
            CommandError::NodeCountFixed { current, requested } => write!(
                f,
                "the cluster started with {current} servers and cannot be reconfigured to {requested}: add or remove servers with AddServer and RemoveServer"
            ),
            CommandError::StateMachineFixed => {
                f.write_str("the state machine cannot change in the middle of a run")
            }
            CommandError::InitialStateFixed => f.write_str(
                "the servers' starting state (terms, votes and logs) is fixed when the run starts and cannot be reconfigured",
            ),
            CommandError::InvalidConfig(e) => write!(f, "invalid configuration: {e}"),
            CommandError::OperationTooLong(too_long) => write!(f, "{too_long}"),
            CommandError::TooManyInputs => write!(
                f,
                "a run holds at most {INPUTS_MAX} inputs; start a new run to go on"
            ),
            CommandError::Unreachable { at, after_event } => write!(
                f,
                "the input log names event {after_event} at {at} µs, which this run never reaches"
            ),
        }
    }
}

impl std::error::Error for CommandError {}
