//! Parsers against /proc text captured from real kernels of several generations (see
//! fixtures/proc-text/PROVENANCE.md for where each file came from).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::probe::{
    parse_diskstats, parse_loadavg, parse_meminfo, parse_net_dev, parse_pressure, parse_snmp,
    parse_snmp6, parse_sockstat, parse_sockstat6, parse_softnet, parse_stat, parse_uptime,
    parse_vmstat,
};
use rsar::sample::{CpuTicks, CpuTimes, DiskCounters, KernelCounters, NetCounters};
use std::path::PathBuf;

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn disks(rel: &str) -> Vec<DiskCounters> {
    let mut v = Vec::new();
    parse_diskstats(&fixture(rel), &mut v).unwrap();
    v
}

#[test]
fn stat_without_steal_or_guest_columns_reads_them_as_zero() {
    let mut cpu = CpuTimes::default();
    let mut k = KernelCounters::default();
    parse_stat(
        &fixture("proc-text/stat-2.6.9-rhel4-8cpu"),
        &mut cpu,
        &mut k,
    )
    .unwrap();
    assert_eq!(cpu.per_cpu.len(), 8);
    assert_eq!(
        cpu.total,
        CpuTicks {
            user: 209841,
            nice: 1554,
            system: 21720,
            idle: 118519346,
            iowait: 72939,
            irq: 154,
            softirq: 27168,
            steal: 0,
            guest: 0,
            guest_nice: 0,
        }
    );
    assert_eq!(cpu.per_cpu[7].unwrap().softirq, 3447);
    assert_eq!(
        k,
        KernelCounters {
            ctxt: 4209609,
            processes: 21905,
            intr: 15239682,
            procs_running: 1,
            procs_blocked: 0,
            btime: Some(1078711415),
        }
    );
}

#[test]
fn stat_of_a_6_18_kernel_has_all_ten_columns() {
    let mut cpu = CpuTimes::default();
    let mut k = KernelCounters::default();
    parse_stat(&fixture("vm-6.18/t0/proc/stat"), &mut cpu, &mut k).unwrap();
    assert_eq!(cpu.per_cpu.len(), 2);
    assert!(cpu.per_cpu.iter().all(Option::is_some));
    let sum: u64 = cpu.online().map(|(_, t)| t.idle).sum();
    // The aggregate line is the sum of the per-CPU lines (no CPU has been offline).
    assert_eq!(sum, cpu.total.idle);
    assert!(k.ctxt > 0 && k.processes > 0 && k.intr > 0);
}

#[test]
fn stat_keeps_cpu_numbers_when_one_is_offline() {
    // Hand-made: cpu1 of three is offline, so the kernel prints no cpu1 line.
    let text = b"cpu  30 0 30 300 0 0 0 0 0 0\n\
        cpu0 10 0 10 100 0 0 0 0 0 0\n\
        cpu2 20 0 20 200 0 0 0 0 0 0\n\
        ctxt 5\nprocesses 7\n";
    let mut cpu = CpuTimes::default();
    let mut k = KernelCounters::default();
    parse_stat(text, &mut cpu, &mut k).unwrap();
    assert_eq!(cpu.per_cpu.len(), 3);
    assert!(cpu.per_cpu[1].is_none());
    assert_eq!(cpu.per_cpu[2].unwrap().user, 20);
    assert_eq!(cpu.online().map(|(n, _)| n).collect::<Vec<_>>(), vec![0, 2]);
}

#[test]
fn stat_without_the_aggregate_line_is_an_error() {
    let mut cpu = CpuTimes::default();
    let mut k = KernelCounters::default();
    let e = parse_stat(b"cpu0 1 2 3 4\nctxt 1\n", &mut cpu, &mut k).unwrap_err();
    assert!(e.0.contains("aggregate"), "{e:?}");
    let e = parse_stat(b"cpu 1 2 x 4\n", &mut cpu, &mut k).unwrap_err();
    assert!(e.0.contains("not a number"), "{e:?}");
}

