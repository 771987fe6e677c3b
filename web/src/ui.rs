//! The UI state and everything that can happen to it: one reducer (`Ui`)
//! owns the run (a `Session` that can be scrubbed to any instant) and the
//! page state around it; components send `Action`s up, the animation loop
//! sends `Action::Frame`, and every component draws from the same view of
//! the cluster and of the run. Narration of a bundled scenario is part of
//! that state (`Narration`).

use crate::experiments::ExperimentForm;
use crate::params::{self, Embed, EmbedPanel, Settings};
use crate::share::{
    self, ControlPanel, MissionStep, OpenError, OpenPanels, ScenarioStep, ShareLink, ShareSource,
};
use raftlab_core::session::{
    Command, Config, MarkKind, NarratedScenario, Operation, RunDescription, Session,
};
use raftlab_core::view::{ClusterView, Highlight, HistoryView, NodeId, RunView};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

mod action;
mod mission;
mod narration;

pub use action::Action;
pub use mission::{done_ids as missions_done, solved as missions_solved, MissionRun};
pub use narration::Narration;

/// The longest wall-clock gap one frame may cover, so a tab coming back from
/// the background does not leap ahead.
pub const FRAME_MS_MAX: f64 = 100.0;

/// The most steps one animation frame plays (a few tens of milliseconds of
/// work in the browser): a run that makes more at the chosen speed, such as
/// one with microsecond timeouts, plays slower than asked instead of
/// freezing the page, and the ring says so.
pub const FRAME_STEPS_MAX: u64 = 20_000;

/// The most steps one seek plays past its checkpoint (as many as a share
/// link may replay): a seek far ahead in a run with microsecond timeouts
/// stops there and says so instead of freezing the page.
pub const SEEK_STEPS_MAX: u64 = crate::share::REPLAY_STEPS_MAX;

/// A view shared by every component; equal only to itself, so components
/// re-render exactly when a new view is built.
#[derive(Clone, Debug)]
pub struct SharedView(pub Rc<ClusterView>);

impl PartialEq for SharedView {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// While playback takes more steps than this per frame, the run's panels
/// (event log, space-time diagram, checkers, scrubber) are rebuilt only
/// every [`RUN_REFRESH_MS`] of wall time.
pub const RUN_STEPS_EVERY_FRAME: u64 = 12;

/// The longest the run's panels lag behind the cluster while playing fast.
pub const RUN_REFRESH_MS: f64 = 200.0;

/// How long, in wall time at the chosen speed, a fresh run plays before its
/// first server times out (see [`Ui::skip_quiet_start`]).
pub const FIRST_TIMEOUT_LEAD_MS: f64 = 800.0;

/// Microseconds as milliseconds, at most one decimal: "10", "0.5".
fn format_ms(us: u64) -> String {
    let tenths = (us as f64 / 100.0).round() / 10.0;
    format!("{tenths}")
}

/// The Experiments view as it opens: its form, and whether it runs at once
/// (opened from an experiment link).
#[derive(Clone, Debug, PartialEq)]
pub struct Experiments {
    /// The preset and values it opens with.
    pub form: ExperimentForm,
    /// Run as soon as it opens.
    pub autorun: bool,
}

/// A [`RunView`] shared by components, equal only to itself (like [`SharedView`]).
#[derive(Clone, Debug)]
pub struct SharedRun(pub Rc<RunView>);

impl PartialEq for SharedRun {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A [`HistoryView`] shared by components, equal only to itself (like [`SharedView`]).
#[derive(Clone, Debug)]
pub struct SharedHistory(pub Rc<HistoryView>);

impl PartialEq for SharedHistory {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The UI state. The playback sits behind a shared cell so that a new state
/// never copies it; `view` and `run` are rebuilt whenever it moves.
#[derive(Clone)]
pub struct Ui {
    /// The run. Invariant: `view` and `run` were built from it as it is now.
    session: Rc<RefCell<Session>>,
    /// What every component draws.
    pub view: SharedView,
    /// The run around the playback position. While playback runs many
    /// steps per frame it is rebuilt only every [`RUN_REFRESH_MS`] (the event
    /// log and the space-time diagram cannot be read faster anyway).
    pub run: SharedRun,
    /// The cluster as it was when `run` was built (what the space-time
    /// diagram draws, so its arrows and its clock agree).
    pub run_view: SharedView,
    /// The client history as bars, built with `run` while the history
    /// panel is open (it reads the whole history), else `None`.
    pub history: Option<SharedHistory>,
    /// Wall-clock milliseconds of playback since `run` was built.
    since_run_ms: f64,
    /// Counts the changes since the session was opened: two states of the
    /// same session are the same state when their revisions agree.
    revision: u64,
    /// Is the keyboard help open?
    pub help_open: bool,
    /// Is the animation loop running?
    pub playing: bool,
    /// Reduced motion (the reader's `prefers-reduced-motion`, or the page's
    /// toggle): messages wait half-way instead of flying, and the page
    /// starts paused.
    pub reduced_motion: bool,
    /// What a screen reader is told of something the page did on its own
    /// (playback paused at a broken property), until the next action.
    pub announcement: Option<String>,
    /// The mission being played, if any.
    pub mission: Option<MissionRun>,
    /// Whether the last frame ran out of its [`FRAME_STEPS_MAX`] steps
    /// before the instant the speed asked for (the run plays slower).
    pub slowed: bool,
    /// Virtual time per wall time, `SPEED_MIN..=SPEED_MAX`.
    pub speed: f64,
    /// The server whose menu and state diagram are shown.
    pub selected: NodeId,
    /// The message the inspector shows instead of the selected server.
    pub selected_message: Option<u64>,
    /// The scenario being narrated, if any.
    pub narration: Option<Narration>,
    /// The last command's error, shown until the next command succeeds.
    pub error: Option<String>,
    /// The panels below the cluster that are open.
    pub open_panels: OpenPanels,
    /// The phone's action sheet was put away (until the next selection).
    pub actions_hidden: bool,
    /// The Experiments view, while it is shown instead of the cluster.
    pub experiments: Option<Experiments>,
    /// Presenter mode's panels, in order, while it is on: large type for a
    /// projector, the narration or mission as a caption.
    pub presenter: Option<Vec<EmbedPanel>>,
    /// The panels presenter mode showed when it was last on, so turning it
    /// on again brings them back.
    presenter_last: Vec<EmbedPanel>,
    /// Client puts sent so far (they name their keys and values).
    puts: u32,
}

impl Ui {
    /// What the narration points at for the step shown (nothing without one).
    pub fn highlight(&self) -> Highlight {
        self.narration
            .as_ref()
            .map(Narration::highlight)
            .unwrap_or_default()
    }

