//! The replicated application: a key-value store, and the client requests that drive it.
//!
//! Raft orders [`ClientRequest`]s in its log; every server applies the committed
//! ones, in index order, to its own [`KvStore`]. Because the store is
//! deterministic, servers that apply the same prefix hold the same data.
//!
//! Beside the key-value operations there is a toy state machine ([`ToyState`],
//! [`ToyOp`]), the three-state example learners meet when log replication is
//! first explained: it lives in the same store under [`TOY_KEY`], so sessions,
//! replies and the linearizability checker treat it as one more register.

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
    /// One operation of the toy state machine, on [`TOY_KEY`]. (Appended
    /// last: the variant order is part of the share-link format.)
    Toy {
        /// Which operation.
        op: ToyOp,
    },
}

/// The longest key an operation may name, in bytes (UTF-8). Every log,
/// message, view and checkpoint holds the key, so a link or a file cannot
/// make it large.
pub const KEY_BYTES_MAX: usize = 64;

/// The longest value an operation may write or expect, in bytes (UTF-8).
pub const VALUE_BYTES_MAX: usize = 256;

/// A key or value longer than [`KEY_BYTES_MAX`] or [`VALUE_BYTES_MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TooLong {
    /// `"key"` or `"value"`.
    pub part: &'static str,
    /// Its length in bytes.
    pub bytes: usize,
    /// The most allowed.
    pub max: usize,
}

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} is {} bytes long; at most {} are allowed",
            self.part, self.bytes, self.max
        )
    }
}

impl Operation {
    /// Checks the key and values against [`KEY_BYTES_MAX`] and
    /// [`VALUE_BYTES_MAX`].
    pub fn check_lengths(&self) -> Result<(), TooLong> {
        let check = |part: &'static str, text: &str, max: usize| {
            if text.len() > max {
                Err(TooLong {
                    part,
                    bytes: text.len(),
                    max,
                })
            } else {
                Ok(())
            }
        };
        check("key", self.key(), KEY_BYTES_MAX)?;
        match self {
            Operation::Put { value, .. } => check("value", value, VALUE_BYTES_MAX),
            Operation::CompareAndSet { expected, new, .. } => {
                check("value", expected.as_deref().unwrap_or(""), VALUE_BYTES_MAX)?;
                check("value", new, VALUE_BYTES_MAX)
            }
            Operation::Get { .. } | Operation::Delete { .. } | Operation::Toy { .. } => Ok(()),
        }
    }

    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            Operation::Put { key, .. }
            | Operation::Get { key }
            | Operation::Delete { key }
            | Operation::CompareAndSet { key, .. } => key,
            Operation::Toy { .. } => TOY_KEY,
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
            Operation::Toy { op } => ToyState::from_value(before).after(*op).to_value(),
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
            Operation::Toy { op } => write!(f, "{op}"),
        }
    }
}

/// Why [`parse_operation`] could not read an operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParseOperationError {
    /// Nothing but white space.
    Empty,
    /// `=v`, `get` or `del` without a key.
    MissingKey,
    /// A key with white space in it (`get a b`).
    KeyWithSpace(String),
    /// `k=` without a value.
    MissingValue,
    /// None of the forms.
    Unknown(String),
    /// A key or value over its length limit.
    TooLong(TooLong),
}

impl fmt::Display for ParseOperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseOperationError::Empty => f.write_str("the operation is empty"),
            ParseOperationError::MissingKey => f.write_str("the operation names no key"),
            ParseOperationError::KeyWithSpace(key) => {
                write!(f, "the key {key:?} has a space in it")
            }
            ParseOperationError::MissingValue => {
                f.write_str("a put needs a value after the `=` (write `k=v`)")
            }
            ParseOperationError::Unknown(text) => write!(
                f,
                "{text:?} is no operation: write `k=v`, `get k`, `del k`, or X, Y or Z for the toy machine"
            ),
            ParseOperationError::TooLong(too_long) => write!(f, "{too_long}"),
        }
    }
}

impl std::error::Error for ParseOperationError {}

/// Reads an operation written the way the page shows it: `k=v` (a put),
/// `get k`, `del k`, or `X`, `Y`, `Z` (the toy machine). Space around the
/// parts is ignored; a key is one word of at most [`KEY_BYTES_MAX`] bytes and
/// a value at most [`VALUE_BYTES_MAX`].
pub fn parse_operation(text: &str) -> Result<Operation, ParseOperationError> {
    let operation = parse_unchecked(text)?;
    operation
        .check_lengths()
        .map_err(ParseOperationError::TooLong)?;
    Ok(operation)
}

