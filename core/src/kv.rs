//! The replicated application: a key-value store, and the client requests that drive it.
//!
//! Raft orders [`ClientRequest`]s in its log; every server applies the committed
//! ones, in index order, to its own [`KvStore`]. Because the store is
//! deterministic, servers that apply the same prefix hold the same data.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Identifies a client of the cluster (a person clicking "Request", or a workload).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(pub u32);

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{}", self.0)
    }
}

/// What a client asks the key-value store to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operation {
    /// Set `key` to `value`.
    Put {
        /// The key to write.
        key: String,
        /// The value to store.
        value: String,
    },
    /// Read `key`. Reads go through the log, so they are linearizable.
    Get {
        /// The key to read.
        key: String,
    },
    /// Remove `key`.
    Delete {
        /// The key to remove.
        key: String,
    },
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::Put { key, value } => write!(f, "{key}={value}"),
            Operation::Get { key } => write!(f, "get {key}"),
            Operation::Delete { key } => write!(f, "del {key}"),
        }
    }
}

/// One client request as it travels through the log: who sent it, its sequence
/// number at that client, and the operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientRequest {
    /// The client that issued the request.
    pub client: ClientId,
    /// The client's own counter, unique per client; a retry reuses it.
    pub seq: u64,
    /// What to do.
    pub op: Operation,
}

/// The result of applying an operation: the value read or overwritten, if any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    /// For a get, the value read; for a put or delete, the value it replaced.
    pub previous: Option<String>,
}

/// A deterministic key-value store, the state machine every server replicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvStore {
    data: BTreeMap<String, String>,
}

impl KvStore {
    /// Applies one operation and returns what the client is told.
    pub fn apply(&mut self, op: &Operation) -> Outcome {
        let previous = match op {
            Operation::Put { key, value } => self.data.insert(key.clone(), value.clone()),
            Operation::Get { key } => self.data.get(key).cloned(),
            Operation::Delete { key } => self.data.remove(key),
        };
        Outcome { previous }
    }

    /// The current contents, in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.data.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &str) -> Operation {
        Operation::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn put_get_delete_report_previous_values() {
        let mut kv = KvStore::default();
        assert_eq!(kv.apply(&put("x", "1")).previous, None);
        assert_eq!(kv.apply(&put("x", "2")).previous.as_deref(), Some("1"));
        let get = Operation::Get { key: "x".into() };
        assert_eq!(kv.apply(&get).previous.as_deref(), Some("2"));
        let del = Operation::Delete { key: "x".into() };
        assert_eq!(kv.apply(&del).previous.as_deref(), Some("2"));
        assert_eq!(kv.get("x"), None);
        assert_eq!(kv.entries().count(), 0);
    }
}