    /// Starts the run the settings describe.
    fn new(settings: &Settings, fresh_seed: u64) -> Ui {
        let seed = settings.seed.unwrap_or(fresh_seed);
        let config = Config {
            node_count: settings.nodes,
            ..Config::default()
        };
        // The parameters were validated, so this cannot fail; if the core's
        // rules ever grow stricter, the default cluster still starts.
        let mut session = Session::new(seed, config).unwrap_or_else(|_| {
            Session::new(seed, Config::default()).expect("the default configuration is valid")
        });
        remember(&session);
        Ui {
            view: SharedView(Rc::new(session.view())),
            run: SharedRun(Rc::new(session.run_view())),
            run_view: SharedView(Rc::new(session.view())),
            history: None,
            since_run_ms: 0.0,
            revision: 0,
            session: Rc::new(RefCell::new(session)),
            help_open: false,
            playing: true,
            reduced_motion: false,
            announcement: None,
            slowed: false,
            mission: None,
            speed: settings.speed,
            selected: NodeId(1),
            selected_message: None,
            narration: None,
            error: None,
            open_panels: OpenPanels::default(),
            actions_hidden: false,
            experiments: None,
            presenter: None,
            presenter_last: params::PRESENTER_PANELS.to_vec(),
            puts: 0,
        }
    }

    /// Opens the page: the run a share link in `query` describes, paused
    /// where it was shared; without one, or if it cannot be opened (then
    /// saying why), the run the settings describe.
    pub(crate) fn open(query: &str, settings: &Settings, fresh_seed: u64) -> Ui {
        let mut ui = Ui::new(settings, fresh_seed);
        match ExperimentForm::from_query(query) {
            Some(Ok(form)) => {
                ui.playing = false;
                ui.experiments = Some(Experiments {
                    form,
                    autorun: true,
                });
            }
            Some(Err(e)) => ui.error = Some(format!("{e}.")),
            None => {}
        }
        if let Some(link) = ShareLink::parse(query) {
            if let Err(e) = link.and_then(|link| ui.restore(&link)) {
                ui.error = Some(format!("{}: {e}.", share::LINK_FAILED));
            }
            ui.refresh();
        } else if let Some(id) = crate::url::value(query, "mission") {
            // A course's link to a mission: `?mission=split-vote`.
            ui.load_mission(&id);
            ui.refresh();
        } else if let Some(id) = crate::url::value(query, "scenario") {
            // A course's link to a narrated scenario at a step:
            // `?scenario=figure-8&step=3` (steps counted from 0).
            ui.load_scenario(&id);
            ui.open_scenario_step(crate::url::value(query, "step").as_deref());
            ui.refresh();
        }
        ui
    }

    /// Shows the narration step a course's link names (`step`, from 0),
    /// or says why it cannot.
    fn open_scenario_step(&mut self, step: Option<&str>) {
        let (Some(step), Some(narration)) = (step, &self.narration) else {
            return;
        };
        let count = narration.steps.len();
        match step.parse::<usize>() {
            Ok(index) if index < count => self.go_to_step(index),
            _ => {
                self.error = Some(format!(
                    "step “{}” is not a step of this scenario (it has steps 0 to {}).",
                    crate::quantity::shown(step),
                    count.saturating_sub(1)
                ));
            }
        }
    }

    /// What an embed's experiments panel opens with: the embed's experiment
    /// (or the link's, or the default form), run at once if it autoplays.
    pub(crate) fn embed_experiment(&mut self, embed: &Embed) {
        if !embed.panels.contains(&EmbedPanel::Experiments) {
            return;
        }
        let form = embed
            .experiment
            .clone()
            .or_else(|| self.experiments.take().map(|e| e.form));
        self.experiments = Some(Experiments {
            autorun: embed.autoplay && form.is_some(),
            form: form.unwrap_or_default(),
        });
    }

    /// Shows what a share link holds, paused; changes nothing if it cannot.
    fn restore(&mut self, link: &ShareLink) -> Result<(), OpenError> {
        let mission = link
            .mission
            .as_ref()
            .map(|MissionStep { id, answer }| MissionRun::resume(id, *answer, &link.run))
            .transpose()
            .map_err(OpenError::Unreadable)?;
        let session = link.rebuild()?;
        self.load(session);
        // A link shared from a mission opens its panel, followed to the
        // link's step (a solution shows as solved; it is not ticked as
        // solved on this browser).
        if let Some(mut mission) = mission {
            mission.follow(&self.session.borrow());
            self.mission = Some(mission);
        }
        // A link made while narrating opens the scenario at that step (the
        // run it carries is the scenario's, so without it the page still
        // shows the same state).
        if let Some(ScenarioStep { id, step }) = &link.scenario {
            self.load_scenario(id);
            let steps = self.narration.as_ref().map_or(0, |n| n.steps.len());
            if *step < steps {
                self.go_to_step(*step);
            }
        }
        self.playing = false;
        self.selected = link.selected;
        self.open_panels = link.open;
        self.speed = link.speed;
        Ok(())
    }

    /// Replaces the run; the selection falls back to S1 if its server is gone.
    fn load(&mut self, session: Session) {
        remember(&session);
        // Generated puts go on numbering after the run's own requests.
        let requests = session
            .recorded_inputs()
            .iter()
            .filter(|i| matches!(i.command, Command::ClientRequest { .. }))
            .count();
        self.puts = u32::try_from(requests).unwrap_or(u32::MAX);
        self.session = Rc::new(RefCell::new(session));
        self.narration = None;
        self.mission = None;
        self.error = None;
        if self.selected.0 as usize > self.session.borrow().server_count() {
            self.selected = NodeId(1);
        }
        self.selected_message = None;
    }

