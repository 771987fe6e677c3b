//! What a line's trials add up to, and the thesis's closed form for the
//! split-vote rate.

use super::{Trial, TrialOutcome};
use crate::raft::Micros;

/// A line's statistics: downtimes (capped trials counted at the cap) and
/// how many first rounds split.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Trials done.
    pub trials: usize,
    /// Trials that reached the cap with no leader.
    pub capped: usize,
    /// Trials whose first round of candidates elected nobody.
    pub split_votes: usize,
    /// Shortest downtime, µs.
    pub min_us: Micros,
    /// Mean downtime, µs.
    pub mean_us: f64,
    /// Median downtime, µs.
    pub median_us: Micros,
    /// 90th percentile, µs.
    pub p90_us: Micros,
    /// 99th percentile, µs.
    pub p99_us: Micros,
    /// 99.9th percentile, µs.
    pub p999_us: Micros,
    /// Longest downtime, µs.
    pub max_us: Micros,
    /// The trial with the longest downtime, by its index.
    pub worst_trial: Option<u32>,
    /// The trial at the median, by its index.
    pub median_trial: Option<u32>,
    /// Every downtime in increasing order: the CDF's steps.
    pub sorted_us: Vec<Micros>,
}

impl Summary {
    /// The statistics of `trials`.
    pub fn of(trials: &[Trial]) -> Summary {
        let mut by_downtime: Vec<(Micros, u32)> = trials
            .iter()
            .map(|t| (t.outcome.downtime_us(), t.index))
            .collect();
        by_downtime.sort_unstable();
        let sorted_us: Vec<Micros> = by_downtime.iter().map(|&(d, _)| d).collect();
        let at = |q: f64| quantile(&sorted_us, q);
        let count = |f: fn(&TrialOutcome) -> bool| trials.iter().filter(|t| f(&t.outcome)).count();
        Summary {
            trials: trials.len(),
            capped: count(|o| matches!(o, TrialOutcome::Capped { .. })),
            split_votes: count(|o| {
                matches!(
                    o,
                    TrialOutcome::Elected {
                        split_vote: true,
                        ..
                    }
                )
            }),
            min_us: sorted_us.first().copied().unwrap_or(0),
            mean_us: if sorted_us.is_empty() {
                0.0
            } else {
                sorted_us.iter().map(|&d| d as f64).sum::<f64>() / sorted_us.len() as f64
            },
            median_us: at(0.5),
            p90_us: at(0.9),
            p99_us: at(0.99),
            p999_us: at(0.999),
            max_us: sorted_us.last().copied().unwrap_or(0),
            worst_trial: by_downtime.last().map(|&(_, i)| i),
            median_trial: by_downtime
                .get(by_downtime.len().saturating_sub(1) / 2)
                .map(|&(_, i)| i),
            sorted_us,
        }
    }

    /// The share of trials whose first round split, 0 to 1.
    pub fn split_vote_rate(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.split_votes as f64 / self.trials as f64
        }
    }

    /// The share of trials with a downtime of at most `us`, 0 to 1.
    pub fn fraction_within(&self, us: Micros) -> f64 {
        if self.sorted_us.is_empty() {
            return 0.0;
        }
        self.sorted_us.partition_point(|&d| d <= us) as f64 / self.sorted_us.len() as f64
    }
}

/// The `q` quantile (nearest rank) of increasing `sorted`; 0 when empty.
fn quantile(sorted: &[Micros], q: f64) -> Micros {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The probability that the first election round of `nodes` servers with
/// `survivors` up splits, with election timeouts uniform over a range of
/// `range_us` and a fixed one-way latency of `latency_us`, equal logs, no
/// disk time (Ongaro 2014, ch. 9).
///
/// Every survivor that times out before the first candidate's RequestVote
/// reaches it (within `latency_us` of the first timeout) becomes a
/// candidate; every other survivor votes for the first candidate, whose
/// request arrives first. The first candidate wins unless so many stood
/// that it lacks a majority: with `q` votes needed, `m = survivors + 2 - q`
/// or more candidates split the vote. That is the chance that the `m`-th
/// earliest of the survivors' timeouts comes within `latency_us` of the
/// earliest: the sum of `m - 1` spacings of uniform points, a
/// Beta(m − 1, survivors − m + 2) variable, whose distribution function at
/// `d = latency / range` is a binomial tail.
pub fn split_vote_probability(
    nodes: usize,
    survivors: usize,
    latency_us: Micros,
    range_us: Micros,
) -> f64 {
    let quorum = nodes / 2 + 1;
    if survivors < quorum {
        return 1.0;
    }
    let splitting = survivors + 2 - quorum;
    if splitting < 2 || range_us == 0 {
        // One candidate alone always wins; no range means all stand at once.
        return if range_us == 0 && splitting >= 2 {
            1.0
        } else {
            0.0
        };
    }
    let d = (latency_us as f64 / range_us as f64).min(1.0);
    let s = survivors as u32;
    ((splitting as u32 - 1)..=s)
        .map(|j| binomial(s, j) * d.powi(j as i32) * (1.0 - d).powi((s - j) as i32))
        .sum()
}

/// n choose k, as a float.
fn binomial(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closed_form_gives_the_theses_figures() {
        // Five servers, four survivors, a 100 ms range: 0.06 %, 5.2 %, 18.1 %.
        let p = |latency_ms: u64| split_vote_probability(5, 4, latency_ms * 1_000, 100_000);
        assert!((p(1) - 0.0006).abs() < 0.00005, "{}", p(1));
        assert!((p(10) - 0.0523).abs() < 0.0005, "{}", p(10));
        assert!((p(20) - 0.1808).abs() < 0.0005, "{}", p(20));
        // Three servers, two survivors: both standing splits.
        let three = split_vote_probability(3, 2, 10_000, 100_000);
        assert!((three - (1.0 - 0.9f64.powi(2))).abs() < 1e-12);
        assert_eq!(
            split_vote_probability(5, 2, 1_000, 100_000),
            1.0,
            "no quorum"
        );
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let sorted: Vec<Micros> = (1..=10).collect();
        assert_eq!(quantile(&sorted, 0.5), 5);
        assert_eq!(quantile(&sorted, 0.9), 9);
        assert_eq!(quantile(&sorted, 1.0), 10);
        assert_eq!(quantile(&[], 0.5), 0);
    }
}
