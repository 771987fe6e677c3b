//! The app: one reducer owns the UI state and the simulation, the animation
//! loop runs only while playing, clicks become timed commands, and every
//! component draws from the same view of the cluster.

use crate::components::{
    ClientPanel, Cluster, ConfigPanel, Controls, LogTable, NetworkPanel, NodeMenu, StateDiagram,
};
use crate::params::{self, Settings};
use raftlab_core::kv::Operation;
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, Simulation};
use raftlab_core::view::ClusterView;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The longest wall-clock gap one frame may cover, so a tab coming back from
/// the background does not leap ahead.
pub const FRAME_MS_MAX: f64 = 100.0;

/// The app's inputs: the URL's query string, and the seed to use when the
/// query names none.
#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    /// `location.search`, e.g. `?seed=1&nodes=5`.
    pub query: String,
    /// The seed for a query without a valid one; `None` draws a fresh one.
    #[prop_or_default]
    pub fresh_seed: Option<u64>,
}

/// A view shared by every component; equal only to itself, so components
/// re-render exactly when a new view is built.
#[derive(Clone, Debug)]
pub struct SharedView(pub Rc<ClusterView>);

impl PartialEq for SharedView {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What can happen to the UI; components send these up, the animation loop sends `Frame`.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start or stop playback.
    TogglePlay,
    /// Stop playback (the tab was hidden).
    Pause,
    /// Pause, then process exactly one event.
    Step,
    /// Change the playback speed.
    SetSpeed(f64),
    /// Select a server (its menu and state diagram).
    Select(NodeId),
    /// A command for the simulation.
    Run(Command),
    /// A client put to the leader (the Request button).
    Request,
    /// A client put to one server.
    PutTo(NodeId),
    /// An animation frame: this much wall-clock time passed since the last one.
    Frame {
        /// Wall-clock milliseconds since the previous frame.
        elapsed_ms: f64,
    },
    /// Start a new run with this configuration and seed (the Configuration
    /// panel's Apply), keeping the speed and, if it still exists, the selection.
    Configure {
        /// The new run's configuration.
        config: Config,
        /// The new run's seed.
        seed: u64,
    },
}

/// The UI state. The simulation sits behind a shared cell so that a new state
/// never copies it; `view` is rebuilt whenever the simulation moves.
#[derive(Clone)]
pub struct Ui {
    /// The simulated cluster. Invariant: `view` was built from it as it is now.
    sim: Rc<RefCell<Simulation>>,
    /// What every component draws.
    pub view: SharedView,
    /// Is the animation loop running?
    pub playing: bool,
    /// Virtual time per wall time, `SPEED_MIN..=SPEED_MAX`.
    pub speed: f64,
    /// The server whose menu and state diagram are shown.
    pub selected: NodeId,
    /// The last command's error, shown until the next command succeeds.
    pub error: Option<String>,
    /// Client puts sent so far (they name their keys and values).
    puts: u32,
}

impl Ui {
    /// Starts the run the settings describe.
    fn new(settings: &Settings, fresh_seed: u64) -> Ui {
        let seed = settings.seed.unwrap_or(fresh_seed);
        let config = Config {
            node_count: settings.nodes,
            ..Config::default()
        };
        // The parameters were validated, so this cannot fail; if the core's
        // rules ever grow stricter, the default cluster still starts.
        let sim = Simulation::new(seed, config).unwrap_or_else(|_| {
            Simulation::new(seed, Config::default()).expect("the default configuration is valid")
        });
        remember(&sim);
        Ui {
            view: SharedView(Rc::new(sim.view())),
            sim: Rc::new(RefCell::new(sim)),
            playing: true,
            speed: settings.speed,
            selected: NodeId(1),
            error: None,
            puts: 0,
        }
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.sim.borrow().seed()
    }

    /// The run's configuration.
    pub fn config(&self) -> Config {
        self.sim.borrow().config().clone()
    }

