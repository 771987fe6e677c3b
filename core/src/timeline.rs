//! Time travel: a recorded run that can be moved to any earlier or later
//! point. A run is its seed, its configuration and its input log, so any
//! state can be rebuilt by replaying from the start; to make that fast the
//! timeline keeps sparse checkpoints (clones of the simulation, which share
//! their logs and histories with the live run) and replays only from the
//! nearest one.
//!
//! A user action taken at an earlier point starts a new future: the recorded
//! inputs after that point, and the checkpoints past it, are dropped.

use crate::raft::Micros;
use crate::sim::{Command, CommandError, ReplayError, Simulation, StepRecord, TimedCommand};

/// Something that watches every step a timeline takes, with the simulation
/// as it is right after the step (a journal, a checker).
pub type StepObserver<'a> = &'a mut dyn FnMut(&Simulation, &StepRecord);

/// Steps (events and commands) between checkpoints: a seek replays at most
/// this many, a few milliseconds of native simulation.
pub const CHECKPOINT_EVERY: u64 = 4096;

/// A run with its recorded inputs and checkpoints, positioned at one point.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The whole input log; the current simulation has applied a prefix of it.
    recorded: Vec<TimedCommand>,
    /// Clones of the simulation in increasing position, the first at position 0.
    checkpoints: Vec<Simulation>,
    /// The simulation at the playback position.
    current: Simulation,
    /// The latest instant reached with the recorded inputs.
    explored_until: Micros,
    /// Steps between checkpoints.
    checkpoint_every: u64,
}

impl Timeline {
    /// A timeline whose recorded future is `sim`'s inputs, positioned where
    /// `sim` is. Earlier points are rebuilt from the seed on demand.
    pub fn new(sim: Simulation) -> Timeline {
        let start = Simulation::new(sim.seed(), sim.config().clone())
            .expect("a running simulation's configuration is valid");
        Timeline {
            recorded: sim.inputs().to_vec(),
            explored_until: sim.now(),
            checkpoints: vec![start],
            current: sim,
            checkpoint_every: CHECKPOINT_EVERY,
        }
    }

    /// The same timeline, checkpointing every `steps` steps from now on
    /// (at least 1): fewer means faster seeks and more memory.
    pub fn with_checkpoint_every(mut self, steps: u64) -> Timeline {
        self.checkpoint_every = steps.max(1);
        self
    }

    /// Rebuilds a run from its description, checking every input fits, and
    /// positions the timeline at its last input.
    pub fn replay(
        seed: u64,
        config: crate::sim::Config,
        inputs: Vec<TimedCommand>,
    ) -> Result<Timeline, ReplayError> {
        let start = Simulation::new(seed, config).map_err(ReplayError::Config)?;
        let mut timeline = Timeline {
            recorded: inputs,
            explored_until: 0,
            checkpoints: vec![start.clone()],
            current: start,
            checkpoint_every: CHECKPOINT_EVERY,
        };
        while let Some(next) = timeline.recorded.get(timeline.current.inputs().len()) {
            let unreachable = next.unreachable();
            if timeline.step().map_err(ReplayError::Command)?.is_none() {
                return Err(ReplayError::Command(unreachable));
            }
        }
        Ok(timeline)
    }

    /// The simulation at the playback position.
    pub fn sim(&self) -> &Simulation {
        &self.current
    }

    /// The virtual instant of the playback position.
    pub fn now(&self) -> Micros {
        self.current.now()
    }

    /// The playback position in steps (events and commands) from the start.
    pub fn position(&self) -> u64 {
        self.current.position()
    }

    /// The whole recorded input log, including inputs after the playback position.
    pub fn recorded_inputs(&self) -> &[TimedCommand] {
        &self.recorded
    }

    /// The latest instant this future has been played to: the end of the scrubber.
    pub fn explored_until(&self) -> Micros {
        self.explored_until
    }

    /// How many checkpoints are kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Takes one step forward: the recorded input due here, or the next event.
    /// `Ok(None)` when the run has nothing left to do.
    pub fn step(&mut self) -> Result<Option<StepRecord>, CommandError> {
        self.step_no_later_than(Micros::MAX, &mut |_, _| {})
    }

