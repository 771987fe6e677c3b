//! Share links and run files, as pure functions over the run.
//!
//! A share link is the page's own address (whatever sub-path it is served
//! from) with a query that reproduces what is on screen:
//!
//! - `run`: the whole recorded run as a [`RunDescription`] URL token. It
//!   holds every recorded input, including those after the playback
//!   position, so whoever opens the link can play on into the same future.
//! - `at`: the playback position in steps (events and commands), exact.
//! - `t`: the virtual clock in µs, which may stand between two events (a
//!   pause after a scrub or a frame).
//! - `end`: the end of the scrubber in µs: how far the run had been played.
//! - `sel`: the selected server; `open`: the open panels, by their
//!   `data-panel` names, comma-separated; `speed`: as the `speed` parameter.
//!
//! Opening a link rebuilds the run from its token, plays it to `end`, then
//! moves to `at` and `t`, paused. Everything the link holds is checked, and
//! anything wrong is an [`OpenError`] the page shows; the replay is bounded
//! by [`REPLAY_STEPS_MAX`] and [`REPLAY_US_MAX`], so a damaged or hostile link
//! cannot hang the page. Run files (JSON, [`RunDescription::to_json`]) hold
//! only the run: an imported file opens paused at its last input.

use crate::{params, url};
use raftlab_core::session::{
    CommandError, ReplayError, RunDecodeError, RunDescription, Session, TimedCommand,
};
use raftlab_core::view::{Micros, NodeId};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// The most steps a link or a file may ask the page to replay (about three
/// virtual hours of a five-server cluster under the default workload, a
/// few seconds of replay in the browser).
pub const REPLAY_STEPS_MAX: u64 = 4_000_000;

/// The latest virtual instant a link may ask for (ten hours): a bound on
/// the replay even for a cluster with almost no events.
pub const REPLAY_US_MAX: Micros = 10 * 3_600_000_000;

/// The largest run file the page reads (Import, a dropped file, an embed's
/// `load()`): a run holds at most [`raftlab_core::sim::INPUTS_MAX`] inputs
/// of a hundred-odd bytes each, so a real one fits with room to spare.
pub const FILE_BYTES_MAX: u64 = 4 * 1024 * 1024;

/// What the page says before the reason a share link failed.
pub const LINK_FAILED: &str = "This link could not be opened";

/// The panels below the cluster that open and close (`<details data-panel=...>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlPanel {
    /// Partitions, cut links and message faults.
    Network,
    /// Client requests and the workload.
    Client,
    /// The cluster's configuration.
    Config,
    /// The client history as bars on a time axis.
    History,
}

impl ControlPanel {
    /// Every panel, in page order.
    pub const ALL: [ControlPanel; 4] = [
        ControlPanel::Network,
        ControlPanel::Client,
        ControlPanel::Config,
        ControlPanel::History,
    ];

