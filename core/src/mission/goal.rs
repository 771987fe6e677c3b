//! A mission's goal as predicates over the run, and the [`GoalTracker`]
//! that evaluates them after every step. The tracker follows the learner's
//! run on a simulation of its own (so it sees every step exactly once, in
//! order, whatever the page's playback position does), with its own safety
//! checker and linearizability checker as the judges, and a few facts it
//! folds from the steps (who was a candidate in which term, when a leader
//! was last seen, which servers the learner's commands named).

use super::Mission;
use crate::app::Message;
use crate::check::{IncrementalChecker, Linearizability, Property, SafetyChecker};
use crate::raft::{LogCommand, Micros, NodeId, Role, Term, TransitionCause};
use crate::sim::{Command, Endpoint, EventKind, Payload, Simulation, StepRecord, TimedCommand};
use std::collections::{BTreeMap, BTreeSet};

/// The most steps one [`GoalTracker::follow`] call takes: a page calls it
/// every frame, so one call must stay cheap; the next call goes on.
pub const FOLLOW_STEPS_MAX: u64 = 20_000;

/// A predicate over the run, evaluated after every step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// The safety checker reports a violation of one of `properties` (of
    /// any, if empty): two leaders in one term, a committed entry lost.
    Violation {
        /// The properties that count.
        properties: Vec<Property>,
    },
    /// The linearizability checker finds the client history cannot be
    /// ordered: a stale read was accepted, or a write ran twice.
    NotLinearizable,
    /// Term `term` ended without a leader after two or more servers stood
    /// as candidates in it.
    SplitVote {
        /// The term.
        term: Term,
    },
    /// A client's write is applied while at least `down` servers are down.
    CommitWhileDown {
        /// How many servers must be down.
        down: usize,
    },
    /// `node` becomes leader.
    Elected {
        /// The server.
        node: NodeId,
        /// Only if none of the learner's commands named it (crash, restart,
        /// timeout, pause, a request to it, a transfer to it, its links).
        untouched: bool,
        /// Only if it won an election a leadership transfer started.
        by_transfer: bool,
    },
    /// No running server has been leader for `us` virtual microseconds,
    /// with at most `crashed_max` servers down the whole time.
    NoLeaderFor {
        /// How long, in virtual microseconds.
        us: Micros,
        /// How many servers may be down.
        crashed_max: usize,
    },
    /// Servers have become leader `count` times in all.
    LeaderChanges {
        /// How many elections won.
        count: usize,
    },
    /// A leader steps down because it saw a higher term (it was not crashed).
    LeaderDeposed,
    /// A server (this one, if given) takes in a leader's snapshot.
    SnapshotInstalled {
        /// The server.
        node: Option<NodeId>,
    },
}

/// Where the goal stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// For each goal part, the position right after the step where it first
    /// held, if it has.
    pub parts: Vec<Option<u64>>,
    /// For a question, which choice happened first and where.
    pub happened: Option<(usize, u64)>,
    /// The learner's answer to the question, if given.
    pub answer: Option<usize>,
    /// How the mission ended, if it has.
    pub outcome: Option<Outcome>,
    /// The position the tracker has followed the run to.
    pub position: u64,
}

/// How a mission ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The goal became true at this step.
    Solved {
        /// The playback position right after the step.
        position: u64,
        /// Its instant.
        at: Micros,
    },
    /// The question's answer was not what happened.
    WrongAnswer {
        /// The choice that happened.
        happened: usize,
        /// The playback position right after the step that decided it.
        position: u64,
    },
}

/// What the tracker folds from the steps it has seen.
#[derive(Clone, Debug, Default)]
struct Facts {
    /// Per term: the servers that stood as candidates.
    candidates: BTreeMap<Term, BTreeSet<NodeId>>,
    /// Terms someone won.
    won: BTreeSet<Term>,
    /// The highest term any server has reached.
    highest_term: Term,
    /// Terms whose election a TimeoutNow started, with the server.
    transfer_elections: BTreeSet<(NodeId, Term)>,
    /// The servers a learner's command named.
    touched: BTreeSet<NodeId>,
    /// The last instant a running server was leader.
    leader_seen_at: Micros,
    /// The most servers down at once since then.
    crashed_peak: usize,
    /// Elections won in all.
    elections: usize,
    /// Inputs seen (the first `scripted` are the mission's own).
    inputs_seen: usize,
}

/// Follows a learner's run of a mission and says when its goal is met.
#[derive(Clone, Debug)]
pub struct GoalTracker {
    start: Simulation,
    sim: Simulation,
    checker: SafetyChecker,
    linearizability: IncrementalChecker,
    facts: Facts,
    scripted: usize,
    goal: Vec<Check>,
    choices: Vec<Check>,
    progress: Progress,
}

