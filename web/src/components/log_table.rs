//! Every server's log side by side, aligned by index: terms as colours,
//! committed entries solid (uncommitted dashed and hatched), each server's
//! commitIndex marked, the prefix folded into its snapshot, entries that
//! conflict with the leader's outlined, and the leader's nextIndex /
//! matchIndex and flow-control state for each follower.

use crate::ui::{Action, SharedView};
use raftlab_core::view::{Entry, LogIndex, NodeId, ProgressState, Role};
use raftlab_core::view::{NodeView, PeerView};
use yew::prelude::*;

/// How many of the latest indexes the table shows; older ones scroll out.
const COLUMNS: u64 = 20;
/// How many term colours the palette has (style.css `.t0` … `.t5`).
const TERM_COLOURS: u64 = 6;

/// Props of [`LogTable`].
#[derive(Properties, Clone, PartialEq)]
pub struct LogTableProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server.
    pub selected: NodeId,
    /// Where clicks go.
    pub on_action: Callback<Action>,
    /// What a narration step points at (log entries).
    #[prop_or_default]
    pub highlight: raftlab_core::view::Highlight,
}

/// The first and last index shown: at most the latest [`COLUMNS`] indexes,
/// ending one past the longest log so that a nextIndex there stays visible
/// (and nothing empty after it, so a narrow screen opens on the newest).
fn window(longest: u64) -> (u64, u64) {
    let last = longest + 1;
    (last.saturating_sub(COLUMNS - 1).max(1), last)
}

/// The logs.
#[function_component(LogTable)]
pub fn log_table(props: &LogTableProps) -> Html {
    let view = &props.view.0;
    let longest = view
        .nodes
        .iter()
        .filter_map(|n| n.log.last().map(|e| e.index.0))
        .max()
        .unwrap_or(0);
    let (first, last) = window(longest);
    let leader = view
        .nodes
        .iter()
        .filter(|n| n.alive && n.role == Role::Leader)
        .max_by_key(|n| n.term);
    html! {
        <>
        <h2>{ "Logs" }<small>{ format!("indexes {first}–{last}") }</small></h2>
        <p class="hint">
            { "Each cell: term and command. " }
            <span class="key committed">{ "solid" }</span>{ " committed · " }
            <span class="key uncommitted">{ "dashed" }</span>{ " not yet · " }
            <span class="key commit-mark">{ "▌" }</span>{ " commitIndex · " }
            <b class="mark">{ "n" }</b>{ " / " }<b class="mark">{ "m" }</b>
            { leader.map_or(" the leader's nextIndex / matchIndex · ".to_owned(),
                |l| format!(" {}'s nextIndex / matchIndex · ", l.id)) }
            <span class="key snapshot">{ "snap" }</span>{ " in the snapshot · " }
            <span class="key conflict">{ "red" }</span>{ " differs from the leader" }
        </p>
        // On a narrow screen the table scrolls sideways. The scroller runs
        // right to left, so it opens on the newest index and stays there as
        // the logs grow, with no script reading the layout.
        <div class="log-scroll">
        <table class="logs">
            <thead>
                <tr>
                    <th scope="col" class="server">{ "server" }</th>
                    { for (first..=last).map(|i| html! { <th scope="col" data-index={i.to_string()}>{ i }</th> }) }
                </tr>
            </thead>
            <tbody>
            { for view.nodes.iter().map(|node| render_row(node, leader, first, last, props)) }
            </tbody>
        </table>
        </div>
        </>
    }
}

fn render_row(
    node: &NodeView,
    leader: Option<&NodeView>,
    first: u64,
    last: u64,
    props: &LogTableProps,
) -> Html {
    let progress = leader.and_then(|l| l.progress.iter().find(|p| p.peer == node.id));
    let select = {
        let cb = props.on_action.clone();
        let id = node.id;
        Callback::from(move |_: MouseEvent| cb.emit(Action::Select(id)))
    };
    let mut row_class = classes!();
    if !node.alive {
        row_class.push("crashed");
    }
    if node.id == props.selected {
        row_class.push("selected");
    }
    let status = if node.alive {
        node.role.as_str()
    } else {
        "crashed"
    };
    let flow = progress.map(|p| {
        let state = match p.state {
            ProgressState::Probe => "probe",
            ProgressState::Replicate => "replicate",
        };
        format!("{state} · {} in flight", p.inflight)
    });
    html! {
        <tr class={row_class} data-log-node={node.id.0.to_string()}>
            <th scope="row" class="server">
                <button type="button" class="link" onclick={select}
                    aria-label={format!("Select {}", node.id)}>{ node.id.to_string() }</button>
                <small>{ format!("{status} · c{}", node.commit_index) }</small>
                if let Some(flow) = flow {
                    <small class="flow" title="the leader's flow control for this follower">{ flow }</small>
                }
            </th>
            { for (first..=last).map(|i| render_cell(node, leader, progress, LogIndex(i), props)) }
        </tr>
    }
}

