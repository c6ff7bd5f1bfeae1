#!/usr/bin/env bash
# The collector against its floor (issue 16): the marginal CPU time per sample of
#   floor  bench/floor.c: opens the files one rsadc sample reads once (the list comes from
#          `rsadc --list-sources`), then preads each of them every interval, parsing nothing
#          and writing nothing (and statvfs's each mount point -F looks at): the kernel's
#          cost of the counters, which no collector can go below;
#   rsadc  the release build, its default groups, --no-processes (processes are measured
#          apart: bench/processes-vs-atop.sh), recording into a temporary directory;
#   sadc   sysstat's /usr/lib/sysstat/sadc -S DISK (Debian's sa1 default), for reference.
# Each runs for N1 and for N2 samples; the marginal cost is (cpu(N2) - cpu(N1)) / (N2 - N1),
# so start-up cancels out. CPU is user + system time from wait4(2) (bench/floor.c's `time`).
#
#   bench/collector-floor.sh            # this VM, then the synthetic host
#   bench/collector-floor.sh vm         # this VM only: 6 processes side by side, ~N2 s
#   bench/collector-floor.sh synth      # the 128-CPU / 96-disk / 400-interface host only
#
# vm:    every program samples this machine's /proc once per INTERVAL (default 1 s; sadc
#        only takes whole seconds, so it always uses 1 s), all six runs at once.
# synth: examples/synth_host.rs writes one snapshot of the big host; floor and rsadc read
#        that tree (--proc-root/--sys-root) back to back: rsadc on its simulated clock
#        (--fake-clock: waits take no time), the floor with interval 0. The snapshot does
#        not change between samples, so the counters rsadc records do not either (its
#        parsing is the same work; its log deltas are all zero). sadc cannot read another
#        tree and is left out. The tree's files are regular files in the page cache: the
#        floor there is a memcpy of ~140 kB (about 10 us), not the kernel generating
#        the text of 128 CPUs, 288 block devices and 400 interfaces, so the ratio says
#        how fast rsadc parses and encodes 140 kB of text rather than how close it is
#        to what a real host of that size would cost the kernel.
# Env: N1, N2 (default 10, 70), INTERVAL (vm, seconds, default 1), SYNTH_N1, SYNTH_N2
# (default 100, 700), CPUS, DISKS, IFACES (default 128, 96, 400), SADC (default
# /usr/lib/sysstat/sadc; absent: skipped with a note). Needs cc.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case $mode in vm | synth | all) ;; *)
  echo "usage: $0 [vm|synth|all]" >&2
  exit 1
  ;;
esac
N1=${N1:-10} N2=${N2:-70} INTERVAL=${INTERVAL:-1}
SYNTH_N1=${SYNTH_N1:-100} SYNTH_N2=${SYNTH_N2:-700}
CPUS=${CPUS:-128} DISKS=${DISKS:-96} IFACES=${IFACES:-400}
SADC=${SADC:-/usr/lib/sysstat/sadc}
command -v cc >/dev/null || { echo "needs a C compiler (cc)" >&2; exit 1; }
cargo build --release --quiet -p rsadc --bin rsadc
[ "$mode" = vm ] || cargo build --release --quiet --example synth_host
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
rsadc=$PWD/target/release/rsadc floor=$tmp/floor
cc -O2 -Wall -o "$floor" bench/floor.c

# cpu N1 N2 NAME: the marginal µs per sample of NAME from $tmp/NAME.N1 and $tmp/NAME.N2.
marginal() {
  awk -v a="$(cat "$tmp/$3.$1")" -v b="$(cat "$tmp/$3.$2")" -v n1="$1" -v n2="$2" \
    'BEGIN { printf "%.1f", (b - a) / (n2 - n1) }'
}
row() { # name n1 n2 floor-us
  local us
  us=$(marginal "$2" "$3" "$1")
  awk -v name="$1" -v a="$(cat "$tmp/$1.$2")" -v b="$(cat "$tmp/$1.$3")" -v us="$us" -v f="$4" \
    'BEGIN { printf "  %-6s %10.1f ms %10.1f ms %10.1f us %8.2fx\n", name, a / 1000, b / 1000, us, (f > 0 ? us / f : 0) }'
}
sources() { # list: how many of its files exist (and statvfs lines)
  local n=0 line
  while read -r line; do
    case $line in "statvfs "*) n=$((n + 1)) ;; *) [ -e "$line" ] && n=$((n + 1)) ;; esac
  done <"$1"
  echo "$n"
}
header() { # n1 n2
  printf '  %-6s %13s %13s %13s %9s\n' program "cpu($1)" "cpu($2)" "per sample" "/ floor"
}

