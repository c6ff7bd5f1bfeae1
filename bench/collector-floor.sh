#!/usr/bin/env bash
# The collector against its floor: the marginal CPU time per sample of
#   floor  bench/floor.c: opens the files one rsadc sample reads once (the list comes from
#          `rsadc --list-sources`), then preads each of them every interval, parsing nothing
#          and writing nothing (and statvfs's each mount point -F looks at): the kernel's
#          cost of the counters, which no collector can go below; and every 60 samples,
#          as rsadc, it opens, reads and closes each interface's speed (and duplex, where
#          the speed is known) in /sys;
#   rsadc  the release build, its default groups, --no-processes (processes are measured
#          apart: bench/processes-vs-atop.sh), recording into a temporary directory; it
#          parses a file only when its text changed since the last sample;
#   reparse the same with --reparse: every file parsed at every sample, as on a machine
#          where every counter moves every second (on an idle one the network files and
#          the serial lines read the same from one second to the next);
#   sadc   sysstat's /usr/lib/sysstat/sadc -S DISK (Debian's sa1 default), for reference.
# Each runs for N1 and for N2 samples; the marginal cost is (cpu(N2) - cpu(N1)) / (N2 - N1),
# so start-up cancels out. CPU is user + system time from wait4(2) (bench/floor.c's `time`).
#
#   bench/collector-floor.sh            # vm, synth, then big
#   bench/collector-floor.sh vm         # this VM only: ROUNDS × (N1 + N2) s
#   bench/collector-floor.sh synth      # the 128-CPU / 96-disk / 400-interface tree only
#   bench/collector-floor.sh big        # this kernel with 400 interfaces and 96 more
#                                       # disks (root): ROUNDS × (N1 + N2) s
#
# The binaries are run once before the rounds, so that they start from the page cache.
# vm:    every program samples this machine's /proc once per INTERVAL (default 1 s; sadc
#        only takes whole seconds, so it always uses 1 s), the four programs
#        side by side, for N1 samples and then for N2.
# synth: examples/synth_host.rs writes one snapshot of the big host; floor and rsadc read
#        that tree (--proc-root/--sys-root) back to back: rsadc on its simulated clock
#        (--fake-clock: waits take no time), the floor with interval 0. The snapshot does
#        not change between samples, so the counters rsadc records do not either: its log
#        deltas are all zero, and rsadc parses again only the files it always parses
#        (stat, meminfo, vmstat, softnet_stat...); the reparse row is the cost of parsing
#        everything. sadc cannot read another
#        tree and is left out. The tree's files are regular files in the page cache: the
#        floor there is a memcpy of ~140 kB (about 10 us), not the kernel generating
#        the text of 128 CPUs, 288 block devices and 400 interfaces, so the ratio says
#        how fast rsadc parses and encodes 140 kB of text rather than how close it is
#        to what a real host of that size would cost the kernel.
# Each round prints every program's figures. The verdict comes from the median over the
# rounds of each program's CPU time for N1 and for N2 samples: a single round's ratio
# moves by ±0.2 on this VM, mostly with how long each process took to start.
# Env: ROUNDS (default 3), N1, N2 (default 10, 70), INTERVAL (vm, seconds, default 1),
# SYNTH_N1, SYNTH_N2 (default 100, 700), CPUS, DISKS, IFACES (default 128, 96, 400), SADC (default
# /usr/lib/sysstat/sadc; absent: skipped with a note). Needs cc.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
case $mode in vm | synth | big | all) ;; *)
  echo "usage: $0 [vm|synth|big|all]" >&2
  exit 1
  ;;
esac
N1=${N1:-10} N2=${N2:-70} INTERVAL=${INTERVAL:-1}
SYNTH_N1=${SYNTH_N1:-100} SYNTH_N2=${SYNTH_N2:-700} ROUNDS=${ROUNDS:-3}
pids=() ratios=() busy=()
# floor, rsadc and reparse on one CPU (the last), so that none runs on a CPU busier with
# interrupts or the hypervisor's neighbours than another's; sadc on the first, so that the
# one that wakes after it does not find its caches full of sadc's (PIN= runs all unpinned).
pin=${PIN-taskset -c $(($(nproc) - 1))}
pin_sadc=${PIN-taskset -c 0}
command -v taskset >/dev/null || pin= pin_sadc=
CPUS=${CPUS:-128} DISKS=${DISKS:-96} IFACES=${IFACES:-400}
SADC=${SADC:-/usr/lib/sysstat/sadc}
command -v cc >/dev/null || { echo "needs a C compiler (cc)" >&2; exit 1; }
cargo build --release --quiet -p rsadc --bin rsadc
case $mode in synth | all) cargo build --release --quiet --example synth_host ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C
rsadc=$PWD/target/release/rsadc floor=$tmp/floor
cc -O2 -Wall -o "$floor" bench/floor.c
"$rsadc" --version >/dev/null
[ ! -x "$SADC" ] || "$SADC" -V >/dev/null 2>&1 || true

