//! The two RPCs of the Raft paper's Figure 2 and their replies, with
//! TimeoutNow and InstallSnapshot from the thesis. Each message lists its
//! own fields (`fields`, for the page's inspector) and says itself in a few
//! words (`summary`, for the journal), so nothing else takes one apart.

use super::application::Application;
use super::log::Entry;
use super::snapshot::Snapshot;
use super::types::{LogIndex, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A message between two Raft servers. Every message carries its sender's term (§5.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Message<A: Application> {
    /// A candidate asks for a vote (§5.2), or a pre-candidate whether it
    /// would get one (thesis §9.6).
    RequestVote(RequestVote),
    /// The answer to a RequestVote.
    RequestVoteReply(RequestVoteReply),
    /// The leader replicates entries, or sends none as a heartbeat (§5.3).
    AppendEntries(AppendEntries<A>),
    /// The answer to an AppendEntries (or an InstallSnapshot).
    AppendEntriesReply(AppendEntriesReply),
    /// A leader handing over: the receiver starts an election at once
    /// (thesis §3.10).
    TimeoutNow(TimeoutNow),
    /// The leader sends its snapshot to a follower that needs entries it
    /// has compacted away (thesis §5.1).
    InstallSnapshot(InstallSnapshot<A>),
}

/// A candidate asks for a vote (§5.2), or, with `pre_vote`, a pre-candidate
/// asks whether it would get one (thesis §9.6).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestVote {
    /// The candidate's term; for a pre-vote, the term it would campaign in.
    pub term: Term,
    /// The candidate asking.
    pub candidate: NodeId,
    /// Index of the candidate's last log entry (§5.4.1).
    pub last_log_index: LogIndex,
    /// Term of the candidate's last log entry (§5.4.1).
    pub last_log_term: Term,
    /// A pre-vote: nobody changes term or vote because of it.
    pub pre_vote: bool,
    /// The election a leader asked for by TimeoutNow: voters honour it
    /// even while they hear from that leader (no stickiness).
    pub transfer: bool,
}

/// The answer to a [`RequestVote`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RequestVoteReply {
    /// The voter's current term, for the candidate to update itself (for
    /// a granted pre-vote, the term asked about).
    pub term: Term,
    /// True means the candidate received this vote.
    pub vote_granted: bool,
    /// The answer to a pre-vote.
    pub pre_vote: bool,
}

/// The leader replicates entries, or sends none as a heartbeat (§5.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct AppendEntries<A: Application> {
    /// The leader's term.
    pub term: Term,
    /// So followers can redirect clients.
    pub leader: NodeId,
    /// Index of the entry immediately preceding the new ones.
    pub prev_log_index: LogIndex,
    /// Term of the entry at `prev_log_index`.
    pub prev_log_term: Term,
    /// Entries to store; empty for a heartbeat.
    pub entries: Vec<Entry<A>>,
    /// The leader's commitIndex.
    pub leader_commit: LogIndex,
    /// The leader's heartbeat round, echoed in the reply, so the leader
    /// knows which of its rounds a majority answered (ReadIndex, leases).
    pub round: u64,
}

/// The answer to an [`AppendEntries`] or an [`InstallSnapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppendEntriesReply {
    /// The follower's current term, for the leader to update itself.
    pub term: Term,
    /// True if the follower held an entry matching `prev_log_index` and `prev_log_term`.
    pub success: bool,
    /// On success, the last index the follower now shares with the leader
    /// (`prev_log_index` + number of entries); on rejection, the
    /// `prev_log_index` that did not match. Replies may arrive late or
    /// twice, so the leader reasons from this rather than from what it sent last.
    pub index: LogIndex,
    /// On rejection with fast backtracking on, where the leader should
    /// look next, so it skips a whole term per round trip.
    pub conflict: Option<ConflictHint>,
    /// The round of the AppendEntries this answers.
    pub round: u64,
}

/// A leader handing over: the receiver starts an election at once
/// (thesis §3.10).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeoutNow {
    /// The leader's term.
    pub term: Term,
}

/// The leader sends its snapshot to a follower that needs entries it has
/// compacted away (thesis §5.1, the paper's InstallSnapshot, sent whole
/// rather than in chunks). Answered by an [`AppendEntriesReply`] whose
/// `index` is the snapshot's.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct InstallSnapshot<A: Application> {
    /// The leader's term.
    pub term: Term,
    /// So followers can redirect clients.
    pub leader: NodeId,
    /// The snapshot, shared rather than copied.
    pub snapshot: Arc<Snapshot<A>>,
    /// The leader's heartbeat round, echoed in the reply.
    pub round: u64,
}

/// Why a follower's log did not match `prev_log_index`, so the leader can
/// skip all of a conflicting term at once (the optimization sketched at the
/// end of §5.3 of the Raft paper).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConflictHint {
    /// The term of the follower's entry at `prev_log_index`, or `None` when
    /// its log is shorter than that.
    pub term: Option<Term>,
    /// The first index the follower holds of that term, or, for a short log,
    /// one past its last entry.
    pub first_index: LogIndex,
}