    /// The panel's `data-panel` name, also its name in a share link.
    pub fn name(self) -> &'static str {
        match self {
            ControlPanel::Network => "network",
            ControlPanel::Client => "client",
            ControlPanel::Config => "config",
            ControlPanel::History => "history",
        }
    }

    /// The panel called `name`, if any.
    pub fn from_name(name: &str) -> Option<ControlPanel> {
        ControlPanel::ALL.into_iter().find(|p| p.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Which panels are open; all are closed by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OpenPanels {
    open: [bool; ControlPanel::ALL.len()],
}

impl OpenPanels {
    /// Is `panel` open?
    pub fn is_open(&self, panel: ControlPanel) -> bool {
        self.open[panel.index()]
    }

    /// Opens or closes `panel`.
    pub fn set(&mut self, panel: ControlPanel, open: bool) {
        self.open[panel.index()] = open;
    }

    /// The same set with `panel` open.
    pub fn with(mut self, panel: ControlPanel) -> OpenPanels {
        self.set(panel, true);
        self
    }

    /// The open panels, in page order.
    pub fn iter(&self) -> impl Iterator<Item = ControlPanel> + '_ {
        ControlPanel::ALL.into_iter().filter(|p| self.is_open(*p))
    }
}

/// Why a share link or a run file could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenError {
    /// The run itself could not be read.
    Decode(RunDecodeError),
    /// The run was read, but its inputs do not replay.
    Replay(ReplayError),
    /// A link parameter other than the run is wrong.
    Parameter {
        /// The parameter's name.
        name: &'static str,
        /// Its value, as written (a message quotes a long one by its start
        /// and length, see [`crate::quantity::shown`]).
        value: String,
        /// What it should be.
        expected: String,
    },
    /// The run goes further than the page replays.
    TooLong,
    /// The file could not be read at all.
    Unreadable(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Decode(e) => write!(f, "{e}"),
            OpenError::Replay(e) => write!(f, "its inputs do not replay ({e})"),
            OpenError::Parameter {
                name,
                value,
                expected,
            } => write!(f, "{name}={:?} {expected}", crate::quantity::shown(value)),
            OpenError::TooLong => write!(
                f,
                "the run goes further than this page replays ({REPLAY_STEPS_MAX} steps or {} hours of virtual time)",
                REPLAY_US_MAX / 3_600_000_000
            ),
            OpenError::Unreadable(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for OpenError {}

impl From<CommandError> for OpenError {
    fn from(e: CommandError) -> OpenError {
        OpenError::Replay(ReplayError::Command(e))
    }
}

/// Everything a share link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareLink {
    /// The whole recorded run.
    pub run: RunDescription,
    /// The playback position in steps.
    pub position: u64,
    /// The virtual clock; `None` is the instant of the step at `position`.
    pub now_us: Option<Micros>,
    /// The end of the scrubber; `None` is wherever `position` and the
    /// run's last input put it.
    pub explored_until_us: Option<Micros>,
    /// The selected server.
    pub selected: NodeId,
    /// The open panels.
    pub open: OpenPanels,
    /// The playback speed.
    pub speed: f64,
    /// The narrated scenario and the step shown, if the learner is on its script.
    pub scenario: Option<ScenarioStep>,
    /// How many of the run's first inputs a scenario scripted (the journal
    /// names them as the scenario's); 0 for a run of the learner's own.
    pub scripted: usize,
    /// The mission being played, if the link was shared from one.
    pub mission: Option<MissionStep>,
}

/// The panels a link's `open` names (comma-separated), every name known.
fn parse_open(names: Option<String>) -> Result<OpenPanels, OpenError> {
    let mut open = OpenPanels::default();
    for name in names.iter().flat_map(|names| names.split(',')) {
        let panel = ControlPanel::from_name(name).ok_or_else(|| OpenError::Parameter {
            name: "open",
            value: name.to_owned(),
            expected: "is not a panel (network, client or config)".to_owned(),
        })?;
        open.set(panel, true);
    }
    Ok(open)
}

/// A bundled scenario and one of its narration steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioStep {
    /// The scenario's id (its file name without `.json`).
    pub id: String,
    /// The step, from 0.
    pub step: usize,
}

/// A bundled mission a link was shared from, and the learner's answer to
/// its question: the link opens the mission panel over the run, so a
/// solution shared shows as solved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissionStep {
    /// The mission's id (its file name without `.json`).
    pub id: String,
    /// The answer chosen, counting the choices from 0, if it asks a question.
    pub answer: Option<usize>,
}

/// A link's `scenario` or `mission` (`name`): its id, if it is written as
/// the library's ids are.
fn library_id(name: &'static str, id: Option<String>) -> Result<Option<String>, OpenError> {
    match id {
        Some(id) if !is_scenario_id(&id) => Err(OpenError::Parameter {
            name,
            value: id,
            expected: format!("is not a {name} id (lower-case letters, digits and dashes)"),
        }),
        id => Ok(id),
    }
}

