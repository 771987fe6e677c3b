//! What the page plays: a [`Timeline`] (so any instant can be revisited)
//! with the run described step by step in [`JournalEntry`]s and the safety
//! checkers run over every step the first time it happens.
//!
//! The recorded future is deterministic, so what was found while playing it
//! stays true when the learner scrubs back and forth. Only a command given at
//! an earlier instant changes the future: the journal and the violations
//! after that point are dropped, and the checkers are rebuilt to it from
//! their nearest checkpoint.
//!
//! What a long run costs does not grow with the words: the journal is not
//! stored. The latest entries are kept as told; any earlier stretch is told
//! again on demand by replaying it from the timeline's nearest checkpoint
//! (the run is deterministic, so the words come out the same), and the
//! moments the scrubber jumps between (elections, commits, violations) are
//! kept for the whole run as bare positions.

use crate::check::{IncrementalChecker, SafetyChecker, Violation};
use crate::journal::{JournalEntry, MarkKind};
use crate::raft::Micros;
use crate::sim::{Command, CommandError, Simulation, StepRecord};
use crate::timeline::{thin_checkpoints, Timeline};
use std::collections::VecDeque;
use std::rc::Rc;

pub use crate::check::Linearizability;

/// The most journal entries [`Playback::journal`] tells at once (the whole
/// run's, for a scenario to place its steps in); a longer run's journal
/// starts later.
pub const JOURNAL_MAX: usize = 200_000;

/// How many of the latest entries (ending at the frontier) are kept as told,
/// so the event log of a run playing live costs no replay.
const JOURNAL_RECENT: usize = 512;

/// How far before the playback position a regenerated stretch of the
/// journal reaches, so scrubbing back step by step reuses it.
const JOURNAL_WINDOW_BEFORE: u64 = 1024;

/// How far after the playback position a regenerated stretch reaches, so
/// stepping forward reuses it.
const JOURNAL_WINDOW_AFTER: u64 = 256;

/// Steps between the newest checkpoints of the checkers, used to rebuild
/// them when the future changes.
const CHECKER_CHECKPOINT_EVERY: u64 = 16_384;

/// The widest spacing between older checkpoints of the checkers: what a
/// command given far back replays (with the checkers) at most.
const CHECKER_CHECKPOINT_GAP_MAX: u64 = 65_536;

/// How far (virtual time) a jump to the next moment of some kind explores
/// past what was already played before it gives up.
pub const JUMP_EXPLORE_US: Micros = 60_000_000;

/// The most steps a jump plays past what was explored, whatever virtual
/// time they cover: a run with microsecond timeouts makes millions a
/// second, and a jump must still return.
pub const JUMP_EXPLORE_STEPS_MAX: u64 = 1_000_000;

/// A broken safety property and the step where it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundViolation {
    /// The playback position right after the step.
    pub position: u64,
    /// What broke.
    pub violation: Violation,
}

/// The checkers' state right after a given position (the simulation there
/// is rebuilt from the timeline's checkpoints when needed).
#[derive(Clone, Debug)]
struct CheckerCheckpoint {
    position: u64,
    checker: SafetyChecker,
}

/// The positions of the moments the scrubber jumps between, for the whole
/// run (violations are found in [`Playback::violations`]).
#[derive(Clone, Debug, Default)]
struct MarkIndex {
    /// Steps where a server became leader, increasing.
    elections: Vec<u64>,
    /// Steps where a leader applied entries, increasing.
    commits: Vec<u64>,
}

impl MarkIndex {
    fn positions(&self, kind: MarkKind) -> &[u64] {
        match kind {
            MarkKind::Election => &self.elections,
            MarkKind::Commit => &self.commits,
            MarkKind::Violation => &[],
        }
    }

    fn truncate_after(&mut self, position: u64) {
        for list in [&mut self.elections, &mut self.commits] {
            let keep = list.partition_point(|&p| p <= position);
            list.truncate(keep);
        }
    }
}

