//! Writes a synthetic day of rsar samples — for looking at charts and timing reports, not
//! for anything that needs real numbers. The machine: 4 CPUs, a busy working day with a
//! nightly backup, a reboot at 12:00, one disk, one NIC.
//!
//! Usage: cargo run --release --example synth_day -- OUT_FILE [INTERVAL_S] [DATE] [PROCESSES] [IRQ_CPUS]
//! (DATE as YYYY-MM-DD, UTC; default 2025-11-21; interval default 10 s; PROCESSES: also a
//! process table of about that many processes with every sample — a few busy ones, the
//! rest idle, and a short-lived one started every 10 s — for timing `rsar pidstat -f`;
//! IRQ_CPUS: also /proc/interrupts with that many CPU columns and 60 lines, a few of
//! them busy — for measuring a compressed day with the interrupts group)

use rsar::sample::{
    CpuTicks, DiskCounters, HostFacts, LoadAvg, Memory, NetCounters, Paging, Pressure,
    PressureLine, Sample, Swap,
};
use rsar::store::DayWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .ok_or("usage: synth_day OUT_FILE [INTERVAL_S] [DATE]")?;
    let step: u64 = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let date = args.get(3).map_or("2025-11-21", String::as_str);
    let nprocs: u32 = args.get(4).map_or(Ok(0), |s| s.parse())?;
    let irq_cpus: u32 = args.get(5).map_or(Ok(0), |s| s.parse())?;
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .ok_or("bad date")?
        .and_utc()
        .timestamp();
    let mut host = HostFacts {
        hostname: "synth".into(),
        sysname: "Linux".into(),
        release: "6.1.0-synthetic".into(),
        machine: "x86_64".into(),
        boot_id: "boot-1".into(),
        user_hz: 100,
        page_size: 4096,
        cpu_count: 4,
    };
    let (mut w, _) = DayWriter::open(
        std::path::Path::new(out),
        &host,
        midnight * 1_000_000_000,
        0,
    )?;
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut noise = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % 1000) as f64 / 1000.0
    };
    let mut s = base();
    let mut uptime_cs: u64 = 3 * 86_400 * 100;
    let mut t = 0u64;
    while t < 86_400 {
        let hour = t as f64 / 3600.0;
        if t == 12 * 3600 {
            // A reboot at noon: counters start again.
            host.boot_id = "boot-2".into();
            s = base();
            uptime_cs = 60 * 100;
        }
        // Busy 08–18 h, a backup at 02–03 h.
        let work = if (8.0..18.0).contains(&hour) {
            0.35 + 0.25 * ((hour - 8.0) / 10.0 * std::f64::consts::PI).sin()
        } else {
            0.03
        };
        let backup = if (2.0..3.0).contains(&hour) { 1.0 } else { 0.0 };
        let ticks = step * 100;
        for c in s.cpu.per_cpu.iter_mut().flatten() {
            let busy = (work + 0.1 * noise()).min(0.95);
            let user = (busy * 0.7 * ticks as f64) as u64;
            let sys = (busy * 0.2 * ticks as f64) as u64;
            let io = ((0.02 + 0.3 * backup) * ticks as f64 * noise()) as u64;
            let steal = (0.01 * ticks as f64 * noise()) as u64;
            c.user += user;
            c.system += sys;
            c.iowait += io;
            c.steal += steal;
            c.idle += ticks.saturating_sub(user + sys + io + steal);
        }
        uptime_cs += ticks;
        s.time.uptime_cs = uptime_cs;
        s.time.wall_ns = (midnight + t as i64) * 1_000_000_000;
        s.kernel.ctxt += (step as f64 * (800.0 + 6000.0 * work)) as u64;
        s.kernel.processes += (step as f64 * (2.0 + 20.0 * work)) as u64;
        s.kernel.intr += step * 500;
        if let Some(l) = s.load.as_mut() {
            l.load1_x100 = (400.0 * work + 300.0 * backup + 20.0 * noise()) as u32;
            l.load5_x100 = (380.0 * work + 250.0 * backup) as u32;
            l.load15_x100 = (350.0 * work + 150.0 * backup) as u32;
            l.runnable = 1 + (4.0 * work * noise()) as u32;
        }
        if let Some(m) = s.memory.as_mut() {
            let used = 2_000_000.0 + 6_000_000.0 * work;
            m.cached = (4_000_000.0 + 3_000_000.0 * hour / 24.0) as u64;
            m.mem_available = Some((16_000_000.0 - used) as u64);
            m.mem_free = (16_000_000.0 - used) as u64 - m.cached / 2;
        }
        let d = &mut s.disks[0];
        let rd = (step as f64 * (50.0 + 2000.0 * work + 30_000.0 * backup) * noise()) as u64;
        let wr = (step as f64 * (100.0 + 4000.0 * work) * noise()) as u64;
        d.reads += rd / 16;
        d.read_sectors += rd;
        d.writes += wr / 16;
        d.write_sectors += wr;
        d.io_ticks_ms +=
            ((0.05 + 0.4 * work + 0.5 * backup) * step as f64 * 1000.0 * noise()) as u64;
        d.read_ms += rd / 40;
        d.write_ms += wr / 40;
        d.weighted_ms += (rd + wr) / 20;
        let n = &mut s.net[1];
        let rx = (step as f64 * (2e4 + 2e6 * work) * noise()) as u64;
        n.rx_bytes += rx;
        n.rx_packets += rx / 900;
        n.tx_bytes += rx / 3 + (backup * 5e7 * noise()) as u64;
        n.tx_packets += rx / 2700;
        if let Some(p) = s.pressure.cpu.as_mut() {
            p.some.total_us += (step as f64 * 1e6 * 0.1 * work) as u64;
            p.some.avg10_x100 = (1000.0 * work * noise()) as u32;
        }
        if irq_cpus > 0 {
            interrupts(&mut s.interrupts, irq_cpus, step, work, &mut noise);
        }
        w.append_sample(&host, &s)?;
        if nprocs > 0 {
            w.append_processes(&processes(nprocs, t, uptime_cs, s.time.wall_ns))?;
        }
        t += step;
    }
    Ok(())
}

