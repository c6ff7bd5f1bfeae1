//! Writes a synthetic day of rsar samples — for looking at charts and timing reports, not
//! for anything that needs real numbers. The machine: 4 CPUs, a busy working day with a
//! nightly backup, a reboot at 12:00, one disk, one NIC.
//!
//! Usage: cargo run --release --example synth_day -- OUT_FILE [INTERVAL_S] [DATE] [PROCESSES] [IRQ_CPUS] [SERVICES]
//! (DATE as YYYY-MM-DD, UTC; default 2025-11-21; interval default 10 s; PROCESSES: also a
//! process table of about that many processes with every sample — a few busy ones, the
//! rest idle, and a short-lived one started every 10 s — for timing `rsar pidstat -f`;
//! IRQ_CPUS: also /proc/interrupts with that many CPU columns and 60 lines, a few of
//! them busy — for measuring a compressed day with the interrupts group; SERVICES: also
//! that many services, each a cgroup below system.slice whose counters every sample
//! records, the processes spread over them, and 8 kernel workers that take the name of
//! each work item they run, as a real host's do — for measuring a day's bytes as a
//! machine with workloads writes them)

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
    let services: u32 = args.get(6).map_or(Ok(0), |s| s.parse())?;
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
    // Each kernel worker's work item, when there are services.
    let mut kworkers = [0usize; KWORKERS];
    let mut t = 0u64;
    while t < 86_400 {
        let hour = t as f64 / 3600.0;
        if t == 12 * 3600 {
            // A reboot at noon: counters start again.
            host.boot_id = "boot-2".into();
            s = base();
            kworkers = [0; KWORKERS];
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
        if services > 0 {
            cgroups(&mut s, services, step, work, &mut noise);
            for item in kworkers.iter_mut() {
                if noise() < 0.25 {
                    *item = (*item + 1 + (noise() * 4.0) as usize) % WORK_ITEMS.len();
                }
            }
        }
        w.append_sample(&host, &s)?;
        s.cgroup_limits.clear();
        if nprocs > 0 {
            let mut table = processes(nprocs, t, uptime_cs, s.time.wall_ns);
            if services > 0 {
                with_services(&mut table, services, &kworkers, t);
            }
            w.append_processes(&table)?;
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

/// Kernel workers, and the work items whose names they take (as on a real VM).
const KWORKERS: usize = 8;
const WORK_ITEMS: [&str; 9] = [
    "events_unbound",
    "events",
    "flush-8:0",
    "writeback",
    "ext4-rsv-conversion",
    "kvfree_rcu_reclaim",
    "events_power_efficient",
    "mm_percpu_wq",
    "",
];

/// Each process in a service's cgroup, and the kernel workers (with the names of the work
/// items they run now, in no cgroup) after them.
fn with_services(
    table: &mut rsar::store::procs::ProcessTable,
    services: u32,
    kworkers: &[usize; KWORKERS],
    t: u64,
) {
    let mut processes = table.processes.to_vec();
    for p in &mut processes {
        p.cgroup = format!("system.slice/{}", service(p.pid % services)).into();
    }
    for (k, &item) in kworkers.iter().enumerate() {
        let name = match WORK_ITEMS[item] {
            "" => format!("kworker/u8:{k}"),
            item => format!("kworker/u8:{k}-{item}"),
        };
        processes.push(rsar::process::ProcessCounters {
            pid: 200_000 + k as u32,
            start_ticks: 50 + k as u64,
            comm: name.into(),
            state: u32::from(b'I'),
            ppid: 2,
            stime: t / 20 * (k as u64 + 1),
            ..rsar::process::ProcessCounters::default()
        });
    }
    table.processes = processes.into();
}

fn service(k: u32) -> String {
    format!("svc{k}.service")
}

/// The cgroups after `step` more seconds: the root, system.slice and the services in it
/// (service 0 the busiest), user.slice. Their limits with the first sample of a boot.
fn cgroups(s: &mut Sample, services: u32, step: u64, work: f64, noise: &mut impl FnMut() -> f64) {
    use rsar::sample::{CgroupCounters, CgroupLimits};
    if s.cgroups.is_empty() {
        let paths = ["".to_string(), "system.slice".to_string()]
            .into_iter()
            .chain((0..services).map(|k| format!("system.slice/{}", service(k))))
            .chain(["user.slice".to_string()]);
        s.cgroups = paths
            .enumerate()
            .map(|(i, path)| CgroupCounters {
                path,
                inode: 1000 + i as u64,
                ..CgroupCounters::default()
            })
            .collect();
        s.cgroup_limits = s.cgroups[2..2 + services as usize]
            .iter()
            .map(|c| CgroupLimits {
                path: c.path.clone(),
                inode: c.inode,
                cpu_weight: Some(100),
                memory_max: Some(2 << 30),
                pids_max: Some(4915),
                ..CgroupLimits::default()
            })
            .collect();
    }
    let add = |v: &mut Option<u64>, by: f64| *v = Some(v.unwrap_or(0) + by as u64);
    let mut total = (0.0, 0.0);
    for (k, c) in s.cgroups[2..2 + services as usize].iter_mut().enumerate() {
        // Services 0-2 do the work (service k takes 1/(k+1) of it); the others are idle
        // daemons that wake now and then: most samples find them as they were.
        let busy = if k < 3 {
            4.0 * work / (k as f64 + 1.0) * noise()
        } else if noise() < 0.2 {
            0.001 * noise()
        } else {
            0.0
        };
        let cpu_us = busy * step as f64 * 1e6 / 4.0;
        if cpu_us > 0.0 {
            add(&mut c.usage_us, cpu_us);
            add(&mut c.user_us, cpu_us * 0.8);
            add(&mut c.system_us, cpu_us * 0.2);
            add(&mut c.pgfault, cpu_us / 100.0);
            add(&mut c.wbytes, (cpu_us * 4.0 / 4096.0).round() * 4096.0);
            add(&mut c.wios, cpu_us / 1000.0);
            if k < 3 {
                add(&mut c.cpu_some_us, cpu_us * 0.02 * noise());
                add(&mut c.io_some_us, cpu_us * 0.01 * noise());
            }
        }
        // Memory in pages, moving with the work and a page or two as a daemon wakes.
        let pages = (12_000.0 + 100_000.0 * work / (k as f64 + 1.0)).round()
            + if busy > 0.0 {
                (4.0 * noise()).round()
            } else {
                0.0
            };
        let mem = pages * 4096.0;
        c.memory_current = Some(mem as u64);
        c.anon = Some(((pages * 0.6).round() * 4096.0) as u64);
        c.file = Some(((pages * 0.35).round() * 4096.0) as u64);
        c.kernel = Some(((pages * 0.05).round() * 4096.0) as u64);
        c.pids_current = Some(3 + k as u64 % 5);
        total.0 += cpu_us;
        total.1 += mem;
    }
    // A shell in user.slice; the root and system.slice hold their children and a little
    // more.
    let user = &mut s.cgroups[2 + services as usize];
    let shell = step as f64 * 1e4 * noise();
    add(&mut user.usage_us, shell);
    add(&mut user.user_us, shell * 0.7);
    add(&mut user.system_us, shell * 0.3);
    user.memory_current = Some(30_000_000);
    for (i, extra) in [(0, 1.1), (1, 1.02)] {
        let c = &mut s.cgroups[i];
        add(&mut c.usage_us, total.0 * extra);
        add(&mut c.user_us, total.0 * extra * 0.8);
        add(&mut c.system_us, total.0 * extra * 0.2);
        c.memory_current = Some((total.1 * extra) as u64);
        c.pids_current = Some(100);
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
