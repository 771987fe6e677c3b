//! The state diagram's drawings as plain data: where each role's box sits,
//! the path of every arrow and where its words go, and which arrow a
//! transition follows. Two drawings: the Raft paper's Figure 4, and the same
//! with the pre-candidate of PreVote (thesis §9.6) in its middle. No DOM here,
//! so the mapping and the layout are tested natively.

use raftlab_core::view::{Role, Transition, TransitionCause};

/// The height of every role's box.
pub const STATE_HEIGHT: f64 = 32.0;
/// The distance between the baselines of an arrow label's lines.
pub const LINE_HEIGHT: f64 = 11.0;

/// An arrow of the diagram: one for each change of role the core makes,
/// and one for starting up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrow {
    /// A server (re)starts as a follower.
    StartsUp,
    /// A follower starts an election.
    FollowerToCandidate,
    /// A candidate starts a new election.
    CandidateToCandidate,
    /// A candidate wins.
    CandidateToLeader,
    /// A candidate steps down.
    CandidateToFollower,
    /// A leader steps down.
    LeaderToFollower,
    /// A leader forced to time out starts an election.
    LeaderToCandidate,
    /// A follower asks for pre-votes.
    FollowerToPreCandidate,
    /// A pre-candidate asks for pre-votes again.
    PreCandidateToPreCandidate,
    /// A pre-candidate starts the real election.
    PreCandidateToCandidate,
    /// A pre-candidate gives up.
    PreCandidateToFollower,
    /// A candidate whose election timed out asks for pre-votes.
    CandidateToPreCandidate,
    /// A leader forced to time out asks for pre-votes.
    LeaderToPreCandidate,
}

impl Arrow {
    /// The arrow a transition follows; `None` only for changes no rule of
    /// the core makes (a follower becoming a leader, say).
    pub fn of(t: &Transition) -> Option<Arrow> {
        use Role::{Candidate, Follower, Leader, PreCandidate};
        if t.cause == TransitionCause::StartsUp {
            return Some(Arrow::StartsUp);
        }
        Some(match (t.from, t.to) {
            (Follower, Candidate) => Arrow::FollowerToCandidate,
            (Candidate, Candidate) => Arrow::CandidateToCandidate,
            (Candidate, Leader) => Arrow::CandidateToLeader,
            (Candidate, Follower) => Arrow::CandidateToFollower,
            (Leader, Follower) => Arrow::LeaderToFollower,
            (Leader, Candidate) => Arrow::LeaderToCandidate,
            (Follower, PreCandidate) => Arrow::FollowerToPreCandidate,
            (PreCandidate, PreCandidate) => Arrow::PreCandidateToPreCandidate,
            (PreCandidate, Candidate) => Arrow::PreCandidateToCandidate,
            (PreCandidate, Follower) => Arrow::PreCandidateToFollower,
            (Candidate, PreCandidate) => Arrow::CandidateToPreCandidate,
            (Leader, PreCandidate) => Arrow::LeaderToPreCandidate,
            (Follower | PreCandidate | Leader, Leader) | (Follower, Follower) => return None,
        })
    }

    /// Where the arrow starts (`None`: outside the diagram) and ends.
    pub fn ends(self) -> (Option<Role>, Role) {
        use Role::{Candidate, Follower, Leader, PreCandidate};
        match self {
            Arrow::StartsUp => (None, Follower),
            Arrow::FollowerToCandidate => (Some(Follower), Candidate),
            Arrow::CandidateToCandidate => (Some(Candidate), Candidate),
            Arrow::CandidateToLeader => (Some(Candidate), Leader),
            Arrow::CandidateToFollower => (Some(Candidate), Follower),
            Arrow::LeaderToFollower => (Some(Leader), Follower),
            Arrow::LeaderToCandidate => (Some(Leader), Candidate),
            Arrow::FollowerToPreCandidate => (Some(Follower), PreCandidate),
            Arrow::PreCandidateToPreCandidate => (Some(PreCandidate), PreCandidate),
            Arrow::PreCandidateToCandidate => (Some(PreCandidate), Candidate),
            Arrow::PreCandidateToFollower => (Some(PreCandidate), Follower),
            Arrow::CandidateToPreCandidate => (Some(Candidate), PreCandidate),
            Arrow::LeaderToPreCandidate => (Some(Leader), PreCandidate),
        }
    }

