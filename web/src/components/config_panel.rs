//! The configuration panel: a draft of the run's [`Config`] and seed, from
//! cluster size and timing to the optional mechanisms, the state machine and
//! the bug switches that deliberately break Raft. Apply checks the draft
//! with [`Config::validate`] and sends it; a problem is shown in the panel.

use super::form::{self, format_ms, parse_count, parse_ms, Complaint, Draft};
use super::number_field::NumberField;
use super::panel::Panel;
use super::select_field::{Choice, SelectField};
use super::toggle::Toggle;
use crate::share::ControlPanel;
use crate::ui::Action;
use raftlab_core::session::{BugSwitches, DelayModel, RaftOptions, ReadMode};
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
    /// The most a timer fires late, ms (0: on time).
    pub timer_jitter_ms: String,
    /// Shortest disk write, ms.
    pub disk_write_ms_min: String,
    /// Longest disk write, ms (0: writes take no time).
    pub disk_write_ms_max: String,
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
            timer_jitter_ms: format_ms(config.delays.timer_jitter_us_max),
            disk_write_ms_min: format_ms(config.delays.disk_write_us_min),
            disk_write_ms_max: format_ms(config.delays.disk_write_us_max),
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

    /// The timer jitter and disk writes the draft describes.
    fn delays(&self) -> Result<DelayModel, String> {
        Ok(DelayModel {
            timer_jitter_us_max: parse_ms(&self.timer_jitter_ms, "Timer jitter")?,
            disk_write_us_min: parse_ms(&self.disk_write_ms_min, "Disk write min")?,
            disk_write_us_max: parse_ms(&self.disk_write_ms_max, "Disk write max")?,
        })
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
            delays: self.delays()?,
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

/// How the form's parts edit the draft and send Apply.
type Outbox = form::Outbox<ConfigDraft>;

impl Complaint for ConfigDraft {
    fn message_mut(&mut self) -> &mut Option<String> {
        &mut self.message
    }
}

/// The configuration form.
#[function_component(ConfigPanel)]
pub fn config_panel(props: &ConfigPanelProps) -> Html {
    let draft = {
        let (config, seed) = (props.config.clone(), props.seed);
        use_reducer(move || Draft(ConfigDraft::of(&config, seed)))
    };
    let outbox = Outbox::new(&props.on_action, &draft);
    // A new run (applied here or started elsewhere) starts a fresh draft.
    {
        let outbox = outbox.clone();
        use_effect_with((props.config.clone(), props.seed), move |(config, seed)| {
            let fresh = ConfigDraft::of(config, *seed);
            outbox.edit(move |d| *d = fresh);
        });
    }
    html! {
        <Panel panel={ControlPanel::Config} title="Configuration"
            summary={summary(&props.config, props.seed)} open={props.open}
            on_action={props.on_action.clone()}>
            if props.open {
                { config_form(&draft.0, &props.config, props.seed, &outbox) }
            }
        </Panel>
    }
}

/// The summary line: size, seed, and whether Raft is broken on purpose.
fn summary(config: &Config, seed: u64) -> String {
    format!(
        "{} servers · seed {}{}",
        config.node_count,
        seed,
        if config.bugs.any() {
            " · Raft deliberately broken"
        } else {
            ""
        }
    )
}

/// The open panel: the groups of fields, Apply and Revert, and why the last
/// Apply was refused. `running` and `seed` are what runs now.
fn config_form(d: &ConfigDraft, running: &Config, seed: u64, outbox: &Outbox) -> Html {
    html! {
        <>
            <p class="hint">{ "Apply changes the running cluster from this instant: a timed command, so rewinding and replaying cross it. A new seed, cluster size or state machine starts a new run instead." }</p>
            { cluster_group(d, outbox) }
            { timing_group(d, outbox) }
            { mechanisms_group(d, outbox) }
            { bugs_group(d, outbox) }
            { actions(d, running, seed, outbox) }
            { form::notice(d.message.as_deref()) }
        </>
    }
}

/// A number field whose text `set` keeps in the draft. The draft parses it
/// on Apply ([`ConfigDraft::build`]).
fn number(
    outbox: &Outbox,
    label: &'static str,
    unit: Option<&'static str>,
    value: &str,
    hint: &'static str,
    set: fn(&mut ConfigDraft, String),
) -> Html {
    let outbox = outbox.clone();
    let on_input = Callback::from(move |typed: String| outbox.edit(move |d| set(d, typed)));
    html! {
        <NumberField label={label} unit={unit} value={value.to_owned()} step="any" hint={hint}
            on_input={on_input} />
    }
}

/// A checkbox whose state `set` keeps in the draft.
fn switch(
    outbox: &Outbox,
    label: &'static str,
    hint: String,
    checked: bool,
    set: impl Fn(&mut ConfigDraft, bool) + 'static,
) -> Html {
    let set = Rc::new(set);
    let outbox = outbox.clone();
    let on_change = Callback::from(move |on: bool| {
        let set = set.clone();
        outbox.edit(move |d| set(d, on))
    });
    html! { <Toggle label={label} hint={AttrValue::from(hint)} checked={checked} on_change={on_change} /> }
}

/// The select's choices from a table of option value, words and setting.
fn choices<T>(table: &[(&'static str, &'static str, T)]) -> Vec<Choice> {
    table
        .iter()
        .map(|(value, words, _)| (AttrValue::from(*value), AttrValue::from(*words)))
        .collect()
}

/// The option value naming `current` in `table`, `fallback` if none does.
fn chosen<T: PartialEq>(
    table: &[(&'static str, &'static str, T)],
    current: &T,
    fallback: &'static str,
) -> AttrValue {
    let value = table
        .iter()
        .find(|(_, _, setting)| setting == current)
        .map_or(fallback, |(value, _, _)| value);
    AttrValue::from(value)
}

/// What a select's change does: `set` the setting its option value names
/// in `table`; a value the table does not know changes nothing.
fn pick<T: Copy + 'static>(
    outbox: &Outbox,
    table: &'static [(&'static str, &'static str, T)],
    set: fn(&mut ConfigDraft, T),
) -> Callback<String> {
    let outbox = outbox.clone();
    Callback::from(move |value: String| {
        if let Some((_, _, setting)) = table.iter().find(|(v, _, _)| *v == value) {
            let setting = *setting;
            outbox.edit(move |d| set(d, setting))
        }
    })
}

