//! The control panels in a real browser (headless Chromium through
//! wasm-bindgen-test), each rendered alone with a callback that records what
//! it emits: the side toggles and Partition send the exact groups, the client
//! form sends the request it shows, Apply sends the edited configuration, and
//! bad input becomes a message in the panel with nothing sent. One test
//! mounts the whole app to see the panels in place and Apply start a new run.

use raftlab_core::kv::{Operation, StateMachine, ToyOp};
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, LinkFaults, Simulation, WorkloadSpec};
use raftlab_web::components::{
    ClientPanel, ClientPanelProps, ConfigPanel, ConfigPanelProps, NetworkPanel, NetworkPanelProps,
};
use raftlab_web::ui::{Action, SharedView};
use raftlab_web::{App, AppProps};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlDetailsElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::common::*;

/// Every action a panel emitted, in order.
#[derive(Clone, Default)]
struct Recorder(Rc<RefCell<Vec<Action>>>);

impl Recorder {
    /// Records what the panel sends, except that it was opened (the panels
    /// are rendered open, so their controls exist, and say so).
    fn callback(&self) -> Callback<Action> {
        let log = self.0.clone();
        Callback::from(move |action| {
            if !matches!(action, Action::PanelToggled { .. }) {
                log.borrow_mut().push(action)
            }
        })
    }

