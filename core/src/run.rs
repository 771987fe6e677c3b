//! A run as a small value: its seed, its configuration and its input log.
//! That is everything needed to rebuild it bit for bit, so it is what gets
//! shared, exported and imported. Two encodings:
//!
//! - JSON, for files people export, keep and edit: an object with
//!   `"format": "raftlab-run"` and a `"version"`, the seed as a decimal string
//!   (JavaScript numbers cannot hold every 64-bit seed), the configuration and
//!   the inputs.
//! - A compact URL-safe token for share links: the format version, a dot, then
//!   base64url (no padding) of the postcard encoding of the seed, the
//!   configuration as JSON holding only the fields that differ from the
//!   defaults, and the input log.
//!
//! Both read configurations written before a field existed (the field takes
//! its default). A [`Command::Configure`](crate::sim::Command::Configure) in
//! the input log carries its configuration the same way: as its changes
//! from the defaults (a JSON string in the token, a JSON object in files). The token's input log follows the field and variant order of
//! [`Command`](crate::sim::Command): new commands may be added at the end,
//! but changing an existing one must bump [`RUN_FORMAT_VERSION`] and keep a
//! decoder for the old version (a test pins a version-1 token).

use crate::format::{brief, check_version, read_json_with_header, HeaderError};
use crate::sim::{
    config_changes_value, config_from_changes, Command, Config, ConfigError, ReplayError,
    Simulation, TimedCommand, INPUTS_MAX,
};
use crate::timeline::Timeline;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version this build writes, and the newest it reads.
pub const RUN_FORMAT_VERSION: u32 = 1;

/// The `format` field of a run file.
const JSON_FORMAT_NAME: &str = "raftlab-run";

/// Everything that determines a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDescription {
    /// The seed every random draw derives from.
    pub seed: u64,
    /// The cluster's configuration.
    pub config: Config,
    /// Every user action, with the instant and event count it came at.
    pub inputs: Vec<TimedCommand>,
}

/// The token's layout (see the module documentation).
#[derive(Serialize, Deserialize)]
struct TokenRun {
    seed: u64,
    config: String,
    inputs: Vec<TimedCommand>,
}

/// The JSON file layout (see the module documentation).
#[derive(Serialize, Deserialize)]
struct RunFile {
    format: String,
    version: u32,
    seed: String,
    config: Config,
    inputs: Vec<TimedCommand>,
}

/// Why a run could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunDecodeError {
    /// Nothing to read.
    Empty,
    /// Not a Raftlab run at all.
    NotARun,
    /// Written by a newer Raftlab, in a format this one does not know.
    FutureVersion(u32),
    /// The link or file ends before the run does.
    Truncated,
    /// A Raftlab run, but damaged: the detail says where.
    Malformed(String),
    /// Well formed, but the configuration cannot run.
    Config(ConfigError),
    /// More inputs than [`INPUTS_MAX`].
    TooManyInputs(usize),
}

impl fmt::Display for RunDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunDecodeError::Empty => f.write_str("the run is empty"),
            RunDecodeError::NotARun => f.write_str("this is not a Raftlab run"),
            RunDecodeError::FutureVersion(v) => write!(
                f,
                "this run was saved by a newer Raftlab (format {v}); this page reads format {RUN_FORMAT_VERSION} and older"
            ),
            RunDecodeError::Truncated => f.write_str("the run is cut short (was it copied or saved whole?)"),
            RunDecodeError::Malformed(detail) => write!(f, "the run is damaged: {detail}"),
            RunDecodeError::Config(e) => write!(f, "the run's configuration is invalid: {e}"),
            RunDecodeError::TooManyInputs(count) => write!(
                f,
                "the run holds {count} inputs; this page replays at most {INPUTS_MAX}"
            ),
        }
    }
}

impl std::error::Error for RunDecodeError {}

impl RunDescription {
    /// The description of `sim`'s run so far.
    pub fn of(sim: &Simulation) -> RunDescription {
        RunDescription {
            seed: sim.seed(),
            config: sim.config().clone(),
            inputs: sim.inputs().to_vec(),
        }
    }

    /// The description of a timeline's whole recorded run, including inputs
    /// after its playback position.
    pub fn of_timeline(timeline: &Timeline) -> RunDescription {
        RunDescription {
            seed: timeline.sim().seed(),
            config: timeline.sim().config().clone(),
            inputs: timeline.recorded_inputs().to_vec(),
        }
    }

    /// Rebuilds the run on a timeline positioned at its last input; an input
    /// log that does not fit the run is an error, never a panic.
    pub fn to_timeline(&self) -> Result<Timeline, ReplayError> {
        Timeline::replay(self.seed, self.config.clone(), self.inputs.clone())
    }

