//! A configuration as its changes from the defaults: how run tokens, run
//! files and scenario files write one, so that fields added to [`Config`]
//! later take their defaults and older links keep loading.

use super::config::Config;

/// The fields of `config` that differ from the defaults, as a JSON object
/// (nested objects keep only their own changed fields).
pub(crate) fn config_changes_value(config: &Config) -> serde_json::Value {
    let defaults = serde_json::to_value(Config::default()).expect("a config always serializes");
    let mut changes = serde_json::to_value(config).expect("a config always serializes");
    strip_equal(&mut changes, &defaults);
    changes
}

/// Removes from `value` every object field equal to the one in `defaults`.
fn strip_equal(value: &mut serde_json::Value, defaults: &serde_json::Value) {
    if let (Some(fields), Some(default_fields)) = (value.as_object_mut(), defaults.as_object()) {
        fields.retain(|key, field| default_fields.get(key) != Some(field));
        for (key, field) in fields.iter_mut() {
            if let Some(default) = default_fields.get(key) {
                strip_equal(field, default);
            }
        }
    }
}

/// The default configuration with the fields of `changes` (from
/// [`config_changes_value`]) laid over it.
pub(crate) fn config_from_changes(changes: serde_json::Value) -> Result<Config, serde_json::Error> {
    let mut config = serde_json::to_value(Config::default()).expect("a config always serializes");
    overlay(&mut config, changes);
    serde_json::from_value(config)
}

/// Serde for a configuration carried inside a command
/// ([`Command::Configure`](crate::sim::Command::Configure)), as the token
/// carries the run's own: only the fields that differ from the defaults, as
/// JSON. Postcard would write a `Config` field by field, so a field added
/// later would make every older link unreadable; the changes as a JSON
/// string stay readable, missing fields taking their defaults. Human-readable
/// formats (run files) get the changes as a JSON object, not a string, so
/// people can read and edit them.
pub(crate) mod config_as_changes {
    use super::{config_changes_value, config_from_changes, Config};
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes the changes from the defaults.
    pub(crate) fn serialize<S: Serializer>(
        config: &Config,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let changes = config_changes_value(config);
        if serializer.is_human_readable() {
            changes.serialize(serializer)
        } else {
            serializer.serialize_str(&changes.to_string())
        }
    }

    /// Reads the changes and lays them over the defaults.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Box<Config>, D::Error> {
        let changes = if deserializer.is_human_readable() {
            serde_json::Value::deserialize(deserializer)?
        } else {
            let text = String::deserialize(deserializer)?;
            serde_json::from_str(&text).map_err(D::Error::custom)?
        };
        config_from_changes(changes)
            .map(Box::new)
            .map_err(|e| D::Error::custom(format!("configuration: {e}")))
    }
}

/// Lays `changes` over `base`: objects field by field, anything else replacing.
fn overlay(base: &mut serde_json::Value, changes: serde_json::Value) {
    match (base.as_object_mut(), changes) {
        (Some(fields), serde_json::Value::Object(changed)) => {
            for (key, value) in changed {
                match fields.get_mut(&key) {
                    Some(field) => overlay(field, value),
                    None => {
                        fields.insert(key, value);
                    }
                }
            }
        }
        (_, changes) => *base = changes,
    }
}
