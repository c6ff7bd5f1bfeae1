//! A stretch of a replayed log in a fixed number of time buckets: what the timeline draws
//! (how busy the CPUs were across the log, at the busiest of each stretch) so that a
//! spike can be seen and jumped to, and what the charts draw (the mean of each series).
//! It is built in one streaming pass as the intervals are read, and its size does not
//! grow with the log: when an interval lands past the last bucket, neighbouring buckets
//! are merged in pairs and each then covers twice the time (`Summary::over` instead
//! covers a fixed range, and leaves out what falls outside it). An interval that spans a
//! collection gap (much longer than the one before it) is left out, so the gap stays
//! empty and is drawn as one.

use super::model::Point;

/// Buckets kept: more than any screen is wide.
pub const BUCKETS: usize = 1024;

/// An interval this many times longer than the one before it spans a collection gap.
pub const GAP_FACTOR: f32 = 3.0;

/// Whether `p`, coming after an interval of `before` seconds, spans a collection gap.
pub fn spans_gap(p: &Point, before: Option<f32>) -> bool {
    before.is_some_and(|b| p.seconds > b * GAP_FACTOR && p.seconds - b > 2.0)
}

/// The series the charts draw, in `Series::of`'s order.
pub const SERIES: usize = 9;

/// The values a bucket sums of each interval: %user, %nice, %system, %iowait, %steal,
/// %busy, and memory used, cached and total (kB).
fn series(p: &Point) -> [f32; SERIES] {
    [
        p.cpu.user,
        p.cpu.nice,
        p.cpu.system,
        p.cpu.iowait,
        p.cpu.steal,
        p.busy(),
        p.mem.used,
        p.mem.cached,
        p.mem.total,
    ]
}

/// Where `series` puts each value.
pub mod at {
    pub const USER: usize = 0;
    pub const NICE: usize = 1;
    pub const SYSTEM: usize = 2;
    pub const IOWAIT: usize = 3;
    pub const STEAL: usize = 4;
    pub const BUSY: usize = 5;
    pub const MEM_USED: usize = 6;
    pub const MEM_CACHED: usize = 7;
    pub const MEM_TOTAL: usize = 8;
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Bucket {
    sums: [f32; SERIES],
    busy_max: f32,
    n: u32,
}

/// Busy percent over a stretch of time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Busy {
    pub mean: f32,
    pub max: f32,
}

/// A stretch of time: the mean of each series over the intervals there, and the busiest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stretch {
    pub mean: [f32; SERIES],
    pub busy_max: f32,
}

/// Busy CPU (and the charts' series) over the log, bucketed by time.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The start of the first bucket (the first interval's start).
    t0: i64,
    /// Time each bucket covers; 0 before the first interval.
    span_ns: i64,
    buckets: Vec<Bucket>,
    /// The end of the newest interval, and its length.
    end_ns: i64,
    last_seconds: Option<f32>,
    /// `over`: the range is fixed; what falls outside it is left out.
    fixed: bool,
}

impl Summary {
    /// A summary of the fixed range from `from_ns` to `to_ns` (the charts' zoomed span).
    pub fn over(from_ns: i64, to_ns: i64) -> Summary {
        let len = to_ns.saturating_sub(from_ns).max(BUCKETS as i64);
        Summary {
            t0: from_ns,
            span_ns: (len + BUCKETS as i64 - 1) / BUCKETS as i64,
            buckets: vec![Bucket::default(); BUCKETS],
            end_ns: to_ns,
            last_seconds: None,
            fixed: true,
        }
    }

    /// Add the next interval (intervals come oldest first).
    pub fn push(&mut self, p: &Point) {
        let start = p.end_ns - (f64::from(p.seconds) * 1e9) as i64;
        if self.span_ns == 0 {
            self.t0 = start;
            self.span_ns = ((f64::from(p.seconds) * 1e9) as i64).max(1_000_000_000);
            self.buckets = vec![Bucket::default(); BUCKETS];
        }
        let gap = spans_gap(p, self.last_seconds);
        self.last_seconds = Some(p.seconds);
        if self.fixed {
            if p.end_ns <= self.t0 || start >= self.end_ns {
                return;
            }
        } else {
            self.end_ns = self.end_ns.max(p.end_ns);
            // Saturating: a span past i64's range (centuries) stops growing instead.
            while p.end_ns
                >= self
                    .t0
                    .saturating_add(self.span_ns.saturating_mul(BUCKETS as i64))
                && self.span_ns < i64::MAX / (2 * BUCKETS as i64)
            {
                self.halve();
            }
        }
        if gap {
            return;
        }
        let at = |ns: i64| (ns.saturating_sub(self.t0).max(0) / self.span_ns) as usize;
        let v = series(p);
        // An interval longer than a bucket counts in each bucket it covers.
        for i in at(start).min(BUCKETS - 1)..=at(p.end_ns - 1).min(BUCKETS - 1) {
            let b = &mut self.buckets[i];
            for (s, x) in b.sums.iter_mut().zip(v) {
                *s += x;
            }
            b.busy_max = b.busy_max.max(p.busy());
            b.n += 1;
        }
    }

