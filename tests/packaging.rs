//! The install story's files: the systemd unit's sandboxing, the cron lines, the default
//! configuration, and that every file the .deb and .rpm list exists.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use std::path::PathBuf;

fn read(rel: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn the_unit_runs_rsadc_sandboxed_with_two_capabilities_only() {
    let unit = read("packaging/systemd/rsadc.service");
    for line in [
        "Restart=on-failure",
        "LogsDirectory=rsar",
        "ProtectSystem=strict",
        "ProtectHome=read-only",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_SYS_PTRACE\n",
        "SystemCallFilter=~@debug process_vm_readv process_vm_writev\n",
        "EnvironmentFile=-/etc/default/rsar",
        "WantedBy=multi-user.target",
    ] {
        assert!(unit.contains(line), "{line:?} missing");
    }
    let exec = unit.lines().find(|l| l.starts_with("ExecStart=")).unwrap();
    for var in [
        "${RSAR_INTERVAL}",
        "${RSAR_RETAIN_DAYS}",
        "${RSAR_COMPRESS_AFTER_DAYS}",
        "${RSAR_DIR}",
        // One word even when empty: rsadc reads "--listen=" as off.
        "--listen=${RSAR_LISTEN} ",
        "--remote-write=${RSAR_REMOTE_WRITE} --remote-write-tenant=${RSAR_REMOTE_WRITE_TENANT} $RSAR_REMOTE_WRITE_OPTIONS ",
    ] {
        assert!(exec.contains(var), "{var} not used by ExecStart");
    }
    // Every setting has a comment just above it saying why it is there.
    let lines: Vec<&str> = unit.lines().collect();
    let sandbox = lines
        .iter()
        .position(|l| l.starts_with("CapabilityBoundingSet="))
        .unwrap();
    for (i, l) in lines.iter().enumerate().skip(sandbox) {
        if l.starts_with('[') {
            break;
        }
        if l.contains('=') && !l.starts_with('#') {
            assert!(lines[i - 1].starts_with('#'), "no comment above {l:?}");
        }
    }
    // Where systemd-analyze is installed, the unit must pass it.
    if let Ok(out) = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("packaging/systemd/rsadc.service"))
        .output()
    {
        let err = String::from_utf8_lossy(&out.stderr);
        // The binary is not installed where the tests run; everything else must be clean.
        let problems: Vec<&str> = err
            .lines()
            .filter(|l| !l.contains("/usr/bin/rsadc") && !l.trim().is_empty())
            .collect();
        assert!(problems.is_empty(), "systemd-analyze verify: {problems:?}");
    }
}

#[test]
fn the_settings_are_read_by_both_the_unit_and_cron() {
    let defaults = read("packaging/default/rsar");
    let cron = read("packaging/cron/rsar");
    for key in [
        "RSAR_INTERVAL=10",
        "RSAR_DIR=/var/log/rsar",
        "RSAR_RETAIN_DAYS=28",
        "RSAR_COMPRESS_AFTER_DAYS=1",
        // Off by default, with a loopback example.
        "\nRSAR_LISTEN=\n#RSAR_LISTEN=127.0.0.1:9808\n",
        "\nRSAR_REMOTE_WRITE=\n",
        "\nRSAR_REMOTE_WRITE_TENANT=\n",
        "\nRSAR_REMOTE_WRITE_OPTIONS=\n",
    ] {
        assert!(defaults.contains(key), "{key}");
    }
    let jobs: Vec<&str> = cron
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" root "))
        .collect();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    assert!(jobs[0].starts_with("*/10 * * * * root") && jobs[0].contains("rsadc 1 1"));
    assert!(jobs[1].starts_with("@reboot root") && jobs[1].contains("--boot"));
    assert!(jobs[2].contains("--housekeeping"));
    for j in &jobs {
        assert!(j.contains(". /etc/default/rsar"), "{j}");
        assert!(
            j.contains("[ -d /run/systemd/system ] ||"),
            "idle under systemd: {j}"
        );
    }
}

