//! The next step of a membership change, as a pure function of what the
//! leader knows ([`MembershipState`]): which configuration to append, if
//! any, and what is left of the change ([`MembershipStep`]). The node only
//! carries the step out.

use crate::raft::configuration::{
    CatchUp, Membership, MembershipChange, MembershipJob, CATCH_UP_ROUNDS_MAX,
};
use crate::raft::types::{LogIndex, Micros, NodeId};
use std::collections::BTreeSet;

/// What a leader knows when it decides how a membership change goes on.
#[derive(Clone, Copy, Debug)]
pub(in crate::raft) struct MembershipState<'a> {
    /// The configuration in use.
    pub current: &'a Membership,
    /// The change under way, if any.
    pub job: Option<&'a MembershipJob>,
    /// The configuration in use is committed.
    pub committed: bool,
    /// A configuration may be appended now: the last one committed and the
    /// leader committed an entry of its own term (the 2015 fix), or a bug
    /// switch skips that second rule.
    pub may_append: bool,
    /// Change the voters without joint consensus (a bug switch).
    pub direct_switch: bool,
    /// The matchIndex of the server being added (0 if none).
    pub learner_match: LogIndex,
    /// The leader's last log index.
    pub last_index: LogIndex,
    /// The current instant.
    pub now: Micros,
    /// The shortest election timeout: a catch-up round faster than this
    /// makes the learner a voter.
    pub election_timeout_us_min: Micros,
}

/// What the leader does next for a membership change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::raft) struct MembershipStep {
    /// The change still under way; `None` once it finished (or there was none).
    pub job: Option<MembershipJob>,
    /// A configuration to append to the log now.
    pub append: Option<Membership>,
}

/// Moves a membership change one step on: the next configuration once the
/// last one has committed (one change at a time), or a new server's
/// catch-up rounds (thesis §4.2.1). A joint configuration found with no
/// change under way (its leader failed) is finished by moving to C_new.
pub(in crate::raft) fn next_membership_step(state: &MembershipState<'_>) -> MembershipStep {
    let current = state.current;
    let mut job = match state.job {
        Some(job) => job.clone(),
        None if current.is_joint() => MembershipJob {
            change: MembershipChange::ReplaceVoters(current.voters.clone()),
            catch_up: None,
        },
        None => {
            return MembershipStep {
                job: None,
                append: None,
            }
        }
    };
    let (next, finished) = match &job.change {
        MembershipChange::AddServer(id) => add_server(state, *id, &mut job.catch_up),
        MembershipChange::RemoveServer(id) => remove_server(state, *id),
        MembershipChange::ReplaceVoters(voters) => replace_voters(state, voters),
    };
    MembershipStep {
        job: (!finished).then_some(job),
        append: next.filter(|_| state.may_append),
    }
}

/// The next configuration (if any) and whether the change is finished, for
/// adding `id`: first as a learner, then, once it has caught up, as a voter.
fn add_server(
    state: &MembershipState<'_>,
    id: NodeId,
    catch_up: &mut Option<CatchUp>,
) -> (Option<Membership>, bool) {
    let current = state.current;
    if current.is_voter(id) {
        return (None, state.committed);
    }
    if !current.is_learner(id) {
        let mut with_learner = current.clone();
        with_learner.learners.insert(id);
        return (Some(with_learner), false);
    }
    if !state.committed {
        return (None, false);
    }
    let Some(progress) = catch_up_step(state, *catch_up) else {
        // Too slow for every round: give up; it stays a learner.
        return (None, true);
    };
    *catch_up = Some(progress);
    if !progress.caught_up {
        return (None, false);
    }
    let mut promoted = current.clone();
    promoted.learners.remove(&id);
    promoted.voters.insert(id);
    (Some(promoted), false)
}

/// The next configuration (if any) and whether the change is finished, for
/// removing `id`, voter or learner.
fn remove_server(state: &MembershipState<'_>, id: NodeId) -> (Option<Membership>, bool) {
    let current = state.current;
    if !current.contains(id) {
        return (None, state.committed);
    }
    let mut without = current.clone();
    without.voters.remove(&id);
    without.learners.remove(&id);
    (Some(without), false)
}

/// The next configuration (if any) and whether the change is finished, for
/// replacing the voters with `voters`: C_old,new, then C_new (paper §6).
fn replace_voters(
    state: &MembershipState<'_>,
    voters: &BTreeSet<NodeId>,
) -> (Option<Membership>, bool) {
    let current = state.current;
    let learners = current.learners.difference(voters).copied().collect();
    if current.voters != *voters {
        let outgoing = (!state.direct_switch).then(|| current.voters.clone());
        let joint = Membership {
            voters: voters.clone(),
            outgoing,
            learners,
        };
        return (Some(joint), false);
    }
    if current.is_joint() {
        let new = Membership {
            voters: voters.clone(),
            outgoing: None,
            learners,
        };
        return (Some(new), false);
    }
    (None, state.committed)
}

/// One look at a learner's catch-up (thesis §4.2.1): starts the first
/// round, or, once the learner holds everything the current round asked
/// for, either declares it caught up (the round took less than an election
/// timeout) or starts the next. `None` once the rounds are spent.
fn catch_up_step(state: &MembershipState<'_>, catch_up: Option<CatchUp>) -> Option<CatchUp> {
    let new_round = |round| CatchUp {
        round,
        round_end_index: state.last_index,
        round_started_at: state.now,
        caught_up: false,
    };
    let Some(mut catch_up) = catch_up else {
        return Some(new_round(1));
    };
    if catch_up.caught_up || state.learner_match < catch_up.round_end_index {
        return Some(catch_up);
    }
    if state.now - catch_up.round_started_at < state.election_timeout_us_min {
        catch_up.caught_up = true;
        return Some(catch_up);
    }
    (catch_up.round < CATCH_UP_ROUNDS_MAX).then(|| new_round(catch_up.round + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state<'a>(current: &'a Membership, job: Option<&'a MembershipJob>) -> MembershipState<'a> {
        MembershipState {
            current,
            job,
            committed: true,
            may_append: true,
            direct_switch: false,
            learner_match: LogIndex(0),
            last_index: LogIndex(5),
            now: 1_000,
            election_timeout_us_min: 150_000,
        }
    }

    #[test]
    fn adding_a_server_makes_it_a_learner_first() {
        let current = Membership::of([NodeId(1), NodeId(2), NodeId(3)]);
        let job = MembershipJob {
            change: MembershipChange::AddServer(NodeId(4)),
            catch_up: None,
        };
        let step = next_membership_step(&state(&current, Some(&job)));
        let appended = step.append.expect("a configuration with the learner");
        assert!(appended.is_learner(NodeId(4)));
        assert_eq!(step.job, Some(job));
    }

    #[test]
    fn a_joint_configuration_without_a_job_moves_to_c_new() {
        let joint = Membership {
            voters: [NodeId(1), NodeId(2)].into(),
            outgoing: Some([NodeId(1), NodeId(3)].into()),
            learners: BTreeSet::new(),
        };
        let step = next_membership_step(&state(&joint, None));
        assert_eq!(step.append, Some(Membership::of([NodeId(1), NodeId(2)])));
        let idle = Membership::of([NodeId(1)]);
        let step = next_membership_step(&state(&idle, None));
        assert_eq!((step.job, step.append), (None, None));
    }
}
