//! The URL parameters that start a run (`seed`, `nodes`, `speed`), parsed as a
//! pure function so that a bad value becomes a message, never a panic.

use raftlab_core::sim::NODE_COUNT_MAX;

/// The slowest playback speed: one virtual millisecond per wall second.
pub const SPEED_MIN: f64 = 0.001;
/// The fastest playback speed: ten times real time.
pub const SPEED_MAX: f64 = 10.0;
/// The default speed, 1/30×. Why: a 10–15 ms message then takes 0.3–0.45 s on
/// screen, slow enough to follow with the eye, and a heartbeat round (50 ms)
/// 1.5 s; the first election timeout (150–300 ms) fires after 4.5–9 s of
/// draining timer arcs, which is as long as a newcomer should wait. Slower
/// (1/40× gives the half-second message) makes that first wait too long.
pub const SPEED_DEFAULT: f64 = 1.0 / 30.0;
/// The default cluster size.
pub const NODES_DEFAULT: usize = 5;

/// What the URL asks for, with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The run's seed; `None` means "draw a fresh one".
    pub seed: Option<u64>,
    /// Cluster size, 1–9.
    pub nodes: usize,
    /// Virtual time per wall time.
    pub speed: f64,
}

/// Parses a query string (with or without the leading `?`). Every invalid
/// value is replaced by its default and explained in the returned messages.
pub fn parse(query: &str) -> (Settings, Vec<String>) {
    let mut settings = Settings {
        seed: None,
        nodes: NODES_DEFAULT,
        speed: SPEED_DEFAULT,
    };
    let mut problems = Vec::new();
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "seed" => match value.parse::<u64>() {
                Ok(seed) => settings.seed = Some(seed),
                Err(_) => problems.push(format!(
                    "seed={value:?} is not a whole number from 0 to {}; using a fresh seed",
                    u64::MAX
                )),
            },
            "nodes" => match value.parse::<usize>() {
                Ok(n) if (1..=NODE_COUNT_MAX).contains(&n) => settings.nodes = n,
                _ => problems.push(format!(
                    "nodes={value:?} must be 1 to {NODE_COUNT_MAX}; using {NODES_DEFAULT}"
                )),
            },
            "speed" => match value.parse::<f64>() {
                Ok(s) if s.is_finite() && s > 0.0 => settings.speed = s.clamp(SPEED_MIN, SPEED_MAX),
                _ => problems.push(format!(
                    "speed={value:?} must be a number above 0 (0.001 to 10); using {}",
                    format_speed(SPEED_DEFAULT)
                )),
            },
            _ => {}
        }
    }
    (settings, problems)
}

/// The query string with `seed` set to `seed`: an existing (perhaps invalid)
/// `seed` pair is replaced in place, otherwise the pair goes first. Used to put
/// a freshly drawn seed into the address bar so that a reload reproduces the run.
pub fn with_seed(query: &str, seed: u64) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let mut replaced = false;
    for pair in query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        if name != "seed" {
            pairs.push(pair.to_owned());
        } else if !replaced {
            pairs.push(format!("seed={seed}"));
            replaced = true;
        }
    }
    if !replaced {
        pairs.insert(0, format!("seed={seed}"));
    }
    format!("?{}", pairs.join("&"))
}

/// The highest speed slider position (10×).
pub const SLIDER_MAX: u32 = 4000;

/// The speed for a slider position from 0 (1/1000×) to [`SLIDER_MAX`] (10×): a log scale.
pub fn speed_from_slider(position: u32) -> f64 {
    10f64.powf(f64::from(position.min(SLIDER_MAX)) / 1000.0 - 3.0)
}

/// The slider position for a speed (inverse of [`speed_from_slider`]).
pub fn slider_from_speed(speed: f64) -> u32 {
    ((speed.clamp(SPEED_MIN, SPEED_MAX).log10() + 3.0) * 1000.0).round() as u32
}

/// A speed as people say it: "1×", "1/20×", "2.5×".
pub fn format_speed(speed: f64) -> String {
    if speed >= 0.999 {
        let tenths = (speed * 10.0).round() / 10.0;
        format!("{tenths}×")
    } else {
        format!("1/{}×", (1.0 / speed).round())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_parameters_are_taken() {
        let (s, problems) = parse("?seed=42&nodes=3&speed=1");
        assert_eq!(
            s,
            Settings {
                seed: Some(42),
                nodes: 3,
                speed: 1.0
            }
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn invalid_parameters_fall_back_with_a_message_each() {
        let (s, problems) = parse("?nodes=42&seed=abc&speed=-1");
        assert_eq!(
            s,
            Settings {
                seed: None,
                nodes: 5,
                speed: SPEED_DEFAULT
            }
        );
        assert_eq!(problems.len(), 3);
        assert!(problems.iter().any(|p| p.starts_with("nodes=")));
        let (_, problems) = parse("speed=NaN&nodes=");
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn speeds_clamp_and_the_slider_is_logarithmic() {
        assert_eq!(parse("speed=50").0.speed, 10.0);
        assert_eq!(parse("speed=0.00001").0.speed, SPEED_MIN);
        assert!((speed_from_slider(0) - 0.001).abs() < 1e-12);
        assert!((speed_from_slider(3000) - 1.0).abs() < 1e-12);
        assert!((speed_from_slider(SLIDER_MAX) - 10.0).abs() < 1e-9);
        assert_eq!(format_speed(2.5), "2.5×");
        assert_eq!(format_speed(10.0), "10×");
        assert_eq!(slider_from_speed(0.01), 1000);
        assert_eq!(format_speed(0.05), "1/20×");
        assert_eq!(format_speed(SPEED_DEFAULT), "1/30×");
        assert_eq!(format_speed(1.0), "1×");
        assert_eq!(format_speed(SPEED_MIN), "1/1000×");
        for position in [0, 1, 1301, 2999, 3000, SLIDER_MAX] {
            assert_eq!(slider_from_speed(speed_from_slider(position)), position);
        }
    }

    #[test]
    fn a_fresh_seed_goes_into_the_query_once() {
        assert_eq!(with_seed("", 7), "?seed=7");
        assert_eq!(with_seed("?nodes=3&speed=1", 7), "?seed=7&nodes=3&speed=1");
        assert_eq!(with_seed("?nodes=3&seed=abc&seed=x", 7), "?nodes=3&seed=7");
        assert_eq!(parse(&with_seed("?speed=0.5", 9)).0.seed, Some(9));
    }

    #[test]
    fn odd_queries_never_panic() {
        for query in [
            "?",
            "&&",
            "seed",
            "=",
            "?=5",
            "nodes=0",
            "nodes=-1",
            "speed=inf",
            "seed=18446744073709551616",
        ] {
            let (settings, _) = parse(query);
            assert!((1..=NODE_COUNT_MAX).contains(&settings.nodes));
            assert!((SPEED_MIN..=SPEED_MAX).contains(&settings.speed));
        }
        assert_eq!(parse("nodes=0").1.len(), 1);
        assert_eq!(parse("speed=inf").1.len(), 1);
    }
}
