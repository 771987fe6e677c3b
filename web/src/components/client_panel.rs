//! The client panel: send one request of your own (put, get, delete or
//! compare-and-set on the key-value store; X, Y or Z on the toy machine) to
//! the leader or to a chosen server, and switch on a workload of simulated
//! clients.

use super::form::{self, input_value, parse_count, parse_node, Complaint, Draft};
use super::number_field::NumberField;
use super::panel::Panel;
use super::select_field::{Choice, SelectField};
use super::toggle::Toggle;
use crate::share::ControlPanel;
use crate::ui::{Action, SharedView};
use raftlab_core::session::Command;
use raftlab_core::session::{Operation, ToyOp};
use raftlab_core::view::ClusterView;
use raftlab_core::view::NodeId;
use raftlab_core::view::StateMachine;
use raftlab_core::view::WorkloadSpec;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The longest key the form sends. A limit on everything: the log table
/// shows keys in narrow cells.
pub const KEY_CHARS_MAX: usize = 32;
/// The longest value the form sends.
pub const VALUE_CHARS_MAX: usize = 64;
/// The workload rates the panel offers, in operations per second.
pub const OPS_PER_SECOND_MAX: u64 = 200;
/// The most workload clients the panel offers.
pub const WORKLOAD_CLIENTS_MAX: u64 = 8;

/// Props of [`ClientPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct ClientPanelProps {
    /// The cluster now.
    pub view: SharedView,
    /// Is the panel open? (It tells the app when the user opens or closes it.)
    #[prop_or_default]
    pub open: bool,
    /// Where commands go.
    pub on_action: Callback<Action>,
}

/// The operations the form offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// [`Operation::Put`].
    Put,
    /// [`Operation::Get`].
    Get,
    /// [`Operation::Delete`].
    Delete,
    /// [`Operation::CompareAndSet`].
    CompareAndSet,
    /// [`Operation::Toy`].
    Toy(ToyOp),
}

/// The key-value store's operations, in the order offered.
const KV_KINDS: [OpKind; 4] = [
    OpKind::Put,
    OpKind::Get,
    OpKind::Delete,
    OpKind::CompareAndSet,
];
/// The toy machine's operations.
const TOY_KINDS: [OpKind; 3] = [
    OpKind::Toy(ToyOp::X),
    OpKind::Toy(ToyOp::Y),
    OpKind::Toy(ToyOp::Z),
];

impl OpKind {
    /// The operations a run of `machine` understands.
    pub fn choices(machine: StateMachine) -> &'static [OpKind] {
        match machine {
            StateMachine::KeyValue => &KV_KINDS,
            StateMachine::Toy => &TOY_KINDS,
        }
    }

    /// The option value naming it.
    fn value(self) -> &'static str {
        match self {
            OpKind::Put => "put",
            OpKind::Get => "get",
            OpKind::Delete => "delete",
            OpKind::CompareAndSet => "cas",
            OpKind::Toy(ToyOp::X) => "x",
            OpKind::Toy(ToyOp::Y) => "y",
            OpKind::Toy(ToyOp::Z) => "z",
        }
    }

    /// The words shown for it.
    fn label(self) -> &'static str {
        match self {
            OpKind::Put => "put",
            OpKind::Get => "get",
            OpKind::Delete => "delete",
            OpKind::CompareAndSet => "compare-and-set",
            OpKind::Toy(ToyOp::X) => "X (swaps A and B)",
            OpKind::Toy(ToyOp::Y) => "Y (swaps A and C)",
            OpKind::Toy(ToyOp::Z) => "Z (swaps B and C)",
        }
    }

    /// The kind an option value names.
    fn parse(value: &str) -> Option<OpKind> {
        KV_KINDS
            .iter()
            .chain(TOY_KINDS.iter())
            .copied()
            .find(|k| k.value() == value)
    }
}

