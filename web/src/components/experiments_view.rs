//! The Experiments view: runs an election experiment (the Raft paper's
//! Figure 16, the thesis's split votes or WAN figures) in time slices, so
//! the page keeps answering, and draws each line's CDF on a log time axis
//! beside the published figures, with a table and links that open any
//! line's median or worst trial in the playground.

use super::form::{input_value, select_value, Draft};
use crate::experiments::{trial_query, ExperimentForm, Preset, Published, LINES_MAX};
use crate::params;
use crate::ui::Action;
use raftlab_core::experiment::{Experiment, Line, Measure, Summary};
use raftlab_core::raft::Micros;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The longest a slice of trials runs before the page gets the main thread
/// back (a long task is 50 ms).
const SLICE_MS: f64 = 12.0;

/// The plot's size in SVG units, and its margins.
const PLOT_WIDTH: f64 = 640.0;
const PLOT_HEIGHT: f64 = 300.0;
const PLOT_LEFT: f64 = 46.0;
const PLOT_RIGHT: f64 = 26.0;
const PLOT_TOP: f64 = 10.0;
const PLOT_BOTTOM: f64 = 34.0;
/// The most points a line's curve is drawn with.
const CURVE_POINTS_MAX: usize = 240;

/// Props of [`ExperimentsView`].
#[derive(Properties, Clone, PartialEq)]
pub struct ExperimentsViewProps {
    /// The form it opens with (from a link, or the default).
    pub initial: ExperimentForm,
    /// Start running at once (opened from an experiment link).
    #[prop_or_default]
    pub autorun: bool,
    /// Where "Back to the cluster" goes.
    pub on_action: Callback<Action>,
    /// Where its links lead: this page, or (embedded) the full page.
    #[prop_or_default]
    pub links: LinkBase,
}

/// Where the view's links (a trial, the experiment itself) lead.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LinkBase {
    /// This page, the full playground: a link is a query (`?run=…`), and
    /// "Back to the cluster" is offered.
    #[default]
    ThisPage,
    /// The full page at this address, in a new tab: the view is embedded.
    FullPage(AttrValue),
    /// Nowhere: embedded by a host page that gave no `link`.
    Nowhere,
}

impl LinkBase {
    /// The address for `query` (`?run=…`), if links lead anywhere.
    fn href(&self, query: &str) -> Option<String> {
        match self {
            LinkBase::ThisPage => Some(query.to_owned()),
            LinkBase::FullPage(page) => Some(params::open_href(page, query)),
            LinkBase::Nowhere => None,
        }
    }

    /// Where a link opens: a new tab from an embed.
    fn target(&self) -> Option<AttrValue> {
        (*self != LinkBase::ThisPage).then_some(AttrValue::Static("_blank"))
    }
}

/// The experiment being run, and which run of the form it is (a new run or
/// Cancel moves `generation` on, which stops the slices of the old one).
#[derive(Default)]
struct Runner {
    experiment: Option<Experiment>,
    generation: u32,
    cancelled: bool,
}

