//! Log compaction (Raft thesis chapter 5, paper §7): a snapshot holds the
//! state machine as of one index, so the entries up to it can go.

use super::application::Application;
use super::configuration::Membership;
use super::types::{LogIndex, Term};
use serde::{Deserialize, Serialize};

/// The state machine as it stood after applying every entry up to `index`,
/// with what Raft needs to go on from there: the last entry's term (for the
/// consistency check of the next AppendEntries), the configuration in force
/// at that index, and the fingerprint of the prefix it replaces (so the
/// checkers can still compare logs that were compacted at different points).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Snapshot<A: Application> {
    /// The last index it covers.
    pub index: LogIndex,
    /// The term of the entry at `index`.
    pub term: Term,
    /// The log's prefix fingerprint at `index` (see `Log::prefix_fingerprint`).
    pub fingerprint: u64,
    /// The configuration in force at `index`.
    pub membership: Membership,
    /// The state machine, client sessions included (§8: a retry after a
    /// restart from a snapshot must still be answered from its session).
    pub state: A::State,
}