#[test]
fn diskstats_with_14_fields_has_no_discard_or_flush_counters() {
    let d = disks("proc-text/diskstats-3.10-centos7");
    assert_eq!(
        d.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["sda", "sda1", "sda2", "sdc", "sdb"]
    );
    let sda = &d[0];
    assert_eq!((sda.major, sda.minor), (8, 0));
    assert_eq!(sda.reads, 20076);
    assert_eq!(sda.write_sectors, 253002144);
    assert_eq!(sda.io_ticks_ms, 9814563);
    assert_eq!(sda.weighted_ms, 24947775);
    assert_eq!(sda.discards, None);
    assert_eq!(sda.flushes, None);
}

#[test]
fn diskstats_tolerates_irregular_blanks_and_reads_in_flight() {
    let d = disks("proc-text/diskstats-3.19-ubuntu");
    let vda = d.iter().find(|d| d.name == "vda").unwrap();
    assert_eq!(vda.in_flight, 128);
    assert_eq!(vda.weighted_ms, 3146293200);
    let vda3 = d.iter().find(|d| d.name == "vda3").unwrap();
    assert_eq!(vda3.weighted_ms, 3146225736);
    assert_eq!(d.len(), 7);
}

#[test]
fn diskstats_with_18_fields_has_discards_but_no_flushes() {
    let d = disks("proc-text/diskstats-4.18-layout");
    assert_eq!(d[0].discards, Some(812));
    assert_eq!(d[0].discard_sectors, Some(1581056));
    assert_eq!(d[0].discard_ms, Some(93));
    assert_eq!(d[0].flushes, None);
}

#[test]
fn diskstats_with_20_fields_has_flushes() {
    let d = disks("proc-text/diskstats-iostats-doc");
    assert_eq!(d[0].name, "nvme0n1");
    assert_eq!(d[0].flushes, Some(60602));
    assert_eq!(d[0].flush_ms, Some(106555));
    let d = disks("vm-6.18/t0/proc/diskstats");
    let vda = d.iter().find(|d| d.name == "vda").unwrap();
    assert!(vda.flushes.is_some() && vda.discards.is_some());
}

#[test]
fn diskstats_reuses_entries_between_reads() {
    let mut v = Vec::new();
    parse_diskstats(&fixture("proc-text/diskstats-3.10-centos7"), &mut v).unwrap();
    let cap = v.capacity();
    parse_diskstats(&fixture("proc-text/diskstats-iostats-doc"), &mut v).unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[2].name, "nvme0n1p2");
    assert_eq!(v.capacity(), cap);
    // A width the kernel never printed is skipped, not a reason to lose the other disks.
    parse_diskstats(b"8 0 sda 1 2 3\n8 16 sdb 1 2 3 4 5 6 7 8 9 10 11\n", &mut v).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].name, "sdb");
}

#[test]
fn diskstats_groups_cut_short_are_whole_with_zeros() {
    // sysstat's test root1 has such lines: 15 statistics, the flush group cut to nothing;
    // these are cut inside a group.
    let mut v = Vec::new();
    let text = b"8 0 a 1 2 3 4 5 6 7 8 9 10 11 12\n\
                 8 1 b 1 2 3 4 5 6 7 8 9 10 11 12 13 14\n\
                 8 2 c 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n\
                 8 3 d 1 2 3 4\n";
    parse_diskstats(text, &mut v).unwrap();
    let groups = |d: &rsar::sample::DiskCounters| {
        (
            [
                d.discards,
                d.discards_merged,
                d.discard_sectors,
                d.discard_ms,
            ],
            [d.flushes, d.flush_ms],
        )
    };
    assert_eq!(
        groups(&v[0]),
        ([Some(12), Some(0), Some(0), Some(0)], [None, None])
    );
    assert_eq!(
        groups(&v[1]),
        ([Some(12), Some(13), Some(14), Some(0)], [None, None])
    );
    assert_eq!(
        groups(&v[2]),
        (
            [Some(12), Some(13), Some(14), Some(15)],
            [Some(16), Some(0)]
        )
    );
    // The 2.4-era partition layout: reads, read sectors, writes, write sectors.
    let d = &v[3];
    assert_eq!(
        (d.reads, d.read_sectors, d.writes, d.write_sectors),
        (1, 2, 3, 4)
    );
    assert_eq!((d.reads_merged, d.io_ticks_ms, d.discards), (0, 0, None));
}

