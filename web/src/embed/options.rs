//! The JavaScript API's inputs, checked as plain values: `mount`'s options
//! object, `seek`'s milliseconds and `load`'s run. Unlike URL parameters
//! (which fall back to defaults with a notice), a bad option is a mistake in
//! the host page's code, so it is refused with a message naming the option;
//! [`super::api`] throws it as a JavaScript `Error`.

use crate::experiments::ExperimentForm;
use crate::params::{
    self, Embed, EmbedPanel, Theme, NODES_DEFAULT, SPEED_DEFAULT, SPEED_MAX, SPEED_MIN,
};
use crate::quantity::{shown, shown_number};
use raftlab_core::session::{NarratedScenario, RunDescription, Session, NODE_COUNT_MAX};
use raftlab_core::view::Micros;

/// The largest integer a JavaScript number holds exactly (2^53 − 1); larger
/// seeds must come as strings or BigInts.
pub const SAFE_INTEGER_MAX: f64 = 9_007_199_254_740_991.0;

/// The furthest `seek` goes, in virtual milliseconds (ten minutes). Why a
/// limit: seeking computes every event on the way, synchronously.
pub const SEEK_MS_MAX: f64 = 600_000.0;

/// The options `mount` reads, in the order messages list them.
pub const OPTION_NAMES: [&str; 11] = [
    "seed",
    "nodes",
    "speed",
    "panels",
    "autoplay",
    "run",
    "link",
    "experiment",
    "theme",
    "scenario",
    "step",
];

/// A JavaScript value as far as the options care.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// `undefined` or `null`: as if the option were left out.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A BigInt, in decimal.
    BigInt(String),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<OptionValue>),
    /// Anything else, by its `typeof`.
    Other(String),
}

impl OptionValue {
    /// What the value is, for messages.
    pub fn describe(&self) -> String {
        match self {
            OptionValue::Absent => "nothing".into(),
            OptionValue::Bool(b) => format!("the boolean {b}"),
            OptionValue::Number(n) => format!("the number {}", shown_number(*n)),
            OptionValue::BigInt(n) => format!("the BigInt {}n", shown(n)),
            OptionValue::Text(t) => format!("the string {:?}", shown(t)),
            OptionValue::List(_) => "an array".into(),
            OptionValue::Other(kind) => format!("a value of type {kind}"),
        }
    }
}

/// `mount`'s options, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct MountOptions {
    /// The seed; `None` draws a fresh one (a run brings its own).
    pub seed: Option<u64>,
    /// Cluster size.
    pub nodes: usize,
    /// Virtual time per wall time.
    pub speed: f64,
    /// Panels and autoplay.
    pub embed: Embed,
    /// A recorded run to play instead of a fresh one.
    pub run: Option<RunDescription>,
    /// The full page's address, for an "Open in Raftlab" link.
    pub link: Option<String>,
    /// Light, dark, or as the reader's system says.
    pub theme: Theme,
    /// A bundled scenario to narrate, and the step to open it at (from 0).
    pub scenario: Option<(String, usize)>,
}

impl MountOptions {
    /// The run's parameters as the App's query, with `seed` for a missing
    /// one (a run's own seed and size win).
    pub fn query(&self, seed: u64) -> String {
        let (seed, nodes) = match &self.run {
            Some(run) => (run.seed, run.config.node_count),
            None => (self.seed.unwrap_or(seed), self.nodes),
        };
        let theme = match self.theme {
            Theme::Auto => String::new(),
            theme => format!("&theme={}", theme.name()),
        };
        let scenario = match &self.scenario {
            Some((id, step)) => format!("&scenario={id}&step={step}"),
            None => String::new(),
        };
        format!(
            "?seed={seed}&nodes={nodes}&speed={}{theme}{scenario}",
            self.speed
        )
    }

    /// The "Open in Raftlab" address, if there is a `link`: the full page
    /// with the same run (a recorded run as the share link's `run` token).
    pub fn open_href(&self, seed: u64) -> Option<String> {
        let link = self.link.as_deref()?;
        // An experiment opens in the full page's Experiments view.
        if let Some(form) = &self.embed.experiment {
            return Some(params::open_href(link, &form.to_query()));
        }
        let mut query = self.query(seed);
        if let Some(run) = &self.run {
            query.push_str("&run=");
            query.push_str(&run.to_url_token());
        }
        Some(params::open_href(link, &query))
    }
}