/// [`parse_operation`] before the length check.
fn parse_unchecked(text: &str) -> Result<Operation, ParseOperationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ParseOperationError::Empty);
    }
    let one_key = |key: &str| -> Result<String, ParseOperationError> {
        let key = key.trim();
        if key.is_empty() {
            Err(ParseOperationError::MissingKey)
        } else if key.contains(char::is_whitespace) {
            Err(ParseOperationError::KeyWithSpace(key.to_owned()))
        } else {
            Ok(key.to_owned())
        }
    };
    match text {
        "X" => return Ok(Operation::Toy { op: ToyOp::X }),
        "Y" => return Ok(Operation::Toy { op: ToyOp::Y }),
        "Z" => return Ok(Operation::Toy { op: ToyOp::Z }),
        "get" | "del" => return Err(ParseOperationError::MissingKey),
        _ => {}
    }
    if let Some((key, value)) = text.split_once('=') {
        let value = value.trim();
        if value.is_empty() {
            return Err(ParseOperationError::MissingValue);
        }
        return Ok(Operation::Put {
            key: one_key(key)?,
            value: value.to_owned(),
        });
    }
    match text.split_once(char::is_whitespace) {
        Some(("get", key)) => Ok(Operation::Get { key: one_key(key)? }),
        Some(("del", key)) => Ok(Operation::Delete { key: one_key(key)? }),
        _ => Err(ParseOperationError::Unknown(text.to_owned())),
    }
}

/// The store key that holds the toy machine's state; unset means [`ToyState::A`].
pub const TOY_KEY: &str = "toy";

/// Which state machine a run replicates. Both live in a [`KvStore`]; the
/// choice decides what the workload asks for and what the page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StateMachine {
    /// The key-value store: puts, gets, deletes and compare-and-sets.
    #[default]
    KeyValue,
    /// The toy machine: operations X, Y and Z on states A, B and C.
    Toy,
}

/// A state of the toy machine. It starts in `A`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum ToyState {
    /// The initial state (the key is unset).
    #[default]
    A,
    /// Reached from A by X.
    B,
    /// Reached from A by Y.
    C,
}

/// An operation of the toy machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ToyOp {
    /// Swaps A and B.
    X,
    /// Swaps A and C.
    Y,
    /// Swaps B and C.
    Z,
}

impl ToyState {
    /// The state after `op`. The source document fixes only part of the
    /// table (A -X-> B -X-> A -Y-> C, and X then Y ends in B, so Y leaves B
    /// alone); we complete it so every operation swaps two states and leaves
    /// the third as it is:
    ///
    /// | from \ op | X | Y | Z |
    /// |-----------|---|---|---|
    /// | A         | B | C | A |
    /// | B         | A | B | C |
    /// | C         | C | A | B |
    ///
    /// So X, X, Y from A ends in C, and X, Y (one X lost) ends in B.
    pub fn after(self, op: ToyOp) -> ToyState {
        use ToyState::{A, B, C};
        match (op, self) {
            (ToyOp::X, A) => B,
            (ToyOp::X, B) => A,
            (ToyOp::Y, A) => C,
            (ToyOp::Y, C) => A,
            (ToyOp::Z, B) => C,
            (ToyOp::Z, C) => B,
            (_, state) => state,
        }
    }

    /// The state a store value stands for: unset is A. A value the toy
    /// machine never writes (a user's put on [`TOY_KEY`]) also reads as A,
    /// so nothing a user sends can make a server panic.
    pub fn from_value(value: Option<&str>) -> ToyState {
        match value {
            Some("B") => ToyState::B,
            Some("C") => ToyState::C,
            _ => ToyState::A,
        }
    }

    /// The store value for this state: A leaves the key unset.
    pub fn to_value(self) -> Option<String> {
        match self {
            ToyState::A => None,
            other => Some(other.to_string()),
        }
    }
}

impl fmt::Display for ToyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ToyState::A => "A",
            ToyState::B => "B",
            ToyState::C => "C",
        })
    }
}

