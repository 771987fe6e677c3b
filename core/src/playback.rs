//! What the page plays: a [`Timeline`] (so any instant can be revisited)
//! with the run described step by step in a [`JournalEntry`] list and the
//! safety checkers run over every step the first time it happens.
//!
//! The recorded future is deterministic, so what was found while playing it
//! stays true when the learner scrubs back and forth. Only a command given at
//! an earlier instant changes the future: the journal and the violations
//! after that point are dropped, and the checkers are rebuilt to it from
//! their nearest checkpoint.

use crate::check::{check_history, NotLinearizable, SafetyChecker, Violation};
use crate::journal::{JournalEntry, MarkKind};
use crate::raft::Micros;
use crate::sim::{Command, CommandError, Simulation, StepRecord};
use crate::timeline::Timeline;
use std::collections::VecDeque;
use std::rc::Rc;

/// The most journal entries kept; older ones are forgotten (the event log
/// and space-time diagram then start later; time travel still works).
pub const JOURNAL_MAX: usize = 200_000;

/// Steps between checkpoints of the checkers (with the simulation they
/// watched), used to rebuild them when the future changes.
const CHECKER_CHECKPOINT_EVERY: u64 = 16_384;

/// How far (virtual time) a jump to the next moment of some kind explores
/// past what was already played before it gives up.
pub const JUMP_EXPLORE_US: Micros = 60_000_000;

/// The verdict at position 0, before any client acts.
const NO_HISTORY: (u64, Linearizability) = (0, Linearizability::Linearizable { operations: 0 });

/// A broken safety property and the step where it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundViolation {
    /// The playback position right after the step.
    pub position: u64,
    /// What broke.
    pub violation: Violation,
}

/// The linearizability verdict on the client history up to the playback position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Linearizability {
    /// Every completed operation fits a single copy of the data.
    Linearizable {
        /// Operations checked.
        operations: usize,
    },
    /// Some key's operations cannot be ordered (or the search gave up).
    Broken(NotLinearizable),
}

/// The checkers' state after a given position, with the simulation they saw.
#[derive(Clone, Debug)]
struct CheckerCheckpoint {
    sim: Simulation,
    checker: SafetyChecker,
}

/// A timeline with its journal and checkers.
#[derive(Clone, Debug)]
pub struct Playback {
    timeline: Timeline,
    /// Entries for consecutive positions, ending at `frontier` (shared, so
    /// a page can hold the latest ones without copying them every frame).
    journal: VecDeque<Rc<JournalEntry>>,
    /// The furthest position this future has been played to; every step up
    /// to it is journaled (unless forgotten) and checked.
    frontier: u64,
    /// Has seen every step up to `frontier`.
    checker: SafetyChecker,
    checker_checkpoints: Vec<CheckerCheckpoint>,
    /// Every violation found up to `frontier`, in order.
    violations: Vec<FoundViolation>,
    /// The last linearizability verdict and the position it was for (at
    /// position 0 there is no history, so that is where it starts).
    linearizability: (u64, Linearizability),
    /// How many of the run's first inputs a scenario scripted (the journal
    /// says "scenario: …" for them, "you: …" for the learner's).
    /// It only ever shrinks: a learner's input replaces the recorded ones
    /// from its place on, scripted or not.
    scripted_inputs: usize,
}

impl Playback {
    /// Plays `sim`'s run from its start, positioned at instant 0.
    pub fn new(sim: Simulation) -> Playback {
        let mut timeline = Timeline::new(sim);
        // The timeline's first checkpoint is the start; begin there so
        // that every step is seen.
        timeline
            .seek_position(0)
            .expect("the start of a run is always reachable");
        Playback {
            checker_checkpoints: vec![CheckerCheckpoint {
                sim: timeline.sim().clone(),
                checker: SafetyChecker::new(),
            }],
            timeline,
            journal: VecDeque::new(),
            frontier: 0,
            checker: SafetyChecker::new(),
            violations: Vec::new(),
            linearizability: NO_HISTORY,
            scripted_inputs: 0,
        }
    }

    /// Like [`Playback::new`] for a scenario's run: every input `sim` holds
    /// was scripted by the scenario, so the journal names the scenario, not
    /// the learner, as the one who gave it. Inputs submitted later are the
    /// learner's.
    pub fn scripted(sim: Simulation) -> Playback {
        let scripted_inputs = sim.inputs().len();
        Playback::with_scripted_inputs(sim, scripted_inputs)
    }

