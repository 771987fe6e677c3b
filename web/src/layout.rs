//! The page layouts, as components over the UI state: the full page
//! ([`FullPage`]: toolbar, narration, the cluster with the network panel
//! under it and the selected server and the checkers beside it, the client
//! and configuration panels, the logs, the state machines, the timeline, and
//! notices floating over it all) and the compact page embeds show
//! ([`CompactPage`]: a slim toolbar and the chosen panels, in a page of its
//! own or in an element of someone else's).

use crate::components::form::library_picker;
use crate::components::{
    embed_narration, Checks, ClientPanel, Cluster, CompactControls, ConfigPanel, Controls,
    EventLog, ExperimentsView, FileDrop, Help, HistoryPanel, Inspector, Legend, LegendProps,
    LinkBase, LogTable, MissionPanel, NarrationPanel, NetworkPanel, NodeMenu, SpaceTime,
    StateDiagram, StateMachineView,
};
use crate::params::{self, Embed, EmbedPanel};
use crate::share::ControlPanel;
use crate::ui::{Action, Ui};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`FullPage`].
#[derive(Properties, Clone, PartialEq)]
pub struct FullPageProps {
    /// The UI state.
    pub ui: UseReducerHandle<Ui>,
    /// What was wrong with the URL, one notice each.
    pub notices: Rc<[String]>,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The full playground. On a wide screen the first screen holds everything
/// that acts on the cluster: the toolbar (with Request) above, the ring with
/// the network panel right under it, and beside it the selected server's
/// actions in a fixed place above its inspector, whose body scrolls inside a
/// bounded box. Notices float in a toast region, so they never push the page
/// down. On a phone the selected server's actions are a sheet fixed to the
/// bottom of the screen, so a tapped server's buttons are always in view.
#[function_component(FullPage)]
pub fn full_page(props: &FullPageProps) -> Html {
    let ui = &*props.ui;
    let on_action = &props.on_action;
    let v = &ui.view.0;
    let main = use_reveal_on_step(ui);
    if let Some(experiments) = &ui.experiments {
        return html! {
            <main ref={main} id="raftlab" class="full-page experiments" data-playing="false">
                <header><h1>{ "Raftlab" }</h1></header>
                <ExperimentsView initial={experiments.form.clone()} autorun={experiments.autorun}
                    on_action={on_action.clone()} />
                { toasts(&props.notices, ui.error.as_deref(), on_action) }
            </main>
        };
    }
    let presenter = ui.presenter.as_deref();
    // The tools the mission on gives, for the style to dim the others.
    let tools = ui.mission.as_ref().map(|run| {
        let names: Vec<&str> = run.mission.tools.iter().map(|tool| tool.name()).collect();
        names.join(" ")
    });
    let class = classes!(
        "full-page",
        ui.narration.is_some().then_some("narrating"),
        presenter.is_some().then_some("presenter")
    );
    html! {
        <main ref={main} id="raftlab" {class}
            data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}
            data-position={ui.run.0.position.to_string()} data-playing={ui.playing.to_string()}
            data-reduced-motion={ui.reduced_motion.to_string()} data-tools={tools}>
            <header>
                <h1>{ "Raftlab" }</h1>
                <Controls playing={ui.playing} speed={ui.speed} now_us={v.now} seed={ui.seed()}
                    events={v.events_processed} run={ui.run.clone()} share={ui.share_source()}
                    presenting={presenter.is_some()} on_action={on_action.clone()} />
            </header>
            { announcement(ui.announcement.as_deref()) }
            // With no mission on, its picker sits in the scenario row, so
            // the row does not grow a panel and push the cluster down.
            <NarrationPanel narration={ui.narration.clone()} on_action={on_action.clone()}
                missions={(ui.mission.is_none() && ui.narration.is_none()).then(|| html! {
                    <MissionPanel mission={None::<crate::ui::MissionRun>} on_action={on_action.clone()} />
                })} />
            if ui.mission.is_some() {
                <MissionPanel mission={ui.mission.clone()} on_action={on_action.clone()} />
            }
            if let Some(panels) = presenter {
                { presenter_panels(ui, panels, on_action) }
            } else {
                { workspace(ui, on_action) }
                { control_panels(ui, on_action) }
                { lower_panels(ui, on_action) }
            }
            { toasts(&props.notices, ui.error.as_deref(), on_action) }
            if ui.help_open {
                <Help on_action={on_action.clone()} />
            }
            <FileDrop on_action={on_action.clone()} />
        </main>
    }
}