#[test]
fn every_packaged_file_exists() {
    let manifest = read("Cargo.toml");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for line in manifest.lines() {
        let line = line.trim();
        let source = if let Some(rest) = line.strip_prefix("[\"") {
            rest.split('"').next()
        } else if let Some(rest) = line.strip_prefix("{ source = \"") {
            rest.split('"').next()
        } else {
            None
        };
        if let Some(src) = source {
            if src.starts_with("target/") {
                continue;
            }
            assert!(root.join(src).exists(), "{src} is packaged but missing");
            n += 1;
        }
    }
    assert!(n >= 20, "found {n} packaged files");
}

#[test]
fn the_collector_installs_as_a_package_named_rsadc() {
    // `cargo install --path collector` names the installed package after this.
    let manifest = read("collector/Cargo.toml");
    let name = manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| l.strip_prefix("name = "))
        .expect("a package name");
    assert_eq!(name.trim_matches('"'), "rsadc");
}

/// The settings of a unit file, in order: (section, key, value).
fn unit_settings(unit: &str) -> Vec<(String, String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in unit.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        assert!(!line.ends_with('\\'), "a continued line: {line}");
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (k, v) = line.split_once('=').unwrap();
        out.push((section.clone(), k.trim().to_string(), v.trim().to_string()));
    }
    out
}

fn yes(v: &str) -> bool {
    matches!(v, "yes" | "true" | "on" | "1")
}

/// Why a [Service] setting would make rsadc under the unit record something else than it
/// records outside it; `None` when it does not.
fn isolates(key: &str, value: &str) -> Option<&'static str> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let mounted_over = "something mounted over the host's paths: -F measures it, not the filesystem of the mount point";
    match key {
        "PrivateNetwork" if yes(value) => Some("a network namespace of its own: /proc/net is that namespace's (lo alone, empty counters) in every -n report"),
        "NetworkNamespacePath" if !value.is_empty() => Some("another network namespace's /proc/net"),
        "IPAddressDeny" if !value.is_empty() => Some("--listen cut off from its scrapers"),
        "RestrictAddressFamilies" => {
            let needed = ["AF_UNIX", "AF_INET", "AF_INET6"];
            let ok = match value.strip_prefix('~') {
                Some(denied) => !denied.split_whitespace().any(|f| needed.contains(&f)),
                None => needed.iter().all(|f| words.contains(f)),
            };
            (!ok).then_some("--listen needs AF_INET and AF_INET6, the request socket AF_UNIX")
        }
        "ProtectHome" if !matches!(value, "no" | "false" | "off" | "0" | "read-only") => Some("an empty directory over /home and /root: -F measures it, not their filesystems"),
        "TemporaryFileSystem" | "InaccessiblePaths" | "BindPaths" | "BindReadOnlyPaths"
        | "RootDirectory" | "RootImage" | "MountImages" | "ExtensionImages"
        | "ExtensionDirectories"
            if !value.is_empty() =>
        {
            Some(mounted_over)
        }
        "ProtectProc" if value != "default" => Some("other users' processes or their files hidden"),
        "ProcSubset" if value == "pid" => Some("/proc's system-wide files (/proc/stat, /proc/net…) hidden"),
        "PrivatePIDs" if yes(value) => Some("a PID namespace: every other process hidden"),
        "PrivateUsers" if !matches!(value, "no" | "false" | "off" | "0") => Some("a user namespace: other users' /proc/PID/io unreadable"),
        "ProtectHostname" if yes(value) => Some("a UTS namespace of its own: a copy of the host name of when the service started"),
        "ProtectControlGroups" if matches!(value, "private" | "strict") => Some("a cgroup namespace: the machine's cgroup tree hidden"),
        "DynamicUser" if yes(value) => Some("a user who cannot read other users' /proc/PID/io"),
        "User" if !matches!(value, "" | "root" | "0") => Some("a user who cannot read other users' /proc/PID/io"),
        "CapabilityBoundingSet"
            if value.starts_with('~')
                || !["CAP_DAC_READ_SEARCH", "CAP_SYS_PTRACE"]
                    .iter()
                    .all(|c| words.contains(c)) =>
        {
            Some("without CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE other users' /proc/PID/io is unreadable: no I/O for their processes")
        }
        _ => None,
    }
}