    /// Like [`Playback::new`], with the first `scripted_inputs` of `sim`'s
    /// inputs (at most all of them) the scenario's: a share link made after
    /// the learner left a scenario's script says how many were.
    pub fn with_scripted_inputs(sim: Simulation, scripted_inputs: usize) -> Playback {
        let scripted_inputs = scripted_inputs.min(sim.inputs().len());
        Playback {
            scripted_inputs,
            ..Playback::new(sim)
        }
    }

    /// How many of the run's first inputs a scenario scripted.
    pub fn scripted_inputs(&self) -> usize {
        self.scripted_inputs
    }

    /// The simulation at the playback position.
    pub fn sim(&self) -> &Simulation {
        self.timeline.sim()
    }

    /// The timeline underneath.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The virtual instant of the playback position.
    pub fn now(&self) -> Micros {
        self.timeline.now()
    }

    /// The playback position in steps.
    pub fn position(&self) -> u64 {
        self.timeline.position()
    }

    /// The furthest position this future has reached.
    pub fn frontier(&self) -> u64 {
        self.frontier
    }

    /// The latest instant reached: the end of the scrubber.
    pub fn explored_until(&self) -> Micros {
        self.timeline.explored_until()
    }

    /// The journal, oldest first (it may start after position 1 if long).
    pub fn journal(
        &self,
    ) -> impl DoubleEndedIterator<Item = &Rc<JournalEntry>> + ExactSizeIterator {
        self.journal.iter()
    }

    /// The journal up to the playback position, newest first.
    pub fn journal_until_now(&self) -> impl Iterator<Item = &Rc<JournalEntry>> {
        let position = self.position();
        let end = self
            .journal
            .partition_point(|entry| entry.position <= position);
        self.journal.range(..end).rev()
    }

    /// Every violation found so far in this future, including ones past the
    /// playback position.
    pub fn violations(&self) -> &[FoundViolation] {
        &self.violations
    }

    /// The violations at or before the playback position.
    pub fn violations_until_now(&self) -> &[FoundViolation] {
        let position = self.position();
        let end = self.violations.partition_point(|v| v.position <= position);
        &self.violations[..end]
    }