/// Servers, seed and state machine: the settings that start a new run.
fn cluster_group(d: &ConfigDraft, outbox: &Outbox) -> Html {
    let on_seed = {
        let outbox = outbox.clone();
        Callback::from(move |typed: String| outbox.edit(move |d| d.seed = typed))
    };
    let on_new_seed = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| {
            let seed = crate::browser::fresh_seed().to_string();
            outbox.edit(move |d| d.seed = seed)
        })
    };
    html! {
        <fieldset class="group">
            <legend>{ "Cluster" }</legend>
            <div class="fields">
                { number(outbox, "Servers", None, &d.node_count, "1 to 9 servers", |d, t| d.node_count = t) }
                <NumberField label="Seed" value={d.seed.clone()} class="seed"
                    hint="Same seed, same settings, same inputs: the same run" on_input={on_seed} />
                <button type="button" aria-label="New seed" title="Draw a fresh seed (Apply starts it)"
                    onclick={on_new_seed}>{ "New seed" }</button>
                <SelectField label="State machine" name="State machine" choices={choices(&STATE_MACHINES)}
                    value={chosen(&STATE_MACHINES, &d.state_machine, "kv")}
                    on_change={pick(outbox, &STATE_MACHINES, |d, machine| d.state_machine = machine)}
                    title="What the servers replicate: a key-value store, or the toy machine with states A, B and C" />
            </div>
        </fieldset>
    }
}

