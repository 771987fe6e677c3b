//! The URL parameters that start a run (`seed`, `nodes`, `speed`) and the
//! colour theme, parsed as a pure function so that a bad value becomes a
//! message, never a panic.

use crate::experiments::ExperimentForm;
use crate::quantity::shown;
use crate::url;
use raftlab_core::session::NODE_COUNT_MAX;

/// The slowest playback speed: one virtual millisecond per wall second.
pub const SPEED_MIN: f64 = 0.001;
/// The fastest playback speed: ten times real time.
pub const SPEED_MAX: f64 = 10.0;
/// The default speed, 1/30×. Why: a 10–15 ms message then takes 0.3–0.45 s on
/// screen, slow enough to follow with the eye, and a heartbeat round (50 ms)
/// 1.5 s; the first election timeout (150–300 ms) fires after 4.5–9 s of
/// draining timer arcs, which is as long as a newcomer should wait. Slower
/// (1/40× gives the half-second message) makes that first wait too long.
pub const SPEED_DEFAULT: f64 = 1.0 / 30.0;
/// The default cluster size.
pub const NODES_DEFAULT: usize = 5;

/// What the URL asks for, with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The run's seed; `None` means "draw a fresh one".
    pub seed: Option<u64>,
    /// Cluster size, 1–9.
    pub nodes: usize,
    /// Virtual time per wall time.
    pub speed: f64,
    /// Light, dark, or as the reader's system says.
    pub theme: Theme,
}

/// The colour theme an instance draws in (`theme=` on the page or the
/// frame, `theme` for `mount()` and the element).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// As the reader's system says (`prefers-color-scheme`), following its
    /// changes.
    #[default]
    Auto,
    /// Light, whatever the system says.
    Light,
    /// Dark, whatever the system says.
    Dark,
}

impl Theme {
    /// The theme a parameter value names (`light`, `dark` or `auto`).
    pub fn named(value: &str) -> Option<Theme> {
        match value {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The value naming it in a query string.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Dark or not, given whether the system asks for dark.
    pub fn is_dark(self, system_dark: bool) -> bool {
        match self {
            Theme::Auto => system_dark,
            Theme::Light => false,
            Theme::Dark => true,
        }
    }
}

/// Parses a query string (with or without the leading `?`). Every invalid
/// value is replaced by its default and explained in the returned messages.
pub fn parse(query: &str) -> (Settings, Vec<String>) {
    let mut settings = Settings {
        seed: None,
        nodes: NODES_DEFAULT,
        speed: SPEED_DEFAULT,
        theme: Theme::Auto,
    };
    let mut problems = Vec::new();
    for (name, value) in url::pairs(query) {
        // Messages quote a long value by its start and length.
        let quoted = shown(&value);
        match name.as_str() {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => settings.seed = Some(seed),
                Err(_) => problems.push(format!(
                    "seed={quoted:?} is not a whole number from 0 to {}; using a fresh seed",
                    u64::MAX
                )),
            },
            "nodes" => match value.parse::<usize>() {
                Ok(n) if (1..=NODE_COUNT_MAX).contains(&n) => settings.nodes = n,
                _ => problems.push(format!(
                    "nodes={quoted:?} must be 1 to {NODE_COUNT_MAX}; using {NODES_DEFAULT}"
                )),
            },
            "speed" => match value.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => {
                    settings.speed = s.clamp(SPEED_MIN, SPEED_MAX);
                    if settings.speed != s {
                        problems.push(format!(
                            "speed={quoted:?} is outside 0.001 to 10; using {}",
                            format_speed(settings.speed)
                        ));
                    }
                }
                _ => problems.push(format!(
                    "speed={quoted:?} must be a number above 0 (0.001 to 10); using {}",
                    format_speed(SPEED_DEFAULT)
                )),
            },
            "theme" => match Theme::named(&value) {
                Some(theme) => settings.theme = theme,
                None => problems.push(format!(
                    "theme={quoted:?} must be light, dark or auto; following the system"
                )),
            },
            _ => {}
        }
    }
    (settings, problems)
}

