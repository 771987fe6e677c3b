//! Component tests in a real browser for the views that read a cluster: the
//! inspector (a server's state and a leader's progress table, a message's
//! fields, the actions they offer), the state machines side by side (and the
//! cell of a lagging server), the ring's selectable messages (a vote
//! reply showing whether it grants or refuses) and cut
//! links, and the state diagram with and without PreVote's pre-candidate
//! (the role lit, the arrow of the latest transition flashing with its
//! cause's words, the history list). Each renders from a real simulation moved by virtual time, so
//! nothing depends on how fast frames come.

use raftlab_core::kv::{Operation, StateMachine, ToyOp};
use raftlab_core::raft::{NodeId, RaftOptions, Role};
use raftlab_core::sim::{Command, Config, Endpoint, LinkFaults, Simulation};
use raftlab_core::view::ClusterView;
use raftlab_web::components::{
    Cluster, ClusterProps, Inspector, InspectorProps, StateDiagram, StateDiagramProps,
    StateMachineView, StateMachineViewProps,
};
use raftlab_web::ui::{Action, SharedView};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::Callback;

use crate::common::*;

fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

fn has_class(element: &Element, name: &str) -> bool {
    element
        .get_attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|c| c == name))
}

/// A cluster run until it has a leader, and that leader.
fn with_leader(config: Config) -> (Simulation, NodeId) {
    let mut sim = Simulation::new(3, config).unwrap();
    for _ in 0..100 {
        if let Some(leader) = sim.leader() {
            return (sim, leader);
        }
        let next = sim.now() + 50_000;
        sim.advance_to(next);
    }
    panic!("no leader after five seconds");
}

/// The client's put of `key = value`, sent straight to the leader (a
/// client that has not met it yet might try a crashed server first).
fn put(sim: &mut Simulation, key: &str, value: &str) {
    let target = sim.leader();
    sim.submit(Command::ClientRequest {
        client: None,
        target,
        op: Operation::Put {
            key: key.into(),
            value: value.into(),
        },
    })
    .unwrap();
}

/// Moves virtual time on by `us`.
fn advance(sim: &mut Simulation, us: u64) {
    let next = sim.now() + us;
    sim.advance_to(next);
}

/// A recorder for the actions a component sends up.
fn recorder() -> (Callback<Action>, Rc<RefCell<Vec<Action>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    (Callback::from(move |a| log.borrow_mut().push(a)), sent)
}

async fn render_inspector(
    view: ClusterView,
    selected: NodeId,
    selected_message: Option<u64>,
    on_action: Callback<Action>,
) -> Element {
    let root = fresh_root();
    yew::Renderer::<Inspector>::with_root_and_props(
        root.clone(),
        InspectorProps {
            view: SharedView(Rc::new(view)),
            selected,
            selected_message,
            on_action,
        },
    )
    .render();
    settle().await;
    root
}

