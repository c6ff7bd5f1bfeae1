#!/usr/bin/env python3
"""Fault injection for `rsar explain` (issue 27): each scenario is recorded by the real
rsadc at 1 s, a quiet spell then the fault, and `rsar explain` is asked about the fault's
window against the spell before it. A run scores whether the report's first finding
names the signal the fault moved, and whether that signal's first contributor is the
injected process, and the share of the change its command's processes named there take.

Usage: bench/explain-faults.py [--runs N] [--scenarios a,b] [--json] [--show-text]
       [--rsar PATH] [--rsadc PATH] [--quiet-s S] [--fault-s S] [--keep DIR]
       [--rescore DIR]

Columns: runs; "top signal right", the report's first finding is the fault's signal;
"top process right", that signal's first contributor is the injected process; "median
share", of that signal's change, all the culprit's processes named there together (over
1 when others moved it the other way); "median explain", wall time of one `rsar
explain`; "first split right", the first significant finding split over processes is
the fault's signal with the culprit first (the report's order were unsplit signals told
after the split ones); "first findings", which signals came first, how often.
Needs root (cgroups, block I/O throttling; cgroup v1, hybrid or v2), python3, sh, dd,
sleep. Default: 10 runs of every scenario, release binaries (built first by
bench/explain-faults.sh).

The scenarios (the issue's list), each with a distinctive command name:
  cpu-hog       two busy shell loops (`rsar-hog`) in their own cgroup
  disk-writer   `dd oflag=direct` with 8 kB writes (`rsar-writer`)
  memory-leak   python3 touching 200 MB more each second, up to 2.5 GB (`rsar-leak`)
  fork-storm    a shell starting ~150 `rsar-fork` (a 1-s sleep) per second
  d-state       three `dd oflag=direct` writers (`rsar-stuck`) in a cgroup whose writes
                blkio throttles to 64 kB/s: each waits in state D for its I/O
  cpu-quota     two busy loops (`rsar-quota`) in a cgroup held to half a CPU by
                cpu.cfs_quota_us (the system sees CPU busy rise by that half; explain has
                no signal for throttling itself)
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone

CGROUP_ROOT = "/sys/fs/cgroup"


def copy_as(program, directory, name):
    """A copy of a system program under a name of our own."""
    src = shutil.which(program)
    if src is None:
        raise SystemExit(f"{program} is not installed")
    dst = os.path.join(directory, name)
    shutil.copy(src, dst)
    return dst


class Cgroup:
    """A cgroup with settings, removed on close: in the v1 controllers named (cgroup v1
    or hybrid hosts), or in the unified hierarchy with the controllers it needs enabled
    (cgroup v2 hosts). Settings are (v1 controller, v1 file, v2 file, v1 value, v2 value)."""

    def __init__(self, name, controllers, settings=()):
        self.dirs = []
        if os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers")):
            wanted = {"cpu": "cpu", "blkio": "io"}
            enable = " ".join(f"+{wanted[c]}" for c in controllers if c in wanted)
            if enable:
                with open(os.path.join(CGROUP_ROOT, "cgroup.subtree_control"), "w") as f:
                    f.write(enable)
            d = os.path.join(CGROUP_ROOT, name)
            os.makedirs(d, exist_ok=True)
            self.dirs.append(d)
            for _, _, file, _, value in settings:
                with open(os.path.join(d, file), "w") as f:
                    f.write(value)
            return
        for c in controllers:
            d = os.path.join(CGROUP_ROOT, c, name)
            os.makedirs(d, exist_ok=True)
            self.dirs.append(d)
        for controller, file, _, value, _ in settings:
            with open(os.path.join(CGROUP_ROOT, controller, name, file), "w") as f:
                f.write(value)

    def enter(self):
        """For preexec_fn: move the child into every directory."""
        pid = str(os.getpid())
        for d in self.dirs:
            with open(os.path.join(d, "cgroup.procs"), "w") as f:
                f.write(pid)

    def close(self):
        for d in self.dirs:
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.1)


def root_device():
    """MAJ:MIN of the whole disk holding the current directory's filesystem."""
    st = os.stat(".")
    major, minor = os.major(st.st_dev), os.minor(st.st_dev)
    part = f"/sys/dev/block/{major}:{minor}/partition"
    if os.path.exists(part):
        with open(f"/sys/dev/block/{major}:{minor}/../dev") as f:
            return f.read().strip()
    return f"{major}:{minor}"


# Each scenario: the signals its first finding may name (the first is the one whose first
# contributor is checked when the finding names none of them), and its culprit's command.
# A busy loop raises CPU busy only where CPUs were idle: on a machine already saturated
# (this VM while others build) it lengthens the run queue instead, so runnable tasks is
# the signal it moved there.
SCENARIOS = {
    "cpu-hog": (("cpu", "cpu_user", "running"), "rsar-hog"),
    "disk-writer": (("disk",), "rsar-writer"),
    "memory-leak": (("memory",), "rsar-leak"),
    "fork-storm": (("forks",), "rsar-fork"),
    "d-state": (("blocked",), "rsar-stuck"),
    "cpu-quota": (("cpu", "cpu_user", "running"), "rsar-quota"),
}