    /// Plays forward to instant `t`, replaying recorded inputs on the way, and
    /// returns the steps taken.
    pub fn advance_to(&mut self, t: Micros) -> Result<Vec<StepRecord>, CommandError> {
        let mut records = Vec::new();
        self.advance_observed(t, &mut |_, record| records.push(record.clone()))?;
        Ok(records)
    }

    /// Plays forward to instant `t` like [`Timeline::advance_to`], showing
    /// each step to `observe` instead of collecting the records.
    pub fn advance_observed(
        &mut self,
        t: Micros,
        observe: StepObserver<'_>,
    ) -> Result<(), CommandError> {
        while self.step_no_later_than(t, observe)?.is_some() {}
        self.settle_clock(t);
        Ok(())
    }

    /// Takes one step forward like [`Timeline::step`], showing it to `observe`.
    pub fn step_observed(
        &mut self,
        observe: StepObserver<'_>,
    ) -> Result<Option<StepRecord>, CommandError> {
        self.step_no_later_than(Micros::MAX, observe)
    }

    /// Moves to instant `t`, earlier or later: the state after every step at
    /// or before `t`.
    pub fn seek(&mut self, t: Micros) -> Result<(), CommandError> {
        self.seek_observed(t, &mut |_, _| {})
    }

    /// Moves to instant `t` like [`Timeline::seek`], showing every step
    /// replayed or taken on the way to `observe` (after a restored
    /// checkpoint, steps already seen come again).
    pub fn seek_observed(
        &mut self,
        t: Micros,
        observe: StepObserver<'_>,
    ) -> Result<(), CommandError> {
        let base = self.checkpoints.partition_point(|c| c.now() <= t);
        let base = &self.checkpoints[base.saturating_sub(1)];
        let current_is_closer =
            self.current.now() <= t && self.current.position() >= base.position();
        if !current_is_closer {
            self.current = base.clone();
        }
        while self.step_no_later_than(t, observe)?.is_some() {}
        self.settle_clock(t);
        Ok(())
    }

    /// Moves to the state after exactly `position` steps, or to the end of the
    /// run if it never gets that far. Stepping back is `seek_position(position - 1)`.
    pub fn seek_position(&mut self, position: u64) -> Result<(), CommandError> {
        self.seek_position_observed(position, &mut |_, _| {})
    }

    /// Moves to a position like [`Timeline::seek_position`], showing every
    /// step on the way to `observe`.
    pub fn seek_position_observed(
        &mut self,
        position: u64,
        observe: StepObserver<'_>,
    ) -> Result<(), CommandError> {
        let base = self
            .checkpoints
            .partition_point(|c| c.position() <= position);
        let base = &self.checkpoints[base.saturating_sub(1)];
        let current_is_closer =
            self.current.position() <= position && self.current.position() >= base.position();
        if !current_is_closer {
            self.current = base.clone();
        }
        while self.current.position() < position
            && self.step_no_later_than(Micros::MAX, observe)?.is_some()
        {}
        Ok(())
    }

    /// Carries out a user command at the playback position. If the position is
    /// in the past, the recorded future after it is discarded.
    pub fn submit(&mut self, command: Command) -> Result<StepRecord, CommandError> {
        let applied_before = self.current.inputs().len();
        let record = self.current.submit(command)?;
        self.recorded.truncate(applied_before);
        self.recorded.extend(self.current.inputs().last().cloned());
        let position = self.current.position();
        let keep = self
            .checkpoints
            .partition_point(|c| c.position() < position);
        self.checkpoints.truncate(keep.max(1));
        self.explored_until = self.current.now();
        Ok(record)
    }

    fn step_no_later_than(
        &mut self,
        limit: Micros,
        observe: StepObserver<'_>,
    ) -> Result<Option<StepRecord>, CommandError> {
        let record = self.current.step_along(&self.recorded, limit)?;
        if let Some(record) = &record {
            observe(&self.current, record);
            self.after_step();
        }
        Ok(record)
    }

    /// Moves the clock to `t` once nothing is left to do before it.
    fn settle_clock(&mut self, t: Micros) {
        if self.current.now() < t {
            self.current.advance_to(t);
        }
        self.explored_until = self.explored_until.max(self.current.now());
    }

    fn after_step(&mut self) {
        let position = self.current.position();
        let last = self.checkpoints.last().map_or(0, Simulation::position);
        if position >= last + self.checkpoint_every {
            self.checkpoints.push(self.current.clone());
        }
        self.explored_until = self.explored_until.max(self.current.now());
    }
}
