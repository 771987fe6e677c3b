//! The app root: it parses the URL, starts the reducer (`crate::ui`),
//! installs the browser glue (`crate::browser`) and hands the state to a
//! layout (`crate::layout`), full or compact.

use crate::browser::{
    fresh_seed, page_path, prefers_reduced_motion, AnimationLoop, PauseWhenHidden, ShortcutContext,
    Shortcuts, ThemeWatcher,
};
use crate::embed::host::{use_host_commands, Host};
use crate::layout::{CompactPage, Frame, FullPage};
use crate::params::{self, Theme};
use crate::ui::{Action, Ui};
use std::cell::Cell;
use std::rc::Rc;
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
    // Presenter mode is the full page's; an embed ignores `presenter=`.
    let presenting = use_memo(props.query.clone(), |query| params::parse_presenter(query));
    let ui = {
        let settings = settings.clone();
        let presenter = presenting.0.clone();
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
            // An embed starts where its author set it; the full page skips
            // the quiet first seconds of a fresh run.
            let full_page = embed.is_none();
            // A narrated scenario waits at its step for Next.
            if let Some(embed) = embed {
                ui.playing = embed.plays() && ui.narration.is_none();
                ui.embed_experiment(&embed);
            }
            if prefers_reduced_motion() {
                ui.reduce_motion(true);
            }
            if full_page {
                ui.skip_quiet_start();
                ui.present(presenter);
            }
            ui
        })
    };

    // The full page's Experiments view hides the cluster; an embed's
    // experiments panel sits beside whatever other panels it shows.
    let cluster_hidden = ui.experiments.is_some() && embedding.0.is_none();
    let full_page = embedding.0.is_none();
    use_browser_glue(&ui, host.clone(), cluster_hidden, full_page);
    use_theme(settings.theme, host.as_ref().map(Host::container));

    // One callback for the app's lifetime (the dispatcher never changes),
    // so components whose other props are unchanged skip their render.
    let on_action = {
        let dispatcher = ui.dispatcher();
        use_callback((), move |action: Action, _| dispatcher.dispatch(action))
    };
    use_host_commands(host.clone(), on_action.clone());
    let presenter_problems = if full_page { &presenting.1[..] } else { &[] };
    let notices: Rc<[String]> = problems
        .iter()
        .chain(&embedding.1)
        .chain(presenter_problems)
        .cloned()
        .collect();
    let Some(embed) = embedding.0.clone() else {
        return html! { <FullPage {ui} {notices} {on_action} /> };
    };
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
    html! { <CompactPage {ui} {embed} {frame} {notices} {open_href} {on_action} /> }
}

/// Draws the instance in `theme`: on `container` (a mounted instance's) or
/// on the page's `<html>` (the full page, an `embed=1` frame), for as long
/// as the App is mounted.
#[hook]
fn use_theme(theme: Theme, container: Option<web_sys::Element>) {
    use_effect_with((theme, container), |(theme, container)| {
        let root = container.clone().or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
        });
        let watcher = root.map(|root| ThemeWatcher::install(root, *theme));
        move || drop(watcher)
    });
}

/// The browser glue an App needs while it is mounted: the animation loop
/// (only while playing: paused, nothing runs at all), pausing when the tab
/// is hidden, and the keyboard shortcuts (none while `cluster_hidden`;
/// presenter mode's only on the `full_page`).
#[hook]
fn use_browser_glue(
    ui: &UseReducerHandle<Ui>,
    host: Option<Host>,
    cluster_hidden: bool,
    full_page: bool,
) {
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

    // Keyboard shortcuts for the main controls (the help overlay lists them),
    // read against the state of this render whenever a key comes.
    let context = ShortcutContext {
        selected: ui.selected,
        node_count: ui.view.0.nodes.len(),
        help_open: ui.help_open,
        narrating: ui.narration.as_ref().is_some_and(|n| n.current.is_some()),
        experiments: cluster_hidden,
        presenting: full_page.then_some(ui.presenter.is_some()),
    };
    let shared_context = use_memo((), move |_| Rc::new(Cell::new(context)));
    shared_context.set(context);
    {
        let dispatcher = ui.dispatcher();
        let shared_context = (*shared_context).clone();
        use_effect_with(host, move |host| {
            let listener = Shortcuts::install(dispatcher, shared_context, host.clone());
            move || drop(listener)
        });
    }
}

/// Props of [`Hosted`].
#[derive(Properties, Clone, PartialEq)]
pub struct HostedProps {
    /// The run's parameters as a query (`?seed=4&nodes=3&speed=0.5`).
    pub query: String,
    /// What the host page gives the App.
    pub host: Host,
}

/// An App with its host in context: what [`crate::embed::api::mount`] renders.
#[function_component(Hosted)]
pub fn hosted(props: &HostedProps) -> Html {
    html! {
        <ContextProvider<Host> context={props.host.clone()}>
            <App query={props.query.clone()} />
        </ContextProvider<Host>>
    }
}
