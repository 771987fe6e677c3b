//! The Experiments view's parameters as data: a preset (the Raft paper's
//! Figure 16 graphs, the thesis's split votes and WAN figures), the values a
//! learner changed, their query string (`?experiment=figure16&trials=200`)
//! and the published figures to mark beside the results. Pure, so it is
//! tested natively; the component is `components::experiments_view`.

use crate::url;
use raftlab_core::experiment::{
    figure16_lines, split_vote_lines, wan_lines, Experiment, Line, Measure,
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
    /// The seed every trial is drawn from.
    pub seed: String,
}

impl Default for ExperimentForm {
    fn default() -> ExperimentForm {
        ExperimentForm {
            preset: Preset::Figure16,
            trials: String::new(),
            latency: String::new(),
            disk: String::new(),
            jitter: String::new(),
            nodes: String::new(),
            seed: "1".to_owned(),
        }
    }
}

/// The longest a value in an experiment link may be: anything longer is
/// not a number this form takes.
const VALUE_CHARS_MAX: usize = 24;

impl ExperimentForm {
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
        Some(Ok(ExperimentForm {
            preset,
            trials: value("trials"),
            latency: value("latency"),
            disk: value("disk"),
            jitter: value("jitter"),
            nodes: value("nodes"),
            seed: if seed.is_empty() {
                "1".to_owned()
            } else {
                seed
            },
        }))
    }

    /// The link's query for this form: the preset and every value given.
    pub fn to_query(&self) -> String {
        let mut query = format!("?experiment={}", self.preset.name());
        for (key, value) in [
            ("trials", &self.trials),
            ("latency", &self.latency),
            ("disk", &self.disk),
            ("jitter", &self.jitter),
            ("nodes", &self.nodes),
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
        let trials = match self.trials.trim() {
            "" => None,
            text => Some(
                text.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| {
                        format!("Trials: {text:?} is not a whole number from 1 to 100000")
                    })?,
            ),
        };
        let per_line = trials.unwrap_or(self.preset.default_trials());
        let (measure, mut lines) = match self.preset {
            Preset::Figure16 => (Measure::Downtime, figure16_lines(false, trials)),
            Preset::Figure16Bottom => (Measure::Downtime, figure16_lines(true, trials)),
            Preset::SplitVote => (Measure::SplitVote, split_vote_lines(&[1, 10, 20], per_line)),
            Preset::Wan => (Measure::Downtime, wan_lines(per_line)),
        };
        let latency = optional(&self.latency, "Latency", parse_ms_range)?;
        let disk = optional(&self.disk, "Disk write", parse_ms_range)?;
        let jitter = optional(&self.jitter, "Timer jitter", parse_ms)?;
        let nodes = optional(&self.nodes, "Servers", |text| {
            text.parse::<usize>()
                .ok()
                .filter(|n| (3..=9).contains(n))
                .ok_or_else(|| "is not 3 to 9".to_owned())
        })?;
        for line in &mut lines {
            apply(line, latency, disk, jitter, nodes);
        }
        let seed = self
            .seed
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("Seed: {:?} is not a whole number", self.seed.trim()))?;
        Experiment::new(measure, seed, lines).map_err(|e| e.to_string())
    }
}

/// Lays the changed values over one line's setup (a smaller cluster keeps
/// its failed servers and at most its survivors eligible).
fn apply(
    line: &mut Line,
    latency: Option<(Micros, Micros)>,
    disk: Option<(Micros, Micros)>,
    jitter: Option<Micros>,
    nodes: Option<usize>,
) {
    let setup = &mut line.setup;
    if let Some(latency) = latency {
        setup.latency_us = latency;
    }
    if let Some(disk) = disk {
        setup.disk_write_us = disk;
    }
    if let Some(jitter) = jitter {
        setup.timer_jitter_us = jitter;
    }
    if let Some(nodes) = nodes {
        let eligible_share = setup.eligible as f64 / (setup.nodes - setup.failed) as f64;
        setup.nodes = nodes;
        setup.failed = setup.failed.min(nodes - 1);
        let survivors = nodes - setup.failed;
        setup.eligible = ((eligible_share * survivors as f64).round() as usize).clamp(1, survivors);
    }
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

/// Milliseconds (decimals allowed), 0 to 10 s, as µs.
fn parse_ms(text: &str) -> Result<Micros, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|ms| (0.0..=10_000.0).contains(ms))
        .map(|ms| (ms * 1_000.0).round() as Micros)
        .ok_or_else(|| "is not a number of milliseconds from 0 to 10000".to_owned())
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
            preset: Preset::Figure16Bottom,
            trials: "50".into(),
            latency: "1-3".into(),
            jitter: "0.5".into(),
            ..ExperimentForm::default()
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
        let bad = |form: ExperimentForm| form.build().unwrap_err();
        let base = ExperimentForm::default();
        assert!(bad(ExperimentForm {
            trials: "0".into(),
            ..base.clone()
        })
        .starts_with("Trials:"));
        assert!(bad(ExperimentForm {
            latency: "3-1".into(),
            ..base.clone()
        })
        .starts_with("Latency:"));
        assert!(bad(ExperimentForm {
            nodes: "12".into(),
            ..base.clone()
        })
        .starts_with("Servers:"));
        assert!(bad(ExperimentForm {
            seed: "x".into(),
            ..base
        })
        .starts_with("Seed:"));
    }
}
