//! The command line, declared with clap: every subcommand, flag and value
//! the explorer takes, each with its help text. Unknown flags and bad values
//! are errors that print the usage; `--help` works for every subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use raftlab_core::explore::Experiment;
use raftlab_core::kv::StateMachine;
use raftlab_core::raft::{RaftOptions, ReadMode};
use raftlab_core::sim::{BugSwitches, Config};
use std::path::PathBuf;

/// Raftlab's explorer: seeded fault-lab runs with every checker on, replays,
/// run-file checks and scenario playback.
#[derive(Debug, Parser)]
#[command(name = "raftlab-cli", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run many seeds in parallel, each a swarm of faults and a workload with
    /// every checker on; print each failure with the commands that replay it.
    Explore(ExploreArgs),
    /// Run one seed again, print its inputs and verdict, optionally export it.
    Replay(ReplayArgs),
    /// Rebuild a run file with the safety checker on every step, then check
    /// the client history for linearizability.
    Check(FileArgs),
    /// Play a scenario file headless: its steps, violations and
    /// linearizability.
    Scenario(ScenarioArgs),
    /// Run an election experiment (the Raft paper's Figure 16, the
    /// thesis's split votes or its WAN figures) and print its table.
    Experiment(ExperimentRunArgs),
}

/// Which election experiment to run.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExperimentKind {
    /// Figure 16's top graph: timeouts 150–150 … 150–300 ms.
    Figure16,
    /// Figure 16's bottom graph: timeouts 12–24 … 150–300 ms.
    Figure16Bottom,
    /// Split-vote rates at a fixed one-way latency of 1, 10 and 20 ms,
    /// beside the thesis's closed form.
    SplitVote,
    /// The thesis's WAN setup with one and two failed servers.
    Wan,
}

/// `experiment`'s flags. Times are milliseconds; a range is `MIN-MAX`.
#[derive(Debug, Args)]
pub struct ExperimentRunArgs {
    /// The experiment.
    #[arg(value_enum)]
    pub kind: ExperimentKind,
    /// Only the line with this timeout range (e.g. `150-155`) or label.
    #[arg(long, value_name = "LINE")]
    pub line: Option<String>,
    /// Trials per line (default: the paper's, 1,000; 100 for 150–150).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub trials: Option<u32>,
    /// The seed every trial is drawn from.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// One-way network latency range, ms.
    #[arg(long, value_name = "MS-MS", value_parser = ms_range)]
    pub latency: Option<(u64, u64)>,
    /// Disk write range, ms (`0-0`: writes take no time).
    #[arg(long, value_name = "MS-MS", value_parser = ms_range)]
    pub disk: Option<(u64, u64)>,
    /// The most a timer fires late, ms.
    #[arg(long, value_name = "MS", value_parser = ms_value)]
    pub jitter: Option<u64>,
    /// Servers in the cluster, 3 to 9.
    #[arg(long, value_parser = clap::value_parser!(u64).range(3..=9))]
    pub nodes: Option<u64>,
    /// Survivors holding the longest log (the ones that can win).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=8))]
    pub eligible: Option<u64>,
    /// Print one JSON object per line instead of the table.
    #[arg(long)]
    pub json: bool,
}

impl ExperimentRunArgs {
    /// The flags given, to lay over each line's setup.
    pub fn changes(&self) -> raftlab_core::experiment::SetupChanges {
        raftlab_core::experiment::SetupChanges {
            latency_us: self.latency,
            disk_write_us: self.disk,
            timer_jitter_us: self.jitter,
            nodes: self.nodes.map(|n| n as usize),
            eligible: self.eligible.map(|n| n as usize),
        }
    }
}

/// Milliseconds (decimals allowed) as microseconds, at most 10 minutes.
fn ms_value(text: &str) -> Result<u64, String> {
    let ms: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of milliseconds"))?;
    if !(0.0..=600_000.0).contains(&ms) {
        return Err(format!("{text} ms is not from 0 to 600000"));
    }
    Ok((ms * 1_000.0).round() as u64)
}

/// `MIN-MAX` milliseconds as a microsecond range, or one value for both.
fn ms_range(text: &str) -> Result<(u64, u64), String> {
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let (min, max) = (ms_value(min)?, ms_value(max)?);
    if min > max {
        return Err(format!("{text}: the minimum is above the maximum"));
    }
    Ok((min, max))
}