    /// The run as a JSON document (pretty-printed, for files).
    pub fn to_json(&self) -> String {
        let file = RunFile {
            format: JSON_FORMAT_NAME.to_owned(),
            version: RUN_FORMAT_VERSION,
            seed: self.seed.to_string(),
            config: self.config.clone(),
            inputs: self.inputs.clone(),
        };
        serde_json::to_string_pretty(&file).expect("a run always serializes")
    }

    /// Reads a run from JSON written by [`RunDescription::to_json`].
    pub fn from_json(text: &str) -> Result<RunDescription, RunDecodeError> {
        let value = read_json_with_header(text, JSON_FORMAT_NAME, RUN_FORMAT_VERSION)
            .map_err(header_error)?;
        let file: RunFile =
            serde_json::from_value(value).map_err(|e| RunDecodeError::Malformed(brief(e)))?;
        let seed = file.seed.parse().map_err(|_| {
            RunDecodeError::Malformed(format!(
                "seed {:?} is not a whole number",
                brief(&file.seed)
            ))
        })?;
        let run = RunDescription {
            seed,
            config: file.config,
            inputs: file.inputs,
        };
        run.validated()
    }

    /// The run as a compact URL-safe token: `1.` then base64url.
    pub fn to_url_token(&self) -> String {
        let token = TokenRun {
            seed: self.seed,
            config: config_changes(&self.config),
            inputs: self.inputs.clone(),
        };
        let bytes = postcard::to_allocvec(&token).expect("a run always serializes");
        format!("{RUN_FORMAT_VERSION}.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Reads a token written by [`RunDescription::to_url_token`].
    pub fn from_url_token(token: &str) -> Result<RunDescription, RunDecodeError> {
        let token = token.trim();
        if token.is_empty() {
            return Err(RunDecodeError::Empty);
        }
        let (version, payload) = token.split_once('.').ok_or(RunDecodeError::NotARun)?;
        let version: u64 = version.parse().map_err(|_| RunDecodeError::NotARun)?;
        check_version(version, RUN_FORMAT_VERSION).map_err(header_error)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|e| match e {
            // What a link cut at an arbitrary character looks like.
            DecodeError::InvalidLength(_) | DecodeError::InvalidLastSymbol { .. } => {
                RunDecodeError::Truncated
            }
            other => RunDecodeError::Malformed(format!("not base64url ({other})")),
        })?;
        let (token, rest): (TokenRun, &[u8]) =
            postcard::take_from_bytes(&bytes).map_err(|e| match e {
                postcard::Error::DeserializeUnexpectedEnd => RunDecodeError::Truncated,
                other => RunDecodeError::Malformed(brief(other)),
            })?;
        if !rest.is_empty() {
            return Err(RunDecodeError::Malformed(format!(
                "{} bytes after the end of the run",
                rest.len()
            )));
        }
        let run = RunDescription {
            seed: token.seed,
            config: config_with_changes(&token.config)?,
            inputs: token.inputs,
        };
        run.validated()
    }

    /// Checks what decoding alone does not: the configuration, the number
    /// of inputs and the length of every key and value.
    fn validated(self) -> Result<RunDescription, RunDecodeError> {
        self.config.validate().map_err(RunDecodeError::Config)?;
        if self.inputs.len() > INPUTS_MAX {
            return Err(RunDecodeError::TooManyInputs(self.inputs.len()));
        }
        for (number, input) in self.inputs.iter().enumerate() {
            if let Command::ClientRequest { op, .. } = &input.command {
                op.check_lengths()
                    .map_err(|e| RunDecodeError::Malformed(format!("input {}: {e}", number + 1)))?;
            }
        }
        Ok(self)
    }
}

/// The configuration as JSON with only the fields that differ from the
/// defaults (`{}` for the default configuration).
fn config_changes(config: &Config) -> String {
    config_changes_value(config).to_string()
}

/// The default configuration with `changes` (from [`config_changes`]) laid over it.
fn config_with_changes(changes: &str) -> Result<Config, RunDecodeError> {
    serde_json::from_str(changes)
        .and_then(config_from_changes)
        .map_err(|e| RunDecodeError::Malformed(format!("configuration: {}", brief(e))))
}

/// What a header that is not a readable run's means for a run.
fn header_error(error: HeaderError) -> RunDecodeError {
    match error {
        HeaderError::Empty => RunDecodeError::Empty,
        HeaderError::Truncated => RunDecodeError::Truncated,
        HeaderError::NotJson(_) | HeaderError::WrongFormat => RunDecodeError::NotARun,
        HeaderError::VersionMissing | HeaderError::VersionNotWhole => {
            RunDecodeError::Malformed("no format version".into())
        }
        HeaderError::VersionZero => {
            RunDecodeError::Malformed("format version 0 does not exist".into())
        }
        HeaderError::FutureVersion(v) => {
            RunDecodeError::FutureVersion(u32::try_from(v).unwrap_or(u32::MAX))
        }
    }
}
