//! The inspector: everything the view knows about the selected server (its
//! Figure 2 state, its timer, its configuration and, for a leader, where each
//! follower's log stands) or about the selected message (every field it
//! carries), with the actions that apply to it.

use super::sender;
use crate::components::form::format_ms;
use crate::components::format_time;
use crate::components::legend::kind_name;
use crate::ui::{Action, SharedView};
use raftlab_core::session::{Command, NODE_COUNT_MAX};
use raftlab_core::view::{ClusterView, MessageView, NodeView};
use raftlab_core::view::{LogIndex, Micros, NodeId, ProgressState, Role};
use yew::prelude::*;

/// Props of [`Inspector`].
#[derive(Properties, Clone, PartialEq)]
pub struct InspectorProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server, inspected when no message is selected.
    pub selected: NodeId,
    /// The selected message, by [`MessageView::id`].
    #[prop_or_default]
    pub selected_message: Option<u64>,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The selected message if there is one, else the selected server.
#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let view = &props.view.0;
    match props.selected_message {
        Some(id) => render_message(view, id, &props.on_action),
        None => match view.node(props.selected) {
            Some(node) => render_server(view, node, &props.on_action),
            None => html! {},
        },
    }
}

/// Server names, comma-separated, or "none".
fn names<'a>(ids: impl IntoIterator<Item = &'a NodeId>) -> String {
    let names: Vec<String> = ids.into_iter().map(NodeId::to_string).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Every fact about a server, named as in the paper's Figure 2 where it has a
/// name there, in the order the inspector lists them.
fn server_facts(view: &ClusterView, node: &NodeView) -> Vec<(&'static str, String)> {
    let status = match (node.alive, node.paused) {
        (false, _) => "crashed (volatile state lost; restarts as a follower)",
        (true, true) => "paused (keeps its state, processes nothing)",
        (true, false) => "running",
    };
    let mut facts = vec![
        ("server", node.id.to_string()),
        ("status", status.to_owned()),
        ("role", node.role.to_string()),
        ("currentTerm", node.term.to_string()),
        (
            "votedFor",
            node.voted_for
                .map_or("none".to_owned(), |id| id.to_string()),
        ),
        (
            "leader",
            node.leader_id
                .map_or("unknown".to_owned(), |id| id.to_string()),
        ),
        ("commitIndex", node.commit_index.to_string()),
        ("lastApplied", node.last_applied.to_string()),
    ];
    facts.extend(log_facts(node));
    facts.push(("election timer", election_timer(view.now, node)));
    if matches!(node.role, Role::Candidate | Role::PreCandidate) {
        facts.push((
            "votes granted",
            format!(
                "{} ({})",
                names(&node.votes_granted),
                node.votes_granted.len()
            ),
        ));
    }
    facts.extend(membership_facts(node));
    facts.push(("pending reads", pending_reads(node)));
    facts.extend(delay_facts(view, node));
    facts
}

/// The delay model in force for the server (the configuration's timer
/// jitter and disk write range) and what its disk is holding back now.
fn delay_facts(view: &ClusterView, node: &NodeView) -> Vec<(&'static str, String)> {
    let delays = view.delays;
    let jitter = match delays.timer_jitter_us_max {
        0 => "off (timers fire on time)".to_owned(),
        max => format!("up to {} ms late", format_ms(max)),
    };
    let writes = match (delays.disk_write_us_min, delays.disk_write_us_max) {
        (_, 0) => "off (writes take no time)".to_owned(),
        (min, max) if min == max => format!("{} ms each", format_ms(max)),
        (min, max) => format!("{}–{} ms each", format_ms(min), format_ms(max)),
    };
    let mut facts = vec![("timer jitter", jitter), ("disk writes", writes)];
    if delays.disk_write_us_max > 0 || node.disk.messages_held > 0 {
        facts.push(("disk", disk_state(node)));
    }
    facts
}

/// What the server's disk is doing: a write under way and the messages it
/// holds, or idle.
fn disk_state(node: &NodeView) -> String {
    let held = match node.disk.messages_held {
        1 => "1 message held".to_owned(),
        n => format!("{n} messages held"),
    };
    match node.disk.busy_until {
        Some(until) => format!("writing to disk until t={}, {held}", format_time(until)),
        // A crash idles the disk, but what waited for it still goes out.
        None if node.disk.messages_held > 0 => format!("idle; {held} from before the crash"),
        None => "idle".to_owned(),
    }
}

/// The log's length and last entry, and the snapshot under it.
fn log_facts(node: &NodeView) -> [(&'static str, String); 2] {
    let (last_index, last_term) = node
        .log
        .last()
        .map_or((node.snapshot_index, node.snapshot_term), |e| {
            (e.index, e.term)
        });
    let log = format!(
        "{} entr{} kept, last index {last_index} term {last_term}",
        node.log_len,
        if node.log_len == 1 { "y" } else { "ies" }
    );
    let snapshot = if node.snapshot_index == LogIndex(0) {
        "none".to_owned()
    } else {
        format!(
            "up to index {} term {}",
            node.snapshot_index, node.snapshot_term
        )
    };
    [("log", log), ("snapshot", snapshot)]
}

/// The configuration the server follows, and its change in progress.
fn membership_facts(node: &NodeView) -> Vec<(&'static str, String)> {
    let membership = &node.membership;
    let mut facts = vec![("voters", names(&membership.voters))];
    if let Some(outgoing) = &membership.outgoing {
        facts.push(("outgoing voters", names(outgoing)));
    }
    facts.push(("learners", names(&membership.learners)));
    if let Some(job) = &node.membership_job {
        let mut change = job.change.to_string();
        if let Some(catch_up) = &job.catch_up {
            change.push_str(&format!(
                ", catch-up round {} to index {} begun at {}",
                catch_up.round,
                catch_up.round_end_index,
                format_time(catch_up.round_started_at)
            ));
            if catch_up.caught_up {
                change.push_str(", caught up");
            }
        }
        facts.push(("membership change", change));
    }
    facts
}

/// The linearizable reads waiting at the server, or "none".
fn pending_reads(node: &NodeView) -> String {
    let reads: Vec<String> = node
        .pending_reads
        .iter()
        .map(|read| {
            let mut text = format!(
                "{} #{} {}",
                read.request.client, read.request.seq, read.request.op
            );
            if let Some(index) = read.read_index {
                text.push_str(&format!(", readIndex {index}"));
            }
            if let Some(round) = read.round {
                text.push_str(&format!(", round {round}"));
            }
            text
        })
        .collect();
    if reads.is_empty() {
        "none".to_owned()
    } else {
        reads.join("; ")
    }
}

/// What the election timer shows: the virtual time left before it fires.
fn election_timer(now: Micros, node: &NodeView) -> String {
    match node.election_deadline {
        _ if !node.alive => "not running (crashed)".to_owned(),
        _ if node.role == Role::Leader => "not running (a leader does not time out)".to_owned(),
        Some(deadline) if node.paused => format!(
            "due at {} (paused: it fires once resumed)",
            format_time(deadline)
        ),
        Some(deadline) => format!(
            "{} left of {}",
            format_time(deadline.saturating_sub(now)),
            format_time(node.election_timeout_us)
        ),
        None => "not running".to_owned(),
    }
}

/// One row of a leader's replication progress table.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProgressRow {
    /// The follower.
    follower: NodeId,
    /// It is a learner: it gets the log but does not vote.
    learner: bool,
    /// nextIndex.
    next_index: LogIndex,
    /// matchIndex.
    match_index: LogIndex,
    /// Probe or Replicate.
    state: ProgressState,
    /// In Probe, when the one AppendEntries out was sent (`None`: answered).
    probe_sent_at: Option<Micros>,
    /// In Replicate, the batches sent and not yet acknowledged.
    inflight: usize,
}

/// A leader's progress table, one row per follower in id order; empty for
/// anyone else.
fn progress_rows(node: &NodeView) -> Vec<ProgressRow> {
    node.progress
        .iter()
        .map(|p| ProgressRow {
            follower: p.peer,
            learner: node.membership.is_learner(p.peer),
            next_index: p.next_index,
            match_index: p.match_index,
            state: p.state,
            probe_sent_at: p.probe_sent_at,
            inflight: p.inflight,
        })
        .collect()
}

/// Which membership commands the page offers now; each refusal says why.
#[derive(Clone, Debug, PartialEq, Eq)]
struct MembershipOffer {
    /// Ask the leader to add the inspected server.
    add: Result<(), String>,
    /// Ask the leader to remove the inspected server.
    remove: Result<(), String>,
    /// Start the next server number and ask the leader to add it.
    add_next: Result<NodeId, String>,
}

/// What the leader would accept for server `id`, as far as the view can
/// tell (the leader has the last word; a refusal shows as an error).
fn membership_offer(view: &ClusterView, id: NodeId) -> MembershipOffer {
    // The leader a membership command goes to: the running one with the highest term.
    let ready = match view.leader() {
        None => Err("there is no leader to ask".to_owned()),
        Some(l) if l.paused => Err(format!("the leader {} is paused", l.id)),
        Some(l) if l.membership_job.is_some() => Err(format!(
            "{} is still carrying out a membership change: one at a time",
            l.id
        )),
        Some(l) => Ok(&l.membership),
    };
    let add = ready.clone().and_then(|m| {
        if m.contains(id) {
            Err(format!("{id} is already in the leader's configuration"))
        } else {
            Ok(())
        }
    });
    let remove = ready.clone().and_then(|m| {
        if m.contains(id) {
            Ok(())
        } else {
            Err(format!("{id} is not in the leader's configuration"))
        }
    });
    let next = view.nodes.len() + 1;
    let add_next = if next > NODE_COUNT_MAX {
        Err(format!("a cluster has at most {NODE_COUNT_MAX} servers"))
    } else {
        ready.map(|_| NodeId(next as u32))
    };
    MembershipOffer {
        add,
        remove,
        add_next,
    }
}

/// A `<dl>` of named facts; each value carries `data-field` with its name.
fn render_facts(label: String, facts: &[(&'static str, String)]) -> Html {
    html! {
        <dl class="facts" aria-label={label}>
            { for facts.iter().map(|(name, value)| html! {
                <>
                <dt>{ *name }</dt>
                <dd data-field={*name}>{ if value.is_empty() { "none" } else { value.as_str() } }</dd>
                </>
            }) }
        </dl>
    }
}

fn render_server(view: &ClusterView, node: &NodeView, on_action: &Callback<Action>) -> Html {
    let id = node.id;
    let summary = if node.alive {
        format!("{id} · {} · term {}", node.role, node.term)
    } else {
        format!("{id} · crashed · term {}", node.term)
    };
    // The buttons come before the facts, so that a leader's progress table
    // (or any fact growing) never moves them; the facts scroll in a bounded
    // box on wide screens.
    html! {
        <section class="inspector" aria-label="Inspector" data-inspect-node={id.0.to_string()}>
            <h2>{ "Inspector" }<small>{ summary }</small></h2>
            { server_buttons(view, node, on_action) }
            <div class="inspector-body" role="group" tabindex="0" aria-label={format!("Everything about {id}")}>
                { render_facts(format!("State of {id}"), &server_facts(view, node)) }
                if node.role == Role::Leader && node.alive {
                    { progress_table(id, &progress_rows(node)) }
                }
            </div>
        </section>
    }
}

/// A leader's replication progress, one row per follower.
fn progress_table(id: NodeId, rows: &[ProgressRow]) -> Html {
    html! {
        <table class="progress">
            <caption>{ format!("{id}'s replication progress") }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "follower" }</th>
                    <th scope="col">{ "nextIndex" }</th>
                    <th scope="col">{ "matchIndex" }</th>
                    <th scope="col">{ "state" }</th>
                    <th scope="col">{ "in flight" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows.iter().map(|row| html! {
                    <tr data-progress-peer={row.follower.0.to_string()}>
                        <th scope="row">
                            { row.follower.to_string() }
                            if row.learner { <small>{ " learner" }</small> }
                        </th>
                        <td>{ row.next_index.to_string() }</td>
                        <td>{ row.match_index.to_string() }</td>
                        <td>{ match (row.state, row.probe_sent_at) {
                            (ProgressState::Probe, Some(at)) => format!("Probe (sent {})", format_time(at)),
                            (ProgressState::Probe, None) => "Probe".to_owned(),
                            (ProgressState::Replicate, _) => "Replicate".to_owned(),
                        } }</td>
                        <td>{ row.inflight.to_string() }</td>
                    </tr>
                }) }
                if rows.is_empty() {
                    <tr><td colspan="5">{ "no followers" }</td></tr>
                }
            </tbody>
        </table>
    }
}

/// Pause, resume, and the membership changes offered for a server; a
/// disabled button's title says why it is disabled.
fn server_buttons(view: &ClusterView, node: &NodeView, on_action: &Callback<Action>) -> Html {
    let id = node.id;
    let offer = membership_offer(view, id);
    let title = |result: &Result<(), String>, ok: String| match result {
        Ok(()) => ok,
        Err(why) => why.clone(),
    };
    let (add_next_label, add_next_title, add_next_click) = match &offer.add_next {
        Ok(next) => (
            format!("Add server {next}"),
            format!("Start {next} with an empty disk and ask the leader to add it"),
            sender(on_action, Action::Run(Command::AddServer { node: *next })),
        ),
        Err(why) => ("Add server".to_owned(), why.clone(), Callback::noop()),
    };
    html! {
        <div class="buttons" role="group" aria-label={format!("Pausing and membership for {id}")}>
            <button type="button" aria-label="Pause server" data-tool="pause" disabled={!node.alive || node.paused}
                title="Freeze it: it keeps its state but processes nothing"
                onclick={sender(on_action, Action::Run(Command::Pause { node: id }))}>{ "Pause" }</button>
            <button type="button" aria-label="Resume server" data-tool="pause" disabled={!node.paused}
                title="Let it run again: it sees what waited in a burst"
                onclick={sender(on_action, Action::Run(Command::Resume { node: id }))}>{ "Resume" }</button>
            <button type="button" aria-label="Remove from cluster" data-tool="membership" disabled={offer.remove.is_err()}
                title={title(&offer.remove, format!("Ask the leader to remove {id} from the configuration"))}
                onclick={sender(on_action, Action::Run(Command::RemoveServer { node: id }))}>{ "Remove from cluster" }</button>
            <button type="button" aria-label="Add to cluster" data-tool="membership" disabled={offer.add.is_err()}
                title={title(&offer.add, format!("Ask the leader to add {id}: a learner first, a voter once caught up"))}
                onclick={sender(on_action, Action::Run(Command::AddServer { node: id }))}>{ "Add to cluster" }</button>
            <button type="button" aria-label="Add server" data-tool="membership" disabled={offer.add_next.is_err()}
                title={add_next_title} onclick={add_next_click}>{ add_next_label }</button>
        </div>
    }
}

/// Every fact about a message on the wire, before its payload's fields.
fn envelope_facts(m: &MessageView) -> Vec<(&'static str, String)> {
    vec![
        ("kind", kind_name(m.kind).to_owned()),
        ("from", m.from.to_string()),
        ("to", m.to.to_string()),
        ("sent at", format_time(m.sent_at)),
        ("arrives at", format_time(m.deliver_at)),
        (
            "doomed",
            if m.doomed {
                "yes: the network will lose it (dropped, or its link is cut)".to_owned()
            } else {
                "no".to_owned()
            },
        ),
        (
            "duplicate",
            if m.duplicate {
                "yes: a copy the network made".to_owned()
            } else {
                "no".to_owned()
            },
        ),
    ]
}

fn render_message(view: &ClusterView, id: u64, on_action: &Callback<Action>) -> Html {
    let Some(m) = view.messages.iter().find(|m| m.id == id) else {
        return html! {
            <section class="inspector" aria-label="Inspector" data-inspect-msg={id.to_string()}>
                <h2>{ "Inspector" }<small>{ format!("message #{id}") }</small></h2>
                <p class="gone">{ format!("Message #{id} is no longer in flight: delivered or lost.") }</p>
                <p class="hint">{ "Click a message or a server on the ring to inspect it." }</p>
            </section>
        };
    };
    let payload = &m.fields;
    html! {
        <section class="inspector" aria-label="Inspector" data-inspect-msg={id.to_string()}>
            <h2>{ "Inspector" }<small>{ format!("message #{id} · {} {} → {}", kind_name(m.kind), m.from, m.to) }</small></h2>
            <div class="buttons" role="group" aria-label={format!("Actions on message #{id}")}>
                <button type="button" aria-label="Drop message" data-tool="faults" disabled={m.doomed}
                    title={if m.doomed { "The network will lose it already" } else { "The network loses it" }}
                    onclick={sender(on_action, Action::DropMessage(id))}>{ "Drop" }</button>
                <button type="button" aria-label="Duplicate message" data-tool="faults"
                    title="The network delivers it twice"
                    onclick={sender(on_action, Action::DuplicateMessage(id))}>{ "Duplicate" }</button>
            </div>
            <div class="inspector-body" role="group" tabindex="0" aria-label={format!("Everything about message #{id}")}>
                { render_facts(format!("Message #{id} on the wire"), &envelope_facts(m)) }
                <h3>{ "Payload" }</h3>
                { render_facts(format!("Fields of message #{id}"), payload) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::session::{Config, DelayModel, Operation, Session};

    /// A default cluster run until it has a leader, and that leader.
    fn with_leader(seed: u64) -> (Session, NodeId) {
        let mut sim = Session::new(seed, Config::default()).expect("the default is valid");
        for _ in 0..100 {
            if let Some(leader) = sim.view().leader().map(|n| n.id) {
                return (sim, leader);
            }
            let next = sim.now() + 50_000;
            sim.advance_to(next).expect("a run without inputs plays");
        }
        panic!("seed {seed}: no leader after five seconds");
    }

    fn fact<'a>(facts: &'a [(&'static str, String)], name: &str) -> &'a str {
        facts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no fact {name}"))
    }

    #[test]
    fn a_leader_has_one_progress_row_per_follower_and_a_follower_none() {
        let (mut sim, leader) = with_leader(3);
        sim.submit(Command::ClientRequest {
            client: None,
            target: None,
            op: Operation::Put {
                key: "x".into(),
                value: "1".into(),
            },
        })
        .expect("a put is accepted");
        sim.advance_to(sim.now() + 500_000).expect("plays");
        let view = sim.view();
        let leader_view = view.node(leader).expect("the leader is in the view");
        let rows = progress_rows(leader_view);
        let followers: Vec<NodeId> = view
            .nodes
            .iter()
            .map(|n| n.id)
            .filter(|id| *id != leader)
            .collect();
        assert_eq!(
            rows.iter().map(|r| r.follower).collect::<Vec<_>>(),
            followers
        );
        let last = leader_view.log.last().map(|e| e.index).expect("a put");
        for row in &rows {
            assert!(!row.learner);
            assert_eq!(row.match_index, last, "{} caught up", row.follower);
            assert_eq!(row.next_index, last.next());
            assert_eq!(row.state, ProgressState::Replicate);
            assert!(row.inflight <= 1);
        }
        let follower = view.node(followers[0]).expect("a follower");
        assert!(progress_rows(follower).is_empty());
        let facts = server_facts(&view, follower);
        assert_eq!(fact(&facts, "leader"), leader.to_string());
        assert_eq!(fact(&facts, "voters"), "S1, S2, S3, S4, S5");
        assert_eq!(fact(&facts, "learners"), "none");
        assert!(fact(&facts, "election timer").contains(" left of "));
        let kept = format!("{} entries kept, last index {last}", follower.log_len);
        assert!(fact(&facts, "log").starts_with(&kept), "{facts:?}");
    }

    #[test]
    fn a_crashed_server_reads_as_crashed_with_no_timer() {
        let (mut sim, leader) = with_leader(3);
        let other = NodeId(if leader == NodeId(1) { 2 } else { 1 });
        sim.submit(Command::Crash { node: other })
            .expect("it is up");
        let view = sim.view();
        let facts = server_facts(&view, view.node(other).expect("in the view"));
        assert!(fact(&facts, "status").starts_with("crashed"));
        assert_eq!(fact(&facts, "election timer"), "not running (crashed)");
    }

    #[test]
    fn membership_buttons_follow_the_leaders_configuration() {
        let (sim, leader) = with_leader(3);
        let view = sim.view();
        let membership = &view.node(leader).expect("in the view").membership;
        assert!(membership.contains(NodeId(2)));
        let offer = membership_offer(&view, NodeId(2));
        assert!(offer.remove.is_ok());
        assert_eq!(
            offer.add,
            Err("S2 is already in the leader's configuration".to_owned())
        );
        assert_eq!(offer.add_next, Ok(NodeId(6)));
        let mut paused = sim.clone();
        paused
            .submit(Command::Pause { node: leader })
            .expect("the leader runs");
        let offer = membership_offer(&paused.view(), NodeId(2));
        assert!(offer.remove.is_err() && offer.add_next.is_err());
        let leaderless = Session::new(3, Config::default()).expect("valid");
        let offer = membership_offer(&leaderless.view(), NodeId(2));
        assert_eq!(offer.remove, Err("there is no leader to ask".to_owned()));
    }

    #[test]
    fn the_delays_in_force_and_a_write_holding_messages_are_listed() {
        let (sim, leader) = with_leader(3);
        let view = sim.view();
        let facts = server_facts(&view, view.node(leader).expect("in the view"));
        assert_eq!(fact(&facts, "timer jitter"), "off (timers fire on time)");
        assert_eq!(fact(&facts, "disk writes"), "off (writes take no time)");
        assert!(
            facts.iter().all(|(n, _)| *n != "disk"),
            "no disk line while off"
        );

        let config = Config {
            delays: DelayModel {
                timer_jitter_us_max: 500,
                disk_write_us_min: 4_000,
                disk_write_us_max: 6_000,
            },
            ..Config::default()
        };
        let mut sim = Session::new(3, config).expect("delays within bounds are valid");
        let (view, writer) = loop {
            sim.step().expect("plays");
            let view = sim.view();
            if let Some(id) = view
                .nodes
                .iter()
                .find(|n| n.disk.messages_held > 0)
                .map(|n| n.id)
            {
                break (view, id);
            }
        };
        let node = view.node(writer).expect("in the view");
        let facts = server_facts(&view, node);
        assert_eq!(fact(&facts, "timer jitter"), "up to 0.5 ms late");
        assert_eq!(fact(&facts, "disk writes"), "4–6 ms each");
        let until = node.disk.busy_until.expect("a write under way");
        let held = node.disk.messages_held;
        assert_eq!(
            fact(&facts, "disk"),
            format!(
                "writing to disk until t={}, {held} messages held",
                format_time(until)
            )
        );
        let idle = view
            .nodes
            .iter()
            .find(|n| n.disk.busy_until.is_none())
            .expect("an idle disk");
        assert_eq!(fact(&server_facts(&view, idle), "disk"), "idle");
    }

    #[test]
    fn a_full_cluster_offers_no_new_server() {
        let config = Config {
            node_count: NODE_COUNT_MAX,
            ..Config::default()
        };
        let sim = Session::new(1, config).expect("nine servers are allowed");
        let offer = membership_offer(&sim.view(), NodeId(1));
        assert_eq!(
            offer.add_next,
            Err(format!("a cluster has at most {NODE_COUNT_MAX} servers"))
        );
    }

    #[test]
    fn a_message_lists_its_envelope_then_its_payload() {
        let (mut sim, _) = with_leader(3);
        let carries_prev_log_index =
            |m: &MessageView| m.fields.iter().any(|(n, _)| *n == "prevLogIndex");
        for _ in 0..1_000 {
            if sim.view().messages.iter().any(carries_prev_log_index) {
                break;
            }
            sim.step().expect("plays");
        }
        let view = sim.view();
        let heartbeat = view
            .messages
            .iter()
            .find(|m| carries_prev_log_index(m))
            .expect("a leader sends AppendEntries every heartbeat interval");
        let facts = envelope_facts(heartbeat);
        assert_eq!(fact(&facts, "from"), heartbeat.from.to_string());
        assert_eq!(fact(&facts, "sent at"), format_time(heartbeat.sent_at));
        assert_eq!(
            fact(&facts, "doomed"),
            if heartbeat.doomed {
                "yes: the network will lose it (dropped, or its link is cut)"
            } else {
                "no"
            }
        );
    }
}
