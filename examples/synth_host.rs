//! Writes synthetic /proc and /sys trees of a large machine, one snapshot per step, for
//! benchmarks and tests at scale (DESIGN.md §7: a 128-CPU, 96-disk, 400-interface host).
//!
//! Each snapshot `DEST/t0000`, `DEST/t0001`, … holds the files rsadc's probe reads, in the
//! kernel's own text layouts (as in `tests/fixtures/vm-6.18/t0`):
//!
//! - `proc/stat` (per-CPU jiffies, intr with per-IRQ counts, ctxt, btime, processes,
//!   procs_running, procs_blocked, softirq), `proc/uptime`, `proc/loadavg`,
//!   `proc/meminfo`, `proc/vmstat`, `proc/diskstats` (20 fields), `proc/net/dev`,
//!   `proc/pressure/{cpu,io,memory}`, `proc/sys/kernel/{hostname,ostype,osrelease,arch}`
//!   and `proc/sys/kernel/random/boot_id`;
//! - `sys/block/DISK/device` for every whole disk (partitions are not under /sys/block, as
//!   on Linux), `sys/class/net/IF/{speed,duplex}` for interfaces that have a link speed,
//!   `sys/devices/system/cpu/cpuN`. /sys does not change between steps: `t0000/sys` is a
//!   real tree and every later step's `sys` is a symlink to `../t0000/sys`.
//!
//! The machine: `--cpus` CPUs; `--disks` whole disks, half `nvmeNn1`, half `sdX`, each with
//! two partitions; `--ifaces` interfaces: `lo`, four `ethN` (one of them link-down),
//! `docker0` and a user bridge, and container veths (`veth` + 7 hex digits, every eighth a
//! 15-character Calico-style `cali` name). Step N is `--step-secs` seconds after step N-1:
//! every counter is monotonic and advances plausibly (each CPU's jiffies by exactly
//! step-secs × USER_HZ (100), uptime by step-secs, disks with consistent I/Os, sectors and
//! times, …); levels (memory, load, pressure averages) wander within bounds. The same
//! options give byte-identical trees (`--seed` picks another machine).
//!
//! Usage:
//!
//! ```text
//! cargo run --release --example synth_host -- [--cpus N] [--disks M] [--ifaces K] \
//!     [--steps S] [--step-secs T] [--seed X] DEST
//! for i in $(seq 0 $((S - 1))); do
//!   t=$(printf 'DEST/t%04d' $i)
//!   rsadc --proc-root $t/proc --sys-root $t/sys --fake-clock $((1763719200 + i * T)) 1 1 LOG/
//! done
//! rsar -A -f LOG/rsar20251121
//! ```
//!
//! Step 0 is meant for wall time 1763719200 (2025-11-21 10:00:00 UTC): `btime` is that
//! minus the uptime. (`rsar --proc-root` cannot report on a snapshot live: its uptime does
//! not advance, and rsar says so.) DEST must be empty or absent.
//!
//! Size: the default host's /proc is about 140 kB a step (190 kB on disk in 4 kB blocks; an
//! hour at 1 s is about 0.7 GB), written in about 1.5 ms a step; /sys is about 700 empty
//! directories and 800 small files, once. `bench/synth-scale.sh` records and reports it.

use clap::Parser;
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type Res<T = ()> = Result<T, Box<dyn Error>>;
/// Writes the text of one /proc file.
type ProcWriter = fn(&Host, &mut String) -> std::fmt::Result;

/// Clock ticks per second in /proc/stat.
const USER_HZ: u64 = 100;
/// The wall time step 0 is meant for (2025-11-21 10:00:00 UTC), for `btime`.
const START_EPOCH: u64 = 1_763_719_200;
/// The machine has been up 3 days, 4 h 5 min 6.78 s at step 0 (centiseconds = jiffies).
const UPTIME0_CS: u64 = ((3 * 24 + 4) * 3600 + 5 * 60 + 6) * 100 + 78;
const KERNEL: &str = "6.18.0-synth";

#[derive(Debug, Parser)]
#[command(about = "Write synthetic /proc and /sys trees of a large machine, one per step")]
struct Opts {
    /// CPUs
    #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=8192))]
    cpus: u32,
    /// Whole disks (each with two partitions)
    #[arg(long, default_value_t = 96, value_parser = clap::value_parser!(u32).range(0..=4096))]
    disks: u32,
    /// Network interfaces, `lo` included
    #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    ifaces: u32,
    /// Snapshots to write
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    steps: u32,
    /// Seconds between snapshots
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    step_secs: u64,
    /// Seed of the pseudo-random machine
    #[arg(long, default_value_t = 0x5eed_2025)]
    seed: u64,
    /// Directory to write t0000, t0001, … into (empty or absent)
    dest: PathBuf,
}