    /// Is it Raftlab's addition rather than one of the paper's arrows? Only
    /// a leader told to time out (the Timeout button, or a handed-over
    /// leadership) leaves leadership for an election; Figure 4 has no such
    /// arrow.
    pub fn is_added(self) -> bool {
        matches!(self, Arrow::LeaderToCandidate | Arrow::LeaderToPreCandidate)
    }

    /// A stable name for the page's `data-arrow` attribute:
    /// `follower-pre-candidate`, `starts-up`.
    pub fn name(self) -> String {
        match self.ends() {
            (Some(from), to) => format!("{from}-{to}"),
            (None, _) => "starts-up".to_owned(),
        }
    }
}

/// What happened, in a sentence: the caption's and the history's words.
/// Where two causes share an arrow each has its own words, and a timeout
/// says where it leads (an election, or a round of pre-votes).
pub fn sentence(t: &Transition) -> &'static str {
    match (t.cause, Arrow::of(t)) {
        (TransitionCause::TimesOut, Some(Arrow::CandidateToCandidate)) => "times out, new election",
        (TransitionCause::TimesOut, Some(Arrow::LeaderToCandidate)) => {
            "is forced to time out, starts election"
        }
        (TransitionCause::TimesOut, Some(Arrow::LeaderToPreCandidate)) => {
            "is forced to time out, asks for pre-votes"
        }
        (TransitionCause::TimesOut, Some(Arrow::PreCandidateToPreCandidate)) => {
            "times out, asks for pre-votes again"
        }
        (TransitionCause::TimesOut, _) if t.to == Role::PreCandidate => {
            "times out, asks for pre-votes"
        }
        (TransitionCause::ReceivesTimeoutNow, _) => {
            "told by the leader to take over (TimeoutNow), starts election"
        }
        (TransitionCause::LosesQuorum, _) => {
            "hears from no majority for an election timeout, steps down (CheckQuorum)"
        }
        (cause, _) => cause.label(),
    }
}

/// How an arrow label's lines line up with its anchor point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// Lines start at the point.
    Start,
    /// Lines are centred on it.
    Middle,
    /// Lines end at it.
    End,
}

impl Anchor {
    /// The SVG `text-anchor` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Where a role's box sits (its top-left corner and width).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// The role.
    pub role: Role,
    /// The words in the box.
    pub name: &'static str,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (the height is [`STATE_HEIGHT`]).
    pub width: f64,
}

/// One drawn arrow and its words.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// Which arrow.
    pub arrow: Arrow,
    /// The SVG path, from its tail to its head.
    pub path: &'static str,
    /// Where the label's lines are anchored, horizontally.
    pub label_x: f64,
    /// The first line's baseline; each next one is [`LINE_HEIGHT`] lower.
    pub label_y: f64,
    /// How the label's lines line up with the anchor.
    pub anchor: Anchor,
    /// The figure's words, shown while the arrow rests.
    pub usual: &'static [&'static str],
    /// The words shown while it flashes, for the causes whose words differ
    /// from `usual` (an arrow two causes share names the one that fired).
    pub by_cause: &'static [(TransitionCause, &'static [&'static str])],
}

impl Edge {
    /// The label's lines: the usual ones, or those of `cause` when the
    /// arrow flashes for it.
    pub fn lines(&self, cause: Option<TransitionCause>) -> &'static [&'static str] {
        cause
            .and_then(|cause| {
                self.by_cause
                    .iter()
                    .find(|(c, _)| *c == cause)
                    .map(|(_, lines)| *lines)
            })
            .unwrap_or(self.usual)
    }
}

/// One whole drawing in view-box units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drawing {
    /// View-box width.
    pub width: f64,
    /// View-box height.
    pub height: f64,
    /// The roles' boxes.
    pub states: &'static [Place],
    /// The arrows, drawn under the boxes.
    pub edges: &'static [Edge],
}

/// Which drawing a server's states are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// The paper's Figure 4: follower, candidate, leader.
    Figure4,
    /// Figure 4 with a pre-candidate between follower and candidate.
    PreVote,
}