/// [Service] settings that change nothing rsadc reads (or are checked by `isolates`).
const CLASSIFIED: &[&str] = &[
    // Running it.
    "Type",
    "Environment",
    "EnvironmentFile",
    "ExecStart",
    "Restart",
    "RestartSec",
    "KillSignal",
    "TimeoutStopSec",
    "LimitNOFILE",
    "LogsDirectory",
    "LogsDirectoryMode",
    "UMask",
    "ReadWritePaths",
    "ReadOnlyPaths",
    // System calls, privileges and files rsadc never uses.
    "AmbientCapabilities",
    "NoNewPrivileges",
    "ProtectSystem",
    "PrivateTmp",
    "PrivateDevices",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectKernelLogs",
    "ProtectClock",
    "RestrictNamespaces",
    "RestrictRealtime",
    "RestrictSUIDSGID",
    "LockPersonality",
    "MemoryDenyWriteExecute",
    "SystemCallArchitectures",
    "SystemCallFilter",
    "PrivateIPC",
    "RemoveIPC",
    // Checked value by value in `isolates`.
    "PrivateNetwork",
    "NetworkNamespacePath",
    "IPAddressDeny",
    "IPAddressAllow",
    "RestrictAddressFamilies",
    "ProtectHome",
    "TemporaryFileSystem",
    "InaccessiblePaths",
    "BindPaths",
    "BindReadOnlyPaths",
    "RootDirectory",
    "RootImage",
    "MountImages",
    "ExtensionImages",
    "ExtensionDirectories",
    "ProtectProc",
    "ProcSubset",
    "PrivatePIDs",
    "PrivateUsers",
    "ProtectHostname",
    "ProtectControlGroups",
    "DynamicUser",
    "User",
    "CapabilityBoundingSet",
];

