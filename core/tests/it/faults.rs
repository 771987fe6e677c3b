//! The network and server faults of the fault lab, each shown doing what it
//! says, with the safety checker on after every event.

use crate::support::{put, Checked, MS};
use raftlab_core::app::Message;
use raftlab_core::raft::{LogIndex, NodeId, Role};
use raftlab_core::sim::{Command, CommandError, EventKind, LinkFaults, Payload};

fn ids(list: &[u32]) -> Vec<NodeId> {
    list.iter().copied().map(NodeId).collect()
}

fn leader_in(c: &Checked, group: &[NodeId]) -> Option<NodeId> {
    group
        .iter()
        .copied()
        .filter(|id| c.sim.node(*id).is_some_and(|n| n.role() == Role::Leader))
        .max_by_key(|id| c.sim.node(*id).map(|n| n.current_term()))
}

#[test]
fn a_partitioned_old_leader_cannot_commit_and_steps_down_after_healing() {
    let mut c = Checked::five(21);
    let old = c.run_until_leader(2_000 * MS);
    let others: Vec<NodeId> = (1..=5).map(NodeId).filter(|id| *id != old).collect();
    let minority = vec![old, others[0]];
    let majority = others[1..].to_vec();
    c.apply(Command::Partition {
        groups: vec![minority.clone(), majority.clone()],
    });
    // A write sent to the old leader is appended there but can never commit.
    let (length, committed) = {
        let node = c.sim.node(old).unwrap();
        (node.log().last_index(), node.commit_index())
    };
    c.apply(Command::ClientRequest {
        client: None,
        target: Some(old),
        op: raftlab_core::kv::Operation::Put {
            key: "k".into(),
            value: "stale".into(),
        },
    });
    c.run_ok(c.sim.now() + 2_000 * MS);
    let stale = c.sim.node(old).unwrap();
    assert_eq!(stale.role(), Role::Leader, "it does not know it is cut off");
    assert_eq!(stale.log().last_index(), length.next());
    assert_eq!(stale.commit_index(), committed, "no majority, no commit");
    let new = leader_in(&c, &majority).expect("the majority elects its own leader");
    assert!(c.sim.node(new).unwrap().current_term() > stale.current_term());
    // The client gave up on the silent old leader and found the new one.
    let done: Vec<_> = c.sim.completed_requests().collect();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].served_by, new, "only the majority's leader answers");

    c.apply(Command::Heal);
    c.run_ok(c.sim.now() + 1_000 * MS);
    let back = c.sim.node(old).unwrap();
    assert_eq!(
        back.role(),
        Role::Follower,
        "it hears the higher term and steps down"
    );
    let logs: Vec<_> = (1..=5)
        .map(|i| c.sim.node(NodeId(i)).unwrap().log().clone())
        .collect();
    assert!(
        logs.windows(2).all(|w| w[0] == w[1]),
        "the stale entry was replaced"
    );
}

#[test]
fn dropped_append_entries_are_retried_until_they_land_and_applied_once() {
    let mut c = crate::support::five_writes_over_lossy_links(22);
    let mut drops = 0;
    let until = c.sim.now() + 10_000 * MS;
    while c.sim.now() < until {
        let Some(record) = c.sim.step() else { break };
        assert!(c.checker.observe(&c.sim, &record).is_empty());
        if matches!(&record.event, EventKind::Dropped(p) if matches!(p.payload, Payload::Raft(Message::AppendEntries(_))))
        {
            drops += 1;
        }
    }
    assert!(drops > 0, "30% loss drops some AppendEntries");
    assert_eq!(
        c.sim.completed_requests().count(),
        5,
        "every write lands anyway"
    );
    let leader = c.sim.leader().unwrap();
    let commit = c.sim.node(leader).unwrap().commit_index();
    for id in 1..=5 {
        let node = c.sim.node(NodeId(id)).unwrap();
        if node.commit_index() == commit {
            assert_eq!(c.sim.kv(NodeId(id)).unwrap().entries().count(), 5, "S{id}");
        }
    }
}

#[test]
fn duplicated_messages_are_harmless_a_log_index_is_applied_once() {
    let mut c = Checked::five(23);
    c.apply(Command::SetNetworkFaults {
        faults: LinkFaults {
            duplicate_per_mille: 500,
            ..LinkFaults::default()
        },
    });
    c.run_until_leader(2_000 * MS);
    for i in 0..5 {
        c.apply(put("k", &i.to_string()));
    }
    let mut duplicates = 0;
    let mut applied = std::collections::BTreeMap::new();
    let until = c.sim.now() + 3_000 * MS;
    while c.sim.now() < until {
        let Some(record) = c.sim.step() else { break };
        assert!(c.checker.observe(&c.sim, &record).is_empty());
        if matches!(&record.event, EventKind::Delivered(p) if p.duplicate) {
            duplicates += 1;
        }
        for (id, entry) in &record.applied {
            *applied.entry((*id, entry.index)).or_insert(0) += 1;
        }
    }
    assert!(duplicates > 10);
    assert!(
        applied.values().all(|&n| n == 1),
        "no server applies an index twice"
    );
    let writes = applied
        .keys()
        .filter(|(id, index)| {
            c.sim
                .node(*id)
                .and_then(|n| n.log().get(*index))
                .is_some_and(|e| e.command.request().is_some())
        })
        .count();
    assert_eq!(writes, 25, "5 writes on 5 servers");
}

