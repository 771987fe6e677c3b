//! Experiments: the Raft paper's election-timing experiment (§9.3,
//! Figure 16) and the thesis's split-vote analysis (Ongaro 2014, ch. 9),
//! run as many deterministic trials of the simulator.
//!
//! A trial starts at the instant right after the leader's last heartbeat
//! reached everyone: every survivor's election timer has just been reset,
//! the leader (S1) and any other failed servers are down, and the logs
//! differ so that only some survivors can win. The leader crashed at a
//! uniformly drawn instant within its heartbeat interval after that
//! heartbeat; the trial's downtime runs from the crash until every
//! survivor knows the new leader (the paper's "time without leader").
//! Starting there is the paper's setup without the minutes of steady
//! state before each crash, and each trial is a [`RunDescription`] that
//! the playground opens and replays exactly.
//!
//! An [`Experiment`] runs its trials one at a time ([`Experiment::run_trials`]),
//! so a page can show progress and partial results between slices.

mod setup;
mod stats;

pub use setup::{
    known_leader_term, ElectionSetup, SetupChanges, SetupError, TrialOutcome, TRIAL_CAP_US_DEFAULT,
};
pub use stats::{split_vote_probability, Summary};

use crate::raft::Micros;
use crate::run::RunDescription;

/// What an experiment measures in each trial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Time without a leader, from the crash until every survivor knows
    /// the new one (Figure 16).
    Downtime,
    /// Whether the first election round fails: no candidate of the first
    /// term that had candidates wins it (the thesis's split votes).
    SplitVote,
}

/// One line of an experiment: a setup, how many trials, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// How the line is named in tables and plots ("150–155 ms").
    pub label: String,
    /// The cluster and timing of every trial of the line.
    pub setup: ElectionSetup,
    /// How many trials the line runs.
    pub trials: u32,
}

/// The result of one trial of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trial {
    /// The trial's number within its line, from 0: with the experiment's
    /// seed, it rebuilds the trial's run ([`Experiment::trial_run`]).
    pub index: u32,
    /// What happened.
    pub outcome: TrialOutcome,
}

/// An experiment under way: its lines, the trials done so far, and its seed.
#[derive(Clone, Debug)]
pub struct Experiment {
    measure: Measure,
    seed: u64,
    lines: Vec<Line>,
    results: Vec<Vec<Trial>>,
}

impl Experiment {
    /// An experiment of `lines`, measuring `measure`, every trial drawn from
    /// `seed`; nothing run yet. Each line's setup must be valid.
    pub fn new(measure: Measure, seed: u64, lines: Vec<Line>) -> Result<Experiment, SetupError> {
        for line in &lines {
            line.setup.validate()?;
        }
        let results = lines.iter().map(|_| Vec::new()).collect();
        Ok(Experiment {
            measure,
            seed,
            lines,
            results,
        })
    }

    /// What each trial measures.
    pub fn measure(&self) -> Measure {
        self.measure
    }

    /// The seed every trial is drawn from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The lines, in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The trials of line `line` done so far, in order.
    pub fn results(&self, line: usize) -> &[Trial] {
        self.results.get(line).map_or(&[], Vec::as_slice)
    }

    /// Trials done so far, over all lines.
    pub fn done(&self) -> u64 {
        self.results.iter().map(|r| r.len() as u64).sum()
    }

    /// Trials in all.
    pub fn total(&self) -> u64 {
        self.lines.iter().map(|l| u64::from(l.trials)).sum()
    }

    /// True once every trial has run.
    pub fn is_finished(&self) -> bool {
        self.done() == self.total()
    }

    /// Runs up to `count` more trials, line after line; how many ran.
    pub fn run_trials(&mut self, count: u64) -> u64 {
        let mut ran = 0;
        while ran < count {
            let Some(line) = (0..self.lines.len())
                .find(|&i| (self.results[i].len() as u64) < u64::from(self.lines[i].trials))
            else {
                break;
            };
            let index = self.results[line].len() as u32;
            let outcome = self.lines[line]
                .setup
                .run_trial(self.trial_seed(line, index), self.measure);
            self.results[line].push(Trial { index, outcome });
            ran += 1;
        }
        ran
    }

    /// Runs every trial left.
    pub fn run_to_end(&mut self) {
        while !self.is_finished() {
            self.run_trials(u64::MAX);
        }
    }

    /// The statistics of line `line` over the trials done so far.
    pub fn summary(&self, line: usize) -> Summary {
        Summary::of(self.results(line))
    }

    /// The run of trial `index` of line `line`, to open in the playground:
    /// it replays the trial exactly.
    pub fn trial_run(&self, line: usize, index: u32) -> Option<RunDescription> {
        let setup = &self.lines.get(line)?.setup;
        Some(setup.trial_run(self.trial_seed(line, index)).0)
    }

    /// The instant the leader crashed in trial `index` of line `line`
    /// (its downtime is counted from there).
    pub fn trial_crash_at(&self, line: usize, index: u32) -> Option<Micros> {
        let setup = &self.lines.get(line)?.setup;
        Some(setup.crash_at(self.trial_seed(line, index)))
    }