impl fmt::Display for ToyOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ToyOp::X => "X",
            ToyOp::Y => "Y",
            ToyOp::Z => "Z",
        })
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
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Session {
    /// The highest sequence number executed for this client.
    pub seq: u64,
    /// What that request returned.
    pub outcome: Outcome,
}

/// A deterministic key-value store with client sessions: the state machine
/// every server replicates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// The toy machine's state (A until a toy operation moves it).
    pub fn toy_state(&self) -> ToyState {
        ToyState::from_value(self.get(TOY_KEY))
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

    fn run_toy(ops: &[ToyOp]) -> ToyState {
        let mut kv = KvStore::default();
        for &op in ops {
            kv.execute(&Operation::Toy { op });
        }
        kv.toy_state()
    }

    #[test]
    fn toy_machine_x_x_y_from_a_ends_in_c() {
        assert_eq!(run_toy(&[]), ToyState::A);
        assert_eq!(run_toy(&[ToyOp::X]), ToyState::B);
        assert_eq!(run_toy(&[ToyOp::X, ToyOp::X]), ToyState::A);
        assert_eq!(run_toy(&[ToyOp::X, ToyOp::X, ToyOp::Y]), ToyState::C);
    }

    #[test]
    fn toy_machine_with_one_x_dropped_ends_in_b() {
        assert_eq!(run_toy(&[ToyOp::X, ToyOp::Y]), ToyState::B);
    }

    #[test]
    fn toy_table_is_total_each_operation_swapping_two_states() {
        let states = [ToyState::A, ToyState::B, ToyState::C];
        for op in [ToyOp::X, ToyOp::Y, ToyOp::Z] {
            let moved = states.iter().filter(|s| s.after(op) != **s).count();
            assert_eq!(moved, 2, "{op} swaps two states");
            for s in states {
                assert_eq!(s.after(op).after(op), s, "{op} undoes itself");
            }
        }
        assert_eq!(ToyState::B.after(ToyOp::Y), ToyState::B, "Y leaves B");
    }

    #[test]
    fn toy_state_is_stored_under_its_key_and_a_is_unset() {
        let mut kv = KvStore::default();
        let x = Operation::Toy { op: ToyOp::X };
        assert_eq!(x.key(), TOY_KEY);
        assert!(!x.is_read());
        assert_eq!(x.to_string(), "X");
        assert_eq!(kv.execute(&x).previous, None, "it was A");
        assert_eq!(kv.get(TOY_KEY), Some("B"));
        assert_eq!(kv.execute(&x).previous.as_deref(), Some("B"));
        assert_eq!(kv.entries().count(), 0, "back in A: nothing stored");
        kv.execute(&put(TOY_KEY, "nonsense"));
        assert_eq!(kv.toy_state(), ToyState::A, "a foreign value reads as A");
    }

    #[test]
    fn operations_parse_as_the_page_writes_them() {
        assert_eq!(parse_operation("x=1"), Ok(put("x", "1")));
        assert_eq!(
            parse_operation("  x = hello world "),
            Ok(put("x", "hello world"))
        );
        assert_eq!(
            parse_operation("get x"),
            Ok(Operation::Get { key: "x".into() })
        );
        assert_eq!(
            parse_operation("del  y"),
            Ok(Operation::Delete { key: "y".into() })
        );
        assert_eq!(parse_operation("Y"), Ok(Operation::Toy { op: ToyOp::Y }));
        for op in [put("k", "v"), Operation::Get { key: "k".into() }] {
            assert_eq!(
                parse_operation(&op.to_string()),
                Ok(op),
                "Display reads back"
            );
        }
    }

    #[test]
    fn malformed_operations_say_what_is_wrong() {
        assert_eq!(parse_operation("  "), Err(ParseOperationError::Empty));
        assert_eq!(parse_operation("=1"), Err(ParseOperationError::MissingKey));
        assert_eq!(parse_operation("get"), Err(ParseOperationError::MissingKey));
        assert_eq!(
            parse_operation("x="),
            Err(ParseOperationError::MissingValue)
        );
        assert_eq!(
            parse_operation("get a b"),
            Err(ParseOperationError::KeyWithSpace("a b".into()))
        );
        let unknown = parse_operation("set x 1").unwrap_err();
        assert_eq!(unknown, ParseOperationError::Unknown("set x 1".into()));
        assert!(unknown.to_string().contains("`k=v`"), "{unknown}");
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
