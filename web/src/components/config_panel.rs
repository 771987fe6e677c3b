//! The configuration panel: a draft of the run's [`Config`] and seed, from
//! cluster size and timing to the optional mechanisms, the state machine and
//! the bug switches that deliberately break Raft. Apply checks the draft
//! with [`Config::validate`] and sends it; a problem is shown in the panel.

use super::form::{format_ms, input_checked, input_value, parse_count, parse_ms, Draft};
use super::select_field::SelectField;
use crate::share::ControlPanel;
use crate::ui::Action;
use raftlab_core::session::{BugSwitches, RaftOptions, ReadMode};
use raftlab_core::session::{Config, NODE_COUNT_MAX};
use raftlab_core::view::StateMachine;
use std::rc::Rc;
use yew::prelude::*;

/// The largest snapshot threshold the panel accepts.
pub const SNAPSHOT_EVERY_MAX: u64 = 10_000;
/// The largest flow-control window the panel accepts.
pub const INFLIGHT_APPENDS_MAX: u64 = 64;

/// Props of [`ConfigPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct ConfigPanelProps {
    /// The running configuration; the draft starts from it, and again
    /// whenever it changes.
    pub config: Config,
    /// The running seed.
    pub seed: u64,
    /// Is the panel open? (It tells the app when the user opens or closes it.)
    #[prop_or_default]
    pub open: bool,
    /// Where Apply goes.
    pub on_action: Callback<Action>,
}

/// The configuration as the form holds it: numbers as typed, switches as set.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigDraft {
    /// Servers, 1 to [`NODE_COUNT_MAX`].
    pub node_count: String,
    /// Shortest election timeout, ms.
    pub election_timeout_ms_min: String,
    /// Longest election timeout, ms.
    pub election_timeout_ms_max: String,
    /// Heartbeat interval, ms.
    pub heartbeat_interval_ms: String,
    /// Shortest one-way delay, ms.
    pub latency_ms_min: String,
    /// Longest one-way delay, ms.
    pub latency_ms_max: String,
    /// Snapshot threshold in entries, 0 for never.
    pub snapshot_every: String,
    /// Flow-control window per follower.
    pub max_inflight_appends: String,
    /// The seed.
    pub seed: String,
    /// PreVote, CheckQuorum, read mode and the rest.
    pub raft: RaftOptions,
    /// The rules broken on purpose.
    pub bugs: BugSwitches,
    /// The replicated application.
    pub state_machine: StateMachine,
    /// The configuration the draft started from: fields the panel does not
    /// edit keep its values.
    pub base: Config,
    /// Why the last Apply was refused.
    pub message: Option<String>,
}

impl ConfigDraft {
    /// A draft of `config` and `seed`, unchanged.
    pub fn of(config: &Config, seed: u64) -> ConfigDraft {
        ConfigDraft {
            node_count: config.node_count.to_string(),
            election_timeout_ms_min: format_ms(config.election_timeout_us_min),
            election_timeout_ms_max: format_ms(config.election_timeout_us_max),
            heartbeat_interval_ms: format_ms(config.heartbeat_interval_us),
            latency_ms_min: format_ms(config.latency_us_min),
            latency_ms_max: format_ms(config.latency_us_max),
            snapshot_every: config.snapshot_every.to_string(),
            max_inflight_appends: config.max_inflight_appends.to_string(),
            seed: seed.to_string(),
            raft: config.raft,
            bugs: config.bugs,
            state_machine: config.state_machine,
            base: config.clone(),
            message: None,
        }
    }