/// Is `id` written as scenario ids are (lower-case letters, digits, dashes)?
fn is_scenario_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl ShareLink {
    /// The link for `session` as it is now, with the page state around it.
    pub fn of(session: &Session, selected: NodeId, open: OpenPanels, speed: f64) -> ShareLink {
        ShareLink {
            run: session.description(),
            position: session.position(),
            now_us: Some(session.now()),
            explored_until_us: Some(session.explored_until()),
            selected,
            open,
            speed,
            scenario: None,
            scripted: session.scripted_inputs(),
            mission: None,
        }
    }

    /// The link's query string, starting with `?`. Every value is URL-safe
    /// as written (the token is base64url), so nothing needs escaping.
    pub fn to_query(&self) -> String {
        let mut query = format!("?run={}&at={}", self.run.to_url_token(), self.position);
        if let Some(now) = self.now_us {
            query.push_str(&format!("&t={now}"));
        }
        if let Some(end) = self.explored_until_us {
            query.push_str(&format!("&end={end}"));
        }
        query.push_str(&format!("&sel={}", self.selected.0));
        let open: Vec<&str> = self.open.iter().map(ControlPanel::name).collect();
        if !open.is_empty() {
            query.push_str(&format!("&open={}", open.join(",")));
        }
        // `{}` writes the shortest text that reads back as the same number.
        query.push_str(&format!("&speed={}", self.speed));
        if let Some(ScenarioStep { id, step }) = &self.scenario {
            query.push_str(&format!("&scenario={id}&step={step}"));
        }
        if self.scripted > 0 {
            query.push_str(&format!("&scripted={}", self.scripted));
        }
        if let Some(MissionStep { id, answer }) = &self.mission {
            query.push_str(&format!("&mission={id}"));
            if let Some(answer) = answer {
                query.push_str(&format!("&answer={answer}"));
            }
        }
        query
    }

    /// Reads a share link from a query string (with or without the leading
    /// `?`): `None` when it has no `run`, so the page starts as the other
    /// parameters say. The speed is read as [`params::parse`] reads it
    /// (which reports a bad one itself).
    pub fn parse(query: &str) -> Option<Result<ShareLink, OpenError>> {
        let value = |wanted: &str| url::value(query, wanted);
        let token = value("run")?;
        Some(ShareLink::parse_parts(&token, value).map(|mut link| {
            link.speed = params::parse(query).0.speed;
            link
        }))
    }

    fn parse_parts(
        token: &str,
        value: impl Fn(&str) -> Option<String>,
    ) -> Result<ShareLink, OpenError> {
        let run = RunDescription::from_url_token(token).map_err(OpenError::Decode)?;
        let number = |name: &'static str, expected: &str| -> Result<Option<u64>, OpenError> {
            value(name)
                .map(|text| {
                    text.parse::<u64>().map_err(|_| OpenError::Parameter {
                        name,
                        value: text.clone(),
                        expected: expected.to_owned(),
                    })
                })
                .transpose()
        };
        let position = number("at", "is not a step count (a whole number)")?.unwrap_or(0);
        let now_us = number("t", "is not a virtual time in µs (a whole number)")?;
        let explored_until_us = number("end", "is not a virtual time in µs (a whole number)")?;
        let selected = match number("sel", "is not a server number")? {
            None => NodeId(1),
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .map(NodeId)
                .ok_or_else(|| OpenError::Parameter {
                    name: "sel",
                    value: n.to_string(),
                    expected: "is not a server number".to_owned(),
                })?,
        };
        let open = parse_open(value("open"))?;
        let scenario = match library_id("scenario", value("scenario"))? {
            None => None,
            Some(id) => {
                let step = number("step", "is not a step number")?.unwrap_or(0);
                Some(ScenarioStep {
                    id,
                    step: usize::try_from(step).unwrap_or(usize::MAX),
                })
            }
        };
        let mission = match library_id("mission", value("mission"))? {
            None => None,
            Some(id) => {
                let answer = number("answer", "is not a choice number")?;
                Some(MissionStep {
                    id,
                    answer: answer.map(|a| usize::try_from(a).unwrap_or(usize::MAX)),
                })
            }
        };
        let scripted = number("scripted", "is not a count of inputs")?.unwrap_or(0);
        if scripted > run.inputs.len() as u64 {
            return Err(OpenError::Parameter {
                name: "scripted",
                value: scripted.to_string(),
                expected: format!("is more than the run's {} inputs", run.inputs.len()),
            });
        }
        Ok(ShareLink {
            run,
            position,
            now_us,
            explored_until_us,
            selected,
            open,
            speed: params::SPEED_DEFAULT,
            scenario,
            scripted: scripted as usize,
            mission,
        })
    }

    /// Rebuilds the run the link shows, paused at its position, and
    /// checks that the selected server exists there.
    pub fn rebuild(&self) -> Result<Session, OpenError> {
        self.rebuild_within(REPLAY_STEPS_MAX)
    }

    /// [`ShareLink::rebuild`] playing at most `steps_max` steps on the way
    /// to `end` (the page gives [`REPLAY_STEPS_MAX`]).
    pub fn rebuild_within(&self, steps_max: u64) -> Result<Session, OpenError> {
        let too_far = |t: Option<Micros>| t.is_some_and(|t| t > REPLAY_US_MAX);
        if self.position > REPLAY_STEPS_MAX
            || too_far(self.now_us)
            || too_far(self.explored_until_us)
        {
            return Err(OpenError::TooLong);
        }
        let mut session = replayed(&self.run, self.scripted)?;
        if let Some(end) = self.explored_until_us {
            explore_to(&mut session, end, steps_max)?;
        }
        session.seek_position(self.position)?;
        if session.position() != self.position {
            return Err(OpenError::Parameter {
                name: "at",
                value: self.position.to_string(),
                expected: format!("is past the end of the run ({} steps)", session.position()),
            });
        }
        if let Some(now) = self.now_us {
            if now < session.now() {
                // Exploring to `end` left the clock past the step at `at`
                // (a position is a span of time, from its step to the next):
                // come back to the instant of that step.
                back_to_step(&mut session, self.position, now)?;
            }
            let step_at = session.now();
            if now < step_at {
                return Err(self.clock_error(now, "is before the step at `at`"));
            }
            // Moving the clock to `t` may take no step: a budget of one
            // step is enough to see that it would, however far `t` is.
            session.advance_within(now, 1)?;
            if session.position() != self.position {
                return Err(self.clock_error(now, "is past the step after `at`"));
            }
        }
        let servers = session.server_count();
        if self.selected.0 as usize > servers {
            return Err(OpenError::Parameter {
                name: "sel",
                value: self.selected.0.to_string(),
                expected: format!("names no server of this run (it has {servers})"),
            });
        }
        Ok(session)
    }

    fn clock_error(&self, now: Micros, why: &str) -> OpenError {
        OpenError::Parameter {
            name: "t",
            value: now.to_string(),
            expected: why.to_owned(),
        }
    }
}