async fn render_state_machines(view: ClusterView) -> Element {
    let root = fresh_root();
    yew::Renderer::<StateMachineView>::with_root_and_props(
        root.clone(),
        StateMachineViewProps {
            view: SharedView(Rc::new(view)),
        },
    )
    .render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn the_inspector_shows_the_leaders_progress_table_with_a_row_per_follower() {
    let (mut sim, leader) = with_leader(Config::default());
    put(&mut sim, "x", "1");
    advance(&mut sim, 500_000);
    let view = sim.view();
    let last = view.node(leader).unwrap().log.last().unwrap().index;
    let (on_action, sent) = recorder();
    let root = render_inspector(view, leader, None, on_action).await;
    let inspector = find(&root, &format!("[data-inspect-node=\"{}\"]", leader.0));
    assert_eq!(text(&inspector, "dd[data-field=\"role\"]"), "leader");
    let headers: Vec<String> = (0..5)
        .map(|i| {
            let th = inspector
                .query_selector_all("table.progress thead th[scope=\"col\"]")
                .unwrap()
                .item(i)
                .unwrap();
            th.text_content().unwrap()
        })
        .collect();
    assert_eq!(
        headers,
        ["follower", "nextIndex", "matchIndex", "state", "in flight"]
    );
    assert_eq!(
        count(&inspector, "table.progress tbody tr[data-progress-peer]"),
        4
    );
    assert_eq!(
        count(
            &inspector,
            &format!("tr[data-progress-peer=\"{}\"]", leader.0)
        ),
        0,
        "no row for the leader itself"
    );
    let row = find(&inspector, "tr[data-progress-peer]");
    let cells = row.query_selector_all("td").unwrap();
    assert_eq!(
        cells.item(1).unwrap().text_content().unwrap(),
        last.to_string(),
        "matchIndex caught up"
    );
    // Pausing and membership: the leader is a member, the next number is free.
    assert!(!button(&inspector, "Pause server").disabled());
    assert!(button(&inspector, "Resume server").disabled());
    assert!(!button(&inspector, "Remove from cluster").disabled());
    assert!(button(&inspector, "Add to cluster").disabled());
    let add = button(&inspector, "Add server");
    assert_eq!(add.text_content().unwrap(), "Add server S6");
    add.click();
    button(&inspector, "Pause server").click();
    assert_eq!(
        *sent.borrow(),
        [
            Action::Run(Command::AddServer { node: NodeId(6) }),
            Action::Run(Command::Pause { node: leader }),
        ]
    );
}

#[wasm_bindgen_test]
async fn the_inspector_shows_a_followers_leader_and_timer_and_no_progress_table() {
    let (sim, leader) = with_leader(Config::default());
    let view = sim.view();
    let follower = view.nodes.iter().find(|n| n.id != leader).unwrap().id;
    let root = render_inspector(view, follower, None, Callback::noop()).await;
    assert_eq!(text(&root, "dd[data-field=\"leader\"]"), leader.to_string());
    assert!(text(&root, "dd[data-field=\"election timer\"]").contains(" left of "));
    assert_eq!(
        text(&root, "dd[data-field=\"voters\"]"),
        "S1, S2, S3, S4, S5"
    );
    assert_eq!(count(&root, "table.progress"), 0);
}

#[wasm_bindgen_test]
async fn selecting_a_message_shows_its_prev_log_index_and_offers_drop_and_duplicate() {
    let (mut sim, _) = with_leader(Config::default());
    put(&mut sim, "x", "1");
    let carries = |v: &ClusterView| {
        v.messages.iter().find_map(|m| {
            let fields = m.fields.clone();
            let prev = fields.iter().find(|(n, _)| *n == "prevLogIndex")?;
            Some((m.id, prev.1.clone()))
        })
    };
    let mut found = carries(&sim.view());
    while found.is_none() {
        sim.step();
        found = carries(&sim.view());
    }
    let (id, prev_log_index) = found.unwrap();
    let (on_action, sent) = recorder();
    let root = render_inspector(sim.view(), NodeId(1), Some(id), on_action).await;
    let inspector = find(&root, &format!("[data-inspect-msg=\"{id}\"]"));
    assert_eq!(
        text(&inspector, "dd[data-field=\"prevLogIndex\"]"),
        prev_log_index
    );
    for field in [
        "term",
        "prevLogTerm",
        "entries",
        "leaderCommit",
        "kind",
        "from",
        "to",
        "sent at",
        "arrives at",
        "doomed",
        "duplicate",
    ] {
        assert_eq!(
            count(&inspector, &format!("dd[data-field=\"{field}\"]")),
            1,
            "{field}"
        );
    }
    button(&inspector, "Drop message").click();
    button(&inspector, "Duplicate message").click();
    assert_eq!(
        *sent.borrow(),
        [Action::DropMessage(id), Action::DuplicateMessage(id)]
    );
}

#[wasm_bindgen_test]
async fn a_message_no_longer_in_flight_is_delivered_or_lost_and_offers_nothing() {
    let (sim, _) = with_leader(Config::default());
    let root = render_inspector(sim.view(), NodeId(1), Some(u64::MAX), Callback::noop()).await;
    assert!(root.text_content().unwrap().contains("delivered or lost"));
    assert_eq!(count(&root, "button"), 0);
}

#[wasm_bindgen_test]
async fn after_a_commit_every_server_holds_the_same_value() {
    let (mut sim, _) = with_leader(Config::default());
    put(&mut sim, "x", "1");
    advance(&mut sim, 500_000);
    let root = render_state_machines(sim.view()).await;
    assert_eq!(count(&root, "tr[data-key=\"x\"] td[data-sm-node]"), 5);
    for cell in 0..5 {
        let td = root
            .query_selector_all("tr[data-key=\"x\"] td")
            .unwrap()
            .item(cell)
            .unwrap();
        assert_eq!(td.text_content().as_deref(), Some("1"));
    }
    assert_eq!(count(&root, "td.differs"), 0);
    assert_eq!(count(&root, "td[data-sm-sessions] li"), 5);
    assert!(text(&root, "td[data-sm-sessions=\"1\"]").contains("C1: seq 1"));
}

#[wasm_bindgen_test]
async fn a_server_that_missed_a_put_differs_until_it_catches_up() {
    let (mut sim, leader) = with_leader(Config::default());
    let lagging = sim.view().nodes.iter().find(|n| n.id != leader).unwrap().id;
    sim.submit(Command::Crash { node: lagging }).unwrap();
    put(&mut sim, "x", "1");
    advance(&mut sim, 500_000);

    // Crashed: greyed out, not compared.
    let root = render_state_machines(sim.view()).await;
    let cell = find(
        &root,
        &format!("tr[data-key=\"x\"] td[data-sm-node=\"{}\"]", lagging.0),
    );
    assert!(has_class(&cell, "down"));
    assert_eq!(count(&root, "td.differs"), 0);

    // Restarted, before the leader tells it what is committed: it lacks x.
    sim.submit(Command::Restart { node: lagging }).unwrap();
    let root = render_state_machines(sim.view()).await;
    let cell = find(
        &root,
        &format!("tr[data-key=\"x\"] td[data-sm-node=\"{}\"]", lagging.0),
    );
    assert!(has_class(&cell, "differs"));
    assert_eq!(
        cell.get_attribute("title").as_deref(),
        Some(format!("{lagging} has no x, but most live servers have x = 1").as_str())
    );
    assert_eq!(count(&root, "td.differs"), 1);

    advance(&mut sim, 1_000_000);
    let root = render_state_machines(sim.view()).await;
    assert_eq!(count(&root, "td.differs"), 0, "caught up");
}

#[wasm_bindgen_test]
async fn the_toy_machine_shows_each_servers_state() {
    let config = Config {
        state_machine: StateMachine::Toy,
        ..Config::default()
    };
    let (mut sim, _) = with_leader(config);
    sim.submit(Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Toy { op: ToyOp::X },
    })
    .unwrap();
    advance(&mut sim, 500_000);
    let root = render_state_machines(sim.view()).await;
    let states = root
        .query_selector_all("tr[data-key=\"(state)\"] td")
        .unwrap();
    assert_eq!(states.length(), 5);
    for i in 0..5 {
        assert_eq!(states.item(i).unwrap().text_content().as_deref(), Some("B"));
    }
    assert_eq!(
        count(&root, "tr[data-key=\"toy\"]"),
        0,
        "the toy key is the state row"
    );
}

