//! Levels — quantities that are read as they are, not differenced: memory (`-r`), swap
//! space (`-S`), the run queue and load (`-q`), pressure averages. An interval shows the
//! level at its end; an average shows the mean of the levels shown (as sar does).

use crate::sample::{
    KernelCounters, KernelTables, LoadAvg, Memory, Pressure, SockStat, SockStat6, Swap,
};

/// Declares a group of levels (f64 so that sums over a day stay exact) with the two
/// operations averaging needs.
macro_rules! level_group {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $name { $($(#[$fm])* pub $f: f64,)* }
        impl $name {
            fn add(&mut self, o: &Self) { $(self.$f += o.$f;)* }
            /// Each level divided by `n`: a division, so that a sum of whole numbers
            /// divided by a count that divides it gives exactly their mean.
            fn divided(&self, n: f64) -> Self { $name { $($f: self.$f / n,)* } }
        }
    };
}

/// A sum of levels and how many were summed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Mean<T> {
    sum: T,
    n: u32,
}

macro_rules! impl_mean {
    ($($t:ty),*) => {$(
        impl Mean<$t> {
            pub fn of(v: $t) -> Self { Mean { sum: v, n: 1 } }
            pub fn add(&mut self, o: &Self) { self.sum.add(&o.sum); self.n += o.n; }
            /// The mean of the levels summed.
            pub fn mean(&self) -> $t { self.sum.divided(f64::from(self.n.max(1))) }
        }
        impl super::Sum for Mean<$t> {
            fn add(&mut self, later: &Self) { Mean::<$t>::add(self, later) }
            /// The sum holds `n` levels (a roll-up's).
            fn weigh(&mut self, n: u32) {
                self.n = n;
                self.sum.per_sample(f64::from(n));
            }
        }
    )*};
}

level_group! {
    /// `sar -r` and `-r ALL`, in kB.
    MemoryLevels {
        total, memfree, avail, memused, buffers, cached, commit,
        /// MemTotal + SwapTotal: the base of `%commit`.
        commit_base,
        active, inact, dirty, shmem, anonpg, slab, kstack, pgtbl, vmused,
        /// Reclaimable slab (procps adds it to the cache).
        sreclaim,
    }
}

level_group! {
    /// `sar -S`, in kB.
    SwapLevels { total, swpfree, swpused, swpcad }
}

level_group! {
    /// `sar -q`.
    QueueLevels { runq_sz, plist_sz, ldavg_1, ldavg_5, ldavg_15, blocked }
}

level_group! {
    /// Tasks running and blocked (/proc/stat), as vmstat's `r` and `b` show them.
    ProcsLevels { running, blocked }
}

level_group! {
    /// The kernel's own pressure averages, in percent.
    PsiLevels { some10, some60, some300, full10, full60, full300 }
}

level_group! {
    /// `sar -n SOCK`: sockets in use.
    SockLevels { totsck, tcpsck, udpsck, rawsck, ip_frag, tcp_tw }
}

level_group! {
    /// `sar -n SOCK6`: IPv6 sockets in use.
    Sock6Levels { tcp6sck, udp6sck, raw6sck, ip6_frag }
}

/// A constant a group of levels takes off each sample: derived from a roll-up's sums
/// over `n` samples it was taken once, not `n` times (`Sum::weigh`).
trait PerSample {
    fn per_sample(&mut self, _n: f64) {}
}

impl PerSample for MemoryLevels {}
impl PerSample for SwapLevels {}
impl PerSample for ProcsLevels {}
impl PerSample for PsiLevels {}
impl PerSample for SockLevels {}
impl PerSample for Sock6Levels {}
impl PerSample for HugeLevels {}
impl PerSample for KtablesLevels {}

/// `runq-sz` leaves out the sampling process: once per sample. Exact while every
/// sample counted it (a reader of /proc/loadavg is always running when it reads it).
impl PerSample for QueueLevels {
    fn per_sample(&mut self, n: f64) {
        self.runq_sz = (self.runq_sz + 1.0 - n).max(0.0);
    }
}

impl_mean!(
    MemoryLevels,
    SwapLevels,
    QueueLevels,
    ProcsLevels,
    PsiLevels,
    SockLevels,
    Sock6Levels
);

level_group! {
    /// `sar -H`, in kB: huge pages × Hugepagesize, as sadc stores them.
    HugeLevels { total, free, rsvd, surp }
}

level_group! {
    /// `sar -v`: dentunusd, file-nr (handles in use), inode-nr (inodes in use), pty-nr.
    KtablesLevels { dentunusd, file_nr, inode_nr, pty_nr }
}

impl_mean!(HugeLevels, KtablesLevels);

impl HugeLevels {
    /// Absent HugePages lines (no huge page support) read as 0, as sadc reads them.
    pub fn of(m: &Memory) -> Self {
        let size = m.hugepagesize.unwrap_or(0) as f64;
        let kb = |v: Option<u64>| v.unwrap_or(0) as f64 * size;
        HugeLevels {
            total: kb(m.hugepages_total),
            free: kb(m.hugepages_free),
            rsvd: kb(m.hugepages_rsvd),
            surp: kb(m.hugepages_surp),
        }
    }

    pub fn used(&self) -> f64 {
        (self.total - self.free).max(0.0)
    }

    pub fn used_pct(&self) -> f64 {
        percent(self.used(), self.total)
    }
}

impl KtablesLevels {
    /// sadc's `read_kernel_tables`: dentunusd is dentry-state's second number (unused
    /// dentries); file-nr is allocated − free handles; inode-nr is inodes − free inodes.
    /// A file the kernel lacks counts 0.
    pub fn of(k: &KernelTables) -> Self {
        let f = |v: Option<u64>| v.unwrap_or(0) as f64;
        let used = |a: Option<u64>, free: Option<u64>| {
            a.unwrap_or(0).saturating_sub(free.unwrap_or(0)) as f64
        };
        KtablesLevels {
            dentunusd: f(k.dentry_unused),
            file_nr: used(k.files_allocated, k.files_free),
            inode_nr: used(k.inodes, k.inodes_free),
            pty_nr: f(k.ptys),
        }
    }
}

impl SockLevels {
    pub fn of(s: &SockStat) -> Self {
        SockLevels {
            totsck: s.sockets_used as f64,
            tcpsck: s.tcp_inuse as f64,
            udpsck: s.udp_inuse as f64,
            rawsck: s.raw_inuse as f64,
            ip_frag: s.frag_inuse as f64,
            tcp_tw: s.tcp_tw as f64,
        }
    }
}

impl Sock6Levels {
    pub fn of(s: &SockStat6) -> Self {
        Sock6Levels {
            tcp6sck: s.tcp6_inuse as f64,
            udp6sck: s.udp6_inuse as f64,
            raw6sck: s.raw6_inuse as f64,
            ip6_frag: s.frag6_inuse as f64,
        }
    }
}

impl MemoryLevels {
    /// sysstat 12.7.8+: used = MemTotal − MemAvailable. Kernels before 3.14 have no
    /// MemAvailable; there used = MemTotal − MemFree − Buffers − Cached − Slab.
    pub fn of(m: &Memory, swap: Option<&Swap>) -> Self {
        let f = |v: u64| v as f64;
        let avail = m
            .mem_available
            .unwrap_or(m.mem_free + m.buffers + m.cached + m.slab);
        MemoryLevels {
            total: f(m.mem_total),
            memfree: f(m.mem_free),
            avail: f(m.mem_available.unwrap_or(0)),
            memused: f(m.mem_total.saturating_sub(avail)),
            buffers: f(m.buffers),
            cached: f(m.cached),
            commit: f(m.committed_as),
            commit_base: f(m.mem_total + swap.map_or(0, |s| s.swap_total)),
            active: f(m.active),
            inact: f(m.inactive),
            dirty: f(m.dirty),
            shmem: f(m.shmem.unwrap_or(0)),
            anonpg: f(m.anon_pages.unwrap_or(0)),
            slab: f(m.slab),
            kstack: f(m.kernel_stack.unwrap_or(0)),
            pgtbl: f(m.page_tables.unwrap_or(0)),
            vmused: f(m.vmalloc_used),
            sreclaim: f(m.s_reclaimable.unwrap_or(0)),
        }
    }

    /// `%memused`. Of a mean, sar divides the kB sum of available memory by the count as
    /// integers first (`avg_availablekb / avg_count`): the same here, with the mean's
    /// fraction dropped (a single sample has none).
    pub fn memused_pct(&self) -> f64 {
        percent(self.total - (self.total - self.memused).floor(), self.total)
    }

    /// sysstat 12.6's `kbmemused`: MemTotal − (MemFree + Buffers + Cached + Slab), that
    /// sum capped at MemTotal. Of a mean, as 12.6's `Average:`: MemTotal less the mean of
    /// the sum, uncapped.
    pub fn memused_12_6(&self) -> f64 {
        self.total - self.unused_12_6().min(self.total)
    }

    /// sysstat 12.6's `%memused`: of a mean, from the sum's mean in whole kB
    /// (`nousedmem / avg_count`, integers).
    pub fn memused_pct_12_6(&self) -> f64 {
        percent(
            self.total - self.unused_12_6().floor().min(self.total),
            self.total,
        )
    }

    fn unused_12_6(&self) -> f64 {
        self.memfree + self.buffers + self.cached + self.slab
    }

    /// `%commit`, of a mean from the whole kB of Committed_AS as sar (`avg_comkb /
    /// avg_count`, integers).
    pub fn commit_pct(&self) -> f64 {
        percent(self.commit.floor(), self.commit_base)
    }
}

impl SwapLevels {
    pub fn of(s: &Swap) -> Self {
        SwapLevels {
            total: s.swap_total as f64,
            swpfree: s.swap_free as f64,
            swpused: s.swap_total.saturating_sub(s.swap_free) as f64,
            swpcad: s.swap_cached as f64,
        }
    }

    pub fn swpused_pct(&self) -> f64 {
        percent(self.swpused, self.total)
    }

    /// Cached swap as a share of used swap.
    pub fn swpcad_pct(&self) -> f64 {
        percent(self.swpcad, self.swpused)
    }
}

impl Mean<QueueLevels> {
    /// ldavg-1, -5 and -15 of the mean as sar computes them: the sum of the loads in
    /// hundredths (whole numbers, as /proc/loadavg gives them) over 100 × the count, one
    /// division, so that a mean on a half rounds as sar's.
    pub fn ldavg_as_sar(&self) -> [f64; 3] {
        let n = f64::from(self.n.max(1)) * 100.0;
        let x = |v: f64| (v * 100.0).round() / n;
        [
            x(self.sum.ldavg_1),
            x(self.sum.ldavg_5),
            x(self.sum.ldavg_15),
        ]
    }
}

impl Mean<PsiLevels> {
    /// The mean of the kernel's pressure averages as sar computes it: the sum of the
    /// values in hundredths (whole numbers, as /proc/pressure gives them) over 100 × the
    /// count, one division, so that a mean on a half rounds as sar's.
    pub fn as_sar(&self) -> PsiLevels {
        let n = f64::from(self.n.max(1)) * 100.0;
        let x = |v: f64| (v * 100.0).round() / n;
        let s = &self.sum;
        PsiLevels {
            some10: x(s.some10),
            some60: x(s.some60),
            some300: x(s.some300),
            full10: x(s.full10),
            full60: x(s.full60),
            full300: x(s.full300),
        }
    }
}

impl QueueLevels {
    /// `runq-sz` leaves out the sampling process itself, as sar does.
    pub fn of(l: &LoadAvg, procs_blocked: u64) -> Self {
        QueueLevels {
            runq_sz: f64::from(l.runnable.saturating_sub(1)),
            plist_sz: f64::from(l.tasks),
            ldavg_1: f64::from(l.load1_x100) / 100.0,
            ldavg_5: f64::from(l.load5_x100) / 100.0,
            ldavg_15: f64::from(l.load15_x100) / 100.0,
            blocked: procs_blocked as f64,
        }
    }
}

impl ProcsLevels {
    pub fn of(k: &KernelCounters) -> Self {
        ProcsLevels {
            running: k.procs_running as f64,
            blocked: k.procs_blocked as f64,
        }
    }
}

impl PsiLevels {
    pub fn of(p: &Pressure) -> Self {
        let f = |v: u32| f64::from(v) / 100.0;
        let full = p.full.unwrap_or_default();
        PsiLevels {
            some10: f(p.some.avg10_x100),
            some60: f(p.some.avg60_x100),
            some300: f(p.some.avg300_x100),
            full10: f(full.avg10_x100),
            full60: f(full.avg60_x100),
            full300: f(full.avg300_x100),
        }
    }
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        part * 100.0 / whole
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::{Mean, PsiLevels, QueueLevels};
    use crate::sample::{LoadAvg, Pressure};

    /// avg300 of 12.80 and 12.90: sar's mean is 2570 / 200, just under 12.85, which
    /// prints 12.8 with -h's one decimal; the mean of the doubles is just over it (12.9).
    #[test]
    fn pressure_means_as_sar() {
        let at = |x100| {
            let mut p = Pressure::default();
            p.some.avg300_x100 = x100;
            PsiLevels::of(&p)
        };
        let mut m = Mean::<PsiLevels>::of(at(1280));
        m.add(&Mean::<PsiLevels>::of(at(1290)));
        assert_eq!(format!("{:.1}", m.as_sar().some300), "12.8");
        assert_eq!(format!("{:.1}", m.mean().some300), "12.9");
    }

    /// Loads of 0.02 and 0.07: sar's mean is 9 / 200 = 0.045, which prints 0.04; the mean
    /// of 0.02 and 0.07 as doubles is just above it and would print 0.05.
    #[test]
    fn load_average_means_as_sar() {
        let at = |x100| {
            QueueLevels::of(
                &LoadAvg {
                    load1_x100: x100,
                    ..LoadAvg::default()
                },
                0,
            )
        };
        let mut m = Mean::<QueueLevels>::of(at(2));
        m.add(&Mean::<QueueLevels>::of(at(7)));
        assert_eq!(format!("{:.2}", m.ldavg_as_sar()[0]), "0.04");
        assert_eq!(format!("{:.2}", m.mean().ldavg_1), "0.05");
    }
}
