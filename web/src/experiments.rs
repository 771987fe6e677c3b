//! The Experiments view's parameters as data: a preset (the Raft paper's
//! Figure 16 graphs, the thesis's split votes and WAN figures), the values a
//! learner changed, their query string (`?experiment=figure16&trials=200`)
//! and the published figures to mark beside the results. Pure, so it is
//! tested natively; the component is `components::experiments_view`.

use crate::quantity::{self, format_ms};
use crate::url;
use raftlab_core::experiment::{
    figure16_line, figure16_lines, split_vote_lines, timeout_label, wan_lines, Experiment, Line,
    Measure, SetupChanges,
};
use raftlab_core::raft::Micros;

/// Which published experiment a run starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Figure 16, top: timeouts 150–150 … 150–300 ms.
    Figure16,
    /// Figure 16, bottom: timeouts 12–24 … 150–300 ms.
    Figure16Bottom,
    /// The thesis's split-vote rates at 1, 10 and 20 ms.
    SplitVote,
    /// The thesis's WAN setup, one and two servers failed.
    Wan,
}

impl Preset {
    /// Every preset, in the picker's order.
    pub const ALL: [Preset; 4] = [
        Preset::Figure16,
        Preset::Figure16Bottom,
        Preset::SplitVote,
        Preset::Wan,
    ];

    /// Its name in links.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Figure16 => "figure16",
            Preset::Figure16Bottom => "figure16-bottom",
            Preset::SplitVote => "split-vote",
            Preset::Wan => "wan",
        }
    }

    /// Its title in the picker.
    pub fn title(self) -> &'static str {
        match self {
            Preset::Figure16 => "Raft paper, Figure 16 (top): how much randomness",
            Preset::Figure16Bottom => "Raft paper, Figure 16 (bottom): how short a timeout",
            Preset::SplitVote => "Thesis ch. 9: split votes at a fixed latency",
            Preset::Wan => "Thesis ch. 9: a wide-area cluster",
        }
    }

    /// The preset named `name` in a link.
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Trials per line when the learner gives none: the paper's 1,000; the
    /// thesis's split votes 2,000 (to resolve 0.06 %) and its WAN 10,000
    /// (its figures are 99.9th percentiles).
    fn default_trials(self) -> u32 {
        match self {
            Preset::SplitVote => 2_000,
            Preset::Wan => 10_000,
            _ => 1_000,
        }
    }

    /// The plot's time axis, µs: (left edge, right edge) of a log scale.
    pub fn axis_us(self) -> (Micros, Micros) {
        match self {
            Preset::Figure16 => (50_000, 100_000_000),
            Preset::Figure16Bottom => (10_000, 1_000_000),
            Preset::SplitVote => (50_000, 2_000_000),
            Preset::Wan => (100_000, 5_000_000),
        }
    }

    /// What the paper or thesis states for this experiment, to mark beside
    /// the measured curves.
    pub fn published(self) -> Vec<Published> {
        let point = |line: &'static str, at_ms: f64, fraction: f64, text: &'static str| Published {
            line,
            at_us: (at_ms * 1_000.0) as Micros,
            fraction,
            text,
        };
        match self {
            Preset::Figure16 => vec![
                point(
                    "150–150 ms",
                    10_000.0,
                    0.0,
                    "150–150: elections took longer than 10 s",
                ),
                point("150–155 ms", 287.0, 0.5, "150–155: median 287 ms"),
                point(
                    "150–200 ms",
                    513.0,
                    1.0,
                    "150–200: worst of 1,000 trials 513 ms",
                ),
            ],
            Preset::Figure16Bottom => vec![
                point(
                    "12–24 ms",
                    35.0,
                    0.5,
                    "12–24: mean 35 ms (drawn at the median's height)",
                ),
                point("12–24 ms", 152.0, 1.0, "12–24: worst 152 ms"),
            ],
            Preset::SplitVote => Vec::new(),
            Preset::Wan => vec![
                point(
                    "1 failed",
                    475.0,
                    0.5,
                    "1 failed: mean ≈ 475 ms (drawn at the median's height)",
                ),
                point("1 failed", 1_500.0, 0.999, "1 failed: 99.9 % within 1.5 s"),
                point(
                    "2 failed",
                    650.0,
                    0.5,
                    "2 failed: mean ≈ 650 ms (drawn at the median's height)",
                ),
                point("2 failed", 3_000.0, 0.999, "2 failed: 99.9 % within 3 s"),
            ],
        }
    }
}