    /// The configuration and seed the draft describes, checked as the
    /// simulator would; the first problem otherwise, in words.
    pub fn build(&self) -> Result<(Config, u64), String> {
        let node_count = parse_count(&self.node_count, "Servers", 1, NODE_COUNT_MAX as u64)?;
        let heartbeat_interval_us = parse_ms(&self.heartbeat_interval_ms, "Heartbeat interval")?;
        if heartbeat_interval_us == 0 {
            return Err("Heartbeat interval: must be more than 0 ms".into());
        }
        let config = Config {
            // Range-checked above: at most NODE_COUNT_MAX.
            node_count: node_count as usize,
            election_timeout_us_min: parse_ms(
                &self.election_timeout_ms_min,
                "Election timeout min",
            )?,
            election_timeout_us_max: parse_ms(
                &self.election_timeout_ms_max,
                "Election timeout max",
            )?,
            heartbeat_interval_us,
            latency_us_min: parse_ms(&self.latency_ms_min, "Latency min")?,
            latency_us_max: parse_ms(&self.latency_ms_max, "Latency max")?,
            snapshot_every: parse_count(
                &self.snapshot_every,
                "Snapshot every",
                0,
                SNAPSHOT_EVERY_MAX,
            )?,
            max_inflight_appends: parse_count(
                &self.max_inflight_appends,
                "Max inflight appends",
                1,
                INFLIGHT_APPENDS_MAX,
            )? as usize,
            raft: self.raft,
            bugs: self.bugs,
            state_machine: self.state_machine,
            ..self.base.clone()
        };
        let seed = parse_count(&self.seed, "Seed", 0, u64::MAX)?;
        config.validate().map_err(|e| capitalized(&e.to_string()))?;
        Ok((config, seed))
    }
}

/// A message with its first letter capitalized, as the panel shows them.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A bug switch in plain words, by its field name; `None` for a switch this
/// table does not know yet (it is then shown by its name).
pub fn bug_label(name: &str) -> Option<&'static str> {
    Some(match name {
        "no_request_dedup" => "Run a retried request twice (no client sessions)",
        "skip_prev_log_check" => "Followers accept entries without checking the previous entry",
        "apply_before_commit" => "Apply entries before they are committed",
        "vote_without_log_check" => "Vote for candidates whose logs are behind",
        "forget_vote_on_restart" => "Forget the vote on restart (two votes in one term)",
        "commit_old_terms_by_counting" => {
            "Commit an earlier term's entry by counting copies (Figure 8)"
        }
        "stale_leader_reads" => "Leaders answer reads at once, without checking they still lead",
        "membership_change_before_term_commit" => {
            "Change membership before the leader commits an entry of its term"
        }
        "direct_membership_switch" => "Switch voters directly, without joint consensus",
        _ => return None,
    })
}

/// The read modes the select offers: option value, words, mode.
const READ_MODES: [(&str, &str, ReadMode); 3] = [
    ("log", "through the log", ReadMode::Log),
    ("read-index", "ReadIndex", ReadMode::ReadIndex),
    ("lease", "lease", ReadMode::Lease),
];

/// The state machines the select offers.
const STATE_MACHINES: [(&str, &str, StateMachine); 2] = [
    ("kv", "key-value store", StateMachine::KeyValue),
    ("toy", "toy A/B/C machine", StateMachine::Toy),
];

/// One edit to the draft.
type DraftEdit = Box<dyn FnOnce(&mut ConfigDraft)>;

/// How a checkbox sets its switch in the draft.
type SetSwitch = Rc<dyn Fn(&mut ConfigDraft, bool)>;