/// The query string with `seed` set to `seed`: an existing (perhaps invalid)
/// `seed` pair is replaced in place, otherwise the pair goes first. Used to put
/// a freshly drawn seed into the address bar so that a reload reproduces the run.
pub fn with_seed(query: &str, seed: u64) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let mut replaced = false;
    for (name, pair) in url::raw_pairs(query) {
        if name != "seed" {
            pairs.push(pair.to_owned());
        } else if !replaced {
            pairs.push(format!("seed={seed}"));
            replaced = true;
        }
    }
    if !replaced {
        pairs.insert(0, format!("seed={seed}"));
    }
    format!("?{}", pairs.join("&"))
}

/// The highest speed slider position (10×).
pub const SLIDER_MAX: u32 = 4000;

/// The speed for a slider position from 0 (1/1000×) to [`SLIDER_MAX`] (10×): a log scale.
pub fn speed_from_slider(position: u32) -> f64 {
    10f64.powf(f64::from(position.min(SLIDER_MAX)) / 1000.0 - 3.0)
}

/// The slider position for a speed (inverse of [`speed_from_slider`]).
pub fn slider_from_speed(speed: f64) -> u32 {
    ((speed.clamp(SPEED_MIN, SPEED_MAX).log10() + 3.0) * 1000.0).round() as u32
}