LEAK = """
import sys, time
open('/proc/self/comm', 'w').write('rsar-leak')
kept = []
step = 200 << 20
while len(kept) * step < (2500 << 20):
    kept.append(b'\\x01' * step)
    time.sleep(1)
time.sleep(3600)
"""


def start_fault(name, tmp, run_id):
    """Start the fault: its processes and what to clean up after them."""
    procs, cgroups = [], []
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if name in ("cpu-hog", "cpu-quota"):
        # Two busy loops in a cgroup of their own, held to half a CPU for the quota.
        quota = name == "cpu-quota"
        settings = [("cpu", "cpu.cfs_period_us", "cpu.max", "100000", "50000 100000"),
                    ("cpu", "cpu.cfs_quota_us", "cpu.max", "50000", "50000 100000")]
        cg = Cgroup(f"rsar-fault-{name}-{run_id}", ("cpu", "cpuacct"),
                    settings if quota else ())
        cgroups.append(cg)
        hog = copy_as("sh", tmp, "rsar-quota" if quota else "rsar-hog")
        for _ in range(2):
            procs.append(subprocess.Popen([hog, "-c", "while :; do :; done"],
                                          preexec_fn=cg.enter, **quiet))
    elif name == "disk-writer":
        dd = copy_as("dd", tmp, "rsar-writer")
        procs.append(subprocess.Popen(
            [dd, "if=/dev/zero", f"of={tmp}/written", "bs=8k", "count=1000000",
             "oflag=direct"], **quiet))
    elif name == "memory-leak":
        procs.append(subprocess.Popen([sys.executable, "-c", LEAK], **quiet))
    elif name == "fork-storm":
        sleeper = copy_as("sleep", tmp, "rsar-fork")
        loop = (f"while :; do for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do "
                f"{sleeper} 1 & done; {sleeper} 0.1; done")
        procs.append(subprocess.Popen(["sh", "-c", loop], start_new_session=True, **quiet))
    elif name == "d-state":
        cg = Cgroup(f"rsar-fault-stuck-{run_id}", ("blkio",),
                    [("blkio", "blkio.throttle.write_bps_device", "io.max",
                      f"{root_device()} 65536", f"{root_device()} wbps=65536")])
        cgroups.append(cg)
        dd = copy_as("dd", tmp, "rsar-stuck")
        for i in range(3):
            procs.append(subprocess.Popen(
                [dd, "if=/dev/zero", f"of={tmp}/stuck{i}", "bs=64k", "count=100000",
                 "oflag=direct"], preexec_fn=cg.enter, **quiet))
    else:
        raise SystemExit(f"no scenario {name}")
    return procs, cgroups


def stop_fault(procs, cgroups):
    for p in procs:
        try:
            if p.args[0] == "sh" and len(p.args) > 2 and "rsar-fork" in p.args[2]:
                os.killpg(p.pid, signal.SIGKILL)  # the loop and its sleepers
            else:
                p.kill()
        except ProcessLookupError:
            pass
        p.wait()
    for cg in cgroups:
        cg.close()


def clock(epoch_s):
    return datetime.fromtimestamp(epoch_s, timezone.utc).strftime("%H:%M:%S")


