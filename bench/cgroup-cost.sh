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

printf '%-6s %-3s %7s %12s %12s %12s %8s %8s %14s\n' cgroups ver files 'floor us' 'rsar us' 'full us' rsar/fl full/fl 'rsar ms/1000'
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
      "$tmp/floor" "$tmp/list" "$SAMPLES" 2>/dev/null >>"$tmp/f"
      "$ex" --include "$include" --samples "$SAMPLES" | cut -d' ' -f1 >>"$tmp/r"
      "$ex" --include "$include" --samples "$SAMPLES" --full | cut -d' ' -f1 >>"$tmp/full"
    done
    f=$(median <"$tmp/f") r=$(median <"$tmp/r") full=$(median <"$tmp/full")
    awk -v n="$n" -v ver="$ver" -v files="$files" -v f="$f" -v r="$r" -v full="$full" 'BEGIN {
      printf "%-6d %-3s %7d %12.0f %12.0f %12.0f %8.2f %8.2f %14.1f\n",
        n, ver, files, f, r, full, r / f, full / f, r / 1000 / (n / 1000) }'
  done
done