/// Reads a run file and rebuilds its run, paused at its last input (at the
/// start if it has none).
pub fn open_file(text: &str) -> Result<Session, OpenError> {
    if text.len() as u64 > FILE_BYTES_MAX {
        return Err(too_large_file());
    }
    let run = RunDescription::from_json(text).map_err(OpenError::Decode)?;
    check_bounds(&run)?;
    Session::replay_to_last_input(&run).map_err(OpenError::Replay)
}

/// Why a file over [`FILE_BYTES_MAX`] is not read.
pub fn too_large_file() -> OpenError {
    OpenError::Unreadable(format!(
        "it is larger than {} MiB, too large for a run file",
        FILE_BYTES_MAX >> 20
    ))
}

/// The run replayed from its description (checking every input fits),
/// positioned at its start.
fn replayed(run: &RunDescription, scripted: usize) -> Result<Session, OpenError> {
    check_bounds(run)?;
    Session::replay_scripted(run, scripted).map_err(OpenError::Replay)
}

/// Moves `session`, at `position` with its clock later than `now`, back to
/// the instant `position` began: the instant of its last step (one step
/// back and forward again), or for the start, `now` itself.
fn back_to_step(session: &mut Session, position: u64, now: Micros) -> Result<(), OpenError> {
    match position.checked_sub(1) {
        Some(before) => {
            session.seek_position(before)?;
            session.seek_position(position)?;
        }
        None => session.seek(now)?,
    }
    Ok(())
}

/// Refuses a run whose inputs lie further than the page replays. An input
/// is applied after `after_event` events at instant `at`, and the replay
/// never runs past either: bounding them bounds the replay, whatever the
/// link says.
pub fn check_bounds(run: &RunDescription) -> Result<(), OpenError> {
    let beyond = |i: &TimedCommand| i.after_event > REPLAY_STEPS_MAX || i.at > REPLAY_US_MAX;
    if run.inputs.iter().any(beyond) {
        return Err(OpenError::TooLong);
    }
    Ok(())
}

/// Plays `session` on to instant `end`, giving up past `steps_max` steps
/// from the start (counted step by step, so no stretch of virtual time,
/// however busy, runs past it).
fn explore_to(session: &mut Session, end: Micros, steps_max: u64) -> Result<(), OpenError> {
    let budget = steps_max.saturating_sub(session.position());
    if session.advance_within(end, budget)? {
        Ok(())
    } else {
        Err(OpenError::TooLong)
    }
}

/// The address of the page itself: `href` without its query and fragment.
pub fn page_address(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or(href)
}

/// The name an exported run is saved under.
pub fn export_file_name(seed: u64) -> String {
    format!("raftlab-seed-{seed}.json")
}

/// What the share tools read at the moment they are used: the live run and
/// the page state around it. Equal while the run and that state are the
/// same run object and values, so the tools are not drawn again every frame.
#[derive(Clone)]
pub struct ShareSource {
    session: Rc<RefCell<Session>>,
    selected: NodeId,
    open: OpenPanels,
    speed: f64,
    scenario: Option<ScenarioStep>,
    mission: Option<MissionStep>,
}

impl ShareSource {
    /// The tools' view of a run and the page state around it.
    pub fn new(
        session: Rc<RefCell<Session>>,
        selected: NodeId,
        open: OpenPanels,
        speed: f64,
    ) -> ShareSource {
        ShareSource {
            session,
            selected,
            open,
            speed,
            scenario: None,
            mission: None,
        }
    }

    /// The same, narrating a step of a bundled scenario.
    pub fn in_scenario(mut self, scenario: Option<ScenarioStep>) -> ShareSource {
        self.scenario = scenario;
        self
    }

    /// The same, playing a bundled mission.
    pub fn in_mission(mut self, mission: Option<MissionStep>) -> ShareSource {
        self.mission = mission;
        self
    }

    /// The share link for what is on screen now.
    pub fn link(&self) -> ShareLink {
        let mut link = ShareLink::of(&self.session.borrow(), self.selected, self.open, self.speed);
        link.scenario = self.scenario.clone();
        link.mission = self.mission.clone();
        link
    }

    /// The whole recorded run, for a file.
    pub fn run(&self) -> RunDescription {
        self.session.borrow().description()
    }
}

impl PartialEq for ShareSource {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && (self.selected, self.open) == (other.selected, other.open)
            && self.speed == other.speed
            && self.scenario == other.scenario
            && self.mission == other.mission
    }
}

#[cfg(test)]
mod tests {
    //! Share links as data: a query string in, what the page restores out;
    //! the length of a link for a busy run; every way a link or a file can
    //! be wrong, each a message; and the page state around them in the reducer.

    use super::*;
    use crate::ui::{Action, Ui};
    use raftlab_core::session::Operation;
    use raftlab_core::session::RaftOptions;
    use raftlab_core::session::RUN_FORMAT_VERSION;
    use raftlab_core::session::{Command, Config, NarratedScenario};
    use raftlab_core::view::RunView;
    use raftlab_core::view::{LinkFaults, WorkloadSpec};
    use yew::Reducible;

