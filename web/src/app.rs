//! The app root: it parses the URL, starts the reducer (`crate::ui`),
//! installs the browser glue (`crate::browser`) and lays out the page, full
//! or embedded.

use crate::browser::{
    fresh_seed, page_path, AnimationLoop, PauseWhenHidden, ShortcutContext, Shortcuts,
};
use crate::components::{
    Checks, ClientPanel, Cluster, ConfigPanel, Controls, EventLog, FileDrop, Help, Inspector,
    LogTable, NarrationPanel, NetworkPanel, NodeMenu, SpaceTime, StateDiagram, StateMachineView,
};
use crate::embed::{self, Frame, Host};
use crate::params;
use crate::share::ControlPanel;
use crate::ui::{Action, Narration, Ui};
use yew::prelude::*;

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

/// The playground.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let parsed = use_memo(props.query.clone(), |query| params::parse(query));
    let (settings, problems) = &*parsed;
    // Embedded: in a page of its own (`?embed=1`) or mounted by a host page.
    let host = use_context::<Host>();
    let embedding = use_memo(
        (props.query.clone(), host.clone()),
        |(query, host)| match host {
            Some(host) => (Some(host.embed().clone()), Vec::new()),
            None => params::parse_embed(query),
        },
    );
    let ui = {
        let settings = settings.clone();
        let fresh = props.fresh_seed;
        let query = props.query.clone();
        let embed = embedding.0.clone();
        let run = host.as_ref().and_then(Host::run);
        use_reducer(move || {
            let mut ui = Ui::open(&query, &settings, fresh.unwrap_or_else(fresh_seed));
            if let Some(run) = run {
                ui.load_run(&run);
                ui.refresh();
            }
            if let Some(embed) = embed {
                ui.playing = embed.autoplay;
            }
            ui
        })
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

    // Keyboard shortcuts for the main controls (the help overlay lists them).
    {
        let dispatcher = ui.dispatcher();
        let context = ShortcutContext {
            selected: ui.selected,
            node_count: ui.view.0.nodes.len(),
            help_open: ui.help_open,
            narrating: ui.narration.as_ref().is_some_and(|n| n.current.is_some()),
        };
        let host = host.clone();
        use_effect_with(context, move |&context| {
            let listener = Shortcuts::install(dispatcher, context, host);
            move || drop(listener)
        });
    }

    // One callback for the app's lifetime (the dispatcher never changes),
    // so components whose other props are unchanged skip their render.
    let on_action = {
        let dispatcher = ui.dispatcher();
        use_callback((), move |action: Action, _| dispatcher.dispatch(action))
    };
    embed::use_host_commands(host.clone(), on_action.clone());
    if let (Some(embed), embed_problems) = &*embedding {
        let notices: Vec<String> = problems.iter().chain(embed_problems).cloned().collect();
        let (frame, open_href) = match &host {
            Some(host) => (Frame::Mounted, host.open_href()),
            None => {
                // A fresh seed is in the address bar, not yet in the query.
                let query = match settings.seed {
                    Some(_) => props.query.clone(),
                    None => params::with_seed(&props.query, ui.seed()),
                };
                (Frame::Page, Some(params::open_href(&page_path(), &query)))
            }
        };
        return embed::layout(&ui, embed, frame, &notices, open_href, &on_action);
    }
    let view = ui.view.clone();
    let run = ui.run.clone();
    let highlight = ui
        .narration
        .as_ref()
        .map(Narration::highlight)
        .unwrap_or_default();
    let v = &view.0;
    html! {
        <main id="raftlab" data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}
            data-position={run.0.position.to_string()} data-playing={ui.playing.to_string()}>
            <header>
                <h1>{ "Raftlab" }</h1>
                <Controls playing={ui.playing} speed={ui.speed} now_us={v.now} seed={ui.seed()}
                    events={v.events_processed} run={run.clone()} share={ui.share_source()}
                    on_action={on_action.clone()} />
            </header>
            { for problems.iter().chain(&embedding.1).map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = ui.error.clone() {
                <p class="notice error" role="alert">{ e }</p>
            }
            <NarrationPanel narration={ui.narration.clone()} on_action={on_action.clone()} />
            <div class="workspace">
                <section class="panel cluster-panel" aria-label="Cluster">
                    <Cluster view={view.clone()} selected={ui.selected} selected_message={ui.selected_message}
                        highlight={highlight.clone()}
                        speed={ui.speed} on_action={on_action.clone()} />
                </section>
                <aside class="panel side" aria-label="Selected server">
                    <NodeMenu view={view.clone()} selected={ui.selected} on_action={on_action.clone()} />
                    <Inspector view={view.clone()} selected={ui.selected} selected_message={ui.selected_message}
                        on_action={on_action.clone()} />
                    <StateDiagram view={view.clone()} selected={ui.selected} speed={ui.speed}
                        highlight={highlight.transition} />
                </aside>
                <aside class="panel side checks-side" aria-label="Checkers and events">
                    <Checks run={run.clone()} on_action={on_action.clone()} />
                    <EventLog run={run.clone()} on_action={on_action.clone()} />
                </aside>
            </div>
            <div class="control-panels">
                <NetworkPanel view={view.clone()} open={ui.open_panels.is_open(ControlPanel::Network)}
                    on_action={on_action.clone()} />
                <ClientPanel view={view.clone()} open={ui.open_panels.is_open(ControlPanel::Client)}
                    on_action={on_action.clone()} />
                <ConfigPanel config={ui.config()} seed={ui.seed()} open={ui.open_panels.is_open(ControlPanel::Config)}
                    on_action={on_action.clone()} />
            </div>
            <section class="panel logs-panel" aria-label="Logs">
                <LogTable view={view.clone()} selected={ui.selected} on_action={on_action.clone()}
                    highlight={highlight.clone()} />
            </section>
            <section class="panel state-panel" aria-label="State machines">
                <StateMachineView view={view.clone()} />
            </section>
            <section class="panel spacetime-panel" aria-label="Timeline">
                <SpaceTime view={ui.run_view.clone()} run={run} speed={ui.speed} on_action={on_action.clone()} />
            </section>
            if ui.help_open {
                <Help on_action={on_action.clone()} />
            }
            <FileDrop on_action={on_action} />
        </main>
    }
}
