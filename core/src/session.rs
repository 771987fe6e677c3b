//! The page's façade: one run as the page holds it, and everything the page
//! may do with it. A [`Session`] wraps a [`Playback`] (time travel, the
//! journal and the checkers) and hands out only plain data (the
//! [`ClusterView`] and [`RunView`] of `view`) and the run's description; the
//! page changes it only by moving the playback position and by submitting
//! [`Command`]s. Nothing here exposes the simulation or the protocol.
//!
//! The values a page writes with (commands and their parts) and the errors
//! it shows are re-exported here, so a page needs only this module and
//! `view`.

use crate::playback::Playback;
use crate::raft::Micros;
use crate::scenario;
use crate::sim::Simulation;
use crate::view::{ClusterView, RunView};
use std::fmt;

pub use crate::journal::MarkKind;
pub use crate::kv::{Operation, StateMachine, ToyOp};
pub use crate::raft::{BugSwitches, RaftOptions, ReadMode};
pub use crate::run::{RunDecodeError, RunDescription, RUN_FORMAT_VERSION};
pub use crate::scenario::{ResolvedStep, Scenario, ScenarioError};
pub use crate::sim::{
    Command, CommandError, Config, ConfigError, DelayModel, LinkFaults, ReplayError, TimedCommand,
    WorkloadSpec, NODE_COUNT_MAX,
};

/// What [`Session::play_within`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Played {
    /// How many violations were newly found (playback stops at the first).
    pub violations: usize,
    /// Whether the instant asked for was reached within the step budget.
    pub reached: bool,
}

/// One run being played: the page's whole handle on the core.
#[derive(Clone, Debug)]
pub struct Session {
    playback: Playback,
}

impl Session {
    /// A fresh run of `config` from `seed`, positioned at its start.
    pub fn new(seed: u64, config: Config) -> Result<Session, ConfigError> {
        Ok(Session::of(Simulation::new(seed, config)?))
    }

    /// A recorded run rebuilt from its description (every input must fit),
    /// positioned at its start with its inputs as the recorded future.
    pub fn replay(run: &RunDescription) -> Result<Session, ReplayError> {
        Ok(Session::of(Simulation::replay(
            run.seed,
            run.config.clone(),
            &run.inputs,
        )?))
    }

    /// Like [`Session::replay`], with the run's first `scripted_inputs`
    /// inputs named as a scenario's in the journal, not the learner's.
    pub fn replay_scripted(
        run: &RunDescription,
        scripted_inputs: usize,
    ) -> Result<Session, ReplayError> {
        let sim = Simulation::replay(run.seed, run.config.clone(), &run.inputs)?;
        Ok(Session {
            playback: Playback::with_scripted_inputs(sim, scripted_inputs),
        })
    }

    /// How many of the run's first inputs a scenario scripted (0 for a run
    /// of the learner's own).
    pub fn scripted_inputs(&self) -> usize {
        self.playback.scripted_inputs()
    }

    /// Like [`Session::replay`], positioned right after the run's last input
    /// (at its start if it has none).
    pub fn replay_to_last_input(run: &RunDescription) -> Result<Session, ReplayError> {
        let sim = Simulation::replay(run.seed, run.config.clone(), &run.inputs)?;
        let last_input = sim.position();
        let mut session = Session::of(sim);
        session
            .seek_position(last_input)
            .map_err(ReplayError::Command)?;
        Ok(session)
    }

    /// Plays `sim`'s run from its start.
    fn of(sim: Simulation) -> Session {
        Session {
            playback: Playback::new(sim),
        }
    }

    // ---- What the page reads ----

    /// The cluster at the playback position.
    pub fn view(&self) -> ClusterView {
        self.playback.sim().view()
    }

    /// The run around the playback position.
    pub fn run_view(&mut self) -> RunView {
        RunView::of(&mut self.playback)
    }

    /// The client history at the playback position, as bars with the order
    /// that explains them (or the operations no order explains). It reads
    /// the whole history: for a panel that is open, not for every frame.
    pub fn history_view(&self) -> crate::view::HistoryView {
        let sim = self.playback.sim();
        crate::view::HistoryView::of(&sim.history(), sim.now())
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.playback.sim().seed()
    }

    /// The configuration in force at the playback position (a `Configure`
    /// command changes it mid-run).
    pub fn config(&self) -> &Config {
        self.playback.sim().current_config()
    }

    /// How many servers the cluster has at the playback position.
    pub fn server_count(&self) -> usize {
        self.playback.sim().server_count()
    }

    /// The whole recorded run, including inputs after the playback
    /// position: what a share link or a run file holds.
    pub fn description(&self) -> RunDescription {
        RunDescription::of_timeline(self.playback.timeline())
    }

    /// The inputs applied up to the playback position.
    pub fn inputs(&self) -> &[TimedCommand] {
        self.playback.sim().inputs()
    }

    /// The whole recorded input log, including inputs after the playback position.
    pub fn recorded_inputs(&self) -> &[TimedCommand] {
        self.playback.timeline().recorded_inputs()
    }

    /// The virtual instant of the playback position.
    pub fn now(&self) -> Micros {
        self.playback.now()
    }

    /// The playback position in steps (events and commands).
    pub fn position(&self) -> u64 {
        self.playback.position()
    }

    /// The latest instant played in this future: the end of the scrubber.
    pub fn explored_until(&self) -> Micros {
        self.playback.explored_until()
    }

    // ---- What the page does ----

