//! The selected server's actions: crash, restart, force a timeout, make it
//! the leader by a leadership transfer, send it a put.

use crate::components::sender;
use crate::ui::{Action, SharedView};
use raftlab_core::session::Command;
use raftlab_core::view::{NodeId, Role};
use yew::prelude::*;

/// Props of [`NodeMenu`].
#[derive(Properties, Clone, PartialEq)]
pub struct NodeMenuProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server.
    pub selected: NodeId,
    /// Where actions go.
    pub on_action: Callback<Action>,
    /// On a phone, where the actions are a sheet on the screen's bottom
    /// edge: the reader put it away (its × button). Elsewhere no effect.
    #[prop_or_default]
    pub sheet_hidden: bool,
}

/// Buttons acting on the selected server; those that do not apply are disabled.
#[function_component(NodeMenu)]
pub fn node_menu(props: &NodeMenuProps) -> Html {
    let Some(node) = props.view.0.node(props.selected) else {
        return html! {};
    };
    let id = node.id;
    let send = |action: Action| sender(&props.on_action, action);
    let mut status = format!(
        "{} · term {} · commit {}",
        if node.alive {
            node.role.as_str()
        } else {
            "crashed"
        },
        node.term,
        node.commit_index
    );
    // A run of the toy machine shows the state this server has applied its log to.
    if let Some(state) = node.toy_state {
        status.push_str(&format!(" · state {state}"));
    }
    html! {
        <div class={classes!("node-menu", props.sheet_hidden.then_some("sheet-hidden"))}
            role="group" aria-label={format!("Actions for {id}")}>
            <h2>{ format!("{id}") }<small>{ status }</small>
                <button type="button" class="sheet-close" aria-label="Hide the actions"
                    title="Hide these actions (tap a server to bring them back)"
                    onclick={send(Action::HideActions)}>{ "×" }</button>
            </h2>
            <div class="buttons">
                <button type="button" disabled={!node.alive} aria-label="Crash" data-tool="crash"
                    onclick={send(Action::Run(Command::Crash { node: id }))}>{ "Crash" }</button>
                <button type="button" disabled={node.alive} aria-label="Restart" data-tool="restart"
                    onclick={send(Action::Run(Command::Restart { node: id }))}>{ "Restart" }</button>
                <button type="button" disabled={!node.alive} aria-label="Timeout" data-tool="timeout"
                    onclick={send(Action::Run(Command::Timeout { node: id }))}>{ "Timeout" }</button>
                <button type="button" aria-label="Make leader" data-tool="transfer"
                    title="The leader hands over to this server (TimeoutNow)"
                    disabled={!node.alive || node.role == Role::Leader}
                    onclick={send(Action::Run(Command::TransferLeadership { to: id }))}>{ "Make leader" }</button>
                <button type="button" aria-label="Put" data-tool="request" title="A client sends a put to this server"
                    onclick={send(Action::PutTo(id))}>{ "Put" }</button>
            </div>
            <p class="hint">{ "Click a server on the ring (or in the logs) to act on it." }</p>
        </div>
    }
}
