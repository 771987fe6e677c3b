//! The header every Raftlab JSON file opens with: a `"format"` naming what
//! the file holds (`"raftlab-run"`, `"raftlab-scenario"`) and the
//! `"version"` of that format. Run files and scenario files check it here,
//! the same way, and each turns a [`HeaderError`] into its own words, so
//! what a user reads stays what each file type has always said.

/// Why a document's header is not one this build reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// Nothing but white space.
    Empty,
    /// The text ends in the middle of the document.
    Truncated,
    /// Not JSON at all: serde's detail says where.
    NotJson(String),
    /// JSON, but its `"format"` is missing or another one.
    WrongFormat,
    /// No `"version"` field.
    VersionMissing,
    /// A `"version"` that is not a whole number.
    VersionNotWhole,
    /// Version 0, which never existed.
    VersionZero,
    /// A version newer than this build reads.
    FutureVersion(u64),
}

/// The most characters of a decoder's own message that a Raftlab message
/// quotes: serde's messages echo the token they refused, which a file can
/// make as long as it likes.
pub(crate) const DETAIL_CHARS_MAX: usize = 200;

/// A decoder's message as a Raftlab message quotes it: whole when short,
/// else its first [`DETAIL_CHARS_MAX`] characters and how long it was.
pub(crate) fn brief(detail: impl std::fmt::Display) -> String {
    let detail = detail.to_string();
    let length = detail.chars().count();
    if length <= DETAIL_CHARS_MAX {
        return detail;
    }
    let start: String = detail.chars().take(DETAIL_CHARS_MAX).collect();
    format!("{start}… ({length} characters)")
}

/// Reads `text` as JSON whose header says `format_name` at a version from 1
/// to `version_max`, and gives back the whole document.
pub(crate) fn read_json_with_header(
    text: &str,
    format_name: &str,
    version_max: u32,
) -> Result<serde_json::Value, HeaderError> {
    if text.trim().is_empty() {
        return Err(HeaderError::Empty);
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            HeaderError::Truncated
        } else {
            HeaderError::NotJson(brief(e))
        }
    })?;
    check_header(&value, format_name, version_max)?;
    Ok(value)
}

/// Checks that `value` is a document of format `format_name`, at a version
/// from 1 to `version_max`. The format is checked first: a document of
/// another kind is that, whatever its version says.
pub(crate) fn check_header(
    value: &serde_json::Value,
    format_name: &str,
    version_max: u32,
) -> Result<(), HeaderError> {
    if value.get("format").and_then(|f| f.as_str()) != Some(format_name) {
        return Err(HeaderError::WrongFormat);
    }
    let version = value.get("version").ok_or(HeaderError::VersionMissing)?;
    let version = version.as_u64().ok_or(HeaderError::VersionNotWhole)?;
    check_version(version, version_max)
}

/// Checks a format version on its own (a share token carries one outside
/// any JSON): versions start at 1 and this build reads up to `version_max`.
pub(crate) fn check_version(version: u64, version_max: u32) -> Result<(), HeaderError> {
    if version == 0 {
        Err(HeaderError::VersionZero)
    } else if version > u64::from(version_max) {
        Err(HeaderError::FutureVersion(version))
    } else {
        Ok(())
    }
}

/// Reads a count (a `usize` field of a file or link) through `u64`, so that
/// a count of 2³² or more gets the same message on every platform (serde's
/// own says "expected usize" on wasm32 and accepts it on 64-bit machines);
/// the field's own bound is checked afterwards by whoever owns it.
pub(crate) fn count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    use serde::de::{Deserialize, Error, Unexpected};
    let value = u64::deserialize(deserializer)?;
    u32::try_from(value)
        .map(|v| v as usize)
        .map_err(|_| D::Error::invalid_value(Unexpected::Unsigned(value), &"a count below 2³²"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<serde_json::Value, HeaderError> {
        read_json_with_header(text, "raftlab-test", 2)
    }

    #[test]
    fn a_header_of_the_format_at_a_known_version_passes() {
        for version in [1, 2] {
            let text = format!(r#"{{"format": "raftlab-test", "version": {version}}}"#);
            assert!(read(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn each_wrong_header_says_what_is_wrong() {
        assert_eq!(read(" \n"), Err(HeaderError::Empty));
        assert_eq!(read(r#"{"format": "raftl"#), Err(HeaderError::Truncated));
        assert!(matches!(read("hello"), Err(HeaderError::NotJson(_))));
        assert_eq!(read("[1, 2]"), Err(HeaderError::WrongFormat));
        assert_eq!(
            read(r#"{"format": "raftlab-run", "version": 1}"#),
            Err(HeaderError::WrongFormat)
        );
        assert_eq!(
            read(r#"{"format": "raftlab-test"}"#),
            Err(HeaderError::VersionMissing)
        );
        for version in ["\"1\"", "1.5", "-1"] {
            let text = format!(r#"{{"format": "raftlab-test", "version": {version}}}"#);
            assert_eq!(read(&text), Err(HeaderError::VersionNotWhole), "{text}");
        }
        assert_eq!(
            read(r#"{"format": "raftlab-test", "version": 0}"#),
            Err(HeaderError::VersionZero)
        );
        assert_eq!(
            read(r#"{"format": "raftlab-test", "version": 3}"#),
            Err(HeaderError::FutureVersion(3))
        );
    }
}