impl GoalTracker {
    /// A tracker at the start of `mission`'s run.
    pub fn new(mission: &Mission) -> GoalTracker {
        let run = mission.to_run();
        // The mission's run was recorded from this seed and config when it
        // was read, so they are valid.
        let start = Simulation::new(run.seed, run.config).expect("a mission's config was checked");
        let goal: Vec<Check> = mission.goal.iter().map(|p| p.check.clone()).collect();
        let choices: Vec<Check> = mission
            .question
            .iter()
            .flat_map(|q| q.choices.iter().map(|c| c.check.clone()))
            .collect();
        GoalTracker {
            sim: start.clone(),
            start,
            checker: SafetyChecker::new(),
            linearizability: IncrementalChecker::new(),
            facts: Facts::default(),
            scripted: mission.scripted_inputs(),
            progress: Progress {
                parts: vec![None; goal.len()],
                ..Progress::default()
            },
            goal,
            choices,
        }
    }

    /// Where the goal stands.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Records the learner's answer to the question (a later answer
    /// replaces it until the question is decided).
    pub fn answer(&mut self, choice: usize) {
        if choice < self.choices.len() && self.progress.happened.is_none() {
            self.progress.answer = Some(choice);
            self.decide();
        }
    }

    /// Follows the run whose recorded inputs are `recorded` up to `position`
    /// steps (or [`FOLLOW_STEPS_MAX`] more, whichever comes first). If the
    /// run it followed so far is not a prefix of this one (the learner
    /// changed the past), it starts again from the beginning, keeping the
    /// answer. Returns whether it reached `position`.
    pub fn follow(&mut self, recorded: &[TimedCommand], position: u64) -> bool {
        let mine = self.sim.inputs();
        if recorded.len() < mine.len() || recorded[..mine.len()] != *mine {
            self.restart();
        }
        let mut budget = FOLLOW_STEPS_MAX;
        while self.sim.position() < position && budget > 0 {
            budget -= 1;
            match self.sim.step_along(recorded, Micros::MAX) {
                Ok(Some(record)) => self.see(&record),
                Ok(None) | Err(_) => return true,
            }
        }
        self.progress.position = self.sim.position();
        self.sim.position() >= position
    }

    fn restart(&mut self) {
        let answer = self.progress.answer;
        self.sim = self.start.clone();
        self.checker = SafetyChecker::new();
        self.linearizability = IncrementalChecker::new();
        self.facts = Facts::default();
        self.progress = Progress {
            parts: vec![None; self.goal.len()],
            answer,
            ..Progress::default()
        };
    }

    /// Evaluates every check after one step.
    fn see(&mut self, record: &StepRecord) {
        let position = self.sim.position();
        let violations = self.checker.observe(&self.sim, record);
        self.fold(record);
        let needs_history = self
            .goal
            .iter()
            .chain(&self.choices)
            .any(|c| *c == Check::NotLinearizable);
        let answered = matches!(
            &record.event,
            EventKind::Delivered(p) if matches!(p.payload, Payload::Reply { .. })
        );
        let broken = needs_history
            && answered
            && matches!(
                self.linearizability.judge(&self.sim, position),
                Linearizability::Broken(_)
            );
        let step = Step {
            sim: &self.sim,
            record,
            violated: violations.iter().map(|v| v.property).collect(),
            broken,
            facts: &self.facts,
        };
        for (i, check) in self.goal.iter().enumerate() {
            if self.progress.parts[i].is_none() && step.holds(check) {
                self.progress.parts[i] = Some(position);
            }
        }
        if self.progress.happened.is_none() {
            if let Some(i) = self.choices.iter().position(|c| step.holds(c)) {
                self.progress.happened = Some((i, position));
            }
        }
        self.progress.position = position;
        if self.progress.outcome.is_none() {
            self.decide();
        }
    }

    /// Settles the outcome once every part held and the question (if any)
    /// was decided.
    fn decide(&mut self) {
        if self.progress.outcome.is_some() || self.progress.parts.iter().any(Option::is_none) {
            return;
        }
        let parts_done = self.progress.parts.iter().flatten().max().copied();
        let outcome = match (self.choices.is_empty(), self.progress.happened) {
            (true, _) => parts_done.map(|position| Outcome::Solved {
                position,
                at: self.sim.now(),
            }),
            (false, None) => None,
            (false, Some((happened, at_position))) => {
                let position = parts_done.map_or(at_position, |p| p.max(at_position));
                match self.progress.answer {
                    None => None,
                    Some(answer) if answer == happened => Some(Outcome::Solved {
                        position,
                        at: self.sim.now(),
                    }),
                    Some(_) => Some(Outcome::WrongAnswer { happened, position }),
                }
            }
        };
        self.progress.outcome = outcome;
    }