/// The configuration form.
#[function_component(ConfigPanel)]
pub fn config_panel(props: &ConfigPanelProps) -> Html {
    let draft = {
        let (config, seed) = (props.config.clone(), props.seed);
        use_reducer(move || Draft(ConfigDraft::of(&config, seed)))
    };
    let edit = {
        let dispatcher = draft.dispatcher();
        move |change: DraftEdit| dispatcher.dispatch(change)
    };
    // A new run (applied here or started elsewhere) starts a fresh draft.
    {
        let edit = edit.clone();
        use_effect_with((props.config.clone(), props.seed), move |(config, seed)| {
            let fresh = ConfigDraft::of(config, *seed);
            edit(Box::new(move |d| *d = fresh));
        });
    }
    let d = &draft.0;

    let text = |label: &'static str,
                name: &'static str,
                value: &str,
                title: &'static str,
                set: fn(&mut ConfigDraft, String)| {
        let edit = edit.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let typed = input_value(&e);
            edit(Box::new(move |d| set(d, typed)))
        });
        html! {
            <label class="field" title={title}>
                <span>{ label }</span>
                <input type="number" class="number" min="0" step="any" aria-label={name}
                    value={value.to_owned()} oninput={oninput} />
            </label>
        }
    };
    let check = |label: &'static str, title: String, checked: bool, set: SetSwitch| {
        let edit = edit.clone();
        let onchange = Callback::from(move |e: Event| {
            let on = input_checked(&e);
            let set = set.clone();
            edit(Box::new(move |d| set(d, on)))
        });
        html! {
            <label class="toggle" title={title}>
                <input type="checkbox" aria-label={label} checked={checked} onchange={onchange} />
                <span>{ label }</span>
            </label>
        }
    };
    let option = |label: &'static str,
                  title: &'static str,
                  get: fn(&RaftOptions) -> bool,
                  set: fn(&mut RaftOptions, bool)| {
        check(
            label,
            title.to_owned(),
            get(&d.raft),
            Rc::new(move |d, on| set(&mut d.raft, on)),
        )
    };
    let bug = |name: &'static str| {
        let mut bugs = d.bugs;
        let checked = bugs.switch_mut(name).is_some_and(|s| *s);
        let label = bug_label(name).unwrap_or(name);
        check(
            label,
            name.to_owned(),
            checked,
            Rc::new(move |d, on| {
                if let Some(switch) = d.bugs.switch_mut(name) {
                    *switch = on;
                }
            }),
        )
    };
    let on_read_mode = {
        let edit = edit.clone();
        Callback::from(move |value: String| {
            if let Some((_, _, mode)) = READ_MODES.iter().find(|(v, _, _)| *v == value) {
                let mode = *mode;
                edit(Box::new(move |d| d.raft.read_mode = mode))
            }
        })
    };
    let on_state_machine = {
        let edit = edit.clone();
        Callback::from(move |value: String| {
            if let Some((_, _, machine)) = STATE_MACHINES.iter().find(|(v, _, _)| *v == value) {
                let machine = *machine;
                edit(Box::new(move |d| d.state_machine = machine))
            }
        })
    };
    let on_new_seed = {
        let edit = edit.clone();
        Callback::from(move |_: MouseEvent| {
            let seed = crate::browser::fresh_seed().to_string();
            edit(Box::new(move |d| d.seed = seed))
        })
    };
    let on_apply = {
        let edit = edit.clone();
        let cb = props.on_action.clone();
        let draft = d.clone();
        Callback::from(move |_: MouseEvent| match draft.build() {
            Ok((config, seed)) => {
                edit(Box::new(|d| d.message = None));
                cb.emit(Action::Configure { config, seed });
            }
            Err(message) => edit(Box::new(move |d| d.message = Some(message))),
        })
    };
    let on_revert = {
        let edit = edit.clone();
        let fresh = ConfigDraft::of(&props.config, props.seed);
        Callback::from(move |_: MouseEvent| {
            let fresh = fresh.clone();
            edit(Box::new(move |d| *d = fresh))
        })
    };
    let read_mode = READ_MODES
        .iter()
        .find(|(_, _, mode)| *mode == d.raft.read_mode)
        .map_or("log", |(value, _, _)| value);
    let machine = STATE_MACHINES
        .iter()
        .find(|(_, _, m)| *m == d.state_machine)
        .map_or("kv", |(value, _, _)| value);
    let changed = ConfigDraft::of(&props.config, props.seed)
        != ConfigDraft {
            message: None,
            ..d.clone()
        };
    let summary = format!(
        "{} servers · seed {}{}",
        props.config.node_count,
        props.seed,
        if props.config.bugs.any() {
            " · Raft deliberately broken"
        } else {
            ""
        }
    );
    html! {
        <details class="panel control-panel" data-panel="config" open={props.open}
            ontoggle={super::on_panel_toggle(ControlPanel::Config, &props.on_action)}>
            <summary><span class="summary-title">{ "Configuration" }</span><small>{ summary }</small></summary>
            // A closed panel draws only its summary: its controls cost nothing
            // while the cluster plays.
            if props.open {
            <p class="hint">{ "Apply changes the running cluster from this instant: a timed command, so rewinding and replaying cross it. A new seed, cluster size or state machine starts a new run instead." }</p>
            <fieldset class="group">
                <legend>{ "Cluster" }</legend>
                <div class="fields">
                    { text("Servers", "Servers", &d.node_count, "1 to 9 servers", |d, t| d.node_count = t) }
                    <label class="field" title="Same seed, same settings, same inputs: the same run">
                        <span>{ "Seed" }</span>
                        <input type="number" class="number seed" min="0" step="1" aria-label="Seed"
                            value={d.seed.clone()} oninput={{
                                let edit = edit.clone();
                                Callback::from(move |e: InputEvent| {
                                    let typed = input_value(&e);
                                    edit(Box::new(move |d| d.seed = typed))
                                })
                            }} />
                    </label>
                    <button type="button" aria-label="New seed" title="Draw a fresh seed (Apply starts it)"
                        onclick={on_new_seed}>{ "New seed" }</button>
                    <SelectField label="State machine" name="State machine"
                        choices={STATE_MACHINES.iter().map(|(v, t, _)| (AttrValue::from(*v), AttrValue::from(*t))).collect::<Vec<_>>()}
                        value={AttrValue::from(machine)} on_change={on_state_machine}
                        title="What the servers replicate: a key-value store, or the toy machine with states A, B and C" />
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{ "Timing (milliseconds)" }</legend>
                <div class="fields">
                    { text("Election timeout min (ms)", "Election timeout min", &d.election_timeout_ms_min,
                        "Each server draws its election timeout between min and max (§5.2)", |d, t| d.election_timeout_ms_min = t) }
                    { text("Election timeout max (ms)", "Election timeout max", &d.election_timeout_ms_max,
                        "Each server draws its election timeout between min and max (§5.2)", |d, t| d.election_timeout_ms_max = t) }
                    { text("Heartbeat interval (ms)", "Heartbeat interval", &d.heartbeat_interval_ms,
                        "A leader's idle time between AppendEntries rounds; shorter than the election timeout", |d, t| d.heartbeat_interval_ms = t) }
                    { text("Latency min (ms)", "Latency min", &d.latency_ms_min,
                        "Each message's one-way delay is drawn between min and max", |d, t| d.latency_ms_min = t) }
                    { text("Latency max (ms)", "Latency max", &d.latency_ms_max,
                        "Each message's one-way delay is drawn between min and max", |d, t| d.latency_ms_max = t) }
                </div>
            </fieldset>
            <fieldset class="group">
                <legend>{ "Mechanisms" }</legend>
                <div class="fields">
                    { option("PreVote", "A server asks whether it could win before raising its term (thesis §9.6)",
                        |o| o.pre_vote, |o, on| o.pre_vote = on) }
                    { option("CheckQuorum", "A leader that hears from no majority steps down; servers ignore elections while a leader is fresh (thesis §6.2)",
                        |o| o.check_quorum, |o, on| o.check_quorum = on) }
                    { option("Fast backtracking", "A rejection names the conflicting term, so a leader skips a term per round trip (§5.3)",
                        |o| o.fast_backtracking, |o, on| o.fast_backtracking = on) }
                    { option("No-op on election", "A new leader appends an entry of its term at once (thesis §6.4)",
                        |o| o.noop_on_election, |o, on| o.noop_on_election = on) }
                    <SelectField label="Read mode" name="Read mode"
                        choices={READ_MODES.iter().map(|(v, t, _)| (AttrValue::from(*v), AttrValue::from(*t))).collect::<Vec<_>>()}
                        value={AttrValue::from(read_mode)} on_change={on_read_mode}
                        title="How a leader answers reads (thesis §6.4); lease needs CheckQuorum" />
                    { text("Snapshot every (entries, 0 = off)", "Snapshot every", &d.snapshot_every,
                        "A server snapshots its state machine after applying this many entries past its last snapshot", |d, t| d.snapshot_every = t) }
                    { text("Max inflight appends", "Max inflight appends", &d.max_inflight_appends,
                        "How many AppendEntries with entries a leader leaves unacknowledged per follower", |d, t| d.max_inflight_appends = t) }
                </div>
            </fieldset>
            <fieldset class="group break-raft">
                <legend>{ "⚠ Break Raft" }</legend>
                <p class="warning-text">{ "Each switch deliberately breaks one rule of Raft, so you can watch the safety and linearizability checkers catch it. Leave them off for a correct cluster." }</p>
                <div class="toggles">
                    { for BugSwitches::NAMES.iter().map(|name| bug(name)) }
                </div>
            </fieldset>
            <div class="fields actions">
                <button type="button" class="primary" aria-label="Apply" onclick={on_apply}>{ "Apply" }</button>
                <button type="button" aria-label="Revert" title="Back to the running configuration"
                    disabled={!changed} onclick={on_revert}>{ "Revert" }</button>
                if changed {
                    <span class="hint">{ "Not applied yet." }</span>
                }
            </div>
            if let Some(message) = d.message.clone() {
                <p class="notice error" role="alert">{ message }</p>
            }
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_of_a_config_builds_it_back() {
        let config = Config {
            node_count: 3,
            latency_us_min: 2_500,
            snapshot_every: 20,
            state_machine: StateMachine::Toy,
            client_timeout_us: 777_000,
            ..Config::default()
        };
        assert_eq!(ConfigDraft::of(&config, 42).build(), Ok((config, 42)));
        let default = Config::default();
        assert_eq!(
            ConfigDraft::of(&default, u64::MAX).build(),
            Ok((default, u64::MAX))
        );
    }

    #[test]
    fn edits_reach_the_config() {
        let mut draft = ConfigDraft::of(&Config::default(), 1);
        draft.node_count = "7".into();
        draft.election_timeout_ms_min = "200".into();
        draft.election_timeout_ms_max = "400.5".into();
        draft.heartbeat_interval_ms = "25".into();
        draft.raft.pre_vote = true;
        draft.raft.check_quorum = true;
        draft.raft.read_mode = ReadMode::Lease;
        draft.bugs.stale_leader_reads = true;
        draft.max_inflight_appends = "1".into();
        draft.seed = "123".into();
        let (config, seed) = draft.build().unwrap();
        assert_eq!(seed, 123);
        assert_eq!(config.node_count, 7);
        assert_eq!(config.election_timeout_us_min, 200_000);
        assert_eq!(config.election_timeout_us_max, 400_500);
        assert_eq!(config.heartbeat_interval_us, 25_000);
        assert!(config.raft.pre_vote && config.raft.check_quorum);
        assert_eq!(config.raft.read_mode, ReadMode::Lease);
        assert!(config.bugs.stale_leader_reads);
        assert_eq!(config.max_inflight_appends, 1);
        assert_eq!(
            config.max_entries_per_append,
            Config::default().max_entries_per_append,
            "fields the panel does not edit are kept"
        );
    }

    #[test]
    fn invalid_input_is_rejected_with_a_message() {
        let base = ConfigDraft::of(&Config::default(), 1);
        type Spoil = fn(&mut ConfigDraft);
        let cases: [(Spoil, &str); 9] = [
            (|d| d.node_count = "10".into(), "Servers"),
            (|d| d.node_count = "".into(), "Servers"),
            (
                |d| d.election_timeout_ms_min = "400".into(),
                "Election timeout",
            ),
            (
                |d| d.election_timeout_ms_min = "0".into(),
                "Election timeout",
            ),
            (|d| d.latency_ms_max = "abc".into(), "Latency max"),
            (
                |d| d.heartbeat_interval_ms = "0".into(),
                "Heartbeat interval",
            ),
            (
                |d| d.heartbeat_interval_ms = "150".into(),
                "heartbeat interval",
            ),
            (|d| d.raft.read_mode = ReadMode::Lease, "CheckQuorum"),
            (|d| d.seed = "-1".into(), "Seed"),
        ];
        for (spoil, named) in cases {
            let mut draft = base.clone();
            spoil(&mut draft);
            let error = draft.build().expect_err(named);
            assert!(error.contains(named), "{named}: {error}");
        }
    }

    #[test]
    fn every_bug_switch_has_a_plain_label() {
        for name in BugSwitches::NAMES {
            let label = bug_label(name).unwrap_or_else(|| panic!("no label for {name}"));
            assert!(!label.contains('_'), "{label}");
        }
        assert_eq!(bug_label("no_such_switch"), None);
    }

    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(capitalized("latency: bad"), "Latency: bad");
        assert_eq!(capitalized(""), "");
    }
}
