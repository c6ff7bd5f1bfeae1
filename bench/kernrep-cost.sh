#!/usr/bin/env bash
# What the kernel-side groups cost the collector per sample: CPU time and bytes in
# today's file, with every group, without each one, and without all four.
#
#   bench/kernrep-cost.sh            # 3000 samples per row (a few seconds each)
#   N=10000 bench/kernrep-cost.sh
#
# rsadc samples this machine's /proc on a simulated clock (no waiting), so CPU / N is the
# cost of one sample (probe + encode + write). Needs /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-3000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
rsadc=target/release/rsadc
start=1763683200 # 2025-11-21 00:00:00 UTC

row() { # name, skip list (every group is asked for with --with, then these skipped)
  local d="$work/$1"
  mkdir -m 755 "$d"
  local skip=(--with interrupts,cpufreq)
  [ -n "$2" ] && skip+=(--skip "$2")
  /usr/bin/time -f '%U %S' -o "$d.t" $rsadc --fake-clock $start "${skip[@]}" 1 "$N" "$d" 2>/dev/null
  local bytes
  bytes=$(stat -c %s "$d"/rsar*)
  awk -v n="$N" -v b="$bytes" -v name="$1" '{printf "%-34s %8.1f us/sample %8.1f B/sample\n", name, ($1+$2)*1e6/n, b/n}' "$d.t"
}

echo "$N samples per row, $(nproc) CPUs, $(wc -l </proc/interrupts) lines in /proc/interrupts"
row all-groups ""
row without-ktables ktables
row without-interrupts interrupts
row without-filesystems filesystems
row without-cpufreq cpufreq
row "rsadc's default (no -I, -m CPU)" interrupts,cpufreq
row without-all-four ktables,interrupts,filesystems,cpufreq
