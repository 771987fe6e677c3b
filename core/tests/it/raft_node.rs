//! The Raft paper's rules (Figure 2, §5), one test each, on bare `Node`s with a
//! hand-run message queue: no simulator, no time except what the test hands in.

use crate::bare::{
    config, config_with, ctx, entries_carried, options_config, request, stored, Cluster,
    MAX_INFLIGHT, TIMEOUT,
};
use raftlab_core::app::{Input, LogCommand, Message, Node, PersistentState};
use raftlab_core::raft::{
    AppendEntriesReply, LogIndex, NodeId, ProposalOutcome, RaftOptions, RequestVote,
    RequestVoteReply, Role, Term, TransitionCause,
};

#[test]
fn follower_times_out_and_becomes_candidate_in_next_term() {
    let mut c = Cluster::fresh(3);
    let ready = c.input(1, Input::Tick);
    assert!(
        ready.messages.is_empty(),
        "not yet: the deadline has not passed"
    );
    c.now = TIMEOUT;
    let ready = c.input(1, Input::Tick);
    assert_eq!(c.node(1).role(), Role::Candidate);
    assert_eq!(c.node(1).current_term(), Term(1));
    assert_eq!(c.node(1).voted_for(), Some(NodeId(1)), "votes for itself");
    assert_eq!(ready.messages.len(), 2, "asks both peers");
    assert_eq!(ready.transitions[0].cause, TransitionCause::TimesOut);
    let persisted = ready.persist.expect("term and vote are persisted");
    assert_eq!(
        (persisted.current_term, persisted.voted_for),
        (Term(1), Some(NodeId(1)))
    );
}

#[test]
fn candidate_with_majority_becomes_leader_and_sends_heartbeats() {
    let mut c = Cluster::fresh(5);
    c.input(3, Input::ForceTimeout);
    c.deliver_all();
    assert_eq!(c.node(3).role(), Role::Leader);
    for id in [1, 2, 4, 5] {
        assert_eq!(c.node(id).leader_id(), Some(NodeId(3)));
        assert_eq!(c.node(id).current_term(), Term(1));
    }
}

#[test]
fn each_server_votes_for_at_most_one_candidate_per_term() {
    let mut c = Cluster::fresh(3);
    c.input(1, Input::ForceTimeout);
    c.input(2, Input::ForceTimeout);
    // S3 sees S1's request first and votes for it; S2's request in the same term is refused.
    c.queue.retain(|(_, to, _)| *to == NodeId(3));
    c.deliver_all();
    assert_eq!(c.node(3).voted_for(), Some(NodeId(1)));
    assert_eq!(c.node(1).role(), Role::Leader);
    // S2 never gathers a majority, and S1's first heartbeat sends it back to following.
    assert_eq!(c.node(2).role(), Role::Follower);
    assert_eq!(c.node(2).leader_id(), Some(NodeId(1)));
}

#[test]
fn vote_refused_to_a_candidate_whose_log_is_less_up_to_date() {
    // §5.4.1: S1's last entry has term 1, S2's term 2: S2 refuses S1.
    let mut c = Cluster::new(&[stored(2, &[1]), stored(2, &[1, 2]), stored(2, &[1, 2])]);
    c.input(1, Input::ForceTimeout);
    c.deliver_all();
    assert_ne!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).voted_for(), None);
    assert_eq!(c.node(3).voted_for(), None);
    // The up-to-date server can win.
    c.elect(2);
}

#[test]
fn a_higher_term_makes_a_leader_step_down() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    c.input(2, Input::ForceTimeout); // term 2
    c.deliver_all();
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).current_term(), Term(2));
    let last = c.node(1).current_term();
    assert!(last > Term(1));
}