    /// Merge the buckets in pairs: each covers twice the time.
    fn halve(&mut self) {
        for i in 0..BUCKETS / 2 {
            let (a, b) = (self.buckets[2 * i], self.buckets[2 * i + 1]);
            let mut sums = a.sums;
            for (s, x) in sums.iter_mut().zip(b.sums) {
                *s += x;
            }
            self.buckets[i] = Bucket {
                sums,
                busy_max: a.busy_max.max(b.busy_max),
                n: a.n + b.n,
            };
        }
        for b in &mut self.buckets[BUCKETS / 2..] {
            *b = Bucket::default();
        }
        self.span_ns *= 2;
    }

    /// The time the summary covers: from the first interval's start to the newest end
    /// (`over`: its range).
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.span_ns > 0).then_some((self.t0, self.end_ns))
    }

    /// Each of `width` equal columns from `from_ns` to `to_ns`: the means of the
    /// intervals there and the busiest; `None` where nothing was recorded.
    pub fn stretches(&self, width: usize, from_ns: i64, to_ns: i64) -> Vec<Option<Stretch>> {
        if self.span_ns == 0 || width == 0 {
            return vec![None; width];
        }
        let len = (to_ns - from_ns).max(1) as f64;
        (0..width)
            .map(|c| {
                let a = from_ns + (len * c as f64 / width as f64) as i64;
                let b = from_ns + (len * (c + 1) as f64 / width as f64) as i64;
                if b <= self.t0 || (self.fixed && a >= self.end_ns) {
                    return None;
                }
                // The buckets starting in the column (a column narrower than a bucket:
                // the bucket it lies in), so that a gap is not filled by its edges.
                let from = (a - self.t0).max(0);
                let mut first = ((from + self.span_ns - 1) / self.span_ns) as usize;
                let last = (((b - 1 - self.t0).max(0) / self.span_ns) as usize).min(BUCKETS - 1);
                if first > last {
                    first = (from / self.span_ns) as usize;
                }
                if first > last {
                    return None;
                }
                let mut sums = [0.0f32; SERIES];
                let (mut max, mut n) = (0.0f32, 0u32);
                for k in &self.buckets[first..=last] {
                    for (s, x) in sums.iter_mut().zip(k.sums) {
                        *s += x;
                    }
                    max = max.max(k.busy_max);
                    n += k.n;
                }
                (n > 0).then(|| Stretch {
                    mean: sums.map(|s| s / n as f32),
                    busy_max: max,
                })
            })
            .collect()
    }

    /// Busy percent in each of `width` equal columns from `from_ns` to `to_ns`, the mean
    /// and the highest of the intervals there; `None` where nothing was recorded.
    pub fn columns(&self, width: usize, from_ns: i64, to_ns: i64) -> Vec<Option<Busy>> {
        self.stretches(width, from_ns, to_ns)
            .into_iter()
            .map(|s| {
                s.map(|s| Busy {
                    mean: s.mean[at::BUSY],
                    max: s.busy_max,
                })
            })
            .collect()
    }

    /// Buckets held: bounded whatever the log's length.
    pub fn held(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(end_ns: i64, seconds: f32, busy: f32) -> Point {
        Point {
            end_ns,
            seconds,
            cpu: super::super::model::CpuShares {
                idle: 100.0 - busy,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn far_apart_times_neither_overflow_nor_grow_the_summary() {
        let mut s = Summary::default();
        s.push(&point(1_000_000_000_000_000_000, 1.0, 50.0));
        // A clock set far into the future.
        s.push(&point(i64::MAX - 1, 1.0, 90.0));
        assert_eq!(s.held(), BUCKETS);
        let (from, to) = s.range().unwrap();
        let cols = s.columns(80, from, to);
        assert_eq!(cols[0].map(|b| b.max), Some(50.0));
    }

    #[test]
    fn a_day_keeps_its_busiest_moment_and_its_gap() {
        let mut s = Summary::default();
        let t0 = 1_700_000_000_000_000_000i64;
        for i in 1..=86_400i64 {
            if (3600..10_800).contains(&i) {
                continue;
            }
            let seconds = if i == 10_800 { 7201.0 } else { 1.0 };
            let busy = if i == 50_000 { 100.0 } else { 10.0 };
            s.push(&point(t0 + i * 1_000_000_000, seconds, busy));
        }
        let cols = s.columns(24, t0, t0 + 86_400 * 1_000_000_000);
        assert_eq!(cols[1], None, "an hour not recorded");
        let busiest = cols[50_000 / 3600].unwrap();
        assert_eq!(busiest.max, 100.0);
        assert!((busiest.mean - 10.0).abs() < 0.1, "{busiest:?}");
    }
}