/// Renders the app for `query` and pauses it.
async fn mount_paused(query: &str) -> Element {
    let root = mount(query).await;
    button(&root, "Pause").click();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn clicking_a_message_on_the_ring_inspects_it_and_clicking_a_server_goes_back() {
    let root = mount_paused("?seed=3&speed=0.001").await;
    for _ in 0..200 {
        button(&root, "Step").click();
    }
    settle().await;
    while count(&root, "[data-msg-kind=\"heartbeat\"]") == 0 {
        button(&root, "Step").click();
        settle().await;
    }
    let message = find(&root, "[data-msg-kind=\"heartbeat\"]");
    let id = message.get_attribute("data-msg-id").unwrap();
    assert_eq!(message.get_attribute("role").as_deref(), Some("button"));
    assert_eq!(message.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(
        message.get_attribute("data-msg-doomed").as_deref(),
        Some("false")
    );
    assert_eq!(
        message.get_attribute("data-msg-duplicate").as_deref(),
        Some("false")
    );
    press(&message);
    settle().await;
    let inspector = find(&root, &format!("[data-inspect-msg=\"{id}\"]"));
    assert!(count(&inspector, "dd[data-field=\"prevLogIndex\"]") == 1);
    let selected = find(&root, &format!("[data-msg-id=\"{id}\"]"));
    assert!(has_class(&selected, "selected"));
    assert_eq!(count(&root, ".node.selected"), 0, "one selection at a time");
    press(&find(&root, "[data-node-id=\"2\"]"));
    settle().await;
    assert_eq!(count(&root, "[data-inspect-msg]"), 0);
    assert_eq!(count(&root, "[data-inspect-node=\"2\"]"), 1);
    assert_eq!(count(&root, ".msg.selected"), 0);
    assert_eq!(count(&root, ".node.selected"), 1);
}

async fn render_cluster(view: ClusterView) -> Element {
    let root = fresh_root();
    yew::Renderer::<Cluster>::with_root_and_props(
        root.clone(),
        ClusterProps {
            view: SharedView(Rc::new(view)),
            selected: NodeId(1),
            selected_message: None,
            speed: 1.0,
            on_action: Callback::noop(),
            highlight: Default::default(),
            reduced_motion: false,
            legend: true,
            caption: None,
        },
    )
    .render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn a_one_way_cut_has_one_mark_a_two_way_cut_two_and_their_messages_are_doomed() {
    let config = Config {
        node_count: 3,
        ..Config::default()
    };
    let (mut sim, leader) = with_leader(config);
    let others: Vec<NodeId> = sim
        .view()
        .nodes
        .iter()
        .map(|n| n.id)
        .filter(|id| *id != leader)
        .collect();
    let (one_way, two_way) = (others[0], others[1]);
    for (from, to) in [(leader, one_way), (leader, two_way), (two_way, leader)] {
        sim.submit(Command::CutLink { from, to }).unwrap();
    }
    let over_the_cut = |v: &ClusterView| {
        v.messages
            .iter()
            .find(|m| m.from == Endpoint::Node(leader) && m.to == Endpoint::Node(one_way))
            .map(|m| m.id)
    };
    let mut found = over_the_cut(&sim.view());
    for _ in 0..1_000 {
        if found.is_some() {
            break;
        }
        sim.step();
        found = over_the_cut(&sim.view());
    }
    let id = found.expect("the leader keeps sending heartbeats");
    let root = render_cluster(sim.view()).await;
    assert_eq!(count(&root, "svg.cluster .cut-link"), 2);
    let pair = |a: NodeId, b: NodeId| format!("{}-{}", a.0.min(b.0), a.0.max(b.0));
    let single = find(&root, &format!("[data-cut=\"{}\"]", pair(leader, one_way)));
    assert!(has_class(&single, "one-way"));
    assert_eq!(count(&single, ".cut-mark"), 1);
    assert_eq!(
        find(&single, ".cut-mark").get_attribute("data-cut-to"),
        Some(one_way.0.to_string()),
        "the mark sits at the side that hears nothing"
    );
    assert_eq!(
        single.get_attribute("aria-label"),
        Some(format!("link {leader} → {one_way} cut"))
    );
    let double = find(&root, &format!("[data-cut=\"{}\"]", pair(leader, two_way)));
    assert!(has_class(&double, "two-way"));
    assert_eq!(count(&double, ".cut-mark"), 2);
    let message = find(&root, &format!("[data-msg-id=\"{id}\"]"));
    assert_eq!(
        message.get_attribute("data-msg-doomed").as_deref(),
        Some("true")
    );
    assert!(has_class(&message, "doomed"));
    assert_eq!(count(&message, ".doom-mark"), 1);
}

#[wasm_bindgen_test]
async fn a_clean_partition_is_drawn_as_shaded_sides_without_crossing_lines() {
    let (mut sim, _) = with_leader(Config::default());
    let groups = vec![
        vec![NodeId(1), NodeId(2)],
        vec![NodeId(3), NodeId(4), NodeId(5)],
    ];
    sim.submit(Command::Partition { groups }).unwrap();
    let root = render_cluster(sim.view()).await;
    assert_eq!(count(&root, "svg.cluster .partition-side"), 2);
    assert_eq!(count(&root, "svg.cluster .cut-link"), 0);
    assert_eq!(
        find(&root, "svg.cluster [data-side=\"3 4 5\"]")
            .tag_name()
            .to_lowercase(),
        "path"
    );
    assert_eq!(
        find(&root, "svg.cluster .partition-sides").get_attribute("aria-label"),
        Some("partitioned: S1 S2 | S3 S4 S5; no message crosses between the sides".to_owned())
    );
}

#[wasm_bindgen_test]
async fn a_duplicate_wears_a_badge() {
    let (mut sim, _) = with_leader(Config::default());
    let faults = LinkFaults {
        duplicate_per_mille: 1000,
        ..LinkFaults::default()
    };
    sim.submit(Command::SetNetworkFaults { faults }).unwrap();
    let mut found = None;
    for _ in 0..1_000 {
        found = sim
            .view()
            .messages
            .iter()
            .find(|m| m.duplicate)
            .map(|m| m.id);
        if found.is_some() {
            break;
        }
        sim.step();
    }
    let id = found.expect("every packet is duplicated");
    let root = render_cluster(sim.view()).await;
    let message = find(&root, &format!("[data-msg-id=\"{id}\"]"));
    assert_eq!(
        message.get_attribute("data-msg-duplicate").as_deref(),
        Some("true")
    );
    assert_eq!(text(&message, ".dup-badge"), "×2");
    assert_eq!(count(&message, ".doom-mark"), 0);
}

#[wasm_bindgen_test]
async fn a_refused_vote_reply_is_drawn_as_refused_and_a_granted_one_as_granted() {
    // Two candidates of the same term refuse each other.
    let mut sim = Simulation::new(1, Config::default()).unwrap();
    sim.submit(Command::Timeout { node: NodeId(1) }).unwrap();
    sim.submit(Command::Timeout { node: NodeId(2) }).unwrap();
    let mut found = None;
    for _ in 0..1_000 {
        found = sim
            .view()
            .messages
            .iter()
            .find(|m| m.granted == Some(false))
            .map(|m| m.id);
        if found.is_some() {
            break;
        }
        sim.step();
    }
    let id = found.expect("a candidate refuses the other");
    let root = render_cluster(sim.view()).await;
    let message = find(&root, &format!("[data-msg-id=\"{id}\"]"));
    assert!(has_class(&message, "refused"));
    assert!(!has_class(&message, "granted"));
    assert_eq!(
        message.get_attribute("data-msg-granted").as_deref(),
        Some("false")
    );
    let label = message.get_attribute("aria-label").unwrap_or_default();
    assert!(label.contains("refused"), "{label}");
    assert_eq!(count(&message, ".refused-mark"), 1);
    assert_eq!(count(&message, ".granted-mark"), 0);
    let grants = root
        .query_selector_all("[data-msg-granted=\"true\"]")
        .unwrap();
    for i in 0..grants.length() {
        let granted: Element = wasm_bindgen::JsCast::unchecked_into(grants.item(i).unwrap());
        assert!(has_class(&granted, "granted") && !has_class(&granted, "refused"));
        assert_eq!(count(&granted, ".refused-mark"), 0);
    }
}

async fn render_state_diagram(view: ClusterView, selected: NodeId) -> Element {
    let root = fresh_root();
    yew::Renderer::<StateDiagram>::with_root_and_props(
        root.clone(),
        StateDiagramProps {
            view: SharedView(Rc::new(view)),
            selected,
            speed: 1.0,
            highlight: None,
        },
    )
    .render();
    settle().await;
    root
}

fn with_pre_vote(pre_vote: bool) -> Config {
    Config {
        raft: RaftOptions {
            pre_vote,
            ..RaftOptions::default()
        },
        ..Config::default()
    }
}

/// Steps `sim` one event at a time until some server is in `role`; that server.
fn step_until_a_server_is(sim: &mut Simulation, role: Role) -> NodeId {
    for _ in 0..10_000 {
        if let Some(node) = sim.running_nodes().find(|n| n.role() == role) {
            return node.id();
        }
        sim.step();
    }
    panic!("no server became a {role} in 10,000 events");
}

#[wasm_bindgen_test]
async fn with_pre_vote_a_timed_out_follower_is_a_lit_pre_candidate_and_its_arrow_flashes() {
    let mut sim = Simulation::new(3, with_pre_vote(true)).unwrap();
    let id = step_until_a_server_is(&mut sim, Role::PreCandidate);
    let view = sim.view();
    let term = view.node(id).unwrap().term;
    let root = render_state_diagram(view, id).await;
    assert_eq!(count(&root, ".diagram svg[data-layout=\"pre-vote\"]"), 1);
    assert_eq!(count(&root, ".diagram .state"), 4);
    assert_eq!(count(&root, ".diagram .state.current"), 1);
    let lit = find(&root, ".diagram .state.current");
    assert!(
        has_class(&lit, "pre-candidate"),
        "{:?}",
        lit.get_attribute("class")
    );
    assert_eq!(count(&root, ".diagram .edge.flash"), 1);
    let arrow = find(&root, ".diagram .edge.flash");
    assert_eq!(
        arrow.get_attribute("data-arrow").as_deref(),
        Some("follower-pre-candidate")
    );
    assert_eq!(arrow.text_content().unwrap(), "times out,asks forpre-votes");
    let caption = text(&root, ".diagram .caption");
    assert!(
        caption.contains("times out, asks for pre-votes"),
        "{caption}"
    );
    let entry = text(&root, ".diagram ol.history li");
    assert!(
        entry.contains(&format!(
            "follower → pre-candidate, term {term}: times out, asks for pre-votes"
        )),
        "{entry}"
    );
}

#[wasm_bindgen_test]
async fn with_pre_vote_off_the_diagram_is_figure_4_without_a_pre_candidate() {
    let mut sim = Simulation::new(3, with_pre_vote(false)).unwrap();
    let id = step_until_a_server_is(&mut sim, Role::Candidate);
    let root = render_state_diagram(sim.view(), id).await;
    assert_eq!(count(&root, ".diagram svg[data-layout=\"figure-4\"]"), 1);
    assert_eq!(count(&root, ".diagram .state"), 3);
    assert_eq!(count(&root, ".diagram .state.pre-candidate"), 0);
    assert_eq!(count(&root, ".diagram .state.candidate.current"), 1);
    assert_eq!(
        count(
            &root,
            ".diagram .edge.flash[data-arrow=\"follower-candidate\"]"
        ),
        1
    );
    assert_eq!(count(&root, "[data-arrow*=\"pre-candidate\"]"), 0);
}

#[wasm_bindgen_test]
async fn a_pre_candidate_that_hears_the_leader_flashes_its_way_back_and_the_history_keeps_eight() {
    let (mut sim, leader) = with_leader(with_pre_vote(true));
    let id = sim
        .running_nodes()
        .map(|n| n.id())
        .find(|id| *id != leader)
        .unwrap();
    // Each forced timeout makes it a pre-candidate that nobody pre-votes for
    // (they hear from the leader), and the leader's next heartbeat sends it
    // back: two transitions a round.
    for _ in 0..6 {
        sim.submit(Command::Timeout { node: id }).unwrap();
        advance(&mut sim, 200_000);
    }
    let view = sim.view();
    let node = view.node(id).unwrap();
    assert_eq!(node.role, Role::Follower);
    assert!(node.transitions.len() >= 12, "{:?}", node.transitions);
    let last = node.transitions.last().unwrap();
    let root = render_state_diagram(view.clone(), id).await;
    assert_eq!(count(&root, ".diagram ol.history[aria-label] li"), 8);
    let newest = text(&root, ".diagram ol.history li");
    assert!(
        newest.starts_with(&raftlab_web::components::format_time(last.at)),
        "{newest}"
    );
    assert!(
        newest.contains("pre-candidate → follower, term")
            && newest.contains("discovers current leader"),
        "{newest}"
    );
    // It stepped down within the last 200 ms: its arrow flashes, labelled
    // with the cause, not the figure's "leader or new term".
    let arrow = find(&root, ".diagram .edge.flash");
    assert_eq!(
        arrow.get_attribute("data-arrow").as_deref(),
        Some("pre-candidate-follower")
    );
    assert_eq!(arrow.text_content().unwrap(), "discoverscurrentleader");
    assert_eq!(count(&root, ".diagram .state.follower.current"), 1);
}
