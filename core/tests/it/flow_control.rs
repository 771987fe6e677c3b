//! Flow control, as etcd raft's progress states: a leader probes a follower
//! whose log it has not matched with one AppendEntries at a time, then
//! streams batches with at most `max_inflight_appends` unacknowledged, and
//! finds its way back when a batch or an answer is lost. On bare `Node`s with
//! a hand-run message queue.

use crate::bare::{entries_carried, request, Cluster, HEARTBEAT, MAX_ENTRIES, MAX_INFLIGHT};
use raftlab_core::app::{AppendEntries, Input, Message};
use raftlab_core::raft::{AppendEntriesReply, LogIndex, NodeId, ProgressState};

#[test]
fn a_probing_leader_sends_one_append_entries_per_heartbeat_to_a_follower_it_has_not_matched() {
    let mut c = Cluster::fresh(3);
    c.crash(2);
    c.elect(1);
    assert_eq!(c.progress(1, 2).state, ProgressState::Probe);
    assert_eq!(c.progress(1, 3).state, ProgressState::Replicate);
    // A write every 10 ms for five heartbeat intervals; S2 never answers.
    let mut probes = Vec::new();
    for step in 0..25 {
        c.now = step * 10_000;
        let proposed = c.input(1, Input::propose(request(step + 1)));
        let ticked = c.input(1, Input::Tick);
        for (to, message) in proposed.messages.iter().chain(&ticked.messages) {
            // Empty heartbeats keep S2 from starting elections; they are not probes.
            if *to == NodeId(2) && entries_carried(message) > 0 {
                if let Message::AppendEntries(AppendEntries { prev_log_index, .. }) = message {
                    probes.push((c.now, *prev_log_index));
                }
            }
        }
        c.deliver_all();
    }
    // The election's probe went at 0; then one per interval, each from where
    // the leader still believes the logs may agree.
    let expected: Vec<_> = (1..=4).map(|k| (k * HEARTBEAT, LogIndex(0))).collect();
    assert_eq!(probes, expected);
    assert_eq!(c.progress(1, 2).state, ProgressState::Probe);
    assert_eq!(
        c.node(3).log(),
        c.node(1).log(),
        "S3 is streamed every write"
    );
}

#[test]
fn a_replicating_leader_keeps_at_most_max_inflight_batches_unacknowledged() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    assert_eq!(c.progress(1, 2).state, ProgressState::Replicate);
    for seq in 1..=20 {
        c.input(1, Input::propose(request(seq)));
    }
    assert_eq!(
        c.queued_batches_to(2),
        MAX_INFLIGHT,
        "one batch per write until the window is full, then heartbeats only"
    );
    let progress = c.progress(1, 2);
    assert_eq!(progress.inflight.len(), MAX_INFLIGHT);
    assert_eq!(progress.next_index, LogIndex(MAX_INFLIGHT as u64 + 1));
    // Each acknowledgment frees a slot for the next batch, and the window
    // never grows past the limit.
    while c.deliver_one().is_some() {
        assert!(c.queued_batches_to(2) <= MAX_INFLIGHT);
        assert!(c.progress(1, 2).inflight.len() <= MAX_INFLIGHT);
    }
    assert_eq!(c.node(2).log(), c.node(1).log());
    assert_eq!(c.progress(1, 2).match_index, LogIndex(20));
    assert!(c.progress(1, 2).inflight.is_empty());
}

