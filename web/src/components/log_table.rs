//! Every server's log side by side, aligned by index: terms as colours,
//! committed entries solid, the commitIndex marked, and the leader's
//! nextIndex / matchIndex for each follower.

use crate::app::{Action, SharedView};
use raftlab_core::raft::{LogIndex, NodeId, Role};
use yew::prelude::*;

/// How many of the latest indexes the table shows.
const COLUMNS: u64 = 16;

/// Props of [`LogTable`].
#[derive(Properties, Clone, PartialEq)]
pub struct LogTableProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server.
    pub selected: NodeId,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// A colour class per term, cycling through a small palette.
fn term_class(term: u64) -> String {
    format!("t{}", term % 6)
}

/// The logs.
#[function_component(LogTable)]
pub fn log_table(props: &LogTableProps) -> Html {
    let view = &props.view.0;
    let longest = view
        .nodes
        .iter()
        .map(|n| n.log.len() as u64)
        .max()
        .unwrap_or(0);
    let first = longest.saturating_sub(COLUMNS - 1).max(1);
    let last = (first + COLUMNS - 1).max(longest);
    let leader = view
        .nodes
        .iter()
        .filter(|n| n.alive && n.role == Role::Leader)
        .max_by_key(|n| n.term);
    html! {
        <table class="logs">
            <caption>{ "Logs — each cell: term and command; solid = committed on that server; ▏ commitIndex; n / m = the leader's nextIndex / matchIndex" }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "server" }</th>
                    { for (first..=last).map(|i| html! { <th scope="col">{ i }</th> }) }
                </tr>
            </thead>
            <tbody>
            { for view.nodes.iter().map(|node| {
                let progress = leader
                    .and_then(|l| l.progress.iter().find(|(id, _)| *id == node.id))
                    .map(|(_, p)| *p);
                let select = {
                    let cb = props.on_action.clone();
                    let id = node.id;
                    Callback::from(move |_: MouseEvent| cb.emit(Action::Select(id)))
                };
                let mut row_class = String::new();
                if !node.alive { row_class.push_str("crashed "); }
                if node.id == props.selected { row_class.push_str("selected"); }
                html! {
                    <tr class={row_class} data-log-node={node.id.0.to_string()}>
                        <th scope="row" onclick={select}>
                            { node.id.to_string() }
                            <small>{ if node.alive { node.role.as_str() } else { "crashed" } }</small>
                        </th>
                        { for (first..=last).map(|i| {
                            let index = LogIndex(i);
                            let entry = node.log.get(i as usize - 1);
                            let mut class = String::from("cell");
                            if let Some(e) = entry {
                                class.push(' ');
                                class.push_str(&term_class(e.term.0));
                                class.push_str(if index <= node.commit_index { " committed" } else { " uncommitted" });
                            }
                            if index == node.commit_index { class.push_str(" commit-mark"); }
                            let marks = progress.map(|p| {
                                let mut m = String::new();
                                if p.next_index == index { m.push('n'); }
                                if p.match_index == index { m.push('m'); }
                                m
                            }).unwrap_or_default();
                            html! {
                                <td class={class} title={entry.map(|e| format!("index {} term {} {}", e.index, e.term, e.request.op)).unwrap_or_default()}>
                                    if let Some(e) = entry {
                                        <span class="term">{ format!("t{}", e.term) }</span>
                                        <span class="op">{ e.request.op.to_string() }</span>
                                    }
                                    if !marks.is_empty() { <span class="marks">{ marks }</span> }
                                </td>
                            }
                        }) }
                    </tr>
                }
            }) }
            </tbody>
        </table>
    }
}
