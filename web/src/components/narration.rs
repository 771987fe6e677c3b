//! Guided scenarios: a picker of the bundled scenarios and, once one is
//! loaded, its narration: the current step's text in one fixed place with
//! Back and Next beside it, the list of steps to jump to any of them, and a
//! way to leave the script, play freely, and come back.

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
}

/// The scenario picker and the narration.
#[function_component(NarrationPanel)]
pub fn narration_panel(props: &NarrationPanelProps) -> Html {
    let on_pick = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            let id = super::form::select_value(&e);
            if !id.is_empty() {
                cb.emit(Action::LoadScenario(id));
            }
        })
    };
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let titles = use_memo((), |_| NarratedScenario::titles());
    let current_id = props.narration.as_ref().map(|n| n.scenario.id.clone());
    let picker = html! {
        <label class="field scenario-picker">
            <span>{ "Scenario" }</span>
            <select aria-label="Scenario" onchange={on_pick}>
                <option value="" selected={current_id.is_none()}>{ "— free play —" }</option>
                { for titles.iter().map(|(id, title)| html! {
                    <option value={id.clone()} selected={current_id.as_deref() == Some(id.as_str())}>{ title.clone() }</option>
                }) }
            </select>
        </label>
    };
    let Some(narration) = &props.narration else {
        return html! {
            <section class="panel narration idle" aria-label="Scenarios">
                { picker }
                <p class="hint">{ "Pick a scenario to be walked through it step by step, or play freely." }</p>
            </section>
        };
    };
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
        <section class="panel narration" aria-label="Scenario narration" data-scenario={narration.scenario.id.clone()}
            data-step={at.map_or("none".to_owned(), |i| i.to_string())}>
            <div class="narration-head">
                { picker }
                <h2>{ narration.scenario.title.clone() }<small>{ narration.scenario.summary.clone() }</small></h2>
            </div>
            <div class="narration-step">
                <button type="button" aria-label="Back" title="The previous step (←)" disabled={!can_back}
                    onclick={send(Action::NarrationBack)}>{ "‹ Back" }</button>
                <p class="narration-text" aria-live="polite"><small>{ counter }</small>{ text }</p>
                <button type="button" class="primary" aria-label="Next" title="The next step (→)" disabled={!can_next}
                    onclick={send(Action::NarrationNext)}>{ "Next ›" }</button>
            </div>
            <details class="narration-steps">
                <summary>{ format!("All {total} steps") }</summary>
                <ol>
                    { for steps.iter().enumerate().map(|(i, step)| html! {
                        <li class={classes!((at == Some(i)).then_some("current"))}>
                            <button type="button" class="link" aria-label={format!("Go to step {}", i + 1)}
                                onclick={send(Action::NarrationGo(i))}>{ step.text.clone() }</button>
                        </li>
                    }) }
                </ol>
            </details>
            <div class="buttons">
                if at.is_some() {
                    <button type="button" aria-label="Leave the script" title="Play freely from here"
                        onclick={send(Action::LeaveScript)}>{ "Leave the script" }</button>
                } else {
                    <button type="button" aria-label="Back to the script" title="Back to the step you left, as it was"
                        onclick={send(Action::NarrationGo(narration.last))}>{ "Back to the script" }</button>
                }
                <button type="button" aria-label="Close scenario" onclick={send(Action::CloseScenario)}>{ "Close" }</button>
            </div>
        </section>
    }
}
