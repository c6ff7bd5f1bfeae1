#!/usr/bin/env bash
# rsar's cgroup reader against its floor: CPU time per sample at 1,000 and 5,000 cgroups.
#
#   floor  bench/cgroup-floor.c: opens once the files one sample of the reader reads (the
#          list comes from `cgroup_cost --list`), then preads each of them whole at every
#          pass, parsing nothing, walking nothing;
#   rsar   examples/cgroup_cost.rs (release): the reader as rsadc would run it, walking the
#          whole tree with getdents at each sample, then preading the files kept open and
#          parsing them; its skip rule leaves out memory.stat, memory.events, io.stat and
#          their v1 twins for a cgroup whose CPU usage and memory did not move (the bench's
#          cgroups are empty, hence idle) except every 10th sample;
#   full   the same with the skip rule off (every file at every sample, as the floor).
#
# The cgroups are made for the run (as root) under rsar-bench-PID-v2 in the v2 hierarchy
# and rsar-bench-PID-v1 in each v1 hierarchy of cpu, cpuacct, memory, blkio and pids (the
# reader merges a path's v1 hierarchies into one cgroup), and removed at the end, even on
# failure. Each row is the median of ROUNDS rounds, each round the three side by side, of
# SAMPLES samples back to back after one sample that opens everything.
#
#   sudo bench/cgroup-cost.sh            # SIZES="1000 5000", both versions
#   V1=0 bench/cgroup-cost.sh            # v2 only
#   bench/cgroup-cost.sh procs           # /proc/PID/cgroup vs cgroup.procs, per sample
#
# Env: SIZES (default "1000 5000"), SAMPLES (default 20), ROUNDS (default 5), V1 (default 1).
#
# "by name": the files beyond the open-files limit (less 256 descriptors left free), which
# the reader and the floor both open, read and close at every sample. On this VM root
# lacks CAP_SYS_RESOURCE and the hard limit is 20,000, so 5,000 v1 cgroups (50,000 files)
# are read mostly by name; under systemd (LimitNOFILE's hard limit 524,288) rsadc raises
# its soft limit and keeps them all open.
# Measured 2026-12-07 13:01 UTC on the quiet VM (load about 1), ROUNDS=3:
#   cgroups ver   files by name     floor us      rsar us      full us  rsar/fl  full/fl   rsar ms/1000
#   1000   v2     4001       0        11885        15026        13693     1.26     1.15           15.0
#   1000   v1    10001       0        26956        16527        33166     0.61     1.23           16.5
#   5000   v2    20001     257        58542        71500        72252     1.22     1.23           14.3
#   5000   v1    50001   30257       367634       223384       402331     0.61     1.09           44.7
# (Before the floor read the by-name files too, it read only the 19,733 kept open at 5,000
# v1 cgroups and stood at 54 ms: rsar looked 4.1x its floor.)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 5000"} SAMPLES=${SAMPLES:-20} ROUNDS=${ROUNDS:-5} V1=${V1:-1}
base=/sys/fs/cgroup
[ -d $base/unified ] && v2root=$base/unified || v2root=$base
v1roots=()
if [ "$V1" = 1 ]; then
  for c in cpuacct cpu memory blkio pids; do
    [ -d $base/$c ] && v1roots+=("$base/$c")
  done
fi
tag=rsar-bench-$$
tmp=$(mktemp -d)
cleanup() {
  for d in "$v2root/$tag-v2" "${v1roots[@]/%//$tag-v1}"; do
    [ -d "$d" ] || continue
    find "$d" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} +
    rmdir "$d"
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

cargo build --release --example cgroup_cost >&2
ex=target/release/examples/cgroup_cost
cc -O2 -o "$tmp/floor" bench/cgroup-floor.c

if [ "${1:-}" = procs ]; then
  "$ex" --procs --samples "$SAMPLES"
  exit
fi

# Grow the set of cgroups under DIR to N: DIR/cg1 … DIR/cgN.
grow() {
  local dir=$1 n=$2 i
  mkdir -p "$dir"
  i=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l)
  while [ "$i" -lt "$n" ]; do
    i=$((i + 1))
    mkdir "$dir/cg$i"
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-6s %-3s %7s %7s %12s %12s %12s %8s %8s %14s\n' cgroups ver files 'by name' 'floor us' 'rsar us' 'full us' rsar/fl full/fl 'rsar ms/1000'
for n in $SIZES; do
  for ver in v2 v1; do
    if [ $ver = v2 ]; then
      grow "$v2root/$tag-v2" "$n"
    else
      [ ${#v1roots[@]} -gt 0 ] || continue
      for r in "${v1roots[@]}"; do grow "$r/$tag-v1" "$n"; done
    fi
    include="^$tag-$ver/"
    "$ex" --include "$include" --list "$tmp/list"
    files=$(wc -l <"$tmp/list")
    : >"$tmp/f" && : >"$tmp/r" && : >"$tmp/full"
    for _ in $(seq "$ROUNDS"); do
      "$tmp/floor" "$tmp/list" "$SAMPLES" 2>"$tmp/ferr" >>"$tmp/f"
      "$ex" --include "$include" --samples "$SAMPLES" | cut -d' ' -f1 >>"$tmp/r"
      "$ex" --include "$include" --samples "$SAMPLES" --full | cut -d' ' -f1 >>"$tmp/full"
    done
    f=$(median <"$tmp/f") r=$(median <"$tmp/r") full=$(median <"$tmp/full")
    byname=$(sed -n 's/.*, \([0-9]*\) read by name/\1/p' "$tmp/ferr")
    awk -v n="$n" -v ver="$ver" -v files="$files" -v b="${byname:-0}" -v f="$f" -v r="$r" -v full="$full" 'BEGIN {
      printf "%-6d %-3s %7d %7d %12.0f %12.0f %12.0f %8.2f %8.2f %14.1f\n",
        n, ver, files, b, f, r, full, r / f, full / f, r / 1000 / (n / 1000) }'
  done
done