/// What the request form holds.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestForm {
    /// The chosen operation.
    pub kind: OpKind,
    /// The key (not used by the toy machine).
    pub key: String,
    /// A put's value.
    pub value: String,
    /// A compare-and-set's expected value; empty means "the key is absent".
    pub expected: String,
    /// A compare-and-set's new value.
    pub new_value: String,
    /// Where to send it: the leader the client believes in when `None`.
    pub target: Option<NodeId>,
}

impl Default for RequestForm {
    fn default() -> RequestForm {
        RequestForm {
            kind: OpKind::Put,
            key: String::new(),
            value: String::new(),
            expected: String::new(),
            new_value: String::new(),
            target: None,
        }
    }
}

impl RequestForm {
    /// The operation the form shows for a run of `machine`: the chosen one
    /// if the machine has it, else the machine's first.
    pub fn kind_for(&self, machine: StateMachine) -> OpKind {
        let choices = OpKind::choices(machine);
        if choices.contains(&self.kind) {
            self.kind
        } else {
            choices[0]
        }
    }

    /// The operation to send, or what is missing.
    pub fn operation(&self, machine: StateMachine) -> Result<Operation, String> {
        let key =
            || text_field(&self.key, "Key", KEY_CHARS_MAX)?.ok_or_else(|| "Type a key".to_owned());
        Ok(match self.kind_for(machine) {
            OpKind::Toy(op) => Operation::Toy { op },
            OpKind::Put => Operation::Put {
                key: key()?,
                value: text_field(&self.value, "Value", VALUE_CHARS_MAX)?
                    .ok_or_else(|| "Type a value to put".to_owned())?,
            },
            OpKind::Get => Operation::Get { key: key()? },
            OpKind::Delete => Operation::Delete { key: key()? },
            OpKind::CompareAndSet => Operation::CompareAndSet {
                key: key()?,
                expected: text_field(&self.expected, "Expected value", VALUE_CHARS_MAX)?,
                new: text_field(&self.new_value, "New value", VALUE_CHARS_MAX)?
                    .ok_or_else(|| "Type the new value to set".to_owned())?,
            },
        })
    }
}