    /// Folds one step into the facts.
    fn fold(&mut self, record: &StepRecord) {
        let facts = &mut self.facts;
        if let EventKind::Input(command) = &record.event {
            if facts.inputs_seen >= self.scripted {
                facts.touched.extend(touched_by(command));
            }
            facts.inputs_seen += 1;
        }
        for (node, transition) in &record.transitions {
            facts.highest_term = facts.highest_term.max(transition.term);
            match transition.to {
                Role::Candidate => {
                    facts
                        .candidates
                        .entry(transition.term)
                        .or_default()
                        .insert(*node);
                    if transition.cause == TransitionCause::ReceivesTimeoutNow {
                        facts.transfer_elections.insert((*node, transition.term));
                    }
                }
                Role::Leader => {
                    facts.won.insert(transition.term);
                    facts.elections += 1;
                }
                _ => {}
            }
        }
        let running = self.sim.running_nodes().count();
        let crashed = self.sim.server_count().saturating_sub(running);
        if self.sim.running_nodes().any(|n| n.role() == Role::Leader) {
            facts.leader_seen_at = self.sim.now();
            facts.crashed_peak = crashed;
        } else {
            facts.crashed_peak = facts.crashed_peak.max(crashed);
        }
    }
}

/// The servers a learner's command names on its own.
fn touched_by(command: &Command) -> Vec<NodeId> {
    match command {
        Command::Crash { node }
        | Command::Restart { node }
        | Command::Timeout { node }
        | Command::Pause { node }
        | Command::Resume { node }
        | Command::AddServer { node }
        | Command::RemoveServer { node } => vec![*node],
        Command::TransferLeadership { to } => vec![*to],
        Command::ClientRequest {
            target: Some(node), ..
        } => vec![*node],
        Command::CutLink { from, to } | Command::SetLinkFaults { from, to, .. } => {
            vec![*from, *to]
        }
        _ => Vec::new(),
    }
}

/// One step as the checks see it.
struct Step<'a> {
    sim: &'a Simulation,
    record: &'a StepRecord,
    violated: Vec<Property>,
    broken: bool,
    facts: &'a Facts,
}

impl Step<'_> {
    fn holds(&self, check: &Check) -> bool {
        let facts = self.facts;
        match check {
            Check::Violation { properties } => self
                .violated
                .iter()
                .any(|p| properties.is_empty() || properties.contains(p)),
            Check::NotLinearizable => self.broken,
            Check::SplitVote { term } => {
                facts.highest_term > *term
                    && !facts.won.contains(term)
                    && facts.candidates.get(term).is_some_and(|c| c.len() >= 2)
            }
            Check::CommitWhileDown { down } => {
                self.crashed() >= *down
                    && self.record.applied.iter().any(|(_, entry)| {
                        matches!(&entry.command, LogCommand::Client(request) if !request.op.is_read())
                    })
            }
            Check::Elected {
                node,
                untouched,
                by_transfer,
            } => self.record.transitions.iter().any(|(id, t)| {
                id == node
                    && t.to == Role::Leader
                    && !(*untouched && facts.touched.contains(node))
                    && (!*by_transfer || facts.transfer_elections.contains(&(*node, t.term)))
            }),
            Check::NoLeaderFor { us, crashed_max } => {
                self.sim.now().saturating_sub(facts.leader_seen_at) >= *us
                    && facts.crashed_peak <= *crashed_max
            }
            Check::LeaderChanges { count } => facts.elections >= *count,
            Check::LeaderDeposed => self.record.transitions.iter().any(|(_, t)| {
                t.from == Role::Leader && t.cause == TransitionCause::DiscoversHigherTerm
            }),
            Check::SnapshotInstalled { node } => match &self.record.event {
                EventKind::Delivered(packet) => {
                    matches!(packet.payload, Payload::Raft(Message::InstallSnapshot(_)))
                        && match (packet.to, node) {
                            (Endpoint::Node(to), Some(node)) => to == *node,
                            (Endpoint::Node(_), None) => true,
                            _ => false,
                        }
                }
                _ => false,
            },
        }
    }

    fn crashed(&self) -> usize {
        let running = self.sim.running_nodes().count();
        self.sim.server_count().saturating_sub(running)
    }
}