#[test]
fn meminfo_before_memavailable() {
    let (m, s) = parse_meminfo(&fixture("proc-text/meminfo-2.6.32-no-memavailable")).unwrap();
    assert_eq!(m.mem_total, 16464260);
    assert_eq!(m.mem_available, None);
    assert_eq!(m.shmem, Some(56));
    assert_eq!(m.committed_as, 3304140);
    assert_eq!(m.vmalloc_used, 307816);
    assert_eq!(m.hugepagesize, Some(2048));
    assert_eq!(
        (s.swap_total, s.swap_free, s.swap_cached),
        (2096476, 1264996, 114124)
    );
}

#[test]
fn meminfo_of_a_6_18_kernel() {
    let (m, s) = parse_meminfo(&fixture("vm-6.18/t0/proc/meminfo")).unwrap();
    assert!(m.mem_available.is_some_and(|a| a <= m.mem_total));
    assert!(m.kernel_stack.is_some() && m.page_tables.is_some() && m.anon_pages.is_some());
    assert_eq!(s.swap_total, 0, "the capture machine has no swap");
}

/// Every field the schema declares as read from a /proc/meminfo line (its `source` and
/// `key`) is filled from that line and no other: a field added to `Memory` or `Swap` is
/// parsed without a second list to keep in step.
#[test]
fn meminfo_fills_each_declared_field_from_its_key_line() {
    use rsar::sample::{Field, Group, Memory, Swap};
    fn declared(fields: &[Field], next: &mut u64, text: &mut String) -> Vec<Option<u64>> {
        fields
            .iter()
            .map(|f| match f.key {
                Some(key) if f.source == "/proc/meminfo" => {
                    // Falling values: SwapTotal (declared first) stays above SwapFree.
                    *next -= 1;
                    text.push_str(&format!("{key}:{:>12} kB\n", *next));
                    Some(*next)
                }
                _ => None,
            })
            .collect()
    }
    let (mut next, mut text) = (10_000, String::from("Unrelated:  7 kB\n"));
    let memory = declared(Memory::FIELDS, &mut next, &mut text);
    let swap = declared(Swap::FIELDS, &mut next, &mut text);
    assert!(memory[0].is_some() && swap.iter().filter(|v| v.is_some()).count() == 3);
    let (m, s) = parse_meminfo(text.as_bytes()).unwrap();
    fn raw(g: &impl Group) -> Vec<Option<u64>> {
        let mut v = Vec::new();
        g.raw_values(&mut |x| v.push(x));
        v
    }
    let or_zero = |declared: Vec<Option<u64>>, fields: &[Field]| -> Vec<Option<u64>> {
        // A required field without a line reads as 0.
        declared
            .into_iter()
            .zip(fields)
            .map(|(v, f)| if f.optional { v } else { Some(v.unwrap_or(0)) })
            .collect()
    };
    assert_eq!(raw(&m), or_zero(memory, Memory::FIELDS), "{text}");
    assert_eq!(raw(&s), or_zero(swap, Swap::FIELDS), "{text}");
}

#[test]
fn vmstat_sums_the_scan_and_steal_families() {
    let text = b"pgpgin 100\npgpgout 200\npswpin 3\npswpout 4\npgfault 5\npgmajfault 6\n\
        pgfree 7\npgsteal_kswapd 10\npgsteal_direct 1\npgsteal_anon 9\npgsteal_file 2\n\
        pgscan_kswapd 20\npgscan_direct 5\npgscan_direct_throttle 99\n\
        pgpromote_success 8\npgdemote_kswapd 3\npgdemote_direct 1\n";
    let v = parse_vmstat(text).unwrap();
    assert_eq!((v.pswpin, v.pswpout), (3, 4));
    let p = v.paging;
    assert_eq!(
        (p.pgpgin, p.pgpgout, p.pgfault, p.pgmajfault, p.pgfree),
        (100, 200, 5, 6, 7)
    );
    assert_eq!(
        p.pgsteal, 11,
        "anon/file split the same steals: not added again"
    );
    assert_eq!(
        (p.pgsteal_anon, p.pgsteal_file),
        (Some(9), Some(2)),
        "kept apart: sar's pgsteal/s is their sum"
    );
    assert_eq!(p.pgscan_kswapd, 20);
    assert_eq!(p.pgscan_direct, 5, "throttle events are not pages");
    assert_eq!((p.pgpromote, p.pgdemote), (8, 4));
    assert!(parse_vmstat(&fixture("vm-6.18/t0/proc/vmstat")).is_ok());
    assert!(parse_vmstat(b"").is_err());
}