    /// Opens a run file, paused at its last input; a file that cannot be
    /// opened leaves the run as it was and says why.
    fn import(&mut self, file_name: &str, text: Result<String, String>) {
        match text
            .map_err(OpenError::Unreadable)
            .and_then(|text| share::open_file(&text))
        {
            Ok(session) => {
                self.load(session);
                self.playing = false;
            }
            Err(e) => {
                self.error = Some(format!("The file {file_name:?} could not be opened: {e}."))
            }
        }
    }

    /// What the Share and Export buttons read when clicked.
    pub fn share_source(&self) -> ShareSource {
        let scenario = self.narration.as_ref().and_then(|n| {
            n.current.map(|step| ScenarioStep {
                id: n.scenario.id.clone(),
                step,
            })
        });
        ShareSource::new(
            self.session.clone(),
            self.selected,
            self.open_panels,
            self.speed,
        )
        .in_scenario(scenario)
        .in_mission(self.mission.as_ref().map(|m| MissionStep {
            id: m.mission.id.clone(),
            answer: m.progress.answer,
        }))
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.session.borrow().seed()
    }

    /// The run's configuration.
    pub fn config(&self) -> Config {
        self.session.borrow().config().clone()
    }

    /// Applies the Configuration panel. With the same seed, cluster size
    /// and state machine, the change is a timed command at the playback
    /// position (so rewinding and replaying work across it); otherwise it
    /// starts a new run from `seed` and `config`. A configuration the core
    /// refuses leaves the run as it was and says why.
    fn configure(&mut self, config: Config, seed: u64) {
        let current = self.config();
        let same_run = seed == self.seed()
            && config.node_count == current.node_count
            && config.state_machine == current.state_machine;
        if same_run {
            if config != current {
                self.run(Command::Configure {
                    config: Box::new(config),
                });
            }
            return;
        }
        match Session::new(seed, config) {
            Ok(session) => self.load(session),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Replaces the run with a recorded one, played from its start.
    pub(crate) fn load_run(&mut self, run: &RunDescription) {
        match Session::replay(run) {
            Ok(session) => self.load(session),
            Err(e) => self.error = Some(format!("this run cannot be replayed: {e}")),
        }
    }

    pub(crate) fn refresh(&mut self) {
        self.follow_mission();
        let mut session = self.session.borrow_mut();
        self.view = SharedView(Rc::new(session.view()));
        self.run = SharedRun(Rc::new(session.run_view()));
        self.run_view = self.view.clone();
        self.history = self
            .open_panels
            .is_open(ControlPanel::History)
            .then(|| SharedHistory(Rc::new(session.history_view())));
        self.since_run_ms = 0.0;
    }

    /// After a frame: the cluster is redrawn every frame; the run only when
    /// few steps went by since it was built (slow playback stays smooth),
    /// when [`RUN_REFRESH_MS`] passed, or when playback stopped.
    fn refresh_after_frame(&mut self, elapsed_ms: f64) {
        let steps = self.session.borrow().position() - self.run.0.position;
        self.since_run_ms += elapsed_ms;
        if steps <= RUN_STEPS_EVERY_FRAME || self.since_run_ms >= RUN_REFRESH_MS || !self.playing {
            self.refresh();
        } else {
            self.follow_mission();
            self.view = SharedView(Rc::new(self.session.borrow().view()));
        }
    }

    /// Moves the mission's tracker on to the playback position: on success
    /// playback pauses at the step that met the goal and says so, and at a
    /// question's instant it pauses until the learner answers.
    fn follow_mission(&mut self) {
        let Some(mission) = &mut self.mission else {
            return;
        };
        let session = self.session.borrow();
        let mut solved = None;
        if mission.follow(&session) {
            if let Some((position, _)) = mission.solved() {
                solved = Some(mission.mission.id.clone());
                self.playing = false;
                self.announcement = Some(format!("Mission solved at event {position}."));
            }
        } else if self.playing && mission.must_ask(session.now()) {
            self.playing = false;
            self.announcement = Some("Answer the mission's question to play on.".to_owned());
        }
        drop(session);
        if let Some(id) = solved {
            mission::mark_done(&id, &self.share_source().link().to_query());
        }
    }

    /// Loads bundled mission `id` at its start, paused.
    fn load_mission(&mut self, id: &str) {
        match mission::load(id).and_then(MissionRun::start) {
            Ok((run, session)) => {
                self.load(session);
                self.mission = Some(run);
                self.playing = false;
            }
            Err(e) => self.error = Some(e),
        }
    }

    /// The mission actions: a hint, an answer, replaying the solution, closing.
    fn act_on_mission(&mut self, action: Action) {
        match action {
            Action::LoadMission(id) => self.load_mission(&id),
            Action::MissionHint => {
                if let Some(m) = &mut self.mission {
                    m.hints_shown = (m.hints_shown + 1).min(m.mission.hints.len());
                }
            }
            Action::MissionAnswer(choice) => {
                if let Some(m) = &mut self.mission {
                    m.answer(choice);
                }
            }
            Action::ReplaySolution => {
                if let Some((position, _)) = self.mission.as_ref().and_then(MissionRun::solved) {
                    self.travel(|p| p.seek_position(position).map_err(|e| e.to_string()));
                }
            }
            Action::CloseMission => self.mission = None,
            _ => {}
        }
    }

    fn run(&mut self, command: Command) {
        if let Some(refusal) = self.mission.as_ref().and_then(|m| m.refusal(&command)) {
            self.error = Some(refusal);
            return;
        }
        if let Some(narration) = &mut self.narration {
            narration.current = None;
        }
        let result = self.session.borrow_mut().submit(command);
        self.error = result.err().map(|e| e.to_string());
        remember(&self.session.borrow());
    }

    /// Carries out a move of the playback position; a failure (a recorded
    /// input that no longer fits, which should not happen) is shown.
    fn travel(&mut self, travel: impl FnOnce(&mut Session) -> Result<(), String>) {
        self.playing = false;
        let result = travel(&mut self.session.borrow_mut());
        self.error = result.err();
    }

    /// Loads a bundled scenario: plays it headless once, places its steps,
    /// and shows the first one, paused.
    fn load_scenario(&mut self, id: &str) {
        match NarratedScenario::load(id) {
            Ok(NarratedScenario {
                scenario,
                steps,
                session,
            }) => {
                self.load(session.clone());
                self.narration = Some(Narration {
                    scenario: Rc::new(scenario),
                    steps: Rc::new(steps),
                    current: Some(0),
                    last: 0,
                    pristine: Rc::new(session),
                });
                self.go_to_step(0);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Shows step `index` of the narration exactly as the scenario's run has
    /// it (after leaving the script, that run is restored first).
    fn go_to_step(&mut self, index: usize) {
        let Some(narration) = &mut self.narration else {
            return;
        };
        let Some(step) = narration.steps.get(index) else {
            return;
        };
        if narration.current.is_none() {
            self.session = Rc::new(RefCell::new((*narration.pristine).clone()));
        }
        if let Some(first) = step.highlight.nodes.first() {
            self.selected = *first;
        }
        narration.current = Some(index);
        narration.last = index;
        self.playing = false;
        let result = self.session.borrow_mut().show_step(step);
        self.error = result.err().map(|e| e.to_string());
    }

    /// The next generated put: keys x, y, z in turn, values 1, 2, 3, ...
    fn next_put(&mut self) -> Operation {
        self.puts += 1;
        let key = ["x", "y", "z"][(self.puts as usize - 1) % 3];
        Operation::Put {
            key: key.to_owned(),
            value: self.puts.to_string(),
        }
    }
}

impl Ui {
    /// One animation frame: virtual time moves by the wall time that passed
    /// (at most [`FRAME_MS_MAX`]) times the speed.
    fn frame(self: Rc<Self>, elapsed_ms: f64) -> Rc<Self> {
        let virtual_us = (elapsed_ms.clamp(0.0, FRAME_MS_MAX) * 1000.0 * self.speed).round();
        // A frame that arrives after a pause (while the loop is being torn
        // down) or that covers no time changes nothing: same state, no render.
        if !self.playing || virtual_us < 1.0 {
            return self;
        }
        let mut next = (*self).clone();
        let found = {
            let mut session = next.session.borrow_mut();
            let target = session.now() + virtual_us as u64;
            // Stops exactly at the step that broke a property, not at the
            // end of the frame that found it.
            session.play_within(target, FRAME_STEPS_MAX)
        };
        next.slowed = found.as_ref().is_ok_and(|played| !played.reached);
        match found.map(|played| played.violations) {
            // A broken property pauses playback where it was seen.
            Ok(0) => {}
            Ok(_) => {
                next.playing = false;
                let position = next.session.borrow().position();
                next.announcement = Some(format!("At event {position}: {VIOLATION_ANNOUNCEMENT}"));
            }
            Err(e) => {
                next.playing = false;
                next.error = Some(e.to_string());
            }
        }
        next.refresh_after_frame(elapsed_ms);
        next.revision += 1;
        Rc::new(next)
    }

    /// Everything but a frame.
    fn act(&mut self, action: Action) {
        match action {
            Action::TogglePlay => self.playing = !self.playing,
            Action::Pause => self.playing = false,
            Action::Play => self.playing = true,
            Action::Step
            | Action::StepBack
            | Action::Seek(_)
            | Action::SeekPosition(_)
            | Action::JumpNext(_) => self.move_playback(action),
            Action::ShowHelp(open) => self.help_open = open,
            Action::ReduceMotion(on) => self.reduce_motion(on),
            Action::DismissError => self.error = None,
            Action::ShowError(message) => self.error = Some(message),
            Action::Present(on) if on == self.presenter.is_some() => {}
            Action::Present(on) => self.present(on.then(|| self.presenter_last.clone())),
            Action::PresenterPanel(panel, shown) => self.show_presenter_panel(panel, shown),
            Action::LoadScenario(id) => self.load_scenario(&id),
            Action::LoadMission(_)
            | Action::MissionHint
            | Action::MissionAnswer(_)
            | Action::ReplaySolution
            | Action::CloseMission => self.act_on_mission(action),
            Action::NarrationGo(_)
            | Action::NarrationNext
            | Action::NarrationBack
            | Action::LeaveScript
            | Action::CloseScenario => self.narrate(action),
            Action::SpeedStep(direction) => {
                let factor = 2f64.powi(direction.signum());
                self.speed = (self.speed * factor).clamp(params::SPEED_MIN, params::SPEED_MAX);
            }
            Action::SetSpeed(speed) => {
                self.speed = speed.clamp(params::SPEED_MIN, params::SPEED_MAX)
            }
            Action::Select(id) => {
                self.selected = id;
                self.selected_message = None;
                self.actions_hidden = false;
            }
            Action::HideActions => self.actions_hidden = true,
            Action::OpenExperiments => {
                self.playing = false;
                self.experiments = Some(Experiments {
                    form: ExperimentForm::default(),
                    autorun: false,
                });
            }
            Action::CloseExperiments => self.experiments = None,
            Action::Run(command) => self.run(command),
            Action::Request => self.put_to(None),
            Action::PutTo(node) => self.put_to(Some(node)),
            Action::Frame { .. } => {}
            Action::SelectMessage(id) => self.selected_message = Some(id),
            Action::DropMessage(id) => self.run(Command::DropMessage { id }),
            Action::DuplicateMessage(id) => self.run(Command::DuplicateMessage { id }),
            Action::Configure { config, seed } => self.configure(config, seed),
            Action::PanelToggled { panel, open } => self.open_panels.set(panel, open),
            Action::Import { file_name, text } => self.import(&file_name, text),
            Action::Load(run) => self.load_run(&run),
        }
        self.refresh();
    }

    /// Steps, seeks and jumps: the actions that move the playback position.
    fn move_playback(&mut self, action: Action) {
        match action {
            Action::Step => self.travel(|p| p.step().map(|_| ()).map_err(|e| e.to_string())),
            Action::StepBack => self.travel(|p| p.step_back().map_err(|e| e.to_string())),
            Action::Seek(t) => self.travel(|p| match p.seek_within(t, SEEK_STEPS_MAX) {
                Ok(true) => Ok(()),
                Ok(false) => Err(format!(
                    "this run is too busy to play that far at once: the seek stopped after {SEEK_STEPS_MAX} steps, at {} ms of virtual time",
                    format_ms(p.now())
                )),
                Err(e) => Err(e.to_string()),
            }),
            Action::SeekPosition(position) => {
                self.travel(|p| p.seek_position(position).map_err(|e| e.to_string()))
            }
            Action::JumpNext(kind) => self.travel(|p| match p.jump_to_next(kind) {
                Ok(true) => Ok(()),
                Ok(false) => Err(format!(
                    "no {} within a minute of virtual time from here",
                    mark_name(kind)
                )),
                Err(e) => Err(e.to_string()),
            }),
            _ => {}
        }
    }

    /// The narration's actions: go to a step, next, back, leave, close.
    fn narrate(&mut self, action: Action) {
        match action {
            Action::NarrationGo(index) => self.go_to_step(index),
            Action::NarrationNext => {
                if let Some(n) = &self.narration {
                    let next = n.current.map_or(n.last, |i| i + 1);
                    self.go_to_step(next);
                }
            }
            Action::NarrationBack => {
                if let Some(i) = self.narration.as_ref().and_then(|n| n.current) {
                    self.go_to_step(i.saturating_sub(1));
                }
            }
            Action::LeaveScript => {
                if let Some(n) = &mut self.narration {
                    n.current = None;
                }
            }
            Action::CloseScenario => self.narration = None,
            _ => {}
        }
    }

    /// A fresh run, playing, starts just before its first election timeout
    /// instead of at 0: at the default speed the timers would otherwise run
    /// for seconds with nothing on screen moving. The run is the same (the
    /// scrubber goes back to 0); only the playhead starts later. A run with
    /// inputs, a paused one or one already under way is left as it is.
    pub fn skip_quiet_start(&mut self) {
        {
            let mut session = self.session.borrow_mut();
            if !self.playing || session.now() > 0 || !session.recorded_inputs().is_empty() {
                return;
            }
            let view = session.view();
            let Some(first_timeout) = view
                .nodes
                .iter()
                .filter(|node| node.alive)
                .filter_map(|node| node.election_deadline)
                .min()
            else {
                return;
            };
            let lead_us = (FIRST_TIMEOUT_LEAD_MS * 1000.0 * self.speed).round() as u64;
            if let Err(e) = session.advance_to(first_timeout.saturating_sub(lead_us)) {
                self.error = Some(e.to_string());
            }
        }
        self.refresh();
    }

    /// What the ring says when the run plays slower than asked (the frame
    /// ran out of steps), or when messages cross faster than a frame: at this
    /// speed one 60 Hz frame covers more virtual time than the quickest
    /// message takes, so most are delivered between two frames and never
    /// drawn. `None` while they can be watched.
    pub fn ring_caption(&self) -> Option<String> {
        if self.playing && self.slowed {
            return Some(format!(
                "This run makes more than {FRAME_STEPS_MAX} steps per frame at {}: it plays slower than that, so the page stays responsive.",
                params::format_speed(self.speed)
            ));
        }
        let frame_us = self.speed * 1_000_000.0 / 60.0;
        let quickest_us = self.session.borrow().config().latency_us_min;
        (self.playing && frame_us >= quickest_us as f64).then(|| {
            format!(
                "At {} a message ({} ms on the wire) crosses within one frame, so few are drawn: slow down, or pause and step, to watch them fly.",
                params::format_speed(self.speed),
                format_ms(quickest_us)
            )
        })
    }

    /// Turns presenter mode on with `panels` (in order, never empty:
    /// [`params::parse_presenter`] and the last panel's staying see to it)
    /// or off (`None`), remembering the panels for next time.
    pub fn present(&mut self, panels: Option<Vec<EmbedPanel>>) {
        if let Some(panels) = &self.presenter {
            self.presenter_last = panels.clone();
        }
        self.presenter = panels;
    }

    /// Shows `panel` in presenter mode (at the end) or hides it; the last
    /// panel shown cannot be hidden, so the page never goes blank.
    fn show_presenter_panel(&mut self, panel: EmbedPanel, shown: bool) {
        let Some(panels) = &mut self.presenter else {
            return;
        };
        let at = panels.iter().position(|&p| p == panel);
        match (shown, at) {
            (true, None) if panel != EmbedPanel::Experiments => panels.push(panel),
            (false, Some(at)) if panels.len() > 1 => {
                panels.remove(at);
            }
            _ => {}
        }
    }

    /// Turns reduced motion on (pausing playback: the reader starts it when
    /// ready) or off.
    pub fn reduce_motion(&mut self, on: bool) {
        self.reduced_motion = on;
        if on {
            self.playing = false;
        }
    }

    /// A client put, to the leader (`None`) or to `target`.
    fn put_to(&mut self, target: Option<NodeId>) {
        let op = self.next_put();
        self.run(Command::ClientRequest {
            client: None,
            target,
            op,
        });
    }
}

/// Equal when one state is the other unchanged (so a component given the
/// state skips its render when nothing happened).
impl PartialEq for Ui {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.revision == other.revision
    }
}

impl Reducible for Ui {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Frame { elapsed_ms } = action {
            return self.frame(elapsed_ms);
        }
        let mut next = (*self).clone();
        next.announcement = None;
        next.act(action);
        next.revision += 1;
        Rc::new(next)
    }
}

/// What a screen reader hears when playback stops at a broken property.
pub const VIOLATION_ANNOUNCEMENT: &str =
    "Playback paused: a checker found a broken safety property. The Checkers panel says which.";

/// A mark kind in words, for messages.
fn mark_name(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Election => "election",
        MarkKind::Commit => "commit",
        MarkKind::Violation => "violation",
    }
}

/// Keeps what reproduces the run (seed and inputs) for the panic report.
fn remember(session: &Session) {
    crate::panic::remember(format!(
        "seed {} inputs {:?}",
        session.seed(),
        session.inputs()
    ));
}

#[cfg(test)]
mod tests {
    //! The reducer without a browser: what each action does to the UI state
    //! and the simulation.

    use super::*;
    use raftlab_core::session::TimedCommand;
    use raftlab_core::view::{Micros, NodeView};

    fn ui(query: &str) -> Rc<Ui> {
        Rc::new(Ui::open(query, &params::parse(query).0, 99))
    }

    fn frame(ui: Rc<Ui>, elapsed_ms: f64) -> Rc<Ui> {
        ui.reduce(Action::Frame { elapsed_ms })
    }

    #[test]
    fn the_url_sets_up_the_run() {
        let ui = ui("?seed=7&nodes=3&speed=0.5");
        assert_eq!(ui.seed(), 7);
        assert_eq!(ui.view.0.nodes.len(), 3);
        assert_eq!(ui.speed, 0.5);
        assert!(ui.playing);
        assert_eq!(ui.selected, NodeId(1));
        assert_eq!(self::ui("").seed(), 99, "no seed: the fresh one");
    }

    #[test]
    fn presenter_mode_keeps_its_panels_and_never_goes_blank() {
        let off = ui("?seed=1");
        assert_eq!(off.presenter, None);
        let on = off.reduce(Action::Present(true));
        assert_eq!(on.presenter.as_deref(), Some(&params::PRESENTER_PANELS[..]));
        let fewer = on
            .reduce(Action::PresenterPanel(EmbedPanel::Log, false))
            .reduce(Action::PresenterPanel(EmbedPanel::Diagram, true))
            .reduce(Action::PresenterPanel(EmbedPanel::Diagram, true))
            .reduce(Action::PresenterPanel(EmbedPanel::Experiments, true));
        let chosen = vec![EmbedPanel::Cluster, EmbedPanel::Checks, EmbedPanel::Diagram];
        assert_eq!(fewer.presenter, Some(chosen.clone()));
        // Off and on again: the same panels.
        let again = fewer
            .reduce(Action::Present(true))
            .reduce(Action::Present(false))
            .reduce(Action::Present(true));
        assert_eq!(again.presenter, Some(chosen));
        // The last panel stays.
        let one = again
            .reduce(Action::PresenterPanel(EmbedPanel::Cluster, false))
            .reduce(Action::PresenterPanel(EmbedPanel::Checks, false))
            .reduce(Action::PresenterPanel(EmbedPanel::Diagram, false));
        assert_eq!(one.presenter, Some(vec![EmbedPanel::Diagram]));
        // Hiding or showing a panel with presenter mode off does nothing.
        let off = one.reduce(Action::Present(false));
        assert_eq!(
            off.reduce(Action::PresenterPanel(EmbedPanel::Log, true))
                .presenter,
            None
        );
    }

    #[test]
    fn a_frame_moves_virtual_time_by_wall_time_times_speed_capped() {
        let start = ui("?seed=1&speed=0.5");
        let moved = frame(start, 20.0);
        assert_eq!(moved.view.0.now, 10_000);
        // A background tab's long gap counts as FRAME_MS_MAX.
        let moved = frame(moved, 60_000.0);
        assert_eq!(moved.view.0.now, 10_000 + 50_000);
    }

    #[test]
    fn a_fresh_run_opens_just_before_its_first_timeout_and_a_paused_one_at_zero() {
        let mut fresh = (*ui("?seed=5")).clone();
        let first_timeout = fresh
            .view
            .0
            .nodes
            .iter()
            .filter_map(|n| n.election_deadline)
            .min();
        fresh.skip_quiet_start();
        let lead_us = (FIRST_TIMEOUT_LEAD_MS * 1000.0 * fresh.speed).round() as u64;
        assert_eq!(Some(fresh.view.0.now + lead_us), first_timeout);
        assert!(fresh.run.0.journal.is_empty(), "nothing happened yet");
        // At the chosen speed, a candidate appears within the lead's frames.
        let mut state = Rc::new(fresh);
        let frames = (FIRST_TIMEOUT_LEAD_MS / 16.0).ceil() as usize + 1;
        for _ in 0..frames {
            state = frame(state, 16.0);
        }
        assert!(state
            .view
            .0
            .nodes
            .iter()
            .any(|n| n.role == raftlab_core::view::Role::Candidate));
        let mut paused = (*ui("?seed=5").reduce(Action::TogglePlay)).clone();
        paused.skip_quiet_start();
        assert_eq!(paused.view.0.now, 0);
    }

    #[test]
    fn the_ring_says_when_messages_cross_within_a_frame() {
        // The default links take 10 to 15 ms; a frame at 1/30x is 0.6 ms.
        assert_eq!(ui("?seed=1").ring_caption(), None);
        let fast = ui("?seed=1&speed=10").ring_caption().expect("at 10x");
        assert!(
            fast.starts_with("At 10× a message (10 ms on the wire)"),
            "{fast}"
        );
        let paused = ui("?seed=1&speed=10").reduce(Action::TogglePlay);
        assert_eq!(
            paused.ring_caption(),
            None,
            "paused, what is in flight is drawn"
        );
    }

    #[test]
    fn a_frame_plays_at_most_its_step_budget_and_the_ring_says_so() {
        let storm = Config::step_storm();
        let configured = ui("?seed=1&speed=10").reduce(Action::Configure {
            config: storm,
            seed: 1,
        });
        let before = configured.session.borrow().position();
        let played = frame(configured, 100.0);
        assert!(played.playing && played.slowed);
        let session = played.session.borrow();
        assert_eq!(session.position(), before + FRAME_STEPS_MAX);
        assert!(
            session.now() < 1_000_000,
            "one frame asked for 1 s: {}",
            session.now()
        );
        drop(session);
        let caption = played.ring_caption().expect("a caption");
        assert!(caption.contains("plays slower"), "{caption}");
        let calm = frame(ui("?seed=1"), 16.0);
        assert!(!calm.slowed);
    }

    #[test]
    fn a_mission_is_solved_through_the_page_and_its_solution_replays() {
        let mut state = ui("?seed=1").reduce(Action::LoadMission("split-vote".into()));
        assert!(!state.playing, "a mission starts paused");
        let run = state.mission.clone().expect("loaded");
        assert_eq!(run.progress.parts, vec![None]);
        // A tool the mission does not give is refused, and nothing is recorded.
        let inputs = state.session.borrow().recorded_inputs().len();
        state = state.reduce(Action::Run(Command::Restart { node: NodeId(1) }));
        assert!(state
            .error
            .as_deref()
            .is_some_and(|e| e.contains("crash, timeout")));
        assert_eq!(state.session.borrow().recorded_inputs().len(), inputs);
        for command in [
            Command::Crash { node: NodeId(5) },
            Command::Timeout { node: NodeId(1) },
            Command::Timeout { node: NodeId(2) },
        ] {
            state = state.reduce(Action::Run(command));
        }
        state = state.reduce(Action::TogglePlay);
        for _ in 0..400 {
            if !state.playing {
                break;
            }
            state = frame(state, 16.0);
        }
        let run = state.mission.clone().expect("still on");
        let (position, _) = run.solved().expect("solved, which paused playback");
        assert!(!state.playing);
        assert!(run.progress.parts[0].is_some());
        state = state.reduce(Action::SeekPosition(1));
        state = state.reduce(Action::ReplaySolution);
        assert_eq!(state.session.borrow().position(), position);
        assert!(state
            .mission
            .as_ref()
            .and_then(MissionRun::solved)
            .is_some());
        // The share link there opens the mission panel, solved at that step.
        let link = state.share_source().link().to_query();
        assert!(link.contains("&mission=split-vote"), "{link}");
        let opened = ui(&link);
        assert_eq!(opened.error, None);
        assert_eq!(
            opened.mission.as_ref().and_then(MissionRun::solved),
            run.solved()
        );
        state = state.reduce(Action::MissionHint);
        assert_eq!(state.mission.as_ref().map(|m| m.hints_shown), Some(1));
        state = state.reduce(Action::CloseMission);
        assert!(state.mission.is_none());
    }

    #[test]
    fn a_scenario_link_opens_its_narration_at_the_step_named() {
        let opened = ui("?scenario=figure-8&step=2");
        let narration = opened.narration.as_ref().expect("narrating");
        assert_eq!(narration.scenario.id, "figure-8");
        assert_eq!(narration.current, Some(2));
        assert!(!opened.playing);
        assert_eq!(opened.error, None);
        let first = ui("?scenario=figure-8");
        assert_eq!(first.narration.as_ref().and_then(|n| n.current), Some(0));
        for bad in ["99", "-1", "two"] {
            let state = ui(&format!("?scenario=figure-8&step={bad}"));
            assert_eq!(state.narration.as_ref().and_then(|n| n.current), Some(0));
            assert!(
                state
                    .error
                    .as_deref()
                    .is_some_and(|e| e.contains("is not a step of this scenario")),
                "{bad}: {:?}",
                state.error
            );
        }
        let missing = ui("?scenario=no-such-scenario");
        assert!(missing.narration.is_none());
        assert!(missing.error.is_some());
    }

    #[test]
    fn a_mission_link_opens_the_mission_and_a_foreign_run_is_refused() {
        let opened = ui("?mission=split-vote");
        let mission = opened.mission.as_ref().expect("the mission is on");
        assert_eq!(mission.mission.id, "split-vote");
        assert_eq!(mission.solved(), None);
        assert!(!opened.playing);
        let missing = ui("?mission=no-such-mission");
        assert!(missing.mission.is_none());
        assert!(missing
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no mission")));
        // A run that is not the mission's, with the mission named, is refused.
        let other = ui("?seed=3").share_source().link().to_query();
        let forged = ui(&format!("{other}&mission=split-vote"));
        assert!(forged.mission.is_none());
        assert!(
            forged
                .error
                .as_deref()
                .is_some_and(|e| e.contains("not mission split-vote's")),
            "{:?}",
            forged.error
        );
    }

    #[test]
    fn a_predict_missions_link_carries_the_answer() {
        let mut state = ui("?mission=predict-who-wins");
        state = state.reduce(Action::MissionAnswer(1));
        state = state.reduce(Action::TogglePlay);
        for _ in 0..600 {
            if !state.playing {
                break;
            }
            state = frame(state, 16.0);
        }
        let solved = state.mission.as_ref().and_then(MissionRun::solved);
        assert!(solved.is_some(), "the right answer solves it");
        let link = state.share_source().link().to_query();
        assert!(
            link.contains("&mission=predict-who-wins&answer=1"),
            "{link}"
        );
        let opened = ui(&link);
        assert_eq!(opened.mission.as_ref().and_then(MissionRun::solved), solved);
    }

    #[test]
    fn paused_frames_and_empty_frames_change_nothing() {
        let paused = ui("?seed=1").reduce(Action::TogglePlay);
        assert!(!paused.playing);
        let after = frame(paused.clone(), 16.0);
        assert!(Rc::ptr_eq(&paused, &after), "same state: no render");
        let playing = ui("?seed=1&speed=0.001");
        let after = frame(playing.clone(), 0.0);
        assert!(Rc::ptr_eq(&playing, &after));
    }

    #[test]
    fn step_pauses_and_processes_exactly_one_event() {
        let mut state = ui("?seed=3");
        for n in 1..=5 {
            state = state.reduce(Action::Step);
            assert!(!state.playing);
            assert_eq!(state.view.0.events_processed, n);
        }
    }

    #[test]
    fn stepping_long_enough_elects_exactly_one_leader() {
        let mut state = ui("?seed=3");
        for _ in 0..200 {
            state = state.reduce(Action::Step);
        }
        let leaders = state
            .view
            .0
            .nodes
            .iter()
            .filter(|n| n.role == raftlab_core::view::Role::Leader)
            .count();
        assert_eq!(leaders, 1);
    }

    #[test]
    fn commands_reach_the_simulation_and_errors_are_shown_until_a_success() {
        let state = ui("?seed=1").reduce(Action::Run(Command::Restart { node: NodeId(2) }));
        let error = state
            .error
            .clone()
            .expect("restarting a running server is refused");
        assert!(error.contains("S2") || error.contains('2'), "{error}");
        let state = state.reduce(Action::Run(Command::Crash { node: NodeId(2) }));
        assert_eq!(state.error, None);
        assert_eq!(state.view.0.node(NodeId(2)).map(|n| n.alive), Some(false));
        let state = state.reduce(Action::PutTo(NodeId(3)));
        let state = state.reduce(Action::Request);
        assert_eq!(state.session.borrow().inputs().len(), 3);
    }

    #[test]
    fn an_error_can_be_dismissed_and_the_run_stays() {
        let state = ui("?seed=1").reduce(Action::Run(Command::Restart { node: NodeId(2) }));
        assert!(state.error.is_some());
        let position = state.session.borrow().position();
        let state = state.reduce(Action::DismissError);
        assert_eq!(state.error, None);
        assert_eq!(state.session.borrow().position(), position);
    }

    #[test]
    fn generated_puts_cycle_keys_and_count_values() {
        let mut state = (*ui("?seed=1")).clone();
        let ops: Vec<String> = (0..4).map(|_| state.next_put().to_string()).collect();
        assert_eq!(ops, ["x=1", "y=2", "z=3", "x=4"]);
    }

    #[test]
    fn speed_changes_are_clamped_and_selection_moves() {
        let state = ui("?seed=1").reduce(Action::SetSpeed(50.0));
        assert_eq!(state.speed, params::SPEED_MAX);
        let state = state.reduce(Action::Select(NodeId(4)));
        assert_eq!(state.selected, NodeId(4));
    }

    #[test]
    fn selecting_a_message_and_selecting_a_server_replace_each_other() {
        let state = ui("?seed=1").reduce(Action::SelectMessage(7));
        assert_eq!(state.selected_message, Some(7));
        let state = state.reduce(Action::Select(NodeId(3)));
        assert_eq!((state.selected, state.selected_message), (NodeId(3), None));
    }

    /// The time without a leader the page shows, stepping a trial opened
    /// from its link: from its crash until every running server follows
    /// one leader of one term, read from the page's view model.
    fn leaderless_us(mut state: Rc<Ui>, crash_at: Micros) -> Micros {
        for _ in 0..100_000 {
            let view = &state.view.0;
            if let Some(leader) = view.leader() {
                let follows =
                    |n: &&NodeView| n.leader_id == Some(leader.id) && n.term == leader.term;
                if view
                    .nodes
                    .iter()
                    .filter(|n| n.alive && n.id != leader.id)
                    .all(|n| follows(&n))
                {
                    return view.now - crash_at;
                }
            }
            state = state.reduce(Action::Step);
            assert_eq!(state.error, None);
        }
        panic!("no leader that every server follows after 100,000 steps");
    }

    #[test]
    fn an_experiments_trial_opened_from_its_link_shows_the_downtime_it_measured() {
        let form = ExperimentForm {
            timeouts: vec!["150-155".into(), "12-24".into()],
            trials: "12".into(),
            ..ExperimentForm::default()
        };
        let mut experiment = form.build().expect("a valid form");
        experiment.run_to_end();
        for line in 0..experiment.lines().len() {
            let summary = experiment.summary(line);
            for trial in [summary.median_trial, summary.worst_trial]
                .into_iter()
                .flatten()
            {
                let query = crate::experiments::trial_query(&experiment, line, trial)
                    .expect("a trial that ran");
                let state = ui(&query);
                assert_eq!(state.error, None, "the link opens");
                assert!(!state.playing, "paused where the trial starts");
                assert!(!state.view.0.nodes[0].alive, "the leader is down");
                let crash_at = experiment.trial_crash_at(line, trial).expect("its crash");
                let measured = experiment.results(line)[trial as usize]
                    .outcome
                    .downtime_us();
                assert_eq!(
                    leaderless_us(state, crash_at),
                    measured,
                    "line {line} trial {trial}"
                );
            }
        }
    }

    #[test]
    fn configure_with_the_same_seed_and_size_is_a_timed_command_in_the_run() {
        let state = ui("?seed=1").reduce(Action::Step).reduce(Action::Step);
        let mut config = state.config();
        config.raft.pre_vote = true;
        let state = state.reduce(Action::Configure {
            config: config.clone(),
            seed: 1,
        });
        assert_eq!(state.error, None);
        assert_eq!(state.config(), config);
        assert_eq!(state.view.0.events_processed, 2, "the same run goes on");
        let inputs = state.session.borrow().inputs().to_vec();
        assert!(matches!(
            inputs.as_slice(),
            [TimedCommand {
                command: Command::Configure { .. },
                ..
            }]
        ));
        // Stepping back before it shows the configuration it replaced.
        let state = state.reduce(Action::StepBack);
        assert!(!state.config().raft.pre_vote);
    }

    #[test]
    fn a_handle_plays_and_loads_a_recorded_run_from_its_start() {
        let recorded = {
            let state = ui("?seed=8&nodes=3")
                .reduce(Action::Step)
                .reduce(Action::Run(Command::Crash { node: NodeId(2) }));
            let run = state.session.borrow().description();
            run
        };
        let state = ui("?seed=1&speed=0.5")
            .reduce(Action::Pause)
            .reduce(Action::Play);
        assert!(state.playing);
        let state = state
            .reduce(Action::Select(NodeId(5)))
            .reduce(Action::Load(Rc::new(recorded.clone())));
        assert_eq!((state.seed(), state.view.0.nodes.len()), (8, 3));
        assert_eq!(state.view.0.events_processed, 0, "from its start");
        assert_eq!(
            (state.speed, state.selected, state.playing),
            (0.5, NodeId(1), true)
        );
        let state = state.reduce(Action::Seek(1_000_000));
        assert_eq!(state.view.0.node(NodeId(2)).map(|n| n.alive), Some(false));
        // A run that does not replay keeps the current one and says why.
        let mut broken = recorded;
        broken.inputs[0].command = Command::Restart { node: NodeId(1) };
        let kept = state.reduce(Action::Load(Rc::new(broken)));
        assert_eq!(kept.seed(), 8);
        assert!(kept
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot be replayed")));
    }

    #[test]
    fn configure_starts_a_new_run_keeping_speed_and_selection() {
        let state = ui("?seed=1&speed=0.5")
            .reduce(Action::Select(NodeId(3)))
            .reduce(Action::Step);
        let config = Config {
            node_count: 3,
            raft: raftlab_core::session::RaftOptions {
                pre_vote: true,
                ..Default::default()
            },
            ..Config::default()
        };
        let state = state.reduce(Action::Configure {
            config: config.clone(),
            seed: 77,
        });
        assert_eq!((state.seed(), state.config()), (77, config));
        assert_eq!(state.view.0.nodes.len(), 3);
        assert_eq!(state.view.0.events_processed, 0, "a fresh run");
        assert_eq!((state.speed, state.selected), (0.5, NodeId(3)));
        // A selection the smaller cluster lacks falls back to S1; a config
        // the core refuses keeps the run and says why.
        let state = state
            .reduce(Action::Configure {
                config: Config::default(),
                seed: 5,
            })
            .reduce(Action::Select(NodeId(5)))
            .reduce(Action::Configure {
                config: Config {
                    node_count: 2,
                    ..Config::default()
                },
                seed: 5,
            });
        assert_eq!(state.selected, NodeId(1));
        let refused = state.reduce(Action::Configure {
            config: Config {
                node_count: 0,
                ..Config::default()
            },
            seed: 9,
        });
        assert_eq!(refused.seed(), 5);
        assert!(refused.error.is_some());
    }
}
