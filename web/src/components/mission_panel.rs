//! Missions: a picker of the bundled missions and, once one is loaded, its
//! brief, its goal as a checklist (each part ticked with the step where it
//! first held), hints revealed one at a time, a "predict" mission's
//! question, and on success the step where the goal was met with a way to
//! replay it. Missions done on this browser carry a tick in the picker.

use super::share_panel::{download, page};
use super::{format_time, sender};
use crate::ui::{missions_done, missions_solved, Action, MissionRun};
use raftlab_core::mission::{self, Outcome};
use yew::prelude::*;

/// Props of [`MissionPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct MissionPanelProps {
    /// The mission being played, if any.
    pub mission: Option<MissionRun>,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The mission being played, or with none only the mission picker (the
/// page puts it in the scenario row).
#[function_component(MissionPanel)]
pub fn mission_panel(props: &MissionPanelProps) -> Html {
    let titles = use_memo((), |_| mission::titles());
    // Read again whenever a mission is solved (the progress changes).
    let solved_now = props.mission.as_ref().and_then(MissionRun::solved);
    let done = use_memo(solved_now, |_| missions_done());
    let current = props.mission.as_ref().map(|m| m.mission.id.clone());
    let picker = html! {
        <>
            { mission_picker(&titles, &done, current.as_deref(), &props.on_action) }
            if !done.is_empty() {
                { export_progress(done.len(), &props.on_action) }
            }
        </>
    };
    let Some(run) = &props.mission else {
        // Idle, it is only the picker, placed in the scenario row.
        return picker;
    };
    let mission = &run.mission;
    html! {
        <section class="panel missions" aria-label="Mission" data-mission={mission.id.clone()}
            data-solved={solved_now.is_some().to_string()}>
            <div class="mission-head">
                { picker }
                <h2>{ mission.title.clone() }</h2>
                <button type="button" aria-label="Close mission"
                    onclick={sender(&props.on_action, Action::CloseMission)}>{ "Close" }</button>
            </div>
            <p class="mission-brief">{ mission.brief.clone() }</p>
            { checklist(run) }
            { question(run, &props.on_action) }
            { outcome(run, &props.on_action) }
            { hints(run, &props.on_action) }
        </section>
    }
}

/// The button that saves the missions solved on this browser, each with
/// the link to its solution, as a file a course can collect.
fn export_progress(solved: usize, on_action: &Callback<Action>) -> Html {
    let on_action = on_action.clone();
    let export = Callback::from(move |_: MouseEvent| {
        let text = mission::progress_file(&missions_solved(&page()));
        if download(PROGRESS_FILE_NAME, &text).is_err() {
            on_action.emit(Action::ShowError(
                "The browser refused to save the file.".to_owned(),
            ));
        }
    });
    html! {
        <button type="button" class="export-progress" onclick={export}
            title="Save the missions solved on this browser, with a link to each solution, as a file">
            { format!("Export progress ({solved} solved)") }
        </button>
    }
}

/// The name an exported progress file is saved under.
const PROGRESS_FILE_NAME: &str = "raftlab-missions.json";

/// The bundled missions to pick from, those done ticked.
fn mission_picker(
    titles: &[(&'static str, &'static str)],
    done: &[String],
    current: Option<&str>,
    on_action: &Callback<Action>,
) -> Html {
    let items: Vec<(String, String)> = titles
        .iter()
        .map(|(id, title)| {
            let tick = if done.iter().any(|d| d == id) {
                "✓ "
            } else {
                ""
            };
            ((*id).to_owned(), format!("{tick}{title}"))
        })
        .collect();
    super::form::library_picker(
        "Mission",
        "— pick a mission —",
        &items,
        current,
        Action::LoadMission,
        on_action,
    )
}

/// The goal's parts, each ticked with the step where it first held.
fn checklist(run: &MissionRun) -> Html {
    html! {
        <ul class="mission-goal" aria-label="Goal">
            { for run.mission.goal.iter().zip(&run.progress.parts).map(|(part, held)| {
                let (mark, when) = match held {
                    Some(position) => ("✓", format!(" (at event {position})")),
                    None => ("○", String::new()),
                };
                html! {
                    <li class={classes!(held.is_some().then_some("held"))}>
                        <span aria-hidden="true">{ mark }</span>{ " " }{ part.label.clone() }<small>{ when }</small>
                    </li>
                }
            }) }
        </ul>
    }
}

/// A "predict" mission's question: its choices until one is picked.
fn question(run: &MissionRun, on_action: &Callback<Action>) -> Html {
    let Some(question) = &run.mission.question else {
        return Html::default();
    };
    let answer = run.progress.answer;
    html! {
        <div class="mission-question" role="group" aria-label="Question">
            <p><strong>{ question.text.clone() }</strong>
                <small>{ format!(" (asked at {})", format_time(question.at_ms * 1_000)) }</small></p>
            <div class="buttons">
                { for question.choices.iter().enumerate().map(|(i, choice)| html! {
                    <button type="button" aria-pressed={(answer == Some(i)).to_string()}
                        class={classes!((answer == Some(i)).then_some("primary"))}
                        disabled={answer.is_some()}
                        onclick={sender(on_action, Action::MissionAnswer(i))}>{ choice.text.clone() }</button>
                }) }
            </div>
            if answer.is_some() && run.progress.outcome.is_none() {
                <p class="hint">{ "Answered: play on to see what happens." }</p>
            }
        </div>
    }
}

/// Success, with the step and a way back to it, or a wrong prediction.
fn outcome(run: &MissionRun, on_action: &Callback<Action>) -> Html {
    match run.progress.outcome {
        Some(Outcome::Solved { position, at }) => html! {
            <div class="mission-outcome solved" role="status">
                <p><strong>{ "Mission solved" }</strong>{ format!(" at event {position} ({}).", format_time(at)) }</p>
                <button type="button" class="primary" aria-label="Replay my solution"
                    onclick={sender(on_action, Action::ReplaySolution)}>{ "Replay my solution" }</button>
                <p class="hint">{ "Share, at that step, links to your solution." }</p>
            </div>
        },
        Some(Outcome::WrongAnswer { happened, position }) => {
            let what = run
                .mission
                .question
                .as_ref()
                .and_then(|q| q.choices.get(happened))
                .map_or(String::new(), |c| c.text.clone());
            html! {
                <div class="mission-outcome wrong" role="status">
                    <p><strong>{ "Not this time" }</strong>{ format!(": at event {position}, {what}.") }</p>
                </div>
            }
        }
        None => Html::default(),
    }
}

/// The hints revealed so far and a button for the next.
fn hints(run: &MissionRun, on_action: &Callback<Action>) -> Html {
    let total = run.mission.hints.len();
    if total == 0 {
        return Html::default();
    }
    html! {
        <div class="mission-hints">
            <ol>
                { for run.mission.hints.iter().take(run.hints_shown).map(|hint| html! { <li>{ hint.clone() }</li> }) }
            </ol>
            if run.hints_shown < total {
                <button type="button" onclick={sender(on_action, Action::MissionHint)}>
                    { format!("Show a hint ({} of {total})", run.hints_shown + 1) }</button>
            }
        </div>
    }
}