#[test]
fn loadavg_and_uptime() {
    let l = parse_loadavg(b"0.22 1.10 12.05 3/79 1996\n").unwrap();
    assert_eq!((l.load1_x100, l.load5_x100, l.load15_x100), (22, 110, 1205));
    assert_eq!((l.runnable, l.tasks), (3, 79));
    assert_eq!(parse_uptime(b"534.75 940.65\n").unwrap(), 53475);
    assert!(parse_uptime(b"garbage").is_err());
}

#[test]
fn pressure_with_and_without_a_full_line() {
    let p = parse_pressure(&fixture("proc-text/pressure-cpu-5.4-some-only")).unwrap();
    assert_eq!(p.some.avg10_x100, 153);
    assert_eq!(p.some.total_us, 8812345);
    assert_eq!(p.full, None);
    let p = parse_pressure(&fixture("vm-6.18/t0/proc/pressure/io")).unwrap();
    assert!(p.full.is_some());
}

#[test]
fn net_dev_keeps_the_kernel_order_and_every_counter() {
    let text = b"Inter-|   Receive                                                |  Transmit\n \
        face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    \
        lo:    3297      31    0    0    0     0          0         0     3297      31    0    0    0     0       0          0\n  \
        eth0:1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12\n";
    let mut v: Vec<NetCounters> = Vec::new();
    parse_net_dev(text, &mut v).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].name, "lo");
    let e = &v[1];
    assert_eq!(e.name, "eth0", "old kernels print no blank after the colon");
    assert_eq!((e.rx_bytes, e.rx_packets, e.rx_multicast), (1000, 10, 6));
    assert_eq!(
        (e.tx_bytes, e.tx_colls, e.tx_carrier, e.tx_compressed),
        (2000, 10, 11, 12)
    );
    parse_net_dev(&fixture("vm-6.18/t0/proc/net/dev"), &mut v).unwrap();
    assert!(v.iter().any(|i| i.name == "eth0"));
}

#[test]
fn meminfo_keeps_sreclaimable_for_vmstats_cache() {
    let (m, _) = parse_meminfo(&fixture("proc-text/meminfo-2.6.32-no-memavailable")).unwrap();
    assert_eq!(m.s_reclaimable, Some(884568));
}

#[test]
fn kernel_tables_files_of_a_6_18_kernel() {
    use rsar::probe::parse_numbers;
    // Captured on this project's VM: dentry-state has six numbers, file-nr three.
    let [total, unused] =
        parse_numbers::<2>(&fixture("vm-6.18/t0/proc/sys/fs/dentry-state")).unwrap();
    assert!(unused <= total && total > 0);
    let [alloc, free, max] =
        parse_numbers::<3>(&fixture("vm-6.18/t0/proc/sys/fs/file-nr")).unwrap();
    assert_eq!(free, 0, "unused handles are 0 since Linux 2.6");
    assert!(alloc > 0 && alloc < max);
    let [inodes, free_inodes] =
        parse_numbers::<2>(&fixture("vm-6.18/t0/proc/sys/fs/inode-state")).unwrap();
    assert!(free_inodes <= inodes);
    assert_eq!(
        parse_numbers::<1>(&fixture("vm-6.18/t0/proc/sys/kernel/pty/nr")).unwrap(),
        [0]
    );
    // Linux 2.4's inode-state had the same two leading numbers then five of padding.
    assert_eq!(
        parse_numbers::<2>(b"2843 12 0 0 0 0 0\n").unwrap(),
        [2843, 12]
    );
}

