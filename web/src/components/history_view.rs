//! The history panel: each client's operations as bars on a time axis, from
//! when the client sent one to its answer, with the place the
//! linearizability checker gave it in its key's order, or, when a key is
//! broken, the operations no order explains, marked. A
//! press on a bar moves the playback to its answer (or to its sending, for
//! one not answered), so the event log and the ring show that moment.

use super::panel::Panel;
use crate::share::ControlPanel;
use crate::ui::{Action, SharedHistory, SharedRun};
use raftlab_core::view::{BarResult, HistoryBar, HistoryExplanation, HistoryView, Linearizability};
use yew::prelude::*;

/// Props of [`HistoryPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct HistoryPanelProps {
    /// The history as bars; `None` while the panel is closed.
    pub history: Option<SharedHistory>,
    /// The run (for the checker's verdict in the summary line).
    pub run: SharedRun,
    /// Is the panel open?
    pub open: bool,
    /// Where presses go.
    pub on_action: Callback<Action>,
}

/// The history panel.
#[function_component(HistoryPanel)]
pub fn history_panel(props: &HistoryPanelProps) -> Html {
    let summary = match &props.run.0.linearizability {
        Linearizability::Linearizable { operations } => {
            format!("{operations} client operations · linearizable")
        }
        Linearizability::Broken(broken) if broken.undecided => {
            format!("undecided on key {:?}", broken.key)
        }
        Linearizability::Broken(broken) => format!("not linearizable: key {:?}", broken.key),
    };
    html! {
        <Panel panel={ControlPanel::History} title="History" summary={summary} open={props.open}
            on_action={props.on_action.clone()}>
            if let Some(history) = &props.history {
                { body(&history.0, &props.on_action) }
            }
        </Panel>
    }
}

/// The explanation, the time axis and one row of bars per client.
fn body(view: &HistoryView, on_action: &Callback<Action>) -> Html {
    if view.bars.is_empty() {
        return html! {
            <p class="hint">{ "No client operation yet: send a request (Request, or the Client panel) or switch the workload on." }</p>
        };
    }
    let span = view.to_us.saturating_sub(view.from_us).max(1) as f64;
    let at = |t: u64| 100.0 * t.saturating_sub(view.from_us) as f64 / span;
    html! {
        <div class="history">
            <p class="hint">{ explanation(view) }</p>
            <div class="history-axis" aria-hidden="true">
                <span>{ seconds(view.from_us) }</span>
                <span>{ seconds(view.to_us) }</span>
            </div>
            <div class="history-rows" role="list" aria-label="Client operations by client">
                { for view.clients.iter().map(|client| html! {
                    <div class="history-row" role="listitem" key={client.0}>
                        <span class="history-client">{ client.to_string() }</span>
                        <div class="history-lane">
                            { for view.bars.iter().filter(|b| b.client == *client)
                                .map(|b| render_bar(b, &at, view.to_us, on_action)) }
                        </div>
                    </div>
                }) }
            </div>
            if !view.culprits.is_empty() {
                <ol class="history-culprits" aria-label="Operations no order explains">
                    { for view.culprits.iter().map(|b| render_culprit(b, on_action)) }
                </ol>
            }
        </div>
    }
}

/// One operation of the set to blame, in words; a press
/// moves the playback to its answer.
fn render_culprit(bar: &HistoryBar, on_action: &Callback<Action>) -> Html {
    let target = bar.completed_at.unwrap_or(bar.invoked_at);
    let onclick = on_action.reform(move |_: MouseEvent| Action::Seek(target));
    let when = bar.completed_at.map_or_else(
        || format!("sent at {}, not answered", seconds(bar.invoked_at)),
        |t| {
            format!(
                "sent at {}, answered at {}",
                seconds(bar.invoked_at),
                seconds(t)
            )
        },
    );
    html! {
        <li key={bar.index}>
            <button type="button" class="link" {onclick}>
                { format!("{}: {} {}", bar.client, bar.op, bar.answer) }
            </button>
            <small>{ format!(" {when}") }</small>
        </li>
    }
}

/// What the bars show, in a sentence.
fn explanation(view: &HistoryView) -> String {
    let shown = if view.bars.len() < view.total {
        format!(
            "The latest {} of {} operations. ",
            view.bars.len(),
            view.total
        )
    } else {
        String::new()
    };
    let how = match &view.explanation {
        HistoryExplanation::Empty => String::new(),
        HistoryExplanation::Ordered => {
            "Each bar runs from when its client sent the operation to the answer; #n is its place in an order of its key's operations that explains every answer (the checker's linearization)."
                .to_owned()
        }
        HistoryExplanation::Broken { key, culprits } => format!(
            "No order of the operations on key {key} explains every answer: the {culprits} marked in red (listed below) already have none, whatever the key held before them."
        ),
        HistoryExplanation::TooLong { keys } => format!(
            "Too many operations on {} to draw an order here; the Checkers panel's verdict covers them.",
            keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ")
        ),
    };
    format!("{shown}{how}")
}

/// One operation's bar, at `at(...)` per cent of the lane; a press moves the
/// playback to its answer.
fn render_bar(
    bar: &HistoryBar,
    at: &dyn Fn(u64) -> f64,
    now: u64,
    on_action: &Callback<Action>,
) -> Html {
    let end = bar.completed_at.unwrap_or(now).max(bar.invoked_at);
    let (left, right) = (at(bar.invoked_at), at(end));
    let style = format!("left: {left:.2}%; width: {:.2}%", (right - left).max(0.0));
    let class = classes!(
        "history-bar",
        result_class(bar.result),
        bar.culprit.then_some("culprit"),
    );
    let place = bar.place.map(|p| format!("#{p} ")).unwrap_or_default();
    let label = format!("{place}{} {}", bar.op, bar.answer);
    let title = format!(
        "{}: {} {} (sent at {}, {})",
        bar.client,
        bar.op,
        bar.answer,
        seconds(bar.invoked_at),
        bar.completed_at.map_or_else(
            || "not answered yet".to_owned(),
            |t| format!("answered at {}", seconds(t))
        )
    );
    let target = bar.completed_at.unwrap_or(bar.invoked_at);
    let onclick = on_action.reform(move |_: MouseEvent| Action::Seek(target));
    html! {
        <button type="button" key={bar.index} {class} {style} title={title.clone()} aria-label={title}
            data-history-index={bar.index.to_string()} data-culprit={bar.culprit.to_string()}
            data-place={bar.place.map(|p| p.to_string()).unwrap_or_default()} {onclick}>
            { label }
        </button>
    }
}

/// The bar's class for what its client learned.
fn result_class(result: BarResult) -> &'static str {
    match result {
        BarResult::Answered => "answered",
        BarResult::Failed => "failed",
        BarResult::Unknown => "unknown",
        BarResult::Done => "done",
        BarResult::NotSwapped => "not-swapped",
    }
}

/// A virtual instant in seconds, to the millisecond.
fn seconds(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}