/// A speed as people say it: "1×", "1/20×", "2.5×".
pub fn format_speed(speed: f64) -> String {
    if speed >= 0.999 {
        let tenths = (speed * 10.0).round() / 10.0;
        format!("{tenths}×")
    } else {
        format!("1/{}×", (1.0 / speed).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_bad_value_is_quoted_by_its_start_and_length() {
        let huge = "9".repeat(100_000);
        let (_, problems) = parse(&format!("?seed=x{huge}"));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].len() < 200, "{}", problems[0]);
        assert!(
            problems[0].contains("(100001 characters)"),
            "{}",
            problems[0]
        );
        let (_, problems) = parse_embed(&format!("?embed=1&panels={huge}&autoplay={huge}"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.len() < 300), "{problems:?}");
    }

    #[test]
    fn valid_parameters_are_taken() {
        let (s, problems) = parse("?seed=42&nodes=3&speed=1");
        assert_eq!(
            s,
            Settings {
                seed: Some(42),
                nodes: 3,
                speed: 1.0,
                theme: Theme::Auto,
            }
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn invalid_parameters_fall_back_with_a_message_each() {
        let (s, problems) = parse("?nodes=42&seed=abc&speed=-1");
        assert_eq!(
            s,
            Settings {
                seed: None,
                nodes: 5,
                speed: SPEED_DEFAULT,
                theme: Theme::Auto,
            }
        );
        assert_eq!(problems.len(), 3);
        assert!(problems.iter().any(|p| p.starts_with("nodes=")));
        let (_, problems) = parse("speed=NaN&nodes=");
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn the_theme_is_light_dark_or_the_systems() {
        for (query, theme) in [
            ("?theme=light", Theme::Light),
            ("?theme=dark&seed=1", Theme::Dark),
            ("?theme=auto", Theme::Auto),
            ("?seed=1", Theme::Auto),
        ] {
            let (settings, problems) = parse(query);
            assert_eq!(settings.theme, theme, "{query}");
            assert!(problems.is_empty(), "{query}: {problems:?}");
        }
        let (settings, problems) = parse("?theme=Dark");
        assert_eq!(settings.theme, Theme::Auto);
        assert_eq!(
            problems,
            ["theme=\"Dark\" must be light, dark or auto; following the system"]
        );
        assert!(Theme::Auto.is_dark(true) && !Theme::Auto.is_dark(false));
        assert!(Theme::Dark.is_dark(false) && !Theme::Light.is_dark(true));
        for theme in [Theme::Auto, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::named(theme.name()), Some(theme));
        }
    }

    #[test]
    fn speeds_clamp_and_the_slider_is_logarithmic() {
        let (settings, problems) = parse("speed=50");
        assert_eq!(settings.speed, 10.0);
        assert_eq!(problems, ["speed=\"50\" is outside 0.001 to 10; using 10×"]);
        assert_eq!(parse("speed=0.00001").0.speed, SPEED_MIN);
        assert!(
            parse("speed=2").1.is_empty(),
            "a speed in range says nothing"
        );
        assert!((speed_from_slider(0) - 0.001).abs() < 1e-12);
        assert!((speed_from_slider(3000) - 1.0).abs() < 1e-12);
        assert!((speed_from_slider(SLIDER_MAX) - 10.0).abs() < 1e-9);
        assert_eq!(format_speed(2.5), "2.5×");
        assert_eq!(format_speed(10.0), "10×");
        assert_eq!(slider_from_speed(0.01), 1000);
        assert_eq!(format_speed(0.05), "1/20×");
        assert_eq!(format_speed(SPEED_DEFAULT), "1/30×");
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(SPEED_MIN), "1/1000×");
        for position in [0, 1, 1301, 2999, 3000, SLIDER_MAX] {
            assert_eq!(slider_from_speed(speed_from_slider(position)), position);
        }
    }

    #[test]
    fn a_fresh_seed_goes_into_the_query_once() {
        assert_eq!(with_seed("", 7), "?seed=7");
        assert_eq!(with_seed("?nodes=3&speed=1", 7), "?seed=7&nodes=3&speed=1");
        assert_eq!(with_seed("?nodes=3&seed=abc&seed=x", 7), "?nodes=3&seed=7");
        assert_eq!(parse(&with_seed("?speed=0.5", 9)).0.seed, Some(9));
    }

    #[test]
    fn odd_queries_never_panic() {
        for query in [
            "?",
            "&&",
            "seed",
            "=",
            "?=5",
            "nodes=0",
            "nodes=-1",
            "speed=inf",
            "seed=18446744073709551616",
        ] {
            let (settings, _) = parse(query);
            assert!((1..=NODE_COUNT_MAX).contains(&settings.nodes));
            assert!((SPEED_MIN..=SPEED_MAX).contains(&settings.speed));
        }
        assert_eq!(parse("nodes=0").1.len(), 1);
        assert_eq!(parse("speed=inf").1.len(), 1);
    }
}

/// A panel an embed can show, named in `panels=` (and in the JavaScript
/// API's `panels` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedPanel {
    /// The ring of servers with the messages in flight.
    Cluster,
    /// The selected server's state diagram.
    Diagram,
    /// Every server's log.
    Log,
    /// Every server's state machine.
    State,
    /// The space-time diagram.
    Timeline,
    /// The safety checkers.
    Checks,
    /// The event log.
    Events,
    /// The selected server's actions and every field of it (or of a message).
    Inspector,
    /// Partitions and link faults.
    Network,
    /// The client's request form.
    Client,
    /// The configuration form.
    Config,
    /// The Experiments view (the Raft paper's Figure 16 and the thesis's
    /// election figures), opened with the link's `experiment=` values.
    Experiments,
}

impl EmbedPanel {
    /// Every panel, in the order the names are listed in messages.
    pub const ALL: [EmbedPanel; 12] = [
        EmbedPanel::Cluster,
        EmbedPanel::Diagram,
        EmbedPanel::Log,
        EmbedPanel::State,
        EmbedPanel::Timeline,
        EmbedPanel::Checks,
        EmbedPanel::Events,
        EmbedPanel::Inspector,
        EmbedPanel::Network,
        EmbedPanel::Client,
        EmbedPanel::Config,
        EmbedPanel::Experiments,
    ];

    /// What an embed shows when it names no panel.
    pub const DEFAULT: [EmbedPanel; 2] = [EmbedPanel::Cluster, EmbedPanel::Log];

