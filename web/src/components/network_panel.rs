//! The network panel: partition the servers by clicking them onto side A or
//! B, cut one link one way, and set message faults for the whole network or
//! for one directed link. It reads the cuts and faults in force from the view
//! and sends timed commands.

use super::fault_sliders::FaultSliders;
use super::form::{self, parse_node, Complaint, Draft};
use super::panel::Panel;
use super::select_field::{Choice, SelectField};
use crate::share::ControlPanel;
use crate::ui::{Action, SharedView};
use raftlab_core::session::Command;
use raftlab_core::view::NodeId;
use raftlab_core::view::{ClusterView, LinkFaults};
use std::collections::BTreeSet;
use yew::prelude::*;

/// Props of [`NetworkPanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct NetworkPanelProps {
    /// The cluster now.
    pub view: SharedView,
    /// Is the panel open? (It tells the app when the user opens or closes it.)
    #[prop_or_default]
    pub open: bool,
    /// Where commands go.
    pub on_action: Callback<Action>,
}

/// What the panel's controls hold between renders.
#[derive(Clone, Debug, Default, PartialEq)]
struct NetworkForm {
    /// The servers toggled onto side B; every other server is on side A.
    side_b: BTreeSet<NodeId>,
    /// The link the "Cut link" button cuts, if chosen.
    cut: (Option<NodeId>, Option<NodeId>),
    /// The link whose own faults are edited, if chosen.
    link: (Option<NodeId>, Option<NodeId>),
    /// Why the last button did nothing.
    message: Option<String>,
}

/// The two groups of a partition: the servers on side A, then those on side
/// B, each in id order. Refused unless both sides have a server, since a
/// partition with one group cuts nothing.
pub fn partition_groups(
    servers: &[NodeId],
    side_b: &BTreeSet<NodeId>,
) -> Result<Vec<Vec<NodeId>>, String> {
    let mut sorted = servers.to_vec();
    sorted.sort();
    sorted.dedup();
    let (b, a): (Vec<NodeId>, Vec<NodeId>) = sorted.into_iter().partition(|id| side_b.contains(id));
    if a.is_empty() || b.is_empty() {
        return Err("Put at least one server on each side (click a server to move it to B)".into());
    }
    Ok(vec![a, b])
}

/// A cut link in words: "S1 ↛ S3".
pub fn describe_cut((from, to): (NodeId, NodeId)) -> String {
    format!("{from} ↛ {to}")
}

/// A link's faults in words: "drop 100 ‰, duplicate 0 ‰, extra delay 20 ms".
pub fn describe_faults(faults: &LinkFaults) -> String {
    let mut words = format!(
        "drop {} ‰, duplicate {} ‰, extra delay {} ms",
        faults.drop_per_mille,
        faults.duplicate_per_mille,
        super::form::format_ms(faults.extra_delay_us)
    );
    if let Some((min, max)) = faults.latency_us {
        words.push_str(&format!(
            ", latency {}–{} ms",
            super::form::format_ms(min),
            super::form::format_ms(max)
        ));
    }
    words
}

/// The chosen ends of a link, each falling back to a default server while
/// none is chosen or the chosen one is gone (a new run with fewer servers).
fn ends(chosen: (Option<NodeId>, Option<NodeId>), servers: &[NodeId]) -> (NodeId, NodeId) {
    let pick = |id: Option<NodeId>, fallback: usize| {
        id.filter(|id| servers.contains(id))
            .or_else(|| servers.get(fallback).or(servers.first()).copied())
            .unwrap_or(NodeId(1))
    };
    (pick(chosen.0, 0), pick(chosen.1, 1))
}

/// The select choices naming each server.
fn server_choices(servers: &[NodeId]) -> Vec<Choice> {
    servers
        .iter()
        .map(|id| (id.0.to_string().into(), id.to_string().into()))
        .collect()
}

/// How the panel's parts edit the form and send commands.
type Outbox = form::Outbox<NetworkForm>;

impl Complaint for NetworkForm {
    fn message_mut(&mut self) -> &mut Option<String> {
        &mut self.message
    }
}

/// The partition, link-cut and fault controls.
#[function_component(NetworkPanel)]
pub fn network_panel(props: &NetworkPanelProps) -> Html {
    let view = &props.view.0;
    let form = use_reducer(Draft::<NetworkForm>::default);
    let outbox = Outbox::new(&props.on_action, &form);
    let servers: Vec<NodeId> = view.nodes.iter().map(|n| n.id).collect();
    html! {
        <Panel panel={ControlPanel::Network} title="Network" summary={summary(view)}
            open={props.open} on_action={props.on_action.clone()}>
            if props.open {
                { partition_group(view, &servers, &form.0, &outbox) }
                { cut_group(&servers, &form.0, &outbox) }
                { network_faults_group(view, &outbox) }
                { link_faults_group(view, &servers, &form.0, &outbox) }
                { form::notice(form.0.message.as_deref()) }
            }
        </Panel>
    }
}