/// `explore`'s flags.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// How many seeds to run.
    #[arg(long, default_value_t = 1000)]
    pub seeds: u64,
    /// The first seed.
    #[arg(long, default_value_t = 0)]
    pub start: u64,
    /// Worker threads (default: one per core), 1 to 256.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
    /// Shrink each failing seed's run to a minimal list of commands and
    /// print it with a link that opens the page at the failure.
    #[command(flatten)]
    pub shrink: ShrinkArgs,
    /// The experiment every seed runs.
    #[command(flatten)]
    pub experiment: ExperimentArgs,
}

/// Counterexample shrinking, for `explore` and `replay`.
#[derive(Debug, Args)]
pub struct ShrinkArgs {
    /// Reduce a failing run to a minimal list of commands (delta debugging,
    /// every checker re-run on each candidate).
    #[arg(long)]
    pub shrink: bool,
    /// The playground the printed links open.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080/")]
    pub page: String,
}

/// `replay`'s flags.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The seed to run again.
    #[arg(long)]
    pub seed: u64,
    /// Write the run to this file (check it with `raftlab-cli check --file`).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Shrink the run if it fails.
    #[command(flatten)]
    pub shrink: ShrinkArgs,
    /// The experiment the seed ran.
    #[command(flatten)]
    pub experiment: ExperimentArgs,
}

/// A subcommand that reads one file.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The run file.
    #[arg(long)]
    pub file: PathBuf,
}

/// `scenario`'s flags.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// The scenario file.
    #[arg(long)]
    pub file: PathBuf,
    /// Print every step of the run.
    #[arg(long)]
    pub journal: bool,
}

/// How leaders answer reads.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Reads {
    /// Reads go through the log like writes.
    Log,
    /// ReadIndex: a heartbeat round confirms leadership first.
    ReadIndex,
    /// Leases (needs check_quorum).
    Lease,
}

/// What the cluster replicates.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Machine {
    /// The key-value store.
    Kv,
    /// The toy machine: states A/B/C, operations X/Y/Z.
    Toy,
}

/// A switch given as `on` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    /// On.
    On,
    /// Off.
    Off,
}

/// The flags that shape an experiment, shared by `explore` and `replay`.
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// Break one rule on purpose (a bug switch).
    #[arg(long, value_name = "NAME", value_parser = bug_name)]
    pub bug: Option<String>,
    /// Raft options to switch on: a comma-separated list, or `all`
    /// (noop_on_election, fast_backtracking, pre_vote, check_quorum).
    #[arg(long, value_name = "OPTIONS", value_parser = option_list)]
    pub on: Option<OptionList>,
    /// Raft options to switch off, as for --on.
    #[arg(long, value_name = "OPTIONS", value_parser = option_list)]
    pub off: Option<OptionList>,
    /// How leaders answer reads.
    #[arg(long, value_enum, value_name = "MODE")]
    pub reads: Option<Reads>,
    /// What the cluster replicates.
    #[arg(long, value_enum, value_name = "MACHINE")]
    pub state_machine: Option<Machine>,
    /// Snapshot after this many applied entries (0: never compact).
    #[arg(long, value_name = "N")]
    pub snapshot_every: Option<u64>,
    /// Add membership changes to the swarm.
    #[arg(long, value_enum)]
    pub membership: Option<Switch>,
    /// Reconfigure the running cluster now and then.
    #[arg(long, value_enum)]
    pub reconfigure: Option<Switch>,
}

/// Raft option names, as given to --on or --off (checked when parsed).
#[derive(Clone, Debug)]
pub struct OptionList {
    /// What was typed, for printed replay commands.
    pub text: String,
    /// The option names it stands for.
    pub names: Vec<&'static str>,
}

fn bug_name(name: &str) -> Result<String, String> {
    if BugSwitches::NAMES.contains(&name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "no bug switch {name:?}; there are: {}",
            BugSwitches::NAMES.join(", ")
        ))
    }
}

fn option_list(text: &str) -> Result<OptionList, String> {
    let names = if text == "all" {
        RaftOptions::NAMES.to_vec()
    } else {
        text.split(',')
            .map(|name| {
                RaftOptions::NAMES
                    .iter()
                    .find(|known| **known == name)
                    .copied()
                    .ok_or(format!(
                        "no Raft option {name:?}; there are: {}",
                        RaftOptions::NAMES.join(", ")
                    ))
            })
            .collect::<Result<_, _>>()?
    };
    Ok(OptionList {
        text: text.to_owned(),
        names,
    })
}

