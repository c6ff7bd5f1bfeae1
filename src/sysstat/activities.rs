//! sysstat's activities as rsar's `Sample`: which activity ids and magics this reader
//! decodes, with the composition sysstat writes today, and how each one's fields become
//! the raw counters rsar's probes store (the same units, so rsar's formulas give sar's
//! numbers). Values sysstat keeps differently from /proc are converted here: runq-sz is
//! stored without the sampling process, kernel tables as "in use", huge pages in kB, CPU
//! clocks in 1/100 MHz, filesystems in bytes already. This module never reads files,
//! except /sys for block device names (as sar does, on the reading machine).

use super::format::{c_string, Fields, FileActivity, Types};
use crate::sample::Group;
use crate::sample::{
    CpuFreq, CpuTicks, DiskCounters, FcHost, FsUsage, IoTotals, IrqLine, KernelTables, LoadAvg,
    Memory, NetCounters, NfsClient, NfsServer, Paging, Pressure, PressureLine, Sample, SerialLine,
    Snmp6Counters, SnmpCounters, SockStat, SockStat6, SoftnetCounters, Swap,
};
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

const NR_CPUS: u32 = super::format::MAX_CPU_ITEMS;
const NR_DEVICES: u32 = 65536 * 4096;
const NR_IFACES: u32 = 65536;
/// sadc's `MAX_NR_FCHOSTS`.
const NR_FCHOST: u32 = 65536;

/// (id, magic, composition, most items) of each activity this reader decodes.
const KNOWN: &[(u32, u32, Types, u32)] = &[
    (1, 0x8b, [10, 0, 0], NR_CPUS),    // CPU
    (2, 0x8b, [1, 1, 0], 1),           // PCSW
    (3, 0x8c, [0, 0, 1], NR_CPUS),     // IRQ
    (4, 0x8a, [0, 2, 0], 1),           // SWAP
    (5, 0x8a, [0, 10, 0], 1),          // PAGE
    (6, 0x8b, [7, 0, 0], 1),           // IO
    (7, 0x8b, [18, 0, 0], 1),          // MEMORY
    (8, 0x8b, [4, 0, 0], 1),           // KTABLES
    (9, 0x8c, [3, 0, 3], 1),           // QUEUE
    (10, 0x8b, [0, 0, 7], 65536),      // SERIAL
    (11, 0x8c, [3, 3, 8], NR_DEVICES), // DISK
    (12, 0x8d, [7, 0, 1], NR_IFACES),  // NET_DEV
    (13, 0x8c, [9, 0, 0], NR_IFACES),  // NET_EDEV
    (14, 0x8a, [0, 0, 6], 1),          // NET_NFS
    (15, 0x8a, [0, 0, 11], 1),         // NET_NFSD
    (16, 0x8a, [0, 0, 6], 1),          // NET_SOCK
    (17, 0x8c, [8, 0, 0], 1),          // NET_IP
    (18, 0x8c, [8, 0, 0], 1),          // NET_EIP
    (19, 0x8a, [0, 14, 0], 1),         // NET_ICMP
    (20, 0x8a, [0, 12, 0], 1),         // NET_EICMP
    (21, 0x8a, [0, 4, 0], 1),          // NET_TCP
    (22, 0x8a, [0, 5, 0], 1),          // NET_ETCP
    (23, 0x8a, [0, 4, 0], 1),          // NET_UDP
    (24, 0x8a, [0, 0, 4], 1),          // NET_SOCK6
    (25, 0x8c, [10, 0, 0], 1),         // NET_IP6
    (26, 0x8c, [11, 0, 0], 1),         // NET_EIP6
    (27, 0x8a, [0, 17, 0], 1),         // NET_ICMP6
    (28, 0x8a, [0, 11, 0], 1),         // NET_EICMP6
    (29, 0x8a, [0, 4, 0], 1),          // NET_UDP6
    (30, 0x8a, [0, 1, 0], NR_CPUS),    // PWR_CPU
    (34, 0x8b, [4, 0, 0], 1),          // HUGE
    (37, 0x8b, [5, 0, 0], NR_DEVICES), // FS
    (38, 0x8a, [0, 4, 0], NR_FCHOST),  // NET_FC
    (39, 0x8a, [0, 0, 6], NR_CPUS),    // NET_SOFT
    (40, 0x8a, [1, 3, 0], 1),          // PSI_CPU
    (41, 0x8a, [2, 6, 0], 1),          // PSI_IO
    (42, 0x8a, [2, 6, 0], 1),          // PSI_MEM
];