/// What kind of message this is, with heartbeats told apart from AppendEntries
/// that carry entries. Used by the view and the page's `data-msg-kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// [`Message::RequestVote`].
    RequestVote,
    /// [`Message::RequestVoteReply`].
    RequestVoteReply,
    /// [`Message::AppendEntries`] carrying at least one entry.
    AppendEntries,
    /// [`Message::AppendEntries`] carrying no entries.
    Heartbeat,
    /// [`Message::AppendEntriesReply`].
    AppendEntriesReply,
    /// A client's request to a server (not a Raft message; see the simulator).
    ClientRequest,
    /// A server's reply to a client (not a Raft message; see the simulator).
    ClientReply,
    /// [`Message::RequestVote`] as a pre-vote.
    PreVote,
    /// [`Message::RequestVoteReply`] to a pre-vote.
    PreVoteReply,
    /// [`Message::TimeoutNow`].
    TimeoutNow,
    /// [`Message::InstallSnapshot`].
    InstallSnapshot,
}

impl MessageKind {
    /// Every kind, in declaration order.
    pub const ALL: [MessageKind; 11] = [
        MessageKind::RequestVote,
        MessageKind::RequestVoteReply,
        MessageKind::AppendEntries,
        MessageKind::Heartbeat,
        MessageKind::AppendEntriesReply,
        MessageKind::ClientRequest,
        MessageKind::ClientReply,
        MessageKind::PreVote,
        MessageKind::PreVoteReply,
        MessageKind::TimeoutNow,
        MessageKind::InstallSnapshot,
    ];

    /// The kind whose [`MessageKind::as_str`] name is `name`.
    pub fn from_name(name: &str) -> Option<MessageKind> {
        MessageKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// The kebab-case name used in the page's `data-msg-kind` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "request-vote",
            MessageKind::RequestVoteReply => "request-vote-reply",
            MessageKind::AppendEntries => "append-entries",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::AppendEntriesReply => "append-entries-reply",
            MessageKind::ClientRequest => "client-request",
            MessageKind::ClientReply => "client-reply",
            MessageKind::PreVote => "pre-vote",
            MessageKind::PreVoteReply => "pre-vote-reply",
            MessageKind::TimeoutNow => "timeout-now",
            MessageKind::InstallSnapshot => "install-snapshot",
        }
    }
}

impl RequestVote {
    /// Every field, named as in Figure 2, for an inspector.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("term", self.term.to_string()),
            ("candidateId", self.candidate.to_string()),
            ("lastLogIndex", self.last_log_index.to_string()),
            ("lastLogTerm", self.last_log_term.to_string()),
            ("preVote", self.pre_vote.to_string()),
            ("leadershipTransfer", self.transfer.to_string()),
        ]
    }

    /// The request in a few words, for the journal.
    pub fn summary(&self) -> String {
        let name = if self.pre_vote {
            "PreVote"
        } else {
            "RequestVote"
        };
        format!("{name} for term {}", self.term)
    }
}

impl RequestVoteReply {
    /// Every field, named as in Figure 2, for an inspector.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("term", self.term.to_string()),
            ("voteGranted", self.vote_granted.to_string()),
            ("preVote", self.pre_vote.to_string()),
        ]
    }

    /// The answer in a few words, for the journal.
    pub fn summary(&self) -> String {
        let what = if self.pre_vote { "pre-vote" } else { "vote" };
        let answer = if self.vote_granted {
            "granted"
        } else {
            "refused"
        };
        format!("{what} {answer} (term {})", self.term)
    }
}

impl<A: Application> AppendEntries<A> {
    /// Every field, named as in Figure 2, for an inspector; each entry as
    /// `index:tterm command`.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let entries = self
            .entries
            .iter()
            .map(|e| format!("{}:t{} {}", e.index, e.term, e.command))
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            ("term", self.term.to_string()),
            ("leaderId", self.leader.to_string()),
            ("prevLogIndex", self.prev_log_index.to_string()),
            ("prevLogTerm", self.prev_log_term.to_string()),
            ("entries", entries),
            ("leaderCommit", self.leader_commit.to_string()),
            ("round", self.round.to_string()),
        ]
    }

    /// The request in a few words, for the journal: a heartbeat, or how
    /// many entries go after which one.
    pub fn summary(&self) -> String {
        let (term, commit) = (self.term, self.leader_commit);
        if self.entries.is_empty() {
            return format!("heartbeat, term {term}, commit {commit}");
        }
        let count = self.entries.len();
        let plural = if count == 1 { "y" } else { "ies" };
        let (prev_index, prev_term) = (self.prev_log_index, self.prev_log_term);
        format!(
            "AppendEntries of {count} entr{plural} after {prev_index}/t{prev_term}, term {term}, commit {commit}"
        )
    }
}