#[test]
fn snmp_of_this_kernel_is_read_by_column_name() {
    // vm-6.18/t0: Icmp has InCsumErrors and OutRateLimit*, Ip has OutTransmits (6.3+).
    let s = parse_snmp(&fixture("vm-6.18/t0/proc/net/snmp")).unwrap();
    assert_eq!(
        (s.ip_in_receives, s.ip_in_delivers, s.ip_out_requests),
        (3616, 3616, 2346)
    );
    assert_eq!((s.icmp_in_msgs, s.icmp_in_dest_unreachs), (108, 70));
    assert_eq!((s.icmp_in_echos, s.icmp_in_echo_reps), (19, 19));
    assert_eq!(
        (s.icmp_out_msgs, s.icmp_out_dest_unreachs, s.icmp_out_echos),
        (107, 69, 19)
    );
    assert_eq!((s.tcp_active_opens, s.tcp_passive_opens), (89, 76));
    assert_eq!(
        (
            s.tcp_in_segs,
            s.tcp_out_segs,
            s.tcp_estab_resets,
            s.tcp_out_rsts
        ),
        (3639, 2373, 3, 5)
    );
    assert_eq!(
        (s.udp_in_datagrams, s.udp_no_ports, s.udp_out_datagrams),
        (28, 69, 98)
    );
}

#[test]
fn interrupts_of_a_6_18_kernel() {
    use rsar::probe::parse_interrupts;
    use rsar::sample::Interrupts;
    let mut i = Interrupts::default();
    parse_interrupts(&fixture("vm-6.18/t0/proc/interrupts"), &mut i).unwrap();
    assert_eq!(i.cpus, [0, 1]);
    let names: Vec<&str> = i.lines.iter().map(|l| l.name.as_str()).collect();
    assert!(names.starts_with(&["24", "25"]), "{names:?}");
    for n in [
        "NMI", "LOC", "RES", "CAL", "TLB", "ERR", "MIS", "PIN", "NPI", "PIW",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert!(i.lines.iter().all(|l| l.counts.len() == 2));
    let err = i.lines.iter().find(|l| l.name == "ERR").unwrap();
    assert_eq!(err.counts[1], 0, "ERR has one count, for the machine");
    let loc = i.lines.iter().find(|l| l.name == "LOC").unwrap();
    assert!(
        loc.counts.iter().all(|&c| c > 0),
        "local timer ticks on every CPU"
    );
}

/// (name, counts) of each line.
fn irq_lines(rel: &str) -> (Vec<u32>, Vec<(String, Vec<u64>)>) {
    let mut i = rsar::sample::Interrupts::default();
    rsar::probe::parse_interrupts(&fixture(rel), &mut i).unwrap();
    let lines = i.lines.into_iter().map(|l| (l.name, l.counts)).collect();
    (i.cpus, lines)
}

#[test]
fn interrupts_of_a_3_10_kernel_with_chip_and_trigger_in_one_column() {
    let (cpus, lines) = irq_lines("proc-text/interrupts-3.10-layout");
    assert_eq!(cpus, [0, 1, 2, 3]);
    assert_eq!(lines.len(), 13 + 13 + 2, "every device and named line");
    let get = |n: &str| lines.iter().find(|(name, _)| name == n).unwrap().1.clone();
    assert_eq!(get("0"), [38, 0, 0, 0]);
    assert_eq!(get("56"), [1_873_446, 0, 0, 208_211]);
    // "PCIe PME, pciehp": a device name with blanks and a comma is not a count.
    assert_eq!(get("24"), [0, 0, 0, 0]);
    assert_eq!(get("LOC"), [51_871_094, 47_118_393, 45_300_271, 44_906_157]);
    assert_eq!(get("MCP"), [3711; 4]);
    // One count for the machine: the first column, as sadc reads it.
    assert_eq!(get("ERR"), [0; 4]);
    assert_eq!(get("MIS"), [0; 4]);
    // Lines this generation lacks are simply not there.
    assert!(lines
        .iter()
        .all(|(n, _)| !["PIN", "NPI", "PIW", "DFR"].contains(&n.as_str())));
}

#[test]
fn interrupts_of_an_arm64_kernel_with_ipi_lines_and_an_offline_cpu() {
    let (cpus, lines) = irq_lines("proc-text/interrupts-4.x-arm64-layout");
    assert_eq!(cpus, [0, 1, 3], "CPU2 is offline: no column");
    let get = |n: &str| lines.iter().find(|(name, _)| name == n).unwrap().1.clone();
    // The controller's hwirq number after the counts is not a count.
    assert_eq!(get("3"), [2_210_387, 1_970_116, 1_850_442]);
    assert_eq!(get("12"), [48_211, 0, 0]);
    let ipis: Vec<&str> = lines
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with("IPI"))
        .collect();
    assert_eq!(
        ipis,
        ["IPI0", "IPI1", "IPI2", "IPI3", "IPI4", "IPI5", "IPI6"]
    );
    assert_eq!(get("IPI0"), [503_211, 611_902, 588_177]);
    assert_eq!(get("Err"), [0, 0, 0]);
    assert!(lines.iter().all(|(_, c)| c.len() == 3));
}