impl Layout {
    /// The drawing for a server in `role`, in a run with PreVote on or off,
    /// whose arrow `flashing` (if any) is lit. PreVote's drawing while it is
    /// on, and while a server is still a pre-candidate after it was switched
    /// off; the other drawing if only it has the flashing arrow (a
    /// transition made just before PreVote was switched on or off).
    pub fn choose(pre_vote: bool, role: Role, flashing: Option<Arrow>) -> Layout {
        let preferred = if pre_vote || role == Role::PreCandidate {
            Layout::PreVote
        } else {
            Layout::Figure4
        };
        match flashing {
            Some(arrow) if preferred.edge(arrow).is_none() => preferred.other(),
            _ => preferred,
        }
    }

    /// A stable name for the page's `data-layout` attribute.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Figure4 => "figure-4",
            Layout::PreVote => "pre-vote",
        }
    }

    /// The other drawing.
    pub fn other(self) -> Layout {
        match self {
            Layout::Figure4 => Layout::PreVote,
            Layout::PreVote => Layout::Figure4,
        }
    }

    /// Its boxes and arrows.
    pub fn drawing(self) -> &'static Drawing {
        match self {
            Layout::Figure4 => &FIGURE_4,
            Layout::PreVote => &PRE_VOTE,
        }
    }

    /// The drawn arrow `arrow`, if this drawing has it.
    pub fn edge(self, arrow: Arrow) -> Option<&'static Edge> {
        self.drawing().edges.iter().find(|e| e.arrow == arrow)
    }

    /// The box of `role`, if this drawing has it.
    pub fn place(self, role: Role) -> Option<&'static Place> {
        self.drawing().states.iter().find(|p| p.role == role)
    }
}

const STARTS_UP: &[&str] = &["starts up"];
const HIGHER_TERM_LEADER: &[&str] = &["discovers server with higher term"];
/// A leader steps down for four reasons, one line each under its arrow.
const LEADER_STEPS_DOWN: &[(TransitionCause, &[&str])] = &[
    (
        TransitionCause::LosesQuorum,
        &["hears from no majority (CheckQuorum)"],
    ),
    (
        TransitionCause::RemovedFromCluster,
        &["removed from the configuration"],
    ),
    (
        TransitionCause::DiscoversCurrentLeader,
        &["discovers current leader"],
    ),
];
const RECEIVES_MAJORITY: &[&str] = &["receives votes from", "majority of servers"];
const FORCED_TIMEOUT: &[&str] = &["forced", "timeout"];
const ASKS_FOR_PRE_VOTES: &[&str] = &["times out,", "asks for", "pre-votes"];
/// A pre-candidate or candidate stepping down, in PreVote's narrow slots.
const STEPS_DOWN_NARROW: &[&str] = &["discovers", "leader or", "new term"];
const STEPS_DOWN_NARROW_BY_CAUSE: &[(TransitionCause, &[&str])] = &[
    (
        TransitionCause::DiscoversCurrentLeader,
        &["discovers", "current", "leader"],
    ),
    (
        TransitionCause::DiscoversHigherTerm,
        &["discovers", "higher", "term"],
    ),
];