/// Checks `mount`'s options (name and value pairs, from a plain object).
pub fn validate(options: &[(String, OptionValue)]) -> Result<MountOptions, String> {
    let mut checked = MountOptions {
        seed: None,
        nodes: NODES_DEFAULT,
        speed: SPEED_DEFAULT,
        embed: Embed::default(),
        run: None,
        link: None,
        theme: Theme::Auto,
        scenario: None,
    };
    let mut step = None;
    for (name, value) in options {
        if *value == OptionValue::Absent {
            continue;
        }
        match name.as_str() {
            "seed" => checked.seed = Some(seed(value)?),
            "nodes" => checked.nodes = nodes(value)?,
            "speed" => checked.speed = speed(value)?,
            "panels" => checked.embed.panels = panels(value)?,
            "autoplay" => checked.embed.autoplay = autoplay(value)?,
            "run" => checked.run = Some(run(value)?),
            "experiment" => checked.embed.experiment = Some(experiment(value)?),
            "link" => checked.link = Some(link(value)?),
            "theme" => checked.theme = theme(value)?,
            "scenario" => checked.scenario = Some((scenario(value)?, 0)),
            "step" => step = Some(step_number(value)?),
            unknown => {
                return Err(format!(
                    "there is no option {unknown:?} (the options are {})",
                    OPTION_NAMES.join(", ")
                ))
            }
        }
    }
    let given = |wanted: &str| {
        options
            .iter()
            .any(|(name, value)| name == wanted && *value != OptionValue::Absent)
    };
    if let Some(problem) = checked
        .embed
        .settle_experiment(given("panels"), "experiment")
    {
        return Err(problem);
    }
    match (&mut checked.scenario, step) {
        (Some((_, at)), Some(step)) => *at = step,
        (None, Some(_)) => return Err("step needs a scenario to be a step of".into()),
        _ => {}
    }
    if checked.scenario.is_some() && checked.run.is_some() {
        return Err("a scenario brings its own run: leave run out".into());
    }
    if checked.run.is_some() && (checked.seed.is_some() || given("nodes")) {
        return Err(
            "run already fixes the seed and the cluster size: leave seed and nodes out".into(),
        );
    }
    Ok(checked)
}

fn autoplay(value: &OptionValue) -> Result<bool, String> {
    match value {
        OptionValue::Bool(b) => Ok(*b),
        other => Err(format!(
            "autoplay must be true or false, not {}",
            other.describe()
        )),
    }
}

fn run(value: &OptionValue) -> Result<RunDescription, String> {
    match value {
        OptionValue::Text(text) => decode_run(text).map_err(|e| format!("run: {e}")),
        other => Err(format!(
            "run must be a string (a run's JSON or its link token), not {}",
            other.describe()
        )),
    }
}