fn main() -> Res {
    let o = Opts::parse();
    if o.dest.exists() && std::fs::read_dir(&o.dest)?.next().is_some() {
        return Err(format!("{} is not empty", o.dest.display()).into());
    }
    let mut host = Host::new(&o);
    let width = o.steps.saturating_sub(1).to_string().len().max(4);
    let mut buf = String::with_capacity(256 * 1024);
    let started = std::time::Instant::now();
    let first = format!("t{:0width$}", 0);
    for step in 0..o.steps {
        if step > 0 {
            host.advance(o.step_secs * USER_HZ);
        }
        let dir = o.dest.join(format!("t{step:0width$}"));
        host.write_proc(&dir.join("proc"), &mut buf)?;
        if step == 0 {
            host.write_sys(&dir.join("sys"), &mut buf)?;
        } else {
            let shared = Path::new("..").join(&first).join("sys");
            std::os::unix::fs::symlink(shared, dir.join("sys"))?;
        }
    }
    eprintln!(
        "synth_host: {} step(s) of {} CPUs, {} disks, {} interfaces in {} in {:.1} s",
        o.steps,
        o.cpus,
        o.disks,
        o.ifaces,
        o.dest.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// splitmix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// `x` times a random factor in [lo, hi), rounded at random.
    fn scaled(&mut self, x: f64, lo: f64, hi: f64) -> u64 {
        let f = self.range(lo, hi);
        self.round(x * f)
    }

    /// A level moved by at most `by` either way, kept in [lo, hi].
    fn walk(&mut self, v: f64, by: f64, lo: f64, hi: f64) -> f64 {
        (v + self.range(-by, by)).clamp(lo, hi)
    }

    /// `x` rounded up or down at random in proportion, so small rates still add up.
    fn round(&mut self, x: f64) -> u64 {
        let x = x.max(0.0);
        let floor = x.floor();
        floor as u64 + u64::from(self.unit() < x - floor)
    }
}

/// The PSI and load averages' decay over `secs` for a window of `window` seconds.
fn ema(old: f64, new: f64, secs: f64, window: f64) -> f64 {
    let e = (-secs / window).exp();
    old * e + new * (1.0 - e)
}

struct Cpu {
    /// user nice system idle iowait irq softirq steal guest guest_nice
    ticks: [u64; 10],
    /// Its share of the machine's work, 0 to 1.
    base: f64,
    busy: f64,
}

/// The 17 counters after a /proc/diskstats name: reads merged sectors ms, writes merged
/// sectors ms, in_flight io_ticks time_in_queue, discards merged sectors ms, flushes ms.
type DiskFields = [u64; 17];

struct Part {
    name: String,
    minor: u32,
    c: DiskFields,
}

struct Disk {
    name: String,
    major: u32,
    minor: u32,
    nvme: bool,
    c: DiskFields,
    parts: Vec<Part>,
    busy: f64,
}

#[derive(Clone, Copy, PartialEq)]
enum Link {
    Loopback,
    /// Mb/s; `None`: the link is down.
    Physical(Option<u32>),
    Bridge,
    Veth,
}

struct Iface {
    name: String,
    link: Link,
    /// rx: bytes packets errs drop fifo frame compressed multicast;
    /// tx: bytes packets errs drop fifo colls carrier compressed.
    c: [u64; 16],
    busy: f64,
}

/// Memory levels as fractions of MemTotal (swap: of SwapTotal).
struct Mem {
    total_kb: u64,
    swap_kb: u64,
    anon: f64,
    file: f64,
    shmem: f64,
    buffers: f64,
    slab_r: f64,
    slab_u: f64,
    dirty: f64,
    writeback: f64,
    swap_used: f64,
    swap_cached: f64,
    commit_extra: f64,
}

/// Values of the meminfo lines, in kB, computed from `Mem`.
struct MemKb {
    free: u64,
    avail: u64,
    buffers: u64,
    cached: u64,
    swap_cached: u64,
    active_anon: u64,
    inactive_anon: u64,
    active_file: u64,
    inactive_file: u64,
    unevictable: u64,
    mlocked: u64,
    swap_free: u64,
    dirty: u64,
    writeback: u64,
    anon_pages: u64,
    mapped: u64,
    shmem: u64,
    slab_r: u64,
    slab_u: u64,
    kernel_stack: u64,
    page_tables: u64,
    commit_limit: u64,
    committed_as: u64,
    vmalloc_used: u64,
    percpu: u64,
    anon_huge: u64,
}

#[derive(Default)]
struct PsiLine {
    total_us: u64,
    avg: [f64; 3],
}

struct Psi {
    some: PsiLine,
    full: PsiLine,
    /// Mean share of time stalled (%), and full's share of some.
    level: f64,
    full_ratio: f64,
    max: f64,
}

struct Kernel {
    ctxt: u64,
    processes: u64,
    /// Per-IRQ counts as listed on the intr line, and their rates per second.
    irqs: Vec<u64>,
    irq_rates: Vec<f64>,
    /// Interrupts the intr line counts in its total but does not list (local timers, IPIs).
    unlisted: u64,
    /// HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU
    softirq: [u64; 10],
    running: u64,
    blocked: u64,
    tasks: u64,
}

/// The vmstat names of the 6.18 kernel in `tests/fixtures/vm-6.18/t0/proc/vmstat`, in order.
const VMSTAT: &str = "nr_free_pages nr_free_pages_blocks nr_zone_inactive_anon \
nr_zone_active_anon nr_zone_inactive_file nr_zone_active_file nr_zone_unevictable \
nr_zone_write_pending nr_mlock nr_zspages nr_free_cma numa_hit numa_miss numa_foreign \
numa_interleave numa_local numa_other nr_inactive_anon nr_active_anon nr_inactive_file \
nr_active_file nr_unevictable nr_slab_reclaimable nr_slab_unreclaimable nr_isolated_anon \
nr_isolated_file workingset_nodes workingset_refault_anon workingset_refault_file \
workingset_activate_anon workingset_activate_file workingset_restore_anon \
workingset_restore_file workingset_nodereclaim nr_anon_pages nr_mapped nr_file_pages nr_dirty \
nr_writeback nr_shmem nr_shmem_hugepages nr_shmem_pmdmapped nr_file_hugepages \
nr_file_pmdmapped nr_anon_transparent_hugepages nr_vmscan_write nr_vmscan_immediate_reclaim \
nr_dirtied nr_written nr_throttled_written nr_kernel_misc_reclaimable nr_foll_pin_acquired \
nr_foll_pin_released nr_kernel_stack nr_page_table_pages nr_sec_page_table_pages \
nr_iommu_pages nr_swapcached pgpromote_success pgpromote_candidate pgpromote_candidate_nrl \
pgdemote_kswapd pgdemote_direct pgdemote_khugepaged pgdemote_proactive nr_hugetlb \
nr_balloon_pages nr_kernel_file_pages nr_dirty_threshold nr_dirty_background_threshold \
nr_memmap_pages nr_memmap_boot_pages pgpgin pgpgout pswpin pswpout pgalloc_dma pgalloc_dma32 \
pgalloc_normal pgalloc_movable pgalloc_device allocstall_dma allocstall_dma32 \
allocstall_normal allocstall_movable allocstall_device pgskip_dma pgskip_dma32 pgskip_normal \
pgskip_movable pgskip_device pgfree pgactivate pgdeactivate pglazyfree pgfault pgmajfault \
pglazyfreed pgrefill pgreuse pgsteal_kswapd pgsteal_direct pgsteal_khugepaged \
pgsteal_proactive pgscan_kswapd pgscan_direct pgscan_khugepaged pgscan_proactive \
pgscan_direct_throttle pgscan_anon pgscan_file pgsteal_anon pgsteal_file \
zone_reclaim_success zone_reclaim_failed pginodesteal slabs_scanned kswapd_inodesteal \
kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pageoutrun pgrotated \
drop_pagecache drop_slab oom_kill numa_pte_updates numa_huge_pte_updates numa_hint_faults \
numa_hint_faults_local numa_pages_migrated pgmigrate_success pgmigrate_fail \
thp_migration_success thp_migration_fail thp_migration_split compact_migrate_scanned \
compact_free_scanned compact_isolated compact_stall compact_fail compact_success \
compact_daemon_wake compact_daemon_migrate_scanned compact_daemon_free_scanned \
htlb_buddy_alloc_success htlb_buddy_alloc_fail unevictable_pgs_culled \
unevictable_pgs_scanned unevictable_pgs_rescued unevictable_pgs_mlocked \
unevictable_pgs_munlocked unevictable_pgs_cleared unevictable_pgs_stranded thp_fault_alloc \
thp_fault_fallback thp_fault_fallback_charge thp_collapse_alloc thp_collapse_alloc_failed \
thp_file_alloc thp_file_fallback thp_file_fallback_charge thp_file_mapped thp_split_page \
thp_split_page_failed thp_deferred_split_page thp_underused_split_page thp_split_pmd \
thp_scan_exceed_none_pte thp_scan_exceed_swap_pte thp_scan_exceed_share_pte thp_split_pud \
thp_zero_page_alloc thp_zero_page_alloc_failed thp_swpout thp_swpout_fallback \
balloon_inflate balloon_deflate balloon_migrate swap_ra swap_ra_hit swpin_zero swpout_zero \
ksm_swpin_copy cow_ksm zswpin zswpout zswpwb direct_map_level2_splits \
direct_map_level3_splits direct_map_level2_collapses direct_map_level3_collapses nr_unstable";

/// How a vmstat line moves.
#[derive(Clone, Copy)]
enum Vm {
    /// A level in pages, derived from the memory levels at write time.
    Level,
    /// An event counter advanced by its own rule in `advance_vmstat`.
    Counter,
    /// An event counter that ticks at about this many per second.
    Rate(f64),
}

fn vm_kind(name: &str, cpus: f64) -> Vm {
    const COUNTERS_NAMED_NR: [&str; 7] = [
        "nr_vmscan_write",
        "nr_vmscan_immediate_reclaim",
        "nr_dirtied",
        "nr_written",
        "nr_throttled_written",
        "nr_foll_pin_acquired",
        "nr_foll_pin_released",
    ];
    const NEVER: [&str; 17] = [
        "fail",
        "oom_",
        "drop_",
        "balloon",
        "stall",
        "_device",
        "_dma",
        "htlb",
        "ksm",
        "zswp",
        "direct_map",
        "_zero",
        "swpout",
        "proactive",
        "khugepaged",
        "movable",
        "pgdemote",
    ];
    const OWN_RULE: [&str; 25] = [
        "numa_hit",
        "numa_local",
        "numa_miss",
        "numa_foreign",
        "numa_other",
        "pgpgin",
        "pgpgout",
        "pswpin",
        "pswpout",
        "pgalloc_normal",
        "pgfree",
        "pgfault",
        "pgmajfault",
        "pgsteal_kswapd",
        "pgsteal_direct",
        "pgscan_kswapd",
        "pgscan_direct",
        "pgscan_anon",
        "pgscan_file",
        "pgsteal_anon",
        "pgsteal_file",
        "nr_dirtied",
        "nr_written",
        "nr_foll_pin_acquired",
        "nr_foll_pin_released",
    ];
    if OWN_RULE.contains(&name) {
        return Vm::Counter;
    }
    if name == "workingset_nodes" || (name.starts_with("nr_") && !COUNTERS_NAMED_NR.contains(&name))
    {
        return Vm::Level;
    }
    if NEVER.iter().any(|n| name.contains(n)) || name.starts_with("pgpromote") {
        return Vm::Rate(0.0);
    }
    // Some fixed rate per name: a hash of the name, up to 40 per CPU-second.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Vm::Rate((h % 4000) as f64 / 100.0 * cpus / 8.0)
}

struct Host {
    rng: Rng,
    hostname: String,
    boot_id: String,
    uptime_cs: u64,
    cpus: Vec<Cpu>,
    kernel: Kernel,
    load: [f64; 3],
    mem: Mem,
    vm_names: Vec<&'static str>,
    vm_kinds: Vec<Vm>,
    vm: Vec<u64>,
    disks: Vec<Disk>,
    ifaces: Vec<Iface>,
    /// cpu, io, memory
    psi: [Psi; 3],
    /// The step's sector counts over whole disks, for vmstat's pgpgin/pgpgout.
    step_sectors: (u64, u64),
}

impl Host {
    /// The machine at step 0: built from zero counters by one step as long as the uptime.
    fn new(o: &Opts) -> Host {
        let mut rng = Rng(o.seed);
        let ncpu = o.cpus as usize;
        let cpus = (0..ncpu)
            .map(|i| {
                // A tenth of the CPUs are kept nearly idle (isolated, or the scheduler's
                // leftovers); the rest carry between 5 and 85 % of work.
                let base = if i % 10 == 9 {
                    0.01
                } else {
                    rng.range(0.05, 0.85)
                };
                Cpu {
                    ticks: [0; 10],
                    base,
                    busy: base,
                }
            })
            .collect();
        let nirq = 256 + 4 * ncpu;
        let mut irq_rates = vec![0.0; nirq];
        // Legacy IRQs barely tick; device queue IRQs (NICs, NVMe) from 24 on do the work.
        for r in irq_rates.iter_mut().take(16) {
            if rng.chance(0.3) {
                *r = rng.range(0.0, 2.0);
            }
        }
        for r in irq_rates
            .iter_mut()
            .skip(24)
            .take(2 * ncpu + o.disks as usize)
        {
            *r = rng.range(10.0, 3000.0);
        }
        let boot_id = {
            let (a, b) = (rng.next(), rng.next());
            format!(
                "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                0x8000 | ((b >> 48) & 0x3fff),
                b & 0xffff_ffff_ffff
            )
        };
        let total_kb = u64::from(o.cpus) * 4 * 1024 * 1024 / 1000 * 985;
        let vm_names: Vec<&str> = VMSTAT.split_ascii_whitespace().collect();
        let vm_kinds = vm_names
            .iter()
            .map(|n| vm_kind(n, f64::from(o.cpus)))
            .collect();
        let psi = |level: f64, full_ratio: f64, max: f64| Psi {
            some: PsiLine::default(),
            full: PsiLine::default(),
            level,
            full_ratio,
            max,
        };
        let mut host = Host {
            hostname: format!("synth-{}c", o.cpus),
            boot_id,
            uptime_cs: 0,
            cpus,
            kernel: Kernel {
                ctxt: 0,
                processes: 0,
                irqs: vec![0; nirq],
                irq_rates,
                unlisted: 0,
                softirq: [0; 10],
                running: 1,
                blocked: 0,
                tasks: 1500 + 6 * u64::from(o.ifaces),
            },
            load: [0.0; 3],
            mem: Mem {
                total_kb,
                swap_kb: 8 * 1024 * 1024 - 4,
                anon: 0.25,
                file: 0.3,
                shmem: 0.01,
                buffers: 0.002,
                slab_r: 0.02,
                slab_u: 0.007,
                dirty: 0.0005,
                writeback: 0.0,
                swap_used: 0.01,
                swap_cached: 0.001,
                commit_extra: 0.3,
            },
            vm: vec![0; vm_names.len()],
            vm_names,
            vm_kinds,
            disks: Vec::new(),
            ifaces: Vec::new(),
            psi: [psi(8.0, 0.0, 40.0), psi(3.0, 0.9, 30.0), psi(0.3, 0.6, 5.0)],
            step_sectors: (0, 0),
            rng,
        };
        host.disks = host.make_disks(o.disks as usize);
        host.ifaces = host.make_ifaces(o.ifaces as usize);
        host.advance(UPTIME0_CS);
        host
    }

    /// Half NVMe namespaces (major 259, minors handed out in order, partitions too), half
    /// SCSI disks (sd's majors, 16 minors per disk), each with two partitions.
    fn make_disks(&mut self, n: usize) -> Vec<Disk> {
        let nvme = n.div_ceil(2);
        let mut next_blkext = 0;
        (0..n)
            .map(|i| {
                let (name, major, minor, parts) = if i < nvme {
                    let name = format!("nvme{i}n1");
                    let minor = next_blkext;
                    let parts = (1..=2)
                        .map(|p| (format!("{name}p{p}"), minor + p))
                        .collect::<Vec<_>>();
                    next_blkext += 3;
                    (name, 259, minor, parts)
                } else {
                    let k = i - nvme;
                    let name = format!("sd{}", sd_letters(k));
                    let major = match k / 16 {
                        0 => 8,
                        m @ 1..=7 => 64 + m as u32,
                        m => 128 + (m as u32 - 8) % 8,
                    };
                    let minor = (k as u32 % 16) * 16;
                    let parts = (1..=2)
                        .map(|p| (format!("{name}{p}"), minor + p))
                        .collect::<Vec<_>>();
                    (name, major, minor, parts)
                };
                Disk {
                    name,
                    major,
                    minor,
                    nvme: i < nvme,
                    c: [0; 17],
                    parts: parts
                        .into_iter()
                        .map(|(name, minor)| Part {
                            name,
                            minor,
                            c: [0; 17],
                        })
                        .collect(),
                    busy: self.rng.range(0.02, 0.7),
                }
            })
            .collect()
    }

    fn make_ifaces(&mut self, n: usize) -> Vec<Iface> {
        let mut v = Vec::with_capacity(n);
        let mut add = |name: String, link: Link, busy: f64| {
            if v.len() < n {
                v.push(Iface {
                    name,
                    link,
                    c: [0; 16],
                    busy,
                });
            }
        };
        add("lo".into(), Link::Loopback, 0.3);
        for (i, speed) in [Some(25_000), Some(25_000), Some(10_000), None]
            .into_iter()
            .enumerate()
        {
            add(format!("eth{i}"), Link::Physical(speed), 0.3);
        }
        add("docker0".into(), Link::Bridge, 0.2);
        let br = self.rng.next() & 0xffff_ffff_ffff;
        add(format!("br-{br:012x}"), Link::Bridge, 0.1);
        let mut seen = std::collections::HashSet::new();
        let mut k = 0;
        while v.len() < n {
            let name = if k % 8 == 7 {
                format!("cali{:011x}", self.rng.next() >> 20)
            } else {
                format!("veth{:07x}", self.rng.next() >> 36)
            };
            if seen.insert(name.clone()) {
                let busy = self.rng.unit().powi(3);
                v.push(Iface {
                    name,
                    link: Link::Veth,
                    c: [0; 16],
                    busy,
                });
                k += 1;
            }
        }
        v
    }

    /// Move every counter on by `cs` centiseconds (jiffies at USER_HZ 100).
    fn advance(&mut self, cs: u64) {
        let secs = cs as f64 / USER_HZ as f64;
        self.uptime_cs += cs;
        self.advance_cpus(cs);
        self.advance_kernel(secs);
        self.advance_disks(secs);
        self.advance_net(secs);
        self.advance_memory();
        self.advance_vmstat(secs);
        self.advance_pressure(secs);
        self.advance_load(secs);
    }

    /// Each CPU's ten columns (guest ones stay 0) grow by exactly `jiffies` in total: the
    /// busy share split at random between user, nice, system, iowait, irq, softirq and
    /// steal, the rest idle.
    fn advance_cpus(&mut self, jiffies: u64) {
        // user nice system idle iowait irq softirq steal
        const WEIGHT: [f64; 8] = [0.66, 0.02, 0.18, 0.0, 0.04, 0.01, 0.05, 0.04];
        let wave = (self.uptime_cs as f64 / 100.0 / 600.0 * std::f64::consts::TAU).sin();
        for c in &mut self.cpus {
            let target = (c.base * (1.0 + 0.3 * wave)).clamp(0.0, 0.98);
            c.busy = (0.7 * c.busy + 0.3 * target + self.rng.range(-0.05, 0.05)).clamp(0.0, 0.99);
            let busy = self.rng.round(jiffies as f64 * c.busy).min(jiffies);
            let mut w = [0.0; 8];
            for (w, base) in w.iter_mut().zip(WEIGHT) {
                *w = base * self.rng.range(0.5, 1.5);
            }
            let sum: f64 = w.iter().sum();
            let mut used = 0;
            for (col, w) in w.iter().enumerate() {
                let part = (busy as f64 * w / sum) as u64;
                c.ticks[col] += part;
                used += part;
            }
            c.ticks[3] += jiffies - used;
        }
    }

    fn advance_kernel(&mut self, secs: f64) {
        let rng = &mut self.rng;
        let k = &mut self.kernel;
        let ncpu = self.cpus.len() as f64;
        let busy: f64 = self.cpus.iter().map(|c| c.busy).sum();
        k.ctxt += rng.scaled(secs * (200.0 * ncpu + 8000.0 * busy), 0.8, 1.2);
        k.processes += rng.scaled(secs * (5.0 + 2.0 * busy), 0.5, 1.5);
        for (n, rate) in k.irqs.iter_mut().zip(&k.irq_rates) {
            *n += rng.scaled(secs * rate, 0.7, 1.3);
        }
        // Local timer interrupts (250 Hz on busy CPUs) and IPIs.
        k.unlisted += rng.round(secs * (250.0 * busy + 20.0 * ncpu));
        for (i, n) in k.softirq.iter_mut().enumerate() {
            let rate = [0.5, 200.0, 5.0, 300.0, 50.0, 0.0, 2.0, 150.0, 0.5, 120.0][i];
            *n += rng.scaled(secs * rate * ncpu, 0.5, 1.5);
        }
        k.running = (busy * rng.range(0.8, 1.3)).round().max(1.0) as u64;
        k.blocked = rng.scaled(ncpu, 0.0, 0.03);
        let tasks = k.tasks as f64 + rng.range(-20.0, 20.0);
        k.tasks = tasks.clamp(1000.0, 1_000_000.0) as u64;
    }

    /// Partitions do the I/O; a whole disk counts its partitions' I/O and its own flushes.
    fn advance_disks(&mut self, secs: f64) {
        let ms = secs * 1000.0;
        let rng = &mut self.rng;
        let (mut read_sectors, mut write_sectors) = (0, 0);
        for d in &mut self.disks {
            d.busy = rng.walk(d.busy, 0.05, 0.0, 0.9);
            let (iops, lat_ms, merge) = if d.nvme {
                (20_000.0, (0.05, 0.4), 0.02)
            } else {
                (250.0, (1.0, 8.0), 0.3)
            };
            let mut sum = [0u64; 17];
            let mut ticks = 0u64;
            let nparts = d.parts.len();
            for (j, p) in d.parts.iter_mut().enumerate() {
                // The first partition (/boot) barely works; the last does the rest.
                let share = if j + 1 == nparts { 0.98 } else { 0.02 };
                let busy = d.busy * share;
                let mut delta = [0u64; 17];
                for (at, rw_share) in [(0, 0.4), (4, 0.6)] {
                    let ios = rng.scaled(secs * iops * busy * rw_share, 0.5, 1.5);
                    delta[at] = ios;
                    delta[at + 1] = rng.scaled(ios as f64 * merge, 0.0, 1.0);
                    delta[at + 2] = ios * rng.range(8.0, 256.0) as u64;
                    delta[at + 3] = rng.scaled(ios as f64, lat_ms.0, lat_ms.1);
                }
                if d.nvme && rng.chance(0.05 * secs.min(20.0)) {
                    let n = rng.scaled(busy * secs, 1.0, 50.0);
                    delta[11] = n;
                    delta[13] = n * 2048;
                    delta[14] = rng.round(n as f64 * 0.2);
                }
                delta[10] = delta[3] + delta[7] + delta[14];
                let util = (busy * rng.range(0.8, 1.1)).min(0.99);
                let p_ticks = rng.round(ms * util);
                delta[9] = p_ticks;
                ticks = ticks.max(p_ticks);
                for (i, v) in delta.iter().enumerate() {
                    p.c[i] += v;
                    sum[i] += v;
                }
                p.c[8] = rng.scaled(busy * 4.0, 0.0, 1.0);
                sum[8] += p.c[8];
            }
            let flushes = rng.round(sum[4] as f64 * 0.03);
            sum[15] = flushes;
            sum[16] = rng.scaled(flushes as f64, lat_ms.0, lat_ms.1);
            sum[10] += sum[16];
            let idle = (ms as u64).saturating_sub(ticks);
            sum[9] = ticks + rng.round(idle as f64 * 0.02);
            for (i, v) in sum.iter().enumerate() {
                if i == 8 {
                    d.c[8] = *v;
                } else {
                    d.c[i] += v;
                }
            }
            read_sectors += sum[2];
            write_sectors += sum[6];
        }
        self.step_sectors = (read_sectors, write_sectors);
    }

    fn advance_net(&mut self, secs: f64) {
        let rng = &mut self.rng;
        for i in &mut self.ifaces {
            i.busy = rng.walk(i.busy, 0.03, 0.0, 0.8);
            let (rx_bps, tx_bps) = match i.link {
                Link::Loopback => {
                    let b = 2e7 * i.busy;
                    (b, b)
                }
                Link::Physical(Some(mbps)) => {
                    let line = f64::from(mbps) * 1e6 / 8.0;
                    (line * i.busy, line * i.busy * rng.range(0.3, 1.0))
                }
                Link::Physical(None) => (0.0, 0.0),
                Link::Bridge => (5e6 * i.busy, 2e7 * i.busy),
                // A third of the containers are quiet in any step.
                Link::Veth if rng.chance(0.33) => (0.0, 0.0),
                Link::Veth => (5e7 * i.busy, 3e7 * i.busy),
            };
            let rx = rng.scaled(secs * rx_bps, 0.8, 1.2);
            let tx = if i.link == Link::Loopback {
                rx
            } else {
                rng.scaled(secs * tx_bps, 0.8, 1.2)
            };
            let rx_pkt_size = rng.range(200.0, 1400.0);
            let tx_pkt_size = rng.range(200.0, 1400.0);
            let rx_pkts = rng.round(rx as f64 / rx_pkt_size);
            let tx_pkts = if i.link == Link::Loopback {
                rx_pkts
            } else {
                rng.round(tx as f64 / tx_pkt_size)
            };
            let c = &mut i.c;
            c[0] += rx;
            c[1] += rx_pkts;
            c[8] += tx;
            c[9] += tx_pkts;
            if matches!(i.link, Link::Physical(Some(_))) {
                c[2] += rng.round(rx_pkts as f64 * 1e-7); // errs
                c[3] += rng.round(rx_pkts as f64 * 1e-5); // drop
                c[7] += rng.scaled(secs, 0.0, 20.0); // multicast
                c[11] += rng.round(tx_pkts as f64 * 1e-6);
            } else if i.link == Link::Veth {
                c[3] += rng.round(rx_pkts as f64 * 1e-6);
            }
        }
    }

    fn advance_memory(&mut self) {
        let r = &mut self.rng;
        let m = &mut self.mem;
        m.anon = r.walk(m.anon, 0.002, 0.15, 0.35);
        m.file = r.walk(m.file, 0.002, 0.2, 0.4);
        m.shmem = r.walk(m.shmem, 0.0002, 0.005, 0.02);
        m.buffers = r.walk(m.buffers, 0.0001, 0.001, 0.005);
        m.slab_r = r.walk(m.slab_r, 0.0003, 0.01, 0.03);
        m.slab_u = r.walk(m.slab_u, 0.0001, 0.005, 0.01);
        m.dirty = r.walk(m.dirty, 0.0002, 0.0, 0.002);
        m.writeback = r.walk(m.writeback, 0.00005, 0.0, 0.0002);
        m.swap_used = r.walk(m.swap_used, 0.001, 0.0, 0.05);
        m.swap_cached = r.walk(m.swap_cached, 0.0002, 0.0, m.swap_used * 0.2);
        m.commit_extra = r.walk(m.commit_extra, 0.005, 0.1, 0.6);
    }

    fn mem_kb(&self) -> MemKb {
        let m = &self.mem;
        let t = m.total_kb as f64;
        let kb = |f: f64| (t * f) as u64;
        let ncpu = self.cpus.len() as u64;
        let anon = kb(m.anon);
        let file = kb(m.file);
        let shmem = kb(m.shmem);
        let buffers = kb(m.buffers);
        let slab_r = kb(m.slab_r);
        let slab_u = kb(m.slab_u);
        let kernel_stack = self.kernel.tasks * 16 + ncpu * 32;
        let page_tables = anon / 400;
        let percpu = ncpu * 1280;
        let swap_cached = (m.swap_kb as f64 * m.swap_cached) as u64;
        let unevictable = kb(0.0004);
        let used = anon
            + file
            + shmem
            + buffers
            + slab_r
            + slab_u
            + kernel_stack
            + page_tables
            + percpu
            + swap_cached
            + unevictable
            + kb(0.01); // the kernel's own and the rest
        let free = m.total_kb.saturating_sub(used);
        // Anonymous and shmem pages are 70 % active; file pages 60 %.
        let active_anon = (anon + shmem) * 7 / 10;
        let active_file = (file + buffers) * 6 / 10;
        let commit_limit = m.total_kb / 2 + m.swap_kb;
        MemKb {
            free,
            avail: free + (file + buffers) * 9 / 10 + slab_r / 2,
            buffers,
            cached: file + shmem,
            swap_cached,
            active_anon,
            inactive_anon: anon + shmem - active_anon,
            active_file,
            inactive_file: file + buffers - active_file,
            unevictable,
            mlocked: unevictable * 9 / 10,
            swap_free: m.swap_kb - (m.swap_kb as f64 * m.swap_used) as u64,
            dirty: kb(m.dirty),
            writeback: kb(m.writeback),
            anon_pages: anon,
            mapped: file / 20 + shmem / 2,
            shmem,
            slab_r,
            slab_u,
            kernel_stack,
            page_tables,
            commit_limit,
            committed_as: anon + shmem + kb(m.commit_extra),
            vmalloc_used: ncpu * 2300 + kb(0.0002),
            percpu,
            anon_huge: anon / 3 / 2048 * 2048,
        }
    }

    fn advance_vmstat(&mut self, secs: f64) {
        let rng = &mut self.rng;
        let busy: f64 = self.cpus.iter().map(|c| c.busy).sum();
        let (rd, wr) = self.step_sectors;
        let faults = rng.scaled(secs * busy, 2000.0, 20000.0);
        let allocs = faults + rng.round(secs * busy * 5000.0);
        // Reclaim happens in bursts: kswapd in a fifth of the steps, direct rarely (over a
        // long step such as the one to step 0, their share of it).
        let mut burst = |p: f64| {
            if secs > 600.0 {
                p
            } else {
                f64::from(u8::from(rng.chance(p)))
            }
        };
        let (burst_k, burst_d) = (burst(0.2), burst(0.02));
        let scan_k = rng.scaled(secs * burst_k, 0.0, 20000.0);
        let scan_d = rng.scaled(secs * burst_d, 0.0, 5000.0);
        let steal_k = rng.scaled(scan_k as f64, 0.6, 1.0);
        let steal_d = rng.scaled(scan_d as f64, 0.3, 1.0);
        let anon_share = rng.range(0.0, 0.3);
        let swap_in = rng.scaled(secs * self.mem.swap_used * 200.0, 0.0, 1.0);
        let pins = rng.round(secs * busy * 10.0);
        for (i, name) in self.vm_names.iter().enumerate() {
            let delta = match self.vm_kinds[i] {
                Vm::Level => continue,
                Vm::Rate(r) => rng.scaled(secs * r, 0.5, 1.5),
                Vm::Counter => match *name {
                    "numa_hit" | "numa_local" => allocs,
                    "numa_miss" | "numa_foreign" | "numa_other" => allocs / 1000,
                    "pgpgin" => rd / 2,
                    "pgpgout" => wr / 2,
                    "pswpin" => swap_in,
                    "pswpout" => (steal_k + steal_d) / 20,
                    "pgalloc_normal" => allocs,
                    "pgfree" => allocs + steal_k + steal_d,
                    "pgfault" => faults,
                    "pgmajfault" => faults / 2000,
                    "pgsteal_kswapd" => steal_k,
                    "pgsteal_direct" => steal_d,
                    "pgscan_kswapd" => scan_k,
                    "pgscan_direct" => scan_d,
                    "pgscan_anon" => ((scan_k + scan_d) as f64 * anon_share) as u64,
                    "pgscan_file" => {
                        (scan_k + scan_d) - ((scan_k + scan_d) as f64 * anon_share) as u64
                    }
                    "pgsteal_anon" => ((steal_k + steal_d) as f64 * anon_share) as u64,
                    "pgsteal_file" => {
                        (steal_k + steal_d) - ((steal_k + steal_d) as f64 * anon_share) as u64
                    }
                    "nr_dirtied" => wr / 8 + wr / 40,
                    "nr_written" => wr / 8,
                    "nr_foll_pin_acquired" | "nr_foll_pin_released" => pins,
                    _ => 0,
                },
            };
            self.vm[i] += delta;
        }
    }

    /// A vmstat level in pages (nr_kernel_stack in kB, as the kernel has it).
    fn vm_level(&self, name: &str, kb: &MemKb) -> u64 {
        let pages = |kb: u64| kb / 4;
        match name {
            "nr_free_pages" => pages(kb.free),
            "nr_free_pages_blocks" => pages(kb.free) / 10 * 9,
            "nr_zone_inactive_anon" | "nr_inactive_anon" => pages(kb.inactive_anon),
            "nr_zone_active_anon" | "nr_active_anon" => pages(kb.active_anon),
            "nr_zone_inactive_file" | "nr_inactive_file" => pages(kb.inactive_file),
            "nr_zone_active_file" | "nr_active_file" => pages(kb.active_file),
            "nr_zone_unevictable" | "nr_unevictable" => pages(kb.unevictable),
            "nr_mlock" => pages(kb.mlocked),
            "nr_zone_write_pending" => pages(kb.dirty + kb.writeback),
            "nr_dirty" => pages(kb.dirty),
            "nr_writeback" => pages(kb.writeback),
            "nr_slab_reclaimable" => pages(kb.slab_r),
            "nr_slab_unreclaimable" => pages(kb.slab_u),
            "nr_anon_pages" => pages(kb.anon_pages),
            "nr_mapped" => pages(kb.mapped),
            "nr_file_pages" => pages(kb.cached + kb.buffers + kb.swap_cached),
            "nr_shmem" => pages(kb.shmem),
            "nr_anon_transparent_hugepages" => kb.anon_huge / 2048,
            "nr_kernel_stack" => kb.kernel_stack,
            "nr_page_table_pages" => pages(kb.page_tables),
            "nr_swapcached" => pages(kb.swap_cached),
            "nr_dirty_threshold" => pages(kb.avail) / 5,
            "nr_dirty_background_threshold" => pages(kb.avail) / 10,
            "nr_memmap_pages" | "nr_memmap_boot_pages" => pages(self.mem.total_kb) / 128,
            "nr_kernel_misc_reclaimable" | "nr_iommu_pages" => pages(self.mem.total_kb) / 5000,
            "workingset_nodes" => pages(kb.cached) / 500,
            _ => 0,
        }
    }

    /// Stalled time: some ≤ the interval, full ≤ some; the averages decay as the kernel's.
    fn advance_pressure(&mut self, secs: f64) {
        let rng = &mut self.rng;
        for p in &mut self.psi {
            p.level = rng.walk(p.level, p.max / 20.0, 0.0, p.max);
            let some_pct = (p.level * rng.range(0.5, 1.5)).min(100.0);
            let full_pct = some_pct * p.full_ratio * rng.range(0.5, 1.0);
            for (line, pct) in [(&mut p.some, some_pct), (&mut p.full, full_pct)] {
                line.total_us += rng.round(secs * 1e6 * pct / 100.0);
                for (avg, window) in line.avg.iter_mut().zip([10.0, 60.0, 300.0]) {
                    *avg = ema(*avg, pct, secs, window);
                }
            }
        }
    }

    fn advance_load(&mut self, secs: f64) {
        let n = (self.kernel.running + self.kernel.blocked) as f64;
        for (l, window) in self.load.iter_mut().zip([60.0, 300.0, 900.0]) {
            *l = ema(*l, n, secs, window);
        }
    }

    fn write_proc(&self, proc: &Path, buf: &mut String) -> Res {
        for d in ["net", "pressure", "sys/kernel/random"] {
            std::fs::create_dir_all(proc.join(d))?;
        }
        let files: [(&str, ProcWriter); 13] = [
            ("stat", Host::stat),
            ("uptime", Host::uptime),
            ("loadavg", Host::loadavg),
            ("meminfo", Host::meminfo),
            ("vmstat", Host::vmstat),
            ("diskstats", Host::diskstats),
            ("net/dev", Host::net_dev),
            ("pressure/cpu", |h, b| h.pressure(0, b)),
            ("pressure/io", |h, b| h.pressure(1, b)),
            ("pressure/memory", |h, b| h.pressure(2, b)),
            ("sys/kernel/hostname", |h, b| writeln!(b, "{}", h.hostname)),
            ("sys/kernel/random/boot_id", |h, b| {
                writeln!(b, "{}", h.boot_id)
            }),
            ("sys/kernel/osrelease", |_, b| writeln!(b, "{KERNEL}")),
        ];
        for (name, write) in files {
            buf.clear();
            write(self, buf)?;
            std::fs::write(proc.join(name), buf.as_bytes())?;
        }
        std::fs::write(proc.join("sys/kernel/ostype"), "Linux\n")?;
        std::fs::write(proc.join("sys/kernel/arch"), "x86_64\n")?;
        Ok(())
    }

    /// /proc/stat: the aggregate and per-CPU lines, then the kernel's counters.
    fn stat(&self, b: &mut String) -> std::fmt::Result {
        let mut total = [0u64; 10];
        for c in &self.cpus {
            for (t, v) in total.iter_mut().zip(c.ticks) {
                *t += v;
            }
        }
        b.push_str("cpu ");
        for v in total {
            write!(b, " {v}")?;
        }
        b.push('\n');
        for (n, c) in self.cpus.iter().enumerate() {
            write!(b, "cpu{n}")?;
            for v in c.ticks {
                write!(b, " {v}")?;
            }
            b.push('\n');
        }
        let k = &self.kernel;
        let listed: u64 = k.irqs.iter().sum();
        write!(b, "intr {}", listed + k.unlisted)?;
        for v in &k.irqs {
            write!(b, " {v}")?;
        }
        b.push('\n');
        writeln!(b, "ctxt {}", k.ctxt)?;
        writeln!(b, "btime {}", START_EPOCH - UPTIME0_CS / 100)?;
        writeln!(b, "processes {}", k.processes)?;
        writeln!(b, "procs_running {}", k.running)?;
        writeln!(b, "procs_blocked {}", k.blocked)?;
        write!(b, "softirq {}", k.softirq.iter().sum::<u64>())?;
        for v in k.softirq {
            write!(b, " {v}")?;
        }
        b.push('\n');
        Ok(())
    }

    /// /proc/uptime: seconds up, and seconds all CPUs spent idle.
    fn uptime(&self, b: &mut String) -> std::fmt::Result {
        let idle: u64 = self.cpus.iter().map(|c| c.ticks[3]).sum();
        let (u, i) = (self.uptime_cs, idle * 100 / USER_HZ);
        writeln!(b, "{}.{:02} {}.{:02}", u / 100, u % 100, i / 100, i % 100)
    }

    fn loadavg(&self, b: &mut String) -> std::fmt::Result {
        let k = &self.kernel;
        let pid_max = (1024 * self.cpus.len() as u64).max(32_768);
        let [l1, l5, l15] = self.load;
        writeln!(
            b,
            "{l1:.2} {l5:.2} {l15:.2} {}/{} {}",
            k.running,
            k.tasks,
            (300 + k.processes) % pid_max
        )
    }

    fn meminfo(&self, b: &mut String) -> std::fmt::Result {
        let m = self.mem_kb();
        let total = self.mem.total_kb;
        let direct_1g = total / (1024 * 1024) * (1024 * 1024);
        let lines: [(&str, u64); 50] = [
            ("MemTotal", total),
            ("MemFree", m.free),
            ("MemAvailable", m.avail),
            ("Buffers", m.buffers),
            ("Cached", m.cached),
            ("SwapCached", m.swap_cached),
            ("Active", m.active_anon + m.active_file),
            ("Inactive", m.inactive_anon + m.inactive_file),
            ("Active(anon)", m.active_anon),
            ("Inactive(anon)", m.inactive_anon),
            ("Active(file)", m.active_file),
            ("Inactive(file)", m.inactive_file),
            ("Unevictable", m.unevictable),
            ("Mlocked", m.mlocked),
            ("SwapTotal", self.mem.swap_kb),
            ("SwapFree", m.swap_free),
            ("Zswap", 0),
            ("Zswapped", 0),
            ("Dirty", m.dirty),
            ("Writeback", m.writeback),
            ("AnonPages", m.anon_pages),
            ("Mapped", m.mapped),
            ("Shmem", m.shmem),
            ("KReclaimable", m.slab_r),
            ("Slab", m.slab_r + m.slab_u),
            ("SReclaimable", m.slab_r),
            ("SUnreclaim", m.slab_u),
            ("KernelStack", m.kernel_stack),
            ("PageTables", m.page_tables),
            ("SecPageTables", 0),
            ("NFS_Unstable", 0),
            ("Bounce", 0),
            ("WritebackTmp", 0),
            ("CommitLimit", m.commit_limit),
            ("Committed_AS", m.committed_as),
            ("VmallocTotal", 34_359_738_367),
            ("VmallocUsed", m.vmalloc_used),
            ("VmallocChunk", 0),
            ("Percpu", m.percpu),
            ("AnonHugePages", m.anon_huge),
            ("ShmemHugePages", 0),
            ("ShmemPmdMapped", 0),
            ("FileHugePages", 0),
            ("FilePmdMapped", 0),
            ("Balloon", 0),
            ("HugePages_Total", 0),
            ("HugePages_Free", 0),
            ("HugePages_Rsvd", 0),
            ("HugePages_Surp", 0),
            ("Hugepagesize", 2048),
        ];
        for (name, v) in lines {
            // The kernel pads "Name:" to 16 columns and the number to 8.
            let unit = if name.starts_with("HugePages_") {
                ""
            } else {
                " kB"
            };
            let pad = 15usize.saturating_sub(name.len());
            writeln!(b, "{name}:{:pad$}{v:>8}{unit}", "")?;
        }
        for (name, v) in [
            ("Hugetlb", 0),
            ("DirectMap4k", 1_067_008),
            ("DirectMap2M", total - direct_1g + 2_097_152),
            ("DirectMap1G", direct_1g),
        ] {
            let pad = 15usize.saturating_sub(name.len());
            writeln!(b, "{name}:{:pad$}{v:>8} kB", "")?;
        }
        Ok(())
    }

    fn vmstat(&self, b: &mut String) -> std::fmt::Result {
        let kb = self.mem_kb();
        for (i, name) in self.vm_names.iter().enumerate() {
            let v = match self.vm_kinds[i] {
                Vm::Level => self.vm_level(name, &kb),
                _ => self.vm[i],
            };
            writeln!(b, "{name} {v}")?;
        }
        Ok(())
    }

    /// /proc/diskstats: "%4d %7d %s" then the 17 counters; each disk, then its partitions.
    fn diskstats(&self, b: &mut String) -> std::fmt::Result {
        let line = |b: &mut String, major: u32, minor: u32, name: &str, c: &DiskFields| {
            write!(b, "{major:>4} {minor:>7} {name}")?;
            for v in c {
                write!(b, " {v}")?;
            }
            b.push('\n');
            Ok(())
        };
        for d in &self.disks {
            line(b, d.major, d.minor, &d.name, &d.c)?;
            for p in &d.parts {
                line(b, d.major, p.minor, &p.name, &p.c)?;
            }
        }
        Ok(())
    }

    /// /proc/net/dev: the two header lines, then one line per interface.
    fn net_dev(&self, b: &mut String) -> std::fmt::Result {
        b.push_str(
            "Inter-|   Receive                                                |  Transmit\n \
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets \
             errs drop fifo colls carrier compressed\n",
        );
        for i in &self.ifaces {
            let c = &i.c;
            writeln!(
                b,
                "{:>6}: {:>7} {:>7} {:>4} {:>4} {:>4} {:>5} {:>10} {:>9} \
                 {:>8} {:>7} {:>4} {:>4} {:>4} {:>5} {:>7} {:>10}",
                i.name,
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                c[6],
                c[7],
                c[8],
                c[9],
                c[10],
                c[11],
                c[12],
                c[13],
                c[14],
                c[15]
            )?;
        }
        Ok(())
    }

    fn pressure(&self, which: usize, b: &mut String) -> std::fmt::Result {
        let p = &self.psi[which];
        for (kind, l) in [("some", &p.some), ("full", &p.full)] {
            let [a10, a60, a300] = l.avg;
            writeln!(
                b,
                "{kind} avg10={a10:.2} avg60={a60:.2} avg300={a300:.2} total={}",
                l.total_us
            )?;
        }
        Ok(())
    }

    /// The /sys facts: whole disks with a device, link speeds, CPUs.
    fn write_sys(&self, sys: &Path, buf: &mut String) -> Res {
        for d in &self.disks {
            std::fs::create_dir_all(sys.join("block").join(&d.name).join("device"))?;
        }
        for i in &self.ifaces {
            let dir = sys.join("class/net").join(&i.name);
            std::fs::create_dir_all(&dir)?;
            let (speed, duplex) = match i.link {
                Link::Physical(Some(s)) => (i64::from(s), "full"),
                Link::Physical(None) => (-1, "unknown"),
                Link::Veth => (10_000, "full"),
                // lo and bridges: reading speed fails (EINVAL), as the capture leaves it.
                Link::Loopback | Link::Bridge => continue,
            };
            buf.clear();
            writeln!(buf, "{speed}")?;
            std::fs::write(dir.join("speed"), buf.as_bytes())?;
            std::fs::write(dir.join("duplex"), format!("{duplex}\n"))?;
        }
        for n in 0..self.cpus.len() {
            std::fs::create_dir_all(sys.join(format!("devices/system/cpu/cpu{n}")))?;
        }
        Ok(())
    }
}

/// sd's names: sda … sdz, sdaa … sdaz, sdba …
fn sd_letters(mut k: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (k % 26) as u8);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}