/// The Experiments view.
#[function_component(ExperimentsView)]
pub fn experiments_view(props: &ExperimentsViewProps) -> Html {
    let form = use_reducer(|| Draft(props.initial.clone()));
    let runner = use_mut_ref(Runner::default);
    let revision = use_state(|| 0u64);
    let error = use_state(|| None::<String>);
    let start = {
        let (form, runner, revision, error) = (
            form.clone(),
            runner.clone(),
            revision.setter(),
            error.clone(),
        );
        Callback::from(move |()| match form.0.build() {
            Ok(experiment) => {
                error.set(None);
                start_run(&runner, experiment, revision.clone());
            }
            Err(e) => error.set(Some(e)),
        })
    };
    {
        let start = start.clone();
        use_effect_with(props.autorun, move |&autorun| {
            if autorun {
                start.emit(());
            }
        });
    }
    let cancel = {
        let (runner, revision) = (runner.clone(), revision.clone());
        Callback::from(move |_: MouseEvent| {
            let mut r = runner.borrow_mut();
            r.generation += 1;
            r.cancelled = r.experiment.as_ref().is_some_and(|e| !e.is_finished());
            revision.set(*revision + 1);
        })
    };
    let r = runner.borrow();
    let running = r
        .experiment
        .as_ref()
        .is_some_and(|e| !e.is_finished() && !r.cancelled);
    html! {
        <section class="panel experiments-view" aria-label="Experiments"
            data-running={running.to_string()}>
            <div class="experiments-head">
                <h2>{ "Experiments" }<small>{ "the paper's election-timing results, reproduced here" }</small></h2>
                if props.links == LinkBase::ThisPage {
                    <button type="button" onclick={props.on_action.reform(|_| Action::CloseExperiments)}>
                        { "← Back to the cluster" }</button>
                }
            </div>
            { form_fields(&form, running, start.reform(|_: MouseEvent| ()), cancel, &props.links) }
            if let Some(e) = &*error {
                <p class="notice error" role="alert">{ e.clone() }</p>
            }
            if let Some(experiment) = &r.experiment {
                { progress(experiment, running, r.cancelled) }
                { results(experiment, form.0.preset, &props.links) }
            }
        </section>
    }
}

/// Starts `experiment` in slices, each bumping `revision` so the view redraws.
fn start_run(runner: &Rc<RefCell<Runner>>, experiment: Experiment, revision: UseStateSetter<u64>) {
    let generation = {
        let mut r = runner.borrow_mut();
        r.generation += 1;
        r.experiment = Some(experiment);
        r.cancelled = false;
        r.generation
    };
    let runner = runner.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut slices = 0u64;
        loop {
            let finished = {
                let mut r = runner.borrow_mut();
                if r.generation != generation {
                    return;
                }
                let Some(experiment) = r.experiment.as_mut() else {
                    return;
                };
                let began = js_sys::Date::now();
                while !experiment.is_finished() && js_sys::Date::now() - began < SLICE_MS {
                    experiment.run_trials(1);
                }
                experiment.is_finished()
            };
            slices += 1;
            revision.set(slices);
            if finished {
                return;
            }
            yield_to_browser().await;
        }
    });
}

/// Lets the browser run its other tasks (input, rendering) before going on:
/// a message to ourselves, which unlike a timer is not held back 4 ms.
async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(resolve.unchecked_ref()));
        // A failed post leaves the promise pending: resolve it at once.
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    channel.port1().set_onmessage(None);
}