fn scenario(value: &OptionValue) -> Result<String, String> {
    let titles = NarratedScenario::titles();
    let ids = || {
        titles
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match value {
        OptionValue::Text(id) if titles.iter().any(|(known, _)| known == id) => Ok(id.clone()),
        OptionValue::Text(id) => Err(format!(
            "there is no scenario {:?} (the scenarios are {})",
            shown(id),
            ids()
        )),
        other => Err(format!(
            "scenario must be a bundled scenario's name, such as \"figure-8\", not {}",
            other.describe()
        )),
    }
}

fn step_number(value: &OptionValue) -> Result<usize, String> {
    match value {
        OptionValue::Number(n) if n.fract() == 0.0 && (0.0..=1e6).contains(n) => Ok(*n as usize),
        other => Err(format!(
            "step must be a whole number from 0 (the scenario's first step), not {}",
            other.describe()
        )),
    }
}

fn theme(value: &OptionValue) -> Result<Theme, String> {
    match value {
        OptionValue::Text(text) => Theme::named(text),
        _ => None,
    }
    .ok_or_else(|| {
        format!(
            "theme must be \"light\", \"dark\" or \"auto\", not {}",
            value.describe()
        )
    })
}

fn link(value: &OptionValue) -> Result<String, String> {
    match value {
        OptionValue::Text(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
        other => Err(format!(
            "link must be the full page's address (e.g. \"index.html\"), not {}",
            other.describe()
        )),
    }
}

fn seed(value: &OptionValue) -> Result<u64, String> {
    let problem = || {
        format!(
            "seed must be a whole number from 0 to {} (as a string or BigInt above 2^53), not {}",
            u64::MAX,
            value.describe()
        )
    };
    match value {
        OptionValue::Number(n) if n.fract() == 0.0 && (0.0..=SAFE_INTEGER_MAX).contains(n) => {
            Ok(*n as u64)
        }
        OptionValue::Number(n) if n.fract() == 0.0 && *n > SAFE_INTEGER_MAX => Err(format!(
            "seed {n} is above 2^53, where JavaScript numbers skip integers: pass it as a string or a BigInt"
        )),
        OptionValue::Text(text) | OptionValue::BigInt(text) => {
            text.trim().parse().map_err(|_| problem())
        }
        _ => Err(problem()),
    }
}

fn nodes(value: &OptionValue) -> Result<usize, String> {
    match value {
        OptionValue::Number(n) if n.fract() == 0.0 && (1.0..=NODE_COUNT_MAX as f64).contains(n) => {
            Ok(*n as usize)
        }
        other => Err(format!(
            "nodes must be a whole number from 1 to {NODE_COUNT_MAX}, not {}",
            other.describe()
        )),
    }
}

fn speed(value: &OptionValue) -> Result<f64, String> {
    match value {
        OptionValue::Number(s) if (SPEED_MIN..=SPEED_MAX).contains(s) => Ok(*s),
        other => Err(format!(
            "speed must be a number from {SPEED_MIN} to {SPEED_MAX} (virtual time per wall time; 1 is real time), not {}",
            other.describe()
        )),
    }
}

/// An array of panel names, or one comma-separated string.
fn panels(value: &OptionValue) -> Result<Vec<EmbedPanel>, String> {
    let names: Vec<String> = match value {
        OptionValue::List(items) => items
            .iter()
            .map(|item| match item {
                OptionValue::Text(name) => Ok(name.clone()),
                other => Err(format!(
                    "panels must hold panel names ({}), not {}",
                    EmbedPanel::names(),
                    other.describe()
                )),
            })
            .collect::<Result<_, _>>()?,
        OptionValue::Text(list) => vec![list.clone()],
        other => {
            return Err(format!(
                "panels must be an array of panel names, not {}",
                other.describe()
            ))
        }
    };
    let (panels, unknown) = params::panel_list(&names.join(","));
    if let Some(name) = unknown.first() {
        return Err(format!(
            "there is no panel {:?} (the panels are {})",
            shown(name),
            EmbedPanel::names()
        ));
    }
    if panels.is_empty() {
        return Err(format!(
            "panels names no panel (the panels are {})",
            EmbedPanel::names()
        ));
    }
    Ok(panels)
}

/// Reads the `experiment` option: a preset's name (`"figure16"`) or an
/// experiment link's query (`"experiment=figure16&trials=200"`, with or
/// without its `?` or the page before it).
fn experiment(value: &OptionValue) -> Result<ExperimentForm, String> {
    let OptionValue::Text(text) = value else {
        return Err(format!(
            "experiment must be a string (a preset such as \"figure16\", or an experiment link's query), not {}",
            value.describe()
        ));
    };
    let text = text.trim();
    let query = if text.contains('=') {
        crate::url::query_of(text).to_owned()
    } else {
        format!("experiment={text}")
    };
    match ExperimentForm::from_query(&query) {
        Some(Ok(form)) => form.build().map(|_| form).map_err(|e| format!("experiment: {e}")),
        Some(Err(e)) => Err(e),
        None => Err(format!(
            "experiment {:?} names no experiment: give a preset (figure16, figure16-bottom, split-vote, wan) or a query with experiment=",
            shown(text)
        )),
    }
}

/// Reads a run: its JSON (as exported), its link token, or a whole share
/// link holding `run=<token>`; checks that its inputs replay.
pub fn decode_run(text: &str) -> Result<RunDescription, String> {
    let text = text.trim();
    let run = if text.starts_with('{') {
        RunDescription::from_json(text)
    } else {
        let token = crate::url::value(crate::url::query_of(text), "run");
        RunDescription::from_url_token(token.as_deref().unwrap_or(text))
    }
    .map_err(|e| e.to_string())?;
    crate::share::check_bounds(&run).map_err(|e| e.to_string())?;
    Session::replay(&run).map_err(|e| format!("the run does not replay: {e}"))?;
    Ok(run)
}

/// `seek`'s argument, virtual milliseconds, as microseconds.
pub fn seek_target(ms: f64) -> Result<Micros, String> {
    if !(0.0..=SEEK_MS_MAX).contains(&ms) {
        return Err(format!(
            "seek takes virtual milliseconds from 0 to {SEEK_MS_MAX}, not {}",
            shown_number(ms)
        ));
    }
    Ok((ms * 1000.0).round() as Micros)
}

#[cfg(test)]
mod tests {
    //! Option checking: every option read, every mistake named.

    use super::*;
    use raftlab_core::session::Operation;
    use raftlab_core::session::{Command, Config};

    fn options(pairs: &[(&str, OptionValue)]) -> Result<MountOptions, String> {
        let pairs: Vec<(String, OptionValue)> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect();
        validate(&pairs)
    }

    fn text(t: &str) -> OptionValue {
        OptionValue::Text(t.into())
    }

    fn names(list: &[&str]) -> OptionValue {
        OptionValue::List(list.iter().map(|n| text(n)).collect())
    }

    /// A short recorded run: seed 3, three servers, one put.
    fn recorded_run() -> RunDescription {
        let config = Config {
            node_count: 3,
            ..Config::default()
        };
        let mut sim = Session::new(3, config).expect("valid configuration");
        sim.advance_to(400_000).expect("plays");
        sim.submit(Command::ClientRequest {
            client: None,
            target: None,
            op: Operation::Put {
                key: "x".into(),
                value: "1".into(),
            },
        })
        .expect("a put is accepted");
        sim.description()
    }

    #[test]
    fn no_options_mean_the_defaults() {
        let checked = options(&[]).expect("empty options are fine");
        assert_eq!(checked.seed, None);
        assert_eq!(checked.nodes, NODES_DEFAULT);
        assert_eq!(checked.speed, SPEED_DEFAULT);
        assert_eq!(checked.embed, Embed::default());
        assert_eq!(
            checked.query(9),
            format!("?seed=9&nodes=5&speed={SPEED_DEFAULT}")
        );
        assert_eq!(checked.open_href(9), None, "no link without `link`");
    }

    #[test]
    fn every_option_is_read() {
        let checked = options(&[
            ("seed", OptionValue::Number(4.0)),
            ("nodes", OptionValue::Number(3.0)),
            ("speed", OptionValue::Number(0.5)),
            ("panels", names(&["cluster", "diagram"])),
            ("autoplay", OptionValue::Bool(false)),
            ("link", text("index.html")),
            ("run", OptionValue::Absent),
        ])
        .expect("valid options");
        assert_eq!(checked.query(1), "?seed=4&nodes=3&speed=0.5");
        assert_eq!(
            checked.embed.panels,
            [EmbedPanel::Cluster, EmbedPanel::Diagram]
        );
        assert!(!checked.embed.autoplay);
        assert_eq!(
            checked.open_href(1).as_deref(),
            Some("index.html?seed=4&nodes=3&speed=0.5")
        );
        // The query reads back as the same run on the page.
        let (settings, problems) = params::parse(&checked.query(1));
        assert!(problems.is_empty());
        assert_eq!(
            (settings.seed, settings.nodes, settings.speed),
            (Some(4), 3, 0.5)
        );
    }

    #[test]
    fn the_theme_is_light_dark_or_auto_and_reaches_the_page() {
        let dark = options(&[("theme", text("dark")), ("seed", OptionValue::Number(2.0))])
            .expect("a dark theme");
        assert_eq!(dark.theme, Theme::Dark);
        assert_eq!(
            dark.query(1),
            "?seed=2&nodes=5&speed=0.03333333333333333&theme=dark"
        );
        assert_eq!(params::parse(&dark.query(1)).0.theme, Theme::Dark);
        assert_eq!(
            options(&[("theme", text("auto"))]).map(|o| o.theme),
            Ok(Theme::Auto)
        );
        for wrong in [
            text("Dark"),
            OptionValue::Bool(true),
            OptionValue::Number(1.0),
        ] {
            let message = options(&[("theme", wrong.clone())]).expect_err("refused");
            assert!(
                message.starts_with("theme must be \"light\", \"dark\" or \"auto\", not "),
                "{message}"
            );
            assert!(message.ends_with(&wrong.describe()), "{message}");
        }
    }

    #[test]
    fn a_scenario_opens_at_a_step_and_mistakes_are_named() {
        let figure = options(&[
            ("scenario", text("figure-8")),
            ("step", OptionValue::Number(3.0)),
            ("seed", OptionValue::Number(1.0)),
        ])
        .expect("a bundled scenario at a step");
        assert_eq!(figure.scenario, Some(("figure-8".to_owned(), 3)));
        assert!(figure.query(1).ends_with("&scenario=figure-8&step=3"));
        assert_eq!(
            options(&[("scenario", text("figure-8"))]).map(|o| o.scenario),
            Ok(Some(("figure-8".to_owned(), 0))),
            "its first step without `step`"
        );
        let unknown = options(&[("scenario", text("figure-9"))]).expect_err("refused");
        assert!(
            unknown.starts_with("there is no scenario \"figure-9\" (the scenarios are "),
            "{unknown}"
        );
        assert!(unknown.contains("figure-8"), "{unknown}");
        assert_eq!(
            options(&[("scenario", OptionValue::Number(8.0))]),
            Err("scenario must be a bundled scenario's name, such as \"figure-8\", not the number 8".into())
        );
        assert_eq!(
            options(&[("scenario", text("figure-8")), ("step", OptionValue::Number(1.5))]),
            Err("step must be a whole number from 0 (the scenario's first step), not the number 1.5".into())
        );
        assert_eq!(
            options(&[("step", OptionValue::Number(2.0))]),
            Err("step needs a scenario to be a step of".into())
        );
        let token = recorded_run().to_url_token();
        assert_eq!(
            options(&[("scenario", text("figure-8")), ("run", text(&token))]),
            Err("a scenario brings its own run: leave run out".into())
        );
    }

    #[test]
    fn seeds_come_as_numbers_strings_or_bigints() {
        let seed = |value| options(&[("seed", value)]).map(|o| o.seed);
        assert_eq!(seed(OptionValue::Number(0.0)), Ok(Some(0)));
        assert_eq!(seed(text("18446744073709551615")), Ok(Some(u64::MAX)));
        assert_eq!(
            seed(OptionValue::BigInt("12345678901234567890".into())),
            Ok(Some(12345678901234567890))
        );
        let above = seed(OptionValue::Number(1e17)).expect_err("not exact");
        assert!(above.contains("string or a BigInt"), "{above}");
        for bad in [
            OptionValue::Number(-1.0),
            OptionValue::Number(1.5),
            text("ten"),
            OptionValue::Bool(true),
        ] {
            let error = seed(bad).expect_err("refused");
            assert!(error.starts_with("seed must be"), "{error}");
        }
    }

    #[test]
    fn out_of_range_values_are_refused_with_the_option_named() {
        for (name, value, expected) in [
            (
                "nodes",
                OptionValue::Number(0.0),
                "nodes must be a whole number from 1 to 9",
            ),
            ("nodes", OptionValue::Number(10.0), "nodes must be"),
            ("nodes", text("3"), "not the string \"3\""),
            (
                "speed",
                OptionValue::Number(0.0),
                "speed must be a number from 0.001 to 10",
            ),
            ("speed", OptionValue::Number(f64::NAN), "speed must be"),
            ("speed", OptionValue::Number(20.0), "speed must be"),
            (
                "autoplay",
                OptionValue::Number(1.0),
                "autoplay must be true or false, not the number 1",
            ),
            (
                "panels",
                names(&["cluster", "graph"]),
                "there is no panel \"graph\"",
            ),
            ("panels", names(&[]), "panels names no panel"),
            (
                "panels",
                OptionValue::List(vec![OptionValue::Number(1.0)]),
                "panels must hold panel names",
            ),
            (
                "panels",
                OptionValue::Other("object".into()),
                "a value of type object",
            ),
            ("run", OptionValue::Number(1.0), "run must be a string"),
            ("run", text("1.@@@"), "run: the run is damaged"),
            (
                "run",
                text("{\"format\": \"raftlab-run\""),
                "run: the run is cut short",
            ),
            ("link", text("  "), "link must be"),
            (
                "panel",
                names(&["log"]),
                "there is no option \"panel\" (the options are seed, nodes",
            ),
        ] {
            let error = options(&[(name, value)]).expect_err(name);
            assert!(error.contains(expected), "{name}: {error}");
        }
    }

    #[test]
    fn experiment_takes_a_preset_or_a_link_query_and_brings_its_panel() {
        let checked = options(&[("experiment", text("split-vote"))]).expect("a preset");
        assert_eq!(checked.embed.panels, [EmbedPanel::Experiments]);
        let form = checked.embed.experiment.expect("the experiment");
        assert_eq!(form.preset.name(), "split-vote");
        let checked = options(&[
            (
                "experiment",
                text("index.html?experiment=figure16&timeouts=150-155&trials=20"),
            ),
            ("panels", names(&["cluster", "experiments"])),
        ])
        .expect("a link's query beside the cluster");
        let form = checked.embed.experiment.expect("the experiment");
        assert_eq!((form.timeouts.len(), form.trials.as_str()), (1, "20"));
        for (value, start) in [
            (text("figure99"), "experiment=\"figure99\" is not one of"),
            (
                text("experiment=wan&trials=0"),
                "experiment: Trials per line:",
            ),
            (
                text("trials=5"),
                "experiment \"trials=5\" names no experiment",
            ),
            (OptionValue::Number(16.0), "experiment must be a string"),
        ] {
            let message = options(&[("experiment", value)]).unwrap_err();
            assert!(
                message.starts_with(start),
                "{message:?} should start {start:?}"
            );
        }
        let message =
            options(&[("experiment", text("wan")), ("panels", names(&["log"]))]).unwrap_err();
        assert!(
            message.contains("add \"experiments\" to the panels"),
            "{message}"
        );
    }

    #[test]
    fn panels_may_be_one_comma_separated_string() {
        let checked = options(&[("panels", text("log, timeline"))]).expect("a list as a string");
        assert_eq!(
            checked.embed.panels,
            [EmbedPanel::Log, EmbedPanel::Timeline]
        );
    }

    #[test]
    fn a_run_comes_as_json_token_or_share_link_and_fixes_seed_and_size() {
        let run = recorded_run();
        let token = run.to_url_token();
        assert_eq!(decode_run(&run.to_json()), Ok(run.clone()));
        assert_eq!(decode_run(&token), Ok(run.clone()));
        assert_eq!(
            decode_run(&format!(
                "https://example.org/raftlab/?seed=3&run={token}#x"
            )),
            Ok(run.clone())
        );
        let checked = options(&[("run", text(&token)), ("link", text("index.html"))])
            .expect("a run alone is fine");
        assert_eq!(
            checked.query(99),
            format!("?seed=3&nodes=3&speed={SPEED_DEFAULT}")
        );
        let href = checked.open_href(99).expect("a link");
        assert!(href.ends_with(&format!("&run={token}")), "{href}");
        let error = options(&[("run", text(&token)), ("seed", OptionValue::Number(1.0))])
            .expect_err("two seeds");
        assert!(error.contains("leave seed and nodes out"), "{error}");
    }

    #[test]
    fn a_run_whose_inputs_do_not_fit_is_refused() {
        let mut run = recorded_run();
        run.inputs[0].command = Command::Restart {
            node: raftlab_core::view::NodeId(2),
        };
        let error = decode_run(&run.to_url_token()).expect_err("S2 is not crashed");
        assert!(error.starts_with("the run does not replay"), "{error}");
        assert_eq!(decode_run("").expect_err("empty"), "the run is empty");
    }

    #[test]
    fn seek_takes_virtual_milliseconds_within_ten_minutes() {
        assert_eq!(seek_target(0.0), Ok(0));
        assert_eq!(seek_target(1.5), Ok(1_500));
        assert_eq!(seek_target(SEEK_MS_MAX), Ok(600_000_000));
        for bad in [-1.0, f64::NAN, f64::INFINITY, SEEK_MS_MAX + 1.0] {
            assert!(seek_target(bad).is_err(), "{bad}");
        }
    }
}