    /// The name used in `panels=`.
    pub fn name(self) -> &'static str {
        match self {
            EmbedPanel::Cluster => "cluster",
            EmbedPanel::Diagram => "diagram",
            EmbedPanel::Log => "log",
            EmbedPanel::State => "state",
            EmbedPanel::Timeline => "timeline",
            EmbedPanel::Checks => "checks",
            EmbedPanel::Events => "events",
            EmbedPanel::Inspector => "inspector",
            EmbedPanel::Network => "network",
            EmbedPanel::Client => "client",
            EmbedPanel::Config => "config",
            EmbedPanel::Experiments => "experiments",
        }
    }

    /// The panel called `name` (exactly, lower case).
    pub fn from_name(name: &str) -> Option<EmbedPanel> {
        EmbedPanel::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Every name, for messages: "cluster, diagram, ...".
    pub fn names() -> String {
        EmbedPanel::ALL.map(EmbedPanel::name).join(", ")
    }
}

/// What `embed=1` asks for: the compact page meant for an iframe.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed {
    /// The panels to show, in the order named, each once.
    pub panels: Vec<EmbedPanel>,
    /// Does playback start on its own? (With the experiments panel: does
    /// its experiment run on its own?)
    pub autoplay: bool,
    /// The experiment the experiments panel opens with (`experiment=` and
    /// its values); `None` opens the default form.
    pub experiment: Option<ExperimentForm>,
}

impl Default for Embed {
    fn default() -> Embed {
        Embed {
            panels: EmbedPanel::DEFAULT.to_vec(),
            autoplay: true,
            experiment: None,
        }
    }
}

impl Embed {
    /// Does the simulation play on its own? Not while the only panel is
    /// the experiments panel, which shows no cluster.
    pub fn plays(&self) -> bool {
        self.autoplay && self.panels.iter().any(|&p| p != EmbedPanel::Experiments)
    }

    /// Settles the panels against the experiment asked for: an experiment
    /// with no panels named shows the experiments panel; one with panels
    /// that leave it out is a message (`named` is the parameter's name).
    pub fn settle_experiment(&mut self, panels_named: bool, named: &str) -> Option<String> {
        self.experiment.as_ref()?;
        if !panels_named {
            self.panels = vec![EmbedPanel::Experiments];
            return None;
        }
        (!self.panels.contains(&EmbedPanel::Experiments)).then(|| {
            format!("{named} shows in the experiments panel: add \"experiments\" to the panels")
        })
    }
}

/// The parameters that only an embed reads; the full page's link drops them.
const EMBED_ONLY: [&str; 4] = ["embed", "panels", "autoplay", "autosize"];

/// Reads the embed parameters of a query: `None` unless `embed` is `1` (or
/// `true`, or bare). Like [`parse`], a bad value becomes a message and its
/// default: unknown panel names are left out (all unknown: the default
/// panels), a bad `autoplay` plays.
pub fn parse_embed(query: &str) -> (Option<Embed>, Vec<String>) {
    let mut on = false;
    let mut embed = Embed::default();
    let mut problems = Vec::new();
    let mut panels_named = false;
    // A preset that does not exist is reported by the page (`Ui::open`).
    embed.experiment = ExperimentForm::from_query(query).and_then(Result::ok);
    for (name, value) in url::pairs(query) {
        // Messages quote a long value by its start and length.
        let quoted = shown(&value);
        match name.as_str() {
            "embed" => match value.as_str() {
                "" | "1" | "true" => on = true,
                "0" | "false" => on = false,
                _ => problems.push(format!(
                    "embed={quoted:?} must be 1 (compact page) or 0 (full page); showing the full page"
                )),
            },
            "panels" => {
                panels_named = true;
                let (panels, unknown) = panel_list(&value);
                if !unknown.is_empty() {
                    problems.push(format!(
                        "unknown panel{} {} (known: {})",
                        if unknown.len() == 1 { "" } else { "s" },
                        listed(&unknown),
                        EmbedPanel::names()
                    ));
                }
                embed.panels = if panels.is_empty() {
                    EmbedPanel::DEFAULT.to_vec()
                } else {
                    panels
                };
            }
            "autoplay" => match value.as_str() {
                "1" | "true" => embed.autoplay = true,
                "0" | "false" => embed.autoplay = false,
                _ => problems.push(format!("autoplay={quoted:?} must be 1 or 0; playing")),
            },
            _ => {}
        }
    }
    if !on {
        // The full page ignores the embed-only parameters, so it says
        // nothing about their values either.
        problems.retain(|p| p.starts_with("embed="));
        return (None, problems);
    }
    problems.extend(embed.settle_experiment(panels_named, "experiment="));
    (Some(embed), problems)
}