/// The summary line: how many links are cut, and the network's faults.
fn summary(view: &ClusterView) -> String {
    format!(
        "{} · {}",
        match view.cut_links.len() {
            0 => "no link cut".to_owned(),
            1 => "1 link cut".to_owned(),
            n => format!("{n} links cut"),
        },
        if view.network_faults == LinkFaults::default() {
            "no faults".to_owned()
        } else {
            describe_faults(&view.network_faults)
        }
    )
}

/// What a link-end select's change does: `set` the server it names.
fn choose(outbox: &Outbox, set: fn(&mut NetworkForm, Option<NodeId>)) -> Callback<String> {
    let outbox = outbox.clone();
    Callback::from(move |value: String| {
        let id = parse_node(&value);
        outbox.edit(move |f| set(f, id))
    })
}

/// A server's side of the partition: a button that moves it to the other.
fn side_toggle(id: NodeId, on_b: bool, outbox: &Outbox) -> Html {
    let onclick = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| {
            outbox.edit(move |f| {
                if !f.side_b.remove(&id) {
                    f.side_b.insert(id);
                }
            })
        })
    };
    let side = if on_b { "B" } else { "A" };
    html! {
        <span class="side-toggle">
            <span class="side-name" aria-hidden="true">{ id.to_string() }</span>
            <button type="button" class="side" data-side={side.to_lowercase()}
                aria-label={format!("Side of {id}")} aria-pressed={on_b.to_string()}
                title={format!("{id} is on side {side}; click to move it")} onclick={onclick}>
                { side }
            </button>
        </span>
    }
}

/// The side toggles, Partition and Heal, and the links cut now.
fn partition_group(
    view: &ClusterView,
    servers: &[NodeId],
    form: &NetworkForm,
    outbox: &Outbox,
) -> Html {
    let on_partition = {
        let (servers, side_b) = (servers.to_vec(), form.side_b.clone());
        let outbox = outbox.clone();
        Callback::from(
            move |_: MouseEvent| match partition_groups(&servers, &side_b) {
                Ok(groups) => outbox.send(Command::Partition { groups }),
                Err(message) => outbox.complain(message),
            },
        )
    };
    let on_heal = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| outbox.send(Command::Heal))
    };
    let toggles = servers
        .iter()
        .map(|&id| side_toggle(id, form.side_b.contains(&id), outbox));
    html! {
        <fieldset class="group">
            <legend>{ "Partition" }</legend>
            <p class="hint">{ "Click a server to move it between side A and side B, then Partition: messages no longer cross between the sides." }</p>
            <div class="sides" role="group" aria-label="Sides of the partition (pressed: side B)" data-tool="partition">
                { for toggles }
            </div>
            <div class="fields">
                <button type="button" aria-label="Partition" data-tool="partition" onclick={on_partition}>{ "Partition" }</button>
                <button type="button" aria-label="Heal" data-tool="heal" title="Restore every cut link" onclick={on_heal}>{ "Heal" }</button>
            </div>
            <p class="cut-links" aria-live="polite">
                if view.cut_links.is_empty() {
                    { "No link is cut." }
                } else {
                    { format!("Cut: {}", view.cut_links.iter().map(|l| describe_cut(*l)).collect::<Vec<_>>().join(", ")) }
                }
            </p>
        </fieldset>
    }
}

/// The two ends of one link and the button that cuts it, one way.
fn cut_group(servers: &[NodeId], form: &NetworkForm, outbox: &Outbox) -> Html {
    let (cut_from, cut_to) = ends(form.cut, servers);
    let on_cut = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| {
            if cut_from == cut_to {
                outbox.complain(format!(
                    "{cut_from} has no link to itself: pick two servers"
                ));
            } else {
                outbox.send(Command::CutLink {
                    from: cut_from,
                    to: cut_to,
                });
            }
        })
    };
    let choices = server_choices(servers);
    html! {
        <fieldset class="group" data-tool="cut-link">
            <legend>{ "Cut one link, one way" }</legend>
            <div class="fields">
                <SelectField label="From" name="Cut from" choices={choices.clone()}
                    value={AttrValue::from(cut_from.0.to_string())} on_change={choose(outbox, |f, id| f.cut.0 = id)} />
                <SelectField label="To" name="Cut to" choices={choices}
                    value={AttrValue::from(cut_to.0.to_string())} on_change={choose(outbox, |f, id| f.cut.1 = id)} />
                <button type="button" aria-label="Cut link"
                    title="Messages from the first server stop reaching the second (the other way still works)"
                    onclick={on_cut}>{ "Cut link" }</button>
            </div>
        </fieldset>
    }
}

/// The sliders for the faults of every link without faults of its own.
fn network_faults_group(view: &ClusterView, outbox: &Outbox) -> Html {
    let on_network_faults = {
        let outbox = outbox.clone();
        Callback::from(move |faults: LinkFaults| outbox.send(Command::SetNetworkFaults { faults }))
    };
    html! {
        <fieldset class="group" data-tool="faults">
            <legend>{ "Faults on every link" }</legend>
            <p class="hint">{ "For links without faults of their own. Drop and duplicate rates are per thousand messages." }</p>
            <FaultSliders faults={view.network_faults} on_change={on_network_faults} />
        </fieldset>
    }
}