    /// Plays forward to instant `t`; returns how many violations were newly found.
    pub fn advance_to(&mut self, t: Micros) -> Result<usize, CommandError> {
        let before = self.violations.len();
        let mut watcher = self.watcher();
        self.timeline
            .advance_observed(t, &mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok(self.violations.len() - before)
    }

    /// Takes one step forward (`false` when the run has nothing left to do).
    pub fn step(&mut self) -> Result<bool, CommandError> {
        let mut watcher = self.watcher();
        let record = self
            .timeline
            .step_observed(&mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok(record.is_some())
    }

    /// Steps back one step (nothing at the start).
    pub fn step_back(&mut self) -> Result<(), CommandError> {
        let position = self.position();
        if position > 0 {
            self.seek_position(position - 1)?;
        }
        Ok(())
    }

    /// Moves to instant `t`, earlier or later.
    pub fn seek(&mut self, t: Micros) -> Result<(), CommandError> {
        let mut watcher = self.watcher();
        self.timeline
            .seek_observed(t, &mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok(())
    }

    /// Moves to the state right after `position` steps.
    pub fn seek_position(&mut self, position: u64) -> Result<(), CommandError> {
        let mut watcher = self.watcher();
        self.timeline
            .seek_position_observed(position, &mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok(())
    }

    /// Moves to the next step after the playback position with the given
    /// mark, playing on past what was explored for at most
    /// [`JUMP_EXPLORE_US`]. Returns whether one was found (if not, the
    /// position is where the search stopped).
    pub fn jump_to_next(&mut self, kind: MarkKind) -> Result<bool, CommandError> {
        let position = self.position();
        if let Some(found) = self.next_marked(position, kind) {
            self.seek_position(found)?;
            return Ok(true);
        }
        self.seek_position(self.frontier)?;
        let give_up_at = self.now().saturating_add(JUMP_EXPLORE_US);
        while self.now() < give_up_at {
            let searched_from = self.position();
            if !self.step()? {
                return Ok(false);
            }
            if let Some(found) = self.next_marked(searched_from, kind) {
                self.seek_position(found)?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn next_marked(&self, after: u64, kind: MarkKind) -> Option<u64> {
        let start = self.journal.partition_point(|e| e.position <= after);
        self.journal
            .range(start..)
            .find(|e| e.marks.has(kind))
            .map(|e| e.position)
    }

    /// Carries out a user command at the playback position. If that is in
    /// the past, the future after it is discarded along with what was found there.
    pub fn submit(&mut self, command: Command) -> Result<(), CommandError> {
        let position = self.position();
        // A refused command changes nothing, here or in the timeline.
        let record = self.timeline.submit(command)?;
        // The learner's input replaced every recorded one from its place on,
        // scripted ones included.
        let given = self.timeline.sim().inputs().len().saturating_sub(1);
        self.scripted_inputs = self.scripted_inputs.min(given);
        if position < self.frontier {
            self.forget_future(position);
        }
        let mut watcher = self.watcher();
        watcher.see(self.timeline.sim(), &record);
        self.absorb(watcher);
        Ok(())
    }

    /// The linearizability verdict on the client history up to the playback
    /// position, computed once per position.
    pub fn linearizability(&mut self) -> &Linearizability {
        let position = self.position();
        if self.linearizability.0 != position {
            let history = self.sim().history();
            let verdict = match check_history(&history) {
                Ok(()) => Linearizability::Linearizable {
                    operations: history.len(),
                },
                Err(broken) => Linearizability::Broken(broken),
            };
            self.linearizability = (position, verdict);
        }
        &self.linearizability.1
    }

    /// Drops the journal, violations and checker state past `position`.
    fn forget_future(&mut self, position: u64) {
        let keep = self.journal.partition_point(|e| e.position <= position);
        self.journal.truncate(keep);
        let keep = self.violations.partition_point(|v| v.position <= position);
        self.violations.truncate(keep);
        let keep = self
            .checker_checkpoints
            .partition_point(|c| c.sim.position() <= position)
            .max(1);
        self.checker_checkpoints.truncate(keep);
        let base = &self.checker_checkpoints[keep - 1];
        let mut sim = base.sim.clone();
        let mut checker = base.checker.clone();
        let recorded = self.timeline.recorded_inputs();
        while sim.position() < position {
            match sim.step_along(recorded, Micros::MAX) {
                Ok(Some(record)) => {
                    checker.observe(&sim, &record);
                }
                // The recorded run reached this position before, so it
                // replays; if it somehow cannot, the checks restart here.
                Ok(None) | Err(_) => break,
            }
        }
        self.checker = checker;
        self.frontier = position;
        self.linearizability = NO_HISTORY;
    }

    /// Takes the journal and checkers out for the duration of a move, so the
    /// timeline can be borrowed mutably while they watch.
    fn watcher(&mut self) -> Watcher {
        Watcher {
            frontier: self.frontier,
            journal: std::mem::take(&mut self.journal),
            checker: std::mem::take(&mut self.checker),
            checkpoints: std::mem::take(&mut self.checker_checkpoints),
            violations: std::mem::take(&mut self.violations),
            scripted_inputs: self.scripted_inputs,
        }
    }

    fn absorb(&mut self, watcher: Watcher) {
        self.frontier = watcher.frontier;
        self.journal = watcher.journal;
        self.checker = watcher.checker;
        self.checker_checkpoints = watcher.checkpoints;
        self.violations = watcher.violations;
    }
}

/// The parts of a [`Playback`] that watch steps.
struct Watcher {
    frontier: u64,
    journal: VecDeque<Rc<JournalEntry>>,
    checker: SafetyChecker,
    checkpoints: Vec<CheckerCheckpoint>,
    violations: Vec<FoundViolation>,
    scripted_inputs: usize,
}

impl Watcher {
    /// Records a step the first time this future takes it.
    fn see(&mut self, sim: &Simulation, record: &StepRecord) {
        let position = sim.position();
        if position <= self.frontier {
            return;
        }
        self.frontier = position;
        let mut entry = JournalEntry::of(sim, record, self.scripted_inputs);
        let found = self.checker.observe(sim, record);
        entry.marks.violation = !found.is_empty();
        self.violations
            .extend(found.into_iter().map(|violation| FoundViolation {
                position,
                violation,
            }));
        if self.journal.len() == JOURNAL_MAX {
            self.journal.pop_front();
        }
        self.journal.push_back(Rc::new(entry));
        if position % CHECKER_CHECKPOINT_EVERY == 0 {
            self.checkpoints.push(CheckerCheckpoint {
                sim: sim.clone(),
                checker: self.checker.clone(),
            });
        }
    }
}
