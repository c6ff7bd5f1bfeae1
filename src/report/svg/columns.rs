//! The chart's time axis as the intervals stream in: a bounded number of groups of
//! consecutive intervals, each summed with `IntervalStats::add` (rates over the summed
//! seconds, levels averaged — what `Average:` does), so the SVG renderer's memory depends
//! on the chart's width, not on the length of the log.
//!
//! A group holds at most `per` intervals and never spans a gap or a restart, nor joins
//! intervals of very different lengths: an interval much longer than its neighbours is a
//! collection gap (the collector stopped, the machine slept) and stays a group of its own,
//! for the chart to draw as a gap. `per` starts
//! at 1 (every interval kept as it is) and doubles, merging neighbouring groups pairwise,
//! whenever there are more than `cap` groups. At the end the groups are merged once more
//! into about one per pixel, as the renderer always did: so a log of up to `cap` intervals
//! gives the chart it gave when every interval was kept.

use crate::stats::IntervalStats;

/// A run of consecutive intervals of one segment, summed.
struct Group {
    stats: IntervalStats,
    /// Intervals summed into `stats`.
    count: u64,
}

pub(super) struct Columns {
    groups: Vec<Group>,
    /// The most intervals a group holds.
    per: u64,
    /// The most groups kept.
    cap: usize,
    /// Intervals pushed.
    intervals: u64,
}

/// An interval this many times longer than the usual one is a collection gap.
pub(super) const GAP_FACTOR: f64 = 3.0;

/// Whether `next` continues `last` with no gap and no restart between them, at a like
/// pace (seconds per interval within `GAP_FACTOR` of each other).
fn continues(last: &Group, next: &Group, restarts: &[i64]) -> bool {
    let pace = |g: &Group| g.stats.seconds / g.count.max(1) as f64;
    let (a, b) = (pace(last), pace(next));
    last.stats.end_ns == next.stats.start_ns
        && a <= GAP_FACTOR * b
        && b <= GAP_FACTOR * a
        && !restarts
            .iter()
            .any(|&r| r > last.stats.start_ns && r <= next.stats.end_ns)
}

/// Merge neighbours of `groups` while `fits(intervals in the merged group so far, groups
/// merged into it, the next group)` allows and, if `strict`, no gap or restart is between.
fn regroup(
    groups: Vec<Group>,
    restarts: &[i64],
    strict: bool,
    fits: impl Fn(u64, u64, &Group) -> bool,
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::with_capacity(groups.len() / 2 + 1);
    let mut merged = 0u64;
    for g in groups {
        match out.last_mut() {
            Some(last)
                if fits(last.count, merged, &g) && (!strict || continues(last, &g, restarts)) =>
            {
                last.stats.add(&g.stats);
                last.count += g.count;
                merged += 1;
            }
            _ => {
                out.push(g);
                merged = 1;
            }
        }
    }
    out
}

impl Columns {
    /// At most `cap` groups (at least 2).
    pub(super) fn new(cap: usize) -> Self {
        Columns {
            groups: Vec::new(),
            per: 1,
            cap: cap.max(2),
            intervals: 0,
        }
    }

    /// Intervals pushed so far.
    pub(super) fn intervals(&self) -> u64 {
        self.intervals
    }

