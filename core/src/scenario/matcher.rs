//! Which moment of a run a step waits for: an [`EventMatcher`] read from a
//! file, asked of each journal entry in turn.

use crate::journal::JournalEntry;
use crate::raft::{MessageKind, NodeId, Role};

/// Which moment of the run a step waits for: every part given must hold.
/// In a file: `{"kind": "election", "node": 3, "to": "leader", "message":
/// "append-entries", "text_contains": "drops"}`, any of them left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventMatcher {
    /// The kind of moment.
    pub kind: Option<MomentKind>,
    /// The server it concerns: for `election` the one that became leader,
    /// for `role` one that changed role, for `commit` the leader that
    /// committed; otherwise any server the step involved.
    pub node: Option<NodeId>,
    /// A role some server changed to in the step (with `node`, that server).
    pub to: Option<Role>,
    /// The kind of message the step delivered, dropped or lost.
    pub message: Option<MessageKind>,
    /// Words the journal entry's text contains (as the event log shows it,
    /// e.g. `"drops"`, `"applies entry 3"`).
    pub text_contains: Option<String>,
}

/// The marks of a journal entry an [`EventMatcher`] can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MomentKind {
    /// `"election"`: a server became leader.
    Election,
    /// `"commit"`: the leader applied (so committed) entries.
    Commit,
    /// `"violation"`: a checker found a safety property broken.
    Violation,
    /// `"role"`: some server changed role.
    Role,
    /// `"input"`: one of the scenario's inputs.
    Input,
    /// `"message"`: a message ended its flight (delivered, dropped, lost, held).
    Message,
}

impl MomentKind {
    /// Every kind, for names and error messages.
    pub const ALL: [MomentKind; 6] = [
        MomentKind::Election,
        MomentKind::Commit,
        MomentKind::Violation,
        MomentKind::Role,
        MomentKind::Input,
        MomentKind::Message,
    ];

    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::Election => "election",
            MomentKind::Commit => "commit",
            MomentKind::Violation => "violation",
            MomentKind::Role => "role",
            MomentKind::Input => "input",
            MomentKind::Message => "message",
        }
    }

    /// The kind written `name` in files.
    pub fn from_name(name: &str) -> Option<MomentKind> {
        MomentKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl EventMatcher {
    /// Does the step this journal entry describes match?
    pub fn matches(&self, entry: &JournalEntry) -> bool {
        let marks = entry.marks;
        let kind_holds = match self.kind {
            None => true,
            Some(MomentKind::Election) => marks.election,
            Some(MomentKind::Commit) => marks.commit,
            Some(MomentKind::Violation) => marks.violation,
            Some(MomentKind::Role) => marks.role_change,
            Some(MomentKind::Input) => marks.input,
            Some(MomentKind::Message) => entry.flight.is_some(),
        };
        let changed = |id: NodeId, role: Option<Role>| {
            entry
                .transitions
                .iter()
                .any(|(who, t)| *who == id && role.is_none_or(|r| t.to == r))
        };
        let node_holds = match (self.node, self.kind) {
            (None, _) => true,
            (Some(id), Some(MomentKind::Election)) => changed(id, Some(Role::Leader)),
            (Some(id), Some(MomentKind::Role)) => changed(id, self.to),
            (Some(id), Some(MomentKind::Commit)) => {
                entry.leader_commit.is_some_and(|(leader, _)| leader == id)
            }
            (Some(id), _) => entry.nodes.contains(&id),
        };
        let to_holds = self.to.is_none_or(|role| match self.node {
            Some(id) => changed(id, Some(role)),
            None => entry.transitions.iter().any(|(_, t)| t.to == role),
        });
        let message_holds = self
            .message
            .is_none_or(|kind| entry.flight.as_ref().is_some_and(|f| f.kind == kind));
        let text_holds = self
            .text_contains
            .as_ref()
            .is_none_or(|words| entry.text.contains(words.as_str()));
        kind_holds && node_holds && to_holds && message_holds && text_holds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_in_files_reads_back_to_its_value() {
        for kind in MomentKind::ALL {
            assert_eq!(MomentKind::from_name(kind.as_str()), Some(kind));
        }
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
        }
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(
            Role::from_name("Leader"),
            None,
            "files use the lower-case names"
        );
    }
}