    /// Replaces the run by a new one from `seed` and `config`; a
    /// configuration the core refuses leaves the run as it was and says why.
    fn configure(&mut self, config: Config, seed: u64) {
        match Simulation::new(seed, config) {
            Ok(sim) => {
                remember(&sim);
                self.sim = Rc::new(RefCell::new(sim));
                self.error = None;
                self.puts = 0;
                if self.selected.0 as usize > self.sim.borrow().server_count() {
                    self.selected = NodeId(1);
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    fn refresh(&mut self) {
        self.view = SharedView(Rc::new(self.sim.borrow().view()));
    }

    fn run(&mut self, command: Command) {
        let result = self.sim.borrow_mut().apply(command);
        self.error = result.err().map(|e| e.to_string());
        remember(&self.sim.borrow());
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
        {
            let mut sim = next.sim.borrow_mut();
            let target = sim.now() + virtual_us as u64;
            sim.advance_to(target);
        }
        next.refresh();
        Rc::new(next)
    }

    /// Everything but a frame.
    fn act(&mut self, action: Action) {
        match action {
            Action::TogglePlay => self.playing = !self.playing,
            Action::Pause => self.playing = false,
            Action::Step => {
                self.playing = false;
                self.sim.borrow_mut().step();
            }
            Action::SetSpeed(speed) => {
                self.speed = speed.clamp(params::SPEED_MIN, params::SPEED_MAX)
            }
            Action::Select(id) => self.selected = id,
            Action::Run(command) => self.run(command),
            Action::Request => {
                let op = self.next_put();
                self.run(Command::ClientRequest {
                    client: None,
                    target: None,
                    op,
                });
            }
            Action::PutTo(node) => {
                let op = self.next_put();
                self.run(Command::ClientRequest {
                    client: None,
                    target: Some(node),
                    op,
                });
            }
            Action::Frame { .. } => {}
            Action::Configure { config, seed } => self.configure(config, seed),
        }
        self.refresh();
    }
}

impl Reducible for Ui {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Frame { elapsed_ms } = action {
            return self.frame(elapsed_ms);
        }
        let mut next = (*self).clone();
        next.act(action);
        Rc::new(next)
    }
}

/// Keeps what reproduces the run (seed and inputs) for the panic report.
fn remember(sim: &Simulation) {
    crate::panic::remember(format!("seed {} inputs {:?}", sim.seed(), sim.inputs()));
}

/// A fresh seed from the browser's random source. Kept below a million so it
/// is easy to read out and type; seed 1 if there is no random source.
pub fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 1;
    }
    u64::from_le_bytes(bytes) % 1_000_000
}

/// The playground.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let parsed = use_memo(props.query.clone(), |query| params::parse(query));
    let (settings, problems) = &*parsed;
    let ui = {
        let settings = settings.clone();
        let fresh = props.fresh_seed;
        use_reducer(move || Ui::new(&settings, fresh.unwrap_or_else(fresh_seed)))
    };

    // The animation loop runs only while playing: paused, nothing runs at all.
    {
        let dispatcher = ui.dispatcher();
        use_effect_with(ui.playing, move |playing| {
            let animation = playing.then(|| AnimationLoop::start(dispatcher));
            move || drop(animation)
        });
    }
    // A hidden tab pauses (browsers stop animation frames there anyway; this
    // makes the paused state visible when the user comes back).
    {
        let dispatcher = ui.dispatcher();
        use_effect_with((), move |_| {
            let listener = PauseWhenHidden::install(dispatcher);
            move || drop(listener)
        });
    }

    let on_action = {
        let dispatcher = ui.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };
    let view = ui.view.clone();
    let v = &view.0;
    html! {
        <main id="raftlab" data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}>
            <header>
                <h1>{ "Raftlab" }</h1>
                <Controls playing={ui.playing} speed={ui.speed} now_us={v.now} seed={ui.seed()}
                    events={v.events_processed} on_action={on_action.clone()} />
            </header>
            { for problems.iter().map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = ui.error.clone() {
                <p class="notice error" role="alert">{ e }</p>
            }
            <div class="top">
                <section class="panel cluster-panel" aria-label="Cluster">
                    <Cluster view={view.clone()} selected={ui.selected} speed={ui.speed} on_action={on_action.clone()} />
                </section>
                <aside class="panel side">
                    <NodeMenu view={view.clone()} selected={ui.selected} on_action={on_action.clone()} />
                    <StateDiagram view={view.clone()} selected={ui.selected} speed={ui.speed} />
                </aside>
            </div>
            <div class="control-panels">
                <NetworkPanel view={view.clone()} on_action={on_action.clone()} />
                <ClientPanel view={view.clone()} on_action={on_action.clone()} />
                <ConfigPanel config={ui.config()} seed={ui.seed()} on_action={on_action.clone()} />
            </div>
            <section class="panel logs-panel" aria-label="Logs">
                <LogTable view={view} selected={ui.selected} on_action={on_action} />
            </section>
        </main>
    }
}

/// The animation callback, owned by its [`AnimationLoop`].
type FrameCell = RefCell<Option<Closure<dyn FnMut(f64)>>>;
type FrameSlot = Rc<FrameCell>;