    /// A page address with a sub-path, as on a static host.
    const PAGE: &str = "https://example.github.io/raftlab/";

    /// The varied inputs a learner gives, in turn; some are refused where
    /// they land (no leader yet, a server already down) and are skipped.
    fn command(i: usize) -> Command {
        let node = NodeId((i % 5) as u32 + 1);
        let other = NodeId(((i + 2) % 5) as u32 + 1);
        match i % 14 {
            0 => Command::ClientRequest {
                client: None,
                target: None,
                op: Operation::Put {
                    key: format!("key{i}"),
                    value: format!("value {i}"),
                },
            },
            1 => Command::Crash { node },
            2 => Command::Restart {
                node: NodeId(((i - 1) % 5) as u32 + 1),
            },
            3 => Command::Partition {
                groups: vec![vec![node, other], vec![NodeId(3)]],
            },
            4 => Command::Heal,
            5 => Command::SetNetworkFaults {
                faults: LinkFaults {
                    drop_per_mille: 50,
                    duplicate_per_mille: 20,
                    extra_delay_us: 3_000,
                    latency_us: None,
                },
            },
            6 => Command::Timeout { node },
            7 => Command::CutLink {
                from: node,
                to: other,
            },
            8 => Command::SetLinkFaults {
                from: other,
                to: node,
                faults: Some(LinkFaults {
                    drop_per_mille: 300,
                    ..LinkFaults::default()
                }),
            },
            9 => Command::ClientRequest {
                client: None,
                target: Some(other),
                op: Operation::Get {
                    key: format!("key{}", i - 9),
                },
            },
            10 => Command::SetWorkload {
                workload: Some(WorkloadSpec::default()),
            },
            11 => Command::TransferLeadership { to: other },
            12 => Command::SetWorkload { workload: None },
            _ => {
                let config = Config {
                    raft: RaftOptions {
                        pre_vote: i % 2 == 0,
                        ..RaftOptions::default()
                    },
                    ..Config::default()
                };
                Command::Configure {
                    config: Box::new(config),
                }
            }
        }
    }

    /// A run with `count` accepted inputs, 37 ms of virtual time apart.
    fn busy_run(seed: u64, count: usize) -> Session {
        let mut session = Session::new(seed, Config::default()).expect("the default config runs");
        let mut accepted = 0;
        for i in 0..count * 10 {
            if accepted == count {
                break;
            }
            session
                .advance_to(session.now() + 37_000)
                .expect("the recorded run plays");
            accepted += usize::from(session.submit(command(i)).is_ok());
        }
        assert_eq!(accepted, count, "enough inputs were accepted");
        session
    }

    fn link_of(session: &Session) -> ShareLink {
        let open = OpenPanels::default()
            .with(ControlPanel::Network)
            .with(ControlPanel::Config);
        ShareLink::of(session, NodeId(3), open, 0.5)
    }

    fn parsed(query: &str) -> Result<ShareLink, OpenError> {
        ShareLink::parse(query).expect("a query with a run")
    }

    #[test]
    fn a_link_taken_after_seeking_back_to_a_step_opens_at_that_step() {
        // Played on past a step, then brought back to it (Replay my
        // solution, the event log): the clock is at the step's instant,
        // earlier than where exploring to `end` leaves a replay's clock.
        let mut session = busy_run(4, 3);
        session.advance_to(2_000_000).expect("plays");
        let played = session.position();
        session.seek_position(played - 1).expect("back");
        session.seek_position(played).expect("forward");
        let link = link_of(&session);
        assert!(link.now_us < link.explored_until_us);
        let mut rebuilt = parsed(&link.to_query())
            .and_then(|link| link.rebuild())
            .expect("opens");
        assert_eq!(
            (rebuilt.position(), rebuilt.now()),
            (session.position(), session.now())
        );
        assert_eq!(looks(&mut rebuilt), looks(&mut session));
    }

    /// The page as it looks: the cluster and the run around it.
    fn looks(session: &mut Session) -> (raftlab_core::view::ClusterView, RunView) {
        (session.view(), session.run_view())
    }

    #[test]
    fn a_link_reads_back_as_what_was_shared() {
        let session = busy_run(4, 6);
        let link = link_of(&session);
        let query = link.to_query();
        assert!(query.starts_with("?run=1."), "{query}");
        assert!(
            query.contains("&sel=3&open=network,config&speed=0.5"),
            "{query}"
        );
        assert_eq!(parsed(&query), Ok(link.clone()));
        assert_eq!(parsed(&query[1..]), Ok(link), "the ? is optional");
        assert_eq!(
            ShareLink::parse("?seed=4&nodes=3"),
            None,
            "not a share link"
        );
    }