/// How many bad names a message quotes; the rest are counted.
const NAMES_SHOWN_MAX: usize = 4;

/// `names` quoted (each by its start, see [`shown`]) for a message: the
/// first [`NAMES_SHOWN_MAX`], then how many more, so a link that repeats a
/// bad name a million times gets a one-line message.
fn listed(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(NAMES_SHOWN_MAX)
        .map(|name| format!("{:?}", shown(name)))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMES_SHOWN_MAX {
        text.push_str(&format!(" and {} more", names.len() - NAMES_SHOWN_MAX));
    }
    text
}

/// The panels a comma-separated list names, each once in the order first
/// named, and the names that are no panel, each once (blank items are
/// skipped).
pub fn panel_list(list: &str) -> (Vec<EmbedPanel>, Vec<String>) {
    let mut panels = Vec::new();
    let mut unknown = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match EmbedPanel::from_name(name) {
            Some(panel) if !panels.contains(&panel) => panels.push(panel),
            Some(_) => {}
            None if !unknown.iter().any(|u| u == name) => unknown.push(name.to_owned()),
            None => {}
        }
    }
    (panels, unknown)
}

/// The panels presenter mode shows when `presenter=` names none: the
/// ring, the logs and the checkers, what a lecture on the protocol points at.
pub const PRESENTER_PANELS: [EmbedPanel; 3] =
    [EmbedPanel::Cluster, EmbedPanel::Log, EmbedPanel::Checks];

/// Reads `presenter=`, the full page's presenter mode (large type for a
/// projector, chosen panels, the narration as a caption): `1`, `true` or
/// bare opens it with [`PRESENTER_PANELS`], a comma-separated list of panel
/// names opens it with those (unknown names and `experiments`, which
/// replaces the cluster, are left out with a message), `0` or `false`
/// leaves it off. `None` when off.
pub fn parse_presenter(query: &str) -> (Option<Vec<EmbedPanel>>, Vec<String>) {
    let mut presenter = None;
    let mut problems = Vec::new();
    for (name, value) in url::pairs(query) {
        if name != "presenter" {
            continue;
        }
        presenter = match value.as_str() {
            "" | "1" | "true" => Some(PRESENTER_PANELS.to_vec()),
            "0" | "false" => None,
            list => {
                let (mut panels, mut unknown) = panel_list(list);
                if panels.contains(&EmbedPanel::Experiments) {
                    panels.retain(|&p| p != EmbedPanel::Experiments);
                    unknown.push(EmbedPanel::Experiments.name().to_owned());
                }
                if !unknown.is_empty() {
                    problems.push(format!(
                        "presenter mode shows no panel {} (it shows: {})",
                        listed(&unknown),
                        presenter_panel_names()
                    ));
                }
                Some(if panels.is_empty() {
                    PRESENTER_PANELS.to_vec()
                } else {
                    panels
                })
            }
        };
    }
    (presenter, problems)
}

/// The panels presenter mode can show: every panel but the experiments.
pub fn presenter_panel_choices() -> impl Iterator<Item = EmbedPanel> {
    EmbedPanel::ALL
        .into_iter()
        .filter(|&p| p != EmbedPanel::Experiments)
}

