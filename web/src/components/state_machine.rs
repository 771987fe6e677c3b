//! The replicated state machine on every server side by side: keys as rows,
//! servers as columns, each cell the value that server has applied. A cell
//! that disagrees with what most live servers hold is highlighted, so a
//! server that lags (or runs ahead) stands out. Below: each server's
//! lastApplied and its client sessions.

use crate::ui::SharedView;
use raftlab_core::view::NodeId;
use raftlab_core::view::NodeView;
use raftlab_core::view::{StateMachine, ToyState, TOY_KEY};
use std::collections::BTreeSet;
use yew::prelude::*;

/// Props of [`StateMachineView`].
#[derive(Properties, Clone, PartialEq)]
pub struct StateMachineViewProps {
    /// The cluster now.
    pub view: SharedView,
}

/// How one server's value compares with the live servers'.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict<T> {
    /// The server is crashed: its state machine is rebuilt from its log when
    /// it restarts, so there is nothing to compare.
    Down,
    /// It holds what a majority of the live servers hold.
    Agrees,
    /// It holds something else; `majority` is what a majority of the live
    /// servers hold, if they agree on anything.
    Differs {
        /// The majority's value.
        majority: Option<T>,
    },
}

/// Compares each server's value (`None`: the server is down) with the value
/// held by more than half of the live servers. With no such value, every live
/// server differs.
fn compare<T: PartialEq + Clone>(values: &[Option<T>]) -> Vec<Verdict<T>> {
    let live: Vec<&T> = values.iter().flatten().collect();
    let majority = live
        .iter()
        .find(|v| live.iter().filter(|w| w == v).count() * 2 > live.len())
        .map(|v| (*v).clone());
    values
        .iter()
        .map(|value| match value {
            None => Verdict::Down,
            Some(v) if majority.as_ref() == Some(v) => Verdict::Agrees,
            Some(_) => Verdict::Differs {
                majority: majority.clone(),
            },
        })
        .collect()
}

/// The keys any server holds, in order; with the toy machine, its own key
/// is left out (the toy row shows it).
fn keys(nodes: &[NodeView], state_machine: StateMachine) -> BTreeSet<&str> {
    nodes
        .iter()
        .flat_map(|n| n.kv.iter().map(|(k, _)| k.as_str()))
        .filter(|k| state_machine != StateMachine::Toy || *k != TOY_KEY)
        .collect()
}

/// One server's value of `key`, `None` when unset; the outer `None` when
/// the server is down.
fn value_of<'a>(node: &'a NodeView, key: &str) -> Option<Option<&'a str>> {
    node.alive.then(|| {
        node.kv
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    })
}

/// The tooltip of a cell: why it is highlighted, or why it is grey.
fn explain<T>(
    server: NodeId,
    mine: &T,
    verdict: &Verdict<T>,
    say: impl Fn(&T) -> String,
) -> String {
    match verdict {
        Verdict::Down => format!(
            "{server} is crashed: its state machine is rebuilt from its log when it restarts"
        ),
        Verdict::Agrees => format!("{server} has {}, as most live servers do", say(mine)),
        Verdict::Differs {
            majority: Some(majority),
        } => format!(
            "{server} has {}, but most live servers have {}",
            say(mine),
            say(majority)
        ),
        Verdict::Differs { majority: None } => format!(
            "{server} has {}; no value is held by a majority of the live servers",
            say(mine)
        ),
    }
}

/// One cell of the table.
fn render_cell<T>(node: &NodeView, shown: String, title: String, verdict: &Verdict<T>) -> Html {
    let class = classes!(
        "value",
        match verdict {
            Verdict::Down => Some("down"),
            Verdict::Differs { .. } => Some("differs"),
            Verdict::Agrees => None,
        }
    );
    html! {
        <td class={class} data-sm-node={node.id.0.to_string()} title={title}>{ shown }</td>
    }
}

/// A row of the table for `key`.
fn render_key_row(nodes: &[NodeView], key: &str) -> Html {
    let values: Vec<Option<Option<&str>>> = nodes.iter().map(|n| value_of(n, key)).collect();
    let verdicts = compare(&values);
    let say = |value: &Option<&str>| match value {
        Some(v) => format!("{key} = {v}"),
        None => format!("no {key}"),
    };
    html! {
        <tr data-key={key.to_owned()}>
            <th scope="row">{ key }</th>
            { for nodes.iter().zip(&values).zip(&verdicts).map(|((node, value), verdict)| {
                let mine = value.flatten();
                let shown = match (node.alive, mine) {
                    (false, _) => "—".to_owned(),
                    (true, Some(v)) => v.to_owned(),
                    (true, None) => "∅".to_owned(),
                };
                render_cell(node, shown, explain(node.id, &mine, verdict, say), verdict)
            }) }
        </tr>
    }
}

