//! The application Raftlab replicates: the key-value store of `kv`, plugged
//! into the protocol as a [`raft::Application`], and the protocol's generic
//! types named for it, so the rest of the crate writes `Node`, `Entry` or
//! `Message` and never spells out the application.

use crate::kv::{ClientRequest, KvStore};
use crate::raft;
use std::fmt;

/// The key-value store (with its client sessions and the toy machine inside
/// it) as the application: log entries carry [`ClientRequest`]s, snapshots
/// hold a [`KvStore`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KvApplication;

impl raft::Application for KvApplication {
    type Command = ClientRequest;
    type State = KvStore;

    fn is_read(command: &ClientRequest) -> bool {
        command.op.is_read()
    }

    fn fmt_command(command: &ClientRequest, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", command.op)
    }

    fn state_fields(state: &KvStore) -> Vec<(&'static str, String)> {
        vec![
            ("keys", state.entries().count().to_string()),
            ("sessions", state.sessions().count().to_string()),
        ]
    }
}

/// One Raft server of the key-value store.
pub type Node = raft::Node<KvApplication>;
/// A server's log of key-value requests.
pub type Log = raft::Log<KvApplication>;
/// One entry of a [`Log`].
pub type Entry = raft::Entry<KvApplication>;
/// What an [`Entry`] asks of the servers.
pub type LogCommand = raft::LogCommand<KvApplication>;
/// A message between two servers.
pub type Message = raft::Message<KvApplication>;
/// The AppendEntries RPC, carrying key-value entries.
pub type AppendEntries = raft::AppendEntries<KvApplication>;
/// The InstallSnapshot RPC, carrying a key-value snapshot.
pub type InstallSnapshot = raft::InstallSnapshot<KvApplication>;
/// The key-value store as of one index.
pub type Snapshot = raft::Snapshot<KvApplication>;
/// An input to a [`Node`].
pub type Input = raft::Input<KvApplication>;
/// What a [`Node`] wants done after one input.
pub type Ready = raft::Ready<KvApplication>;
/// A change to a server's [`PersistentState`].
pub type PersistChange = raft::PersistChange<KvApplication>;
/// What a server keeps across a crash.
pub type PersistentState = raft::PersistentState<KvApplication>;
/// A read a leader has made safe to answer.
pub type ReadReady = raft::ReadReady<KvApplication>;
/// A read waiting at a leader.
pub type PendingRead = raft::PendingRead<KvApplication>;
