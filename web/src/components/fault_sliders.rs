//! Three sliders for a link's faults: drop and duplicate rates in ‰ and an
//! extra delay in ms. A drag shows its value as it goes but sends one change,
//! on release, so one drag is one command in the run's input log.

use super::form::parse_count;
use super::range_field::RangeField;
use raftlab_core::view::LinkFaults;
use raftlab_core::view::Micros;
use yew::prelude::*;

/// The largest extra delay the slider offers. Why 500 ms: well past the
/// longest default election timeout (300 ms), enough to watch heartbeats
/// arrive too late.
pub const EXTRA_DELAY_MS_MAX: u64 = 500;

/// Probabilities are parts per thousand.
const PER_MILLE_MAX: u64 = 1000;

/// One of the three sliders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultField {
    /// `drop_per_mille`.
    Drop,
    /// `duplicate_per_mille`.
    Duplicate,
    /// `extra_delay_us`, shown in ms.
    ExtraDelay,
}

impl FaultField {
    /// The slider's name: "Drop rate", "Duplicate rate", "Extra delay".
    fn name(self) -> &'static str {
        match self {
            FaultField::Drop => "Drop rate",
            FaultField::Duplicate => "Duplicate rate",
            FaultField::ExtraDelay => "Extra delay",
        }
    }

    /// The slider's position for `faults`.
    fn position(self, faults: &LinkFaults) -> u64 {
        match self {
            FaultField::Drop => u64::from(faults.drop_per_mille),
            FaultField::Duplicate => u64::from(faults.duplicate_per_mille),
            FaultField::ExtraDelay => faults.extra_delay_us / 1_000,
        }
    }

    /// The slider's largest position.
    fn max(self) -> u64 {
        match self {
            FaultField::Drop | FaultField::Duplicate => PER_MILLE_MAX,
            FaultField::ExtraDelay => EXTRA_DELAY_MS_MAX,
        }
    }

    /// The value as read out: "100 ‰", "20 ms".
    fn describe(self, faults: &LinkFaults) -> String {
        match self {
            FaultField::Drop | FaultField::Duplicate => format!("{} ‰", self.position(faults)),
            FaultField::ExtraDelay => format!("{} ms", self.position(faults)),
        }
    }
}

/// `faults` with one field set from a slider's `text`, checked against the
/// slider's range. The other fields (and a latency override) are kept.
pub fn with_fault(faults: LinkFaults, field: FaultField, text: &str) -> Result<LinkFaults, String> {
    let value = parse_count(text, field.name(), 0, field.max())?;
    let mut next = faults;
    match field {
        // The range check above keeps both within 0..=1000.
        FaultField::Drop => next.drop_per_mille = value as u16,
        FaultField::Duplicate => next.duplicate_per_mille = value as u16,
        FaultField::ExtraDelay => next.extra_delay_us = value as Micros * 1_000,
    }
    Ok(next)
}

/// Props of [`FaultSliders`].
#[derive(Properties, Clone, PartialEq)]
pub struct FaultSlidersProps {
    /// The faults in force now.
    pub faults: LinkFaults,
    /// Prefixed to each slider's accessible name ("Link " gives "Link drop
    /// rate"); empty for the network-wide sliders.
    #[prop_or_default]
    pub name_prefix: AttrValue,
    /// Greyed out.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with the new faults when a slider is released.
    pub on_change: Callback<LinkFaults>,
}

/// The three sliders.
#[function_component(FaultSliders)]
pub fn fault_sliders(props: &FaultSlidersProps) -> Html {
    // What a drag in progress shows; `None` shows the faults in force.
    let dragging = use_state(|| None::<LinkFaults>);
    let shown = (*dragging).unwrap_or(props.faults);
    let slider = |field: FaultField| {
        let on_input = {
            let dragging = dragging.clone();
            let faults = props.faults;
            Callback::from(move |text: String| {
                let base = (*dragging).unwrap_or(faults);
                dragging.set(with_fault(base, field, &text).ok());
            })
        };
        let on_change = {
            let dragging = dragging.clone();
            let faults = props.faults;
            let cb = props.on_change.clone();
            Callback::from(move |text: String| {
                dragging.set(None);
                // A value outside the slider's range cannot come from a drag;
                // if the page is scripted into one, nothing is sent.
                if let Ok(next) = with_fault(faults, field, &text) {
                    cb.emit(next);
                }
            })
        };
        let name = if props.name_prefix.is_empty() {
            field.name().to_owned()
        } else {
            format!("{}{}", props.name_prefix, field.name().to_lowercase())
        };
        html! {
            <RangeField label={field.name()} name={name} max={field.max()}
                value={field.position(&shown)} value_text={field.describe(&shown)}
                disabled={props.disabled} on_input={on_input} on_change={on_change} />
        }
    };
    html! {
        <div class="fields">
            { slider(FaultField::Drop) }
            { slider(FaultField::Duplicate) }
            { slider(FaultField::ExtraDelay) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slider_replaces_one_fault_and_keeps_the_rest() {
        let faults = LinkFaults {
            drop_per_mille: 10,
            duplicate_per_mille: 20,
            extra_delay_us: 30_000,
            latency_us: Some((1_000, 2_000)),
        };
        let dropped = with_fault(faults, FaultField::Drop, "250").unwrap();
        assert_eq!(
            dropped,
            LinkFaults {
                drop_per_mille: 250,
                ..faults
            }
        );
        let duplicated = with_fault(faults, FaultField::Duplicate, "1000").unwrap();
        assert_eq!(duplicated.duplicate_per_mille, 1000);
        let delayed = with_fault(faults, FaultField::ExtraDelay, "120").unwrap();
        assert_eq!(delayed.extra_delay_us, 120_000);
        assert_eq!(delayed.latency_us, Some((1_000, 2_000)));
    }

    #[test]
    fn slider_values_out_of_range_are_messages() {
        let faults = LinkFaults::default();
        for (field, bad) in [
            (FaultField::Drop, "1001"),
            (FaultField::Duplicate, "-1"),
            (FaultField::ExtraDelay, "501"),
            (FaultField::Drop, "abc"),
            (FaultField::Drop, ""),
        ] {
            let error = with_fault(faults, field, bad).expect_err(bad);
            assert!(error.starts_with(field.name()), "{error}");
        }
    }

    #[test]
    fn values_read_out_with_their_units() {
        let faults = LinkFaults {
            drop_per_mille: 100,
            duplicate_per_mille: 0,
            extra_delay_us: 20_000,
            latency_us: None,
        };
        assert_eq!(FaultField::Drop.describe(&faults), "100 ‰");
        assert_eq!(FaultField::Duplicate.describe(&faults), "0 ‰");
        assert_eq!(FaultField::ExtraDelay.describe(&faults), "20 ms");
    }
}
