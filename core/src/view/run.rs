//! The run around the playback position, as the page shows it beside the
//! cluster: where playback is, the latest steps in words, and what the
//! checkers found.

use crate::journal::JournalEntry;
use crate::playback::{FoundViolation, Linearizability, Playback};
use crate::raft::Micros;
use std::rc::Rc;

/// How many of the latest journal entries a [`RunView`] holds (the event
/// log and the space-time diagram show no more).
pub const JOURNAL_SHOWN: usize = 400;

/// What the run looks like beyond the cluster at this instant.
#[derive(Clone, Debug, PartialEq)]
pub struct RunView {
    /// Steps taken to reach the playback position.
    pub position: u64,
    /// The furthest position played in this future.
    pub frontier: u64,
    /// The latest instant played: the end of the scrubber.
    pub explored_until: Micros,
    /// The latest journal entries up to the playback position, newest
    /// first, at most [`JOURNAL_SHOWN`].
    pub journal: Vec<Rc<JournalEntry>>,
    /// Safety violations at or before the playback position.
    pub violations: Vec<FoundViolation>,
    /// Violations already known further on in this future.
    pub violations_ahead: usize,
    /// The linearizability verdict on the client history so far.
    pub linearizability: Linearizability,
}

impl RunView {
    /// The run around `playback`'s position (the linearizability verdict is
    /// computed once per position, hence `&mut`).
    pub fn of(playback: &mut Playback) -> RunView {
        let violations = playback.violations_until_now().to_vec();
        RunView {
            position: playback.position(),
            frontier: playback.frontier(),
            explored_until: playback.explored_until(),
            journal: playback.journal_until_now(JOURNAL_SHOWN),
            violations_ahead: playback.violations().len() - violations.len(),
            violations,
            linearizability: playback.linearizability().clone(),
        }
    }
}
