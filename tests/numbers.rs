//! sar's numbers where rsar once differed, each on hand-made samples with the
//! value sar prints worked out in the comments: averages of whole columns rounded, a CPU
//! coming back online, the guest shift, pgsteal/s, intervals not shown and not averaged,
//! and sadf -j's units.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::feed::Feed;
use rsar::probe::parse_vmstat;
use rsar::report::{renderer, Cell, CpuList, Format, Layout, Render, Selection, Table};
use rsar::sample::{CpuTicks, DiskCounters, HostFacts, LoadAvg, Memory, Paging, Sample};
use rsar::stats::IntervalStats;
use rsar::time::Zone;
use std::io;

/// A sample at `uptime_s` with one CPU (cpu0) and nothing else.
fn at(uptime_s: u64) -> Sample {
    let mut s = Sample::default();
    s.time.uptime_cs = uptime_s * 100;
    s.time.wall_ns = uptime_s as i64 * 1_000_000_000;
    s.cpu.per_cpu = vec![Some(CpuTicks::default())];
    s
}

fn sel(f: impl FnOnce(&mut Selection)) -> Selection {
    let mut s = Selection::default();
    f(&mut s);
    s
}

/// The values of each row, two decimals as printed.
fn values(rows: &[rsar::report::Row]) -> Vec<Vec<f64>> {
    rows.iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| match *c {
                    Cell::Real(v) | Cell::Whole(v) => (v * 100.0).round() / 100.0,
                })
                .collect()
        })
        .collect()
}

