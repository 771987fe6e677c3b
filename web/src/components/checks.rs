//! The checker panel: the five safety properties of the Raft paper's
//! Figure 3 and linearizability of the client history, each with its live
//! status. A broken property names the step, servers, term and index
//! involved, and a button takes the playback there.

use crate::components::format_time;
use crate::ui::{Action, SharedRun};
use raftlab_core::view::Property;
use raftlab_core::view::{FoundViolation, Linearizability};
use yew::prelude::*;

/// Props of [`Checks`].
#[derive(Properties, Clone, PartialEq)]
pub struct ChecksProps {
    /// The run around the playback position.
    pub run: SharedRun,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// One property's line: its status, and the first violation if any.
fn property_row(
    property: Property,
    found: &[FoundViolation],
    on_action: &Callback<Action>,
) -> Html {
    let broken: Vec<&FoundViolation> = found
        .iter()
        .filter(|f| f.violation.property == property)
        .collect();
    let Some(first) = broken.first() else {
        return html! {
            <li class="check ok" data-property={property.name()} data-status="holds">
                <span class="status" aria-hidden="true">{ "✓" }</span>
                <span class="name">{ property.name() }</span>
                <small>{ "holds" }</small>
            </li>
        };
    };
    let v = &first.violation;
    let go = {
        let cb = on_action.clone();
        let position = first.position;
        let node = v.nodes.first().copied();
        Callback::from(move |_: MouseEvent| {
            cb.emit(Action::SeekPosition(position));
            if let Some(node) = node {
                cb.emit(Action::Select(node));
            }
        })
    };
    let nodes: Vec<String> = v.nodes.iter().map(|n| n.to_string()).collect();
    let mut involved = format!("servers {}", nodes.join(", "));
    if let Some(term) = v.term {
        involved.push_str(&format!(" · term {term}"));
    }
    if let Some(index) = v.index {
        involved.push_str(&format!(" · index {index}"));
    }
    html! {
        <li class="check broken" data-property={property.name()} data-status="violated">
            <span class="status" aria-hidden="true">{ "✗" }</span>
            <span class="name">{ property.name() }</span>
            <small>{ if broken.len() == 1 { "violated".to_owned() } else { format!("violated ({} times)", broken.len()) } }</small>
            <p class="detail">{ &v.detail }</p>
            <p class="where">
                { format!("at {} (event {}) · {involved} ", format_time(v.at), first.position) }
                <button type="button" aria-label={format!("Go to the {} violation", property.name())}
                    onclick={go}>{ "go there" }</button>
            </p>
        </li>
    }
}

/// The checker panel.
#[function_component(Checks)]
pub fn checks(props: &ChecksProps) -> Html {
    let run = &props.run.0;
    let linearizability = match &run.linearizability {
        Linearizability::Linearizable { operations } => html! {
            <li class="check ok" data-property="Linearizability" data-status="holds">
                <span class="status" aria-hidden="true">{ "✓" }</span>
                <span class="name">{ "Linearizability" }</span>
                <small>{ format!("{operations} client operation{} fit one copy of the data",
                    if *operations == 1 { "" } else { "s" }) }</small>
            </li>
        },
        Linearizability::Broken(broken) => html! {
            <li class="check broken" data-property="Linearizability"
                data-status={if broken.undecided { "undecided" } else { "violated" }}>
                <span class="status" aria-hidden="true">{ if broken.undecided { "?" } else { "✗" } }</span>
                <span class="name">{ "Linearizability" }</span>
                <small>{ if broken.undecided { "undecided" } else { "violated" } }</small>
                <p class="detail">{ broken.to_string() }</p>
            </li>
        },
    };
    html! {
        <div class="checks" role="region" aria-label="Checkers">
            <h2>{ "Checkers" }<small>{ "after every event" }</small></h2>
            <ul aria-live="polite">
                { for Property::ALL.iter().map(|&p| property_row(p, &run.violations, &props.on_action)) }
                { linearizability }
            </ul>
            if run.violations_ahead > 0 {
                <p class="hint">{ format!("{} more violation{} later in this run (jump with “next: violation”).",
                    run.violations_ahead, if run.violations_ahead == 1 { "" } else { "s" }) }</p>
            }
        </div>
    }
}
