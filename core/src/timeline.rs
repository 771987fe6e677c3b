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

/// Steps (events and commands) between the newest checkpoints: near the
/// frontier a seek replays at most this many, a few milliseconds of native
/// simulation.
pub const CHECKPOINT_EVERY: u64 = 4096;

/// How many of the newest checkpoints keep the full density of
/// [`CHECKPOINT_EVERY`]; further back the spacing doubles band by band.
pub const CHECKPOINTS_DENSE: u64 = 8;

/// The widest spacing between two kept checkpoints, in steps: what bounds
/// the replay of a seek far back (tens of milliseconds natively), and what
/// the memory the checkpoints hold grows by, one checkpoint per this many
/// steps.
pub const CHECKPOINT_GAP_MAX: u64 = 32_768;

/// How many checkpoints near the playback position a timeline keeps
/// beside its sparse ones.
pub const NEAR_CHECKPOINTS: usize = 4;

/// The spacing allowed between checkpoints `age` steps behind the frontier:
/// `every` for the newest [`CHECKPOINTS_DENSE`] of them, then twice that,
/// four times, ..., at most `gap_max`.
fn spacing_allowed(age: u64, every: u64, gap_max: u64) -> u64 {
    let band = age / every.saturating_mul(CHECKPOINTS_DENSE).max(1);
    every
        .saturating_mul(band.saturating_add(1).next_power_of_two())
        .min(gap_max.max(every))
}