#[test]
fn stale_append_entries_is_refused_with_the_current_term() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    c.input(2, Input::ForceTimeout);
    c.queue.clear();
    // S1 still believes it leads term 1; its heartbeat reaches S2 (term 2).
    c.now = 50_000;
    c.input(1, Input::Tick);
    let (_, _, heartbeat) = c
        .queue
        .iter()
        .find(|(_, to, _)| *to == NodeId(2))
        .cloned()
        .unwrap();
    c.queue.clear();
    c.input(
        2,
        Input::Message {
            from: NodeId(1),
            message: heartbeat,
        },
    );
    let (_, _, reply) = c.queue.pop_front().unwrap();
    assert!(matches!(
        reply,
        Message::AppendEntriesReply(AppendEntriesReply {
            term: Term(2),
            success: false,
            ..
        })
    ));
}

#[test]
fn proposals_on_a_follower_are_redirected_to_the_leader() {
    let mut c = Cluster::fresh(3);
    c.elect(2);
    let ready = c.input(1, Input::propose(request(1)));
    assert_eq!(
        ready.proposal,
        Some(ProposalOutcome::NotLeader {
            leader_hint: Some(NodeId(2))
        })
    );
}

#[test]
fn an_entry_commits_once_a_majority_stores_it_and_followers_learn_it() {
    let mut c = Cluster::fresh(5);
    c.elect(1);
    let ready = c.input(1, Input::propose(request(1)));
    assert!(matches!(
        ready.proposal,
        Some(ProposalOutcome::Accepted {
            index: LogIndex(1),
            ..
        })
    ));
    assert_eq!(c.node(1).commit_index(), LogIndex(0));
    // Only S2 and S3 receive it: with the leader, that is 3 of 5.
    c.queue
        .retain(|(_, to, _)| [NodeId(2), NodeId(3)].contains(to));
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), LogIndex(1));
    assert_eq!(c.node(4).log().last_index(), LogIndex(0));
    // The next heartbeat carries leaderCommit (and the entry to S4, S5).
    c.now = 50_000;
    c.input(1, Input::Tick);
    c.deliver_all();
    for id in 2..=5 {
        assert_eq!(c.node(id).commit_index(), LogIndex(1), "S{id}");
    }
}

#[test]
fn leader_sends_several_entries_in_one_append_entries() {
    // Writes arriving while the flow-control window is full wait, and the
    // batch that the first acknowledgment frees carries them together.
    let mut c = Cluster::fresh(3);
    c.elect(1);
    for seq in 1..=MAX_INFLIGHT as u64 + 3 {
        c.input(1, Input::propose(request(seq)));
    }
    let mut largest = 0;
    while let Some((_, _, message)) = c.deliver_one() {
        largest = largest.max(entries_carried(&message));
    }
    assert_eq!(largest, 3);
    assert_eq!(
        c.node(3).log().last_index(),
        LogIndex(MAX_INFLIGHT as u64 + 3)
    );
}

#[test]
fn follower_rejects_on_prev_log_mismatch_and_leader_backs_off_until_logs_match() {
    // S1 (term 3 leader to be) has [1,1,3]; S2 has [1,2,2,2] from a deposed leader.
    let mut c = Cluster::new(&[
        stored(3, &[1, 1, 3]),
        stored(2, &[1, 2, 2, 2]),
        stored(3, &[1, 1, 3]),
    ]);
    c.elect(1);
    c.input(1, Input::propose(request(9)));
    c.deliver_all();
    let terms: Vec<u64> = c.node(2).log().entries().map(|e| e.term.0).collect();
    assert_eq!(
        terms,
        vec![1, 1, 3, 4],
        "conflicting entries replaced by the leader's"
    );
    let progress = c.node(1).progress();
    assert_eq!(progress[0].1.match_index, LogIndex(4));
    assert_eq!(progress[0].1.next_index, LogIndex(5));
}