/// A timeline with its journal and checkers.
#[derive(Clone, Debug)]
pub struct Playback {
    timeline: Timeline,
    /// The latest entries, for consecutive positions ending at `frontier`
    /// (at most [`JOURNAL_RECENT`]; shared, so a page can hold some without
    /// copying them every frame).
    recent: VecDeque<Rc<JournalEntry>>,
    /// Entries told again for consecutive positions around an earlier
    /// playback position (empty when none were needed).
    window: VecDeque<Rc<JournalEntry>>,
    /// Where the marked moments are, up to `frontier`.
    marks: MarkIndex,
    /// The furthest position this future has been played to; every step up
    /// to it is checked and marked.
    frontier: u64,
    /// Has seen every step up to `frontier`.
    checker: SafetyChecker,
    /// In increasing position, the first at position 0; thinned like the
    /// timeline's checkpoints.
    checker_checkpoints: Vec<CheckerCheckpoint>,
    /// Every violation found up to `frontier`, in order.
    violations: Vec<FoundViolation>,
    /// Judges the client history, extended as the position moves.
    linearizability: IncrementalChecker,
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
                position: 0,
                checker: SafetyChecker::new(),
            }],
            timeline,
            recent: VecDeque::new(),
            window: VecDeque::new(),
            marks: MarkIndex::default(),
            frontier: 0,
            checker: SafetyChecker::new(),
            violations: Vec::new(),
            linearizability: IncrementalChecker::new(),
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

    /// The whole journal up to the frontier, oldest first (it starts after
    /// position 1 if the run is longer than [`JOURNAL_MAX`] steps), told
    /// again by replaying the run: a cost in time proportional to its
    /// length, for a scenario or a test rather than for every frame.
    pub fn journal(&self) -> std::vec::IntoIter<Rc<JournalEntry>> {
        let from = self.frontier.saturating_sub(JOURNAL_MAX as u64 - 1).max(1);
        self.journal_range(from, self.frontier).into_iter()
    }

    /// The journal entries for positions `from..=to` (up to the frontier),
    /// oldest first: the kept ones where they are kept, the others told
    /// again by replaying from the nearest checkpoint.
    pub fn journal_range(&self, from: u64, to: u64) -> Vec<Rc<JournalEntry>> {
        let from = from.max(1);
        let to = to.min(self.frontier);
        if from > to {
            return Vec::new();
        }
        let kept_from = self.recent.front().map_or(u64::MAX, |e| e.position);
        let mut entries = Vec::with_capacity(usize::try_from(to - from + 1).unwrap_or(0));
        if from < kept_from {
            let told_until = to.min(kept_from.saturating_sub(1));
            entries.extend(self.tell(from, told_until));
        }
        entries.extend(
            self.recent
                .iter()
                .filter(|e| e.position >= from && e.position <= to)
                .cloned(),
        );
        entries
    }

    /// The latest `count` journal entries up to the playback position,
    /// newest first: what the event log shows. Near the frontier they are
    /// the kept ones; further back a stretch around the position is told
    /// again once and reused while the position stays in it.
    pub fn journal_until_now(&mut self, count: usize) -> Vec<Rc<JournalEntry>> {
        let position = self.position().min(self.frontier);
        let count = count as u64;
        if position == 0 || count == 0 {
            return Vec::new();
        }
        let from = position.saturating_sub(count - 1).max(1);
        let covers = |entries: &VecDeque<Rc<JournalEntry>>| {
            entries.front().is_some_and(|e| e.position <= from)
                && entries.back().is_some_and(|e| e.position >= position)
        };
        let source = if covers(&self.recent) {
            &self.recent
        } else {
            if !covers(&self.window) {
                let window_from = position
                    .saturating_sub(JOURNAL_WINDOW_BEFORE.max(count))
                    .max(1);
                let window_to = position.saturating_add(JOURNAL_WINDOW_AFTER);
                self.window = self.journal_range(window_from, window_to).into();
            }
            &self.window
        };
        let first = source.front().map_or(0, |e| e.position);
        let end = usize::try_from(position - first + 1).unwrap_or(usize::MAX);
        let start = usize::try_from(from - first).unwrap_or(0);
        source
            .range(start..end.min(source.len()))
            .rev()
            .cloned()
            .collect()
    }

    /// Tells the steps at positions `from..=to` again by replaying them.
    fn tell(&self, from: u64, to: u64) -> Vec<Rc<JournalEntry>> {
        let mut entries = Vec::new();
        let violations = &self.violations;
        let scripted_inputs = self.scripted_inputs;
        let replayed = self.timeline.replay_range(from, to, &mut |sim, record| {
            let mut entry = JournalEntry::of(sim, record, scripted_inputs);
            let position = entry.position;
            let first = violations.partition_point(|v| v.position < position);
            entry.marks.violation = violations
                .get(first)
                .is_some_and(|v| v.position == position);
            entries.push(Rc::new(entry));
        });
        // The recorded run reached these positions before, so it replays;
        // if it somehow cannot, the journal tells what it could.
        debug_assert!(replayed.is_ok(), "a recorded run replays");
        entries
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
        self.advance_within(t, u64::MAX).map(|(found, _)| found)
    }

    /// Plays forward to instant `t` taking at most `steps_max` steps;
    /// returns how many violations were newly found and whether `t` was
    /// reached (see [`Timeline::advance_observed_within`]).
    pub fn advance_within(
        &mut self,
        t: Micros,
        steps_max: u64,
    ) -> Result<(usize, bool), CommandError> {
        let before = self.violations.len();
        let mut watcher = self.watcher();
        let reached = self
            .timeline
            .advance_observed_within(t, steps_max, &mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok((self.violations.len() - before, reached))
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
        self.seek_within(t, u64::MAX).map(|_| ())
    }

    /// Moves to instant `t` taking at most `steps_max` steps; returns whether
    /// `t` was reached (see [`Timeline::seek_observed_within`]).
    pub fn seek_within(&mut self, t: Micros, steps_max: u64) -> Result<bool, CommandError> {
        let mut watcher = self.watcher();
        let reached = self
            .timeline
            .seek_observed_within(t, steps_max, &mut |sim, record| watcher.see(sim, record))?;
        self.absorb(watcher);
        Ok(reached)
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
    /// [`JUMP_EXPLORE_US`] and [`JUMP_EXPLORE_STEPS_MAX`] steps. Returns whether one was found (if not, the
    /// position is where the search stopped).
    pub fn jump_to_next(&mut self, kind: MarkKind) -> Result<bool, CommandError> {
        let position = self.position();
        if let Some(found) = self.next_marked(position, kind) {
            self.seek_position(found)?;
            return Ok(true);
        }
        self.seek_position(self.frontier)?;
        let give_up_at = self.now().saturating_add(JUMP_EXPLORE_US);
        let give_up_after = self.position().saturating_add(JUMP_EXPLORE_STEPS_MAX);
        while self.now() < give_up_at && self.position() < give_up_after {
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
        if kind == MarkKind::Violation {
            let next = self.violations.partition_point(|v| v.position <= after);
            return self.violations.get(next).map(|v| v.position);
        }
        let positions = self.marks.positions(kind);
        let next = positions.partition_point(|&p| p <= after);
        positions.get(next).copied()
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
    /// position. The checker keeps a running verdict and settles the history
    /// as it goes, so asking again after a few more steps checks only what
    /// is new.
    pub fn linearizability(&mut self) -> &Linearizability {
        let position = self.position();
        self.linearizability.judge(self.timeline.sim(), position)
    }

    /// Drops the journal, violations and checker state past `position`.
    fn forget_future(&mut self, position: u64) {
        while self.recent.back().is_some_and(|e| e.position > position) {
            self.recent.pop_back();
        }
        self.window.clear();
        self.marks.truncate_after(position);
        let keep = self.violations.partition_point(|v| v.position <= position);
        self.violations.truncate(keep);
        let keep = self
            .checker_checkpoints
            .partition_point(|c| c.position <= position)
            .max(1);
        self.checker_checkpoints.truncate(keep);
        self.linearizability.forget_after(position);
        let base = &self.checker_checkpoints[keep - 1];
        let mut checker = base.checker.clone();
        let recorded = self.timeline.recorded_inputs();
        // The recorded run reached this position before, so it replays; if
        // it somehow cannot, the checks restart where it stopped.
        if let Ok(mut sim) = self.timeline.sim_at(base.position) {
            while sim.position() < position {
                match sim.step_along(recorded, Micros::MAX) {
                    Ok(Some(record)) => {
                        checker.observe(&sim, &record);
                    }
                    Ok(None) | Err(_) => break,
                }
            }
        }
        self.checker = checker;
        self.frontier = position;
    }

    /// Takes the journal and checkers out for the duration of a move, so the
    /// timeline can be borrowed mutably while they watch.
    fn watcher(&mut self) -> Watcher {
        Watcher {
            frontier: self.frontier,
            recent: std::mem::take(&mut self.recent),
            marks: std::mem::take(&mut self.marks),
            checker: std::mem::take(&mut self.checker),
            checkpoints: std::mem::take(&mut self.checker_checkpoints),
            violations: std::mem::take(&mut self.violations),
            scripted_inputs: self.scripted_inputs,
        }
    }

    fn absorb(&mut self, watcher: Watcher) {
        self.frontier = watcher.frontier;
        self.recent = watcher.recent;
        self.marks = watcher.marks;
        self.checker = watcher.checker;
        self.checker_checkpoints = watcher.checkpoints;
        self.violations = watcher.violations;
    }
}

/// The parts of a [`Playback`] that watch steps.
struct Watcher {
    frontier: u64,
    recent: VecDeque<Rc<JournalEntry>>,
    marks: MarkIndex,
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
        if entry.marks.election {
            self.marks.elections.push(position);
        }
        if entry.marks.commit {
            self.marks.commits.push(position);
        }
        if self.recent.len() == JOURNAL_RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(Rc::new(entry));
        if position % CHECKER_CHECKPOINT_EVERY == 0 {
            self.checkpoints.push(CheckerCheckpoint {
                position,
                checker: self.checker.clone(),
            });
            thin_checkpoints(
                &mut self.checkpoints,
                |c| c.position,
                position,
                CHECKER_CHECKPOINT_EVERY,
                CHECKER_CHECKPOINT_GAP_MAX,
            );
        }
    }
}