#[test]
fn cpuinfo_without_cpu_mhz_gives_no_clock() {
    use rsar::probe::parse_cpuinfo;
    let mut v = vec![rsar::sample::CpuFreq { cpu: 9, khz: 1 }];
    for f in [
        "proc-text/cpuinfo-arm64-4.x-layout",
        "proc-text/cpuinfo-armv7-3.x-layout",
    ] {
        parse_cpuinfo(&fixture(f), &mut v).unwrap();
        assert!(v.is_empty(), "{f}: {v:?}");
    }
}

#[test]
fn cpuinfo_of_a_3_10_kernel_scaling_its_clocks() {
    use rsar::probe::parse_cpuinfo;
    let mut v = Vec::new();
    parse_cpuinfo(&fixture("proc-text/cpuinfo-3.10-x86-cpufreq"), &mut v).unwrap();
    let got: Vec<(u32, u64)> = v.iter().map(|f| (f.cpu, f.khz)).collect();
    assert_eq!(
        got,
        [
            (0, 1_200_000),
            (1, 2_401_000),
            (2, 1_200_000),
            (3, 3_199_875)
        ]
    );
}

#[test]
fn snmp_before_incsumerrors_reads_the_same_fields() {
    let s = parse_snmp(&fixture("proc-text/snmp-2.6.32-layout")).unwrap();
    assert_eq!(
        (s.ip_in_receives, s.ip_forw_datagrams, s.ip_in_delivers),
        (1000, 3, 900)
    );
    assert_eq!(
        (
            s.ip_in_hdr_errors,
            s.ip_in_addr_errors,
            s.ip_in_unknown_protos
        ),
        (1, 2, 4)
    );
    assert_eq!(
        (s.ip_reasm_reqds, s.ip_reasm_oks, s.ip_reasm_fails),
        (8, 9, 10)
    );
    assert_eq!(
        (s.ip_frag_oks, s.ip_frag_fails, s.ip_frag_creates),
        (11, 12, 13)
    );
    // Without InCsumErrors every Icmp column after InErrors sits one place to the left of
    // today's: found by name, each lands where it belongs.
    assert_eq!(
        (s.icmp_in_msgs, s.icmp_in_errors, s.icmp_in_dest_unreachs),
        (100, 1, 2)
    );
    assert_eq!((s.icmp_in_echos, s.icmp_in_addr_mask_reps), (7, 12));
    assert_eq!(
        (
            s.icmp_out_msgs,
            s.icmp_out_errors,
            s.icmp_out_addr_mask_reps
        ),
        (200, 13, 24)
    );
    assert_eq!(
        (s.tcp_active_opens, s.tcp_attempt_fails, s.tcp_retrans_segs),
        (31, 33, 37)
    );
    assert_eq!((s.tcp_in_errs, s.tcp_out_rsts), (38, 39));
    assert_eq!(
        (
            s.udp_in_datagrams,
            s.udp_no_ports,
            s.udp_in_errors,
            s.udp_out_datagrams
        ),
        (41, 42, 43, 44)
    );
}

#[test]
fn mounts_of_this_vm_give_the_one_disk_sar_reports() {
    use rsar::probe::parse_mounts;
    // Captured on this project's VM, where `sar -F` prints /dev/vda only: proc, sysfs,
    // tmpfs, devpts and cgroup lines have no path for a device.
    let m = parse_mounts(&fixture("vm-6.18/t0/proc/self/mounts"));
    let names: Vec<(&str, &str)> = m
        .iter()
        .map(|m| (m.device.as_str(), m.mountpoint.as_str()))
        .collect();
    assert_eq!(names, [("/dev/vda", "/")]);
}

#[test]
fn serial_driver_of_this_vm() {
    use rsar::probe::parse_serial;
    // One 16550A (ttyS0, the console) with transmit interrupts and no receive ones.
    let mut v = Vec::new();
    parse_serial(&fixture("vm-6.18/t0/proc/tty/driver/serial"), &mut v).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].line, v[0].rx), (0, 0));
    assert!(v[0].tx > 0);
}

