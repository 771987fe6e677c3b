//! `raftlab-cli experiment`: the Raft paper's Figure 16, the thesis's
//! split-vote rates and its WAN figures, run as deterministic trials and
//! printed as a table (or JSON lines).

use crate::args::{ExperimentKind, ExperimentRunArgs};
use raftlab_core::experiment::{
    figure16_lines, split_vote_lines, wan_lines, Experiment, Line, Measure, Summary,
};
use std::process::ExitCode;

/// Runs the experiment `args` names and prints its table.
pub fn experiment(args: &ExperimentRunArgs) -> Result<ExitCode, String> {
    let (measure, mut lines) = match args.kind {
        ExperimentKind::Figure16 => (Measure::Downtime, figure16_lines(false, args.trials)),
        ExperimentKind::Figure16Bottom => (Measure::Downtime, figure16_lines(true, args.trials)),
        ExperimentKind::SplitVote => (
            Measure::SplitVote,
            split_vote_lines(&[1, 10, 20], args.trials.unwrap_or(10_000)),
        ),
        ExperimentKind::Wan => (Measure::Downtime, wan_lines(args.trials.unwrap_or(10_000))),
    };
    if let Some(wanted) = &args.line {
        lines.retain(|l| l.label.trim_end_matches(" ms").replace('–', "-") == *wanted);
        if lines.is_empty() {
            return Err(format!("no line {wanted:?} in this experiment"));
        }
    }
    let changes = args.changes();
    for line in &mut lines {
        line.setup = line.setup.with(&changes);
    }
    let mut experiment = Experiment::new(measure, args.seed, lines).map_err(|e| e.to_string())?;
    experiment.run_to_end();
    if !args.json {
        println!(
            "{:<14} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}{}",
            "line",
            "trials",
            "capped",
            "min ms",
            "mean ms",
            "median",
            "p90",
            "p99",
            "max ms",
            "split",
            if measure == Measure::SplitVote {
                "  closed form"
            } else {
                ""
            }
        );
    }
    for (index, line) in experiment.lines().iter().enumerate() {
        let summary = experiment.summary(index);
        if args.json {
            println!("{}", json_row(line, &summary, measure));
        } else {
            println!("{}", table_row(line, &summary, measure));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Microseconds as milliseconds with one decimal.
fn ms(us: impl Into<f64>) -> String {
    format!("{:.1}", us.into() / 1_000.0)
}

/// The closed-form split-vote probability for a line's setup.
fn closed_form(line: &Line) -> f64 {
    line.setup.split_vote_closed_form()
}

fn table_row(line: &Line, s: &Summary, measure: Measure) -> String {
    let mut row = format!(
        "{:<14} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6.2}%",
        line.label,
        s.trials,
        s.capped,
        ms(s.min_us as f64),
        ms(s.mean_us),
        ms(s.median_us as f64),
        ms(s.p90_us as f64),
        ms(s.p99_us as f64),
        ms(s.max_us as f64),
        100.0 * s.split_vote_rate(),
    );
    if measure == Measure::SplitVote {
        row.push_str(&format!("  {:>9.2}%", 100.0 * closed_form(line)));
    }
    row
}

fn json_row(line: &Line, s: &Summary, measure: Measure) -> String {
    let closed = (measure == Measure::SplitVote).then(|| closed_form(line));
    serde_json::json!({
        "line": line.label,
        "trials": s.trials,
        "capped": s.capped,
        "min_us": s.min_us,
        "mean_us": s.mean_us,
        "median_us": s.median_us,
        "p90_us": s.p90_us,
        "p99_us": s.p99_us,
        "p999_us": s.p999_us,
        "max_us": s.max_us,
        "split_vote_rate": s.split_vote_rate(),
        "split_vote_closed_form": closed,
        "worst_trial": s.worst_trial,
        "median_trial": s.median_trial,
    })
    .to_string()
}