/// The preset picker, the parameters, the timeout lines, and Run / Cancel.
fn form_fields(
    form: &UseReducerHandle<Draft<ExperimentForm>>,
    running: bool,
    run: Callback<MouseEvent>,
    cancel: Callback<MouseEvent>,
    links: &LinkBase,
) -> Html {
    let edit = form.dispatcher();
    let set = |update: fn(&mut ExperimentForm, String)| {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            let value = input_value(&e);
            edit.dispatch(Box::new(move |f: &mut ExperimentForm| update(f, value)));
        })
    };
    let on_preset = {
        let edit = edit.clone();
        Callback::from(move |e: Event| {
            if let Some(preset) = Preset::from_name(&select_value(&e)) {
                edit.dispatch(Box::new(move |f: &mut ExperimentForm| {
                    *f = ExperimentForm {
                        seed: f.seed.clone(),
                        ..ExperimentForm::for_preset(preset)
                    };
                }));
            }
        })
    };
    let field = |label: &'static str,
                 hint: &'static str,
                 value: &str,
                 onchange: Callback<Event>| {
        html! {
            <label class="experiment-field" title={hint}>
                <span>{ label }</span>
                <input type="text" inputmode="decimal" aria-label={label} value={value.to_owned()}
                    placeholder="preset" {onchange} />
            </label>
        }
    };
    let form = &form.0;
    html! {
        <div class="experiment-form">
            <label class="experiment-field preset">
                <span>{ "Experiment" }</span>
                <select aria-label="Experiment" onchange={on_preset}>
                    { for Preset::ALL.iter().map(|p| html! {
                        <option value={p.name()} selected={*p == form.preset}>{ p.title() }</option>
                    }) }
                </select>
            </label>
            { timeout_lines(form, &edit) }
            { field("Trials per line", "How many trials each line runs (the paper: 1,000)", &form.trials, set(|f, v| f.trials = v)) }
            { field("Latency (ms)", "One-way network delay, MIN-MAX", &form.latency, set(|f, v| f.latency = v)) }
            { field("Disk write (ms)", "How long persisting a vote or entries takes, MIN-MAX", &form.disk, set(|f, v| f.disk = v)) }
            { field("Timer jitter (ms)", "The most a timer fires late", &form.jitter, set(|f, v| f.jitter = v)) }
            { field("Servers", "Cluster size, 3 to 9", &form.nodes, set(|f, v| f.nodes = v)) }
            { field("Eligible candidates", "How many survivors hold the longest log and so can win (the paper: about 2 of 4)", &form.eligible, set(|f, v| f.eligible = v)) }
            { field("Seed", "Every trial is drawn from it: the same seed, the same results", &form.seed, set(|f, v| f.seed = v)) }
            <div class="buttons">
                <button type="button" class="primary" onclick={run}>{ if running { "Restart" } else { "Run" } }</button>
                <button type="button" onclick={cancel} disabled={!running}>{ "Cancel" }</button>
                if let Some(href) = links.href(&form.to_query()) {
                    <a class="experiment-link" {href} target={links.target()}>{ "Link to this experiment" }</a>
                }
            </div>
        </div>
    }
}

/// The election timeout of each line, `MIN-MAX` ms, with a button to remove
/// each (the last one stays) and one to add a line.
fn timeout_lines(
    form: &ExperimentForm,
    edit: &UseReducerDispatcher<Draft<ExperimentForm>>,
) -> Html {
    let count = form.timeouts.len();
    let line = |i: usize, text: &String| {
        let onchange = {
            let edit = edit.clone();
            Callback::from(move |e: Event| {
                let value = input_value(&e);
                edit.dispatch(Box::new(move |f: &mut ExperimentForm| {
                    if let Some(t) = f.timeouts.get_mut(i) {
                        *t = value;
                    }
                }));
            })
        };
        let remove = {
            let edit = edit.clone();
            Callback::from(move |_: MouseEvent| {
                edit.dispatch(Box::new(move |f: &mut ExperimentForm| {
                    if i < f.timeouts.len() && f.timeouts.len() > 1 {
                        f.timeouts.remove(i);
                    }
                }));
            })
        };
        html! {
            <li class="timeout-line" data-line-index={i.to_string()}>
                <input type="text" inputmode="decimal" aria-label={format!("Timeout line {}", i + 1)}
                    value={text.clone()} placeholder="MIN-MAX, e.g. 150-300" {onchange} />
                <button type="button" class="remove" aria-label={format!("Remove line {}", i + 1)}
                    title="Remove this line" disabled={count <= 1} onclick={remove}>{ "×" }</button>
            </li>
        }
    };
    let add = {
        let edit = edit.clone();
        Callback::from(move |_: MouseEvent| {
            edit.dispatch(Box::new(|f: &mut ExperimentForm| {
                if f.timeouts.len() < LINES_MAX {
                    f.timeouts.push(String::new());
                }
            }));
        })
    };
    html! {
        <fieldset class="experiment-field timeouts">
            <legend title="One line per election timeout range, MIN-MAX milliseconds (the split-vote and WAN lines run with each)">
                { "Election timeouts (ms)" }</legend>
            <ol>{ for form.timeouts.iter().enumerate().map(|(i, t)| line(i, t)) }</ol>
            <button type="button" class="add" onclick={add} disabled={count >= LINES_MAX}
                title={format!("At most {LINES_MAX} lines")}>{ "+ Add line" }</button>
        </fieldset>
    }
}