/// Every /proc/net/snmp and snmp6 counter the schema declares is read from the name its
/// `key` gives (`Tcp_InSegs`: the `InSegs` column of the `Tcp` lines; `Ip6_InReceives`:
/// the `Ip6InReceives` line), each with its own value.
#[test]
fn snmp_fills_each_declared_field_from_its_key() {
    use rsar::sample::{Group, Snmp6Counters, SnmpCounters};
    fn raw(g: &impl Group) -> Vec<Option<u64>> {
        let mut v = Vec::new();
        g.raw_values(&mut |x| v.push(x));
        v
    }
    let keys = |fields: &[rsar::sample::Field]| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|f| {
                let (s, c) = f.key.unwrap().split_once('_').unwrap();
                (s.to_string(), c.to_string())
            })
            .collect()
    };
    let v4 = keys(SnmpCounters::FIELDS);
    let mut text = String::from("Unrelated: Foo\nUnrelated: 7\n");
    let mut sections: Vec<&str> = v4.iter().map(|(s, _)| s.as_str()).collect();
    sections.dedup();
    for section in sections {
        // Columns in reverse, so the values do not follow the declaration's order.
        let at: Vec<usize> = (0..v4.len())
            .rev()
            .filter(|&i| v4[i].0 == section)
            .collect();
        let names: Vec<&str> = at.iter().map(|&i| v4[i].1.as_str()).collect();
        let values: Vec<String> = at.iter().map(|i| (100 + i).to_string()).collect();
        text += &format!(
            "{section}: {}\n{section}: {}\n",
            names.join(" "),
            values.join(" ")
        );
    }
    let want: Vec<Option<u64>> = (0..v4.len()).map(|i| Some(100 + i as u64)).collect();
    assert_eq!(raw(&parse_snmp(text.as_bytes()).unwrap()), want, "{text}");

    let v6 = keys(Snmp6Counters::FIELDS);
    let text: String = (0..v6.len())
        .rev()
        .map(|i| format!("{}{} {}\n", v6[i].0, v6[i].1, 100 + i))
        .collect();
    let want: Vec<Option<u64>> = (0..v6.len()).map(|i| Some(100 + i as u64)).collect();
    assert_eq!(raw(&parse_snmp6(text.as_bytes()).unwrap()), want, "{text}");
}

#[test]
fn snmp6_of_this_kernel() {
    let s = parse_snmp6(&fixture("vm-6.18/t0/proc/net/snmp6")).unwrap();
    assert_eq!(s.ip6_in_receives, 315);
    assert_eq!((s.icmp6_in_echos, s.icmp6_out_echo_replies), (19, 19));
    assert_eq!(s.udp6_no_ports, 24);
}

#[test]
fn sockstat_with_and_without_mem_columns() {
    let s = parse_sockstat(&fixture("vm-6.18/t0/proc/net/sockstat")).unwrap();
    assert_eq!(
        (s.sockets_used, s.tcp_inuse, s.tcp_tw, s.udp_inuse),
        (14, 1, 68, 0)
    );
    let old = parse_sockstat(&fixture("proc-text/sockstat-2.6.24-no-mem")).unwrap();
    assert_eq!(
        (
            old.sockets_used,
            old.tcp_inuse,
            old.tcp_tw,
            old.udp_inuse,
            old.raw_inuse,
            old.frag_inuse
        ),
        (137, 49, 3, 11, 1, 2)
    );
    let s6 = parse_sockstat6(&fixture("vm-6.18/t0/proc/net/sockstat6")).unwrap();
    assert_eq!(s6, rsar::sample::SockStat6::default());
}