/// A published figure, drawn as a mark on the plot.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The line it belongs to, by label.
    pub line: &'static str,
    /// Where on the time axis.
    pub at_us: Micros,
    /// At what share of trials (0 to 1).
    pub fraction: f64,
    /// What the source says.
    pub text: &'static str,
}

/// The form: a preset and what the learner changed, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentForm {
    /// The experiment it starts from.
    pub preset: Preset,
    /// The election timeout range of each line, `MIN-MAX` ms, as typed; the
    /// preset's ranges until the learner changes them. For Figure 16 each
    /// range is a line; the split-vote and WAN lines run with each range.
    pub timeouts: Vec<String>,
    /// Trials per line; empty is the preset's.
    pub trials: String,
    /// One-way latency range in ms (`1-2`); empty is the preset's.
    pub latency: String,
    /// Disk write range in ms; empty is the preset's.
    pub disk: String,
    /// Timer jitter in ms; empty is the preset's.
    pub jitter: String,
    /// Cluster size; empty is the preset's.
    pub nodes: String,
    /// Survivors with the longest log (the ones that can win); empty is
    /// the preset's share of the survivors.
    pub eligible: String,
    /// The seed every trial is drawn from.
    pub seed: String,
}

impl Default for ExperimentForm {
    fn default() -> ExperimentForm {
        ExperimentForm::for_preset(Preset::Figure16)
    }
}

/// The longest a value in an experiment link may be: anything longer is
/// not a number this form takes.
const VALUE_CHARS_MAX: usize = 24;

/// The most lines an experiment runs: twice the paper's graph, so a
/// learner can compare, and a bound on the work a link can ask for.
pub const LINES_MAX: usize = 12;

/// The longest election timeout a line takes, ms (the trial cap is 60 s).
const TIMEOUT_MS_MAX: u64 = 10_000;

impl Preset {
    /// The election timeout ranges of its lines, µs: Figure 16's lines, or
    /// the one range the thesis used.
    pub fn timeouts_us(self) -> Vec<(Micros, Micros)> {
        let lines = match self {
            Preset::Figure16 => figure16_lines(false, None),
            Preset::Figure16Bottom => figure16_lines(true, None),
            Preset::SplitVote => split_vote_lines(&[1], 1),
            Preset::Wan => wan_lines(1),
        };
        let mut ranges: Vec<_> = lines.iter().map(|l| l.setup.election_timeout_us).collect();
        ranges.dedup();
        ranges
    }
}

impl ExperimentForm {
    /// The form of `preset` with nothing changed.
    pub fn for_preset(preset: Preset) -> ExperimentForm {
        ExperimentForm {
            preset,
            timeouts: default_timeouts(preset),
            trials: String::new(),
            latency: String::new(),
            disk: String::new(),
            jitter: String::new(),
            nodes: String::new(),
            eligible: String::new(),
            seed: "1".to_owned(),
        }
    }

