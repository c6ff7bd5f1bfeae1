//! The bytes a writer puts on disk for a fixed run of samples, against the bytes an
//! earlier build wrote for the same run (`tests/fixtures/logs-bytes`): a change to how the
//! codec is built must not change the format. The run has every declared group, items
//! coming and going in each group with items, optional fields coming and going, a group
//! going and coming back, a writer reopened and a reboot; it is written as a new day
//! (the current format), packed as a closed day, and appended to a format-2, a format-3
//! and a format-4 day.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{samples_of, test_host};
use rsar::sample::{
    CpuFreq, FsUsage, HostFacts, IoTotals, IrqLine, NfsClient, NfsServer, Sample, SerialLine,
    GROUPS,
};
use rsar::store::{self, DayWriter, FileHeader};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-bytes")
}

/// The captured VM's /proc with every group read (interrupts and CPU clocks too), and
/// the groups a /proc tree cannot give (filesystems, serial lines, NFS, sysstat's I/O
/// totals) made by hand, so that every declared group is in the run.
fn base() -> Sample {
    let fx = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm-6.18/t0");
    let mut s = rsar::probe::Probe::new(&fx.join("proc"), &fx.join("sys"))
        .unwrap()
        .with_skip(rsar::probe::Skip::default())
        .sample()
        .unwrap();
    s.time.wall_ns = 1_796_601_600_000_000_000;
    s.time.uptime_cs = 360_000;
    s.filesystems = ["/dev/vda1 / ext4", "/dev/vdb1 /srv xfs"]
        .iter()
        .zip(1..)
        .map(|(line, n)| {
            let mut parts = line.split(' ').map(String::from);
            FsUsage {
                name: parts.next().unwrap(),
                mountpoint: parts.next().unwrap(),
                fstype: parts.next().unwrap(),
                size_bytes: n * 20_000_000_000,
                free_bytes: n * 7_000_000_000,
                ..FsUsage::default()
            }
        })
        .collect();
    s.serial = (0..2)
        .map(|line| SerialLine {
            line,
            rx: 10 + u64::from(line),
            tx: 20,
            ..SerialLine::default()
        })
        .collect();
    if s.cpu_freq.is_empty() {
        s.cpu_freq = (0..2)
            .map(|cpu| CpuFreq {
                cpu,
                khz: 2_400_000,
            })
            .collect();
    }
    s.nfs = Some(NfsClient {
        rpc_calls: 1000,
        read: 300,
        write: 200,
        ..NfsClient::default()
    });
    s.nfsd = Some(NfsServer {
        rpc_calls: 500,
        net_tcp: 480,
        ..NfsServer::default()
    });
    s.io_totals = Some(IoTotals {
        reads: 7000,
        writes: 3000,
        read_sectors: 560_000,
        write_sectors: 240_000,
        discards: 0,
        discard_sectors: 0,
    });
    s
}