#[test]
fn leader_never_commits_an_earlier_term_entry_by_counting_replicas() {
    // Figure 8: S1 leads term 4 holding an entry of term 2 that every server stores.
    let mut c = Cluster::new(&[stored(3, &[1, 2]), stored(3, &[1, 2]), stored(3, &[1, 2])]);
    c.elect(1);
    c.now = 50_000;
    c.input(1, Input::Tick);
    c.deliver_all();
    assert!(c
        .node(1)
        .progress()
        .iter()
        .all(|(_, p)| p.match_index == LogIndex(2)));
    assert_eq!(
        c.node(1).commit_index(),
        LogIndex(0),
        "index 2 is on all, yet not committed"
    );
    // An entry of the leader's own term commits it, and everything before it.
    c.input(1, Input::propose(request(3)));
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), LogIndex(3));
}

#[test]
fn duplicate_and_late_append_entries_change_nothing() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    c.input(1, Input::propose(request(1)));
    let copies: Vec<_> = c.queue.iter().cloned().collect();
    c.deliver_all();
    c.input(1, Input::propose(request(2)));
    c.deliver_all();
    // The first AppendEntries arrives again, late.
    for (from, to, m) in copies {
        c.input(to.0, Input::Message { from, message: m });
    }
    c.deliver_all();
    for id in 1..=3 {
        assert_eq!(
            c.node(id).log().last_index(),
            LogIndex(2),
            "S{id} keeps both entries"
        );
    }
}

#[test]
fn persistent_state_survives_a_restart_and_volatile_state_does_not() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    c.input(1, Input::propose(request(1)));
    c.deliver_all();
    c.now = 50_000;
    c.input(1, Input::Tick);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), LogIndex(1));
    let disk = c.storage[&NodeId(2)].clone();
    assert_eq!(disk.current_term, Term(1));
    assert_eq!(disk.voted_for, Some(NodeId(1)));
    assert_eq!(disk.log.last_index(), LogIndex(1));
    let restarted = Node::restart(config(2, 3), &disk, ctx(60_000));
    assert_eq!(restarted.current_term(), Term(1));
    assert_eq!(restarted.voted_for(), Some(NodeId(1)));
    assert_eq!(restarted.log(), c.node(2).log());
    assert_eq!(
        restarted.commit_index(),
        LogIndex(0),
        "commitIndex is volatile"
    );
    assert_eq!(restarted.role(), Role::Follower);
}

#[test]
fn single_server_cluster_elects_itself_and_commits_alone() {
    let mut c = Cluster::fresh(1);
    c.elect(1);
    let ready = c.input(1, Input::propose(request(1)));
    assert_eq!(c.node(1).commit_index(), LogIndex(1));
    assert_eq!(
        ready.committed.len(),
        1,
        "handed to the state machine at once"
    );
}

#[test]
fn a_duplicated_success_reply_does_not_send_the_next_batch_twice() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    for seq in 1..=20 {
        c.input(1, Input::propose(request(seq)));
    }
    c.queue.clear();
    let term = c.node(1).current_term();
    let reply = Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: true,
        index: LogIndex(2),
        conflict: None,
        round: 1,
    });
    let first = c.input(
        1,
        Input::Message {
            from: NodeId(2),
            message: reply.clone(),
        },
    );
    assert_eq!(first.messages.len(), 1, "the reply asks for the next batch");
    let duplicate = c.input(
        1,
        Input::Message {
            from: NodeId(2),
            message: reply,
        },
    );
    assert!(
        duplicate.messages.is_empty(),
        "a copy of the same reply sends nothing: {:?}",
        duplicate.messages
    );
}

#[test]
fn a_new_leaders_no_op_commits_the_entries_of_earlier_terms_at_once() {
    // Thesis §6.4: the same Figure 8 state, with the no-op switched on.
    let logs = [stored(3, &[1, 2]), stored(3, &[1, 2]), stored(3, &[1, 2])];
    let mut c = Cluster::new(&logs);
    for (i, log) in logs.iter().enumerate() {
        let id = i as u32 + 1;
        c.nodes.insert(
            NodeId(id),
            Node::restart(config_with(id, 3, true), log, ctx(0)),
        );
    }
    c.elect(1);
    let leader = c.node(1);
    let noop = leader
        .log()
        .get(LogIndex(3))
        .expect("the no-op is appended");
    assert_eq!(noop.term, leader.current_term());
    assert_eq!(noop.command, LogCommand::Noop);
    assert_eq!(
        leader.commit_index(),
        LogIndex(3),
        "the no-op committed, and with it index 2 of term 2"
    );
    c.now = 50_000;
    c.input(1, Input::Tick);
    c.deliver_all();
    assert_eq!(c.node(3).commit_index(), LogIndex(3), "followers learn it");
}

