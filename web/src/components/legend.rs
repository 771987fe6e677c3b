//! What the cluster view's colours and shapes mean.

use raftlab_core::view::{ClusterView, MessageKind};
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

/// The legend's name for a message kind (the Raft paper's, where it has one).
pub fn kind_name(kind: MessageKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("message", |(_, name)| *name)
}

/// A message's shape, drawn around the origin. Requests are filled, replies
/// hollow; votes are diamonds (pre-votes dashed), TimeoutNow a triangle, InstallSnapshot a tall card, AppendEntries circles (with entries: bigger, with
/// a dark ring; heartbeats: small dots); client traffic is square.
pub fn message_shape(kind: MessageKind) -> Html {
    match kind {
        MessageKind::AppendEntries => html! { <circle r="8" /> },
        MessageKind::Heartbeat => html! { <circle r="4" /> },
        MessageKind::AppendEntriesReply => html! { <circle r="6" /> },
        MessageKind::RequestVote
        | MessageKind::RequestVoteReply
        | MessageKind::PreVote
        | MessageKind::PreVoteReply => {
            html! { <rect x="-5" y="-5" width="10" height="10" transform="rotate(45)" /> }
        }
        MessageKind::ClientRequest | MessageKind::ClientReply => {
            html! { <rect x="-5" y="-5" width="10" height="10" /> }
        }
        MessageKind::TimeoutNow => html! { <path d="M0,-7 L6,5 L-6,5 Z" /> },
        MessageKind::InstallSnapshot => {
            html! { <rect x="-6" y="-8" width="12" height="16" rx="2" /> }
        }
    }
}

/// The marks a message wears over its shape: a cross when the network will
/// lose it, a "×2" badge when it is a copy the network made, and on a vote
/// or pre-vote reply a tick when it grants the vote and a bar when it
/// refuses it (`granted` is `None` for every other kind).
pub fn message_marks(doomed: bool, duplicate: bool, granted: Option<bool>) -> Html {
    html! {
        <>
        if granted == Some(true) { <path class="granted-mark" d="M-3 0 L-1 2.5 L3.5 -2.5" /> }
        if granted == Some(false) { <path class="refused-mark" d="M-4 0 L4 0" /> }
        if doomed { <path class="doom-mark" d="M-6 -6 L6 6 M6 -6 L-6 6" /> }
        if duplicate { <text class="dup-badge" x="7" y="-7">{ "×2" }</text> }
        </>
    }
}

/// Props of [`Legend`]: what the run can show, so the legend lists nothing
/// else.
#[derive(Properties, Clone, Copy, PartialEq)]
pub struct LegendProps {
    /// Is PreVote on (pre-candidates, pre-votes and their replies)?
    #[prop_or(true)]
    pub pre_vote: bool,
    /// Has any server taken a snapshot (so InstallSnapshot can be sent)?
    #[prop_or(true)]
    pub snapshots: bool,
}

impl LegendProps {
    /// What the cluster `view` can show.
    pub fn of(view: &ClusterView) -> LegendProps {
        LegendProps {
            pre_vote: view.raft.pre_vote,
            snapshots: view.nodes.iter().any(|n| n.snapshot_index.0 > 0),
        }
    }

    /// Can a message of `kind` be in flight in such a run?
    fn shows(self, kind: MessageKind) -> bool {
        match kind {
            MessageKind::PreVote | MessageKind::PreVoteReply => self.pre_vote,
            MessageKind::InstallSnapshot => self.snapshots,
            _ => true,
        }
    }
}

/// The legend under the ring: server colours, the timer arc, and the shape
/// of each message kind the run can show.
#[function_component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let props = *props;
    html! {
        <ul class="legend" aria-label="Legend">
            <li><span class="swatch follower"></span>{ "follower" }</li>
            if props.pre_vote {
                <li><span class="swatch pre-candidate"></span>{ "pre-candidate" }</li>
            }
            <li><span class="swatch candidate"></span>{ "candidate" }</li>
            <li><span class="swatch leader"></span>{ "leader" }</li>
            <li><span class="swatch timer"></span>{ "election timer" }</li>
            { for KINDS.iter().filter(|(kind, _)| props.shows(*kind)).map(|(kind, name)| html! {
                <li>
                    <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                        <g class={format!("msg {}", kind.as_str())}>{ message_shape(*kind) }</g>
                    </svg>
                    { *name }
                </li>
            }) }
            <li>
                <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                    <g class="msg request-vote-reply granted">
                        { message_shape(MessageKind::RequestVoteReply) }{ message_marks(false, false, Some(true)) }
                    </g>
                </svg>
                { "vote granted (✓)" }
            </li>
            <li>
                <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                    <g class="msg request-vote-reply refused">
                        { message_shape(MessageKind::RequestVoteReply) }{ message_marks(false, false, Some(false)) }
                    </g>
                </svg>
                { if props.pre_vote { "vote refused (bar; pre-votes too)" } else { "vote refused (bar)" } }
            </li>
            <li>
                <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                    <g class="msg heartbeat doomed">{ message_shape(MessageKind::Heartbeat) }{ message_marks(true, false, None) }</g>
                </svg>
                { "will be lost (dropped, or its link is cut)" }
            </li>
            <li>
                <svg class="legend-msg wide" viewBox="-10 -14 26 24" aria-hidden="true">
                    <g class="msg heartbeat duplicate">{ message_shape(MessageKind::Heartbeat) }{ message_marks(false, true, None) }</g>
                </svg>
                { "a copy the network made" }
            </li>
            <li>
                <svg class="legend-cut" viewBox="0 0 40 16" aria-hidden="true">
                    <g class="cut-link one-way">
                        <line x1="2" y1="8" x2="38" y2="8" />
                        <text class="cut-mark" x="31" y="8">{ "✂" }</text>
                    </g>
                </svg>
                { "cut link (✂ at the end that hears nothing; both ends: cut both ways)" }
            </li>
            <li>
                <svg class="legend-cut" viewBox="0 0 40 16" aria-hidden="true">
                    <rect class="partition-side side-0" x="1" y="2" width="17" height="12" rx="6" />
                    <rect class="partition-side side-1" x="22" y="2" width="17" height="12" rx="6" />
                </svg>
                { "a partition's sides (shaded): no message crosses between them" }
            </li>
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_lists_pre_votes_only_with_pre_vote_and_snapshots_only_once_one_exists() {
        let plain = LegendProps {
            pre_vote: false,
            snapshots: false,
        };
        assert!(!plain.shows(MessageKind::PreVote));
        assert!(!plain.shows(MessageKind::PreVoteReply));
        assert!(!plain.shows(MessageKind::InstallSnapshot));
        assert!(plain.shows(MessageKind::RequestVote));
        assert!(plain.shows(MessageKind::TimeoutNow));
        let every = LegendProps {
            pre_vote: true,
            snapshots: true,
        };
        assert!(KINDS.iter().all(|(kind, _)| every.shows(*kind)));
    }
}