/// The toy machine's row: each server's state.
fn render_toy_row(nodes: &[NodeView]) -> Html {
    let states: Vec<Option<ToyState>> = nodes
        .iter()
        .map(|n| n.toy_state.filter(|_| n.alive))
        .collect();
    let verdicts = compare(&states);
    let say = |state: &ToyState| format!("state {state}");
    html! {
        <tr data-key="(state)">
            <th scope="row">{ "state" }</th>
            { for nodes.iter().zip(&states).zip(&verdicts).map(|((node, state), verdict)| {
                let shown = state.map_or("—".to_owned(), |s| s.to_string());
                let mine = state.unwrap_or_default();
                render_cell(node, shown, explain(node.id, &mine, verdict, say), verdict)
            }) }
        </tr>
    }
}

/// The state machines.
#[function_component(StateMachineView)]
pub fn state_machine_view(props: &StateMachineViewProps) -> Html {
    let view = &props.view.0;
    let nodes = &view.nodes;
    let keys = keys(nodes, view.state_machine);
    let toy = view.state_machine == StateMachine::Toy;
    let what = if toy {
        "toy machine: states A, B, C"
    } else {
        "key-value store"
    };
    html! {
        <>
        <h2>{ "State machines" }<small>{ what }</small></h2>
        <p class="hint">
            { "What each server has applied from its log. " }
            <span class="key differs">{ "highlighted" }</span>
            { ": not what most live servers hold (behind, or ahead). ∅: unset; —: crashed." }
        </p>
        <div class="sm-scroll">
        <table class="state-machine">
            <thead>
                <tr>
                    <th scope="col">{ if toy { "" } else { "key" } }</th>
                    { for nodes.iter().map(|n| html! {
                        <th scope="col" class={classes!((!n.alive).then_some("down"))}>
                            { n.id.to_string() }
                            if !n.alive { <small>{ "crashed" }</small> }
                        </th>
                    }) }
                </tr>
            </thead>
            <tbody>
                if toy { { render_toy_row(nodes) } }
                { for keys.iter().map(|key| render_key_row(nodes, key)) }
                if keys.is_empty() && !toy {
                    <tr><td class="empty" colspan={(nodes.len() + 1).to_string()}>{ "no keys yet" }</td></tr>
                }
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">{ "lastApplied" }</th>
                    { for nodes.iter().map(|n| html! {
                        <td class={classes!((!n.alive).then_some("down"))} data-sm-applied={n.id.0.to_string()}>
                            { n.last_applied.to_string() }
                        </td>
                    }) }
                </tr>
                <tr>
                    <th scope="row">{ "sessions" }</th>
                    { for nodes.iter().map(|n| html! {
                        <td class={classes!((!n.alive).then_some("down"))} data-sm-sessions={n.id.0.to_string()}>
                            <ul class="sessions">
                                { for n.sessions.iter().map(|s| html! {
                                    <li title={format!("{}'s request {} was applied; a retry gets its answer again: previous value {}",
                                        s.client, s.seq, s.previous.as_deref().unwrap_or("unset"))}>
                                        { format!("{}: seq {}", s.client, s.seq) }
                                    </li>
                                }) }
                                if n.sessions.is_empty() { <li class="none">{ "none" }</li> }
                            </ul>
                        </td>
                    }) }
                </tr>
            </tfoot>
        </table>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_held_by_a_majority_of_live_servers_is_the_reference() {
        let values = [Some("1"), Some("1"), None, Some("2"), Some("1")];
        assert_eq!(
            compare(&values),
            [
                Verdict::Agrees,
                Verdict::Agrees,
                Verdict::Down,
                Verdict::Differs {
                    majority: Some("1")
                },
                Verdict::Agrees,
            ]
        );
    }

    #[test]
    fn a_missing_key_differs_from_a_majority_that_has_it_and_vice_versa() {
        let lagging = [Some(Some("1")), Some(None), Some(Some("1"))];
        assert_eq!(
            compare(&lagging)[1],
            Verdict::Differs {
                majority: Some(Some("1"))
            }
        );
        let ahead = [Some(Some("1")), Some(None), Some(None)];
        assert_eq!(
            compare(&ahead)[0],
            Verdict::Differs {
                majority: Some(None)
            }
        );
    }

    #[test]
    fn without_a_majority_every_live_server_differs_and_down_ones_never_count() {
        let split = [Some("1"), Some("2"), None, None, None];
        assert_eq!(
            compare(&split)[..2],
            [
                Verdict::Differs { majority: None },
                Verdict::Differs { majority: None }
            ]
        );
        let all_down: [Option<&str>; 2] = [None, None];
        assert_eq!(compare(&all_down), [Verdict::Down, Verdict::Down]);
        let one_live = [None, Some("1"), None];
        assert_eq!(
            compare(&one_live)[1],
            Verdict::Agrees,
            "one live server is its own majority"
        );
    }

    #[test]
    fn the_tooltip_says_what_the_majority_holds() {
        let say = |v: &Option<&str>| v.map_or("no x".to_owned(), |v| format!("x = {v}"));
        let verdict = Verdict::Differs {
            majority: Some(Some("3")),
        };
        assert_eq!(
            explain(NodeId(2), &None, &verdict, say),
            "S2 has no x, but most live servers have x = 3"
        );
    }
}