/// Drops checkpoints from `items` (in increasing position, the first the
/// start of the run) so that the gap between any two kept ones is at most
/// what [`spacing_allowed`] grants at its distance from `head`, the
/// furthest position played. The first and the last are always kept, so a
/// kept set has O(log(run / every) + run / gap_max) members.
pub(crate) fn thin_checkpoints<T>(
    items: &mut Vec<T>,
    position: impl Fn(&T) -> u64,
    head: u64,
    every: u64,
    gap_max: u64,
) {
    let count = items.len();
    if count < 3 {
        return;
    }
    let mut keep = vec![true; count];
    let mut newer_kept = position(&items[count - 1]);
    for i in (1..count - 1).rev() {
        let here = position(&items[i]);
        let older = position(&items[i - 1]);
        let allowed = spacing_allowed(head.saturating_sub(here), every, gap_max);
        if newer_kept.saturating_sub(older) <= allowed {
            keep[i] = false;
        } else {
            newer_kept = here;
        }
    }
    let mut flags = keep.into_iter();
    items.retain(|_| flags.next().unwrap_or(true));
}

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
    /// Steps between the newest checkpoints.
    checkpoint_every: u64,
    /// The widest spacing kept between older checkpoints.
    checkpoint_gap_max: u64,
    /// Checkpoints taken while replaying behind the frontier, so that
    /// stepping back and telling the journal near the playback position
    /// replay little after a seek far back: at most [`NEAR_CHECKPOINTS`],
    /// the oldest taken dropped first.
    near: Vec<Simulation>,
    /// The position of the last checkpoint taken or restored while replaying.
    replay_mark: u64,
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
            checkpoint_gap_max: CHECKPOINT_GAP_MAX,
            near: Vec::new(),
            replay_mark: 0,
        }
    }

    /// The same timeline, checkpointing every `steps` steps from now on
    /// (at least 1): fewer means faster seeks and more memory.
    pub fn with_checkpoint_every(mut self, steps: u64) -> Timeline {
        self.checkpoint_every = steps.max(1);
        self.checkpoint_gap_max = self.checkpoint_gap_max.max(self.checkpoint_every);
        self
    }

    /// The same timeline, keeping older checkpoints at most `steps` apart
    /// (at least the spacing of the newest ones): more means less memory
    /// and slower seeks far back.
    pub fn with_checkpoint_gap_max(mut self, steps: u64) -> Timeline {
        self.checkpoint_gap_max = steps.max(self.checkpoint_every);
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
            checkpoint_gap_max: CHECKPOINT_GAP_MAX,
            near: Vec::new(),
            replay_mark: 0,
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
        self.advance_observed_within(t, u64::MAX, observe)
            .map(|_| ())
    }

    /// Plays forward to instant `t` like [`Timeline::advance_observed`], but
    /// takes at most `steps_max` steps. Returns whether `t` was reached
    /// (`false` once the budget is spent, even if no step was left before
    /// `t`); when not, the clock stays at the last step taken, so time never
    /// runs ahead of the steps.
    pub fn advance_observed_within(
        &mut self,
        t: Micros,
        steps_max: u64,
        observe: StepObserver<'_>,
    ) -> Result<bool, CommandError> {
        let mut taken = 0;
        while taken < steps_max {
            if self.step_no_later_than(t, observe)?.is_none() {
                self.settle_clock(t);
                return Ok(true);
            }
            taken += 1;
        }
        self.explored_until = self.explored_until.max(self.current.now());
        Ok(false)
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
        self.seek_observed_within(t, u64::MAX, observe).map(|_| ())
    }

    /// Moves to instant `t` like [`Timeline::seek_observed`], taking at most
    /// `steps_max` steps after the checkpoint it starts from; returns
    /// whether `t` was reached (if not, the position is where the budget
    /// ran out).
    pub fn seek_observed_within(
        &mut self,
        t: Micros,
        steps_max: u64,
        observe: StepObserver<'_>,
    ) -> Result<bool, CommandError> {
        let base = self.checkpoints.partition_point(|c| c.now() <= t);
        let mut base = &self.checkpoints[base.saturating_sub(1)];
        for near in &self.near {
            if near.now() <= t && near.position() > base.position() {
                base = near;
            }
        }
        let current_is_closer =
            self.current.now() <= t && self.current.position() >= base.position();
        if !current_is_closer {
            self.current = base.clone();
        }
        self.replay_mark = self.current.position();
        self.advance_observed_within(t, steps_max, observe)
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
        let current_is_closer = std::ptr::eq(self.base_for(position), &self.current);
        if !current_is_closer {
            self.current = self.base_for(position).clone();
        }
        self.replay_mark = self.current.position();
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
        self.near.retain(|c| c.position() < position);
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

    /// The simulation right after exactly `position` steps (or at the end of
    /// the run if it never gets that far), rebuilt from the nearest earlier
    /// checkpoint without moving the playback position.
    pub fn sim_at(&self, position: u64) -> Result<Simulation, CommandError> {
        let mut sim = self.base_for(position).clone();
        while sim.position() < position && sim.step_along(&self.recorded, Micros::MAX)?.is_some() {}
        Ok(sim)
    }

    /// Replays the steps at positions `from..=to` (as far as the run goes)
    /// on a copy, showing each to `observe` with the simulation right after
    /// it, without moving the playback position: how the journal of an
    /// earlier stretch is told again on demand.
    pub fn replay_range(
        &self,
        from: u64,
        to: u64,
        observe: StepObserver<'_>,
    ) -> Result<(), CommandError> {
        let mut sim = self.sim_at(from.saturating_sub(1))?;
        while sim.position() < to {
            match sim.step_along(&self.recorded, Micros::MAX)? {
                Some(record) => {
                    if sim.position() >= from {
                        observe(&sim, &record);
                    }
                }
                None => break,
            }
        }
        Ok(())
    }

    /// The simulation to replay from to reach `position`: the latest
    /// checkpoint at or before it, or the current one if that is closer.
    fn base_for(&self, position: u64) -> &Simulation {
        let base = self
            .checkpoints
            .partition_point(|c| c.position() <= position);
        let mut base = &self.checkpoints[base.saturating_sub(1)];
        for near in &self.near {
            if near.position() <= position && near.position() > base.position() {
                base = near;
            }
        }
        let current = self.current.position();
        if current <= position && current >= base.position() {
            &self.current
        } else {
            base
        }
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
        if position < last && position >= self.replay_mark + self.checkpoint_every {
            // Replaying behind the frontier, far from any checkpoint taken
            // on the way: leave one here for the next moves nearby.
            if self.near.len() == NEAR_CHECKPOINTS {
                self.near.remove(0);
            }
            self.near.push(self.current.checkpoint());
            self.replay_mark = position;
        }
        if position >= last + self.checkpoint_every {
            self.checkpoints.push(self.current.checkpoint());
            thin_checkpoints(
                &mut self.checkpoints,
                Simulation::position,
                position,
                self.checkpoint_every,
                self.checkpoint_gap_max,
            );
        }
        self.explored_until = self.explored_until.max(self.current.now());
    }
}