#[test]
fn a_paused_leader_is_replaced_and_then_sees_a_burst_and_steps_down() {
    let mut c = Checked::five(24);
    let old = c.run_until_leader(2_000 * MS);
    c.apply(Command::Pause { node: old });
    assert_eq!(
        c.sim.submit(Command::Timeout { node: old }),
        Err(CommandError::Paused(old))
    );
    c.run_ok(c.sim.now() + 2_000 * MS);
    assert!(c.sim.view().node(old).unwrap().paused);
    assert_eq!(
        c.sim.node(old).unwrap().role(),
        Role::Leader,
        "frozen in its old belief"
    );
    let new = c.sim.leader().unwrap();
    assert_ne!(new, old);
    c.apply(Command::Resume { node: old });
    c.run_ok(c.sim.now() + 100 * MS);
    assert_eq!(c.sim.node(old).unwrap().role(), Role::Follower);
    assert_eq!(c.sim.leader(), Some(new));
}

#[test]
fn a_one_way_cut_leaves_the_other_direction_working() {
    let mut c = Checked::five(25);
    let leader = c.run_until_leader(2_000 * MS);
    let follower = (1..=5).map(NodeId).find(|id| *id != leader).unwrap();
    // The follower hears the leader but its replies never arrive.
    c.apply(Command::CutLink {
        from: follower,
        to: leader,
    });
    let length = c.sim.node(leader).unwrap().log().last_index();
    c.apply(put("k", "v"));
    c.run_ok(c.sim.now() + 1_000 * MS);
    assert_eq!(
        c.sim.node(follower).unwrap().log().last_index(),
        length.next()
    );
    let progress = c.sim.node(leader).unwrap().progress();
    let (_, p) = progress.iter().find(|(id, _)| *id == follower).unwrap();
    assert_eq!(p.match_index, LogIndex(0), "the leader never hears back");
    assert_eq!(
        c.sim.completed_requests().count(),
        1,
        "the other three make a majority"
    );
    let view = c.sim.view();
    assert_eq!(view.cut_links, vec![(follower, leader)]);
}

#[test]
fn faults_are_validated_and_partitions_must_not_overlap() {
    let mut c = Checked::five(26);
    let bad = LinkFaults {
        drop_per_mille: 1001,
        ..LinkFaults::default()
    };
    assert_eq!(
        c.sim.submit(Command::SetNetworkFaults { faults: bad }),
        Err(CommandError::InvalidFaults)
    );
    let overlap = Command::Partition {
        groups: vec![ids(&[1, 2]), ids(&[2, 3])],
    };
    assert_eq!(
        c.sim.submit(overlap),
        Err(CommandError::InTwoGroups(NodeId(2)))
    );
    let self_link = Command::CutLink {
        from: NodeId(1),
        to: NodeId(1),
    };
    assert_eq!(
        c.sim.submit(self_link),
        Err(CommandError::SelfLink(NodeId(1)))
    );
    // Unnamed servers form their own group: {1,2} | {3,4,5}.
    c.apply(Command::Partition {
        groups: vec![ids(&[1, 2])],
    });
    assert_eq!(c.sim.view().cut_links.len(), 12);
}

#[test]
fn partial_connectivity_is_expressible_link_by_link() {
    // 1,2,3 fully connected; 4 only to 2; 5 only to 3.
    let mut c = Checked::five(27);
    for (a, b) in [(4, 1), (4, 3), (4, 5), (5, 1), (5, 2)] {
        for (from, to) in [(a, b), (b, a)] {
            c.apply(Command::CutLink {
                from: NodeId(from),
                to: NodeId(to),
            });
        }
    }
    c.run_ok(5_000 * MS);
    assert_eq!(c.sim.view().cut_links.len(), 10);
}

#[test]
fn with_flow_control_under_drops_and_duplicates_every_server_converges() {
    let mut c = Checked::five(28);
    let window = c.sim.config().max_inflight_appends;
    c.apply(Command::SetNetworkFaults {
        faults: LinkFaults {
            drop_per_mille: 200,
            duplicate_per_mille: 300,
            ..LinkFaults::default()
        },
    });
    c.run_until_leader(2_000 * MS);
    for i in 0..30 {
        c.apply(put(&format!("k{}", i % 4), &i.to_string()));
    }
    let until = c.sim.now() + 10_000 * MS;
    while c.sim.now() < until {
        let Some(record) = c.sim.step() else { break };
        assert!(c.checker.observe(&c.sim, &record).is_empty());
        // Lost and copied answers never push a window past its limit.
        if let Some(leader) = c.sim.leader() {
            let progress = c.sim.node(leader).unwrap().progress();
            assert!(progress.iter().all(|(_, p)| p.inflight.len() <= window));
        }
    }
    assert_eq!(c.sim.completed_requests().count(), 30, "every write lands");
    let leader = c.sim.leader().expect("a leader at the end");
    let leader_node = c.sim.node(leader).unwrap();
    let (log, commit) = (leader_node.log().clone(), leader_node.commit_index());
    assert_eq!(commit, log.last_index(), "everything is committed");
    for id in 1..=5 {
        let node = c.sim.node(NodeId(id)).unwrap();
        assert_eq!(node.log(), &log, "S{id} holds the leader's log");
        assert_eq!(node.commit_index(), commit, "S{id} knows it is committed");
    }
}