    #[test]
    fn a_link_made_while_narrating_names_the_scenario_and_step() {
        let session = busy_run(4, 3);
        let mut link = link_of(&session);
        link.scenario = Some(ScenarioStep {
            id: "figure-8".into(),
            step: 4,
        });
        let query = link.to_query();
        assert!(query.ends_with("&scenario=figure-8&step=4"), "{query}");
        assert_eq!(parsed(&query), Ok(link));
        let bad = format!("{}&scenario=Figure_8", link_of(&session).to_query());
        assert!(matches!(
            parsed(&bad),
            Err(OpenError::Parameter {
                name: "scenario",
                ..
            })
        ));
    }

    #[test]
    fn a_link_made_after_leaving_a_scenario_keeps_its_inputs_the_scenarios() {
        let narrated = NarratedScenario::load("leader-failover").expect("a bundled scenario");
        let mut session = narrated.session;
        let scripted = session.scripted_inputs();
        assert!(scripted > 0, "the scenario scripts its inputs");
        session
            .submit(Command::Crash { node: NodeId(3) })
            .expect("the learner acts");
        let link = link_of(&session);
        let query = link.to_query();
        assert!(query.ends_with(&format!("&scripted={scripted}")), "{query}");
        let mut opened = parsed(&query).and_then(|l| l.rebuild()).expect("it opens");
        let texts: Vec<String> = opened
            .run_view()
            .journal
            .iter()
            .map(|e| e.text.clone())
            .collect();
        let says = |who: &str| texts.iter().filter(|t| t.starts_with(who)).count();
        assert_eq!(says("scenario: "), scripted, "{texts:?}");
        assert_eq!(
            says("you: "),
            1,
            "only the crash was the learner's: {texts:?}"
        );
        let too_many = format!("{query}0");
        assert!(matches!(
            parsed(&too_many),
            Err(OpenError::Parameter {
                name: "scripted",
                ..
            })
        ));
    }

    #[test]
    fn forty_varied_inputs_make_a_link_under_two_thousand_characters() {
        let mut session = busy_run(7, 40);
        // Scrub back to between two events, well before the last input.
        let end = session.now();
        session.seek(end / 2 + 123).expect("the run replays");
        let link = link_of(&session);
        let url = format!("{PAGE}{}", link.to_query());
        println!("a share link for 40 inputs: {} characters", url.len());
        assert!(url.len() < 2_000, "{} characters: {url}", url.len());
        assert_eq!(
            link.run.inputs.len(),
            40,
            "inputs after the position are kept"
        );

        let mut rebuilt = parsed(&url[PAGE.len()..])
            .and_then(|link| link.rebuild())
            .expect("the link opens");
        assert_eq!(looks(&mut rebuilt), looks(&mut session));
        assert_eq!(rebuilt.recorded_inputs(), session.recorded_inputs());
        // The future plays on the same from both.
        session.advance_to(end + 500_000).expect("plays");
        rebuilt.advance_to(end + 500_000).expect("plays");
        assert_eq!(looks(&mut rebuilt), looks(&mut session));
    }

    #[test]
    fn a_link_restores_the_clock_between_two_events_and_the_end_of_the_scrubber() {
        let mut session = busy_run(2, 3);
        session.advance_to(2_000_000).expect("plays");
        session.seek(1_234_567).expect("replays");
        let link = link_of(&session);
        assert_eq!(link.now_us, Some(1_234_567));
        assert_eq!(link.explored_until_us, Some(2_000_000));
        let mut rebuilt = link.rebuild().expect("opens");
        assert_eq!(rebuilt.now(), 1_234_567);
        assert_eq!(rebuilt.explored_until(), 2_000_000);
        assert_eq!(looks(&mut rebuilt), looks(&mut session));
    }

    #[test]
    fn malformed_truncated_and_future_runs_are_messages() {
        let token = busy_run(3, 5).recorded_inputs().to_vec();
        let token = RunDescription {
            seed: 3,
            config: Config::default(),
            inputs: token,
        }
        .to_url_token();
        let message = |query: &str| parsed(query).expect_err("refused").to_string();
        assert_eq!(message("?run="), "the run is empty");
        assert_eq!(message("?run=hello"), "this is not a Raftlab run");
        assert!(message("?run=1.%%%%").starts_with("the run is damaged"));
        let cut = &token[..token.len() * 2 / 3];
        assert_eq!(
            message(&format!("?run={cut}")),
            "the run is cut short (was it copied or saved whole?)"
        );
        let future = format!("{}{}", RUN_FORMAT_VERSION + 1, &token[1..]);
        assert!(
            message(&format!("?run={future}")).contains("saved by a newer Raftlab"),
            "{}",
            message(&format!("?run={future}"))
        );
    }

    /// A run whose timers fire every few microseconds: millions of steps
    /// per virtual second.
    fn storm_run() -> Session {
        let config = Config::step_storm();
        Session::new(2, config).expect("a valid config")
    }