vm() {
  local ms list=$tmp/vm.list
  ms=$(awk -v i="$INTERVAL" 'BEGIN { printf "%d", i * 1000 }')
  "$rsadc" --list-sources >"$list"
  local have_sadc=0 pids=()
  [ -x "$SADC" ] && have_sadc=1
  for n in "$N1" "$N2"; do
    mkdir -m 755 "$tmp/log.$n"
    "$floor" time "$floor" read "$ms" "$n" "$list" >"$tmp/floor.$n" 2>"$tmp/floor.$n.err" &
    pids+=($!)
    "$floor" time "$rsadc" --no-processes "$INTERVAL" "$n" "$tmp/log.$n" \
      >"$tmp/rsadc.$n" 2>"$tmp/rsadc.$n.err" &
    pids+=($!)
    if [ $have_sadc = 1 ]; then
      "$floor" time "$SADC" -S DISK 1 "$n" "$tmp/sa.$n" >"$tmp/sadc.$n" 2>"$tmp/sadc.$n.err" &
      pids+=($!)
    fi
  done
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  if [ $failed = 1 ]; then
    cat "$tmp"/*.err >&2
    exit 1
  fi
  echo "this VM: $(nproc) CPUs, $(sources "$list") sources per sample, interval $INTERVAL s (sadc 1 s), $N1 and $N2 samples side by side"
  header "$N1" "$N2"
  local f r s
  f=$(marginal "$N1" "$N2" floor)
  r=$(marginal "$N1" "$N2" rsadc)
  row floor "$N1" "$N2" "$f"
  row rsadc "$N1" "$N2" "$f"
  if [ $have_sadc = 1 ]; then
    row sadc "$N1" "$N2" "$f"
    s=$(marginal "$N1" "$N2" sadc)
    awk -v r="$r" -v f="$f" -v s="$s" 'BEGIN { printf "  vm: rsadc/floor = %.2f (target <= 1.25)   rsadc/sadc = %.2f\n", r / f, r / s }'
  else
    echo "  sadc: skipped ($SADC absent: apt-get install sysstat)"
    awk -v r="$r" -v f="$f" 'BEGIN { printf "  vm: rsadc/floor = %.2f (target <= 1.25)\n", r / f }'
  fi
}

synth() {
  local tree=$tmp/synth list=$tmp/synth.list start=1763719200
  target/release/examples/synth_host --cpus "$CPUS" --disks "$DISKS" --ifaces "$IFACES" \
    --steps 1 "$tree" 2>/dev/null
  local roots=(--proc-root "$tree/t0/proc" --sys-root "$tree/t0/sys")
  [ -d "$tree/t0" ] || roots=(--proc-root "$tree/t0000/proc" --sys-root "$tree/t0000/sys")
  "$rsadc" "${roots[@]}" --list-sources >"$list"
  for n in "$SYNTH_N1" "$SYNTH_N2"; do
    "$floor" time "$floor" read 0 "$n" "$list" >"$tmp/floor.$n" 2>"$tmp/floor.$n.err"
    mkdir -m 755 "$tmp/slog.$n"
    "$floor" time "$rsadc" "${roots[@]}" --fake-clock "$start" --no-processes 1 "$n" \
      "$tmp/slog.$n" >"$tmp/rsadc.$n" 2>"$tmp/rsadc.$n.err" || {
      cat "$tmp/rsadc.$n.err" >&2
      exit 1
    }
  done
  echo "synthetic host: $CPUS CPUs, $DISKS disks, $IFACES interfaces; $(sources "$list") sources per sample, $(du -sb "${roots[1]}" | cut -f1) bytes of /proc; $SYNTH_N1 and $SYNTH_N2 samples back to back"
  header "$SYNTH_N1" "$SYNTH_N2"
  local f r
  f=$(marginal "$SYNTH_N1" "$SYNTH_N2" floor)
  r=$(marginal "$SYNTH_N1" "$SYNTH_N2" rsadc)
  row floor "$SYNTH_N1" "$SYNTH_N2" "$f"
  row rsadc "$SYNTH_N1" "$SYNTH_N2" "$f"
  awk -v r="$r" -v f="$f" 'BEGIN { printf "  synth: rsadc/floor = %.2f (target <= 1.5)\n", r / f }'
}

[ "$mode" = synth ] || vm
[ "$mode" = vm ] || synth