/// Rejections the leader S1 receives while repairing S2's log, with or
/// without conflict hints. S1 leads term 8 with the log of the paper's
/// Figure 7; S2 holds three matching entries, then five of a term S1 never had.
fn rejections_while_repairing(fast_backtracking: bool) -> usize {
    let leader_log = stored(7, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6]);
    let follower_log = stored(7, &[1, 1, 1, 2, 2, 2, 2, 2]);
    let options = RaftOptions {
        noop_on_election: false,
        fast_backtracking,
        ..RaftOptions::default()
    };
    let mut c = Cluster::new(&[leader_log.clone(), follower_log.clone(), leader_log.clone()]);
    for (id, log) in [(1, &leader_log), (2, &follower_log), (3, &leader_log)] {
        c.nodes.insert(
            NodeId(id),
            Node::restart(options_config(id, 3, options), log, ctx(0)),
        );
    }
    c.input(1, Input::ForceTimeout);
    let mut rejections = 0;
    while let Some((from, to, message)) = c.queue.pop_front() {
        if matches!(
            message,
            Message::AppendEntriesReply(AppendEntriesReply { success: false, .. })
        ) {
            rejections += 1;
        }
        c.input(to.0, Input::Message { from, message });
    }
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).log(), c.node(1).log(), "S2's log is repaired");
    rejections
}

#[test]
fn without_hints_the_leader_backs_off_one_entry_per_rejection() {
    // nextIndex walks from 11 down to 4: seven rejections.
    assert_eq!(rejections_while_repairing(false), 7);
}

#[test]
fn with_conflict_hints_the_leader_skips_a_whole_term_per_rejection() {
    // "Too short: my log ends at 8", then "term 2 starts at 4": two rejections.
    assert_eq!(rejections_while_repairing(true), 2);
}

#[test]
fn with_check_quorum_a_server_that_just_heard_the_leader_ignores_a_request_vote() {
    let options = RaftOptions {
        check_quorum: true,
        ..RaftOptions::default()
    };
    let mut c = Cluster::fresh(3);
    for id in 1..=3 {
        c.nodes.insert(
            NodeId(id),
            Node::restart(
                options_config(id, 3, options),
                &PersistentState::default(),
                ctx(0),
            ),
        );
    }
    c.elect(1);
    let term = c.node(1).current_term();
    let disruptive = || Input::Message {
        from: NodeId(3),
        message: Message::RequestVote(RequestVote {
            term: Term(term.0 + 5),
            candidate: NodeId(3),
            last_log_index: LogIndex(9),
            last_log_term: Term(term.0 + 4),
            pre_vote: false,
            transfer: false,
        }),
    };
    // Within the minimum election timeout of the leader's heartbeat.
    c.now = TIMEOUT / 2;
    let ignored = c.input(2, disruptive());
    assert!(ignored.messages.is_empty(), "no answer at all");
    assert_eq!(c.node(2).current_term(), term, "and no new term");
    // Once the leader has been silent that long, the request counts.
    c.now = TIMEOUT + 1;
    let answered = c.input(2, disruptive());
    assert_eq!(c.node(2).current_term(), Term(term.0 + 5));
    assert!(matches!(
        answered.messages.as_slice(),
        [(
            _,
            Message::RequestVoteReply(RequestVoteReply {
                vote_granted: true,
                ..
            })
        )]
    ));
}