    /// The seed of trial `index` of line `line`: independent of every other
    /// trial's, of how many trials run, and of which other lines run (it
    /// follows the line's label, not its place).
    fn trial_seed(&self, line: usize, index: u32) -> u64 {
        use std::hash::Hasher;
        let mut label = crate::fnv::Fnv64(crate::fnv::FNV_OFFSET);
        if let Some(line) = self.lines.get(line) {
            label.write(line.label.as_bytes());
        }
        let mut stream =
            crate::sim::rng::Stream::new(self.seed, 0xE1EC, label.finish(), u64::from(index));
        stream.uniform(0, u64::MAX)
    }
}

/// The Raft paper's Figure 16 setup with the given election timeout range
/// (ms): [`ElectionSetup::default`]'s LAN, the heartbeat half the shortest
/// timeout, and two of the four survivors with the longest log.
pub fn figure16_setup(timeout_ms_min: u64, timeout_ms_max: u64) -> ElectionSetup {
    ElectionSetup {
        election_timeout_us: (timeout_ms_min * 1_000, timeout_ms_max * 1_000),
        ..ElectionSetup::default()
    }
}

/// The lines of Figure 16's top graph (timeouts 150–150 … 150–300 ms;
/// 1,000 trials each, 100 for 150–150), or its bottom graph (12–24 …
/// 150–300 ms) with `bottom`; `trials` overrides the counts.
pub fn figure16_lines(bottom: bool, trials: Option<u32>) -> Vec<Line> {
    let ranges: &[(u64, u64)] = if bottom {
        &[(12, 24), (25, 50), (50, 100), (100, 200), (150, 300)]
    } else {
        &[
            (150, 150),
            (150, 151),
            (150, 155),
            (150, 175),
            (150, 200),
            (150, 300),
        ]
    };
    ranges
        .iter()
        .map(|&(min, max)| figure16_line((min * 1_000, max * 1_000), trials))
        .collect()
}

/// One line of Figure 16 with any election timeout range (µs): the setup
/// of [`figure16_setup`], labelled like the paper's lines ("150–155 ms", so
/// a line of the paper's range draws the paper line's trials), with
/// `trials` or the paper's count (1,000; 100 for no randomness).
pub fn figure16_line(timeout_us: (Micros, Micros), trials: Option<u32>) -> Line {
    Line {
        label: timeout_label(timeout_us),
        setup: ElectionSetup {
            election_timeout_us: timeout_us,
            ..ElectionSetup::default()
        },
        trials: trials.unwrap_or(if timeout_us.0 == timeout_us.1 {
            100
        } else {
            1_000
        }),
    }
}

/// A timeout range as lines are labelled: "150–155 ms", "12.5–25 ms".
pub fn timeout_label((min_us, max_us): (Micros, Micros)) -> String {
    let ms = |us: Micros| {
        let whole = us / 1_000;
        match us % 1_000 {
            0 => whole.to_string(),
            rest => format!("{whole}.{}", format!("{rest:03}").trim_end_matches('0')),
        }
    };
    format!("{}–{} ms", ms(min_us), ms(max_us))
}

/// The thesis's split-vote lines: five servers, four survivors with equal
/// logs, timeouts 150–250 ms (a 100 ms range), a fixed one-way latency of
/// each of `latencies_ms`, no disk time and no jitter (the closed form's
/// assumptions).
pub fn split_vote_lines(latencies_ms: &[u64], trials: u32) -> Vec<Line> {
    latencies_ms
        .iter()
        .map(|&latency| Line {
            label: format!("latency {latency} ms"),
            setup: ElectionSetup {
                election_timeout_us: (150_000, 250_000),
                latency_us: (latency * 1_000, latency * 1_000),
                disk_write_us: (0, 0),
                timer_jitter_us: 0,
                eligible: 4,
                ..ElectionSetup::default()
            },
            trials,
        })
        .collect()
}

/// The thesis's WAN experiment (AvailSim): five servers, one-way latency
/// 30–40 ms, timeouts 300–600 ms, with one (the leader) or two servers
/// failed, equal logs.
pub fn wan_lines(trials: u32) -> Vec<Line> {
    [1, 2]
        .iter()
        .map(|&failed| Line {
            label: format!("{failed} failed"),
            setup: ElectionSetup {
                election_timeout_us: (300_000, 600_000),
                latency_us: (30_000, 40_000),
                disk_write_us: (0, 0),
                timer_jitter_us: 0,
                failed,
                eligible: 5 - failed,
                ..ElectionSetup::default()
            },
            trials,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_of_the_papers_range_is_the_papers_line() {
        let paper = figure16_lines(false, None);
        assert_eq!(figure16_line((150_000, 155_000), None), paper[2]);
        assert_eq!(figure16_line((150_000, 150_000), None).trials, 100);
        assert_eq!(timeout_label((12_500, 25_000)), "12.5–25 ms");
    }

    #[test]
    fn the_same_seed_gives_the_same_trials_and_slices_do_not_matter() {
        let lines = figure16_lines(false, Some(6));
        let mut whole = Experiment::new(Measure::Downtime, 9, lines.clone()).unwrap();
        whole.run_to_end();
        let mut sliced = Experiment::new(Measure::Downtime, 9, lines).unwrap();
        while !sliced.is_finished() {
            sliced.run_trials(5);
        }
        for line in 0..whole.lines().len() {
            assert_eq!(whole.results(line), sliced.results(line));
        }
        assert_eq!(whole.done(), 36);
    }
}
