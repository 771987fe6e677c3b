//! Numbers a user types into the page's fields, read and written: a
//! duration in milliseconds and a whole number in a range. A bad value
//! becomes a message naming the field, never a panic, and a message quotes
//! at most a few dozen characters of it. A leaf, so that the
//! forms and the experiment settings both use it without importing each
//! other.

use raftlab_core::view::Micros;

/// The longest duration any millisecond field accepts: an hour. Why: no
/// timeout or delay worth watching is longer, and it keeps sums far from
/// overflowing.
pub const MS_MAX: u64 = 3_600_000;

/// Microseconds per millisecond.
const US_PER_MS: u64 = 1_000;

/// Parses a duration typed in milliseconds, with up to three decimals
/// ("12.5" is 12 500 µs), into [`Micros`]. `what` names the field in the
/// message.
pub fn parse_ms(text: &str, what: &str) -> Result<Micros, String> {
    let text = text.trim();
    let not_a_duration = || format!("{what}: “{}” is not a number of milliseconds", shown(text));
    if text.is_empty() {
        return Err(format!("{what}: type a number of milliseconds"));
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(not_a_duration());
    }
    if fraction.len() > 3 {
        return Err(format!(
            "{what}: at most three decimals (a microsecond), not “{text}”"
        ));
    }
    // Leading zeros are harmless; only the value's size matters.
    let whole = whole.trim_start_matches('0');
    if whole.len() > 7 {
        return Err(format!("{what}: at most {MS_MAX} ms"));
    }
    let ms: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| not_a_duration())?
    };
    let fraction_us: u64 = if fraction.is_empty() {
        0
    } else {
        let padded = format!("{fraction:0<3}");
        padded.parse().map_err(|_| not_a_duration())?
    };
    let us = ms * US_PER_MS + fraction_us;
    if us > MS_MAX * US_PER_MS {
        return Err(format!("{what}: at most {MS_MAX} ms"));
    }
    Ok(us)
}

/// A duration in milliseconds as a user would type it: "150", "12.5".
pub fn format_ms(us: Micros) -> String {
    let (ms, rest) = (us / US_PER_MS, us % US_PER_MS);
    if rest == 0 {
        return ms.to_string();
    }
    let fraction = format!("{rest:03}");
    format!("{ms}.{}", fraction.trim_end_matches('0'))
}

/// Parses a whole number in `min..=max`; `what` names the field in the message.
pub fn parse_count(text: &str, what: &str, min: u64, max: u64) -> Result<u64, String> {
    debug_assert!(min <= max);
    let text = text.trim();
    let out_of_range = || {
        format!(
            "{what}: a whole number from {min} to {max}, not “{}”",
            shown(text)
        )
    };
    if text.is_empty() {
        return Err(format!("{what}: type a whole number from {min} to {max}"));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(out_of_range());
    }
    let value: u64 = text.parse().map_err(|_| out_of_range())?;
    if !(min..=max).contains(&value) {
        return Err(out_of_range());
    }
    Ok(value)
}

/// The most characters of a bad value a message quotes.
pub const SHOWN_CHARS_MAX: usize = 40;

/// A value as an error message quotes it: whole when short, else its first
/// [`SHOWN_CHARS_MAX`] characters and how long it was, so a pasted megabyte
/// never fills the page.
pub fn shown(text: &str) -> String {
    let length = text.chars().count();
    if length <= SHOWN_CHARS_MAX {
        return text.to_owned();
    }
    let start: String = text.chars().take(SHOWN_CHARS_MAX).collect();
    format!("{start}… ({length} characters)")
}

/// A number as an error message shows it: plainly up to a billion, in
/// scientific notation beyond (`1e300`, never three hundred digits).
pub fn shown_number(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e9 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_parse_into_micros() {
        assert_eq!(parse_ms("150", "t"), Ok(150_000));
        assert_eq!(parse_ms(" 12.5 ", "t"), Ok(12_500));
        assert_eq!(parse_ms("0.001", "t"), Ok(1));
        assert_eq!(parse_ms(".5", "t"), Ok(500));
        assert_eq!(parse_ms("7.", "t"), Ok(7_000));
        assert_eq!(parse_ms("0", "t"), Ok(0));
        assert_eq!(parse_ms("0003600000", "t"), Ok(MS_MAX * 1_000));
    }

    #[test]
    fn bad_millisecond_text_is_a_message_naming_the_field() {
        for bad in [
            "",
            " ",
            ".",
            "-5",
            "+5",
            "1e3",
            "abc",
            "1.2.3",
            "1,5",
            "0.0001",
            "3600001",
            "3600000.5",
            "99999999999999999999999",
        ] {
            let error = parse_ms(bad, "Latency min").expect_err(bad);
            assert!(error.starts_with("Latency min"), "{bad}: {error}");
        }
    }

    #[test]
    fn micros_print_as_the_milliseconds_that_parse_back() {
        for us in [0, 1, 500, 12_500, 150_000, 1_234_567] {
            assert_eq!(parse_ms(&format_ms(us), "t"), Ok(us));
        }
        assert_eq!(format_ms(150_000), "150");
        assert_eq!(format_ms(12_500), "12.5");
        assert_eq!(format_ms(1), "0.001");
    }

    #[test]
    fn counts_are_whole_numbers_in_range() {
        assert_eq!(parse_count("5", "Servers", 1, 9), Ok(5));
        assert_eq!(parse_count(" 9 ", "Servers", 1, 9), Ok(9));
        for bad in [
            "",
            "0",
            "10",
            "-1",
            "2.5",
            "five",
            "99999999999999999999999",
        ] {
            let error = parse_count(bad, "Servers", 1, 9).expect_err(bad);
            assert!(
                error.contains("Servers") && error.contains("1 to 9"),
                "{error}"
            );
        }
    }

    #[test]
    fn messages_quote_a_long_value_by_its_start_and_length() {
        assert_eq!(shown("short"), "short");
        let long = "x".repeat(1_000_000);
        let quoted = shown(&long);
        assert!(quoted.len() < 80, "{quoted}");
        assert!(quoted.ends_with("(1000000 characters)"), "{quoted}");
        let message = parse_count(&long, "trials", 1, 10).unwrap_err();
        assert!(message.len() < 120, "{message}");
        let message = parse_ms(&long, "latency").unwrap_err();
        assert!(message.len() < 120, "{message}");
    }

    #[test]
    fn huge_numbers_show_in_scientific_notation() {
        assert_eq!(shown_number(1e300), "1e300");
        assert_eq!(shown_number(-2.5e12), "-2.5e12");
        assert_eq!(shown_number(600001.0), "600001");
        assert_eq!(shown_number(f64::NAN), "NaN");
    }
}