/// Their names, for messages.
fn presenter_panel_names() -> String {
    presenter_panel_choices()
        .map(EmbedPanel::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The query for the full page that an embed's "Open in Raftlab" link
/// opens: every pair but the embed-only ones (`EMBED_ONLY`), kept as written
/// and in order (parameters this build does not know pass through).
/// Empty when nothing is left, else starting with `?`.
pub fn full_page_query(query: &str) -> String {
    let kept: Vec<&str> = url::raw_pairs(query)
        .filter(|(name, _)| !EMBED_ONLY.contains(&name.as_str()))
        .map(|(_, pair)| pair)
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// The "Open in Raftlab" address: the full page at `page` (a path or URL,
/// any query and fragment of its own dropped) with [`full_page_query`].
pub fn open_href(page: &str, query: &str) -> String {
    let page = page.split(['?', '#']).next().unwrap_or_default();
    let page = if page.is_empty() { "./" } else { page };
    format!("{page}{}", full_page_query(query))
}

#[cfg(test)]
mod embed_tests {
    //! The embed parameters: which queries make the compact page, what it
    //! shows, and the full page's address.

    use super::*;

    #[test]
    fn only_embed_1_makes_the_compact_page() {
        assert_eq!(parse_embed("?seed=4").0, None);
        assert_eq!(parse_embed("?embed=0&panels=log").0, None);
        assert_eq!(parse_embed("?embed=1").0, Some(Embed::default()));
        assert_eq!(parse_embed("?embed").0, Some(Embed::default()));
        assert_eq!(parse_embed("embed=true&seed=1").0, Some(Embed::default()));
        let (embed, problems) = parse_embed("?embed=yes");
        assert_eq!(embed, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn the_default_is_cluster_and_log_playing() {
        let embed = Embed::default();
        assert_eq!(embed.panels, [EmbedPanel::Cluster, EmbedPanel::Log]);
        assert!(embed.autoplay);
    }

    #[test]
    fn panels_are_shown_in_the_order_named_and_once() {
        let (embed, problems) = parse_embed("?embed=1&panels=log,cluster,diagram,log");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            embed.map(|e| e.panels),
            Some(vec![
                EmbedPanel::Log,
                EmbedPanel::Cluster,
                EmbedPanel::Diagram
            ])
        );
        let (embed, _) = parse_embed("?embed=1&panels=cluster%2Ctimeline");
        assert_eq!(
            embed.map(|e| e.panels),
            Some(vec![EmbedPanel::Cluster, EmbedPanel::Timeline])
        );
        for panel in EmbedPanel::ALL {
            assert_eq!(EmbedPanel::from_name(panel.name()), Some(panel));
        }
    }

    #[test]
    fn unknown_panels_are_named_in_one_notice_and_the_rest_shows() {
        let (embed, problems) = parse_embed("?embed=1&panels=cluster,graph,log,Votes");
        assert_eq!(
            embed.map(|e| e.panels),
            Some(vec![EmbedPanel::Cluster, EmbedPanel::Log])
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("\"graph\", \"Votes\""), "{problems:?}");
        assert!(
            problems[0].contains("cluster, diagram, log"),
            "{problems:?}"
        );
        // Nothing known (or nothing at all): the default panels.
        let (embed, problems) = parse_embed("?embed=1&panels=nope");
        assert_eq!(embed.map(|e| e.panels), Some(EmbedPanel::DEFAULT.to_vec()));
        assert_eq!(problems.len(), 1);
        let (embed, problems) = parse_embed("?embed=1&panels=");
        assert_eq!(embed.map(|e| e.panels), Some(EmbedPanel::DEFAULT.to_vec()));
        assert!(problems.is_empty());
    }

    #[test]
    fn an_embed_can_show_an_experiment_in_the_experiments_panel() {
        let (embed, problems) = parse_embed("?embed=1&panels=experiments&experiment=wan&trials=9");
        let embed = embed.expect("embedded");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(embed.panels, [EmbedPanel::Experiments]);
        let form = embed.experiment.clone().expect("the experiment asked for");
        assert_eq!((form.preset.name(), form.trials.as_str()), ("wan", "9"));
        assert!(!embed.plays(), "no cluster shown, so nothing plays");
        // An experiment alone brings its panel; beside others it plays.
        let (embed, _) = parse_embed("?embed=1&experiment=figure16");
        assert_eq!(embed.map(|e| e.panels), Some(vec![EmbedPanel::Experiments]));
        let (embed, _) = parse_embed("?embed=1&panels=cluster,experiments&experiment=figure16");
        assert!(embed.expect("embedded").plays());
        // Panels that leave it out say so, and show what they name.
        let (embed, problems) = parse_embed("?embed=1&panels=log&experiment=figure16");
        assert_eq!(embed.map(|e| e.panels), Some(vec![EmbedPanel::Log]));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("\"experiments\""), "{problems:?}");
        // The experiments panel without an experiment opens the default form.
        let (embed, problems) = parse_embed("?embed=1&panels=experiments");
        assert_eq!(embed.and_then(|e| e.experiment), None);
        assert!(problems.is_empty());
    }

    #[test]
    fn autoplay_0_waits_and_a_bad_value_plays_with_a_notice() {
        assert_eq!(
            parse_embed("?embed=1&autoplay=0").0.map(|e| e.autoplay),
            Some(false)
        );
        assert_eq!(
            parse_embed("?embed=1&autoplay=1").0.map(|e| e.autoplay),
            Some(true)
        );
        let (embed, problems) = parse_embed("?embed=1&autoplay=maybe");
        assert_eq!(embed.map(|e| e.autoplay), Some(true));
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn the_full_page_ignores_embed_parameters_silently() {
        let (embed, problems) = parse_embed("?panels=bogus&autoplay=x&seed=1");
        assert_eq!(embed, None);
        assert!(problems.is_empty(), "{problems:?}");
        // And the run's own parameters read the same either way.
        assert_eq!(
            parse("?embed=1&panels=log&autoplay=0&seed=4&nodes=3"),
            parse("?seed=4&nodes=3")
        );
    }

    #[test]
    fn the_full_page_link_drops_only_the_embed_parameters() {
        assert_eq!(
            full_page_query("?embed=1&seed=4&panels=cluster,log&nodes=3&autoplay=0&run=1.AAAB"),
            "?seed=4&nodes=3&run=1.AAAB"
        );
        assert_eq!(full_page_query("?embed=1&panels=log"), "");
        assert_eq!(full_page_query("?embed=1&autosize=1&seed=4"), "?seed=4");
        assert_eq!(full_page_query(""), "");
        assert_eq!(
            open_href("/sub/dist/index.html", "?embed=1&seed=4"),
            "/sub/dist/index.html?seed=4"
        );
        assert_eq!(open_href("/sub/dist/", "?embed=1"), "/sub/dist/");
        assert_eq!(
            open_href("index.html?old=1#top", "?seed=2&speed=1"),
            "index.html?seed=2&speed=1"
        );
        assert_eq!(open_href("", "?seed=2"), "./?seed=2");
    }

    #[test]
    fn presenter_mode_opens_with_the_lecture_panels_or_those_named() {
        assert_eq!(parse_presenter("?seed=4"), (None, vec![]));
        assert_eq!(parse_presenter("?presenter=0"), (None, vec![]));
        for on in ["?presenter", "?presenter=1", "?presenter=true"] {
            assert_eq!(
                parse_presenter(on),
                (Some(PRESENTER_PANELS.to_vec()), vec![]),
                "{on}"
            );
        }
        let (panels, problems) = parse_presenter("?presenter=diagram,cluster%2Cdiagram");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(panels, Some(vec![EmbedPanel::Diagram, EmbedPanel::Cluster]));
        // Unknown names and the experiments are left out, in one message.
        let (panels, problems) = parse_presenter("?presenter=cluster,bogus,experiments");
        assert_eq!(panels, Some(vec![EmbedPanel::Cluster]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("\"bogus\", \"experiments\""),
            "{problems:?}"
        );
        assert!(problems[0].ends_with("client, config)"), "{problems:?}");
        // Nothing usable: the lecture panels.
        let (panels, _) = parse_presenter("?presenter=nope");
        assert_eq!(panels, Some(PRESENTER_PANELS.to_vec()));
    }

    #[test]
    fn odd_embed_queries_never_panic() {
        for query in [
            "?embed=1&panels=%",
            "?embed=1&panels=%zz,log",
            "?embed=1&panels=%E2%82",
            "?embed=1&panels=,,,",
            "embed=1&&autoplay",
            "?embed=1&panels=log%2",
        ] {
            let (embed, _) = parse_embed(query);
            assert!(embed.is_some_and(|e| !e.panels.is_empty()), "{query}");
        }
    }
}
