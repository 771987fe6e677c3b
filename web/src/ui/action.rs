//! The actions the UI state takes: what components send up, and the
//! animation loop's frames.

use crate::params::EmbedPanel;
use crate::share::ControlPanel;
use raftlab_core::session::{Command, Config, MarkKind, RunDescription};
use raftlab_core::view::{Micros, NodeId};
use std::rc::Rc;

/// What can happen to the UI; components send these up, the animation loop sends `Frame`.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start or stop playback.
    TogglePlay,
    /// Turn reduced motion on or off.
    ReduceMotion(bool),
    /// Stop playback (the tab was hidden).
    Pause,
    /// Start playback (an embedding page's handle).
    Play,
    /// Pause, then process exactly one event.
    Step,
    /// Pause, then go back exactly one step.
    StepBack,
    /// Pause and move to an instant (the scrubber).
    Seek(Micros),
    /// Pause and move to the state right after a step (the event log).
    SeekPosition(u64),
    /// Pause and move to the next election, commit or violation.
    JumpNext(MarkKind),
    /// Show or hide the keyboard shortcuts.
    ShowHelp(bool),
    /// Twice as fast (`1`) or half as fast (`-1`).
    SpeedStep(i32),
    /// Change the playback speed.
    SetSpeed(f64),
    /// Select a server (its menu and state diagram); on a phone this also
    /// opens its action sheet again.
    Select(NodeId),
    /// Put away the phone's action sheet until a server is selected again.
    HideActions,
    /// Show the Experiments view (pausing the cluster).
    OpenExperiments,
    /// Back from the Experiments view to the cluster.
    CloseExperiments,
    /// A command for the simulation.
    Run(Command),
    /// A client put to the leader (the Request button).
    Request,
    /// A client put to one server.
    PutTo(NodeId),
    /// An animation frame: this much wall-clock time passed since the last one.
    Frame {
        /// Wall-clock milliseconds since the previous frame.
        elapsed_ms: f64,
    },
    /// Select a message in flight for the inspector, by its id.
    SelectMessage(u64),
    /// Have the network lose a message in flight.
    DropMessage(u64),
    /// Have the network deliver a message in flight twice.
    DuplicateMessage(u64),
    /// Replace the run with a recorded one, positioned at its start (an
    /// embedding page's handle), keeping the speed and whether it plays.
    Load(Rc<RunDescription>),
    /// Start a new run with this configuration and seed (the Configuration
    /// panel's Apply), keeping the speed and, if it still exists, the selection.
    Configure {
        /// The new run's configuration.
        config: Config,
        /// The new run's seed.
        seed: u64,
    },
    /// A panel's `<details>` was opened or closed.
    PanelToggled {
        /// Which panel.
        panel: ControlPanel,
        /// Is it open now?
        open: bool,
    },
    /// Open a run file (the Import button or a file dropped on the page),
    /// replacing the run unless the file cannot be opened.
    Import {
        /// The file's name, for messages.
        file_name: String,
        /// The file's text, or why it could not be read.
        text: Result<String, String>,
    },
    /// Load a bundled scenario by id and show its first step.
    LoadScenario(String),
    /// Load a bundled mission by id, at its start, paused.
    LoadMission(String),
    /// Reveal the mission's next hint.
    MissionHint,
    /// Answer the mission's question with this choice.
    MissionAnswer(usize),
    /// Move the playback to the step where the mission's goal was met.
    ReplaySolution,
    /// Leave the mission (the run stays).
    CloseMission,
    /// Show a step of the narration.
    NarrationGo(usize),
    /// The next step (or, off the script, back to the last one).
    NarrationNext,
    /// The previous step.
    NarrationBack,
    /// Leave the script and play freely.
    LeaveScript,
    /// Stop narrating (the run stays).
    CloseScenario,
    /// Hide the last command's error (the next command would replace it anyway).
    DismissError,
    /// Show a message of the browser's (a file it would not save).
    ShowError(String),
    /// Turn presenter mode on or off (the toolbar's Present, the `p` key).
    Present(bool),
    /// Show or hide one panel of presenter mode.
    PresenterPanel(EmbedPanel, bool),
}
