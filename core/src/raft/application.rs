//! What the protocol needs to know of the application it replicates, and no
//! more: the type of a client's command and of the state a snapshot holds,
//! which it carries without interpreting, and whether a command only reads
//! (thesis §6.4: such commands may skip the log).

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::hash::Hash;

/// The replicated application, as a marker type: a node never holds a value
/// of it, only its commands and snapshot states. The supertraits let the
/// protocol's types (`Node<A>`, `Message<A>` and the rest) derive `Clone`,
/// `Debug`, `PartialEq`, `Eq`, `Hash` and `Default` for every application.
pub trait Application: Clone + fmt::Debug + Default + PartialEq + Eq + Hash + 'static {
    /// A client's request as a log entry carries it: hashed into the log's
    /// prefix fingerprints, serialized into share links and traces.
    type Command: Clone + fmt::Debug + PartialEq + Eq + Hash + Serialize + DeserializeOwned;

    /// The state machine as a snapshot holds it (with whatever client
    /// sessions it keeps, §8).
    type State: Clone + fmt::Debug + PartialEq + Eq + Hash + Serialize + DeserializeOwned;

    /// True for a command that changes nothing, which a leader may answer
    /// through ReadIndex or its lease instead of the log (thesis §6.4).
    fn is_read(command: &Self::Command) -> bool;

    /// Writes a command in a few words, as a log entry shows it.
    fn fmt_command(command: &Self::Command, f: &mut fmt::Formatter<'_>) -> fmt::Result;

    /// What an inspector shows of a snapshot's state, as (name, value) pairs.
    fn state_fields(state: &Self::State) -> Vec<(&'static str, String)>;
}
