//! sysstat's formulas on hand-made samples, with expected values computed by hand in the
//! comments, and the rules for counters that misbehave. Checked through the rows that the
//! reports print, so a table and its numbers cannot drift apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use rsar::report::{Cell, CpuList, Row, Selection, Table};
use rsar::sample::{
    CpuTicks, DiskCounters, Group, KernelCounters, LoadAvg, Memory, NetCounters, Paging, Pressure,
    PressureLine, Sample, Snmp6Counters, SnmpCounters, SockStat, SockStat6, SoftnetCounters, Swap,
};
use rsar::stats::IntervalStats;

#[path = "common/declared.rs"]
mod declared;

/// A sample at `uptime_s` with one CPU (cpu0) and nothing else.
fn at(uptime_s: u64) -> Sample {
    let mut s = Sample::default();
    s.time.uptime_cs = uptime_s * 100;
    s.time.wall_ns = uptime_s as i64 * 1_000_000_000;
    s.cpu.per_cpu = vec![Some(CpuTicks::default())];
    s
}

fn between(a: &Sample, b: &Sample) -> IntervalStats {
    IntervalStats::between(a, b).expect("uptime advanced")
}

fn values(rows: &[Row]) -> Vec<Vec<f64>> {
    rows.iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| match *c {
                    Cell::Real(v) => (v * 100.0).round() / 100.0,
                    // As a whole column prints: sar's %.0f, halves to even.
                    Cell::Whole(v) => v.round_ties_even(),
                })
                .collect()
        })
        .collect()
}

fn items(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|r| r.item.clone().unwrap_or_default())
        .collect()
}

