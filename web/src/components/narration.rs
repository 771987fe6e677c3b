//! Guided scenarios: a picker of the bundled scenarios and, once one is
//! loaded, its narration: the current step's text in one fixed place with
//! Back and Next beside it, the list of steps to jump to any of them, and a
//! way to leave the script, play freely, and come back. The step's text and
//! its buttons are a bar of their own beside the panel, sticky at the top
//! of the window, so they stay in sight while the page scrolls to what the
//! step points at (see `crate::reveal`).

use super::sender;
use crate::ui::{Action, Narration};
use raftlab_core::session::NarratedScenario;
use yew::prelude::*;

/// Props of [`NarrationPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct NarrationPanelProps {
    /// The scenario being narrated, if any.
    pub narration: Option<Narration>,
    /// Where actions go.
    pub on_action: Callback<Action>,
    /// The mission picker, shown in the idle row when given.
    #[prop_or_default]
    pub missions: Option<Html>,
}

/// The scenario picker and the narration.
#[function_component(NarrationPanel)]
pub fn narration_panel(props: &NarrationPanelProps) -> Html {
    let titles = use_memo((), |_| NarratedScenario::titles());
    let current_id = props.narration.as_ref().map(|n| n.scenario.id.clone());
    let picker = scenario_picker(&titles, current_id.as_deref(), &props.on_action);
    let Some(narration) = &props.narration else {
        return html! {
            <section class="panel narration idle" aria-label="Scenarios">
                { picker }
                if let Some(missions) = &props.missions {
                    { missions.clone() }
                } else {
                    <p class="hint">{ "Pick a scenario for a step-by-step walk-through, or play freely." }</p>
                }
                <button type="button" class="experiments-open"
                    title="Run the Raft paper's election-timing experiment (Figure 16) and the thesis's split-vote analysis"
                    onclick={props.on_action.reform(|_| Action::OpenExperiments)}>{ "Experiments" }</button>
            </section>
        };
    };
    let at = narration.current;
    html! {
        <>
        <section class="panel narration" aria-label="Scenario narration" data-scenario={narration.scenario.id.clone()}
            data-step={at.map_or("none".to_owned(), |i| i.to_string())}>
            <div class="narration-head">
                { picker }
                <h2>{ narration.scenario.title.clone() }<small>{ narration.scenario.summary.clone() }</small></h2>
            </div>
            { step_list(narration, &props.on_action) }
            <div class="buttons">
                if at.is_some() {
                    <button type="button" aria-label="Leave the script" title="Play freely from here"
                        onclick={sender(&props.on_action, Action::LeaveScript)}>{ "Leave the script" }</button>
                } else {
                    <button type="button" aria-label="Back to the script" title="Back to the step you left, as it was"
                        onclick={sender(&props.on_action, Action::NarrationGo(narration.last))}>{ "Back to the script" }</button>
                }
                <button type="button" aria-label="Close scenario"
                    onclick={sender(&props.on_action, Action::CloseScenario)}>{ "Close" }</button>
            </div>
        </section>
        // A sibling of the panel, not a child: a sticky element sticks only
        // within its parent, and the page is the parent that scrolls.
        <section class="panel narration-bar" aria-label="Scenario step">
            { current_step(narration, &props.on_action) }
        </section>
        </>
    }
}

/// An embed's narration (`scenario=` in a frame, the `scenario` option of
/// `mount()` and the element): the scenario's title and the step shown
/// with Back and Next, above the embed's panels. No picker, no step list:
/// the page around it tells the story; this moves through it.
pub fn embed_narration(narration: &Narration, on_action: &Callback<Action>) -> Html {
    html! {
        <section class="panel narration embed-narration" aria-label="Scenario step">
            <h2>{ narration.scenario.title.clone() }</h2>
            { current_step(narration, on_action) }
        </section>
    }
}

/// The bundled scenarios to pick from, `current` selected.
fn scenario_picker(
    titles: &[(String, String)],
    current: Option<&str>,
    on_action: &Callback<Action>,
) -> Html {
    super::form::library_picker(
        "Scenario",
        "— free play —",
        titles,
        current,
        Action::LoadScenario,
        on_action,
    )
}

/// The step shown, in one fixed place, with Back and Next beside it.
fn current_step(narration: &Narration, on_action: &Callback<Action>) -> Html {
    let steps = &narration.steps;
    let total = steps.len();
    let at = narration.current;
    let text = at.and_then(|i| steps.get(i)).map_or(
        "You left the script: play freely, then come back to it.".to_owned(),
        |s| s.text.clone(),
    );
    let can_back = at.is_some_and(|i| i > 0);
    let can_next = at.is_none_or(|i| i + 1 < total);
    let counter = match at {
        Some(i) => format!("step {} of {total}", i + 1),
        None => format!(
            "off the script (was at step {} of {total})",
            narration.last + 1
        ),
    };
    html! {
        <div class="narration-step">
            <button type="button" aria-label="Back" title="The previous step (←)" disabled={!can_back}
                onclick={sender(on_action, Action::NarrationBack)}>{ "‹ Back" }</button>
            <p class="narration-text" aria-live="polite"><small>{ counter }</small>{ text }</p>
            <button type="button" class="primary" aria-label="Next" title="The next step (→)" disabled={!can_next}
                onclick={sender(on_action, Action::NarrationNext)}>{ "Next ›" }</button>
        </div>
    }
}

/// Every step, to jump to any of them.
fn step_list(narration: &Narration, on_action: &Callback<Action>) -> Html {
    let steps = &narration.steps;
    let at = narration.current;
    html! {
        <details class="narration-steps">
            <summary>{ format!("All {} steps", steps.len()) }</summary>
            <ol>
                { for steps.iter().enumerate().map(|(i, step)| html! {
                    <li class={classes!((at == Some(i)).then_some("current"))}>
                        <button type="button" class="link" aria-label={format!("Go to step {}", i + 1)}
                            onclick={sender(on_action, Action::NarrationGo(i))}>{ step.text.clone() }</button>
                    </li>
                }) }
            </ol>
        </details>
    }
}