/// The election timeouts, the heartbeat interval and the network latency.
fn timing_group(d: &ConfigDraft, outbox: &Outbox) -> Html {
    const ELECTION: &str = "Each server draws its election timeout between min and max (§5.2)";
    const LATENCY: &str = "Each message's one-way delay is drawn between min and max";
    const JITTER: &str = "Each timer fires late by up to this much, as scheduling noise makes real servers wake late";
    const DISK: &str =
        "Persisting a term, vote or entries takes this long; the step's messages wait for it";
    let ms = Some("ms");
    html! {
        <fieldset class="group">
            <legend>{ "Timing (milliseconds)" }</legend>
            <div class="fields">
                { number(outbox, "Election timeout min", ms, &d.election_timeout_ms_min, ELECTION,
                    |d, t| d.election_timeout_ms_min = t) }
                { number(outbox, "Election timeout max", ms, &d.election_timeout_ms_max, ELECTION,
                    |d, t| d.election_timeout_ms_max = t) }
                { number(outbox, "Heartbeat interval", ms, &d.heartbeat_interval_ms,
                    "A leader's idle time between AppendEntries rounds; shorter than the election timeout",
                    |d, t| d.heartbeat_interval_ms = t) }
                { number(outbox, "Latency min", ms, &d.latency_ms_min, LATENCY, |d, t| d.latency_ms_min = t) }
                { number(outbox, "Latency max", ms, &d.latency_ms_max, LATENCY, |d, t| d.latency_ms_max = t) }
            </div>
            <p class="hint">{ "Real servers (0 = off, as by default): timers that fire late, and disk writes a vote or new entries wait for before their messages leave." }</p>
            <div class="fields">
                { number(outbox, "Timer jitter", ms, &d.timer_jitter_ms, JITTER, |d, t| d.timer_jitter_ms = t) }
                { number(outbox, "Disk write min", ms, &d.disk_write_ms_min, DISK, |d, t| d.disk_write_ms_min = t) }
                { number(outbox, "Disk write max", ms, &d.disk_write_ms_max, DISK, |d, t| d.disk_write_ms_max = t) }
            </div>
        </fieldset>
    }
}

/// The optional mechanisms, the read mode, snapshots and flow control.
fn mechanisms_group(d: &ConfigDraft, outbox: &Outbox) -> Html {
    let option = |label: &'static str,
                  hint: &'static str,
                  get: fn(&RaftOptions) -> bool,
                  set: fn(&mut RaftOptions, bool)| {
        switch(
            outbox,
            label,
            hint.to_owned(),
            get(&d.raft),
            move |d, on| set(&mut d.raft, on),
        )
    };
    html! {
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
                <SelectField label="Read mode" name="Read mode" choices={choices(&READ_MODES)}
                    value={chosen(&READ_MODES, &d.raft.read_mode, "log")}
                    on_change={pick(outbox, &READ_MODES, |d, mode| d.raft.read_mode = mode)}
                    title="How a leader answers reads (thesis §6.4); lease needs CheckQuorum" />
                { number(outbox, "Snapshot every", Some("entries, 0 = off"), &d.snapshot_every,
                    "A server snapshots its state machine after applying this many entries past its last snapshot",
                    |d, t| d.snapshot_every = t) }
                { number(outbox, "Max inflight appends", None, &d.max_inflight_appends,
                    "How many AppendEntries with entries a leader leaves unacknowledged per follower",
                    |d, t| d.max_inflight_appends = t) }
            </div>
        </fieldset>
    }
}

