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
    /// Set `key` to `new` only if it currently holds `expected` (`None`: unset).
    CompareAndSet {
        /// The key.
        key: String,
        /// The value it must hold for the write to happen.
        expected: Option<String>,
        /// The value to write.
        new: String,
    },
}

impl Operation {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            Operation::Put { key, .. }
            | Operation::Get { key }
            | Operation::Delete { key }
            | Operation::CompareAndSet { key, .. } => key,
        }
    }

    /// True for operations that never change the store.
    pub fn is_read(&self) -> bool {
        matches!(self, Operation::Get { .. })
    }

    /// The value `key` holds after this operation, given the value before it.
    pub fn next_value(&self, before: Option<&str>) -> Option<String> {
        match self {
            Operation::Put { value, .. } => Some(value.clone()),
            Operation::Get { .. } => before.map(str::to_owned),
            Operation::Delete { .. } => None,
            Operation::CompareAndSet { expected, new, .. } => {
                if before == expected.as_deref() {
                    Some(new.clone())
                } else {
                    before.map(str::to_owned)
                }
            }
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::Put { key, value } => write!(f, "{key}={value}"),
            Operation::Get { key } => write!(f, "get {key}"),
            Operation::Delete { key } => write!(f, "del {key}"),
            Operation::CompareAndSet { key, expected, new } => {
                write!(f, "cas {key} {}→{new}", expected.as_deref().unwrap_or("∅"))
            }
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

/// The result of applying an operation: the value the key held just before
/// it (for a get, the value read; for a compare-and-set, it succeeded iff this
/// equals the expected value).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    /// The key's value just before the operation.
    pub previous: Option<String>,
}

/// The last request a client had executed and its answer: a client session
/// (Raft paper §8), so that a retried request runs once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The highest sequence number executed for this client.
    pub seq: u64,
    /// What that request returned.
    pub outcome: Outcome,
}

/// A deterministic key-value store with client sessions: the state machine
/// every server replicates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvStore {
    data: BTreeMap<String, String>,
    sessions: BTreeMap<ClientId, Session>,
}

impl KvStore {
    /// Applies a request from the log and returns what the client is told.
    /// With `deduplicate`, a request whose sequence number the client's session
    /// has already seen is not executed again: its cached answer is returned.
    pub fn apply(&mut self, request: &ClientRequest, deduplicate: bool) -> Outcome {
        if deduplicate {
            if let Some(session) = self.sessions.get(&request.client) {
                if request.seq <= session.seq {
                    // A retry (or an older straggler: the client has moved on and
                    // ignores the answer) is answered from the session.
                    return session.outcome.clone();
                }
            }
        }
        let outcome = self.execute(&request.op);
        let session = Session {
            seq: request.seq,
            outcome: outcome.clone(),
        };
        self.sessions.insert(request.client, session);
        outcome
    }

    /// Runs one operation on the data, ignoring sessions.
    pub fn execute(&mut self, op: &Operation) -> Outcome {
        let key = op.key();
        let previous = self.data.get(key).cloned();
        match op.next_value(previous.as_deref()) {
            Some(value) if previous.as_ref() != Some(&value) => {
                self.data.insert(key.to_owned(), value);
            }
            Some(_) => {}
            None => {
                self.data.remove(key);
            }
        }
        Outcome { previous }
    }

    /// The client sessions, in client order.
    pub fn sessions(&self) -> impl Iterator<Item = (ClientId, &Session)> {
        self.sessions.iter().map(|(id, s)| (*id, s))
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

    fn request(seq: u64, op: Operation) -> ClientRequest {
        ClientRequest {
            client: ClientId(1),
            seq,
            op,
        }
    }

    #[test]
    fn put_get_delete_report_previous_values() {
        let mut kv = KvStore::default();
        assert_eq!(kv.execute(&put("x", "1")).previous, None);
        assert_eq!(kv.execute(&put("x", "2")).previous.as_deref(), Some("1"));
        let get = Operation::Get { key: "x".into() };
        assert_eq!(kv.execute(&get).previous.as_deref(), Some("2"));
        let del = Operation::Delete { key: "x".into() };
        assert_eq!(kv.execute(&del).previous.as_deref(), Some("2"));
        assert_eq!(kv.get("x"), None);
        assert_eq!(kv.entries().count(), 0);
    }

    #[test]
    fn compare_and_set_writes_only_on_a_match() {
        let mut kv = KvStore::default();
        let cas = |expected: Option<&str>, new: &str| Operation::CompareAndSet {
            key: "x".into(),
            expected: expected.map(str::to_owned),
            new: new.into(),
        };
        assert_eq!(kv.execute(&cas(None, "1")).previous, None);
        assert_eq!(kv.get("x"), Some("1"));
        assert_eq!(
            kv.execute(&cas(Some("9"), "2")).previous.as_deref(),
            Some("1")
        );
        assert_eq!(kv.get("x"), Some("1"), "no match, no write");
        kv.execute(&cas(Some("1"), "2"));
        assert_eq!(kv.get("x"), Some("2"));
    }

    #[test]
    fn a_retried_request_runs_once_with_sessions_and_twice_without() {
        let mut kv = KvStore::default();
        let first = kv.apply(&request(1, put("x", "a")), true);
        kv.execute(&put("x", "b")); // another client writes in between
        let retry = kv.apply(&request(1, put("x", "a")), true);
        assert_eq!(retry, first, "the cached answer");
        assert_eq!(kv.get("x"), Some("b"), "the retry did not run again");
        assert_eq!(kv.sessions().next().map(|(_, s)| s.seq), Some(1));

        let mut unsafe_kv = KvStore::default();
        unsafe_kv.apply(&request(1, put("x", "a")), false);
        unsafe_kv.execute(&put("x", "b"));
        unsafe_kv.apply(&request(1, put("x", "a")), false);
        assert_eq!(
            unsafe_kv.get("x"),
            Some("a"),
            "without sessions it ran twice"
        );
    }
}