    #[test]
    fn a_busy_run_asked_to_play_far_is_refused_by_its_step_count() {
        let run = link_of(&storm_run()).run.to_url_token();
        // Ten hours is within the time bound, but far more steps than the
        // budget: refused once the budget is spent, not after ten hours of
        // steps (the page's budget is REPLAY_STEPS_MAX; a small one keeps
        // the test quick).
        let far = REPLAY_US_MAX;
        let error = parsed(&format!("?run={run}&at=0&end={far}"))
            .and_then(|link| link.rebuild_within(50_000).map(|_| ()))
            .expect_err("refused");
        assert!(matches!(error, OpenError::TooLong), "{error}");
        // A clock far past the step at `at` is refused at once, by the
        // step it would take.
        let error = parsed(&format!("?run={run}&at=10&t={far}"))
            .and_then(|link| link.rebuild().map(|_| ()))
            .expect_err("refused");
        assert!(
            error.to_string().contains("is past the step after `at`"),
            "{error}"
        );
    }

    #[test]
    fn every_other_bad_parameter_is_named_in_its_message() {
        let run = link_of(&busy_run(5, 2)).run.to_url_token();
        let message = |rest: &str| {
            parsed(&format!("?run={run}{rest}"))
                .and_then(|link| link.rebuild().map(|_| ()))
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            message("&at=ten"),
            "at=\"ten\" is not a step count (a whole number)"
        );
        assert_eq!(
            message("&at=5&t=-1"),
            "t=\"-1\" is not a virtual time in µs (a whole number)"
        );
        assert_eq!(message("&sel=0"), "sel=\"0\" is not a server number");
        assert_eq!(
            message("&at=40&sel=7"),
            "sel=\"7\" names no server of this run (it has 5)"
        );
        assert_eq!(
            message("&open=network,files"),
            "open=\"files\" is not a panel (network, client or config)"
        );
        assert!(message("&at=400&t=1").starts_with("t=\"1\" is before the step"));
        assert!(message("&at=4&t=60000000").starts_with("t=\"60000000\" is past the step"));
        assert!(
            message(&format!("&at={}", REPLAY_STEPS_MAX + 1)).starts_with("the run goes further")
        );
        assert!(message(&format!("&end={}", REPLAY_US_MAX + 1)).starts_with("the run goes further"));
    }

    #[test]
    fn inputs_that_do_not_replay_or_reach_too_far_are_refused_before_replaying() {
        let mut inputs = busy_run(6, 3).recorded_inputs().to_vec();
        inputs[1].after_event = inputs[0].after_event.saturating_sub(1);
        let broken = RunDescription {
            seed: 6,
            config: Config::default(),
            inputs: inputs.clone(),
        };
        let error = parsed(&format!("?run={}", broken.to_url_token()))
            .and_then(|link| link.rebuild())
            .expect_err("does not replay");
        assert!(matches!(error, OpenError::Replay(_)), "{error:?}");
        assert!(
            error.to_string().starts_with("its inputs do not replay ("),
            "{error}"
        );
        inputs[2].after_event = REPLAY_STEPS_MAX + 1;
        let far = RunDescription {
            seed: 6,
            config: Config::default(),
            inputs,
        };
        assert_eq!(open_file(&far.to_json()).err(), Some(OpenError::TooLong));
    }

    #[test]
    fn a_run_file_opens_at_its_last_input_and_a_bad_one_is_a_message() {
        let session = busy_run(8, 4);
        let run = session.description();
        let opened = open_file(&run.to_json()).expect("the file opens");
        let last = run.inputs.last().expect("inputs");
        assert_eq!(
            opened.position(),
            last.after_event + run.inputs.len() as u64
        );
        assert_eq!(opened.now(), last.at);
        assert_eq!(opened.description(), run);
        assert_eq!(
            open_file("{\"format\": \"raftlab-run\", \"version\": 1, \"seed\": \"x\"")
                .err()
                .map(|e| e.to_string()),
            Some("the run is cut short (was it copied or saved whole?)".into())
        );
        assert_eq!(
            open_file("not json").err().map(|e| e.to_string()),
            Some("this is not a Raftlab run".into())
        );
        let padded = format!("{}{}", run.to_json(), " ".repeat(FILE_BYTES_MAX as usize));
        assert_eq!(
            open_file(&padded).err().map(|e| e.to_string()),
            Some("it is larger than 4 MiB, too large for a run file".into()),
            "a file over the limit is refused before it is parsed"
        );
    }