/// The bug switches, each in plain words with its field name on hover.
fn bugs_group(d: &ConfigDraft, outbox: &Outbox) -> Html {
    let bug = |name: &'static str| {
        let mut bugs = d.bugs;
        let checked = bugs.switch_mut(name).is_some_and(|s| *s);
        let label = bug_label(name).unwrap_or(name);
        html! {
            <div class="bug-switch">
                { switch(outbox, label, name.to_owned(), checked, move |d, on| {
                    if let Some(switch) = d.bugs.switch_mut(name) {
                        *switch = on;
                    }
                }) }
                { shown_by(name, outbox) }
            </div>
        }
    };
    html! {
        <fieldset class="group break-raft">
            <legend>{ "⚠ Break Raft" }</legend>
            <p class="warning-text">{ "Each switch deliberately breaks one rule of Raft, so you can watch the safety and linearizability checkers catch it. Leave them off for a correct cluster." }</p>
            <div class="toggles">
                { for BugSwitches::NAMES.iter().map(|name| bug(name)) }
            </div>
        </fieldset>
    }
}

/// The mission and the scenario that show bug switch `name` at work, as
/// buttons that load them.
fn shown_by(name: &str, outbox: &Outbox) -> Html {
    let missions = raftlab_core::mission::showing_bug(name);
    let scenarios = raftlab_core::scenario::showing_bug(name);
    if missions.is_empty() && scenarios.is_empty() {
        return Html::default();
    }
    let load = |action: Action| {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| outbox.act(action.clone()))
    };
    html! {
        <p class="bug-shown-by">
            { for missions.iter().map(|(id, title)| html! {
                <button type="button" class="link" title="Load this mission"
                    onclick={load(Action::LoadMission((*id).to_owned()))}>{ format!("Mission: {title}") }</button>
            }) }
            { for scenarios.iter().map(|(id, title)| html! {
                <button type="button" class="link" title="Load this scenario"
                    onclick={load(Action::LoadScenario((*id).to_owned()))}>{ format!("Scenario: {title}") }</button>
            }) }
        </p>
    }
}

/// Apply and Revert. `running` and `seed` are what runs now: Revert goes
/// back to them, and is greyed out while the draft is them.
fn actions(d: &ConfigDraft, running: &Config, seed: u64, outbox: &Outbox) -> Html {
    let on_apply = {
        let (outbox, draft) = (outbox.clone(), d.clone());
        Callback::from(move |_: MouseEvent| match draft.build() {
            Ok((config, seed)) => outbox.act(Action::Configure { config, seed }),
            Err(message) => outbox.complain(message),
        })
    };
    let fresh = ConfigDraft::of(running, seed);
    let changed = fresh
        != ConfigDraft {
            message: None,
            ..d.clone()
        };
    let on_revert = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| {
            let fresh = fresh.clone();
            outbox.edit(move |d| *d = fresh)
        })
    };
    html! {
        <div class="fields actions">
            <button type="button" class="primary" aria-label="Apply" data-tool="configure" onclick={on_apply}>{ "Apply" }</button>
            <button type="button" aria-label="Revert" title="Back to the running configuration"
                disabled={!changed} onclick={on_revert}>{ "Revert" }</button>
            if changed {
                <span class="hint">{ "Not applied yet." }</span>
            }
        </div>
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
    fn timer_jitter_and_disk_writes_reach_the_config_and_are_checked() {
        let mut draft = ConfigDraft::of(&Config::default(), 1);
        draft.timer_jitter_ms = "0.5".into();
        draft.disk_write_ms_min = "1".into();
        draft.disk_write_ms_max = "2".into();
        let (config, _) = draft.build().unwrap();
        assert_eq!(
            config.delays,
            DelayModel {
                timer_jitter_us_max: 500,
                disk_write_us_min: 1_000,
                disk_write_us_max: 2_000,
            }
        );
        draft.disk_write_ms_min = "3".into();
        assert!(draft.build().unwrap_err().starts_with("Disk write"));
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
    fn every_bug_switch_names_a_mission_that_shows_it() {
        let unshown: Vec<&str> = BugSwitches::NAMES
            .iter()
            .copied()
            .filter(|name| raftlab_core::mission::showing_bug(name).is_empty())
            .collect();
        assert_eq!(unshown, Vec::<&str>::new());
    }

    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(capitalized("latency: bad"), "Latency: bad");
        assert_eq!(capitalized(""), "");
    }
}