/// A text field's contents without surrounding spaces, `None` when empty,
/// refused when longer than `max` characters.
fn text_field(text: &str, what: &str, max: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(format!("{what}: at most {max} characters"));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// A workload from the rate and client count typed in; the mix of reads
/// and compare-and-sets is the default one.
pub fn workload_spec(rate: &str, clients: &str) -> Result<WorkloadSpec, String> {
    let ops_per_second = parse_count(rate, "Operations per second", 1, OPS_PER_SECOND_MAX)?;
    let clients = parse_count(clients, "Clients", 1, WORKLOAD_CLIENTS_MAX)?;
    Ok(WorkloadSpec {
        // Both are range-checked above, far inside u32.
        clients: clients as u32,
        ops_per_second: ops_per_second as u32,
        ..WorkloadSpec::default()
    })
}

/// A workload in words.
fn describe_workload(workload: &WorkloadSpec) -> String {
    format!(
        "{} client{}, {} operations per second",
        workload.clients,
        if workload.clients == 1 { "" } else { "s" },
        workload.ops_per_second
    )
}

/// What the panel holds between renders.
#[derive(Clone, Debug, PartialEq)]
struct ClientForm {
    request: RequestForm,
    /// The workload's rate as typed.
    rate: String,
    /// The workload's client count as typed.
    clients: String,
    /// Why the last action did nothing.
    message: Option<String>,
}

impl Complaint for ClientForm {
    fn message_mut(&mut self) -> &mut Option<String> {
        &mut self.message
    }
}

/// How the panel's parts edit the form and send commands.
type Outbox = form::Outbox<ClientForm>;

/// The request form and the workload switch.
#[function_component(ClientPanel)]
pub fn client_panel(props: &ClientPanelProps) -> Html {
    let view = &props.view.0;
    let form = {
        let start = view.workload.unwrap_or_default();
        use_reducer(move || {
            Draft(ClientForm {
                request: RequestForm::default(),
                rate: start.ops_per_second.to_string(),
                clients: start.clients.to_string(),
                message: None,
            })
        })
    };
    let workload_box = use_node_ref();
    let outbox = Outbox::new(&props.on_action, &form);
    let summary = view.workload.map_or("workload off".to_owned(), |w| {
        format!("workload: {}", describe_workload(&w))
    });
    html! {
        <Panel panel={ControlPanel::Client} title="Client" summary={summary}
            open={props.open} on_action={props.on_action.clone()}>
            if props.open {
                { request_group(view, &form.0.request, &outbox) }
                { workload_group(view.workload, &form.0, &workload_box, &outbox) }
                { form::notice(form.0.message.as_deref()) }
            }
        </Panel>
    }
}

/// A text field whose contents `set` keeps in the form.
fn text_input(
    outbox: &Outbox,
    label: &'static str,
    value: &str,
    placeholder: &'static str,
    set: fn(&mut ClientForm, String),
) -> Html {
    let oninput = {
        let outbox = outbox.clone();
        Callback::from(move |e: InputEvent| {
            let text = input_value(&e);
            outbox.edit(move |f| set(f, text))
        })
    };
    html! {
        <label class="field">
            <span>{ label }</span>
            <input type="text" class="text" aria-label={label} placeholder={placeholder}
                value={value.to_owned()} oninput={oninput} />
        </label>
    }
}

/// The fields the operation `kind` needs: a key, a value, or the expected
/// and new values of a compare-and-set.
fn operand_fields(kind: OpKind, request: &RequestForm, outbox: &Outbox) -> Html {
    html! {
        <>
            if !matches!(kind, OpKind::Toy(_)) {
                { text_input(outbox, "Key", &request.key, "x", |f, t| f.request.key = t) }
            }
            if kind == OpKind::Put {
                { text_input(outbox, "Value", &request.value, "1", |f, t| f.request.value = t) }
            }
            if kind == OpKind::CompareAndSet {
                { text_input(outbox, "Expected value", &request.expected, "absent", |f, t| f.request.expected = t) }
                { text_input(outbox, "New value", &request.new_value, "2", |f, t| f.request.new_value = t) }
            }
        </>
    }
}

/// The "Send to" choices: the leader, then each server.
fn target_choices(servers: &[NodeId]) -> Vec<Choice> {
    let mut targets: Vec<Choice> = vec![("leader".into(), "the leader".into())];
    targets.extend(
        servers
            .iter()
            .map(|id| (id.0.to_string().into(), id.to_string().into())),
    );
    targets
}

/// One request: the operation, its operands, where to send it, and Send.
fn request_group(view: &ClusterView, request: &RequestForm, outbox: &Outbox) -> Html {
    let machine = view.state_machine;
    let kind = request.kind_for(machine);
    let kinds: Vec<Choice> = OpKind::choices(machine)
        .iter()
        .map(|k| (k.value().into(), k.label().into()))
        .collect();
    let on_kind = {
        let outbox = outbox.clone();
        Callback::from(move |value: String| {
            if let Some(kind) = OpKind::parse(&value) {
                outbox.edit(move |f| f.request.kind = kind)
            }
        })
    };
    let servers: Vec<NodeId> = view.nodes.iter().map(|n| n.id).collect();
    let target = request.target.filter(|id| servers.contains(id));
    let on_target = {
        let outbox = outbox.clone();
        Callback::from(move |value: String| {
            let target = parse_node(&value);
            outbox.edit(move |f| f.request.target = target)
        })
    };
    let on_send = {
        let (outbox, request) = (outbox.clone(), request.clone());
        Callback::from(move |_: MouseEvent| {
            outbox.emit(request.operation(machine).map(|op| Command::ClientRequest {
                client: None,
                target,
                op,
            }))
        })
    };
    html! {
        <fieldset class="group" data-tool="request">
            <legend>{ "One request" }</legend>
            <div class="fields">
                <SelectField label="Operation" name="Operation" choices={kinds}
                    value={AttrValue::from(kind.value())} on_change={on_kind} />
                { operand_fields(kind, request, outbox) }
                <SelectField label="Send to" name="Send to" choices={target_choices(&servers)}
                    value={AttrValue::from(target.map_or("leader".to_owned(), |id| id.0.to_string()))}
                    on_change={on_target} />
                <button type="button" class="primary" aria-label="Send" onclick={on_send}>{ "Send" }</button>
            </div>
            if kind == OpKind::CompareAndSet {
                <p class="hint">{ "An empty expected value means the key must be absent." }</p>
            }
            if machine == StateMachine::Toy {
                <p class="hint">{ "This run replicates the toy machine: states A, B, C, no keys." }</p>
            }
        </fieldset>
    }
}

/// What the workload box does: start the workload the fields describe, or
/// stop it. A refused start puts the box (`workload_box`) back, since the box
/// shows what runs.
fn on_workload(form: &ClientForm, workload_box: &NodeRef, outbox: &Outbox) -> Callback<bool> {
    let (outbox, workload_box) = (outbox.clone(), workload_box.clone());
    let (rate, clients) = (form.rate.clone(), form.clients.clone());
    Callback::from(move |on: bool| {
        if !on {
            outbox.send(Command::SetWorkload { workload: None });
            return;
        }
        let spec = workload_spec(&rate, &clients);
        if spec.is_err() {
            // Nothing did start.
            if let Some(input) = workload_box.cast::<HtmlInputElement>() {
                input.set_checked(false);
            }
        }
        outbox.emit(spec.map(|spec| Command::SetWorkload {
            workload: Some(spec),
        }))
    })
}

/// What leaving an edited rate (`edits_rate`) or client count does: while a
/// workload runs, it applies (one command per edit, not per keystroke). The
/// edited field's text comes with the change, which may come before the next
/// render.
fn on_workload_edit(
    running: Option<WorkloadSpec>,
    form: &ClientForm,
    outbox: &Outbox,
    edits_rate: bool,
) -> Callback<String> {
    let outbox = outbox.clone();
    let (rate, clients) = (form.rate.clone(), form.clients.clone());
    Callback::from(move |typed: String| {
        if running.is_none() {
            return;
        }
        let spec = if edits_rate {
            workload_spec(&typed, &clients)
        } else {
            workload_spec(&rate, &typed)
        };
        outbox.emit(spec.map(|spec| Command::SetWorkload {
            workload: Some(spec),
        }))
    })
}

/// The workload box, its rate and client count, and what runs now.
fn workload_group(
    running: Option<WorkloadSpec>,
    form: &ClientForm,
    workload_box: &NodeRef,
    outbox: &Outbox,
) -> Html {
    let typed = |set: fn(&mut ClientForm, String)| {
        let outbox = outbox.clone();
        Callback::from(move |text: String| outbox.edit(move |f| set(f, text)))
    };
    html! {
        <fieldset class="group" data-tool="workload">
            <legend>{ "Workload" }</legend>
            <p class="hint">{ "Simulated clients sending random operations; the checkers watch every answer." }</p>
            <div class="fields">
                <Toggle label="Workload" checked={running.is_some()} input_ref={workload_box.clone()}
                    on_change={on_workload(form, workload_box, outbox)} />
                <NumberField label="Operations per second" value={form.rate.clone()} min={1}
                    max={OPS_PER_SECOND_MAX} on_input={typed(|f, t| f.rate = t)}
                    on_change={on_workload_edit(running, form, outbox, true)} />
                <NumberField label="Clients" value={form.clients.clone()} min={1}
                    max={WORKLOAD_CLIENTS_MAX} on_input={typed(|f, t| f.clients = t)}
                    on_change={on_workload_edit(running, form, outbox, false)} />
            </div>
            <p class="workload-status" aria-live="polite">
                { running.map_or("No workload is running.".to_owned(), |w| format!("Running: {}.", describe_workload(&w))) }
            </p>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: OpKind, key: &str) -> RequestForm {
        RequestForm {
            kind,
            key: key.into(),
            ..RequestForm::default()
        }
    }

    #[test]
    fn the_form_builds_each_key_value_operation() {
        let kv = StateMachine::KeyValue;
        let put = RequestForm {
            value: " 1 ".into(),
            ..form(OpKind::Put, " x ")
        };
        assert_eq!(
            put.operation(kv),
            Ok(Operation::Put {
                key: "x".into(),
                value: "1".into()
            })
        );
        assert_eq!(
            form(OpKind::Get, "x").operation(kv),
            Ok(Operation::Get { key: "x".into() })
        );
        assert_eq!(
            form(OpKind::Delete, "x").operation(kv),
            Ok(Operation::Delete { key: "x".into() })
        );
        let cas = RequestForm {
            expected: "1".into(),
            new_value: "2".into(),
            ..form(OpKind::CompareAndSet, "x")
        };
        assert_eq!(
            cas.operation(kv),
            Ok(Operation::CompareAndSet {
                key: "x".into(),
                expected: Some("1".into()),
                new: "2".into()
            })
        );
    }

    #[test]
    fn an_empty_expected_value_means_the_key_is_absent() {
        let cas = RequestForm {
            expected: "  ".into(),
            new_value: "2".into(),
            ..form(OpKind::CompareAndSet, "x")
        };
        assert_eq!(
            cas.operation(StateMachine::KeyValue),
            Ok(Operation::CompareAndSet {
                key: "x".into(),
                expected: None,
                new: "2".into()
            })
        );
    }

    #[test]
    fn missing_or_overlong_fields_are_messages() {
        let kv = StateMachine::KeyValue;
        assert_eq!(
            form(OpKind::Get, " ").operation(kv),
            Err("Type a key".into())
        );
        assert!(form(OpKind::Put, "x").operation(kv).is_err(), "no value");
        assert!(
            form(OpKind::CompareAndSet, "x").operation(kv).is_err(),
            "no new value"
        );
        let long = "k".repeat(KEY_CHARS_MAX + 1);
        let error = form(OpKind::Get, &long).operation(kv).unwrap_err();
        assert!(error.starts_with("Key"), "{error}");
    }

    #[test]
    fn a_toy_run_offers_x_y_z_and_needs_no_key() {
        let toy = StateMachine::Toy;
        let kinds: Vec<&str> = OpKind::choices(toy).iter().map(|k| k.value()).collect();
        assert_eq!(kinds, ["x", "y", "z"]);
        assert_eq!(
            form(OpKind::Toy(ToyOp::Y), "").operation(toy),
            Ok(Operation::Toy { op: ToyOp::Y })
        );
        // A key-value choice left over from another run becomes the first toy one.
        assert_eq!(
            form(OpKind::Put, "x").operation(toy),
            Ok(Operation::Toy { op: ToyOp::X })
        );
        assert_eq!(
            form(OpKind::Toy(ToyOp::Z), "").kind_for(StateMachine::KeyValue),
            OpKind::Put
        );
    }

    #[test]
    fn option_values_name_their_kinds() {
        for kind in KV_KINDS.iter().chain(TOY_KINDS.iter()) {
            assert_eq!(OpKind::parse(kind.value()), Some(*kind));
        }
        assert_eq!(OpKind::parse("drop table"), None);
    }

    #[test]
    fn the_workload_numbers_are_range_checked() {
        let spec = workload_spec("50", "2").unwrap();
        assert_eq!(
            spec,
            WorkloadSpec {
                clients: 2,
                ops_per_second: 50,
                ..WorkloadSpec::default()
            }
        );
        assert!(spec.is_valid());
        assert!(workload_spec("0", "2").is_err());
        assert!(workload_spec("201", "2").is_err());
        assert!(workload_spec("50", "9").is_err());
        let error = workload_spec("fast", "2").unwrap_err();
        assert!(error.starts_with("Operations per second"), "{error}");
    }
}