    fn take(&self) -> Vec<Action> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// The view of a fresh run of `config`, after `commands`.
fn view_of(config: Config, commands: Vec<Command>) -> SharedView {
    let mut sim = Simulation::new(1, config).unwrap();
    for command in commands {
        sim.submit(command).unwrap();
    }
    SharedView(Rc::new(sim.view()))
}

fn ids(ns: &[u32]) -> Vec<NodeId> {
    ns.iter().copied().map(NodeId).collect()
}

fn input(root: &Element, name: &str) -> HtmlInputElement {
    find(root, &format!("input[aria-label=\"{name}\"]"))
        .dyn_into()
        .unwrap()
}

/// Sends a bubbling DOM event of `kind` to `element`, as a browser does.
fn fire(element: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

/// Types `text` into the input named `name` (one `input` event).
fn type_into(root: &Element, name: &str, text: &str) {
    let field = input(root, name);
    field.set_value(text);
    fire(&field, "input");
}

/// Picks the option with `value` in the select named `name`.
fn choose(root: &Element, name: &str, value: &str) {
    let select: HtmlSelectElement = find(root, &format!("select[aria-label=\"{name}\"]"))
        .dyn_into()
        .unwrap();
    select.set_value(value);
    assert_eq!(select.value(), value, "{name} offers {value}");
    fire(&select, "change");
}

/// A drag of the slider named `name` to `value`: input events, then one change.
fn drag(root: &Element, name: &str, value: &str) {
    let slider = input(root, name);
    slider.set_value(value);
    fire(&slider, "input");
    fire(&slider, "change");
}

fn alerts(root: &Element) -> Vec<String> {
    let list = root.query_selector_all("[role=\"alert\"]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.text_content())
        .collect()
}

async fn network_panel(view: SharedView, recorder: &Recorder) -> Element {
    let root = fresh_root();
    yew::Renderer::<NetworkPanel>::with_root_and_props(
        root.clone(),
        NetworkPanelProps {
            view,
            open: true,
            on_action: recorder.callback(),
        },
    )
    .render();
    settle().await;
    root
}

async fn client_panel(view: SharedView, recorder: &Recorder) -> Element {
    let root = fresh_root();
    yew::Renderer::<ClientPanel>::with_root_and_props(
        root.clone(),
        ClientPanelProps {
            view,
            open: true,
            on_action: recorder.callback(),
        },
    )
    .render();
    settle().await;
    root
}

async fn config_panel(config: Config, seed: u64, recorder: &Recorder) -> Element {
    let root = fresh_root();
    yew::Renderer::<ConfigPanel>::with_root_and_props(
        root.clone(),
        ConfigPanelProps {
            config,
            seed,
            open: true,
            on_action: recorder.callback(),
        },
    )
    .render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn the_side_toggles_and_partition_send_the_exact_groups() {
    let recorder = Recorder::default();
    let root = network_panel(view_of(Config::default(), vec![]), &recorder).await;
    assert_eq!(count(&root, "details[data-panel=\"network\"] > summary"), 1);
    assert_eq!(count(&root, "button[aria-label^=\"Side of S\"]"), 5);
    button(&root, "Side of S2").click();
    button(&root, "Side of S4").click();
    settle().await;
    assert_eq!(
        button(&root, "Side of S2").text_content().as_deref(),
        Some("B")
    );
    assert_eq!(
        button(&root, "Side of S3").text_content().as_deref(),
        Some("A")
    );
    assert_eq!(
        button(&root, "Side of S4")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert!(recorder.take().is_empty(), "toggling sends nothing");
    button(&root, "Partition").click();
    button(&root, "Heal").click();
    settle().await;
    assert_eq!(
        recorder.take(),
        [
            Action::Run(Command::Partition {
                groups: vec![ids(&[1, 3, 5]), ids(&[2, 4])],
            }),
            Action::Run(Command::Heal),
        ]
    );
    assert!(alerts(&root).is_empty());
}

#[wasm_bindgen_test]
async fn a_partition_with_an_empty_side_is_a_message_and_sends_nothing() {
    let recorder = Recorder::default();
    let root = network_panel(view_of(Config::default(), vec![]), &recorder).await;
    button(&root, "Partition").click();
    settle().await;
    assert!(recorder.take().is_empty());
    let shown = alerts(&root);
    assert_eq!(shown.len(), 1);
    assert!(shown[0].contains("each side"), "{shown:?}");
}

#[wasm_bindgen_test]
async fn cut_links_and_links_with_faults_of_their_own_are_listed_in_words() {
    let recorder = Recorder::default();
    let faults = LinkFaults {
        drop_per_mille: 100,
        ..LinkFaults::default()
    };
    let view = view_of(
        Config::default(),
        vec![
            Command::CutLink {
                from: NodeId(1),
                to: NodeId(3),
            },
            Command::SetLinkFaults {
                from: NodeId(2),
                to: NodeId(5),
                faults: Some(faults),
            },
        ],
    );
    let root = network_panel(view, &recorder).await;
    let text = root.text_content().unwrap();
    assert!(text.contains("Cut: S1 ↛ S3"), "{text}");
    assert!(text.contains("S2 → S5: drop 100 ‰"), "{text}");
    assert!(text.contains("1 link cut"), "the summary says it: {text}");
}

#[wasm_bindgen_test]
async fn a_cut_link_and_each_slider_drag_send_one_command() {
    let recorder = Recorder::default();
    let root = network_panel(view_of(Config::default(), vec![]), &recorder).await;
    choose(&root, "Cut from", "2");
    choose(&root, "Cut to", "4");
    settle().await;
    button(&root, "Cut link").click();
    drag(&root, "Drop rate", "250");
    drag(&root, "Extra delay", "40");
    settle().await;
    choose(&root, "Link from", "3");
    choose(&root, "Link to", "1");
    settle().await;
    drag(&root, "Link duplicate rate", "500");
    settle().await;
    assert_eq!(
        recorder.take(),
        [
            Action::Run(Command::CutLink {
                from: NodeId(2),
                to: NodeId(4),
            }),
            Action::Run(Command::SetNetworkFaults {
                faults: LinkFaults {
                    drop_per_mille: 250,
                    ..LinkFaults::default()
                },
            }),
            // The panel's view did not change (no simulation here), so the
            // second slider starts from the faults the view shows.
            Action::Run(Command::SetNetworkFaults {
                faults: LinkFaults {
                    extra_delay_us: 40_000,
                    ..LinkFaults::default()
                },
            }),
            Action::Run(Command::SetLinkFaults {
                from: NodeId(3),
                to: NodeId(1),
                faults: Some(LinkFaults {
                    duplicate_per_mille: 500,
                    ..LinkFaults::default()
                }),
            }),
        ]
    );
    assert!(
        button(&root, "Reset link").disabled(),
        "S3 → S1 has no faults of its own in the view yet"
    );
}

#[wasm_bindgen_test]
async fn the_client_form_sends_the_request_it_shows() {
    let recorder = Recorder::default();
    let root = client_panel(view_of(Config::default(), vec![]), &recorder).await;
    choose(&root, "Operation", "cas");
    settle().await;
    type_into(&root, "Key", "x");
    type_into(&root, "New value", "7");
    choose(&root, "Send to", "3");
    settle().await;
    button(&root, "Send").click();
    choose(&root, "Operation", "put");
    settle().await;
    type_into(&root, "Value", "1");
    choose(&root, "Send to", "leader");
    settle().await;
    button(&root, "Send").click();
    settle().await;
    assert_eq!(
        recorder.take(),
        [
            Action::Run(Command::ClientRequest {
                client: None,
                target: Some(NodeId(3)),
                op: Operation::CompareAndSet {
                    key: "x".into(),
                    expected: None,
                    new: "7".into(),
                },
            }),
            Action::Run(Command::ClientRequest {
                client: None,
                target: None,
                op: Operation::Put {
                    key: "x".into(),
                    value: "1".into(),
                },
            }),
        ]
    );
    assert!(alerts(&root).is_empty());
}

#[wasm_bindgen_test]
async fn an_empty_key_is_a_message_and_sends_nothing() {
    let recorder = Recorder::default();
    let root = client_panel(view_of(Config::default(), vec![]), &recorder).await;
    choose(&root, "Operation", "get");
    settle().await;
    button(&root, "Send").click();
    settle().await;
    assert!(recorder.take().is_empty());
    assert_eq!(alerts(&root), ["Type a key"]);
}

#[wasm_bindgen_test]
async fn a_toy_run_offers_x_y_z_without_a_key() {
    let recorder = Recorder::default();
    let toy = Config {
        state_machine: StateMachine::Toy,
        ..Config::default()
    };
    let root = client_panel(view_of(toy, vec![]), &recorder).await;
    let options = root
        .query_selector_all("select[aria-label=\"Operation\"] option")
        .unwrap();
    let values: Vec<String> = (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|o| o.dyn_into::<Element>().ok())
        .filter_map(|o| o.get_attribute("value"))
        .collect();
    assert_eq!(values, ["x", "y", "z"]);
    assert_eq!(count(&root, "input[aria-label=\"Key\"]"), 0);
    choose(&root, "Operation", "z");
    settle().await;
    button(&root, "Send").click();
    settle().await;
    assert_eq!(
        recorder.take(),
        [Action::Run(Command::ClientRequest {
            client: None,
            target: None,
            op: Operation::Toy { op: ToyOp::Z },
        })]
    );
}

#[wasm_bindgen_test]
async fn the_workload_box_starts_and_stops_simulated_clients() {
    let recorder = Recorder::default();
    let root = client_panel(view_of(Config::default(), vec![]), &recorder).await;
    assert!(!input(&root, "Workload").checked());
    type_into(&root, "Operations per second", "500");
    settle().await;
    input(&root, "Workload").click();
    settle().await;
    assert!(recorder.take().is_empty(), "500 per second is refused");
    assert!(
        !input(&root, "Workload").checked(),
        "the box shows that nothing runs"
    );
    assert!(alerts(&root)[0].starts_with("Operations per second"));
    type_into(&root, "Operations per second", "50");
    type_into(&root, "Clients", "2");
    settle().await;
    input(&root, "Workload").click();
    settle().await;
    let spec = WorkloadSpec {
        clients: 2,
        ops_per_second: 50,
        ..WorkloadSpec::default()
    };
    assert_eq!(
        recorder.take(),
        [Action::Run(Command::SetWorkload {
            workload: Some(spec)
        })]
    );
    assert!(alerts(&root).is_empty());

    // A view with the workload running shows it, and unchecking stops it.
    let running = view_of(
        Config::default(),
        vec![Command::SetWorkload {
            workload: Some(spec),
        }],
    );
    let root = client_panel(running, &recorder).await;
    assert!(input(&root, "Workload").checked());
    assert!(root
        .text_content()
        .unwrap()
        .contains("Running: 2 clients, 50 operations per second"));
    // While it runs, a changed field applies when left.
    let clients = input(&root, "Clients");
    clients.set_value("4");
    fire(&clients, "input");
    fire(&clients, "change");
    settle().await;
    assert_eq!(
        recorder.take(),
        [Action::Run(Command::SetWorkload {
            workload: Some(WorkloadSpec { clients: 4, ..spec })
        })]
    );
    input(&root, "Workload").click();
    settle().await;
    assert_eq!(
        recorder.take(),
        [Action::Run(Command::SetWorkload { workload: None })]
    );
}

#[wasm_bindgen_test]
async fn toggling_pre_vote_and_a_bug_switch_then_apply_sends_the_config() {
    let recorder = Recorder::default();
    let root = config_panel(Config::default(), 7, &recorder).await;
    assert_eq!(
        count(&root, "fieldset.break-raft input[type=\"checkbox\"]"),
        raftlab_core::raft::BugSwitches::NAMES.len() as u32
    );
    input(&root, "PreVote").click();
    let bug: HtmlInputElement = find(&root, "label[title=\"stale_leader_reads\"] input")
        .dyn_into()
        .unwrap();
    bug.click();
    type_into(&root, "Servers", "3");
    settle().await;
    button(&root, "Apply").click();
    settle().await;
    let mut expected = Config {
        node_count: 3,
        ..Config::default()
    };
    expected.raft.pre_vote = true;
    expected.bugs.stale_leader_reads = true;
    assert_eq!(
        recorder.take(),
        [Action::Configure {
            config: expected,
            seed: 7
        }]
    );
    assert!(alerts(&root).is_empty());
}

#[wasm_bindgen_test]
async fn an_invalid_timeout_range_shows_a_message_and_sends_nothing() {
    let recorder = Recorder::default();
    let root = config_panel(Config::default(), 7, &recorder).await;
    type_into(&root, "Election timeout min", "400");
    settle().await;
    button(&root, "Apply").click();
    settle().await;
    assert!(recorder.take().is_empty());
    let shown = alerts(&root);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("Election timeout"), "{shown:?}");
    // Revert brings back the running configuration and Apply works again.
    button(&root, "Revert").click();
    settle().await;
    assert_eq!(input(&root, "Election timeout min").value(), "150");
    button(&root, "Apply").click();
    settle().await;
    assert_eq!(
        recorder.take(),
        [Action::Configure {
            config: Config::default(),
            seed: 7
        }]
    );
}

#[wasm_bindgen_test]
async fn the_app_shows_the_panels_and_apply_starts_the_new_run() {
    let root = fresh_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            query: "?seed=2&speed=0.001".into(),
            fresh_seed: None,
        },
    )
    .render();
    settle().await;
    for panel in ["network", "client", "config"] {
        let details: HtmlDetailsElement = find(&root, &format!("details[data-panel=\"{panel}\"]"))
            .dyn_into()
            .unwrap();
        assert!(!details.open(), "{panel} starts closed");
        details.set_open(true);
    }
    settle().await;
    type_into(&root, "Servers", "3");
    type_into(&root, "Seed", "11");
    settle().await;
    button(&root, "Apply").click();
    settle().await;
    assert_eq!(count(&root, "[data-node-id]"), 3);
    assert!(root.text_content().unwrap().contains("seed 11 "));
    assert_eq!(count(&root, "button[aria-label^=\"Side of S\"]"), 3);
    let details: HtmlDetailsElement = find(&root, "details[data-panel=\"config\"]")
        .dyn_into()
        .unwrap();
    assert!(details.open(), "a new run leaves the panel open");
    assert_eq!(input(&root, "Servers").value(), "3");
    assert!(alerts(&root).is_empty());
}