fn sel(f: impl FnOnce(&mut Selection)) -> Selection {
    let mut s = Selection::default();
    f(&mut s);
    s
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
fn cpu_u_and_u_all_with_guest_time_inside_user() {
    let mut a = at(100);
    let mut b = at(102);
    a.cpu.per_cpu[0] = Some(CpuTicks {
        user: 100,
        system: 50,
        idle: 800,
        iowait: 10,
        ..CpuTicks::default()
    });
    b.cpu.per_cpu[0] = Some(CpuTicks {
        user: 160,
        nice: 10,
        system: 70,
        idle: 880,
        iowait: 20,
        irq: 5,
        softirq: 5,
        steal: 10,
        guest: 30,
        guest_nice: 4,
    });
    let s = between(&a, &b);
    // Δtot = 60 + 10 + 20 + 80 + 10 + 5 + 5 + 10 = 200 (guest is inside user already).
    let u = Table::Cpu.rows(&sel(|s| s.ask(Table::Cpu)), &s);
    // %user 60/200, %nice 10/200, %system (20+5+5)/200, %iowait, %steal, %idle 80/200.
    assert_eq!(values(&u), vec![vec![30.0, 5.0, 15.0, 5.0, 5.0, 40.0]]);
    assert_eq!(items(&u), ["all"]);
    let all = Table::Cpu.rows(&sel(|s| s.ask_all_columns(Table::Cpu)), &s);
    // %usr (60−30)/200, %nice (10−4)/200, %sys 20/200, %iowait, %steal, %irq, %soft,
    // %guest 30/200, %gnice 4/200, %idle.
    assert_eq!(
        values(&all),
        vec![vec![15.0, 3.0, 10.0, 5.0, 5.0, 2.5, 2.5, 15.0, 2.0, 40.0]]
    );
}

#[test]
fn a_tickless_cpu_is_all_idle() {
    let mut a = at(10);
    let mut b = at(11);
    a.cpu.per_cpu = vec![Some(ticks(5, 0, 5, 90, 0)), Some(ticks(1, 1, 1, 1, 1))];
    b.cpu.per_cpu = vec![Some(ticks(15, 0, 15, 170, 0)), Some(ticks(1, 1, 1, 1, 1))];
    let s = between(&a, &b);
    let rows = Table::Cpu.rows(
        &sel(|s| {
            s.ask(Table::Cpu);
            s.cpus = CpuList::All;
        }),
        &s,
    );
    assert_eq!(items(&rows), ["all", "0", "1"]);
    let v = values(&rows);
    assert_eq!(v[1], [10.0, 0.0, 10.0, 0.0, 0.0, 80.0]);
    assert_eq!(v[2], [0.0, 0.0, 0.0, 0.0, 0.0, 100.0], "Δtot = 0");
    assert_eq!(v[0], v[1], "the tickless CPU adds nothing to all");
}

#[test]
fn idle_going_backwards_means_the_cpu_came_back_and_idle_restarted() {
    let mut a = at(10);
    let mut b = at(11);
    a.cpu.per_cpu[0] = Some(ticks(500, 0, 100, 1000, 50));
    // Offline and back between the samples: user resumed, idle and iowait restarted at 0.
    b.cpu.per_cpu[0] = Some(ticks(510, 0, 100, 30, 5));
    let s = between(&a, &b);
    // Previous idle and iowait count as 0: Δidle 30, Δiowait 5, Δuser 10; Δtot 45.
    let d = s.cpu.per_cpu[0].unwrap();
    assert_eq!((d.user, d.idle, d.iowait, d.total()), (10, 30, 5, 45));
}

#[test]
fn iowait_going_backwards_while_idle_advances_is_reaccounting() {
    let mut a = at(10);
    let mut b = at(11);
    a.cpu.per_cpu[0] = Some(ticks(0, 0, 0, 100, 50));
    b.cpu.per_cpu[0] = Some(ticks(0, 0, 0, 150, 40));
    let d = between(&a, &b).cpu.per_cpu[0].unwrap();
    assert_eq!((d.idle, d.iowait), (50, 0));
    let u = d.util();
    assert_eq!((u.idle, u.iowait), (100.0, 0.0));
}

#[test]
fn a_cpu_offline_then_back_is_left_out_until_it_has_a_baseline() {
    let mut a = at(10);
    let mut b = at(11);
    let mut c = at(12);
    a.cpu.per_cpu = vec![Some(ticks(0, 0, 0, 100, 0)), Some(ticks(40, 0, 0, 100, 0))];
    b.cpu.per_cpu = vec![Some(ticks(50, 0, 0, 150, 0)), None];
    c.cpu.per_cpu = vec![Some(ticks(50, 0, 0, 250, 0)), Some(ticks(60, 0, 0, 5, 0))];
    let p_all = sel(|s| {
        s.ask(Table::Cpu);
        s.cpus = CpuList::All;
    });
    let ab = between(&a, &b);
    let rows = Table::Cpu.rows(&p_all, &ab);
    assert_eq!(
        items(&rows),
        ["all", "0"],
        "offline CPUs are left out of -P ALL"
    );
    assert_eq!(values(&rows)[0], [50.0, 0.0, 0.0, 0.0, 0.0, 50.0]);
    let bc = between(&b, &c);
    let rows = Table::Cpu.rows(&p_all, &bc);
    assert_eq!(items(&rows), ["all", "0"], "no baseline for CPU 1 yet");
    assert_eq!(values(&rows)[0], [0.0, 0.0, 0.0, 0.0, 0.0, 100.0]);
    // -P 1 alone asks for a CPU that has no interval: no row rather than a made-up one.
    let p1 = sel(|s| {
        s.ask(Table::Cpu);
        s.cpus = CpuList::Some(vec![1]);
    });
    assert!(Table::Cpu.rows(&p1, &ab).is_empty());
    // Directly from a to c, CPU 1 went offline and back: idle restarted (100 → 5), so
    // previous idle counts as 0; user resumed (40 → 60).
    let ac = between(&a, &c);
    let d = ac.cpu.per_cpu[1].unwrap();
    assert_eq!((d.user, d.idle), (20, 5));
}

fn disk(name: &str, minor: u32) -> DiskCounters {
    DiskCounters {
        major: 8,
        minor,
        name: name.into(),
        whole: true,
        physical: true,
        ..DiskCounters::default()
    }
}

#[test]
fn disk_d_columns() {
    let mut a = at(100);
    let mut b = at(102);
    let mut d0 = disk("sda", 0);
    d0.reads = 1000;
    d0.writes = 500;
    d0.discards = Some(0);
    let mut d1 = d0.clone();
    d1.reads += 100;
    d1.writes += 50;
    d1.discards = Some(10);
    d1.read_sectors += 800;
    d1.write_sectors += 400;
    d1.discard_sectors = Some(200);
    d1.read_ms += 300;
    d1.write_ms += 150;
    d1.discard_ms = Some(30);
    d1.io_ticks_ms += 500;
    d1.weighted_ms += 1200;
    a.disks = vec![d0];
    b.disks = vec![d1];
    let s = between(&a, &b);
    let rows = Table::Disk.rows(&sel(|s| s.ask(Table::Disk)), &s);
    assert_eq!(items(&rows), ["sda"]);
    // Over 2 s: tps 160/2; rkB/s 800/2/2; wkB/s 400/2/2; dkB/s 200/2/2;
    // areq-sz 1400 sectors/160 ios/2 = 4.375 kB; aqu-sz 1200 ms/1000/2 s;
    // await (300+150+30)/160 = 3 ms; %util 500 ms/10/2 s.
    assert_eq!(
        values(&rows),
        vec![vec![80.0, 200.0, 100.0, 50.0, 4.38, 0.6, 3.0, 25.0]]
    );
    let io = Table::Io.rows(&sel(|s| s.ask(Table::Io)), &s);
    // tps rtps wtps dtps, then sectors: bread/s 800/2, bwrtn/s 400/2, bdscd/s 200/2.
    assert_eq!(
        values(&io),
        vec![vec![80.0, 50.0, 25.0, 5.0, 400.0, 200.0, 100.0]]
    );
}

#[test]
fn b_sums_whole_physical_disks_only_and_d_skips_unused_devices() {
    let mut a = at(0);
    let mut b = at(1);
    let mut sda = disk("sda", 0);
    let mut sda1 = disk("sda1", 1);
    sda1.whole = false;
    let mut loop0 = disk("loop0", 0);
    loop0.major = 7;
    loop0.physical = false;
    let mut loop1 = loop0.clone();
    loop1.name = "loop1".into();
    loop1.minor = 1;
    a.disks = vec![sda.clone(), sda1.clone(), loop0.clone(), loop1.clone()];
    sda.reads = 10;
    sda1.reads = 10;
    loop0.reads = 7;
    b.disks = vec![sda, sda1, loop0, loop1];
    let s = between(&a, &b);
    assert_eq!(values(&Table::Io.rows(&sel(|_| {}), &s))[0][0], 10.0);
    let d = Table::Disk.rows(&sel(|s| s.ask(Table::Disk)), &s);
    assert_eq!(
        items(&d),
        ["sda", "loop0"],
        "partitions and never-used devices are skipped"
    );
}

#[test]
fn a_disk_removed_and_re_added_counts_from_zero() {
    let mut a = at(0);
    let mut b = at(1);
    let mut c = at(2);
    // sda stays: a sample without any device at all lacks /proc/diskstats, which is a gap,
    // not every device removed.
    let sda = disk("sda", 0);
    let mut sdb = disk("sdb", 16);
    sdb.reads = 1000;
    sdb.read_sectors = 8000;
    a.disks = vec![sda.clone(), sdb.clone()];
    b.disks = vec![sda.clone()];
    sdb.reads = 10;
    sdb.read_sectors = 80;
    c.disks = vec![sda, sdb];
    assert!(between(&a, &b).disks.iter().all(|d| d.name == "sda"));
    // Back with counters from zero: Δ = the new counters (not 10 − 1000).
    let bc = between(&b, &c);
    assert_eq!((bc.disks[1].reads, bc.disks[1].read_sectors), (10, 80));
    // Re-registered between two samples: reads went backwards, so again from zero.
    let ac = between(&a, &c);
    assert_eq!((ac.disks[1].reads, ac.disks[1].read_sectors), (10, 80));
}

#[test]
fn a_32_bit_diskstats_time_field_wraps() {
    let mut a = at(0);
    let mut b = at(1);
    let mut d = disk("vda", 0);
    d.reads = 5;
    d.io_ticks_ms = 4_294_967_000;
    d.weighted_ms = 4_294_966_296;
    a.disks = vec![d.clone()];
    d.reads = 6;
    d.io_ticks_ms = 704;
    d.weighted_ms = 1000;
    b.disks = vec![d];
    let s = between(&a, &b);
    // 704 + 2^32 − 4294967000 = 1000 ms busy in 1 s: 100 %; weighted 2000 ms: aqu-sz 2.
    assert_eq!(s.disks[0].io_ticks_ms, 1000);
    let r = s.disks[0].rates(s.seconds);
    assert_eq!((r.util, r.aqu_sz), (100.0, 2.0));
}

fn iface(name: &str) -> NetCounters {
    NetCounters {
        name: name.into(),
        ..NetCounters::default()
    }
}

#[test]
fn net_dev_columns_and_ifutil() {
    let mut a = at(0);
    let mut b = at(2);
    let mut e = iface("eth0");
    e.speed_mbps = Some(1000);
    e.full_duplex = true;
    let mut h = iface("eth1");
    h.speed_mbps = Some(100);
    a.net = vec![e.clone(), h.clone()];
    e.rx_packets = 200;
    e.tx_packets = 100;
    e.rx_bytes = 25_000_000;
    e.tx_bytes = 2_048;
    e.rx_compressed = 4;
    e.tx_compressed = 2;
    e.rx_multicast = 6;
    h.rx_bytes = 1_000_000;
    h.tx_bytes = 250_000;
    b.net = vec![e, h];
    let s = between(&a, &b);
    let rows = Table::NetDev.rows(&sel(|s| s.ask(Table::NetDev)), &s);
    assert_eq!(items(&rows), ["eth0", "eth1"]);
    // eth0 over 2 s: 100 rxpck/s, 50 txpck/s, rx 12.5e6 B/s = 12207.03 kB/s, tx 1 kB/s,
    // 2 rxcmp/s, 1 txcmp/s, 3 rxmcst/s; full duplex: max(rx, tx)·8 / 1000 Mb/s = 10 %.
    assert_eq!(
        values(&rows)[0],
        [100.0, 50.0, 12207.03, 1.0, 2.0, 1.0, 3.0, 10.0]
    );
    // eth1, half duplex: (500000 + 125000) B/s · 8 / 100 Mb/s = 5 %.
    assert_eq!(values(&rows)[1][7], 5.0);
}

#[test]
fn an_interface_re_registered_counts_from_zero_and_32_bit_bytes_wrap() {
    let mut a = at(0);
    let mut b = at(1);
    let mut v = iface("veth0");
    v.rx_packets = 5000;
    v.rx_bytes = 9_000_000;
    let mut w = iface("wlan0");
    w.rx_packets = 10;
    w.rx_bytes = 4_294_967_000;
    a.net = vec![v.clone(), w.clone()];
    v.rx_packets = 20;
    v.rx_bytes = 3000;
    w.rx_packets = 11;
    w.rx_bytes = 296;
    b.net = vec![v, w];
    let s = between(&a, &b);
    assert_eq!((s.net[0].rx_packets, s.net[0].rx_bytes), (20, 3000));
    // Bytes wrapped at 2^32 while packets went on: 296 + 2^32 − 4294967000 = 592.
    assert_eq!(s.net[1].rx_bytes, 592);
}

/// Network counters are the kernel's `unsigned long`, 32 bits on a 32-bit kernel: each is
/// declared to wrap at 2^32, and each one's interval does what its declaration says. A
/// counter going from just below 2^32 to 5 counted 15 across the wrap; a packet count
/// doing so means the interface was registered again, and it counts from 0 (sysstat's
/// rule): 5. Every field is read back through the column that shows it.
#[test]
fn each_net_counter_wraps_as_declared() {
    let columns = [
        (Table::NetDev, 0, "rx_packets", 1.0),
        (Table::NetDev, 1, "tx_packets", 1.0),
        (Table::NetDev, 2, "rx_bytes", 1024.0),
        (Table::NetDev, 3, "tx_bytes", 1024.0),
        (Table::NetDev, 4, "rx_compressed", 1.0),
        (Table::NetDev, 5, "tx_compressed", 1.0),
        (Table::NetDev, 6, "rx_multicast", 1.0),
        (Table::NetEdev, 0, "rx_errs", 1.0),
        (Table::NetEdev, 1, "tx_errs", 1.0),
        (Table::NetEdev, 2, "tx_colls", 1.0),
        (Table::NetEdev, 3, "rx_drop", 1.0),
        (Table::NetEdev, 4, "tx_drop", 1.0),
        (Table::NetEdev, 5, "tx_carrier", 1.0),
        (Table::NetEdev, 6, "rx_frame", 1.0),
        (Table::NetEdev, 7, "rx_fifo", 1.0),
        (Table::NetEdev, 8, "tx_fifo", 1.0),
    ];
    assert_eq!(columns.len(), NetCounters::FIELDS.len());
    // A table's rows do not depend on whether it was asked for.
    let any = Selection::default();
    for (table, column, name, unit) in columns {
        let n = NetCounters::FIELDS
            .iter()
            .position(|f| f.name == name)
            .unwrap();
        let declared = NetCounters::FIELDS[n].wrap_bits;
        assert_eq!(declared, Some(32), "{name} is 32-bit on a 32-bit kernel");
        let mut raw = vec![Some(1000); NetCounters::FIELDS.len()];
        raw[n] = Some((1 << 32) - 10);
        let (mut a, mut b) = (at(0), at(1));
        let mut p = iface("eth0");
        p.set_raw_values(&raw).unwrap();
        raw[n] = Some(5);
        let mut c = iface("eth0");
        c.set_raw_values(&raw).unwrap();
        a.net = vec![p];
        b.net = vec![c];
        let rows = table.rows(&any, &between(&a, &b));
        let Cell::Real(v) = rows[0].cells[column] else {
            panic!("{name}: not a rate")
        };
        let want = match declared {
            _ if name.ends_with("_packets") => 5.0,
            Some(32) => 15.0,
            _ => 0.0,
        };
        assert_eq!(v * unit, want, "{name}");
    }
}

fn with_levels(mut s: Sample, runnable: u32, blocked: u64) -> Sample {
    s.load = Some(LoadAvg {
        load1_x100: 150,
        load5_x100: 75,
        load15_x100: 5,
        runnable,
        tasks: 300,
    });
    s.kernel.procs_blocked = blocked;
    s.memory = Some(Memory {
        mem_total: 1_000_000,
        mem_free: 100_000,
        mem_available: Some(600_000),
        buffers: 10_000,
        cached: 300_000,
        active: 200_000,
        inactive: 150_000,
        dirty: 1_234,
        shmem: Some(5_000),
        slab: 40_000,
        committed_as: 500_000,
        anon_pages: Some(70_000),
        kernel_stack: Some(3_000),
        page_tables: Some(2_000),
        vmalloc_used: 9_000,
        ..Memory::default()
    });
    s.swap = Some(Swap {
        swap_total: 250_000,
        swap_free: 100_000,
        swap_cached: 37_500,
        pswpin: 0,
        pswpout: 0,
    });
    s
}

#[test]
fn queue_memory_and_swap_levels() {
    let a = with_levels(at(0), 1, 0);
    let b = with_levels(at(1), 3, 2);
    let s = between(&a, &b);
    let q = Table::Queue.rows(&sel(|_| {}), &s);
    // runq-sz leaves out the sampler: 3 − 1.
    assert_eq!(values(&q), vec![vec![2.0, 300.0, 1.5, 0.75, 0.05, 2.0]]);
    let r = Table::Memory.rows(&sel(|s| s.ask_all_columns(Table::Memory)), &s);
    // kbmemused = 1000000 − 600000; %memused 40; %commit 500000/(1000000+250000) = 40.
    assert_eq!(
        values(&r),
        vec![vec![
            100_000.0, 600_000.0, 400_000.0, 40.0, 10_000.0, 300_000.0, 500_000.0, 40.0, 200_000.0,
            150_000.0, 1_234.0, 5_000.0, 70_000.0, 40_000.0, 3_000.0, 2_000.0, 9_000.0
        ]]
    );
    let w = Table::Swap.rows(&sel(|_| {}), &s);
    // used 150000 of 250000 = 60 %; cached 37500 of used = 25 %.
    assert_eq!(
        values(&w),
        vec![vec![100_000.0, 150_000.0, 60.0, 37_500.0, 25.0]]
    );
}

#[test]
fn memory_without_memavailable_uses_free_buffers_cached_and_slab() {
    let mut a = with_levels(at(0), 1, 0);
    if let Some(m) = a.memory.as_mut() {
        m.mem_available = None;
    }
    let b = a.clone();
    let mut b = b;
    b.time.uptime_cs += 100;
    let r = Table::Memory.rows(&sel(|_| {}), &between(&a, &b));
    // used = 1000000 − (100000 + 10000 + 300000 + 40000) = 550000; kbavail prints 0.
    assert_eq!(values(&r)[0][1..4], [0.0, 550_000.0, 55.0]);
}

#[test]
fn swapping_paging_tasks_and_pressure_rates() {
    let mut a = at(10);
    let mut b = at(14);
    a.kernel = KernelCounters {
        ctxt: 1000,
        processes: 50,
        ..KernelCounters::default()
    };
    b.kernel = KernelCounters {
        ctxt: 5000,
        processes: 70,
        ..KernelCounters::default()
    };
    a.swap = Some(Swap::default());
    b.swap = Some(Swap {
        pswpin: 8,
        pswpout: 40,
        ..Swap::default()
    });
    a.paging = Some(Paging::default());
    b.paging = Some(Paging {
        pgpgin: 400,
        pgpgout: 800,
        pgfault: 4000,
        pgmajfault: 4,
        pgfree: 1200,
        pgscan_kswapd: 100,
        pgscan_direct: 20,
        pgsteal: 60,
        pgpromote: 8,
        pgdemote: 12,
        ..Paging::default()
    });
    let line = |total_us| PressureLine {
        avg10_x100: 250,
        avg60_x100: 100,
        avg300_x100: 10,
        total_us,
    };
    a.pressure.io = Some(Pressure {
        some: line(0),
        full: Some(line(0)),
    });
    b.pressure.io = Some(Pressure {
        some: line(1_000_000),
        full: Some(line(400_000)),
    });
    let s = between(&a, &b);
    // Everything over 4 s.
    let all = sel(|_| {});
    assert_eq!(
        values(&Table::Tasks.rows(&all, &s)),
        vec![vec![5.0, 1000.0]]
    );
    assert_eq!(
        values(&Table::SwapPages.rows(&all, &s)),
        vec![vec![2.0, 10.0]]
    );
    assert_eq!(
        values(&Table::Paging.rows(&all, &s)),
        vec![vec![
            100.0, 200.0, 1000.0, 1.0, 300.0, 25.0, 5.0, 15.0, 2.0, 3.0
        ]]
    );
    // %sio = 1 s stalled in 4 s = 25 %; %fio = 0.4 s in 4 s = 10 %.
    assert_eq!(
        values(&Table::PsiIo.rows(&all, &s)),
        vec![vec![2.5, 1.0, 0.1, 25.0, 2.5, 1.0, 0.1, 10.0]]
    );
    assert!(
        !Table::PsiCpu.available(&s),
        "no /proc/pressure/cpu in these samples"
    );
}

#[test]
fn averages_are_rates_over_the_whole_span_and_means_of_levels() {
    let mut a = with_levels(at(0), 2, 0);
    let mut b = with_levels(at(1), 3, 1);
    let mut c = with_levels(at(4), 3, 0);
    a.kernel.ctxt = 0;
    b.kernel.ctxt = 100;
    c.kernel.ctxt = 400;
    let mut avg = between(&a, &b);
    avg.add(&between(&b, &c));
    assert_eq!(avg.seconds, 4.0);
    // 400 switches in 4 s.
    assert_eq!(values(&Table::Tasks.rows(&sel(|_| {}), &avg))[0][1], 100.0);
    c.kernel.ctxt = 1000;
    let mut avg = between(&a, &b);
    avg.add(&between(&b, &c));
    // 1000 in 4 s = 250/s, as sar's first-to-last rate; the mean of the two printed
    // rates (100/s, 300/s) would be 200.
    assert_eq!(values(&Table::Tasks.rows(&sel(|_| {}), &avg))[0][1], 250.0);
    // runq-sz 2 and 2 → 2, blocked 1 and 0 → mean 0.5, which sar prints with %.0f: 0.
    let q = Table::Queue.rows(&sel(|_| {}), &avg);
    assert_eq!(q[0].cells[5], Cell::Whole(0.5));
    assert_eq!(values(&q)[0][5], 0.0);
}

#[test]
fn a_reboot_between_samples_is_not_an_interval() {
    let a = at(5000);
    let b = at(30);
    assert!(IntervalStats::between(&a, &b).is_none());
    assert!(IntervalStats::between(&a, &a).is_none());
}

#[test]
fn hugepages_levels_are_pages_times_the_page_size() {
    // 10 huge pages of 2048 kB, 4 free, 1 reserved, 0 surplus:
    // kbhugfree 4×2048 = 8192; kbhugused 6×2048 = 12288; %hugused 6/10 = 60.00.
    let mut a = at(1);
    let mut b = at(2);
    let m = Memory {
        mem_total: 1000,
        hugepages_total: Some(10),
        hugepages_free: Some(4),
        hugepages_rsvd: Some(1),
        hugepages_surp: Some(0),
        hugepagesize: Some(2048),
        ..Memory::default()
    };
    a.memory = Some(m);
    b.memory = Some(m);
    let s = between(&a, &b);
    let rows = Table::Hugepages.rows(&sel(|s| s.ask(Table::Hugepages)), &s);
    assert_eq!(values(&rows), [[8192.0, 12288.0, 60.0, 2048.0, 0.0]]);
    // No huge page support (no HugePages lines): zeros, as sar prints them.
    b.memory = Some(Memory {
        mem_total: 1000,
        ..Memory::default()
    });
    let rows = Table::Hugepages.rows(&sel(|s| s.ask(Table::Hugepages)), &between(&a, &b));
    assert_eq!(values(&rows), [[0.0, 0.0, 0.0, 0.0, 0.0]]);
}

#[test]
fn kernel_tables_levels_and_their_average() {
    use rsar::sample::KernelTables;
    let k = |unused, alloc, inodes, free_inodes, ptys| KernelTables {
        dentries: Some(unused + 100),
        dentry_unused: Some(unused),
        files_allocated: Some(alloc),
        files_free: Some(0),
        files_max: Some(2466170),
        inodes: Some(inodes),
        inodes_free: Some(free_inodes),
        ptys: Some(ptys),
    };
    let (mut a, mut b, mut c) = (at(1), at(2), at(3));
    a.ktables = Some(k(100, 800, 1000, 10, 1));
    b.ktables = Some(k(200, 859, 1100, 100, 2));
    c.ktables = Some(k(300, 861, 1200, 100, 2));
    let s = sel(|s| s.ask(Table::Ktables));
    let ab = between(&a, &b);
    // file-nr 859−0; inode-nr 1100−100 = 1000.
    assert_eq!(
        values(&Table::Ktables.rows(&s, &ab)),
        [[200.0, 859.0, 1000.0, 2.0]]
    );
    let mut avg = ab.clone();
    avg.add(&between(&b, &c));
    // Means of the two shown: dentunusd (200+300)/2 = 250; file-nr (859+861)/2 = 860;
    // inode-nr (1000+1100)/2 = 1050; pty-nr 2.
    assert_eq!(
        values(&Table::Ktables.rows(&s, &avg)),
        [[250.0, 860.0, 1050.0, 2.0]]
    );
    // A kernel without pty/nr: that column is 0, the others stand.
    c.ktables.as_mut().unwrap().ptys = None;
    assert_eq!(
        values(&Table::Ktables.rows(&s, &between(&b, &c))),
        [[300.0, 861.0, 1100.0, 0.0]]
    );
}

#[test]
fn tcp_udp_ip_and_icmp_rates_from_snmp() {
    let mut a = at(100);
    let mut b = at(104);
    a.snmp = Some(SnmpCounters {
        tcp_active_opens: 10,
        tcp_passive_opens: 20,
        tcp_in_segs: 1000,
        tcp_out_segs: 2000,
        tcp_retrans_segs: 5,
        tcp_out_rsts: 7,
        udp_in_datagrams: 40,
        udp_no_ports: 3,
        ip_in_receives: 5000,
        ip_frag_creates: 1,
        icmp_in_echos: 2,
        icmp_out_dest_unreachs: 9,
        ..SnmpCounters::default()
    });
    b.snmp = Some(SnmpCounters {
        tcp_active_opens: 18,      // 8 in 4 s: 2.00/s
        tcp_passive_opens: 21,     // 0.25/s
        tcp_in_segs: 1402,         // 100.50/s
        tcp_out_segs: 2001,        // 0.25/s
        tcp_retrans_segs: 6,       // 0.25/s
        tcp_out_rsts: 15,          // 2.00/s
        udp_in_datagrams: 50,      // 2.50/s
        udp_no_ports: 4,           // 0.25/s
        ip_in_receives: 5010,      // 2.50/s
        ip_frag_creates: 3,        // 0.50/s
        icmp_in_echos: 6,          // 1.00/s
        icmp_out_dest_unreachs: 8, // went backwards: 0
        ..SnmpCounters::default()
    });
    let i = between(&a, &b);
    let none = sel(|_| {});
    assert_eq!(
        values(&Table::NetTcp.rows(&none, &i)),
        [[2.0, 0.25, 100.5, 0.25]]
    );
    assert_eq!(
        values(&Table::NetEtcp.rows(&none, &i)),
        [[0.0, 0.0, 0.25, 0.0, 2.0]]
    );
    assert_eq!(
        values(&Table::NetUdp.rows(&none, &i)),
        [[2.5, 0.0, 0.25, 0.0]]
    );
    assert_eq!(
        values(&Table::NetIp.rows(&none, &i))[0],
        [2.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]
    );
    assert_eq!(values(&Table::NetIcmp.rows(&none, &i))[0][2], 1.0);
    assert_eq!(values(&Table::NetEicmp.rows(&none, &i))[0][3], 0.0);
    // Without /proc/net/snmp in either sample there is no report, not a row of zeros.
    b.snmp = None;
    let i = between(&a, &b);
    assert!(!Table::NetTcp.available(&i));
    assert!(Table::NetTcp.rows(&none, &i).is_empty());
}

#[test]
fn ipv6_rates_from_snmp6() {
    let mut a = at(10);
    let mut b = at(12);
    a.snmp6 = Some(Snmp6Counters::default());
    b.snmp6 = Some(Snmp6Counters {
        ip6_in_receives: 7,                   // 3.50/s
        ip6_in_truncated_pkts: 1,             // 0.50/s, the last EIP6 column
        icmp6_out_neighbor_advertisements: 4, // 2.00/s, the last ICMP6 column
        icmp6_in_errors: 2,                   // 1.00/s, the first EICMP6 column
        udp6_in_errors: 6,                    // 3.00/s
        ..Snmp6Counters::default()
    });
    let i = between(&a, &b);
    let none = sel(|_| {});
    assert_eq!(values(&Table::NetIp6.rows(&none, &i))[0][0], 3.5);
    assert_eq!(values(&Table::NetEip6.rows(&none, &i))[0][10], 0.5);
    assert_eq!(values(&Table::NetIcmp6.rows(&none, &i))[0][16], 2.0);
    assert_eq!(values(&Table::NetEicmp6.rows(&none, &i))[0][0], 1.0);
    assert_eq!(
        values(&Table::NetUdp6.rows(&none, &i)),
        [[0.0, 0.0, 0.0, 3.0]]
    );
}

#[test]
fn socket_levels_and_their_averages() {
    let mut a = at(0);
    let mut b = at(1);
    let mut c = at(2);
    let sock = |used, tcp, tw| SockStat {
        sockets_used: used,
        tcp_inuse: tcp,
        tcp_tw: tw,
        udp_inuse: 2,
        raw_inuse: 0,
        frag_inuse: 1,
    };
    a.sockets = Some(sock(10, 1, 0));
    b.sockets = Some(sock(20, 4, 6));
    c.sockets = Some(sock(31, 5, 9));
    b.sockets6 = Some(SockStat6 {
        tcp6_inuse: 3,
        ..SockStat6::default()
    });
    c.sockets6 = b.sockets6;
    let none = sel(|_| {});
    let first = between(&a, &b);
    assert_eq!(
        values(&Table::NetSock.rows(&none, &first)),
        [[20.0, 4.0, 2.0, 0.0, 1.0, 6.0]]
    );
    let mut avg = first.clone();
    avg.add(&between(&b, &c));
    // The mean of the levels at the end of each interval, printed rounded as sar's %.0f
    // (halves to even): (20+31)/2 = 25.5 → 26, (4+5)/2 = 4.5 → 4, (6+9)/2 = 7.5 → 8.
    // Truncating would print 25, 4, 7.
    let rows = Table::NetSock.rows(&none, &avg);
    assert_eq!(values(&rows), [[26.0, 4.0, 2.0, 0.0, 1.0, 8.0]]);
    assert_eq!(
        values(&Table::NetSock6.rows(&none, &avg)),
        [[3.0, 0.0, 0.0, 0.0]]
    );
}

#[test]
fn interrupts_per_line_per_cpu_and_the_sum() {
    use rsar::report::IrqFilter;
    use rsar::sample::{Interrupts, IrqLine};
    let irq = |cpus: &[u32], lines: &[(&str, &[u64])]| Interrupts {
        cpus: cpus.to_vec(),
        lines: lines
            .iter()
            .map(|(n, c)| IrqLine {
                name: n.to_string(),
                counts: c.to_vec(),
            })
            .collect(),
    };
    let (mut a, mut b, mut c) = (at(10), at(12), at(14));
    a.interrupts = irq(&[0, 1], &[("0", &[10, 0]), ("LOC", &[1000, 2000])]);
    // Over 2 s: line 0 +4 on CPU0; LOC +200 on CPU0, +100 on CPU1; a new line 9 counts
    // from 0 (+6 on CPU1).
    b.interrupts = irq(
        &[0, 1],
        &[("0", &[14, 0]), ("9", &[0, 6]), ("LOC", &[1200, 2100])],
    );
    // CPU1 goes offline: its column is gone; CPU0's LOC +50, line 0 went backwards (0).
    c.interrupts = irq(&[0], &[("0", &[1]), ("9", &[0]), ("LOC", &[1250])]);
    let every = |cpus: CpuList| {
        let mut s = sel(|s| {
            s.ask(Table::Interrupts);
            s.interrupts = IrqFilter::parse("ALL").unwrap();
        });
        s.cpus = cpus;
        s
    };
    let ab = between(&a, &b);
    let s = every(CpuList::Some(vec![0, 1]));
    let rows = Table::Interrupts.rows(&s, &ab);
    assert_eq!(items(&rows), ["sum", "0", "9", "LOC"]);
    // sum: CPU0 (4+200)/2 = 102, CPU1 (6+100)/2 = 53, all 155.
    assert_eq!(
        values(&rows),
        [
            [155.0, 102.0, 53.0],
            [2.0, 2.0, 0.0],
            [3.0, 0.0, 3.0],
            [150.0, 100.0, 50.0]
        ]
    );
    let bc = between(&b, &c);
    assert_eq!(
        values(&Table::Interrupts.rows(&s, &bc)),
        [
            [25.0, 25.0, 0.0],
            [0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0],
            [25.0, 25.0, 0.0]
        ]
    );
    // Average over 4 s: sum (310 + 50)/4 = 90.
    let mut avg = ab.clone();
    avg.add(&bc);
    let sum_only = sel(|s| {
        s.ask(Table::Interrupts);
        s.interrupts = IrqFilter::parse("SUM").unwrap();
    });
    assert_eq!(values(&Table::Interrupts.rows(&sum_only, &avg)), [[90.0]]);
    // --int= lists: numbers, ranges, names.
    let f = IrqFilter::parse("0-5,LOC").unwrap();
    assert!(f.shows("0") && f.shows("LOC") && !f.shows("9") && !f.shows("sum"));
    assert!(IrqFilter::parse("8-").unwrap().shows("4000"));
    assert!(IrqFilter::parse("1,,2").is_err());
}

#[test]
fn filesystems_f_columns_and_the_summary_of_last_levels() {
    use rsar::sample::FsUsage;
    const MB: u64 = 1024 * 1024;
    let fs = |name: &str, free_mb: u64, ffree: u64| FsUsage {
        name: name.into(),
        mountpoint: format!("/mnt{name}"),
        size_bytes: 1000 * MB,
        free_bytes: free_mb * MB,
        avail_bytes: (free_mb - 50) * MB,
        inodes: 4000,
        inodes_free: ffree,
        ..FsUsage::default()
    };
    let (mut a, mut b, mut c) = (at(1), at(2), at(3));
    a.filesystems = vec![fs("/dev/a", 800, 3000)];
    b.filesystems = vec![fs("/dev/a", 750, 2999), fs("/dev/b", 100, 10)];
    c.filesystems = vec![fs("/dev/a", 700, 1000)];
    let s = sel(|s| s.ask(Table::Filesystems));
    let ab = between(&a, &b);
    let rows = Table::Filesystems.rows(&s, &ab);
    assert_eq!(items(&rows), ["/dev/a", "/dev/b"]);
    // /dev/a: 750 MB free, 250 used = 25.00 %; not available to users 1000−700 = 30.00 %;
    // inodes 2999 free, 1001 used = 25.03 %.
    assert_eq!(
        values(&rows),
        [
            [750.0, 250.0, 25.0, 30.0, 2999.0, 1001.0, 25.03],
            [100.0, 900.0, 90.0, 95.0, 10.0, 3990.0, 99.75]
        ]
    );
    // Summary: each filesystem's last levels, /dev/b from the interval it was last seen in.
    let mut sum = ab.clone();
    sum.add(&between(&b, &c));
    let rows = Table::Filesystems.rows(&s, &sum);
    assert_eq!(items(&rows), ["/dev/a", "/dev/b"]);
    assert_eq!(
        values(&rows)[0],
        [700.0, 300.0, 30.0, 35.0, 1000.0, 3000.0, 75.0]
    );
    assert_eq!(Table::Filesystems.closing_label(), "Summary:");
    // -F MOUNT names them by mount point.
    let m = sel(|s| s.ask(Table::FsMount));
    assert_eq!(
        items(&Table::FsMount.rows(&m, &ab)),
        ["/mnt/dev/a", "/mnt/dev/b"]
    );
}

#[test]
fn cpu_clock_all_is_the_mean_of_the_cpus_and_averages_are_means() {
    use rsar::sample::CpuFreq;
    let (mut a, mut b, mut c) = (at(1), at(2), at(3));
    a.cpu_freq = vec![CpuFreq {
        cpu: 0,
        khz: 1_000_000,
    }];
    // all = (2596.132 + 800) / 2 = 1698.066 MHz.
    b.cpu_freq = vec![
        CpuFreq {
            cpu: 0,
            khz: 2_596_132,
        },
        CpuFreq {
            cpu: 1,
            khz: 800_000,
        },
    ];
    c.cpu_freq = vec![
        CpuFreq {
            cpu: 0,
            khz: 2_000_000,
        },
        CpuFreq {
            cpu: 1,
            khz: 1_000_000,
        },
    ];
    let s = sel(|s| {
        s.ask(Table::CpuFreq);
        s.cpus = CpuList::All;
    });
    let bc_rows = Table::CpuFreq.rows(&s, &between(&a, &b));
    assert_eq!(items(&bc_rows), ["all", "0", "1"]);
    assert_eq!(values(&bc_rows), [[1698.07], [2596.13], [800.0]]);
    let mut avg = between(&a, &b);
    avg.add(&between(&b, &c));
    // Means of the two shown: all (1698.066 + 1500) / 2 = 1599.03; CPU0 2298.07; CPU1 900.
    assert_eq!(
        values(&Table::CpuFreq.rows(&s, &avg)),
        [[1599.03], [2298.07], [900.0]]
    );
    // Without -P: the all row only.
    let only = sel(|s| s.ask(Table::CpuFreq));
    assert_eq!(items(&Table::CpuFreq.rows(&only, &avg)), ["all"]);
}

#[test]
fn nfs_client_and_server_rates_and_zeros_without_the_files() {
    use rsar::sample::{NfsClient, NfsServer};
    let (mut a, mut b) = (at(10), at(14));
    a.nfs = Some(NfsClient {
        rpc_calls: 100,
        rpc_retrans: 1,
        read: 10,
        write: 20,
        access: 30,
        getattr: 40,
    });
    // Over 4 s: 400 calls, 4 retransmitted, 8 reads, 12 writes, 0 access, 2 getattr.
    b.nfs = Some(NfsClient {
        rpc_calls: 500,
        rpc_retrans: 5,
        read: 18,
        write: 32,
        access: 30,
        getattr: 42,
    });
    let s = sel(|s| {
        s.ask(Table::NetNfs);
        s.ask(Table::NetNfsd);
    });
    let ab = between(&a, &b);
    assert_eq!(
        values(&Table::NetNfs.rows(&s, &ab)),
        [[100.0, 1.0, 2.0, 3.0, 0.0, 0.5]]
    );
    // No /proc/net/rpc/nfsd: sar's zeros.
    assert_eq!(values(&Table::NetNfsd.rows(&s, &ab)), [[0.0; 11]]);
    b.nfsd = Some(NfsServer {
        rpc_calls: 8,
        ..NfsServer::default()
    });
    a.nfsd = Some(NfsServer::default());
    let rows = values(&Table::NetNfsd.rows(&s, &between(&a, &b)));
    assert_eq!(rows[0][0], 2.0, "scall/s 8 over 4 s");
}

#[test]
fn serial_lines_rates() {
    use rsar::sample::SerialLine;
    let (mut a, mut b) = (at(10), at(12));
    a.serial = vec![SerialLine {
        line: 0,
        tx: 100,
        rx: 10,
        ..SerialLine::default()
    }];
    // Over 2 s: ttyS0 +20 rx, +200 tx, +2 frame errors; ttyS1 appears with 4 breaks.
    b.serial = vec![
        SerialLine {
            line: 0,
            tx: 300,
            rx: 30,
            frame: 2,
            ..SerialLine::default()
        },
        SerialLine {
            line: 1,
            brk: 4,
            ..SerialLine::default()
        },
    ];
    let rows = Table::Serial.rows(&sel(|s| s.ask(Table::Serial)), &between(&a, &b));
    assert_eq!(items(&rows), ["0", "1"]);
    assert_eq!(
        values(&rows),
        [
            [10.0, 100.0, 1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 2.0, 0.0]
        ]
    );
}

#[test]
fn dev_iface_filters_and_z_leave_out_rows() {
    use rsar::sample::{Interrupts, IrqLine};
    let (mut a, mut b) = (at(1), at(2));
    a.net = vec![iface("lo"), iface("eth0")];
    b.net = vec![iface("lo"), iface("eth0")];
    b.net[1].rx_packets = 5;
    let line = |name: &str, c: u64| IrqLine {
        name: name.into(),
        counts: vec![c],
    };
    a.interrupts = Interrupts {
        cpus: vec![0],
        lines: vec![line("0", 7), line("LOC", 10)],
    };
    b.interrupts = Interrupts {
        cpus: vec![0],
        lines: vec![line("0", 7), line("LOC", 13)],
    };
    let ab = between(&a, &b);
    let only = sel(|s| {
        s.ask(Table::NetDev);
        s.keep_only(rsar::report::ItemFilter::Iface, vec!["eth0".into()]);
    });
    assert_eq!(items(&Table::NetDev.rows(&only, &ab)), ["eth0"]);
    // -z: lo moved nothing; interrupt 0 did not fire; CPU rows always stay.
    let z = sel(|s| {
        s.ask(Table::NetDev);
        s.omit_idle = true;
        s.ask(Table::Interrupts);
        s.interrupts = rsar::report::IrqFilter::parse("ALL").unwrap();
    });
    assert_eq!(items(&Table::NetDev.rows(&z, &ab)), ["eth0"]);
    assert_eq!(items(&Table::Interrupts.rows(&z, &ab)), ["sum", "LOC"]);
    let cpu = sel(|s| {
        s.ask(Table::Cpu);
        s.omit_idle = true;
    });
    assert_eq!(items(&Table::Cpu.rows(&cpu, &ab)), ["all"]);
}

#[test]
fn softnet_per_cpu_its_total_and_32_bit_wraps() {
    let line = |cpu, processed, dropped, backlog| SoftnetCounters {
        cpu,
        processed,
        dropped,
        time_squeeze: 0,
        received_rps: 0,
        flow_limit: 0,
        backlog_len: Some(backlog),
    };
    let mut a = at(50);
    let mut b = at(52);
    a.softnet = vec![line(0, 100, 0, 0), line(1, 0xffff_fff0, 2, 0)];
    // CPU 0: 300 frames in 2 s = 150/s. CPU 1 wrapped: 0x10 + 0x20 = 48 frames, 24/s;
    // 4 drops, 2/s. CPU 3 has no line before: its baseline starts, 0/s.
    b.softnet = vec![line(0, 400, 0, 3), line(1, 0x20, 6, 1), line(3, 1000, 0, 0)];
    let i = between(&a, &b);
    let total = sel(|_| {});
    assert_eq!(items(&Table::NetSoft.rows(&total, &i)), ["all"]);
    assert_eq!(
        values(&Table::NetSoft.rows(&total, &i)),
        [[174.0, 2.0, 0.0, 0.0, 0.0, 4.0]]
    );
    let every = sel(|s| s.cpus = CpuList::All);
    let rows = Table::NetSoft.rows(&every, &i);
    assert_eq!(items(&rows), ["all", "0", "1", "3"]);
    assert_eq!(values(&rows)[2], [24.0, 2.0, 0.0, 0.0, 0.0, 1.0]);
    assert_eq!(values(&rows)[3], [0.0; 6]);
    let one = sel(|s| s.cpus = CpuList::Some(vec![1]));
    assert_eq!(items(&Table::NetSoft.rows(&one, &i)), ["1"]);
}

#[test]
fn network_protocols_between_the_captured_trees() {
    let tree = |t: &str| {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/vm-6.18")
            .join(t);
        rsar::probe::Probe::new(&root.join("proc"), &root.join("sys"))
            .unwrap()
            .sample()
            .unwrap()
    };
    let (t0, t1) = (tree("t0"), tree("t1"));
    let i = between(&t0, &t1);
    // Δuptime from the trees' /proc/uptime, in hundredths.
    let secs = (t1.time.uptime_cs - t0.time.uptime_cs) as f64 / 100.0;
    let none = sel(|_| {});
    let r = |v: f64| (v / secs * 100.0).round() / 100.0;
    // Tcp ActiveOpens 89 → 275, PassiveOpens 76 → 262, InSegs 3639 → 5871,
    // OutSegs 2373 → 4605 (the files' Tcp lines).
    assert_eq!(
        values(&Table::NetTcp.rows(&none, &i)),
        [[r(186.0), r(186.0), r(2232.0), r(2232.0)]]
    );
    // Udp InDatagrams 28 → 29, NoPorts 69 → 162.
    assert_eq!(
        values(&Table::NetUdp.rows(&none, &i))[0][..3],
        [r(1.0), r(94.0), r(93.0)]
    );
    // Icmp6InEchos 19 → 112.
    assert_eq!(values(&Table::NetIcmp6.rows(&none, &i))[0][2], r(93.0));
    // sockstat at t1: 14 sockets, 1 TCP, 254 in TIME_WAIT.
    assert_eq!(
        values(&Table::NetSock.rows(&none, &i))[0],
        [14.0, 1.0, 0.0, 0.0, 0.0, 254.0]
    );
    // softnet processed: CPU0 0x29b → 0x8b1 (1558), CPU1 0xcc5 → 0x1251 (1420).
    assert_eq!(values(&Table::NetSoft.rows(&none, &i))[0][0], r(2978.0));
}

proptest::proptest! {
    /// `at_boot` of any sample the schema can describe is that sample with every counter
    /// field of every declared group 0 (by each field's `Kind`) and everything else as it
    /// is: worked out on the sample's description, group by group and field by field,
    /// apart from `at_boot`. The wall clock goes back by the uptime.
    #[test]
    fn at_boot_zeroes_every_declared_counter_and_nothing_else(shape in declared::arb_shape()) {
        use rsar::sample::{IrqCount, Kind, GROUPS};
        let s = shape.sample();
        let mut zeroed = shape.clone();
        for (g, items) in GROUPS.iter().zip(&mut zeroed.groups) {
            for (_, values) in items.iter_mut().flatten() {
                for (f, v) in g.fields.iter().zip(values.iter_mut()) {
                    if f.kind == Kind::Counter {
                        *v = v.map(|_| 0);
                    }
                }
            }
        }
        let mut want = zeroed.sample();
        // The generator counts an interrupt line's column c as its value + c: a zeroed
        // description still has counts; `IrqCount`'s one field is a counter.
        assert!(IrqCount::FIELDS.iter().all(|f| f.kind == Kind::Counter));
        for l in &mut want.interrupts.lines {
            l.counts.fill(0);
        }
        want.time.wall_ns = s
            .time
            .wall_ns
            .saturating_sub((s.time.uptime_cs as i64).saturating_mul(10_000_000));
        proptest::prop_assert_eq!(s.at_boot(), want);
    }
}