/// The Raft paper's Figure 4, and a forced timeout's way out of leadership.
static FIGURE_4: Drawing = Drawing {
    width: 340.0,
    height: 226.0,
    states: &[
        Place {
            role: Role::Follower,
            name: "Follower",
            x: 46.0,
            y: 170.0,
            width: 84.0,
        },
        Place {
            role: Role::Candidate,
            name: "Candidate",
            x: 140.0,
            y: 40.0,
            width: 88.0,
        },
        Place {
            role: Role::Leader,
            name: "Leader",
            x: 250.0,
            y: 170.0,
            width: 84.0,
        },
    ],
    edges: &[
        Edge {
            arrow: Arrow::StartsUp,
            path: "M4 186 L44 186",
            label_x: 4.0,
            label_y: 218.0,
            anchor: Anchor::Start,
            usual: STARTS_UP,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::FollowerToCandidate,
            path: "M84 168 C84 100 104 56 138 56",
            label_x: 4.0,
            label_y: 60.0,
            anchor: Anchor::Start,
            usual: &["times out,", "starts election"],
            by_cause: &[(
                TransitionCause::ReceivesTimeoutNow,
                &["leader hands over,", "starts election"],
            )],
        },
        Edge {
            arrow: Arrow::CandidateToCandidate,
            path: "M170 39 C156 6 212 6 198 39",
            label_x: 156.0,
            label_y: 14.0,
            anchor: Anchor::End,
            usual: &["times out,", "new election"],
            by_cause: &[(
                TransitionCause::ReceivesTimeoutNow,
                &["leader hands over,", "new election"],
            )],
        },
        Edge {
            arrow: Arrow::CandidateToLeader,
            path: "M230 56 C265 56 292 90 292 168",
            label_x: 229.0,
            label_y: 28.0,
            anchor: Anchor::Start,
            usual: RECEIVES_MAJORITY,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::CandidateToFollower,
            path: "M176 74 L118 168",
            label_x: 140.0,
            label_y: 146.0,
            anchor: Anchor::Start,
            usual: &["discovers current", "leader or new term"],
            by_cause: &[
                (
                    TransitionCause::DiscoversCurrentLeader,
                    &["discovers current", "leader"],
                ),
                (
                    TransitionCause::DiscoversHigherTerm,
                    &["discovers server", "with higher term"],
                ),
            ],
        },
        Edge {
            arrow: Arrow::LeaderToCandidate,
            path: "M270 168 L224 74",
            label_x: 228.0,
            label_y: 104.0,
            anchor: Anchor::End,
            usual: FORCED_TIMEOUT,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::LeaderToFollower,
            path: "M248 190 L132 190",
            label_x: 190.0,
            label_y: 218.0,
            anchor: Anchor::Middle,
            usual: HIGHER_TERM_LEADER,
            by_cause: LEADER_STEPS_DOWN,
        },
    ],
};

/// Figure 4 with PreVote: the pre-candidate sits inside the triangle, so no
/// two arrows cross.
static PRE_VOTE: Drawing = Drawing {
    width: 340.0,
    height: 330.0,
    states: &[
        Place {
            role: Role::Follower,
            name: "Follower",
            x: 40.0,
            y: 272.0,
            width: 84.0,
        },
        Place {
            role: Role::PreCandidate,
            name: "Pre-candidate",
            x: 114.0,
            y: 148.0,
            width: 112.0,
        },
        Place {
            role: Role::Candidate,
            name: "Candidate",
            x: 126.0,
            y: 24.0,
            width: 88.0,
        },
        Place {
            role: Role::Leader,
            name: "Leader",
            x: 254.0,
            y: 272.0,
            width: 80.0,
        },
    ],
    edges: &[
        Edge {
            arrow: Arrow::StartsUp,
            path: "M4 288 L38 288",
            label_x: 4.0,
            label_y: 322.0,
            anchor: Anchor::Start,
            usual: STARTS_UP,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::LeaderToFollower,
            path: "M252 292 L126 292",
            label_x: 190.0,
            label_y: 322.0,
            anchor: Anchor::Middle,
            usual: HIGHER_TERM_LEADER,
            by_cause: LEADER_STEPS_DOWN,
        },
        Edge {
            arrow: Arrow::FollowerToCandidate,
            path: "M48 270 C10 200 10 60 124 36",
            label_x: 4.0,
            label_y: 20.0,
            anchor: Anchor::Start,
            usual: &["leader hands over", "(TimeoutNow)"],
            // PreVote was switched on since the follower timed out.
            by_cause: &[(
                TransitionCause::TimesOut,
                &["times out,", "starts election"],
            )],
        },
        Edge {
            arrow: Arrow::CandidateToFollower,
            path: "M126 48 C40 70 28 200 62 270",
            label_x: 58.0,
            label_y: 150.0,
            anchor: Anchor::Start,
            usual: STEPS_DOWN_NARROW,
            by_cause: STEPS_DOWN_NARROW_BY_CAUSE,
        },
        Edge {
            arrow: Arrow::PreCandidateToCandidate,
            path: "M164 146 L164 58",
            label_x: 158.0,
            label_y: 96.0,
            anchor: Anchor::End,
            usual: &["receives", "pre-votes from", "majority"],
            by_cause: &[
                (
                    TransitionCause::ReceivesTimeoutNow,
                    &["leader hands", "over", "(TimeoutNow)"],
                ),
                (
                    TransitionCause::TimesOut,
                    &["times out,", "starts", "election"],
                ),
            ],
        },
        Edge {
            arrow: Arrow::CandidateToPreCandidate,
            path: "M188 58 L188 146",
            label_x: 194.0,
            label_y: 96.0,
            anchor: Anchor::Start,
            usual: ASKS_FOR_PRE_VOTES,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::FollowerToPreCandidate,
            path: "M100 270 L128 182",
            label_x: 104.0,
            label_y: 214.0,
            anchor: Anchor::End,
            usual: ASKS_FOR_PRE_VOTES,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::PreCandidateToFollower,
            path: "M148 182 L120 270",
            label_x: 144.0,
            label_y: 224.0,
            anchor: Anchor::Start,
            usual: STEPS_DOWN_NARROW,
            by_cause: STEPS_DOWN_NARROW_BY_CAUSE,
        },
        Edge {
            arrow: Arrow::PreCandidateToPreCandidate,
            path: "M227 158 C262 146 262 184 227 172",
            label_x: 262.0,
            label_y: 161.0,
            anchor: Anchor::Start,
            usual: &["times out,", "asks again"],
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::LeaderToPreCandidate,
            path: "M274 270 L216 182",
            label_x: 256.0,
            label_y: 222.0,
            anchor: Anchor::Start,
            usual: FORCED_TIMEOUT,
            by_cause: &[],
        },
        Edge {
            arrow: Arrow::CandidateToLeader,
            path: "M216 40 C304 40 334 120 326 268",
            label_x: 222.0,
            label_y: 16.0,
            anchor: Anchor::Start,
            usual: RECEIVES_MAJORITY,
            by_cause: &[],
        },
    ],
};