    /// The form a link's query holds: `None` without `experiment=`; an
    /// error naming the parameter for a preset that does not exist.
    pub fn from_query(query: &str) -> Option<Result<ExperimentForm, String>> {
        let name = url::value(query, "experiment")?;
        let Some(preset) = Preset::from_name(&name) else {
            let shown: String = name.chars().take(VALUE_CHARS_MAX).collect();
            return Some(Err(format!(
                "experiment={shown:?} is not one of figure16, figure16-bottom, split-vote, wan"
            )));
        };
        let value = |key: &str| {
            url::value(query, key)
                .map(|v| v.chars().take(VALUE_CHARS_MAX).collect())
                .unwrap_or_default()
        };
        let seed = value("seed");
        let timeouts = match url::value(query, "timeouts") {
            // One more than the most lines, so that too many is refused
            // with a message rather than cut short in silence.
            Some(list) => list
                .split(',')
                .take(LINES_MAX + 1)
                .map(|t| t.trim().chars().take(VALUE_CHARS_MAX).collect())
                .collect(),
            None => default_timeouts(preset),
        };
        Some(Ok(ExperimentForm {
            preset,
            timeouts,
            trials: value("trials"),
            latency: value("latency"),
            disk: value("disk"),
            jitter: value("jitter"),
            nodes: value("nodes"),
            eligible: value("eligible"),
            seed: if seed.is_empty() {
                "1".to_owned()
            } else {
                seed
            },
        }))
    }

    /// The link's query for this form: the preset and every value given
    /// (the timeouts only when they are not the preset's).
    pub fn to_query(&self) -> String {
        let mut query = format!("?experiment={}", self.preset.name());
        let timeouts: Vec<&str> = self.timeouts.iter().map(|t| t.trim()).collect();
        let timeouts = if timeouts == default_timeouts(self.preset) {
            String::new()
        } else {
            timeouts.join(",")
        };
        for (key, value) in [
            ("timeouts", &timeouts),
            ("trials", &self.trials),
            ("latency", &self.latency),
            ("disk", &self.disk),
            ("jitter", &self.jitter),
            ("nodes", &self.nodes),
            ("eligible", &self.eligible),
            ("seed", &self.seed),
        ] {
            let value = value.trim();
            if !value.is_empty() {
                let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
                query.push_str(&format!("&{key}={encoded}"));
            }
        }
        query
    }

    /// The experiment the form describes, or what is wrong with it, naming
    /// the field.
    pub fn build(&self) -> Result<Experiment, String> {
        let trials = optional(&self.trials, "Trials per line", |text| {
            parse_count(text, 1, 100_000).map(|n| n as u32)
        })?;
        let timeouts = self.timeout_ranges()?;
        let (measure, lines) = match self.preset {
            Preset::Figure16 | Preset::Figure16Bottom => (
                Measure::Downtime,
                timeouts
                    .iter()
                    .map(|&range| figure16_line(range, trials))
                    .collect(),
            ),
            Preset::SplitVote | Preset::Wan => {
                let per_line = trials.unwrap_or(self.preset.default_trials());
                let (measure, lines) = match self.preset {
                    Preset::SplitVote => {
                        (Measure::SplitVote, split_vote_lines(&[1, 10, 20], per_line))
                    }
                    _ => (Measure::Downtime, wan_lines(per_line)),
                };
                (measure, with_timeouts(lines, &timeouts, self.preset))
            }
        };
        if lines.len() > LINES_MAX {
            return Err(format!(
                "Election timeouts: {} lines with this experiment; at most {LINES_MAX}",
                lines.len()
            ));
        }
        let changes = SetupChanges {
            latency_us: optional(&self.latency, "Latency", |text| {
                parse_ms_range(text).and_then(|(min, max)| match min {
                    0 => Err("has a minimum of 0: a message always takes some time".to_owned()),
                    _ => Ok((min, max)),
                })
            })?,
            disk_write_us: optional(&self.disk, "Disk write", parse_ms_range)?,
            timer_jitter_us: optional(&self.jitter, "Timer jitter", parse_ms)?,
            nodes: optional(&self.nodes, "Servers", |text| {
                parse_count(text, 3, 9).map(|n| n as usize)
            })?,
            eligible: optional(&self.eligible, "Eligible candidates", |text| {
                parse_count(text, 1, 8).map(|n| n as usize)
            })?,
        };
        let mut lines = lines;
        for line in &mut lines {
            apply(&changes, line)?;
        }
        let seed = self.seed.trim().parse::<u64>().map_err(|_| {
            format!(
                "Seed: {:?} is not a whole number",
                crate::quantity::shown(self.seed.trim())
            )
        })?;
        Experiment::new(measure, seed, lines).map_err(|e| e.to_string())
    }