/// Forty samples a second apart from `base`, each moving some numbers, and changes to the
/// groups' items at fixed samples.
fn run() -> Vec<Sample> {
    let base = base();
    let mut out: Vec<Sample> = Vec::new();
    let mut held = Sample::default();
    for i in 0..40u64 {
        let mut s = out.last().cloned().unwrap_or_else(|| base.clone());
        s.time.wall_ns += 1_000_000_000 * i64::from(i > 0);
        s.time.uptime_cs += 100 * u64::from(i > 0);
        s.kernel.ctxt += i * 1234;
        s.kernel.procs_running = 1 + i % 3;
        s.cpu.total.user += i * 37;
        s.cpu.total.idle += 150;
        for c in s.cpu.per_cpu.iter_mut().flatten() {
            c.idle += 75;
            c.user += i % 5;
        }
        if let Some(m) = s.memory.as_mut() {
            m.mem_free = m.mem_free.wrapping_sub(i * 4);
        }
        if let Some(d) = s.disks.first_mut() {
            d.reads += i * 3;
        }
        for n in &mut s.net {
            n.rx_bytes += i * 1500;
        }
        for l in &mut s.interrupts.lines {
            for c in &mut l.counts {
                *c += i;
            }
        }
        for f in &mut s.filesystems {
            f.free_bytes -= 4096 * i;
        }
        if let Some(t) = s.io_totals.as_mut() {
            t.reads += i;
        }
        for l in &mut s.serial {
            l.rx += 1;
        }
        match i {
            // A device and an interface appear.
            5 => {
                let mut d = s.disks[0].clone();
                d.name = "sdz".into();
                d.minor += 200;
                d.whole = true;
                s.disks.push(d);
                let mut n = s.net[0].clone();
                n.name = "veth9".into();
                n.speed_mbps = Some(10_000);
                n.full_duplex = true;
                s.net.push(n);
            }
            // An optional field goes, and comes back at 12.
            9 => {
                if let Some(m) = s.memory.as_mut() {
                    m.mem_available = None;
                }
            }
            12 => {
                if let Some(m) = s.memory.as_mut() {
                    m.mem_available = Some(1_000_000);
                }
            }
            // A CPU goes offline, with its softnet line and clock.
            14 => {
                if let Some(c) = s.cpu.per_cpu.get_mut(1) {
                    *c = None;
                }
                s.softnet.retain(|c| c.cpu != 1);
                s.cpu_freq.retain(|c| c.cpu != 1);
            }
            // An interrupt line appears; a pressure resource loses its `full` line.
            17 => {
                let n = s.interrupts.cpus.len();
                s.interrupts.lines.push(IrqLine {
                    name: "NEW".into(),
                    counts: vec![9; n],
                });
                if let Some(p) = s.pressure.io.as_mut() {
                    p.full = None;
                }
            }
            // Every group but those every sample has goes, half at 20 and half at 21, and
            // comes back a sample later.
            20 => {
                held = s.clone();
                s.load = None;
                s.memory = None;
                s.swap = None;
                s.paging = None;
                s.disks.clear();
                s.net.clear();
                s.pressure = Default::default();
                s.snmp = None;
                s.sockets = None;
                s.snmp6 = None;
            }
            21 => {
                s.load = held.load;
                s.memory = held.memory;
                s.swap = held.swap;
                s.paging = held.paging;
                s.disks = held.disks.clone();
                s.net = held.net.clone();
                s.pressure = held.pressure;
                s.snmp = held.snmp;
                s.sockets = held.sockets;
                s.snmp6 = held.snmp6;
                s.sockets6 = None;
                s.softnet.clear();
                s.ktables = None;
                s.interrupts = Default::default();
                s.filesystems.clear();
                s.cpu_freq.clear();
                s.nfs = None;
                s.nfsd = None;
                s.serial.clear();
                s.io_totals = None;
            }
            22 => {
                s.sockets6 = held.sockets6;
                s.softnet = held.softnet.clone();
                s.ktables = held.ktables;
                s.interrupts = held.interrupts.clone();
                s.filesystems = held.filesystems.clone();
                s.cpu_freq = held.cpu_freq.clone();
                s.nfs = held.nfs;
                s.nfsd = held.nfsd;
                s.serial = held.serial.clone();
                s.io_totals = held.io_totals;
            }
            // The filesystems' types go (a mount read without them).
            26 => {
                for f in &mut s.filesystems {
                    f.fstype.clear();
                }
            }
            // The interface and a filesystem go.
            30 => {
                s.net.pop();
                s.filesystems.pop();
            }
            _ => {}
        }
        out.push(s);
    }
    out
}

/// The run written as one day: reopened at sample 22 (as rsadc run from cron is), and a
/// reboot at sample 33.
fn write_day(path: &Path) -> Vec<u8> {
    let host = |i: usize| test_host(if i < 33 { "boot-a" } else { "boot-b" }, 2);
    let (mut w, _) = DayWriter::open(path, &host(0), 0, 0).unwrap();
    for (i, s) in run().iter().enumerate() {
        if i == 22 {
            drop(w);
            w = DayWriter::open(path, &host(i), 0, 0).unwrap().0;
        }
        w.append_sample(&host(i), s).unwrap();
    }
    drop(w);
    std::fs::read(path).unwrap()
}

