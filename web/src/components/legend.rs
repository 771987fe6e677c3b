//! What the cluster view's colours and shapes mean.

use crate::components::cluster::message_shape;
use raftlab_core::raft::MessageKind;
use yew::prelude::*;

/// Every message kind, in the order the legend lists them, with its name there.
const KINDS: [(MessageKind, &str); 11] = [
    (MessageKind::PreVote, "pre-vote"),
    (MessageKind::PreVoteReply, "pre-vote reply"),
    (MessageKind::RequestVote, "RequestVote"),
    (MessageKind::RequestVoteReply, "vote reply"),
    (MessageKind::AppendEntries, "AppendEntries (entries)"),
    (MessageKind::Heartbeat, "heartbeat"),
    (MessageKind::AppendEntriesReply, "AppendEntries reply"),
    (MessageKind::ClientRequest, "client request"),
    (MessageKind::ClientReply, "client reply"),
    (MessageKind::TimeoutNow, "TimeoutNow (hand-over)"),
    (MessageKind::InstallSnapshot, "InstallSnapshot"),
];

/// The legend under the ring: server colours, the timer arc, and each message kind's shape.
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <ul class="legend" aria-label="Legend">
            <li><span class="swatch follower"></span>{ "follower" }</li>
            <li><span class="swatch pre-candidate"></span>{ "pre-candidate" }</li>
            <li><span class="swatch candidate"></span>{ "candidate" }</li>
            <li><span class="swatch leader"></span>{ "leader" }</li>
            <li><span class="swatch timer"></span>{ "election timer" }</li>
            { for KINDS.iter().map(|(kind, name)| html! {
                <li>
                    <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                        <g class={format!("msg {}", kind.as_str())}>{ message_shape(*kind) }</g>
                    </svg>
                    { *name }
                </li>
            }) }
        </ul>
    }
}