/// The composition and most items of an activity this reader decodes, `None` for one it
/// skips (unknown to it, or of a format — magic — it does not know).
pub fn known(id: u32, magic: u32) -> Option<(Types, u32)> {
    KNOWN
        .iter()
        .find(|k| k.0 == id && k.1 == magic)
        .map(|k| (k.2, k.3))
}

/// What one statistics record held, gathered activity by activity, then made a `Sample`.
#[derive(Default)]
pub struct RecordData {
    pub sample: Sample,
    swap_traffic: Option<(u64, u64)>,
    swap_levels: Option<(u64, u64, u64)>,
    huge: Option<[Option<u64>; 4]>,
    snmp: Option<Vec<Option<u64>>>,
    snmp6: Option<Vec<Option<u64>>>,
    irq: Option<crate::sample::Interrupts>,
    cpus_seen: bool,
}

/// Which fields of the SNMP groups each of sysstat's SNMP activities holds.
const SNMP_PARTS: [(u32, Range<usize>); 7] = [
    (17, SnmpCounters::IP),
    (18, SnmpCounters::EIP),
    (19, SnmpCounters::ICMP),
    (20, SnmpCounters::EICMP),
    (21, SnmpCounters::TCP),
    (22, SnmpCounters::ETCP),
    (23, SnmpCounters::UDP),
];
const SNMP6_PARTS: [(u32, Range<usize>); 5] = [
    (25, Snmp6Counters::IP6),
    (26, Snmp6Counters::EIP6),
    (27, Snmp6Counters::ICMP6),
    (28, Snmp6Counters::EICMP6),
    (29, Snmp6Counters::UDP6),
];

/// Block device names as sar resolves them on the reading machine.
pub struct DiskNames {
    sys_root: PathBuf,
    cache: HashMap<(u32, u32), String>,
}

impl DiskNames {
    pub fn new(sys_root: PathBuf) -> Self {
        DiskNames {
            sys_root,
            cache: HashMap::new(),
        }
    }