    /// Groups kept now (at most `cap`).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.groups.len()
    }

    /// The next interval; `restarts` are those seen so far.
    pub(super) fn push(&mut self, s: &IntervalStats, restarts: &[i64]) {
        self.intervals += 1;
        let next = Group {
            stats: s.clone(),
            count: 1,
        };
        match self.groups.last_mut() {
            Some(g) if g.count < self.per && continues(g, &next, restarts) => {
                g.stats.add(s);
                g.count += 1;
            }
            _ => self.groups.push(next),
        }
        while self.groups.len() > self.cap {
            self.per = self.per.saturating_mul(2);
            let per = self.per;
            let groups = std::mem::take(&mut self.groups);
            self.groups = regroup(groups, restarts, true, |c, _, g| c + g.count <= per);
            if self.groups.len() > self.cap {
                // Gaps or restarts nearly every interval: at this scale they are narrower
                // than a pixel, so let groups span them rather than grow without bound.
                let groups = std::mem::take(&mut self.groups);
                self.groups = regroup(groups, restarts, false, |c, _, g| c + g.count <= per);
            }
        }
    }

    /// The groups merged into at most about `pixels` (more only where gaps and restarts
    /// split them), neighbours never across a gap or a restart; each with the number of
    /// intervals summed into it.
    pub(super) fn finish(self, pixels: usize, restarts: &[i64]) -> Vec<(IntervalStats, u64)> {
        let n = self.groups.len();
        let per = n.div_ceil(pixels.max(1)) as u64;
        let groups = if per <= 1 {
            self.groups
        } else {
            regroup(self.groups, restarts, true, |_, merged, _| merged < per)
        };
        groups.into_iter().map(|g| (g.stats, g.count)).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn at(k: i64) -> IntervalStats {
        IntervalStats {
            start_ns: k * 1_000_000_000,
            end_ns: (k + 1) * 1_000_000_000,
            seconds: 1.0,
            ..Default::default()
        }
    }

    #[test]
    fn bounded_and_counting_every_second() {
        let mut c = Columns::new(100);
        for k in 0..10_000 {
            c.push(&at(k), &[]);
            assert!(c.len() <= 100);
        }
        assert_eq!(c.intervals(), 10_000);
        let cols: Vec<IntervalStats> = c.finish(40, &[]).into_iter().map(|g| g.0).collect();
        assert!(cols.len() <= 40, "{}", cols.len());
        let secs: f64 = cols.iter().map(|s| s.seconds).sum();
        assert_eq!(secs, 10_000.0);
        // Consecutive and covering the whole run.
        assert_eq!(cols[0].start_ns, 0);
        assert_eq!(cols.last().unwrap().end_ns, 10_000 * 1_000_000_000);
        assert!(cols.windows(2).all(|w| w[0].end_ns == w[1].start_ns));
    }

    #[test]
    fn never_across_a_gap_or_restart() {
        let mut c = Columns::new(16);
        let restarts = [500 * 1_000_000_000 + 1];
        for k in (0..1000).filter(|k| *k != 300) {
            c.push(&at(k), &restarts);
        }
        let cols: Vec<IntervalStats> = c.finish(8, &restarts).into_iter().map(|g| g.0).collect();
        assert!(cols.iter().any(|s| s.end_ns == 300 * 1_000_000_000));
        assert!(cols.iter().any(|s| s.start_ns == 301 * 1_000_000_000));
        assert!(cols.iter().any(|s| s.end_ns == 500 * 1_000_000_000));
    }

    #[test]
    fn few_intervals_kept_as_they_are() {
        let mut c = Columns::new(100);
        for k in 0..50 {
            c.push(&at(k), &[]);
        }
        let cols: Vec<IntervalStats> = c.finish(60, &[]).into_iter().map(|g| g.0).collect();
        assert_eq!(cols, (0..50).map(at).collect::<Vec<_>>());
    }

    /// An interval far longer than its neighbours (the collector was stopped) stays a
    /// column of its own, however the others merge.
    #[test]
    fn a_collection_gap_stays_a_column_of_its_own() {
        let mut c = Columns::new(8);
        let mut push = |start: i64, secs: i64| {
            c.push(
                &IntervalStats {
                    start_ns: start * 1_000_000_000,
                    end_ns: (start + secs) * 1_000_000_000,
                    seconds: secs as f64,
                    ..Default::default()
                },
                &[],
            )
        };
        for k in 0..100 {
            push(k, 1);
        }
        push(100, 600);
        for k in 700..800 {
            push(k, 1);
        }
        let cols = c.finish(4, &[]);
        assert!(
            cols.iter()
                .any(|(s, n)| *n == 1 && s.start_ns == 100_000_000_000 && s.seconds == 600.0),
            "{:?}",
            cols.iter()
                .map(|(s, n)| (s.seconds, *n))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn gaps_everywhere_still_bounded() {
        let mut c = Columns::new(10);
        for k in 0..1000 {
            c.push(&at(2 * k), &[]);
            assert!(c.len() <= 10);
        }
    }
}