#[test]
fn softnet_names_its_cpu_or_follows_the_online_cpus() {
    let mut v = Vec::new();
    // 6.18: 15 columns, the 13th the CPU number.
    parse_softnet(
        &fixture("vm-6.18/t0/proc/net/softnet_stat"),
        [7, 8].into_iter(),
        &mut v,
    )
    .unwrap();
    assert_eq!(v.iter().map(|c| c.cpu).collect::<Vec<_>>(), [0, 1]);
    assert_eq!((v[0].processed, v[1].processed), (0x29b, 0xcc5));
    assert_eq!(v[0].backlog_len, Some(0));
    // 10 columns: no CPU number, no flow limit, no backlog; CPUs 1 and 2 offline.
    parse_softnet(
        &fixture("proc-text/softnet_stat-2.6.32-10-columns"),
        [0, 3].into_iter(),
        &mut v,
    )
    .unwrap();
    assert_eq!(v.iter().map(|c| c.cpu).collect::<Vec<_>>(), [0, 3]);
    assert_eq!((v[0].processed, v[0].time_squeeze), (0x2b4c1, 10));
    assert_eq!(
        (v[1].processed, v[1].dropped, v[1].received_rps),
        (0xffff_ff00, 3, 7)
    );
    assert_eq!((v[1].flow_limit, v[1].backlog_len), (0, None));
}

#[test]
fn odd_network_protocol_text_is_an_error_never_a_panic() {
    for text in [
        &b""[..],
        b"\n\n",
        b"Ip: InReceives\nIp: x",
        b"Tcp: ActiveOpens\nTcp: -5",
        b"Ip: InReceives\nIp: 99999999999999999999999",
        b":::\n:",
        b"\xff\xfe: \xff",
    ] {
        assert!(parse_snmp(text).is_err(), "{text:?}");
        assert!(parse_snmp6(text).is_err(), "{text:?}");
        assert!(parse_sockstat(text).is_err(), "{text:?}");
        assert!(parse_sockstat6(text).is_err(), "{text:?}");
        let mut v = Vec::new();
        assert!(parse_softnet(text, 0..4, &mut v).is_err(), "{text:?}");
    }
    // A header without its values, or values cut short, are not errors: what is there counts.
    let s = parse_snmp(b"Ip: InReceives InDelivers\nIp: 5\nTcp: ActiveOpens\n").unwrap();
    assert_eq!(
        (s.ip_in_receives, s.ip_in_delivers, s.tcp_active_opens),
        (5, 0, 0)
    );
    // Tcp MaxConn is -1 and is not read.
    assert!(parse_snmp(b"Tcp: MaxConn ActiveOpens\nTcp: -1 4\n").is_ok());
    let mut v = Vec::new();
    assert!(parse_softnet(b"0000000g 0 0\n", 0..1, &mut v).is_err());
    assert!(
        parse_softnet(b"1 2 3\n1 2 3\n", 0..1, &mut v).is_err(),
        "more lines than CPUs"
    );
    assert!(parse_softnet(b"1 2 3 4 5 6 7 8 9 a b c 100000000\n", 0..1, &mut v).is_err());
}

mod network_protocol_text_never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Text made of the files' own words, numbers (hex, negative, huge) and separators, so
    /// that headers and values line up often enough to reach the value parsing.
    fn procish() -> impl Strategy<Value = Vec<u8>> {
        let word = prop_oneof![
            Just("Ip:".to_string()),
            Just("Tcp:".to_string()),
            Just("Icmp:".to_string()),
            Just("TCP:".to_string()),
            Just("sockets:".to_string()),
            Just("InReceives".to_string()),
            Just("ActiveOpens".to_string()),
            Just("Ip6InReceives".to_string()),
            Just("Icmp6InType3".to_string()),
            Just("inuse".to_string()),
            Just("used".to_string()),
            Just("tw".to_string()),
            any::<u64>().prop_map(|v| v.to_string()),
            any::<u64>().prop_map(|v| format!("{v:08x}")),
            Just("-1".to_string()),
            Just("184467440737095516150".to_string()),
            "[ -~]{0,6}",
        ];
        let sep = prop_oneof![Just(" "), Just("\t"), Just("\n"), Just("  ")];
        prop::collection::vec((word, sep), 0..60).prop_map(|parts| {
            parts
                .into_iter()
                .flat_map(|(w, s)| [w, s.to_string()])
                .collect::<String>()
                .into_bytes()
        })
    }

    proptest! {
        #[test]
        fn parsers_return_or_err(text in prop_oneof![procish(), prop::collection::vec(any::<u8>(), 0..400)]) {
            let _ = parse_snmp(&text);
            let _ = parse_snmp6(&text);
            let _ = parse_sockstat(&text);
            let _ = parse_sockstat6(&text);
            let mut v = Vec::new();
            let _ = parse_softnet(&text, 0..3, &mut v);
        }
    }
}