/// A running requestAnimationFrame loop that sends [`Action::Frame`] each
/// frame. Dropping it cancels the pending frame and frees the callback.
struct AnimationLoop {
    window: web_sys::Window,
    slot: FrameSlot,
    pending: Rc<Cell<Option<i32>>>,
}

impl AnimationLoop {
    fn start(dispatcher: UseReducerDispatcher<Ui>) -> Option<AnimationLoop> {
        let window = web_sys::window()?;
        let slot: FrameSlot = Rc::new(RefCell::new(None));
        let pending = Rc::new(Cell::new(None));
        // The callback reaches its own slot weakly: the loop value owns it,
        // so dropping the loop frees the callback (no reference cycle).
        let weak: Weak<FrameCell> = Rc::downgrade(&slot);
        let last_ms = Cell::new(None::<f64>);
        let frame_window = window.clone();
        let frame_pending = pending.clone();
        let callback = Closure::new(move |timestamp_ms: f64| {
            frame_pending.set(None);
            if let Some(last) = last_ms.replace(Some(timestamp_ms)) {
                dispatcher.dispatch(Action::Frame {
                    elapsed_ms: timestamp_ms - last,
                });
            }
            if let Some(slot) = weak.upgrade() {
                if let Some(callback) = slot.borrow().as_ref() {
                    let id =
                        frame_window.request_animation_frame(callback.as_ref().unchecked_ref());
                    frame_pending.set(id.ok());
                }
            }
        });
        let id = window.request_animation_frame(callback.as_ref().unchecked_ref());
        pending.set(id.ok());
        *slot.borrow_mut() = Some(callback);
        Some(AnimationLoop {
            window,
            slot,
            pending,
        })
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let Some(id) = self.pending.take() {
            self.window.cancel_animation_frame(id).ok();
        }
        self.slot.borrow_mut().take();
    }
}

/// A `visibilitychange` listener that pauses playback when the tab is hidden;
/// dropping it removes the listener.
struct PauseWhenHidden {
    document: web_sys::Document,
    callback: Closure<dyn FnMut()>,
}

impl PauseWhenHidden {
    fn install(dispatcher: UseReducerDispatcher<Ui>) -> Option<PauseWhenHidden> {
        let document = web_sys::window()?.document()?;
        let watched = document.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if watched.hidden() {
                dispatcher.dispatch(Action::Pause);
            }
        });
        document
            .add_event_listener_with_callback("visibilitychange", callback.as_ref().unchecked_ref())
            .ok()?;
        Some(PauseWhenHidden { document, callback })
    }
}

impl Drop for PauseWhenHidden {
    fn drop(&mut self) {
        self.document
            .remove_event_listener_with_callback(
                "visibilitychange",
                self.callback.as_ref().unchecked_ref(),
            )
            .ok();
    }
}

#[cfg(test)]
mod tests {
    //! The reducer without a browser: what each action does to the UI state
    //! and the simulation.

    use super::*;

    fn ui(query: &str) -> Rc<Ui> {
        Rc::new(Ui::new(&params::parse(query).0, 99))
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
    fn a_frame_moves_virtual_time_by_wall_time_times_speed_capped() {
        let start = ui("?seed=1&speed=0.5");
        let moved = frame(start, 20.0);
        assert_eq!(moved.view.0.now, 10_000);
        // A background tab's long gap counts as FRAME_MS_MAX.
        let moved = frame(moved, 60_000.0);
        assert_eq!(moved.view.0.now, 10_000 + 50_000);
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
            .filter(|n| n.role == raftlab_core::raft::Role::Leader)
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
        assert_eq!(state.sim.borrow().inputs().len(), 3);
    }

    #[test]
    fn generated_puts_cycle_keys_and_count_values() {
        let mut state = (*ui("?seed=1")).clone();
        let ops: Vec<String> = (0..4).map(|_| state.next_put().to_string()).collect();
        assert_eq!(ops, ["x=1", "y=2", "z=3", "x=4"]);
    }

    #[test]
    fn speed_changes_are_clamped_and_selection_moves() {
        let state = ui("?seed=1").reduce(Action::SetSpeed(5.0));
        assert_eq!(state.speed, params::SPEED_MAX);
        let state = state.reduce(Action::Select(NodeId(4)));
        assert_eq!(state.selected, NodeId(4));
    }

    #[test]
    fn configure_starts_a_new_run_keeping_speed_and_selection() {
        let state = ui("?seed=1&speed=0.5")
            .reduce(Action::Select(NodeId(3)))
            .reduce(Action::Step);
        let config = Config {
            node_count: 3,
            raft: raftlab_core::raft::RaftOptions {
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