    /// `/sys/dev/block/M:m`'s target's name; else a SCSI disk's name by its numbers (as
    /// sysstat.ioconf gives it); else `devM-m`.
    pub fn name(&mut self, major: u32, minor: u32) -> String {
        let root = &self.sys_root;
        self.cache
            .entry((major, minor))
            .or_insert_with(|| {
                let link = root.join("dev/block").join(format!("{major}:{minor}"));
                std::fs::read_link(&link)
                    .ok()
                    .and_then(|t| t.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .or_else(|| scsi_disk_name(major, minor))
                    .unwrap_or_else(|| format!("dev{major}-{minor}"))
            })
            .clone()
    }
}

/// sd's names: majors 8, 65–71, 128–135 hold 16 disks of 16 minors each.
fn scsi_disk_name(major: u32, minor: u32) -> Option<String> {
    let group = match major {
        8 => 0,
        65..=71 => major - 64,
        128..=135 => major - 120,
        _ => return None,
    };
    let disk = group * 16 + minor / 16;
    // a..z, aa..zz, …
    let mut letters = String::new();
    let mut n = disk + 1;
    while n > 0 {
        n -= 1;
        letters.insert(0, char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    let part = minor % 16;
    Some(if part == 0 {
        format!("sd{letters}")
    } else {
        format!("sd{letters}{part}")
    })
}

fn items<'a>(
    a: &FileActivity,
    bytes: &'a [u8],
    enc: super::format::Encoding,
) -> impl Iterator<Item = Fields<'a>> + 'a {
    let types = a.types;
    bytes.chunks_exact(a.size as usize).map(move |b| Fields {
        bytes: b,
        types,
        enc,
    })
}

fn z(v: Option<u64>) -> u64 {
    v.unwrap_or(0)
}

impl RecordData {
    /// Decode one activity's items (`count` × `nr2` of them) into the record.
    pub fn add(
        &mut self,
        a: &FileActivity,
        count: u32,
        bytes: &[u8],
        enc: super::format::Encoding,
        names: &mut DiskNames,
    ) {
        let s = &mut self.sample;
        let mut it = items(a, bytes, enc);
        match a.id {
            1 => {
                let ticks = |f: &Fields<'_>| CpuTicks {
                    user: z(f.ull(0)),
                    nice: z(f.ull(1)),
                    system: z(f.ull(2)),
                    idle: z(f.ull(3)),
                    iowait: z(f.ull(4)),
                    steal: z(f.ull(5)),
                    irq: z(f.ull(6)),
                    softirq: z(f.ull(7)),
                    guest: z(f.ull(8)),
                    guest_nice: z(f.ull(9)),
                };
                if let Some(all) = it.next() {
                    s.cpu.total = ticks(&all);
                }
                // sadc writes zeros for an offline CPU.
                s.cpu.per_cpu = it
                    .map(|f| Some(ticks(&f)).filter(|t| *t != CpuTicks::default()))
                    .collect();
                self.cpus_seen = true;
            }
            2 => {
                if let Some(f) = it.next() {
                    s.kernel.ctxt = z(f.ull(0));
                    s.kernel.processes = z(f.ul(0));
                }
            }
            3 => {
                let nr2 = a.nr2 as usize;
                let size = a.size as usize;
                let item = |k: usize| {
                    let b =
                        bytes.get(k.checked_mul(size)?..k.checked_add(1)?.checked_mul(size)?)?;
                    Some(Fields {
                        bytes: b,
                        types: a.types,
                        enc,
                    })
                };
                let rows = count as usize;
                let mut irq = crate::sample::Interrupts {
                    cpus: (0..rows.saturating_sub(1) as u32).collect(),
                    lines: Vec::new(),
                };
                // Row 0 is "all"; column 0 of each row the sum: all interrupts (vmstat's
                // in), as /proc/stat's intr.
                if let Some(sum) = item(0).and_then(|f| f.u(0)) {
                    s.kernel.intr = sum;
                }
                for j in 1..nr2 {
                    let name = item(j).map(|f| c_string(f.tail())).unwrap_or_default();
                    let counts = (1..rows)
                        .map(|r| item(r * nr2 + j).and_then(|f| f.u(0)).unwrap_or(0))
                        .collect();
                    irq.lines.push(IrqLine { name, counts });
                }
                self.irq = Some(irq);
            }
            4 => {
                if let Some(f) = it.next() {
                    self.swap_traffic = Some((z(f.ul(0)), z(f.ul(1))));
                }
            }
            5 => {
                if let Some(f) = it.next() {
                    s.paging = Some(Paging {
                        pgpgin: z(f.ul(0)),
                        pgpgout: z(f.ul(1)),
                        pgfault: z(f.ul(2)),
                        pgmajfault: z(f.ul(3)),
                        pgfree: z(f.ul(4)),
                        pgscan_kswapd: z(f.ul(5)),
                        pgscan_direct: z(f.ul(6)),
                        pgsteal: z(f.ul(7)),
                        pgpromote: z(f.ul(8)),
                        pgdemote: z(f.ul(9)),
                        pgsteal_anon: None,
                        pgsteal_file: None,
                    });
                }
            }
            6 => {
                if let Some(f) = it.next() {
                    s.io_totals = Some(IoTotals {
                        reads: z(f.ull(1)),
                        writes: z(f.ull(2)),
                        read_sectors: z(f.ull(3)),
                        write_sectors: z(f.ull(4)),
                        discards: z(f.ull(5)),
                        discard_sectors: z(f.ull(6)),
                    });
                }
            }
            7 => {
                if let Some(f) = it.next() {
                    s.memory = Some(Memory {
                        mem_free: z(f.ull(0)),
                        buffers: z(f.ull(1)),
                        cached: z(f.ull(2)),
                        mem_total: z(f.ull(3)),
                        committed_as: z(f.ull(7)),
                        active: z(f.ull(8)),
                        inactive: z(f.ull(9)),
                        dirty: z(f.ull(10)),
                        anon_pages: f.ull(11),
                        slab: z(f.ull(12)),
                        kernel_stack: f.ull(13),
                        page_tables: f.ull(14),
                        vmalloc_used: z(f.ull(15)),
                        mem_available: f.ull(16),
                        shmem: f.ull(17),
                        ..Memory::default()
                    });
                    self.swap_levels = Some((z(f.ull(5)), z(f.ull(4)), z(f.ull(6))));
                }
            }
            8 => {
                if let Some(f) = it.next() {
                    s.ktables = Some(KernelTables {
                        dentries: None,
                        dentry_unused: f.ull(2),
                        files_allocated: f.ull(0),
                        files_free: Some(0),
                        files_max: None,
                        inodes: f.ull(1),
                        inodes_free: Some(0),
                        ptys: f.ull(3),
                    });
                }
            }
            9 => {
                if let Some(f) = it.next() {
                    let u32of = |v: Option<u64>| u32::try_from(z(v)).unwrap_or(u32::MAX);
                    s.load = Some(LoadAvg {
                        load1_x100: u32of(f.u(0)),
                        load5_x100: u32of(f.u(1)),
                        load15_x100: u32of(f.u(2)),
                        // sadc leaves itself out of the runnable count; rsar's probe
                        // does not.
                        runnable: u32of(f.ull(0)).saturating_add(1),
                        tasks: u32of(f.ull(2)),
                    });
                    s.kernel.procs_blocked = z(f.ull(1));
                    // vmstat's r: /proc/stat's running count, which includes the reader.
                    s.kernel.procs_running = z(f.ull(0)).saturating_add(1);
                }
            }
            10 => {
                s.serial = it
                    .map(|f| SerialLine {
                        line: z(f.u(6)) as u32,
                        rx: z(f.u(0)),
                        tx: z(f.u(1)),
                        frame: z(f.u(2)),
                        parity: z(f.u(3)),
                        brk: z(f.u(4)),
                        overrun: z(f.u(5)),
                    })
                    .collect();
            }
            11 => {
                for f in it {
                    let (major, minor) = (z(f.u(4)) as u32, z(f.u(5)) as u32);
                    s.disks.push(DiskCounters {
                        major,
                        minor,
                        name: names.name(major, minor),
                        whole: true,
                        physical: false,
                        // sysstat keeps one count of requests.
                        reads: z(f.ull(0)),
                        read_sectors: z(f.ul(0)),
                        write_sectors: z(f.ul(1)),
                        discard_sectors: Some(z(f.ul(2))),
                        read_ms: z(f.u(0)),
                        write_ms: z(f.u(1)),
                        io_ticks_ms: z(f.u(2)),
                        weighted_ms: z(f.u(3)),
                        discard_ms: Some(z(f.u(6))),
                        discards: Some(0),
                        ..DiskCounters::default()
                    });
                }
            }
            12 => {
                for f in it {
                    let tail = f.tail();
                    let name = c_string(tail.get(..16).unwrap_or(tail));
                    let n = net_entry(&mut s.net, name);
                    n.rx_packets = z(f.ull(0));
                    n.tx_packets = z(f.ull(1));
                    n.rx_bytes = z(f.ull(2));
                    n.tx_bytes = z(f.ull(3));
                    n.rx_compressed = z(f.ull(4));
                    n.tx_compressed = z(f.ull(5));
                    n.rx_multicast = z(f.ull(6));
                    let speed = z(f.u(0));
                    n.speed_mbps = u32::try_from(speed).ok().filter(|&v| v > 0);
                    n.full_duplex = tail.get(16) == Some(&2);
                }
            }
            13 => {
                for f in it {
                    let tail = f.tail();
                    let name = c_string(tail.get(..16).unwrap_or(tail));
                    let n = net_entry(&mut s.net, name);
                    n.tx_colls = z(f.ull(0));
                    n.rx_errs = z(f.ull(1));
                    n.tx_errs = z(f.ull(2));
                    n.rx_drop = z(f.ull(3));
                    n.tx_drop = z(f.ull(4));
                    n.rx_fifo = z(f.ull(5));
                    n.tx_fifo = z(f.ull(6));
                    n.rx_frame = z(f.ull(7));
                    n.tx_carrier = z(f.ull(8));
                }
            }
            14 => {
                if let Some(f) = it.next() {
                    let mut v = NfsClient::default();
                    set_all(&mut v, (0..6).map(|i| f.u(i)));
                    s.nfs = Some(v);
                }
            }
            15 => {
                if let Some(f) = it.next() {
                    let mut v = NfsServer::default();
                    set_all(&mut v, (0..11).map(|i| f.u(i)));
                    s.nfsd = Some(v);
                }
            }
            16 => {
                if let Some(f) = it.next() {
                    let mut v = SockStat::default();
                    set_all(&mut v, (0..6).map(|i| f.u(i)));
                    s.sockets = Some(v);
                }
            }
            17..=23 => {
                if let (Some(f), Some((_, part))) =
                    (it.next(), SNMP_PARTS.iter().find(|p| p.0 == a.id))
                {
                    let v = self
                        .snmp
                        .get_or_insert_with(|| vec![Some(0); SnmpCounters::FIELDS.len()]);
                    for (i, slot) in v[part.clone()].iter_mut().enumerate() {
                        *slot = Some(z(if a.id <= 18 {
                            f.ull(i as u32)
                        } else {
                            f.ul(i as u32)
                        }));
                    }
                }
            }
            24 => {
                if let Some(f) = it.next() {
                    let mut v = SockStat6::default();
                    set_all(&mut v, (0..4).map(|i| f.u(i)));
                    s.sockets6 = Some(v);
                }
            }
            25..=29 => {
                if let (Some(f), Some((_, part))) =
                    (it.next(), SNMP6_PARTS.iter().find(|p| p.0 == a.id))
                {
                    let v = self
                        .snmp6
                        .get_or_insert_with(|| vec![Some(0); Snmp6Counters::FIELDS.len()]);
                    for (i, slot) in v[part.clone()].iter_mut().enumerate() {
                        *slot = Some(z(if a.id <= 26 {
                            f.ull(i as u32)
                        } else {
                            f.ul(i as u32)
                        }));
                    }
                }
            }
            30 => {
                // Item 0 is "all"; sysstat keeps 1/100 MHz.
                s.cpu_freq = it
                    .skip(1)
                    .enumerate()
                    .map(|(cpu, f)| CpuFreq {
                        cpu: cpu as u32,
                        khz: z(f.ul(0)).saturating_mul(10),
                    })
                    .collect();
            }
            34 => {
                if let Some(f) = it.next() {
                    self.huge = Some([f.ull(1), f.ull(0), f.ull(2), f.ull(3)]);
                }
            }
            37 => {
                s.filesystems = it
                    .map(|f| {
                        let tail = f.tail();
                        FsUsage {
                            name: c_string(tail.get(..128).unwrap_or(tail)),
                            mountpoint: c_string(tail.get(128..256).unwrap_or(&[])),
                            size_bytes: z(f.ull(0)),
                            free_bytes: z(f.ull(1)),
                            avail_bytes: z(f.ull(2)),
                            inodes: z(f.ull(3)),
                            inodes_free: z(f.ull(4)),
                            // sadc records neither.
                            ..FsUsage::default()
                        }
                    })
                    .collect();
            }
            38 => {
                // Four unsigned longs, then the host's name (`MAX_FCH_LEN`, 16 bytes). A
                // long of all ones is a counter the HBA does not implement: absent, as the
                // probe reads it.
                let all_ones = if enc.long4 {
                    u64::from(u32::MAX)
                } else {
                    u64::MAX
                };
                s.fc_hosts = it
                    .map(|f| {
                        let tail = f.tail();
                        let mut h = FcHost {
                            name: c_string(tail.get(..16).unwrap_or(tail)),
                            ..FcHost::default()
                        };
                        let raw: Vec<Option<u64>> =
                            (0..4).map(|i| f.ul(i).filter(|&v| v != all_ones)).collect();
                        // Every value fits: the fields are `Option<u64>`.
                        let _ = h.set_raw_values(&raw);
                        h
                    })
                    .collect();
            }
            39 => {
                s.softnet = it
                    .skip(1)
                    .enumerate()
                    .map(|(cpu, f)| SoftnetCounters {
                        cpu: cpu as u32,
                        processed: z(f.u(0)),
                        dropped: z(f.u(1)),
                        time_squeeze: z(f.u(2)),
                        received_rps: z(f.u(3)),
                        flow_limit: z(f.u(4)),
                        backlog_len: f.u(5),
                    })
                    .collect();
            }
            40 => {
                if let Some(f) = it.next() {
                    s.pressure.cpu = Some(Pressure {
                        some: psi_line(f.ull(0), f.ul(0), f.ul(1), f.ul(2)),
                        full: None,
                    });
                }
            }
            41 | 42 => {
                if let Some(f) = it.next() {
                    let p = Some(Pressure {
                        some: psi_line(f.ull(0), f.ul(0), f.ul(1), f.ul(2)),
                        full: Some(psi_line(f.ull(1), f.ul(3), f.ul(4), f.ul(5))),
                    });
                    if a.id == 41 {
                        s.pressure.io = p;
                    } else {
                        s.pressure.memory = p;
                    }
                }
            }
            _ => {}
        }
    }

    /// The record's sample, its groups put together.
    pub fn finish(mut self) -> Sample {
        let s = &mut self.sample;
        if self.swap_levels.is_some() || self.swap_traffic.is_some() {
            let (total, free, cached) = self.swap_levels.unwrap_or_default();
            let (pswpin, pswpout) = self.swap_traffic.unwrap_or_default();
            s.swap = Some(Swap {
                swap_total: total,
                swap_free: free,
                swap_cached: cached,
                pswpin,
                pswpout,
            });
        }
        if let Some([total, free, rsvd, surp]) = self.huge {
            // sysstat keeps kB; rsar's probe keeps pages and the page size. A page of
            // 1 kB keeps the numbers.
            let m = s.memory.get_or_insert_with(Memory::default);
            m.hugepages_total = Some(z(total));
            m.hugepages_free = Some(z(free));
            m.hugepages_rsvd = Some(z(rsvd));
            m.hugepages_surp = Some(z(surp));
            m.hugepagesize = Some(1);
        }
        if let Some(v) = self.snmp {
            let mut c = SnmpCounters::default();
            let _ = c.set_raw_values(&v);
            s.snmp = Some(c);
        }
        if let Some(v) = self.snmp6 {
            let mut c = Snmp6Counters::default();
            let _ = c.set_raw_values(&v);
            s.snmp6 = Some(c);
        }
        if let Some(mut irq) = self.irq {
            if self.cpus_seen {
                // Offline CPUs' columns are left out, as /proc/interrupts leaves them.
                let online = |c: &u32| s.cpu.per_cpu.get(*c as usize).is_some_and(Option::is_some);
                let keep: Vec<bool> = irq.cpus.iter().map(online).collect();
                irq.cpus.retain(online);
                for l in &mut irq.lines {
                    let mut k = keep.iter();
                    l.counts.retain(|_| k.next().copied().unwrap_or(false));
                }
            }
            s.interrupts = irq;
        }
        if self.cpus_seen {
            let per_cpu = &s.cpu.per_cpu;
            s.softnet
                .retain(|c| per_cpu.get(c.cpu as usize).is_some_and(Option::is_some));
        }
        self.sample
    }
}

fn net_entry(net: &mut Vec<NetCounters>, name: String) -> &mut NetCounters {
    let i = match net.iter().position(|n| n.name == name) {
        Some(i) => i,
        None => {
            net.push(NetCounters {
                name,
                ..NetCounters::default()
            });
            net.len() - 1
        }
    };
    &mut net[i]
}

fn set_all<G: Group>(g: &mut G, values: impl Iterator<Item = Option<u64>>) {
    let v: Vec<Option<u64>> = values.map(|v| Some(z(v))).collect();
    let _ = g.set_raw_values(&v);
}

fn psi_line(
    total: Option<u64>,
    a10: Option<u64>,
    a60: Option<u64>,
    a300: Option<u64>,
) -> PressureLine {
    let x = |v: Option<u64>| u32::try_from(z(v)).unwrap_or(u32::MAX);
    PressureLine {
        avg10_x100: x(a10),
        avg60_x100: x(a60),
        avg300_x100: x(a300),
        total_us: z(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scsi_names_follow_sysstat_ioconf() {
        assert_eq!(scsi_disk_name(8, 0).as_deref(), Some("sda"));
        assert_eq!(scsi_disk_name(8, 17).as_deref(), Some("sdb1"));
        assert_eq!(scsi_disk_name(65, 0).as_deref(), Some("sdq"));
        assert_eq!(scsi_disk_name(71, 240).as_deref(), Some("sddx"));
        assert_eq!(scsi_disk_name(253, 0), None);
    }
}