    /// The timeout lines as ranges, µs; an error names the line.
    fn timeout_ranges(&self) -> Result<Vec<(Micros, Micros)>, String> {
        if self.timeouts.is_empty() {
            return Err("Election timeouts: add at least one line".to_owned());
        }
        if self.timeouts.len() > LINES_MAX {
            return Err(format!(
                "Election timeouts: at most {LINES_MAX} lines, not {}",
                self.timeouts.len()
            ));
        }
        self.timeouts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let field = format!("Election timeouts, line {}", i + 1);
                if text.trim().is_empty() {
                    return Err(format!(
                        "{field}: type MIN-MAX in milliseconds, e.g. 150-300"
                    ));
                }
                let (min, max) =
                    parse_ms_range(text).map_err(|e| format!("{field}: {text:?} {e}"))?;
                if min < 1_000 || max > TIMEOUT_MS_MAX * 1_000 {
                    return Err(format!(
                        "{field}: {text:?} is not within 1 to {TIMEOUT_MS_MAX} ms"
                    ));
                }
                Ok((min, max))
            })
            .collect()
    }
}

/// The playground link that opens trial `trial` of line `line`, paused
/// right after the failed servers' crashes (the trial's start): the run's
/// share token, and the position after its inputs.
pub fn trial_query(experiment: &Experiment, line: usize, trial: u32) -> Option<String> {
    let run = experiment.trial_run(line, trial)?;
    Some(format!(
        "?run={}&at={}",
        run.to_url_token(),
        run.inputs.len()
    ))
}

/// The preset's timeout ranges as the form shows them ("150-155").
fn default_timeouts(preset: Preset) -> Vec<String> {
    preset
        .timeouts_us()
        .into_iter()
        .map(|(min, max)| format!("{}-{}", format_ms(min), format_ms(max)))
        .collect()
}

/// The split-vote or WAN `lines`, run with each of `timeouts`: the
/// preset's labels while the range is the preset's, else each label names
/// its range ("latency 10 ms, 100–200 ms").
fn with_timeouts(lines: Vec<Line>, timeouts: &[(Micros, Micros)], preset: Preset) -> Vec<Line> {
    let defaults = preset.timeouts_us();
    lines
        .iter()
        .flat_map(|line| {
            timeouts.iter().map(|&range| {
                let mut line = line.clone();
                line.setup.election_timeout_us = range;
                if timeouts != defaults.as_slice() {
                    line.label = format!("{}, {}", line.label, timeout_label(range));
                }
                line
            })
        })
        .collect()
}

/// Lays the learner's `changes` over one line's setup
/// ([`raftlab_core::experiment::ElectionSetup::with`]); an error for more
/// eligible candidates than the line has survivors.
fn apply(changes: &SetupChanges, line: &mut Line) -> Result<(), String> {
    let setup = line.setup.with(changes);
    let survivors = setup.nodes - setup.failed;
    if setup.eligible > survivors {
        return Err(format!(
            "Eligible candidates: {} is more than the {survivors} survivors of {} servers with {} failed ({})",
            setup.eligible, setup.nodes, setup.failed, line.label
        ));
    }
    line.setup = setup;
    Ok(())
}

/// `parse` of a field's text, `None` when it is empty; an error names the field.
fn optional<T>(
    text: &str,
    field: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        text => parse(text)
            .map(Some)
            .map_err(|e| format!("{field}: {text:?} {e}")),
    }
}

/// A whole number in `min..=max`.
fn parse_count(text: &str, min: u64, max: u64) -> Result<u64, String> {
    quantity::parse_count(text, "", min, max)
        .map_err(|_| format!("is not a whole number from {min} to {max}"))
}