    /// Carries out a user command at the playback position; in the past, it
    /// replaces the recorded future. A refused command changes nothing.
    pub fn submit(&mut self, command: Command) -> Result<(), CommandError> {
        self.playback.submit(command)
    }

    /// Plays forward to instant `t`, stopping instead at the first step that
    /// broke a safety property. Returns how many violations were newly found.
    pub fn play_to(&mut self, t: Micros) -> Result<usize, CommandError> {
        self.play_within(t, u64::MAX)
            .map(|played| played.violations)
    }

    /// Like [`Session::play_to`], taking at most `steps_max` steps: how a
    /// frame stays bounded whatever the run does. When the budget runs out
    /// first, the clock stays at the last step taken.
    pub fn play_within(&mut self, t: Micros, steps_max: u64) -> Result<Played, CommandError> {
        let (found, reached) = self.playback.advance_within(t, steps_max)?;
        let violations = self.playback.violations();
        if let Some(first) = violations
            .len()
            .checked_sub(found)
            .and_then(|i| violations.get(i))
        {
            let position = first.position;
            self.playback.seek_position(position)?;
        }
        Ok(Played {
            violations: found,
            reached,
        })
    }

    /// Plays forward to instant `t` (past any violation) taking at most
    /// `steps_max` steps; returns whether `t` was reached.
    pub fn advance_within(&mut self, t: Micros, steps_max: u64) -> Result<bool, CommandError> {
        self.playback
            .advance_within(t, steps_max)
            .map(|(_, reached)| reached)
    }

    /// Plays forward to instant `t` (past any violation).
    pub fn advance_to(&mut self, t: Micros) -> Result<(), CommandError> {
        self.playback.advance_to(t).map(|_| ())
    }

    /// Takes one step forward (`false` when the run has nothing left to do).
    pub fn step(&mut self) -> Result<bool, CommandError> {
        self.playback.step()
    }

    /// Goes back one step (nothing at the start).
    pub fn step_back(&mut self) -> Result<(), CommandError> {
        self.playback.step_back()
    }

    /// Moves to instant `t`, earlier or later.
    pub fn seek(&mut self, t: Micros) -> Result<(), CommandError> {
        self.playback.seek(t)
    }

    /// Moves to instant `t` taking at most `steps_max` steps; returns whether
    /// `t` was reached (if not, the position is where the budget ran out).
    pub fn seek_within(&mut self, t: Micros, steps_max: u64) -> Result<bool, CommandError> {
        self.playback.seek_within(t, steps_max)
    }

    /// Moves to the state right after `position` steps.
    pub fn seek_position(&mut self, position: u64) -> Result<(), CommandError> {
        self.playback.seek_position(position)
    }

    /// Moves to the next election, commit or violation, exploring at most a
    /// minute of virtual time past what was played; whether one was found.
    pub fn jump_to_next(&mut self, kind: MarkKind) -> Result<bool, CommandError> {
        self.playback.jump_to_next(kind)
    }

    /// Shows a narration step exactly as the scenario's run has it,
    /// whichever way the learner comes: a step that waits for an instant is
    /// the state at that instant; one that waits for an event is the state
    /// right after it, reached from the start.
    pub fn show_step(&mut self, step: &ResolvedStep) -> Result<(), CommandError> {
        match step.matched {
            None => self.seek(step.at_us),
            Some(_) => self
                .seek_position(0)
                .and_then(|()| self.seek_position(step.position)),
        }
    }
}

/// A bundled scenario loaded for narration: the scenario, its steps placed
/// in its run, and that run played to its end.
#[derive(Clone, Debug)]
pub struct NarratedScenario {
    /// The scenario as its file says.
    pub scenario: Scenario,
    /// Its steps, placed in `session`.
    pub steps: Vec<ResolvedStep>,
    /// The scenario's run, played once to its end.
    pub session: Session,
}

/// Why a bundled scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioLoadError {
    /// No bundled scenario has this id.
    Unknown(String),
    /// The scenario's file or run is broken.
    Broken {
        /// The scenario's id.
        id: String,
        /// What is wrong.
        error: ScenarioError,
    },
}

impl fmt::Display for ScenarioLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioLoadError::Unknown(id) => write!(f, "there is no scenario called {id:?}"),
            ScenarioLoadError::Broken { id, error } => {
                write!(f, "the scenario {id:?} could not be loaded: {error}")
            }
        }
    }
}

impl std::error::Error for ScenarioLoadError {}

impl NarratedScenario {
    /// Every bundled scenario's id and title, in library order, as the
    /// build read them from the files: the page lists the library without
    /// parsing it (the tests keep every file parsing).
    pub fn titles() -> Vec<(String, String)> {
        scenario::titles()
            .into_iter()
            .map(|(id, title)| (id.to_owned(), title.to_owned()))
            .collect()
    }

    /// Loads the bundled scenario called `id`: plays its run headless once
    /// and places its steps.
    pub fn load(id: &str) -> Result<NarratedScenario, ScenarioLoadError> {
        let (_, json) = scenario::library()
            .into_iter()
            .find(|(name, _)| *name == id)
            .ok_or_else(|| ScenarioLoadError::Unknown(id.to_owned()))?;
        let broken = |error| ScenarioLoadError::Broken {
            id: id.to_owned(),
            error,
        };
        let scenario = Scenario::from_json(json).map_err(broken)?;
        let played = scenario.play().map_err(broken)?;
        let steps = scenario.resolve_steps_in(&played).map_err(broken)?;
        Ok(NarratedScenario {
            scenario,
            steps,
            session: Session { playback: played },
        })
    }
}
