//! A bundled scenario being narrated: its steps placed in its run, the step
//! shown, and the run as played, to come back to.

use raftlab_core::session::{ResolvedStep, Scenario, Session};
use raftlab_core::view::Highlight;
use std::rc::Rc;

/// A scenario being narrated. The played run is kept as it was, so the
/// learner can leave the script, change the future, and come back to a
/// step exactly as it was.
#[derive(Clone, Debug)]
pub struct Narration {
    /// The scenario.
    pub scenario: Rc<Scenario>,
    /// Its steps, placed in its run.
    pub steps: Rc<Vec<ResolvedStep>>,
    /// The step shown; `None` once the learner has left the script.
    pub current: Option<usize>,
    /// The step shown last (where "Back to the script" returns).
    pub last: usize,
    /// The scenario's run as played, to return to.
    pub(super) pristine: Rc<Session>,
}

impl PartialEq for Narration {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.steps, &other.steps)
            && self.current == other.current
            && self.last == other.last
    }
}

impl Narration {
    /// What the page points at for the step shown (nothing off the script).
    pub fn highlight(&self) -> Highlight {
        self.current
            .and_then(|i| self.steps.get(i))
            .map(|s| s.highlight.clone())
            .unwrap_or_default()
    }
}
