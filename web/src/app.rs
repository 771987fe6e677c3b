//! The app: owns the simulation, runs the animation loop while playing, turns
//! clicks into timed commands, and hands every component the same view.

use crate::components::{Cluster, Controls, LogTable, NodeMenu, StateDiagram};
use crate::params::{self, Settings};
use raftlab_core::kv::Operation;
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, Simulation};
use raftlab_core::view::ClusterView;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The longest wall-clock gap one frame may cover, so a tab coming back from
/// the background does not leap ahead.
const FRAME_MS_MAX: f64 = 100.0;

/// The app's only input: the URL's query string.
#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    /// `location.search`, e.g. `?seed=1&nodes=5`.
    pub query: String,
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

/// What the user can do; components send these up.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start or stop playback.
    TogglePlay,
    /// Process exactly one event.
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
}

fn start_simulation(settings: &Settings) -> Simulation {
    let seed = settings.seed.unwrap_or_else(fresh_seed);
    let config = Config {
        node_count: settings.nodes,
        ..Config::default()
    };
    // The parameters were validated, so this cannot fail; fall back anyway.
    Simulation::new(seed, config).unwrap_or_else(|_| {
        Simulation::new(seed, Config::default()).expect("the default configuration is valid")
    })
}

fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without a random source, seed 1 is as good a start as any.
    if getrandom::fill(&mut bytes).is_err() {
        return 1;
    }
    u64::from_le_bytes(bytes) % 1_000_000
}

/// The playground.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let (settings, problems) = params::parse(&props.query);
    let sim = use_mut_ref(|| start_simulation(&settings));
    let view = use_state(|| SharedView(Rc::new(sim.borrow().view())));
    let playing = use_state(|| true);
    let speed = use_mut_ref(|| settings.speed);
    let speed_shown = use_state(|| settings.speed);
    let selected = use_state(|| NodeId(1));
    let error = use_state(|| None::<String>);
    let put_counter = use_mut_ref(|| 0u32);

    let refresh = {
        let sim = sim.clone();
        let view = view.setter();
        Rc::new(move || {
            let sim = sim.borrow();
            crate::panic::remember(format!("seed {} inputs {:?}", sim.seed(), sim.inputs()));
            view.set(SharedView(Rc::new(sim.view())));
        })
    };

    // The animation loop runs only while playing: paused, nothing runs.
    {
        let sim = sim.clone();
        let speed = speed.clone();
        let refresh = refresh.clone();
        use_effect_with(*playing, move |playing| {
            let stop = Rc::new(Cell::new(false));
            if *playing {
                start_animation(sim, speed, refresh, stop.clone());
            }
            move || stop.set(true)
        });
    }

    let on_action = {
        let sim = sim.clone();
        let playing = playing.clone();
        let speed = speed.clone();
        let speed_shown = speed_shown.clone();
        let selected = selected.clone();
        let error = error.clone();
        let refresh = refresh.clone();
        Callback::from(move |action: Action| {
            let run = |command: Command| {
                let result = sim.borrow_mut().apply(command);
                match result {
                    Ok(_) => error.set(None),
                    Err(e) => error.set(Some(e.to_string())),
                }
            };
            let next_put = || {
                let mut n = put_counter.borrow_mut();
                *n += 1;
                Operation::Put {
                    key: ["x", "y", "z"][(*n as usize - 1) % 3].to_owned(),
                    value: n.to_string(),
                }
            };
            match action {
                Action::TogglePlay => playing.set(!*playing),
                Action::Step => {
                    playing.set(false);
                    sim.borrow_mut().step();
                }
                Action::SetSpeed(s) => {
                    *speed.borrow_mut() = s;
                    speed_shown.set(s);
                }
                Action::Select(id) => selected.set(id),
                Action::Run(command) => run(command),
                Action::Request => run(Command::ClientRequest {
                    target: None,
                    op: next_put(),
                }),
                Action::PutTo(node) => run(Command::ClientRequest {
                    target: Some(node),
                    op: next_put(),
                }),
            }
            refresh();
        })
    };

    let v = view.0.clone();
    let seed = sim.borrow().seed();
    html! {
        <main id="raftlab" data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}>
            <header>
                <h1>{ "Raftlab" }</h1>
                <Controls playing={*playing} speed={*speed_shown} now_us={v.now} seed={seed}
                    events={v.events_processed} on_action={on_action.clone()} />
            </header>
            { for problems.iter().map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = (*error).clone() {
                <p class="notice" role="alert">{ e }</p>
            }
            <div class="top">
                <section class="panel cluster-panel" aria-label="Cluster">
                    <Cluster view={(*view).clone()} selected={*selected} speed={*speed_shown} on_action={on_action.clone()} />
                </section>
                <aside class="panel side">
                    <NodeMenu view={(*view).clone()} selected={*selected} on_action={on_action.clone()} />
                    <StateDiagram view={(*view).clone()} selected={*selected} speed={*speed_shown} />
                </aside>
            </div>
            <section class="panel" aria-label="Logs">
                <LogTable view={(*view).clone()} selected={*selected} on_action={on_action} />
            </section>
        </main>
    }
}

/// The animation callback, kept alive by the loop that re-requests it.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Advances virtual time on every animation frame until `stop` is set.
fn start_animation(
    sim: Rc<RefCell<Simulation>>,
    speed: Rc<RefCell<f64>>,
    refresh: Rc<dyn Fn()>,
    stop: Rc<Cell<bool>>,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let frame: FrameSlot = Rc::new(RefCell::new(None));
    let last = Rc::new(Cell::new(None::<f64>));
    let frame_again = frame.clone();
    let window_again = window.clone();
    *frame.borrow_mut() = Some(Closure::new(move |timestamp_ms: f64| {
        if stop.get() {
            // No next frame is requested, so the loop ends here.
            return;
        }
        let elapsed_ms = last
            .get()
            .map_or(0.0, |l| (timestamp_ms - l).clamp(0.0, FRAME_MS_MAX));
        last.set(Some(timestamp_ms));
        let virtual_us = (elapsed_ms * 1000.0 * *speed.borrow()).round() as u64;
        if virtual_us > 0 {
            let mut sim = sim.borrow_mut();
            let target = sim.now() + virtual_us;
            sim.advance_to(target);
        }
        refresh();
        if let Some(callback) = frame_again.borrow().as_ref() {
            window_again
                .request_animation_frame(callback.as_ref().unchecked_ref())
                .ok();
        }
    }));
    if let Some(callback) = frame.borrow().as_ref() {
        window
            .request_animation_frame(callback.as_ref().unchecked_ref())
            .ok();
    };
}