#[test]
fn the_unit_isolates_neither_proc_net_nor_mounts_nor_the_network() {
    let unit = read("packaging/systemd/rsadc.service");
    let mut found = Vec::new();
    for (section, key, value) in unit_settings(&unit) {
        if section == "Unit" && key == "JoinsNamespaceOf" {
            found.push(format!("{key}={value}: another unit's namespaces"));
        }
        if section != "Service" {
            continue;
        }
        if !CLASSIFIED.contains(&key.as_str()) {
            found.push(format!(
                "{key}={value}: not classified in tests/packaging.rs; does it change what rsadc reads?"
            ));
        } else if let Some(why) = isolates(&key, &value) {
            found.push(format!("{key}={value}: {why}"));
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// The unit's sandbox as commands: `unshare` flags, the mounts (a shell script run in the
/// new mount namespace, `$OUT` being the log directory) and the `setpriv` arguments rsadc
/// is started with. Settings acting only on system calls rsadc never makes, or on files
/// it never opens, are not simulated; one that isolates and that this cannot simulate
/// fails the test.
fn sandbox(unit: &str) -> (Vec<&'static str>, String, Vec<String>) {
    let ro = |p: &str| {
        format!("if [ -e {p} ]; then mount --bind {p} {p}; mount -o remount,bind,ro {p}; fi\n")
    };
    let hide = |p: &str| {
        format!("if [ -e {p} ]; then mount --bind \"$OUT/scratch/inaccessible\" {p}; fi\n")
    };
    let (mut flags, mut setpriv) = (vec!["--mount"], Vec::new());
    let mut mounts = String::new();
    let mut last = String::new();
    for (section, key, value) in unit_settings(unit) {
        if section != "Service" {
            continue;
        }
        match (key.as_str(), value.as_str()) {
            ("PrivateNetwork", v) if yes(v) => flags.push("--net"),
            ("ProtectHostname", v) if yes(v) => flags.push("--uts"),
            ("PrivatePIDs", v) if yes(v) => flags.extend(["--pid", "--fork", "--mount-proc"]),
            ("PrivateTmp", v) if yes(v) => mounts.push_str(
                "mkdir -p /tmp/rsar-private/tmp && chmod 1777 /tmp/rsar-private/tmp && mount --bind /tmp/rsar-private/tmp /tmp\n",
            ),
            ("ProtectHome", "yes" | "true") => {
                for p in ["/home", "/root", "/run/user"] {
                    mounts.push_str(&hide(p));
                }
            }
            ("ProtectHome", "tmpfs") => {
                for p in ["/home", "/root", "/run/user"] {
                    mounts.push_str(&format!("if [ -e {p} ]; then mount -t tmpfs tmpfs {p}; fi\n"));
                }
            }
            ("ProtectHome", "read-only") => {
                for p in ["/home", "/root", "/run/user"] {
                    mounts.push_str(&ro(p));
                }
            }
            ("PrivateDevices", v) if yes(v) => mounts.push_str("mount -t tmpfs -o mode=755 tmpfs /dev\n"),
            ("ProtectKernelTunables", v) if yes(v) => {
                mounts.push_str(&ro("/proc/sys"));
                mounts.push_str(&ro("/sys"));
            }
            ("ProtectKernelModules", v) if yes(v) => {
                mounts.push_str(&hide("/usr/lib/modules"));
            }
            ("ProtectControlGroups", v) if yes(v) => mounts.push_str(&ro("/sys/fs/cgroup")),
            // Last, once the rest is mounted; the log directory stays writable, as
            // LogsDirectory= makes it.
            ("ProtectSystem", "strict") => {
                last = "mount --bind \"$OUT\" \"$OUT\"\nmount -o remount,bind,ro /\n".into()
            }
            ("ProtectSystem", "full") => {
                for p in ["/usr", "/boot", "/efi", "/etc"] {
                    last.push_str(&ro(p));
                }
            }
            ("ProtectSystem", v) if yes(v) => {
                for p in ["/usr", "/boot", "/efi"] {
                    last.push_str(&ro(p));
                }
            }
            ("CapabilityBoundingSet", v) => {
                let caps: Vec<String> = v
                    .split_whitespace()
                    .map(|c| format!("+{}", c.trim_start_matches("CAP_").to_lowercase()))
                    .collect();
                assert!(!v.starts_with('~'), "a deny list: not simulated");
                setpriv.push(format!("--bounding-set=-all{}", caps.iter().map(|c| format!(",{c}")).collect::<String>()));
                setpriv.push("--inh-caps=-all".into());
            }
            ("NoNewPrivileges", v) if yes(v) => setpriv.push("--no-new-privs".into()),
            // Socket filters: nothing rsadc reads; --listen's needs are the other test's.
            ("RestrictAddressFamilies" | "IPAddressDeny" | "IPAddressAllow", _) => {}
            (k, v) => assert!(
                isolates(k, v).is_none(),
                "{k}={v} isolates rsadc and this test cannot run it: see the_unit_isolates_neither_proc_net_nor_mounts_nor_the_network"
            ),
        }
    }
    // A directory nobody may enter, on a filesystem of its own (systemd's is on /run).
    let script = format!(
        "set -e\nmkdir -p \"$OUT/scratch\"\nmount -t tmpfs -o size=1m rsar-scratch \"$OUT/scratch\"\nmkdir -m 000 \"$OUT/scratch/inaccessible\"\n{mounts}{last}"
    );
    (flags, script, setpriv)
}

/// What must be the same under the unit as outside it: network interfaces, filesystems
/// (device, mount point, size), the host name, and whether another user's process's I/O
/// counters were readable.
#[derive(Debug, PartialEq, Eq)]
struct Observed {
    interfaces: Vec<String>,
    filesystems: Vec<(String, String, u64)>,
    hostname: String,
    others_io_read: bool,
}

fn observed(path: &std::path::Path, other: u32) -> Observed {
    use rsar::store::Record;
    let log = rsar::store::read_log(path).unwrap();
    let mut o = Observed {
        interfaces: Vec::new(),
        filesystems: Vec::new(),
        hostname: log.header.host.hostname.clone(),
        others_io_read: false,
    };
    for (_, r) in &log.records {
        match r {
            Record::Sample(s) => {
                o.interfaces = s.net.iter().map(|n| n.name.clone()).collect();
                o.interfaces.sort();
                o.filesystems = s
                    .filesystems
                    .iter()
                    .map(|f| (f.name.clone(), f.mountpoint.clone(), f.size_bytes))
                    .collect();
            }
            Record::Processes(t) => {
                let p = t.processes.iter().find(|p| p.pid == other);
                o.others_io_read = p.unwrap().read_bytes.is_some();
            }
            _ => {}
        }
    }
    o
}

#[test]
fn rsadc_under_the_units_sandbox_records_what_it_records_outside_it() {
    let can = std::process::Command::new("unshare")
        .args(["--mount", "--net", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !can {
        // CI runs as root: there, this is a failure.
        common::oracle_missing("unshare --mount --net (root, util-linux)");
        return;
    }
    let unit = read("packaging/systemd/rsadc.service");
    let (flags, mounts, setpriv) = sandbox(&unit);
    // Outside /tmp, /home and /root, which the test mounts over (a checkout, and so
    // rsadc and the target directory, may well be under one of them): the logs and a
    // copy of rsadc.
    std::fs::create_dir_all("/var/tmp").unwrap();
    let out = PathBuf::from("/var/tmp").join(format!("rsar-unit-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    /// Removes the directory however the test ends.
    struct Removed(PathBuf);
    impl Drop for Removed {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _removed = Removed(out.clone());
    let rsadc = out.join("rsadc");
    std::fs::copy(common::rsadc_bin(), &rsadc).unwrap();
    // Another user's process: its /proc/PID/io is mode 0400.
    let mut other = std::process::Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sleep",
            "60",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    // The machine: /home (or /root) and /tmp on filesystems of their own (tmpfs named like
    // disks, which -F keeps), then rsadc outside the sandbox and inside it.
    let machine = format!(
        "set -e
home=/home; [ -d /home ] || home=/root
mount -t tmpfs -o size=7m /dev/rsar-test-home $home
mount -t tmpfs -o size=5m /dev/rsar-test-tmp /tmp
\"$RSADC\" --file \"$OUT/host.rsar\" 1 1
exec unshare {} -- sh -c \"$UNIT\"",
        flags.join(" ")
    );
    let in_unit = format!(
        "{mounts}exec setpriv {} -- \"$RSADC\" --file \"$OUT/unit.rsar\" 1 1",
        setpriv.join(" ")
    );
    let run = std::process::Command::new("unshare")
        .args([
            "--mount",
            "--propagation",
            "private",
            "--",
            "sh",
            "-c",
            &machine,
        ])
        .env("RSADC", &rsadc)
        .env("OUT", &out)
        .env("UNIT", &in_unit)
        .output()
        .unwrap();
    let _ = other.kill();
    let _ = other.wait();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{in_unit}\n{stderr}");
    let host = observed(&out.join("host.rsar"), other.id());
    let sandboxed = observed(&out.join("unit.rsar"), other.id());
    assert!(host.interfaces.len() > 1, "{host:?}");
    assert!(host.others_io_read, "{host:?}");
    assert!(
        host.filesystems
            .iter()
            .any(|f| f.0 == "/dev/rsar-test-home"),
        "{host:?}"
    );
    assert_eq!(host, sandboxed, "the sandbox:\n{in_unit}");
}

/// rsadc keeps every cgroup's files open: the unit lets it hold those of 20,000 cgroups
/// with the most files one can have (v1 and v2 hierarchies side by side).
#[test]
fn the_unit_lets_rsadc_keep_the_files_of_thousands_of_cgroups_open() {
    let unit = read("packaging/systemd/rsadc.service");
    let limit = unit_settings(&unit)
        .into_iter()
        .find(|(section, key, _)| section == "Service" && key == "LimitNOFILE")
        .map(|(_, _, v)| v)
        .expect("a LimitNOFILE= in [Service]: systemd's default soft limit is 1024");
    // A soft:hard pair, or one value for both.
    let soft = limit.split(':').next().unwrap();
    let soft: u64 = if soft == "infinity" {
        u64::MAX
    } else {
        soft.parse().unwrap()
    };
    let nr_open: u64 = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .map_or(1 << 20, |s| s.trim().parse().unwrap());
    assert!(soft >= 20_000 * 19 + 256, "LimitNOFILE={limit}");
    assert!(
        soft <= nr_open,
        "LimitNOFILE={limit} is above fs.nr_open={nr_open}: systemd fails to start the unit"
    );
}
