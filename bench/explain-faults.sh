#!/usr/bin/env bash
# Issue 27's fault-injection suite for `rsar explain`: every scenario of
# bench/explain-faults.py (a CPU hog in its own cgroup, a dd oflag=direct writer, a memory
# leak, a fork storm, processes held in D state, a cgroup held by its CPU quota), each
# recorded by the real rsadc at 1 s (a quiet spell, then the fault) RUNS times, and the
# table: runs, first finding naming the fault's signal, first contributor of that signal
# the injected process, the median share of the change its processes take, the median
# time of `rsar explain`; then the text report of each scenario's first run.
# Usage: bench/explain-faults.sh [RUNS]   (default 10; as root; about 25 s a run)
# Env: SCENARIOS=a,b runs only those; KEEP=DIR keeps each run's log there, to be judged
# again by another build (bench/explain-faults.py --rescore DIR).
#
# Measured 2026-12-07 02:29-02:53 UTC on the project's shared 2-CPU VM, six other helpers
# building and testing (CPU busy 100 % in every baseline), `bench/explain-faults.sh 10`
# (the "first split right" column came later and was not measured here):
#   scenario     runs top signal right top process right median share median explain  first findings
#   cpu-hog        10                2                 4         0.49        0.056 s  memory 3, cache 2, context_switches 2, running 2, None 1
#   disk-writer    10                0                 9         2.11        0.052 s  context_switches 6, memory 2, None 1, psi_io 1
#   memory-leak    10                4                 9         0.75        0.061 s  memory 4, cache 3, psi_memory 1, disk_await 1, disk 1
#   fork-storm     10                7                10         0.95        0.059 s  forks 7, running 2, cache 1
#   d-state        10                0                10         1.00        0.044 s  psi_io 9, context_switches 1
#   cpu-quota      10                1                 1         0.40        0.036 s  memory 3, None 3, cache 3, running 1
# Far from the issue's 95 %, for three reasons the runs show: on a saturated machine a
# busy loop cannot raise CPU busy (it takes its time from the builds; runnable tasks is
# all it moves, within their variation); signals no process explains (I/O pressure for
# the D-state writers, context switches for the direct writer, page cache) rank before
# the split signal whose first contributor is the culprit; and the builds' own memory,
# page cache and disk bursts outrank a 10-s fault. Where the fault's signal is split, its
# first contributor is the culprit in 43 of 60 runs (38 of the 40 outside the CPU ones).
# At 03:35, `bench/explain-faults.py --runs 3`, with the "first split right" column: told
# after the split signals, the unsplit ones would no longer hide the D state (3 of 3).
#   scenario     runs top signal right top process right median share median explain first split right  first findings
#   cpu-hog         3                0                 0            -        0.037 s                 0  None 2, memory 1
#   disk-writer     3                1                 3         1.10        0.024 s                 1  context_switches 2, disk 1
#   memory-leak     3                3                 3         0.88        0.024 s                 3  memory 3
#   fork-storm      3                2                 3         0.95        0.037 s                 2  forks 2, memory 1
#   d-state         3                1                 3         0.96        0.022 s                 3  psi_io 2, blocked 1
#   cpu-quota       3                0                 0            -        0.025 s                 0  None 1, cache 1, memory 1
# At 05:32-05:54 UTC, after the ranking change (findings the named processes or cgroups
# account for first) and user time apart from nice time (commit 034defb), the machine
# saturated by the other helpers' nice-19 builds and, now and then, their live tests at
# nice 0 or -15 (rsar-cghog, rsar-writer, chromium), `KEEP=DIR bench/explain-faults.sh 10`:
#   scenario     runs top signal right top process right median share median explain first split right  first findings
#   cpu-hog        10                5                 5         0.97        0.037 s                 4  cpu_user 5, memory 3, cpu_nice 1, load 1
#   disk-writer    10                3                 9         0.88        0.031 s                 3  context_switches 6, disk 3, cache 1
#   memory-leak    10                4                 9         0.93        0.032 s                 4  memory 4, None 2, cache 2, cpu_nice 1, cpu_user 1
#   fork-storm     10                8                10         0.93        0.040 s                 8  forks 8, psi_cpu 1, None 1
#   d-state        10                9                10         0.96        0.029 s                 9  blocked 9, cpu_user 1
#   cpu-quota      10                8                 8         0.96        0.033 s                 7  cpu_user 8, cache 1, None 1
# The same 60 logs judged by the build before (--rescore DIR --rsar OLD): top signal right
# 5, 2, 4, 5, 1, 7; top process right 4, 9, 9, 10, 10, 3. What remains: the direct writer's
# context switches (half of them the idle tasks', which no process table lists) often
# stand further out than its bytes against a baseline with the builds' writeback bursts;
# a 10-s leak or busy loop stays within the variation the builds' memory and other tests'
# loops give a 10-s baseline.
# At 12:29-12:54 UTC on the quiet VM (load about 1, nothing else running), the same build
# as above (a776df7), `KEEP=DIR bench/explain-faults.sh 10`:
#   scenario     runs top signal right top process right median share median explain first split right  first findings
#   cpu-hog        10               10                10         1.00        0.009 s                10  cpu 9, cpu_user 1
#   disk-writer    10                9                10         1.00        0.007 s                 9  disk 9, context_switches 1
#   memory-leak    10               10                10         1.02        0.009 s                10  memory 10
#   fork-storm     10               10                10         0.94        0.018 s                10  forks 10
#   d-state        10               10                10         1.00        0.010 s                10  blocked 10
#   cpu-quota      10               10                10         0.96        0.009 s                10  cpu 9, cpu_user 1
# 59 of 60 first findings name the fault's signal (98 %), 60 of 60 first contributors are
# the culprit. The one miss: the direct writer's context switches (+30,136/s, half of them
# the writer's, half the idle tasks' no process table lists) ranked before its disk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cargo build --release --quiet --workspace --bins
args=(--runs "$runs" --show-text)
[ -n "${SCENARIOS:-}" ] && args+=(--scenarios "$SCENARIOS")
[ -n "${KEEP:-}" ] && args+=(--keep "$KEEP")
exec python3 bench/explain-faults.py "${args[@]}"