#[cfg(test)]
mod tests {
    //! Every transition the core makes has an arrow in the drawing chosen for
    //! it, with words of its own; the drawings keep their labels apart.

    use super::*;
    use raftlab_core::view::Term;
    use Role::{Candidate, Follower, Leader, PreCandidate};

    #[test]
    fn only_the_leaders_forced_timeout_is_marked_as_not_the_papers() {
        let added: Vec<Arrow> = FIGURE_4
            .edges
            .iter()
            .map(|e| e.arrow)
            .filter(|a| a.is_added())
            .collect();
        assert_eq!(added, [Arrow::LeaderToCandidate]);
        assert!(Arrow::LeaderToPreCandidate.is_added());
        assert!(!Arrow::CandidateToLeader.is_added());
    }

    /// Every cause, for the walks below (the match in `made_by_the_core`
    /// fails to compile when a cause is added, and this list is checked
    /// against it).
    const CAUSES: [TransitionCause; 9] = [
        TransitionCause::TimesOut,
        TransitionCause::ReceivesMajority,
        TransitionCause::DiscoversCurrentLeader,
        TransitionCause::DiscoversHigherTerm,
        TransitionCause::StartsUp,
        TransitionCause::WinsPreVote,
        TransitionCause::LosesQuorum,
        TransitionCause::ReceivesTimeoutNow,
        TransitionCause::RemovedFromCluster,
    ];

