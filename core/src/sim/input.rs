//! User actions as timed commands: the input log that, with the seed, replays a run.

use crate::kv::Operation;
use crate::raft::{Micros, NodeId};
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
        /// Where to send it first.
        target: Option<NodeId>,
        /// What to ask.
        op: Operation,
    },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Crash { node } => write!(f, "crash {node}"),
            Command::Restart { node } => write!(f, "restart {node}"),
            Command::Timeout { node } => write!(f, "force a timeout on {node}"),
            Command::ClientRequest {
                target: Some(node),
                op,
            } => write!(f, "client sends {op} to {node}"),
            Command::ClientRequest { target: None, op } => {
                write!(f, "client sends {op} to the leader")
            }
        }
    }
}

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

/// Why a command cannot be carried out; shown to the user as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The cluster has no such server.
    NoSuchNode(NodeId),
    /// The server is already down.
    AlreadyCrashed(NodeId),
    /// The server is running; only a crashed server restarts.
    NotCrashed(NodeId),
    /// A crashed server cannot time out.
    Crashed(NodeId),
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
            CommandError::AlreadyCrashed(id) => write!(f, "{id} is already crashed"),
            CommandError::NotCrashed(id) => {
                write!(f, "{id} is running; only a crashed server restarts")
            }
            CommandError::Crashed(id) => write!(f, "{id} is crashed"),
            CommandError::Unreachable { at, after_event } => write!(
                f,
                "the input log names event {after_event} at {at} µs, which this run never reaches"
            ),
        }
    }
}

impl std::error::Error for CommandError {}