/// One directed link's own faults: its ends, its sliders, Reset, and the
/// list of links with faults of their own.
fn link_faults_group(
    view: &ClusterView,
    servers: &[NodeId],
    form: &NetworkForm,
    outbox: &Outbox,
) -> Html {
    let (link_from, link_to) = ends(form.link, servers);
    let own_faults = view
        .link_faults
        .iter()
        .find(|(link, _)| *link == (link_from, link_to))
        .map(|(_, faults)| *faults);
    let same_server = link_from == link_to;
    let set_link = move |faults: Option<LinkFaults>| Command::SetLinkFaults {
        from: link_from,
        to: link_to,
        faults,
    };
    let on_link_faults = {
        let outbox = outbox.clone();
        Callback::from(move |faults: LinkFaults| outbox.send(set_link(Some(faults))))
    };
    let on_reset_link = {
        let outbox = outbox.clone();
        Callback::from(move |_: MouseEvent| outbox.send(set_link(None)))
    };
    let choices = server_choices(servers);
    html! {
        <fieldset class="group" data-tool="faults">
            <legend>{ "Faults on one link" }</legend>
            <div class="fields">
                <SelectField label="From" name="Link from" choices={choices.clone()}
                    value={AttrValue::from(link_from.0.to_string())} on_change={choose(outbox, |f, id| f.link.0 = id)} />
                <SelectField label="To" name="Link to" choices={choices}
                    value={AttrValue::from(link_to.0.to_string())} on_change={choose(outbox, |f, id| f.link.1 = id)} />
                <button type="button" aria-label="Reset link" disabled={own_faults.is_none()}
                    title="The link follows the network's faults again" onclick={on_reset_link}>{ "Reset link" }</button>
            </div>
            if same_server {
                <p class="hint">{ "Pick two different servers." }</p>
            } else {
                <p class="hint">{ format!("{link_from} → {link_to} {}",
                    if own_faults.is_some() { "has faults of its own:" } else { "follows the network:" }) }</p>
            }
            <FaultSliders faults={own_faults.unwrap_or(view.network_faults)} name_prefix="Link "
                disabled={same_server} on_change={on_link_faults} />
            { link_faults_list(view) }
        </fieldset>
    }
}

/// The links with faults of their own, in words; nothing if there are none.
fn link_faults_list(view: &ClusterView) -> Html {
    if view.link_faults.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="link-faults" aria-label="Links with faults of their own">
            { for view.link_faults.iter().map(|((from, to), faults)| html! {
                <li>{ format!("{from} → {to}: {}", describe_faults(faults)) }</li>
            }) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ns: &[u32]) -> Vec<NodeId> {
        ns.iter().copied().map(NodeId).collect()
    }

    #[test]
    fn the_side_toggles_become_two_partition_groups() {
        let servers = ids(&[1, 2, 3, 4, 5]);
        let side_b: BTreeSet<NodeId> = ids(&[4, 2]).into_iter().collect();
        assert_eq!(
            partition_groups(&servers, &side_b),
            Ok(vec![ids(&[1, 3, 5]), ids(&[2, 4])])
        );
        // A toggled server that no longer exists is left out.
        let side_b: BTreeSet<NodeId> = ids(&[5, 9]).into_iter().collect();
        assert_eq!(
            partition_groups(&servers, &side_b),
            Ok(vec![ids(&[1, 2, 3, 4]), ids(&[5])])
        );
    }

    #[test]
    fn a_partition_needs_a_server_on_each_side() {
        let servers = ids(&[1, 2, 3]);
        assert!(partition_groups(&servers, &BTreeSet::new()).is_err());
        let everyone: BTreeSet<NodeId> = servers.iter().copied().collect();
        let error = partition_groups(&servers, &everyone).unwrap_err();
        assert!(error.contains("each side"), "{error}");
    }

    #[test]
    fn cuts_and_faults_read_in_words() {
        assert_eq!(describe_cut((NodeId(1), NodeId(3))), "S1 ↛ S3");
        let faults = LinkFaults {
            drop_per_mille: 100,
            duplicate_per_mille: 0,
            extra_delay_us: 20_000,
            latency_us: Some((1_000, 2_500)),
        };
        assert_eq!(
            describe_faults(&faults),
            "drop 100 ‰, duplicate 0 ‰, extra delay 20 ms, latency 1–2.5 ms"
        );
    }

    #[test]
    fn a_link_end_falls_back_while_unchosen_or_gone() {
        let servers = ids(&[1, 2, 3]);
        assert_eq!(ends((None, None), &servers), (NodeId(1), NodeId(2)));
        assert_eq!(
            ends((Some(NodeId(3)), Some(NodeId(7))), &servers),
            (NodeId(3), NodeId(2))
        );
        assert_eq!(ends((None, None), &ids(&[1])), (NodeId(1), NodeId(1)));
    }
}
