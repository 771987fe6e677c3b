//! Playing a scenario: recording its run from the file's inputs, playing it
//! headless, and placing each narration step at its playback position.

use super::{
    ResolvedStep, Scenario, ScenarioError, ScenarioInput, Wait, PLACE_STEPS_MAX, US_PER_MS,
};
use crate::journal::JournalEntry;
use crate::playback::Playback;
use crate::run::RunDescription;
use crate::sim::{Config, ReplayError, Simulation};
use std::rc::Rc;

impl Scenario {
    /// The run played headless from the start to `end_ms`, with the safety
    /// checker on every step (see [`Playback`]), positioned at the end. Its
    /// inputs are the scenario's ([`Playback::scripted`]), so the journal
    /// does not put them down to the learner.
    pub fn play(&self) -> Result<Playback, ScenarioError> {
        let sim = Simulation::replay(self.run.seed, self.run.config.clone(), &self.run.inputs)
            .map_err(ScenarioError::Replay)?;
        let mut playback = Playback::scripted(sim);
        let budget = PLACE_STEPS_MAX.saturating_sub(playback.position());
        let (_, reached) = playback
            .advance_within(self.end_ms * US_PER_MS, budget)
            .map_err(|e| ScenarioError::Replay(ReplayError::Command(e)))?;
        if !reached {
            return Err(ScenarioError::TooLong);
        }
        Ok(playback)
    }

    /// Plays the run once and places every step of the narration in it.
    pub fn resolve_steps(&self) -> Result<Vec<ResolvedStep>, ScenarioError> {
        let playback = self.play()?;
        self.resolve_steps_in(&playback)
    }

    /// Places every step in `playback`, which must have played this
    /// scenario's run to `end_ms` (as [`Scenario::play`] returns it).
    pub fn resolve_steps_in(
        &self,
        playback: &Playback,
    ) -> Result<Vec<ResolvedStep>, ScenarioError> {
        let journal: Vec<Rc<JournalEntry>> = playback.journal().collect();
        // Positions are consecutive from 1 unless the journal forgot its start.
        if journal.first().is_some_and(|e| e.position != 1) {
            return Err(ScenarioError::TooLong);
        }
        let end_us = self.end_ms * US_PER_MS;
        let mut previous = (0, 0);
        let mut resolved = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let (position, at_us, matched) = match &step.wait {
                Wait::At { at_ms } => {
                    let at_us = at_ms * US_PER_MS;
                    if at_us < previous.1 {
                        return Err(ScenarioError::StepGoesBack {
                            step: index,
                            at_ms: *at_ms,
                            previous_us: previous.1,
                        });
                    }
                    let until = journal.partition_point(|e| e.at <= at_us);
                    let position = until
                        .checked_sub(1)
                        .map_or(0, |last| journal[last].position)
                        .max(previous.0);
                    (position, at_us, None)
                }
                Wait::Event(matcher) => {
                    let start = journal.partition_point(|e| e.position <= previous.0);
                    let found = journal[start..]
                        .iter()
                        .find(|e| e.at <= end_us && matcher.matches(e))
                        .ok_or(ScenarioError::StepNeverHappens {
                            step: index,
                            end_ms: self.end_ms,
                        })?;
                    (found.position, found.at, Some(found.text.clone()))
                }
            };
            previous = (position, at_us);
            resolved.push(ResolvedStep {
                index,
                position,
                at_us,
                text: step.text.clone(),
                highlight: step.highlight.clone(),
                matched,
            });
        }
        Ok(resolved)
    }
}

/// Plays a fresh simulation and gives each input at its instant, after every
/// event up to it, so the run records exactly where each one falls.
pub(crate) fn record_run(
    seed: u64,
    config: Config,
    inputs: &[ScenarioInput],
) -> Result<RunDescription, ScenarioError> {
    let mut sim = Simulation::new(seed, config).map_err(ScenarioError::Config)?;
    for (index, input) in inputs.iter().enumerate() {
        let at = input.at_ms.saturating_mul(US_PER_MS);
        let budget = PLACE_STEPS_MAX.saturating_sub(sim.events_processed());
        if !sim.advance_within(at, budget) {
            return Err(ScenarioError::TooBusy {
                index,
                at_ms: input.at_ms,
            });
        }
        sim.submit(input.command.clone())
            .map_err(|error| ScenarioError::Input {
                index,
                at_ms: input.at_ms,
                error,
            })?;
    }
    Ok(RunDescription::of(&sim))
}