impl ExperimentArgs {
    /// The experiment these flags describe.
    pub fn experiment(&self) -> Experiment {
        let mut bugs = BugSwitches::default();
        if let Some(switch) = self.bug.as_deref().and_then(|name| bugs.switch_mut(name)) {
            *switch = true;
        }
        let mut raft = RaftOptions::default();
        for (list, on) in [(&self.on, true), (&self.off, false)] {
            for name in list.iter().flat_map(|list| &list.names) {
                if let Some(switch) = raft.switch_mut(name) {
                    *switch = on;
                }
            }
        }
        if let Some(reads) = self.reads {
            raft.read_mode = match reads {
                Reads::Log => ReadMode::Log,
                Reads::ReadIndex => ReadMode::ReadIndex,
                Reads::Lease => ReadMode::Lease,
            };
        }
        let state_machine = match self.state_machine {
            None | Some(Machine::Kv) => StateMachine::KeyValue,
            Some(Machine::Toy) => StateMachine::Toy,
        };
        Experiment {
            config: Config {
                raft,
                bugs,
                state_machine,
                snapshot_every: self.snapshot_every.unwrap_or(0),
                ..Config::default()
            },
            membership_changes: self.membership == Some(Switch::On),
            reconfigurations: self.reconfigure == Some(Switch::On),
            ..Experiment::default()
        }
    }

    /// The flags as given, as a command-line suffix for printed replay
    /// commands.
    pub fn suffix(&self) -> String {
        let mut suffix = String::new();
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(value) = value {
                suffix.push_str(&format!(" --{flag} {value}"));
            }
        };
        push("bug", self.bug.clone());
        push("on", self.on.as_ref().map(|list| list.text.clone()));
        push("off", self.off.as_ref().map(|list| list.text.clone()));
        push("reads", self.reads.map(value_name));
        push("state-machine", self.state_machine.map(value_name));
        push("snapshot-every", self.snapshot_every.map(|n| n.to_string()));
        push("membership", self.membership.map(value_name));
        push("reconfigure", self.reconfigure.map(value_name));
        suffix
    }
}

/// How a value of a `ValueEnum` is typed on the command line.
fn value_name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("raftlab-cli").chain(line.split_whitespace()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn an_unknown_flag_is_an_error_not_ignored() {
        let error = parse("explore --seed 5").expect_err("explore has --seeds, not --seed");
        assert_eq!(error.kind(), clap::error::ErrorKind::UnknownArgument);
    }

    #[test]
    fn bad_values_are_errors_naming_what_is_accepted() {
        for line in [
            "explore --seeds many",
            "explore --jobs 0",
            "explore --reads fast",
            "explore --membership yes",
            "replay",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
        let error = parse("explore --bug nope").expect_err("no such bug switch");
        assert!(error.to_string().contains("skip_prev_log_check"), "{error}");
        let error = parse("explore --on pre_vote,nope").expect_err("no such option");
        assert!(error.to_string().contains("check_quorum"), "{error}");
    }

    #[test]
    fn flags_become_the_experiment_and_print_back_as_given() {
        let cli =
            parse("explore --seeds 20 --on all --reads lease --snapshot-every 16 --membership on")
                .expect("valid");
        let Command::Explore(args) = cli.command else {
            panic!("explore");
        };
        assert_eq!(args.seeds, 20);
        let experiment = args.experiment.experiment();
        assert_eq!(experiment.config.raft.read_mode, ReadMode::Lease);
        assert!(experiment.config.raft.pre_vote && experiment.config.raft.check_quorum);
        assert_eq!(experiment.config.snapshot_every, 16);
        assert!(experiment.membership_changes && !experiment.reconfigurations);
        assert_eq!(
            args.experiment.suffix(),
            " --on all --reads lease --snapshot-every 16 --membership on"
        );
    }

    #[test]
    fn every_subcommand_has_help() {
        for name in ["explore", "replay", "check", "scenario"] {
            let error = parse(&format!("{name} --help")).expect_err("help exits");
            assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp, "{name}");
        }
    }
}