/// Presenter mode's panels, in the order chosen, each with a button that
/// hides it (not the last one), and a picker that shows a hidden one. The
/// page's style makes everything large and keeps the narration as a
/// caption at the bottom of the screen.
fn presenter_panels(ui: &Ui, panels: &[EmbedPanel], on_action: &Callback<Action>) -> Html {
    let hidden: Vec<(String, String)> = params::presenter_panel_choices()
        .filter(|panel| !panels.contains(panel))
        .map(|panel| (panel.name().to_owned(), label(panel).to_owned()))
        .collect();
    let show = |name: String| {
        EmbedPanel::from_name(&name).map_or(Action::Present(true), |panel| {
            Action::PresenterPanel(panel, true)
        })
    };
    let only_one = panels.len() == 1;
    html! {
        <>
            <div class="presenter-panels" data-panels={panels.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")}>
                { for panels.iter().map(|&panel| html! {
                    <section class={classes!("panel", "presenter-panel")} data-panel={panel.name()}
                        aria-label={label(panel)}>
                        if !only_one {
                            <button type="button" class="panel-hide" aria-label={format!("Hide {}", label(panel))}
                                title="Hide this panel (Show a panel brings it back)"
                                onclick={on_action.reform(move |_: MouseEvent| Action::PresenterPanel(panel, false))}>
                                { "×" }
                            </button>
                        }
                        { panel_content(ui, panel, on_action, &LinkBase::Nowhere) }
                    </section>
                }) }
            </div>
            if !hidden.is_empty() {
                <div class="presenter-picker">
                    { library_picker("Show a panel", "…", &hidden, None, show, on_action) }
                </div>
            }
        </>
    }
}

/// Once a narration step (or another scenario) has been drawn, brings what
/// it highlights into view below the sticky narration bar; the page's
/// `<main>` is the returned ref.
#[hook]
fn use_reveal_on_step(ui: &Ui) -> NodeRef {
    let main = use_node_ref();
    let step = ui
        .narration
        .as_ref()
        .map(|n| (n.scenario.id.clone(), n.current));
    let smooth = !ui.reduced_motion;
    {
        let main = main.clone();
        use_effect_with(step, move |step| {
            if let (Some((_, Some(_))), Some(root)) = (step, main.cast::<web_sys::Element>()) {
                let bar = root.query_selector(".narration-bar").ok().flatten();
                crate::reveal::reveal_highlights(&root, bar.as_ref(), smooth);
            }
        });
    }
    main
}

/// What the page did on its own (playback paused at a broken property), in
/// a live region: a screen reader hears it; nobody sees it.
fn announcement(text: Option<&str>) -> Html {
    html! {
        <p class="sr-only" role="status" aria-live="assertive" data-announcement="">
            { text.unwrap_or_default().to_string() }
        </p>
    }
}

/// The URL's problems, then the last command's error (the compact page
/// shows them in its flow, above its panels), and the announcement.
fn notices(notices: &[String], error: Option<&str>, announcement_text: Option<&str>) -> Html {
    html! {
        <>
            { announcement(announcement_text) }
            { for notices.iter().map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = error {
                <p class="notice error" role="alert">{ e.to_string() }</p>
            }
        </>
    }
}

/// The full page's notices, floating over the page's corner so that one
/// appearing (a jump that finds nothing) moves nothing: the URL's problems,
/// then the last command's error with a button that dismisses it.
fn toasts(notices: &[String], error: Option<&str>, on_action: &Callback<Action>) -> Html {
    let dismiss = on_action.reform(|_: MouseEvent| Action::DismissError);
    html! {
        <div class="toasts">
            { for notices.iter().map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = error {
                // The alert is the message alone, without the button's "×".
                <p class="notice error">
                    <span class="notice-text" role="alert">{ e.to_string() }</span>
                    <button type="button" class="notice-close" aria-label="Dismiss"
                        title="Hide this message" onclick={dismiss}>{ "×" }</button>
                </p>
            }
        </div>
    }
}

/// The ring with the network panel under it and the legend below that; the
/// selected server's actions and inspector beside it; the checkers and the
/// event log beside those. While a scenario is narrated the state
/// diagram comes before the inspector, next to the ring, so that an arrow a
/// step points at and the messages it points at fit on one screen.
fn workspace(ui: &Ui, on_action: &Callback<Action>) -> Html {
    let view = &ui.view;
    let highlight = ui.highlight();
    let diagram = html! {
        <StateDiagram view={view.clone()} selected={ui.selected} speed={ui.speed}
            highlight={highlight.transition} />
    };
    let narrating = ui.narration.is_some();
    html! {
        <div class="workspace">
            <div class="ring-column">
                <section class="panel cluster-panel" aria-label="Cluster">
                    <Cluster view={view.clone()} selected={ui.selected} selected_message={ui.selected_message}
                        highlight={highlight.clone()} speed={ui.speed} legend={false}
                        reduced_motion={ui.reduced_motion} caption={ui.ring_caption().map(AttrValue::from)}
                        on_action={on_action.clone()} />
                </section>
                <NetworkPanel view={view.clone()} open={ui.open_panels.is_open(ControlPanel::Network)}
                    on_action={on_action.clone()} />
                <section class="panel legend-panel" aria-label="Legend">
                    <Legend ..LegendProps::of(&ui.view.0) />
                </section>
            </div>
            <aside class="panel side" aria-label="Selected server">
                <NodeMenu view={view.clone()} selected={ui.selected} on_action={on_action.clone()}
                    sheet_hidden={ui.actions_hidden} />
                if narrating { { diagram.clone() } }
                <Inspector view={view.clone()} selected={ui.selected} selected_message={ui.selected_message}
                    on_action={on_action.clone()} />
                if !narrating { { diagram } }
            </aside>
            <aside class="panel side checks-side" aria-label="Checkers and events">
                <Checks run={ui.run.clone()} on_action={on_action.clone()} />
                <EventLog run={ui.run.clone()} playing={ui.playing} on_action={on_action.clone()} />
            </aside>
        </div>
    }
}

/// The client and configuration panels (the network panel sits under the ring).
fn control_panels(ui: &Ui, on_action: &Callback<Action>) -> Html {
    let open = |panel| ui.open_panels.is_open(panel);
    html! {
        <div class="control-panels">
            <ClientPanel view={ui.view.clone()} open={open(ControlPanel::Client)}
                on_action={on_action.clone()} />
            <ConfigPanel config={ui.config()} seed={ui.seed()} open={open(ControlPanel::Config)}
                on_action={on_action.clone()} />
        </div>
    }
}

/// The logs, the state machines, the timeline and the client history.
fn lower_panels(ui: &Ui, on_action: &Callback<Action>) -> Html {
    let highlight = ui.highlight();
    html! {
        <>
            <section class="panel logs-panel" aria-label="Logs">
                <LogTable view={ui.view.clone()} selected={ui.selected} on_action={on_action.clone()}
                    {highlight} />
            </section>
            <section class="panel state-panel" aria-label="State machines">
                <StateMachineView view={ui.view.clone()} />
            </section>
            <section class="panel spacetime-panel" aria-label="Timeline">
                <SpaceTime view={ui.run_view.clone()} run={ui.run.clone()} speed={ui.speed}
                    on_action={on_action.clone()} />
            </section>
            <HistoryPanel history={ui.history.clone()} run={ui.run.clone()}
                open={ui.open_panels.is_open(ControlPanel::History)} on_action={on_action.clone()} />
        </>
    }
}

/// Where the compact page lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A page of its own (an iframe): the document's `<main id="raftlab">`.
    Page,
    /// An element of someone else's page: a labelled region, no id.
    Mounted,
}

/// Props of [`CompactPage`].
#[derive(Properties, Clone, PartialEq)]
pub struct CompactPageProps {
    /// The UI state.
    pub ui: UseReducerHandle<Ui>,
    /// The panels to show, in order.
    pub embed: Embed,
    /// Where the page lives.
    pub frame: Frame,
    /// What was wrong with the URL or the options, one notice each.
    pub notices: Rc<[String]>,
    /// The full page's address for "Open in Raftlab"; no link when `None`.
    pub open_href: Option<String>,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The compact page: the toolbar, any notices, then the embed's panels in order.
#[function_component(CompactPage)]
pub fn compact_page(props: &CompactPageProps) -> Html {
    let ui = &*props.ui;
    let on_action = &props.on_action;
    let v = &ui.view.0;
    let (tag, id) = match props.frame {
        Frame::Page => ("main", Some("raftlab")),
        Frame::Mounted => ("section", None),
    };
    let class = classes!(
        "raftlab",
        "embed",
        (props.frame == Frame::Page).then_some("embed-page")
    );
    let panels = &props.embed.panels;
    // For a `<raft-lab>` element's events (raftlab-leader, raftlab-violation).
    let leader = v.leader();
    // An experiment's links open the full page, in a new tab.
    let links = match &props.open_href {
        Some(href) => LinkBase::FullPage(AttrValue::from(href.clone())),
        None => LinkBase::Nowhere,
    };
    html! {
        <@{tag} {id} {class} aria-label="Raftlab: a simulated Raft cluster"
            data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}
            data-position={ui.run.0.position.to_string()} data-playing={ui.playing.to_string()}
            data-panels={panels.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")}
            data-leader={leader.map(|n| n.id.0.to_string()).unwrap_or_default()}
            data-term={leader.map(|n| n.term.to_string()).unwrap_or_default()}
            data-violations={ui.run.0.violations.len().to_string()}
            data-scenario={ui.narration.as_ref().map(|n| n.scenario.id.clone()).unwrap_or_default()}
            data-step={ui.narration.as_ref().and_then(|n| n.current).map(|i| i.to_string()).unwrap_or_default()}
            data-steps={ui.narration.as_ref().map(|n| n.steps.len().to_string()).unwrap_or_default()}>
            <CompactControls playing={ui.playing} speed={ui.speed} now_us={v.now}
                open_href={props.open_href.clone()} on_action={on_action.clone()} />
            { notices(&props.notices, ui.error.as_deref(), ui.announcement.as_deref()) }
            if let Some(narration) = &ui.narration {
                { embed_narration(narration, on_action) }
            }
            <div class="embed-panels">
                { for panels.iter().map(|&panel| html! {
                    <section class={classes!("panel", "embed-panel")} data-panel={panel.name()}
                        aria-label={label(panel)}>
                        { panel_content(ui, panel, on_action, &links) }
                    </section>
                }) }
            </div>
            if ui.help_open {
                <Help on_action={on_action.clone()} />
            }
        </@>
    }
}

/// A panel's region name.
pub fn label(panel: EmbedPanel) -> &'static str {
    match panel {
        EmbedPanel::Cluster => "Cluster",
        EmbedPanel::Diagram => "State diagram",
        EmbedPanel::Log => "Logs",
        EmbedPanel::State => "State machines",
        EmbedPanel::Timeline => "Timeline",
        EmbedPanel::Checks => "Checkers",
        EmbedPanel::Events => "Events",
        EmbedPanel::Inspector => "Selected server",
        EmbedPanel::Network => "Network",
        EmbedPanel::Client => "Client",
        EmbedPanel::Config => "Configuration",
        EmbedPanel::Experiments => "Experiments",
    }
}

/// The components one panel shows, with the props the full page gives them.
fn panel_content(
    ui: &Ui,
    panel: EmbedPanel,
    on_action: &Callback<Action>,
    links: &LinkBase,
) -> Html {
    let view = ui.view.clone();
    let run = ui.run.clone();
    let on_action = on_action.clone();
    match panel {
        EmbedPanel::Cluster => html! {
            <Cluster {view} selected={ui.selected} selected_message={ui.selected_message}
                speed={ui.speed} reduced_motion={ui.reduced_motion}
                caption={ui.ring_caption().map(AttrValue::from)} {on_action} />
        },
        EmbedPanel::Diagram => {
            html! { <StateDiagram {view} selected={ui.selected} speed={ui.speed} /> }
        }
        EmbedPanel::Log => html! { <LogTable {view} selected={ui.selected} {on_action} /> },
        EmbedPanel::State => html! { <StateMachineView {view} /> },
        EmbedPanel::Timeline => html! {
            <SpaceTime view={ui.run_view.clone()} {run} speed={ui.speed} {on_action} />
        },
        EmbedPanel::Checks => html! { <Checks {run} {on_action} /> },
        EmbedPanel::Events => html! { <EventLog {run} playing={ui.playing} {on_action} /> },
        EmbedPanel::Inspector => html! {
            <>
                <NodeMenu view={view.clone()} selected={ui.selected} on_action={on_action.clone()} />
                <Inspector {view} selected={ui.selected} selected_message={ui.selected_message} {on_action} />
            </>
        },
        EmbedPanel::Network => html! { <NetworkPanel {view} {on_action} /> },
        EmbedPanel::Client => html! { <ClientPanel {view} {on_action} /> },
        EmbedPanel::Config => {
            html! { <ConfigPanel config={ui.config()} seed={ui.seed()} {on_action} /> }
        }
        EmbedPanel::Experiments => {
            let (initial, autorun) = ui
                .experiments
                .as_ref()
                .map(|e| (e.form.clone(), e.autorun))
                .unwrap_or_default();
            html! { <ExperimentsView {initial} {autorun} {on_action} links={links.clone()} /> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_panel_has_a_region_name() {
        for panel in EmbedPanel::ALL {
            assert!(!label(panel).is_empty(), "{panel:?}");
        }
    }
}
