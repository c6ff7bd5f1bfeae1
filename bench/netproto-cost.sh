#!/usr/bin/env bash
# What recording the network protocol groups (/proc/net/snmp, snmp6, sockstat, sockstat6,
# softnet_stat: -n TCP ETCP UDP IP EIP ICMP EICMP SOCK SOFT and the IPv6 twins) costs the
# collector per sample, on this machine: the same rsadc binary over two views of the live
# /proc — symbolic links to every file rsadc reads, with and without those five — so the
# difference is exactly the new groups (reading, parsing, encoding, writing). A third run
# records the full view with --no-snmp (sockstat, sockstat6 and softnet_stat only).
#
#   bench/netproto-cost.sh            # N=20000 samples each way, then REAL=60 s at 1 s (~3 min)
#   N=5000 ROUNDS=5 REAL=0 bench/netproto-cost.sh   # REAL=0: no real-time part
#
# rsadc runs with a simulated clock, so it samples back to back without waiting; CPU time
# (user + system, from GNU time) and file size are divided by N. Each way runs ROUNDS times
# (alternating) and the median is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
ROUNDS=${ROUNDS:-3}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rsadc=target/release/rsadc

view() { # dir, with-net-protocols (0|1)
  local d=$1
  mkdir -p "$d/proc/net" "$d/proc/pressure" "$d/proc/sys/kernel/random"
  for f in stat uptime loadavg meminfo vmstat diskstats net/dev pressure/cpu pressure/io \
           pressure/memory sys/kernel/hostname sys/kernel/ostype sys/kernel/osrelease \
           sys/kernel/random/boot_id; do
    [ -e "/proc/$f" ] && ln -s "/proc/$f" "$d/proc/$f"
  done
  if [ "$2" = 1 ]; then
    for f in snmp snmp6 sockstat sockstat6 softnet_stat; do
      [ -e "/proc/net/$f" ] && ln -s "/proc/net/$f" "$d/proc/net/$f"
    done
  fi
}
view "$work/without" 0
view "$work/with" 1

run() { # way, round
  local out="$work/log-$1-$2" view=$1 flags=()
  [ "$1" = no-snmp ] && view=with flags=(--no-snmp)
  mkdir -m 755 "$out"
  /usr/bin/time -f '%U %S %M' -o "$work/t-$1-$2" \
    "$rsadc" "${flags[@]}" --fake-clock 1763683200 --proc-root "$work/$view/proc" --sys-root /sys 1 "$N" "$out" 2>/dev/null
  awk -v n="$N" '{printf "%.1f %d\n", ($1+$2)*1e6/n, $3}' "$work/t-$1-$2" >"$work/m-$1-$2"
  echo "$(stat -c %s "$out"/rsar*)" >"$work/b-$1-$2"
  rm -rf "$out"
}
for r in $(seq 1 "$ROUNDS"); do run without "$r"; run with "$r"; run no-snmp "$r"; done

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for w in without with no-snmp; do
  us=$(cat "$work"/m-$w-* | awk '{print $1}' | median)
  rss=$(cat "$work"/m-$w-* | awk '{print $2}' | median)
  bytes=$(cat "$work"/b-$w-* | median)
  printf '%-8s %8.1f us CPU/sample  %7.1f B/sample  peak RSS %5.1f MB   (median of %d runs of %d samples)\n' \
    "$w" "$us" "$(awk -v b="$bytes" -v n="$N" 'BEGIN{print b/n}')" "$(awk -v k="$rss" 'BEGIN{print k/1024}')" "$ROUNDS" "$N"
  eval "${w//-/_}_us=$us ${w//-/_}_b=$bytes"
done
cost() { # label, us, bytes
  awk -v l="$1" -v a="$without_us" -v b="$2" -v x="$without_b" -v y="$3" -v n="$N" 'BEGIN {
    printf "%-32s +%.1f us CPU per sample (%+.0f %%), +%.1f B per sample (%+.0f %%)\n",
      l, b-a, (a>0?100*(b-a)/a:0), (y-x)/n, (x>0?100*(y-x)/x:0) }'
}
cost "all five network groups:" "$with_us" "$with_b"
cost "with --no-snmp:" "$no_snmp_us" "$no_snmp_b"

# Bytes at a real 1-s interval (counters that move cost more than back-to-back samples):
# the three ways and, when sysstat is here, sadc with and without -S SNMP,IPV6, all at the
# same time for REAL seconds, with bench/netload.py making loopback traffic meanwhile
# (LOAD=0: on a quiet machine).
REAL=${REAL:-60}
SADC=${SADC:-/usr/lib/sysstat/sadc}
if [ "$REAL" -gt 0 ]; then
  echo "recording $REAL real 1-s samples each way, side by side$([ "${LOAD:-1}" = 1 ] && echo ", under loopback traffic") ..." >&2
  [ "${LOAD:-1}" = 1 ] && python3 bench/netload.py "$REAL" 20 &
  for w in without with no-snmp; do
    view=$w flags=()
    [ "$w" = no-snmp ] && view=with flags=(--no-snmp)
    mkdir -m 755 "$work/real-$w"
    "$rsadc" "${flags[@]}" --proc-root "$work/$view/proc" 1 "$REAL" "$work/real-$w" 2>/dev/null &
  done
  if [ -x "$SADC" ]; then
    "$SADC" -S DISK 1 "$REAL" "$work/sa-default" &
    "$SADC" -S DISK,SNMP,IPV6 1 "$REAL" "$work/sa-snmp" &
  fi
  wait
  for w in without with no-snmp; do
    printf 'rsadc %-8s %7.1f B/sample at 1 s\n' "$w" "$(awk -v b="$(stat -c %s "$work"/real-$w/rsar*)" -v n="$REAL" 'BEGIN{print b/n}')"
  done
  if [ -x "$SADC" ]; then
    printf 'sadc -S DISK            %7.1f B/sample at 1 s\n' "$(awk -v b="$(stat -c %s "$work/sa-default")" -v n="$REAL" 'BEGIN{print b/n}')"
    printf 'sadc -S DISK,SNMP,IPV6  %7.1f B/sample at 1 s\n' "$(awk -v b="$(stat -c %s "$work/sa-snmp")" -v n="$REAL" 'BEGIN{print b/n}')"
  fi
fi
