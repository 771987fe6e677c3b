//! Counterexample shrinking: a failing seed's swarm plan reduced to a
//! minimal list of commands that still fails the same way, by delta
//! debugging (Zeller's ddmin) with every checker re-run on each candidate.

use super::{plan_for, run_plan, Experiment, Failure, Report};
use crate::sim::{ConfigError, SwarmPlan};

/// The most runs one shrink may take: enough for ddmin on the longest swarm
/// plans (a few hundred commands) to reach a one-minimal list.
pub const SHRINK_RUNS_MAX: usize = 5_000;

/// A failing run reduced to a minimal plan.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// How many commands the seed's own plan had.
    pub original_commands: usize,
    /// The reduced plan: removing any one of its commands makes the failure
    /// go away (or change kind), unless the run budget ran out first.
    pub plan: SwarmPlan,
    /// The run of the reduced plan, failing like the original.
    pub report: Report,
    /// How many runs the search took.
    pub runs: usize,
    /// Did the search stop at [`SHRINK_RUNS_MAX`] before it was done?
    pub out_of_runs: bool,
}

impl Failure {
    /// Do two failures break the same thing (the same property, or both
    /// linearizability, or both liveness of the same kind)? Shrinking keeps
    /// a candidate only when it fails like the original, so that a smaller
    /// run does not trade the bug for another.
    pub fn same_kind(&self, other: &Failure) -> bool {
        match (self, other) {
            (Failure::Safety { violation: a, .. }, Failure::Safety { violation: b, .. }) => {
                a.property == b.property
            }
            (Failure::Linearizability(_), Failure::Linearizability(_))
            | (Failure::NoLeader, Failure::NoLeader)
            | (Failure::Unanswered(_), Failure::Unanswered(_)) => true,
            _ => false,
        }
    }
}

/// Shrinks seed `seed`'s run under `experiment`: `None` when the seed does
/// not fail. The seed stays the same (it drives the timers and the network),
/// so only the plan's commands are removed.
pub fn shrink(seed: u64, experiment: &Experiment) -> Result<Option<Shrunk>, ConfigError> {
    let plan = plan_for(seed, experiment);
    let report = run_plan(seed, experiment, &plan)?;
    let Some(failure) = report.failure.clone() else {
        return Ok(None);
    };
    let mut search = Search {
        seed,
        experiment,
        heal_at: plan.heal_at,
        wanted: failure,
        runs: 1,
        best: report,
    };
    let original_commands = plan.commands.len();
    let commands = search.ddmin(plan.commands)?;
    let out_of_runs = search.runs >= SHRINK_RUNS_MAX;
    Ok(Some(Shrunk {
        original_commands,
        plan: SwarmPlan {
            commands,
            heal_at: plan.heal_at,
        },
        report: search.best,
        runs: search.runs,
        out_of_runs,
    }))
}

/// The state of one shrink.
struct Search<'a> {
    seed: u64,
    experiment: &'a Experiment,
    heal_at: crate::raft::Micros,
    wanted: Failure,
    runs: usize,
    /// The run of the smallest failing plan so far.
    best: Report,
}

type Commands = Vec<(crate::raft::Micros, crate::sim::Command)>;

impl Search<'_> {
    /// Does this plan still fail like the original? Remembers its run when
    /// it does.
    fn fails(&mut self, commands: &Commands) -> Result<bool, ConfigError> {
        if self.runs >= SHRINK_RUNS_MAX {
            return Ok(false);
        }
        self.runs += 1;
        let plan = SwarmPlan {
            commands: commands.clone(),
            heal_at: self.heal_at,
        };
        let report = run_plan(self.seed, self.experiment, &plan)?;
        let same = report
            .failure
            .as_ref()
            .is_some_and(|f| f.same_kind(&self.wanted));
        if same {
            self.best = report;
        }
        Ok(same)
    }

    /// ddmin: try removing one of `n` slices of the list, doubling `n`
    /// when none can go, until single commands are tried; the result is
    /// one-minimal (within the run budget).
    fn ddmin(&mut self, mut commands: Commands) -> Result<Commands, ConfigError> {
        let mut parts = 2;
        while !commands.is_empty() && self.runs < SHRINK_RUNS_MAX {
            let size = commands.len().div_ceil(parts);
            let mut removed = false;
            for start in (0..commands.len()).step_by(size) {
                let mut candidate = commands[..start].to_vec();
                candidate.extend_from_slice(&commands[(start + size).min(commands.len())..]);
                if self.fails(&candidate)? {
                    commands = candidate;
                    parts = (parts - 1).max(2);
                    removed = true;
                    break;
                }
            }
            if !removed {
                if size == 1 {
                    break;
                }
                parts = (parts * 2).min(commands.len());
            }
        }
        Ok(commands)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Property;
    use crate::sim::{BugSwitches, Config};

    /// The first failing seed of `experiment` among the first `seeds`.
    fn first_failure(experiment: &Experiment, seeds: u64) -> u64 {
        (0..seeds)
            .find(|&seed| {
                super::super::run_seed(seed, experiment)
                    .expect("a valid config")
                    .failure
                    .is_some()
            })
            .expect("the bug shows within the seeds tried")
    }

    #[test]
    fn a_passing_seed_has_nothing_to_shrink() {
        let shrunk = shrink(3, &Experiment::default()).expect("a valid config");
        assert!(shrunk.is_none());
    }

    #[test]
    fn a_vote_without_the_log_check_shrinks_to_a_handful_of_commands() {
        let experiment = Experiment {
            config: Config {
                bugs: BugSwitches {
                    vote_without_log_check: true,
                    ..BugSwitches::default()
                },
                ..Config::default()
            },
            ..Experiment::default()
        };
        let seed = first_failure(&experiment, 50);
        let shrunk = shrink(seed, &experiment)
            .expect("a valid config")
            .expect("the seed fails");
        assert!(!shrunk.out_of_runs, "{} runs", shrunk.runs);
        assert!(
            shrunk.plan.commands.len() < shrunk.original_commands,
            "{} of {}",
            shrunk.plan.commands.len(),
            shrunk.original_commands
        );
        assert!(
            shrunk.plan.commands.len() <= 10,
            "{:?}",
            shrunk.plan.commands
        );
        let failure = shrunk.report.failure.as_ref().expect("it still fails");
        assert!(
            matches!(failure, Failure::Safety { violation, .. }
                if violation.property == Property::LeaderCompleteness
                    || violation.property == Property::StateMachineSafety),
            "{failure}"
        );
        // The page, opening the shrunk run at its end, shows the violation.
        let run = crate::run::RunDescription::of(&shrunk.report.sim);
        let sim = crate::sim::Simulation::replay(run.seed, run.config, &run.inputs)
            .expect("the shrunk run replays");
        let mut playback = crate::playback::Playback::new(sim);
        playback
            .seek_position(shrunk.report.sim.position())
            .expect("its end is reachable");
        let Failure::Safety { violation, .. } = failure else {
            unreachable!("matched above")
        };
        assert!(
            playback
                .violations_until_now()
                .iter()
                .any(|found| found.violation.property == violation.property),
            "{:?}",
            playback.violations_until_now()
        );
        // One-minimal: without any one of its commands the run passes or
        // fails otherwise.
        for skip in 0..shrunk.plan.commands.len() {
            let mut fewer = shrunk.plan.clone();
            fewer.commands.remove(skip);
            let report = run_plan(seed, &experiment, &fewer).expect("a valid config");
            assert!(
                !report.failure.is_some_and(|f| f.same_kind(failure)),
                "command {skip} could go"
            );
        }
    }
}