/// The progress bar and what it counts.
fn progress(experiment: &Experiment, running: bool, cancelled: bool) -> Html {
    let (done, total) = (experiment.done(), experiment.total());
    let status = if cancelled {
        format!("Cancelled after {done} of {total} trials.")
    } else if running {
        format!("Running: {done} of {total} trials.")
    } else {
        format!("Done: {total} trials.")
    };
    html! {
        <p class="experiment-progress" data-done={done.to_string()} data-total={total.to_string()}>
            <progress max={total.to_string()} value={done.to_string()} aria-label="Trials run"></progress>
            <span role="status">{ status }</span>
        </p>
    }
}

/// The plot and the table.
fn results(experiment: &Experiment, preset: Preset, links: &LinkBase) -> Html {
    let summaries: Vec<Summary> = (0..experiment.lines().len())
        .map(|i| experiment.summary(i))
        .collect();
    html! {
        <>
            { plot(experiment.lines(), &summaries, preset) }
            { table(experiment, &summaries, links) }
        </>
    }
}

/// Where a time falls on the plot's log axis.
fn x_of(us: Micros, (min, max): (Micros, Micros)) -> f64 {
    let span = (max as f64).log10() - (min as f64).log10();
    let at = ((us.max(1) as f64).log10() - (min as f64).log10()) / span;
    PLOT_LEFT + at.clamp(0.0, 1.0) * (PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT)
}

/// Where a share of trials falls on the plot's vertical axis.
fn y_of(fraction: f64) -> f64 {
    PLOT_TOP + (1.0 - fraction.clamp(0.0, 1.0)) * (PLOT_HEIGHT - PLOT_TOP - PLOT_BOTTOM)
}

/// A time for an axis label: "10 ms", "1 s".
fn axis_label(us: Micros) -> String {
    if us >= 1_000_000 {
        format!("{} s", us / 1_000_000)
    } else {
        format!("{} ms", us / 1_000)
    }
}

/// One line's CDF as an SVG polyline's points, at most [`CURVE_POINTS_MAX`].
fn curve(summary: &Summary, axis: (Micros, Micros)) -> String {
    let n = summary.sorted_us.len();
    let stride = n.div_ceil(CURVE_POINTS_MAX).max(1);
    let mut points = Vec::new();
    for (i, &us) in summary.sorted_us.iter().enumerate() {
        if i % stride == 0 || i + 1 == n {
            let x = x_of(us, axis);
            points.push(format!("{x:.1},{:.1}", y_of(i as f64 / n as f64)));
            points.push(format!("{x:.1},{:.1}", y_of((i + 1) as f64 / n as f64)));
        }
    }
    points.join(" ")
}