#[test]
fn a_lagging_follower_is_not_flooded() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    c.crash(3);
    for seq in 1..=100 {
        c.input(1, Input::propose(request(seq)));
        c.deliver_all();
    }
    // While S3 is down its batches go unanswered and the leader falls back
    // to probing it, once per heartbeat.
    for _ in 0..3 {
        c.now += HEARTBEAT;
        c.input(1, Input::Tick);
        c.deliver_all();
    }
    assert_eq!(c.progress(1, 3).state, ProgressState::Probe);
    c.restart(3);
    // Clients keep writing while S3 catches up. A round is 10 ms: one hop
    // of the network and one new write.
    let (mut batches, mut entries_sent, mut rounds) = (0, 0, 0);
    while c.node(3).log() != c.node(1).log() {
        rounds += 1;
        assert!(rounds < 100, "S3 catches up");
        c.now += 10_000;
        c.input(1, Input::propose(request(100 + rounds)));
        c.input(1, Input::Tick);
        assert!(c.queued_batches_to(3) <= MAX_INFLIGHT);
        assert!(c.progress(1, 3).inflight.len() <= MAX_INFLIGHT);
        for (_, to, message) in &c.queue {
            if *to == NodeId(3) && entries_carried(message) > 0 {
                batches += 1;
                entries_sent += entries_carried(message);
            }
        }
        c.deliver_queued();
    }
    let needed = c.node(3).log().last_index().0 as usize;
    assert_eq!(entries_sent, needed, "no entry is sent to S3 twice");
    // Full batches for the backlog, and at worst one more per new write.
    let backlog_batches = 100usize.div_ceil(MAX_ENTRIES);
    assert!(
        batches <= backlog_batches + rounds as usize,
        "{batches} batches in {rounds} rounds"
    );
}

#[test]
fn a_rejection_drops_the_follower_back_to_probe() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    for seq in 1..=3 {
        c.input(1, Input::propose(request(seq)));
    }
    // The first batch to S2 is lost: S2 refuses the next two, whose
    // prevLogIndex it lacks.
    let lost = c
        .queue
        .iter()
        .position(|(_, to, m)| *to == NodeId(2) && entries_carried(m) > 0)
        .expect("a batch for S2");
    c.queue.remove(lost);
    let mut rejections = 0;
    while let Some((from, _, message)) = c.queue.front().cloned() {
        let before = c.progress(1, 2);
        c.deliver_one();
        if from != NodeId(2)
            || !matches!(
                message,
                Message::AppendEntriesReply(AppendEntriesReply { success: false, .. })
            )
        {
            continue;
        }
        rejections += 1;
        let after = c.progress(1, 2);
        if rejections == 1 {
            assert_eq!(after.state, ProgressState::Probe);
            assert_eq!(
                after.next_index,
                LogIndex(1),
                "back off to the rejected index"
            );
            assert!(after.inflight.is_empty());
        } else {
            assert_eq!(after, before, "a late rejection changes nothing");
        }
    }
    assert_eq!(rejections, 2);
    assert_eq!(c.node(2).log(), c.node(1).log(), "the probe repaired S2");
    assert_eq!(c.progress(1, 2).state, ProgressState::Replicate);
    assert_eq!(c.progress(1, 2).match_index, LogIndex(3));
}

#[test]
fn a_lost_acknowledgment_does_not_stall_replication() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    for seq in 1..=10 {
        c.input(1, Input::propose(request(seq)));
    }
    // S2 stores the first window of batches, but every answer it sends is lost.
    while let Some((from, to, message)) = c.queue.pop_front() {
        if from != NodeId(2) {
            c.queue.push_front((from, to, message));
            c.deliver_one();
        }
    }
    assert_eq!(c.node(2).log().last_index(), LogIndex(MAX_INFLIGHT as u64));
    let wedged = c.progress(1, 2);
    assert_eq!(wedged.inflight.len(), MAX_INFLIGHT, "the window is full");
    assert_eq!(wedged.match_index, LogIndex(0));
    // Within a heartbeat interval of silence the leader probes from
    // matchIndex + 1 and streams the rest.
    for _ in 0..3 {
        c.now += HEARTBEAT;
        c.input(1, Input::Tick);
        c.deliver_all();
    }
    assert_eq!(c.node(2).log(), c.node(1).log());
    let recovered = c.progress(1, 2);
    assert_eq!(recovered.state, ProgressState::Replicate);
    assert_eq!(recovered.match_index, LogIndex(10));
}