# cpu N1 N2 NAME: the marginal µs per sample of NAME from $tmp/NAME.N1 and $tmp/NAME.N2.
marginal() {
  awk -v a="$(cat "$tmp/$3.$1")" -v b="$(cat "$tmp/$3.$2")" -v n1="$1" -v n2="$2" \
    'BEGIN { printf "%.1f", (b - a) / (n2 - n1) }'
}
row() { # name n1 n2 floor-us
  local us
  us=$(marginal "$2" "$3" "$1")
  awk -v name="$1" -v a="$(cat "$tmp/$1.$2")" -v b="$(cat "$tmp/$1.$3")" -v us="$us" -v f="$4" \
    'BEGIN { printf "  %-7s %10.1f ms %10.1f ms %10.1f us %8.2fx\n", name, a / 1000, b / 1000, us, (f > 0 ? us / f : 0) }'
}
sources() { # list: how many of its files exist (and statvfs lines), and the /sys refreshes
  local n=0 every=0 line
  while read -r line; do
    case $line in
    "statvfs "*) n=$((n + 1)) ;;
    "every "*) every=$((every + 1)) ;;
    *) [ -e "$line" ] && n=$((n + 1)) ;;
    esac
  done <"$1"
  echo "$n sources per sample and $every link files in /sys every 60"
}
header() { # n1 n2
  printf '  %-7s %13s %13s %13s %9s\n' program "cpu($1)" "cpu($2)" "per sample" "/ floor"
}