/// The CDF plot: one curve per line, the published figures as marks.
fn plot(lines: &[Line], summaries: &[Summary], preset: Preset) -> Html {
    let axis = preset.axis_us();
    let mut decades = Vec::new();
    let mut tick = 1_000u64;
    while tick <= axis.1 {
        if tick >= axis.0 {
            decades.push(tick);
        }
        tick *= 10;
    }
    // A published figure is marked only beside a line of its range.
    let published: Vec<(usize, Published)> = preset
        .published()
        .into_iter()
        .filter_map(|p| Some((lines.iter().position(|l| l.label == p.line)?, p)))
        .collect();
    let mark = |(index, p): &(usize, Published)| {
        html! {
            <g class={classes!("published", format!("l{}", index % 6))}>
                <title>{ p.text }</title>
                <circle cx={format!("{:.1}", x_of(p.at_us, axis))} cy={format!("{:.1}", y_of(p.fraction))} r="5" />
            </g>
        }
    };
    let bottom = PLOT_HEIGHT - PLOT_BOTTOM;
    html! {
        <figure class="cdf">
            <svg viewBox={format!("0 0 {PLOT_WIDTH} {PLOT_HEIGHT}")} role="img"
                aria-label="Cumulative share of trials by time without a leader (log time axis)">
                { for [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|&f| html! {
                    <g class="grid">
                        <line x1={PLOT_LEFT.to_string()} x2={(PLOT_WIDTH - PLOT_RIGHT).to_string()}
                            y1={format!("{:.1}", y_of(f))} y2={format!("{:.1}", y_of(f))} />
                        <text x={(PLOT_LEFT - 6.0).to_string()} y={format!("{:.1}", y_of(f) + 4.0)} class="y-label">
                            { format!("{}%", (f * 100.0) as u32) }</text>
                    </g>
                }) }
                { for decades.iter().map(|&d| html! {
                    <g class="grid">
                        <line x1={format!("{:.1}", x_of(d, axis))} x2={format!("{:.1}", x_of(d, axis))}
                            y1={PLOT_TOP.to_string()} y2={bottom.to_string()} />
                        <text x={format!("{:.1}", x_of(d, axis))} y={(bottom + 16.0).to_string()} class="x-label">
                            { axis_label(d) }</text>
                    </g>
                }) }
                { for summaries.iter().enumerate().filter(|(_, s)| s.trials > 0).map(|(i, s)| html! {
                    <polyline class={classes!("cdf-line", format!("l{}", i % 6))} data-line={lines[i].label.clone()}
                        points={curve(s, axis)} />
                }) }
                { for published.iter().map(mark) }
            </svg>
            <figcaption>
                { for lines.iter().enumerate().map(|(i, l)| html! {
                    <span class={classes!("key", format!("l{}", i % 6))}>{ l.label.clone() }</span>
                }) }
                if !published.is_empty() {
                    <span class="key published-key">{ "○ stated in the paper or thesis (hover for the words)" }</span>
                }
            </figcaption>
        </figure>
    }
}

/// Milliseconds with one decimal.
fn ms(us: f64) -> String {
    format!("{:.1}", us / 1_000.0)
}

/// The table: statistics per line and links to its median and worst trial.
fn table(experiment: &Experiment, summaries: &[Summary], links: &LinkBase) -> Html {
    let split = experiment.measure() == Measure::SplitVote;
    let open = |line: usize, trial: Option<u32>, text: &'static str| match trial
        .and_then(|t| trial_query(experiment, line, t))
        .and_then(|query| links.href(&query))
    {
        Some(href) => html! {
            <a {href} target={links.target()}
                title="Open this trial in the playground, at the instant the leader is down">{ text }</a>
        },
        None => html! {},
    };
    html! {
        <table class="experiment-table">
            <thead><tr>
                <th>{ "line" }</th><th>{ "trials" }</th><th>{ "capped" }</th><th>{ "min" }</th>
                <th>{ "mean" }</th><th>{ "median" }</th><th>{ "p90" }</th><th>{ "p99" }</th>
                <th>{ "max (ms)" }</th><th>{ "split votes" }</th>
                if split { <th>{ "closed form" }</th> }
                <th>{ "open" }</th>
            </tr></thead>
            <tbody>
                { for experiment.lines().iter().zip(summaries).enumerate().map(|(i, (line, s))| html! {
                    <tr data-line={line.label.clone()}>
                        <th scope="row">{ line.label.clone() }</th>
                        <td>{ s.trials }</td><td>{ s.capped }</td>
                        <td>{ ms(s.min_us as f64) }</td><td>{ ms(s.mean_us) }</td>
                        <td data-median-us={s.median_us.to_string()}>{ ms(s.median_us as f64) }</td>
                        <td>{ ms(s.p90_us as f64) }</td><td>{ ms(s.p99_us as f64) }</td>
                        <td>{ ms(s.max_us as f64) }</td>
                        <td>{ format!("{:.2} %", 100.0 * s.split_vote_rate()) }</td>
                        if split { <td>{ format!("{:.2} %", 100.0 * line.setup.split_vote_closed_form()) }</td> }
                        <td class="open">{ open(i, s.median_trial, "median") }{ " " }{ open(i, s.worst_trial, "worst") }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