/// `samples` through the feed into sar's `-f` table layout.
fn table(sel: &Selection, samples: Vec<Sample>) -> String {
    let mut out = Vec::new();
    {
        let mut r = renderer(Format::Table, Layout::ByTable, &mut out, sel, Zone::Utc);
        r.begin(&HostFacts::default(), 0).unwrap();
        let mut feed = Feed::default();
        for s in samples {
            feed.sample(s, 1, r.as_mut()).unwrap();
        }
        r.finish().unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// The `Average:` line of a one-table report.
fn average(report: &str) -> Vec<String> {
    report
        .lines()
        .find(|l| l.starts_with("Average:"))
        .unwrap_or_else(|| panic!("no Average in\n{report}"))
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect()
}

/// The intervals the feed hands on.
#[derive(Default)]
struct Intervals(Vec<IntervalStats>);

impl Render for Intervals {
    fn begin(&mut self, _: &HostFacts, _: i64) -> io::Result<()> {
        Ok(())
    }
    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        self.0.push(s.clone());
        Ok(())
    }
    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
        Ok(())
    }
    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn fed(samples: Vec<Sample>) -> Vec<IntervalStats> {
    let mut got = Intervals::default();
    let mut feed = Feed::default();
    for s in samples {
        feed.sample(s, 2, &mut got).unwrap();
    }
    got.0
}

fn with_load_and_memory(mut s: Sample, tasks: u32, free: u64, avail: u64) -> Sample {
    s.load = Some(LoadAvg {
        tasks,
        runnable: 1,
        ..LoadAvg::default()
    });
    s.memory = Some(Memory {
        mem_total: 1_000,
        mem_free: free,
        mem_available: Some(avail),
        committed_as: avail,
        ..Memory::default()
    });
    s
}

#[test]
fn averages_of_whole_columns_round_as_sar_prints_them() {
    // plist-sz 133, 134, 134: mean 133.67, which sar prints with %9.0f as 134 (rsar once
    // truncated it to 133). kbmemfree 17, 18, 18: 17.67 → 18.
    let samples = vec![
        with_load_and_memory(at(0), 130, 10, 600),
        with_load_and_memory(at(1), 133, 17, 600),
        with_load_and_memory(at(2), 134, 18, 601),
        with_load_and_memory(at(3), 134, 18, 601),
    ];
    let q = table(&sel(|s| s.ask(Table::Queue)), samples.clone());
    assert_eq!(average(&q)[1], "134", "{q}");
    let r = table(&sel(|s| s.ask(Table::Memory)), samples);
    let avg = average(&r);
    assert_eq!(avg[0], "18", "kbmemfree\n{r}");
    // kbavail 600, 601, 601: 600.67 → 601; kbmemused 1000 − 600.67 = 399.33 → 399.
    assert_eq!((avg[1].as_str(), avg[2].as_str()), ("601", "399"), "{r}");
    // %memused: sar divides the kB sum by the count as integers first (1802 / 3 = 600),
    // so (1000 − 600) / 1000 = 40.00 %, not 39.93 %; %commit likewise 600 / 1000.
    assert_eq!(avg[3], "40.00", "%memused\n{r}");
    assert_eq!(avg[7], "60.00", "%commit\n{r}");
}

fn ticks(user: u64, nice: u64, system: u64, idle: u64, iowait: u64) -> CpuTicks {
    CpuTicks {
        user,
        nice,
        system,
        idle,
        iowait,
        ..CpuTicks::default()
    }
}

#[test]
fn a_cpu_back_online_is_diffed_against_its_last_online_counters() {
    // CPU 1 is online at a, offline at b, back at c (sysstat's root1 → root3 → root4 for
    // CPU 8). sysstat copies its counters at a forward, so at c it is diffed against them:
    // user 40 → 60, idle restarted (100 → 5, counted from 0). Its row shows, and `all`
    // counts its 25 ticks.
    let mut a = at(10);
    let mut b = at(11);
    let mut c = at(12);
    a.cpu.per_cpu = vec![Some(ticks(0, 0, 0, 100, 0)), Some(ticks(40, 0, 0, 100, 0))];
    b.cpu.per_cpu = vec![Some(ticks(50, 0, 0, 150, 0)), None];
    c.cpu.per_cpu = vec![Some(ticks(50, 0, 0, 250, 0)), Some(ticks(60, 0, 0, 5, 0))];
    let got = fed(vec![a, b, c]);
    let p_all = sel(|s| {
        s.ask(Table::Cpu);
        s.cpus = CpuList::All;
    });
    let rows = Table::Cpu.rows(&p_all, &got[1]);
    let items: Vec<_> = rows.iter().map(|r| r.item.clone().unwrap()).collect();
    assert_eq!(items, ["all", "0", "1"]);
    // CPU 1: 20 user + 5 idle of 25 ticks. all: CPU 0's 100 idle and CPU 1's 25.
    assert_eq!(values(&rows)[2], [80.0, 0.0, 0.0, 0.0, 0.0, 20.0]);
    assert_eq!(values(&rows)[0], [16.0, 0.0, 0.0, 0.0, 0.0, 84.0]);
    // A CPU with no counters since the segment began stays out when it comes online.
    let mut d = at(13);
    d.cpu.per_cpu = vec![
        Some(ticks(50, 0, 0, 350, 0)),
        None,
        Some(ticks(1, 0, 0, 1, 0)),
    ];
    let mut e = at(14);
    e.cpu.per_cpu = vec![
        Some(ticks(50, 0, 0, 450, 0)),
        None,
        Some(ticks(2, 0, 0, 2, 0)),
    ];
    let got = fed(vec![d.clone(), e.clone()]);
    assert_eq!(Table::Cpu.rows(&p_all, &got[0]).len(), 3, "all, 0 and 2");
    let mut c2 = at(12);
    c2.cpu.per_cpu = vec![Some(ticks(50, 0, 0, 250, 0)), None, None];
    let got = fed(vec![c2, d]);
    let rows = Table::Cpu.rows(&p_all, &got[0]);
    assert_eq!(rows.len(), 2, "all and 0: CPU 2 has no baseline yet");
    // Never across a reboot: the new boot's CPU 1 has no baseline from the old one.
    let mut old = at(100);
    old.cpu.per_cpu = vec![Some(ticks(0, 0, 0, 100, 0)), Some(ticks(40, 0, 0, 100, 0))];
    let mut boot1 = at(1);
    boot1.cpu.per_cpu = vec![Some(ticks(0, 0, 0, 10, 0)), None];
    let mut boot2 = at(2);
    boot2.cpu.per_cpu = vec![Some(ticks(0, 0, 0, 110, 0)), Some(ticks(1, 0, 0, 1, 0))];
    let got = fed(vec![old, boot1, boot2]);
    assert_eq!(got.len(), 1);
    assert_eq!(Table::Cpu.rows(&p_all, &got[0]).len(), 2, "all and 0");
}

#[test]
fn the_guest_shift_adds_to_the_cpus_interval() {
    // sysstat's root4 → root5, CPU 8: nice − guest_nice goes 28 − 0 → 33 − 25, down 20
    // ticks, so sysstat adds 20 to the CPU's interval (ishift): Δtot = 2201 + 20 = 2221.
    // %usr = Δ(user − guest) = (1635 − 150) − 1422 = 63 / 2221 = 2.84 (2.86 without the
    // shift); %sys 888 / 2221 = 39.98.
    let t = |v: [u64; 10]| CpuTicks {
        user: v[0],
        nice: v[1],
        system: v[2],
        idle: v[3],
        iowait: v[4],
        irq: v[5],
        softirq: v[6],
        steal: v[7],
        guest: v[8],
        guest_nice: v[9],
    };
    let mut a = at(7293);
    let mut b = at(7315);
    a.cpu.per_cpu = vec![Some(t([1422, 28, 1457, 103, 0, 264, 53, 0, 0, 0]))];
    b.cpu.per_cpu = vec![Some(t([1635, 33, 2345, 1098, 0, 264, 53, 100, 150, 25]))];
    let s = IntervalStats::between(&a, &b).unwrap();
    let rows = Table::Cpu.rows(
        &sel(|s| {
            s.ask_all_columns(Table::Cpu);
            s.cpus = CpuList::Some(vec![0]);
        }),
        &s,
    );
    assert_eq!(
        values(&rows)[0],
        [2.84, 0.0, 39.98, 0.0, 4.5, 0.0, 0.0, 6.75, 1.13, 44.8]
    );
    // The shift is in the CPU's interval, so `all` (the sum of the CPUs) has it too.
    assert_eq!(s.cpu.all.total(), 2221);
}

fn paging(vmstat: &str) -> Paging {
    parse_vmstat(vmstat.as_bytes()).unwrap().paging
}

#[test]
fn pgsteal_is_anon_plus_file_as_sysstat_counts_it() {
    // sysstat 12.7.8+: pgsteal = pgsteal_anon + pgsteal_file (the kswapd/direct split
    // misses memory-cgroup reclaim). sysstat's root1 → root2: anon 0 → 10, file 0 → 7
    // while kswapd and direct stay 0: 17 pages.
    let mut a = at(0);
    let mut b = at(10);
    a.paging = Some(paging(
        "pgsteal_kswapd 0\npgsteal_direct 0\npgsteal_anon 0\npgsteal_file 0\n",
    ));
    b.paging = Some(paging(
        "pgsteal_kswapd 0\npgsteal_direct 0\npgsteal_anon 10\npgsteal_file 7\n",
    ));
    let s = IntervalStats::between(&a, &b).unwrap();
    let pgsteal = |s: &IntervalStats| values(&Table::Paging.rows(&Selection::default(), s))[0][7];
    assert_eq!(pgsteal(&s), 1.7);
    // A log recorded before rsar kept anon/file (or a kernel before 5.8): the
    // kswapd/direct sum, as before.
    a.paging = Some(Paging {
        pgsteal: 100,
        ..Paging::default()
    });
    b.paging = Some(Paging {
        pgsteal: 130,
        ..Paging::default()
    });
    assert_eq!(pgsteal(&IntervalStats::between(&a, &b).unwrap()), 3.0);
}

fn vda(reads: u64, whole: bool) -> DiskCounters {
    DiskCounters {
        major: 253,
        minor: 0,
        name: "vda".into(),
        whole,
        physical: whole,
        reads,
        read_sectors: reads * 8,
        ..DiskCounters::default()
    }
}

#[test]
fn an_interval_not_shown_is_not_averaged() {
    // vda is a whole disk at a and b, but c has no /sys to say so (sysstat's root6b):
    // -d shows vda for a → b only, so its Average is that row: 100 reads in 10 s, not
    // 150 reads in 20 s.
    let mut a = at(0);
    let mut b = at(10);
    let mut c = at(20);
    a.disks = vec![vda(1000, true)];
    b.disks = vec![vda(1100, true)];
    c.disks = vec![vda(1150, false)];
    let report = table(&sel(|s| s.ask(Table::Disk)), vec![a, b, c]);
    let rows: Vec<&str> = report.lines().filter(|l| l.contains(" vda ")).collect();
    assert_eq!(rows.len(), 2, "one interval and the Average\n{report}");
    assert_eq!(rows[0][11..], rows[1][11..], "{report}");
    // An interface that was not there is not averaged over that time either.
    let iface = |rx_packets: u64| rsar::sample::NetCounters {
        name: "eth0".into(),
        rx_packets,
        ..Default::default()
    };
    // lo is always there (a sample without any interface could not read /proc/net/dev:
    // a gap, not every interface gone).
    let lo = rsar::sample::NetCounters {
        name: "lo".into(),
        ..Default::default()
    };
    let mut a = at(0);
    let mut b = at(10);
    let mut c = at(20);
    let mut d = at(30);
    a.net = vec![iface(0), lo.clone()];
    b.net = vec![iface(100), lo.clone()];
    c.net = vec![lo.clone()];
    d.net = vec![iface(50), lo];
    let report = table(&sel(|s| s.ask(Table::NetDev)), vec![a, b, c, d]);
    // 100 packets in a → b, none shown for b → c, 50 (from zero, new) in c → d: 150 in
    // the 20 s that showed eth0.
    assert_eq!(average(&report)[1], "7.50", "{report}");
}

#[test]
fn json_disk_request_size_is_in_sectors_and_the_interval_whole_seconds() {
    // sadf -j: "avgrq-sz" is sysstat's arqsz, in sectors; "areq-sz" is arqsz / 2, in kB.
    // The timestamp's interval is whole seconds, rounded (sysstat's root3 → root4 took
    // 38.50 s: 39).
    let mut a = at(0);
    let mut b = at(0);
    a.time.uptime_cs = 725_496;
    b.time.uptime_cs = 729_346;
    a.disks = vec![vda(1000, true)];
    b.disks = vec![vda(1100, true)];
    let mut out = Vec::new();
    {
        let sel = sel(|s| s.ask(Table::Disk));
        let mut r = renderer(Format::Json, Layout::ByTable, &mut out, &sel, Zone::Utc);
        r.begin(&HostFacts::default(), 0).unwrap();
        let mut feed = Feed::default();
        feed.sample(a, 1, r.as_mut()).unwrap();
        feed.sample(b, 1, r.as_mut()).unwrap();
        r.finish().unwrap();
    }
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let e = &v["sysstat"]["hosts"][0]["statistics"][0];
    assert_eq!(e["timestamp"]["interval"].to_string(), "39");
    let d = &e["disk"][0];
    // 100 reads of 8 sectors each: 8 sectors, 4 kB a request.
    assert_eq!(d["avgrq-sz"].to_string(), "8.00");
    assert_eq!(d["areq-sz"].to_string(), "4.00");
}

#[test]
fn a_counter_going_back_from_a_small_value_is_a_reset_not_a_32_bit_wrap() {
    // sysstat's root6 → root7: wlp5s1's collisions go 10 → 0 while its packets go on.
    // sar prints 0.00 coll/s; rsar took it for a 32-bit wrap (2^32 − 10 collisions).
    let iface = |tx_packets: u64, tx_colls: u64| rsar::sample::NetCounters {
        name: "wlp5s1".into(),
        rx_packets: tx_packets,
        tx_packets,
        tx_colls,
        ..Default::default()
    };
    let mut a = at(0);
    let mut b = at(20);
    a.net = vec![iface(5, 10)];
    b.net = vec![iface(5831, 0)];
    let s = IntervalStats::between(&a, &b).unwrap();
    assert_eq!(s.net[0].tx_colls, 0);
    // A counter near 2^32 that comes back small did wrap.
    a.net[0].tx_colls = 4_294_967_000;
    b.net[0].tx_colls = 4;
    let s = IntervalStats::between(&a, &b).unwrap();
    assert_eq!(s.net[0].tx_colls, 300);
}