def one_run(args, name, run_id):
    """Record one run of the fault (or take the kept one, with --rescore) and judge it."""
    if args.rescore:
        kept = os.path.join(args.rescore, f"{name}-{run_id}")
        with open(kept + ".at") as f:
            at = int(f.read())
        return judge(args, name, run_id, kept, at)
    with tempfile.TemporaryDirectory(prefix="rsar-fault-") as tmp:
        log = os.path.join(tmp, "log")
        count = args.quiet_s + args.fault_s + 2
        rsadc = subprocess.Popen([args.rsadc, "--file", log, "1", str(count)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs, cgroups = [], []
        try:
            time.sleep(args.quiet_s + 0.5)
            at = int(time.time())
            procs, cgroups = start_fault(name, tmp, run_id)
            _, err = rsadc.communicate(timeout=count + 30)
        finally:
            stop_fault(procs, cgroups)
            if rsadc.poll() is None:
                rsadc.kill()
                rsadc.wait()
        if rsadc.returncode != 0:
            raise SystemExit(f"rsadc failed: {err.decode(errors='replace')}")
        if args.keep:
            # The log and the fault's start, to explain again with another build.
            os.makedirs(args.keep, exist_ok=True)
            kept = os.path.join(args.keep, f"{name}-{run_id}")
            shutil.copy(log, kept)
            with open(kept + ".at", "w") as f:
                f.write(f"{at}\n")
        return judge(args, name, run_id, log, at)


def judge(args, name, run_id, log, at):
    """`rsar explain` of one run's log (the fault started at `at`, epoch s), scored."""
    expected, culprit = SCENARIOS[name]
    # The fault's window from its second second (the first holds its start); the
    # baseline the quiet spell just before it.
    window = ["-f", log, "--utc", "--since", f"@{at + 2}", "--until",
              f"@{at + args.fault_s}", "--baseline",
              f"{clock(at - args.quiet_s + 1)}-{clock(at)}"]
    t0 = time.monotonic()
    out = subprocess.run([args.rsar, "explain", *window, "--format", "json"],
                         capture_output=True)
    seconds = time.monotonic() - t0
    if out.returncode != 0:
        raise SystemExit(f"rsar explain failed: {out.stderr.decode(errors='replace')}")
    doc = json.loads(out.stdout)
    text = None
    if args.show_text:
        text = subprocess.run([args.rsar, "explain", *window], capture_output=True,
                              text=True).stdout
    signals = doc["signals"]
    top = signals[0] if signals and signals[0]["significant"] else None
    top_name = top["signal"] if top else None
    # The signal whose first contributor is checked: the first finding when it is one
    # of the scenario's, else the first significant one of them, else its first.
    checked = top if top_name in expected else next(
        (s for s in signals if s["signal"] in expected and s["significant"]),
        next((s for s in signals if s["signal"] == expected[0]), None))
    first = (checked or {}).get("contributors") or [{}]
    first = first[0]
    cpu = next((s for s in signals if s["signal"] == "cpu"), {})
    # The first finding split over processes: what the report's first would be, were the
    # signals no process explains (pressure, page cache, %util) told after them.
    split = next((s for s in signals if s["significant"] and s.get("contributors")), None)
    return {
        "scenario": name,
        "first_split_signal": split["signal"] if split else None,
        "first_split_ok": bool(split) and split["signal"] in expected
        and split["contributors"][0].get("name") == culprit,
        "run": run_id,
        "top_signal": top_name,
        "signal_ok": top_name in expected,
        "checked_signal": checked["signal"] if checked else None,
        "first_contributor": first.get("name"),
        "process_ok": first.get("name") == culprit,
        "share": first.get("share"),
        # Every process of the culprit's command named for that signal, together.
        "culprit_share": sum(c["share"] for c in (checked or {}).get("contributors", [])
                             if c.get("name") == culprit),
        "explain_s": seconds,
        "baseline_cpu_busy": cpu.get("baseline"),
        "text": text,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "target", "release")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--rsar", default=os.path.join(target, "rsar"))
    ap.add_argument("--rsadc", default=os.path.join(target, "rsadc"))
    ap.add_argument("--quiet-s", type=int, default=10)
    ap.add_argument("--fault-s", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="one JSON line per run, no table")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep each run's log in DIR as SCENARIO-RUN, the fault's start "
                         "(epoch s) in SCENARIO-RUN.at")
    ap.add_argument("--rescore", metavar="DIR",
                    help="record nothing: judge the runs kept in DIR by --keep again")
    ap.add_argument("--show-text", action="store_true",
                    help="print the text report of each scenario's first run")
    args = ap.parse_args()
    # Stopped (Ctrl-C, kill): the fault's processes and cgroups are cleaned up first.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if os.geteuid() != 0 and not args.rescore:
        raise SystemExit("needs root: cgroups and block I/O throttling")
    names = [n for n in args.scenarios.split(",") if n]
    for n in names:
        if n not in SCENARIOS:
            raise SystemExit(f"no scenario {n}; there are {', '.join(SCENARIOS)}")
    results = {n: [] for n in names}
    # Runs interleave the scenarios, so that a busy spell of the machine does not fall
    # on one scenario's runs only.
    for run_id in range(args.runs):
        for n in names:
            r = one_run(args, n, run_id)
            results[n].append(r)
            if args.json:
                print(json.dumps({k: v for k, v in r.items() if k != "text"}), flush=True)
            else:
                print(f"{n} run {run_id + 1}: top {r['top_signal']}, "
                      f"{r['checked_signal']} first {r['first_contributor']} "
                      f"share {r['culprit_share']:.2f}, "
                      f"baseline CPU busy {r['baseline_cpu_busy'] or 0:.0f}%",
                      file=sys.stderr, flush=True)
    if args.json:
        return
    print(f"{'scenario':<12} {'runs':>4} {'top signal right':>16} {'top process right':>17} "
          f"{'median share':>12} {'median explain':>14} {'first split right':>17}  first findings")
    for n in names:
        rs = results[n]
        shares = [r["culprit_share"] for r in rs if r["process_ok"]]
        share = f"{statistics.median(shares):.2f}" if shares else "-"
        print(f"{n:<12} {len(rs):>4} {sum(r['signal_ok'] for r in rs):>16} "
              f"{sum(r['process_ok'] for r in rs):>17} {share:>12} "
              f"{statistics.median(r['explain_s'] for r in rs):>12.3f} s "
              f"{sum(r['first_split_ok'] for r in rs):>17}  "
              + ", ".join(f"{s} {c}" for s, c in Counter(str(r["top_signal"]) for r in rs)
                          .most_common()))
    if args.show_text:
        for n in names:
            print(f"\n== {n}, run 1 ==\n{results[n][0]['text']}")


if __name__ == "__main__":
    main()