impl AppendEntriesReply {
    /// Every field, named as in Figure 2, for an inspector: the index is
    /// called by what it means, and the conflict hint shows only if sent.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let index_name = if self.success {
            "matchIndex"
        } else {
            "rejectedPrevLogIndex"
        };
        let mut fields = vec![
            ("term", self.term.to_string()),
            ("success", self.success.to_string()),
            (index_name, self.index.to_string()),
        ];
        if let Some(hint) = self.conflict {
            let term = hint
                .term
                .map_or("none (log too short)".to_owned(), |t| t.to_string());
            fields.push(("conflictTerm", term));
            fields.push(("conflictIndex", hint.first_index.to_string()));
        }
        fields.push(("round", self.round.to_string()));
        fields
    }

    /// The answer in a few words, for the journal.
    pub fn summary(&self) -> String {
        if self.success {
            format!("AppendEntries ok, matches up to {}", self.index)
        } else {
            format!("AppendEntries rejected at {}", self.index)
        }
    }
}

impl TimeoutNow {
    /// Every field, for an inspector.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![("term", self.term.to_string())]
    }

    /// The request in a few words, for the journal.
    pub fn summary(&self) -> String {
        format!("TimeoutNow, term {}", self.term)
    }
}

impl<A: Application> InstallSnapshot<A> {
    /// Every field, named as in the paper's InstallSnapshot (Figure 13),
    /// with what the application shows of the snapshot's state.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let snapshot = &self.snapshot;
        let mut fields = vec![
            ("term", self.term.to_string()),
            ("leaderId", self.leader.to_string()),
            ("lastIncludedIndex", snapshot.index.to_string()),
            ("lastIncludedTerm", snapshot.term.to_string()),
            ("configuration", snapshot.membership.to_string()),
        ];
        fields.extend(A::state_fields(&snapshot.state));
        fields.push(("round", self.round.to_string()));
        fields
    }

    /// The request in a few words, for the journal.
    pub fn summary(&self) -> String {
        let snapshot = &self.snapshot;
        format!(
            "InstallSnapshot up to {}/t{}",
            snapshot.index, snapshot.term
        )
    }
}

impl<A: Application> Message<A> {
    /// True for a message whose term must not make its receiver adopt it
    /// (§5.1 does not apply): a pre-vote request, and a granted pre-vote
    /// reply, which carries the term asked about.
    pub fn is_term_neutral(&self) -> bool {
        match self {
            Message::RequestVote(request) => request.pre_vote,
            Message::RequestVoteReply(reply) => reply.pre_vote && reply.vote_granted,
            _ => false,
        }
    }

    /// For a vote or pre-vote reply, whether it grants the vote; `None` for
    /// every other message.
    pub fn vote_granted(&self) -> Option<bool> {
        match self {
            Message::RequestVoteReply(reply) => Some(reply.vote_granted),
            _ => None,
        }
    }

    /// The sender's term.
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote(RequestVote { term, .. })
            | Message::RequestVoteReply(RequestVoteReply { term, .. })
            | Message::AppendEntries(AppendEntries { term, .. })
            | Message::AppendEntriesReply(AppendEntriesReply { term, .. })
            | Message::TimeoutNow(TimeoutNow { term })
            | Message::InstallSnapshot(InstallSnapshot { term, .. }) => *term,
        }
    }

    /// Every field of the message, named as in the Raft paper's Figure 2,
    /// for an inspector (each RPC lists its own).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Message::RequestVote(request) => request.fields(),
            Message::RequestVoteReply(reply) => reply.fields(),
            Message::AppendEntries(append) => append.fields(),
            Message::AppendEntriesReply(reply) => reply.fields(),
            Message::TimeoutNow(timeout) => timeout.fields(),
            Message::InstallSnapshot(install) => install.fields(),
        }
    }

    /// The message in a few words (its kind and the fields that matter
    /// most), for the journal.
    pub fn summary(&self) -> String {
        match self {
            Message::RequestVote(request) => request.summary(),
            Message::RequestVoteReply(reply) => reply.summary(),
            Message::AppendEntries(append) => append.summary(),
            Message::AppendEntriesReply(reply) => reply.summary(),
            Message::TimeoutNow(timeout) => timeout.summary(),
            Message::InstallSnapshot(install) => install.summary(),
        }
    }

    /// The message's kind.
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote(request) if request.pre_vote => MessageKind::PreVote,
            Message::RequestVote(_) => MessageKind::RequestVote,
            Message::RequestVoteReply(reply) if reply.pre_vote => MessageKind::PreVoteReply,
            Message::RequestVoteReply(_) => MessageKind::RequestVoteReply,
            Message::AppendEntries(append) if append.entries.is_empty() => MessageKind::Heartbeat,
            Message::AppendEntries(_) => MessageKind::AppendEntries,
            Message::AppendEntriesReply(_) => MessageKind::AppendEntriesReply,
            Message::TimeoutNow(_) => MessageKind::TimeoutNow,
            Message::InstallSnapshot(_) => MessageKind::InstallSnapshot,
        }
    }
}