/// /proc/interrupts after `step` more seconds: 50 device lines (every fifth busy with the
/// work) and the named ones, of which the timer (LOC) ticks on every CPU.
fn interrupts(
    irq: &mut rsar::sample::Interrupts,
    cpus: u32,
    step: u64,
    work: f64,
    noise: &mut impl FnMut() -> f64,
) {
    if irq.lines.is_empty() {
        irq.cpus = (0..cpus).collect();
        let names = (0..50).map(|i| i.to_string()).chain(
            [
                "NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "MCE",
            ]
            .iter()
            .map(|n| n.to_string()),
        );
        irq.lines = names
            .map(|name| rsar::sample::IrqLine {
                name,
                counts: vec![0; cpus as usize],
            })
            .collect();
    }
    for (i, line) in irq.lines.iter_mut().enumerate() {
        let rate = match (i, line.name.as_str()) {
            (_, "LOC") => 250.0,
            (_, "RES" | "CAL") => 20.0 + 200.0 * work,
            (i, _) if i < 50 && i % 5 == 0 => 500.0 * work,
            _ => 0.0,
        };
        for c in line.counts.iter_mut() {
            *c += (rate * step as f64 * noise()) as u64;
        }
    }
}

/// The process table at `t` seconds into the day: `n` long-lived processes (every tenth
/// busy), and one that lives 10 s, started anew every 10 s.
fn processes(n: u32, t: u64, uptime_cs: u64, wall_ns: i64) -> rsar::store::procs::ProcessTable {
    use rsar::process::ProcessCounters;
    let mut table: Vec<ProcessCounters> = (1..=n)
        .map(|pid| {
            let busy = pid % 10 == 0;
            let ticks = if busy { t * 30 } else { t / 60 };
            ProcessCounters {
                pid,
                start_ticks: u64::from(pid),
                comm: format!("proc{pid}").into(),
                cmdline: format!("/usr/bin/proc{pid} --serve").into(),
                state: u32::from(if busy { b'R' } else { b'S' }),
                ppid: 1,
                threads: 1 + pid % 4,
                utime: ticks,
                stime: ticks / 4,
                minflt: t * u64::from(busy),
                vsize: 100_000_000 + u64::from(pid) * 4096,
                rss: 2000 + u64::from(pid % 100) + (t / 600) * u64::from(busy),
                read_bytes: Some(if busy { t * 4096 } else { 0 }),
                write_bytes: Some(if busy { t * 8192 } else { 0 }),
                ..ProcessCounters::default()
            }
        })
        .collect();
    let short = n + 1 + (t / 10) as u32;
    table.push(ProcessCounters {
        pid: short,
        start_ticks: uptime_cs - (t % 10) * 100,
        comm: "cronjob".into(),
        cmdline: "/bin/sh -c backup".into(),
        state: u32::from(b'R'),
        utime: (t % 10) * 50,
        ..ProcessCounters::default()
    });
    rsar::store::procs::ProcessTable {
        wall_ns,
        uptime_cs,
        processes: std::sync::Arc::new(table),
    }
}

fn base() -> Sample {
    let mut s = Sample::default();
    s.cpu.per_cpu = vec![Some(CpuTicks::default()); 4];
    s.kernel = rsar::sample::KernelCounters::default();
    s.load = Some(LoadAvg {
        tasks: 420,
        ..LoadAvg::default()
    });
    s.memory = Some(Memory {
        mem_total: 16_000_000,
        buffers: 200_000,
        active: 5_000_000,
        inactive: 3_000_000,
        slab: 300_000,
        committed_as: 9_000_000,
        shmem: Some(100_000),
        ..Memory::default()
    });
    s.swap = Some(Swap {
        swap_total: 4_000_000,
        swap_free: 3_900_000,
        ..Swap::default()
    });
    s.paging = Some(Paging::default());
    s.disks = vec![DiskCounters {
        major: 8,
        name: "sda".into(),
        whole: true,
        physical: true,
        discards: Some(0),
        discards_merged: Some(0),
        discard_sectors: Some(0),
        discard_ms: Some(0),
        ..DiskCounters::default()
    }];
    s.net = vec![
        NetCounters {
            name: "lo".into(),
            ..NetCounters::default()
        },
        NetCounters {
            name: "eth0".into(),
            speed_mbps: Some(1000),
            full_duplex: true,
            ..NetCounters::default()
        },
    ];
    s.pressure.cpu = Some(Pressure {
        some: PressureLine::default(),
        full: None,
    });
    s
}