# run NAME N CMD...: CMD's CPU time in µs into $tmp/NAME.N, in the background.
run() {
  local name=$1 n=$2
  shift 2
  $in_ns $pin "$floor" time "$@" >"$tmp/$name.$n" 2>"$tmp/$name.$n.err" &
  pids+=($!)
}
# keep NAME N1 N2: add this round's CPU times of NAME to every round's.
keep() {
  cat "$tmp/$1.$2" >>"$tmp/$1.$2.rounds"
  cat "$tmp/$1.$3" >>"$tmp/$1.$3.rounds"
}
# pooled NAME N1 N2: the marginal µs per sample of NAME from the median over the rounds of
# its CPU time for N1 and for N2 samples (a start-up that took 3 ms more in one run moves
# one round's figure by 50 us, not the median's).
pooled() {
  awk -v a="$(median $(cat "$tmp/$1.$2.rounds"))" -v b="$(median $(cat "$tmp/$1.$3.rounds"))" \
    -v n1="$2" -v n2="$3" 'BEGIN { printf "%.1f", (b - a) / (n2 - n1) }'
}
wait_all() {
  local failed=0 p
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  pids=()
  if [ $failed = 1 ]; then
    cat "$tmp"/*.err >&2
    exit 1
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# round_rows ROUND N1 N2: this round's floor, rsadc and reparse rows; their ratios to the
# floor added to `ratios` and `busy`, their CPU times to every round's. Sets f and r.
round_rows() {
  echo "round $1:"
  header "$2" "$3"
  local b name
  f=$(marginal "$2" "$3" floor)
  r=$(marginal "$2" "$3" rsadc)
  b=$(marginal "$2" "$3" reparse)
  for name in floor rsadc reparse; do
    row "$name" "$2" "$3" "$f"
    keep "$name" "$2" "$3"
  done
  ratios+=("$(ratio "$r" "$f")")
  busy+=("$(ratio "$b" "$f")")
}
# verdict LABEL N1 N2 TARGET: the ratios from the median CPU times over the rounds. Sets
# f and r.
verdict() {
  local b
  f=$(pooled floor "$2" "$3")
  r=$(pooled rsadc "$2" "$3")
  b=$(pooled reparse "$2" "$3")
  echo "$1, from the median CPU times of the $ROUNDS rounds: floor $f us, rsadc $r us, reparse $b us per sample"
  echo "    rsadc/floor = $(ratio "$r" "$f")$4; rounds: ${ratios[*]}"
  echo "    parsing every file every sample (--reparse): $(ratio "$b" "$f"); rounds: ${busy[*]}"
}

# live LABEL: floor, rsadc, reparse and sadc sampling the running kernel side by side
# (inside $in_ns, when set), ROUNDS rounds.
live() {
  local label=$1 ms list=$tmp/vm.list round
  ms=$(awk -v i="$INTERVAL" 'BEGIN { printf "%d", i * 1000 }')
  $in_ns "$rsadc" --list-sources >"$list"
  local have_sadc=0
  [ -x "$SADC" ] && have_sadc=1
  echo "$label: $(nproc) CPUs, $(sources "$list"), interval $INTERVAL s (sadc 1 s), $N1 and $N2 samples side by side, $ROUNDS rounds"
  local vs_sadc=() f r s
  ratios=() busy=()
  for round in $(seq "$ROUNDS"); do
    local n
    for n in "$N1" "$N2"; do
      rm -rf "$tmp/log.$n" "$tmp/rlog.$n" "$tmp/sa.$n"
      mkdir -m 755 "$tmp/log.$n" "$tmp/rlog.$n"
      run floor "$n" "$floor" read "$ms" "$n" "$list"
      run rsadc "$n" "$rsadc" --no-processes "$INTERVAL" "$n" "$tmp/log.$n"
      run reparse "$n" "$rsadc" --no-processes --reparse "$INTERVAL" "$n" "$tmp/rlog.$n"
      [ $have_sadc = 0 ] || pin=$pin_sadc run sadc "$n" "$SADC" -S DISK 1 "$n" "$tmp/sa.$n"
      # The N1 runs first, then the N2 runs: four programs waking at once on this
      # 2-CPU machine rather than eight.
      wait_all
    done
    round_rows "$round" "$N1" "$N2"
    if [ $have_sadc = 1 ]; then
      row sadc "$N1" "$N2" "$f"
      s=$(marginal "$N1" "$N2" sadc)
      vs_sadc+=("$(ratio "$r" "$s")")
      keep sadc "$N1" "$N2"
    fi
  done
  verdict "$label" "$N1" "$N2" "${2-}"
  if [ $have_sadc = 1 ]; then
    s=$(pooled sadc "$N1" "$N2")
    echo "    sadc $s us: rsadc/sadc = $(ratio "$r" "$s"); rounds: ${vs_sadc[*]}"
  else
    echo "    sadc: skipped ($SADC absent: apt-get install sysstat)"
  fi
}

synth() {
  local tree=$tmp/synth list=$tmp/synth.list start=1763719200 round
  target/release/examples/synth_host --cpus "$CPUS" --disks "$DISKS" --ifaces "$IFACES" \
    --steps 1 "$tree" 2>/dev/null
  local roots=(--proc-root "$tree/t0/proc" --sys-root "$tree/t0/sys")
  [ -d "$tree/t0" ] || roots=(--proc-root "$tree/t0000/proc" --sys-root "$tree/t0000/sys")
  "$rsadc" "${roots[@]}" --list-sources >"$list"
  echo "synthetic host: $CPUS CPUs, $DISKS disks, $IFACES interfaces; $(sources "$list"), $(du -sb "${roots[1]}" | cut -f1) bytes of /proc; $SYNTH_N1 and $SYNTH_N2 samples back to back, $ROUNDS rounds"
  local f r
  ratios=() busy=()
  for round in $(seq "$ROUNDS"); do
    local n
    for n in "$SYNTH_N1" "$SYNTH_N2"; do
      rm -rf "$tmp/slog.$n" "$tmp/srlog.$n"
      mkdir -m 755 "$tmp/slog.$n" "$tmp/srlog.$n"
      run floor "$n" "$floor" read 0 "$n" "$list"
      wait_all
      run rsadc "$n" "$rsadc" "${roots[@]}" --fake-clock "$start" --no-processes 1 "$n" "$tmp/slog.$n"
      wait_all
      run reparse "$n" "$rsadc" "${roots[@]}" --fake-clock "$start" --no-processes --reparse 1 "$n" "$tmp/srlog.$n"
      wait_all
    done
    round_rows "$round" "$SYNTH_N1" "$SYNTH_N2"
  done
  verdict synth "$SYNTH_N1" "$SYNTH_N2" " (target <= 1.5)"
}

vm() { live "this VM" " (target <= 1.25)"; }

# big: this kernel with IFACES interfaces (veth pairs, up and idle, in a network namespace
# of their own, which every program runs in) and DISKS loop devices (on sparse files): the
# floor is the kernel writing the text of that many devices, not a copy of cached files.
# The CPUs stay this machine's. sadc reads every interface's speed and duplex in /sys at
# every sample; rsadc once a minute.
big() {
  if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v losetup >/dev/null; then
    echo "big: skipped (needs root, ip and losetup)"
    return
  fi
  local ns=rsadc-bench-$$ i loops=()
  cleanup_big() {
    ip netns del "$ns" 2>/dev/null || true
    local l
    for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
  }
  trap 'cleanup_big; rm -rf "$tmp"' EXIT
  ip netns add "$ns"
  for ((i = 0; i < IFACES / 2; i++)); do
    echo "link add a$i type veth peer name b$i"
    echo "link set a$i up"
    echo "link set b$i up"
  done | ip -n "$ns" -batch -
  for ((i = 0; i < DISKS; i++)); do
    truncate -s 1M "$tmp/disk$i"
    loops+=("$(losetup -f --show "$tmp/disk$i")")
  done
  in_ns="ip netns exec $ns" live "this kernel with $IFACES interfaces and $DISKS more disks"
  cleanup_big
  trap 'rm -rf "$tmp"' EXIT
  in_ns=
}

in_ns=
case $mode in
vm) vm ;;
synth) synth ;;
big) big ;;
all)
  vm
  synth
  big
  ;;
esac