/// The run appended to the day of format `version` in `logs-v{version}`, in that day's
/// boot; the bytes after the day's own.
fn append_to_format(version: u16, dir: &Path) -> Vec<u8> {
    let from = match version {
        // The new day of the last build of that format, as it wrote it.
        4..=6 => fixtures().join(format!("rsar20261207.v{version}")),
        v => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/logs-v{v}/rsar20261206")),
    };
    let path = dir.join("rsar20261206");
    std::fs::copy(from, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let host: HostFacts = FileHeader::decode(&before).unwrap().0.host;
    let last = samples_of(&store::read_log(&path).unwrap())
        .last()
        .unwrap()
        .time;
    let (mut w, _) = DayWriter::open(&path, &host, 0, 0).unwrap();
    for (i, mut s) in run().into_iter().enumerate() {
        s.time.wall_ns = last.wall_ns + (i as i64 + 1) * 1_000_000_000;
        s.time.uptime_cs = last.uptime_cs + (i as u64 + 1) * 100;
        w.append_sample(&host, &s).unwrap();
    }
    drop(w);
    let after = std::fs::read(&path).unwrap();
    assert_eq!(FileHeader::decode(&after).unwrap().0.version, version);
    after[before.len()..].to_vec()
}

/// `got` is the fixture `name`'s bytes; with RSAR_BLESS set, it becomes them.
fn same_bytes(name: &str, got: &[u8]) {
    let path = fixtures().join(name);
    if std::env::var_os("RSAR_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap();
    let first = want.iter().zip(got).position(|(a, b)| a != b);
    assert!(
        want == got,
        "{}: this build writes other bytes ({} against {}, first difference at {:?})",
        path.display(),
        got.len(),
        want.len(),
        first
    );
}

/// The groups declared when the fixtures were recorded. A group declared since is not in
/// the pinned bytes (the round trip generated from the declaration covers it, in
/// store_v2), unless the captured /proc gives it.
const RECORDED_UP_TO_ID: u8 = 28;

#[test]
fn the_run_has_every_declared_group() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = write_day(&dir.path().join("rsar20261207"));
    let blocks = common::sample_blocks(&bytes);
    for g in GROUPS.iter().filter(|g| g.id <= RECORDED_UP_TO_ID) {
        let id = u64::from(g.id);
        assert!(
            blocks.iter().flatten().any(|b| b.0 == id),
            "group {} is not in the run",
            g.name
        );
        // Every group but those every sample has goes at some point.
        if !g.always {
            assert!(
                blocks.iter().any(|r| r.iter().all(|b| b.0 != id)),
                "group {} never goes in the run",
                g.name
            );
        }
    }
}

#[test]
fn a_new_day_is_written_byte_for_byte_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261207");
    let bytes = write_day(&path);
    same_bytes("rsar20261207", &bytes);
    let read = samples_of(&store::read_log(&path).unwrap());
    assert_eq!(read, run());
}

#[test]
fn a_closed_day_is_packed_byte_for_byte_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = write_day(&dir.path().join("rsar20261207"));
    let packed = store::pack(&bytes).unwrap();
    same_bytes("rsar20261207.packed", &packed);
    let read = samples_of(&store::parse_log(Path::new("packed"), &packed).unwrap());
    assert_eq!(read, run());
}

/// Appending to a day of each older format writes the bytes the last build of that
/// format wrote (the day stays that format).
#[test]
fn appending_to_an_older_format_day_is_byte_for_byte_as_before() {
    for (version, tail) in [
        (2, "rsar20261206.v2-tail"),
        (3, "rsar20261206.v3-tail"),
        (4, "rsar20261207.v4-tail"),
        (5, "rsar20261207.v5-tail"),
        (6, "rsar20261207.v6-tail"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        same_bytes(tail, &append_to_format(version, dir.path()));
    }
}

/// Format 7 changed how closed days are packed, nothing else: a new day is the format-6
/// day but for its header's version; and a format-6 day is packed as format 6 packed it,
/// its samples as steps (format 7 puts them in columns).
#[test]
fn a_new_day_is_the_format_6_day_and_a_format_6_day_packs_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = write_day(&dir.path().join("rsar20261207"));
    common::set_version(&mut bytes, 6);
    let v6 = std::fs::read(fixtures().join("rsar20261207.v6")).unwrap();
    assert!(bytes == v6, "the new day is not the format-6 day");
    same_bytes("rsar20261207.v6-packed", &store::pack(&v6).unwrap());
}

/// Format 6 changed how fields the kernel keeps in pages are stored, nothing else: a new
/// day reads as the format-5 day of the same run, sample for sample.
#[test]
fn a_new_day_reads_as_the_format_5_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rsar20261207");
    write_day(&path);
    let v5 = fixtures().join("rsar20261207.v5");
    let old = store::read_log(&v5).unwrap();
    assert_eq!(old.header.version, 5);
    assert_eq!(samples_of(&old), run());
    let new = store::read_log(&path).unwrap();
    assert_eq!(new.header.version, store::VERSION);
    assert_eq!(samples_of(&new), samples_of(&old));
}