    #[test]
    fn values_are_percent_decoded_and_the_page_address_drops_query_and_fragment() {
        assert_eq!(crate::url::decoded("network%2Cconfig"), "network,config");
        assert_eq!(crate::url::decoded("a+b%zz%4"), "a b%zz%4");
        assert_eq!(crate::url::decoded("1.AbC-_"), "1.AbC-_");
        assert_eq!(
            page_address("https://h/sub/path/?seed=1#x"),
            "https://h/sub/path/"
        );
        assert_eq!(
            page_address("https://h/index.html#top"),
            "https://h/index.html"
        );
        assert_eq!(
            page_address("file:///tmp/dist/index.html"),
            "file:///tmp/dist/index.html"
        );
        assert_eq!(export_file_name(42), "raftlab-seed-42.json");
        let open = OpenPanels::default()
            .with(ControlPanel::Config)
            .with(ControlPanel::Network);
        assert_eq!(
            open.iter().collect::<Vec<_>>(),
            [ControlPanel::Network, ControlPanel::Config]
        );
        assert_eq!(
            ControlPanel::from_name("client"),
            Some(ControlPanel::Client)
        );
    }

    fn ui(query: &str) -> Rc<Ui> {
        Rc::new(Ui::open(query, &params::parse(query).0, 99))
    }

    #[test]
    fn the_page_opens_a_link_paused_with_its_selection_panels_and_speed() {
        let state = ui("?seed=5")
            .reduce(Action::SeekPosition(300))
            .reduce(Action::Run(Command::Crash { node: NodeId(2) }))
            .reduce(Action::SeekPosition(600))
            .reduce(Action::Select(NodeId(4)))
            .reduce(Action::PanelToggled {
                panel: ControlPanel::Client,
                open: true,
            })
            .reduce(Action::SetSpeed(0.25))
            .reduce(Action::SeekPosition(200));
        let query = state.share_source().link().to_query();
        assert!(query.contains("&at=200&"), "{query}");
        assert!(query.contains("&sel=4&open=client&speed=0.25"), "{query}");
        let opened = ui(&query);
        assert_eq!(opened.error, None);
        assert!(!opened.playing);
        assert_eq!((opened.selected, opened.speed), (NodeId(4), 0.25));
        assert!(opened.open_panels.is_open(ControlPanel::Client));
        assert!(!opened.open_panels.is_open(ControlPanel::Network));
        assert_eq!(opened.view.0, state.view.0);
        assert_eq!(opened.run.0, state.run.0);
        assert_eq!(opened.seed(), 5);
        // The crash after the position is in the shared future.
        let ahead = opened.reduce(Action::SeekPosition(600));
        assert_eq!(ahead.view.0.node(NodeId(2)).map(|n| n.alive), Some(false));
    }

    #[test]
    fn a_link_that_cannot_be_opened_says_why_and_opens_the_default_cluster() {
        for query in ["?run=1.AAAA&seed=7", "?run=2.AAAA&seed=7", "?run=1.&seed=7"] {
            let state = ui(query);
            let error = state.error.clone().expect("a message");
            assert!(
                error.starts_with("This link could not be opened: "),
                "{error}"
            );
            assert_eq!(
                state.seed(),
                7,
                "{query}: the run the other parameters describe"
            );
            assert_eq!(state.view.0.nodes.len(), 5);
            assert!(state.playing);
        }
    }

    #[test]
    fn importing_a_bad_file_changes_nothing_and_a_good_one_replaces_the_run() {
        let state = ui("?seed=3").reduce(Action::SeekPosition(50));
        let run = state.share_source().run();
        let refused = state.clone().reduce(Action::Import {
            file_name: "notes.txt".into(),
            text: Ok("hello".into()),
        });
        assert_eq!(
            refused.error.as_deref(),
            Some("The file \"notes.txt\" could not be opened: this is not a Raftlab run.")
        );
        assert_eq!(refused.view.0, state.view.0);
        assert_eq!(refused.share_source().run(), run);
        let unreadable = state.clone().reduce(Action::Import {
            file_name: "big.json".into(),
            text: Err("it is too large".into()),
        });
        assert_eq!(
            unreadable.error.as_deref(),
            Some("The file \"big.json\" could not be opened: it is too large.")
        );

        let other = ui("?seed=11&nodes=3")
            .reduce(Action::SeekPosition(80))
            .reduce(Action::Run(Command::Crash { node: NodeId(1) }))
            .reduce(Action::SeekPosition(120));
        let file = other.share_source().run().to_json();
        let imported = state.reduce(Action::Import {
            file_name: "raftlab-seed-11.json".into(),
            text: Ok(file),
        });
        assert_eq!(imported.error, None);
        assert_eq!((imported.seed(), imported.view.0.nodes.len()), (11, 3));
        assert_eq!(imported.run.0.position, 81, "paused at its last input");
        assert!(!imported.playing);
        assert_eq!(imported.share_source().run(), other.share_source().run());
    }

    #[test]
    fn panels_opened_and_closed_are_what_a_link_says() {
        let state = ui("?seed=1")
            .reduce(Action::PanelToggled {
                panel: ControlPanel::Config,
                open: true,
            })
            .reduce(Action::PanelToggled {
                panel: ControlPanel::Network,
                open: true,
            })
            .reduce(Action::PanelToggled {
                panel: ControlPanel::Config,
                open: false,
            });
        assert_eq!(
            state.share_source().link().open,
            OpenPanels::default().with(ControlPanel::Network)
        );
    }
}
