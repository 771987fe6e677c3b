//! A mission being played: the bundled mission, the tracker that follows
//! the learner's run and says when the goal is met, how many hints are
//! shown, and where the goal stands. The tracker reads only the run (its
//! recorded inputs and position), so seeking, stepping and playing all
//! count, and a change to the past starts it again.

use raftlab_core::mission::{self, GoalTracker, Mission, Outcome, Progress, SolvedMission};
use raftlab_core::session::{Command, RunDescription, Session};
use std::cell::RefCell;
use std::rc::Rc;

/// A mission on the page.
#[derive(Clone, Debug)]
pub struct MissionRun {
    /// The mission, as read from the library.
    pub mission: Rc<Mission>,
    /// Follows the learner's run (shared: a frame's copy of the page state
    /// moves it on, not a copy of it).
    tracker: Rc<RefCell<GoalTracker>>,
    /// How many hints are revealed.
    pub hints_shown: usize,
    /// Where the goal stood when last followed.
    pub progress: Progress,
}

impl PartialEq for MissionRun {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.mission, &other.mission)
            && self.hints_shown == other.hints_shown
            && self.progress == other.progress
    }
}

/// Reads bundled mission `id`.
pub fn load(id: &str) -> Result<Mission, String> {
    let (_, text) = mission::library()
        .into_iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| format!("there is no mission {:?}", crate::quantity::shown(id)))?;
    Mission::from_json(text).map_err(|e| format!("mission {id}: {e}"))
}

impl MissionRun {
    /// Mission `mission` at its start, and the session that plays its run.
    pub fn start(mission: Mission) -> Result<(MissionRun, Session), String> {
        let run: RunDescription = mission.to_run();
        let session = Session::replay_scripted(&run, mission.scripted_inputs())
            .map_err(|e| format!("mission {}: {e}", mission.id))?;
        Ok((MissionRun::new(mission, None), session))
    }

    /// Bundled mission `id` over `run`, a run shared from it (the same seed
    /// and configuration, its inputs first), with the learner's `answer` to
    /// its question; follow the session to show how far it got.
    pub fn resume(
        id: &str,
        answer: Option<usize>,
        run: &RunDescription,
    ) -> Result<MissionRun, String> {
        let mission = load(id)?;
        let start = mission.to_run();
        if run.seed != start.seed
            || run.config != start.config
            || !run.inputs.starts_with(&start.inputs)
        {
            return Err(format!(
                "this run is not mission {id}'s (its seed, configuration or first inputs differ)"
            ));
        }
        Ok(MissionRun::new(mission, answer))
    }

    /// The mission with a tracker at its start, the question answered.
    fn new(mission: Mission, answer: Option<usize>) -> MissionRun {
        let mut tracker = mission.tracker();
        if let Some(choice) = answer {
            tracker.answer(choice);
        }
        let progress = tracker.progress().clone();
        MissionRun {
            mission: Rc::new(mission),
            tracker: Rc::new(RefCell::new(tracker)),
            hints_shown: 0,
            progress,
        }
    }

    /// Follows `session` to its playback position; returns whether the
    /// mission was solved by this very move.
    pub fn follow(&mut self, session: &Session) -> bool {
        let was_solved = self.solved().is_some();
        let mut tracker = self.tracker.borrow_mut();
        tracker.follow(session.recorded_inputs(), session.position());
        self.progress = tracker.progress().clone();
        drop(tracker);
        !was_solved && self.solved().is_some()
    }

    /// The step (position and instant) where the goal became true, if it has.
    pub fn solved(&self) -> Option<(u64, u64)> {
        match self.progress.outcome {
            Some(Outcome::Solved { position, at }) => Some((position, at)),
            _ => None,
        }
    }

    /// Records the learner's answer to the question.
    pub fn answer(&mut self, choice: usize) {
        let mut tracker = self.tracker.borrow_mut();
        tracker.answer(choice);
        self.progress = tracker.progress().clone();
    }

    /// Whether the page must stop to ask the question: it has one, not yet
    /// answered, and the run has reached the instant it is asked at.
    pub fn must_ask(&self, now_us: u64) -> bool {
        self.mission.question.as_ref().is_some_and(|question| {
            self.progress.answer.is_none() && now_us >= question.at_ms.saturating_mul(1_000)
        })
    }

    /// Why `command` is refused in this mission, if it is.
    pub fn refusal(&self, command: &Command) -> Option<String> {
        (!self.mission.allows_command(command)).then(|| {
            let tools: Vec<&str> = self.mission.tools.iter().map(|t| t.name()).collect();
            format!(
                "This mission does not allow that; its tools are: {}.",
                tools.join(", ")
            )
        })
    }
}

/// The ids of the missions done on this browser, from `localStorage`
/// (empty where storage is unavailable).
pub fn done_ids() -> Vec<String> {
    storage()
        .and_then(|s| s.get_item(DONE_KEY).ok().flatten())
        .map(|text| {
            text.split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Adds `id` to the missions done on this browser, with `solution`, the
/// share link's query that opens the learner's solution (the first
/// solution is kept).
pub fn mark_done(id: &str, solution: &str) {
    let Some(storage) = storage() else {
        return;
    };
    let mut done = done_ids();
    if done.iter().any(|d| d == id) {
        return;
    }
    done.push(id.to_owned());
    storage.set_item(DONE_KEY, &done.join(",")).ok();
    let mut solutions = storage
        .get_item(SOLUTIONS_KEY)
        .ok()
        .flatten()
        .unwrap_or_default();
    solutions.push_str(&format!("{id} {solution}\n"));
    storage.set_item(SOLUTIONS_KEY, &solutions).ok();
}

/// The missions done on this browser, in the order they were solved, each
/// with its title and the link to its solution on the page at `page`.
pub fn solved(page: &str) -> Vec<SolvedMission> {
    let solutions = storage()
        .and_then(|s| s.get_item(SOLUTIONS_KEY).ok().flatten())
        .unwrap_or_default();
    let titles = mission::titles();
    done_ids()
        .into_iter()
        .map(|id| {
            let solution = solutions
                .lines()
                .filter_map(|line| line.split_once(' '))
                .find(|(solved, _)| *solved == id)
                .map(|(_, query)| format!("{page}{query}"));
            let title = titles
                .iter()
                .find(|(known, _)| *known == id)
                .map_or(id.clone(), |(_, title)| (*title).to_owned());
            SolvedMission {
                id,
                title,
                solution,
            }
        })
        .collect()
}

/// The `localStorage` key holding the done missions, comma-separated.
const DONE_KEY: &str = "raftlab.missions.done";

/// The `localStorage` key holding the solutions' links: a line per mission,
/// its id, a space and the link's query.
const SOLUTIONS_KEY: &str = "raftlab.missions.solutions";

/// The page's `localStorage`; none outside a browser (native tests).
fn storage() -> Option<web_sys::Storage> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    } else {
        None
    }
}
