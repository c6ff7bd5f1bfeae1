//! Parsers against /proc text captured from real kernels of several generations (see
//! fixtures/proc-text/PROVENANCE.md for where each file came from).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::probe::{
    parse_diskstats, parse_loadavg, parse_meminfo, parse_net_dev, parse_pressure, parse_stat,
    parse_uptime, parse_vmstat,
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