/// Milliseconds (up to three decimals), 0 to 10 s, as µs.
fn parse_ms(text: &str) -> Result<Micros, String> {
    quantity::parse_ms(text, "")
        .ok()
        .filter(|&us| us <= TIMEOUT_MS_MAX * 1_000)
        .ok_or_else(|| format!("is not a number of milliseconds from 0 to {TIMEOUT_MS_MAX}"))
}

/// `MIN-MAX` milliseconds (or one value for both) as µs.
fn parse_ms_range(text: &str) -> Result<(Micros, Micros), String> {
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let (min, max) = (parse_ms(min)?, parse_ms(max)?);
    if min > max {
        return Err("has its minimum above its maximum".to_owned());
    }
    Ok((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_back_from_its_link() {
        let form = ExperimentForm {
            trials: "50".into(),
            latency: "1-3".into(),
            jitter: "0.5".into(),
            ..ExperimentForm::for_preset(Preset::Figure16Bottom)
        };
        let query = form.to_query();
        assert_eq!(
            query,
            "?experiment=figure16-bottom&trials=50&latency=1-3&jitter=0.5&seed=1"
        );
        assert_eq!(ExperimentForm::from_query(&query), Some(Ok(form)));
        assert_eq!(ExperimentForm::from_query("?seed=4"), None);
        let bad = ExperimentForm::from_query("?experiment=figure99")
            .unwrap()
            .unwrap_err();
        assert!(bad.starts_with("experiment=\"figure99\""), "{bad}");
    }

    #[test]
    fn a_seed_too_long_to_be_a_number_is_quoted_by_its_start() {
        let form = ExperimentForm {
            seed: "9".repeat(5000),
            ..ExperimentForm::for_preset(Preset::Figure16Bottom)
        };
        let message = form.build().map(|_| ()).expect_err("no such seed");
        assert!(message.starts_with("Seed: \"999"), "{message}");
        assert!(message.contains("(5000 characters)"), "{message}");
        assert!(message.chars().count() < 300, "{message}");
    }

    #[test]
    fn every_field_round_trips_through_the_link() {
        let form = ExperimentForm {
            preset: Preset::Figure16,
            timeouts: vec!["150-155".into(), "12.5-25".into(), "300-300".into()],
            trials: "20".into(),
            latency: "2-4".into(),
            disk: "3".into(),
            jitter: "1".into(),
            nodes: "7".into(),
            eligible: "3".into(),
            seed: "42".into(),
        };
        let query = form.to_query();
        assert_eq!(
            query,
            "?experiment=figure16&timeouts=150-155%2C12.5-25%2C300-300&trials=20&latency=2-4\
             &disk=3&jitter=1&nodes=7&eligible=3&seed=42"
        );
        assert_eq!(ExperimentForm::from_query(&query), Some(Ok(form.clone())));
        let experiment = form.build().unwrap();
        let labels: Vec<&str> = experiment
            .lines()
            .iter()
            .map(|l| l.label.as_str())
            .collect();
        assert_eq!(labels, ["150–155 ms", "12.5–25 ms", "300–300 ms"]);
        let setup = &experiment.lines()[1].setup;
        assert_eq!(setup.election_timeout_us, (12_500, 25_000));
        assert_eq!((setup.nodes, setup.failed, setup.eligible), (7, 1, 3));
        assert_eq!(setup.disk_write_us, (3_000, 3_000));
        assert_eq!(experiment.total(), 60);
    }

    #[test]
    fn the_presets_ranges_are_the_form_s_lines_and_stay_out_of_the_link() {
        let form = ExperimentForm::default();
        assert_eq!(form.timeouts.len(), 6);
        assert_eq!(form.timeouts[2], "150-155");
        assert_eq!(form.to_query(), "?experiment=figure16&seed=1");
        let experiment = form.build().unwrap();
        let paper = figure16_lines(false, None);
        assert_eq!(experiment.lines(), paper.as_slice());
        assert_eq!(
            ExperimentForm::for_preset(Preset::SplitVote).timeouts,
            ["150-250"]
        );
    }

    #[test]
    fn split_vote_and_wan_lines_run_with_each_timeout_range() {
        let form = ExperimentForm {
            timeouts: vec!["150-250".into(), "100-200".into()],
            trials: "5".into(),
            ..ExperimentForm::for_preset(Preset::SplitVote)
        };
        let experiment = form.build().unwrap();
        assert_eq!(experiment.lines().len(), 6);
        assert_eq!(experiment.lines()[1].label, "latency 1 ms, 100–200 ms");
        assert_eq!(
            experiment.lines()[1].setup.election_timeout_us,
            (100_000, 200_000)
        );
        let unchanged = ExperimentForm::for_preset(Preset::Wan).build().unwrap();
        assert_eq!(unchanged.lines()[0].label, "1 failed");
    }

    #[test]
    fn the_form_builds_its_lines_with_the_values_given() {
        let form = ExperimentForm {
            trials: "3".into(),
            latency: "5".into(),
            nodes: "7".into(),
            ..ExperimentForm::default()
        };
        let experiment = form.build().unwrap();
        assert_eq!(experiment.lines().len(), 6);
        assert_eq!(experiment.total(), 18);
        let setup = &experiment.lines()[2].setup;
        assert_eq!(setup.latency_us, (5_000, 5_000));
        assert_eq!((setup.nodes, setup.failed, setup.eligible), (7, 1, 3));
    }

    #[test]
    fn a_bad_value_names_its_field() {
        let bad = |query: &str| {
            ExperimentForm::from_query(&format!("?experiment=figure16&{query}"))
                .expect("an experiment link")
                .expect("a preset that exists")
                .build()
                .unwrap_err()
        };
        for (query, start) in [
            ("trials=0", "Trials per line:"),
            ("latency=3-1", "Latency:"),
            ("latency=0-2", "Latency: \"0-2\" has a minimum of 0"),
            ("disk=-", "Disk write:"),
            ("jitter=x", "Timer jitter:"),
            ("nodes=12", "Servers:"),
            ("eligible=0", "Eligible candidates:"),
            (
                "nodes=3&eligible=3",
                "Eligible candidates: 3 is more than the 2 survivors",
            ),
            ("seed=x", "Seed:"),
            ("timeouts=", "Election timeouts, line 1: type"),
            ("timeouts=150-300,", "Election timeouts, line 2: type"),
            (
                "timeouts=300-150",
                "Election timeouts, line 1: \"300-150\" has",
            ),
            (
                "timeouts=0-10",
                "Election timeouts, line 1: \"0-10\" is not",
            ),
            ("timeouts=150-99999", "Election timeouts, line 1:"),
            ("timeouts=abc", "Election timeouts, line 1:"),
        ] {
            let message = bad(query);
            assert!(
                message.starts_with(start),
                "{query}: {message:?} should start {start:?}"
            );
        }
        let with_timeouts = |timeouts: &[&str]| ExperimentForm {
            timeouts: timeouts.iter().map(|t| t.to_string()).collect(),
            ..ExperimentForm::default()
        };
        let none = with_timeouts(&[]).build().unwrap_err();
        assert_eq!(none, "Election timeouts: add at least one line");
        let many = with_timeouts(&["150-300"; LINES_MAX + 1])
            .build()
            .unwrap_err();
        assert!(many.starts_with("Election timeouts: at most 12"), "{many}");
    }

    #[test]
    fn a_link_never_panics_and_too_many_lines_are_refused() {
        let long = vec!["1-2"; 40].join(",");
        let form = ExperimentForm::from_query(&format!("?experiment=figure16&timeouts={long}"))
            .unwrap()
            .unwrap();
        assert_eq!(form.timeouts.len(), LINES_MAX + 1);
        assert!(form.build().is_err());
        for query in [
            "?experiment=wan&timeouts=%2C%2C",
            "?experiment=figure16&eligible=99999999999999999999999",
            "?experiment=split-vote&nodes=-1&trials=1e9",
        ] {
            let form = ExperimentForm::from_query(query).unwrap().unwrap();
            assert!(form.build().is_err(), "{query}");
        }
    }
}