    /// The (from, to) pairs each cause comes with, read off the places
    /// `core/src/raft/node.rs` records a transition (and the simulator's
    /// restart).
    fn made_by_the_core(cause: TransitionCause) -> &'static [(Role, Role)] {
        match cause {
            // `Simulation::apply(Restart)`: a server restarts as a follower.
            TransitionCause::StartsUp => &[(Follower, Follower)],
            // `start_election` from any role (the user's Timeout reaches a
            // leader too): `campaign` with PreVote off, `pre_campaign` with
            // it on. A switch of PreVote mid-run lets a pre-candidate
            // campaign and a candidate ask for pre-votes.
            TransitionCause::TimesOut => &[
                (Follower, Candidate),
                (Candidate, Candidate),
                (Leader, Candidate),
                (PreCandidate, Candidate),
                (Follower, PreCandidate),
                (PreCandidate, PreCandidate),
                (Candidate, PreCandidate),
                (Leader, PreCandidate),
            ],
            // `handle_pre_vote_reply`, or `pre_campaign` in a one-server cluster.
            TransitionCause::WinsPreVote => &[(PreCandidate, Candidate)],
            // `campaign` on a TimeoutNow of its term, by any non-leader.
            TransitionCause::ReceivesTimeoutNow => &[
                (Follower, Candidate),
                (PreCandidate, Candidate),
                (Candidate, Candidate),
            ],
            // `become_leader`.
            TransitionCause::ReceivesMajority => &[(Candidate, Leader)],
            // `heed_leader` (a leader only when a bug lets two share a term).
            TransitionCause::DiscoversCurrentLeader => &[
                (PreCandidate, Follower),
                (Candidate, Follower),
                (Leader, Follower),
            ],
            // `step_message`'s §5.1 rule, from any role but follower.
            TransitionCause::DiscoversHigherTerm => &[
                (PreCandidate, Follower),
                (Candidate, Follower),
                (Leader, Follower),
            ],
            // `check_quorum`.
            TransitionCause::LosesQuorum => &[(Leader, Follower)],
            // `maybe_advance_commit`, on a leader.
            TransitionCause::RemovedFromCluster => &[(Leader, Follower)],
        }
    }

    fn transition(from: Role, to: Role, cause: TransitionCause) -> Transition {
        Transition {
            from,
            to,
            term: Term(3),
            cause,
        }
    }

    /// Every transition the core makes, paired with each PreVote setting.
    fn every_transition() -> Vec<(bool, Transition)> {
        let mut all = Vec::new();
        for cause in CAUSES {
            for &(from, to) in made_by_the_core(cause) {
                for pre_vote in [false, true] {
                    all.push((pre_vote, transition(from, to, cause)));
                }
            }
        }
        all
    }

    #[test]
    fn every_transition_the_core_makes_flashes_a_drawn_arrow_between_drawn_states() {
        for (pre_vote, t) in every_transition() {
            let arrow = Arrow::of(&t).unwrap_or_else(|| panic!("no arrow for {t:?}"));
            let layout = Layout::choose(pre_vote, t.to, Some(arrow));
            assert!(
                layout.edge(arrow).is_some(),
                "{layout:?} (PreVote {pre_vote}) lacks {arrow:?} for {t:?}"
            );
            assert!(layout.place(t.to).is_some(), "{t:?} in {layout:?}");
            assert!(layout.place(t.from).is_some(), "{t:?} in {layout:?}");
            let (from, to) = arrow.ends();
            assert_eq!(to, t.to, "{t:?}");
            if t.cause != TransitionCause::StartsUp {
                assert_eq!(from, Some(t.from), "{t:?}");
            }
        }
    }

    #[test]
    fn causes_that_share_an_arrow_each_have_their_own_words() {
        let all = every_transition();
        for (i, (pre_vote, a)) in all.iter().enumerate() {
            for (_, b) in &all[i + 1..] {
                let arrow = Arrow::of(a);
                if arrow != Arrow::of(b) || a.cause == b.cause {
                    continue;
                }
                assert_ne!(sentence(a), sentence(b), "{a:?} and {b:?}");
                let arrow = arrow.expect("checked above");
                let layout = Layout::choose(*pre_vote, a.to, Some(arrow));
                let edge = layout.edge(arrow).expect("checked above");
                assert_ne!(
                    edge.lines(Some(a.cause)),
                    edge.lines(Some(b.cause)),
                    "{a:?} and {b:?} on {layout:?}"
                );
            }
        }
    }

    #[test]
    fn the_list_of_causes_is_complete() {
        // Each cause once, and each with the transitions it makes.
        for (i, a) in CAUSES.iter().enumerate() {
            assert!(!CAUSES[i + 1..].contains(a), "{a:?} twice");
            assert!(!made_by_the_core(*a).is_empty(), "{a:?}");
        }
    }

    #[test]
    fn transitions_no_rule_makes_have_no_arrow() {
        for (from, to) in [
            (Follower, Leader),
            (PreCandidate, Leader),
            (Leader, Leader),
            (Follower, Follower),
        ] {
            let t = transition(from, to, TransitionCause::TimesOut);
            assert_eq!(Arrow::of(&t), None, "{t:?}");
        }
    }

    #[test]
    fn pre_vote_off_draws_figure_4_and_on_adds_a_pre_candidate_between_follower_and_candidate() {
        let figure = Layout::choose(false, Follower, None);
        assert_eq!(figure, Layout::Figure4);
        assert_eq!(figure.drawing().states.len(), 3);
        assert!(figure.place(PreCandidate).is_none());
        let pre_vote = Layout::choose(true, Follower, None);
        assert_eq!(pre_vote, Layout::PreVote);
        assert_eq!(pre_vote.drawing().states.len(), 4);
        let middle = |role| {
            let place = pre_vote.place(role).expect("all four roles");
            place.y + STATE_HEIGHT / 2.0
        };
        let (follower, candidate) = (middle(Follower), middle(Candidate));
        let pre_candidate = middle(PreCandidate);
        assert!(candidate < pre_candidate && pre_candidate < follower);
        for arrow in [
            Arrow::FollowerToPreCandidate,
            Arrow::PreCandidateToCandidate,
            Arrow::PreCandidateToFollower,
            Arrow::PreCandidateToPreCandidate,
        ] {
            assert!(pre_vote.edge(arrow).is_some(), "{arrow:?}");
            assert!(figure.edge(arrow).is_none(), "{arrow:?}");
        }
    }

    #[test]
    fn a_pre_candidate_keeps_its_drawing_after_pre_vote_is_switched_off() {
        assert_eq!(Layout::choose(false, PreCandidate, None), Layout::PreVote);
        // Its way out is drawn there too, while it flashes.
        let out = Some(Arrow::PreCandidateToFollower);
        assert_eq!(Layout::choose(false, Follower, out), Layout::PreVote);
        // A candidate's new election of just before PreVote was switched on.
        let again = Some(Arrow::CandidateToCandidate);
        assert_eq!(Layout::choose(true, Candidate, again), Layout::Figure4);
    }

    /// A label line's box, estimated: 5.8 units a character is the width of
    /// the bold (flashing) 9.5 px face, from baseline minus 8 to plus 3.
    fn line_box(edge: &Edge, line: usize, text: &str) -> [f64; 4] {
        let width = 5.8 * text.chars().count() as f64;
        let left = match edge.anchor {
            Anchor::Start => edge.label_x,
            Anchor::Middle => edge.label_x - width / 2.0,
            Anchor::End => edge.label_x - width,
        };
        let baseline = edge.label_y + LINE_HEIGHT * line as f64;
        [left, baseline - 8.0, left + width, baseline + 3.0]
    }

    fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
        a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
    }

    /// Every line an arrow can show: its usual words and each cause's.
    fn every_label(edge: &Edge) -> Vec<&'static [&'static str]> {
        let mut labels = vec![edge.usual];
        labels.extend(edge.by_cause.iter().map(|(_, lines)| *lines));
        labels
    }

    #[test]
    fn labels_stay_inside_the_drawing_and_off_each_other_and_the_boxes() {
        for layout in [Layout::Figure4, Layout::PreVote] {
            let drawing = layout.drawing();
            let boxes: Vec<[f64; 4]> = drawing
                .states
                .iter()
                .map(|p| [p.x, p.y, p.x + p.width, p.y + STATE_HEIGHT])
                .collect();
            for b in &boxes {
                assert!(b[0] >= 0.0 && b[2] <= drawing.width && b[3] <= drawing.height);
            }
            for (i, edge) in drawing.edges.iter().enumerate() {
                // Whichever words it shows, the others rest.
                for label in every_label(edge) {
                    for (n, text) in label.iter().enumerate() {
                        let line = line_box(edge, n, text);
                        assert!(
                            line[0] >= 0.0
                                && line[1] >= 0.0
                                && line[2] <= drawing.width
                                && line[3] <= drawing.height,
                            "{layout:?}: {text:?} leaves the drawing"
                        );
                        for b in &boxes {
                            assert!(!overlap(line, *b), "{layout:?}: {text:?} on a box");
                        }
                        for other in drawing.edges[..i].iter().chain(&drawing.edges[i + 1..]) {
                            for (m, resting) in other.usual.iter().enumerate() {
                                assert!(
                                    !overlap(line, line_box(other, m, resting)),
                                    "{layout:?}: {text:?} on {resting:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