/// One log cell: `node`'s entry at `index` (or its snapshot, or nothing),
/// coloured by term and marked committed, conflicting, highlighted, and with
/// the leader's nextIndex and matchIndex for this follower.
fn render_cell(
    node: &NodeView,
    leader: Option<&NodeView>,
    progress: Option<&PeerView>,
    index: LogIndex,
    props: &LogTableProps,
) -> Html {
    // Entries are contiguous from the first one kept.
    let base = node.log.first().map_or(1, |e| e.index.0);
    let entry = index
        .0
        .checked_sub(base)
        .and_then(|offset| node.log.get(offset as usize))
        .filter(|e| e.index == index);
    let in_snapshot = index <= node.snapshot_index;
    let conflict =
        entry.is_some_and(|e| leader.is_some_and(|l| l.id != node.id && conflicts(e, l)));
    let class = cell_class(node, entry, index, conflict, props);
    let next = progress.is_some_and(|p| p.next_index == index);
    let matched = progress.is_some_and(|p| p.match_index == index);
    let title = cell_title(node, entry, index, conflict);
    html! {
        <td class={class} title={title}>
            if let Some(e) = entry {
                <span class="term">{ format!("t{}", e.term) }</span>
                <span class="op">{ e.command.to_string() }</span>
            } else if in_snapshot {
                <span class="op">{ "snap" }</span>
            }
            if next { <b class="mark next" title="nextIndex">{ "n" }</b> }
            if matched { <b class="mark match" title="matchIndex">{ "m" }</b> }
        </td>
    }
}

/// A log cell's classes: its term's colour, committed or not, in the
/// snapshot, conflicting with the leader, highlighted by the narration.
fn cell_class(
    node: &NodeView,
    entry: Option<&Entry>,
    index: LogIndex,
    conflict: bool,
    props: &LogTableProps,
) -> Classes {
    let mut class = classes!("cell");
    if index <= node.snapshot_index {
        class.push("snapshot");
    }
    if index == node.snapshot_index {
        class.push("snapshot-edge");
    }
    if props
        .highlight
        .entries
        .iter()
        .any(|e| e.node == node.id && e.index == index)
    {
        class.push("highlighted");
    }
    if let Some(e) = entry {
        class.push(format!("t{}", e.term.0 % TERM_COLOURS));
        class.push(if index <= node.commit_index {
            "committed"
        } else {
            "uncommitted"
        });
        if conflict {
            class.push("conflict");
        }
    }
    if index == node.commit_index {
        class.push("commit-mark");
    }
    class
}

/// A log cell's tooltip: the entry in words, or what the snapshot covers.
fn cell_title(
    node: &NodeView,
    entry: Option<&Entry>,
    index: LogIndex,
    conflict: bool,
) -> Option<String> {
    match entry {
        Some(e) => {
            let state = if index <= node.commit_index {
                "committed"
            } else {
                "not committed"
            };
            let conflict = if conflict {
                "; differs from the leader's log"
            } else {
                ""
            };
            Some(format!(
                "index {} term {}: {} ({state}{conflict})",
                e.index, e.term, e.command
            ))
        }
        None if index <= node.snapshot_index => Some(format!(
            "compacted into {}'s snapshot (up to index {}, term {})",
            node.id, node.snapshot_index, node.snapshot_term
        )),
        None => None,
    }
}

/// Does `entry` differ from the leader's log at its index (another term
/// there, or nothing at all past the leader's end)? Indexes the leader has
/// compacted away cannot be compared and never count.
fn conflicts(entry: &Entry, leader: &NodeView) -> bool {
    if entry.index <= leader.snapshot_index {
        return false;
    }
    let theirs = leader
        .log
        .first()
        .and_then(|first| entry.index.0.checked_sub(first.index.0))
        .and_then(|offset| leader.log.get(offset as usize));
    theirs.is_none_or(|theirs| theirs.term != entry.term)
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::session::{Config, Session};
    use raftlab_core::view::{LogCommand, Term};

    fn entry(index: u64, term: u64) -> Entry {
        Entry {
            index: LogIndex(index),
            term: Term(term),
            command: LogCommand::Noop,
        }
    }

    #[test]
    fn an_entry_conflicts_when_the_leader_has_another_term_or_nothing_there() {
        let sim = Session::new(1, Config::default()).expect("valid");
        let mut leader = sim.view().nodes[0].clone();
        leader.log = vec![entry(1, 1), entry(2, 1), entry(3, 2)];
        assert!(!conflicts(&entry(2, 1), &leader));
        assert!(conflicts(&entry(3, 1), &leader), "another term");
        assert!(conflicts(&entry(4, 1), &leader), "past the leader's end");
        leader.snapshot_index = LogIndex(2);
        leader.log = vec![entry(3, 2)];
        assert!(
            !conflicts(&entry(1, 1), &leader),
            "compacted: not comparable"
        );
        assert!(!conflicts(&entry(3, 2), &leader));
    }

    #[test]
    fn the_window_shows_the_newest_indexes_and_one_more() {
        assert_eq!(window(0), (1, 1));
        assert_eq!(window(2), (1, 3));
        assert_eq!(window(COLUMNS - 1), (1, COLUMNS));
        assert_eq!(window(COLUMNS), (2, COLUMNS + 1));
        assert_eq!(window(100), (101 + 1 - COLUMNS, 101));
    }
}
