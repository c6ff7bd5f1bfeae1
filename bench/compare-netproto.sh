#!/usr/bin/env bash
# rsar's network protocol reports beside Debian's sar, family by family, at the same moment
# on this machine (sar reads the real /proc only, so the two cannot share a fake tree).
#
#   bench/compare-netproto.sh          # COUNT=5 one-second intervals per family
#   COUNT=10 bench/compare-netproto.sh
#
# 1. Levels, machine idle: `sar -n SOCK,SOCK6 1 COUNT` and `rsar -n SOCK,SOCK6 1 COUNT`
#    started together; totsck and the rest should be equal row for row.
# 2. Rates, live, under loopback traffic (bench/netload.py: TCP and UDP over IPv4 and IPv6,
#    ICMP echo): for each family sar and rsar run together with the same flags, and their
#    `Average:` rows are printed one above the other; they agree within sampling noise.
# 3. From the logs: sadc -S SNMP,IPV6 and rsadc record the same COUNT seconds side by side
#    under traffic, then `sar -n ALL -f` and `rsar -n ALL -f` print their Averages.
# sar 12.6 (Debian 12) heads ETCP's third column retrans/s; rsar, as sar 12.7, retrseg/s.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
SADC=${SADC:-/usr/lib/sysstat/sadc}
command -v sar >/dev/null && [ -x "$SADC" ] || { echo "sysstat not found: apt-get install sysstat" >&2; exit 1; }
cargo build --release --quiet --workspace
work=$(mktemp -d)
load=
trap '[ -n "$load" ] && kill "$load" 2>/dev/null; rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC
rsar=target/release/rsar

together() { # flags...: sar and rsar started in the same instant
  sar "$@" >"$work/sar.out" 2>&1 &
  local a=$!
  "$rsar" "$@" >"$work/rsar.out" 2>&1 &
  wait "$a" "$!"
}

echo "== levels, idle: -n SOCK,SOCK6 1 $COUNT (every row)"
together -n SOCK,SOCK6 1 "$COUNT"
paste -d'\n' <(grep -E '^[0-9A]' "$work/sar.out" | sed 's/^/sar   /') \
             <(grep -E '^[0-9A]' "$work/rsar.out" | sed 's/^/rsar  /')

python3 bench/netload.py $((COUNT * 12 + 30)) 50 &
load=$!
sleep 1
for f in TCP,ETCP UDP IP,EIP ICMP,EICMP IP6,EIP6 ICMP6,EICMP6 UDP6 SOFT; do
  echo
  echo "== rates under loopback traffic, live: -n $f 1 $COUNT (Average: rows)"
  together -n "$f" 1 "$COUNT"
  for who in sar rsar; do
    awk -v w="$who" '/^Average:/ {printf "%-5s %s\n", w, $0}' "$work/$who.out"
  done
done

echo
echo "== from the logs: sadc -S SNMP,IPV6 and rsadc, $COUNT s side by side under traffic"
mkdir -m 755 "$work/rlog"
"$SADC" -S SNMP,IPV6 1 $((COUNT + 1)) "$work/sa" &
a=$!
target/release/rsadc 1 $((COUNT + 1)) "$work/rlog" 2>/dev/null &
wait "$a" "$!"
rfile=$(ls "$work"/rlog/rsar*)
for f in SOCK TCP ETCP UDP IP ICMP SOCK6 IP6 ICMP6 UDP6 SOFT; do
  sar -n "$f" -f "$work/sa" | awk '/^Average:/ {printf "sar  -f %s\n", $0}'
  "$rsar" -n "$f" -f "$rfile" | awk '/^Average:/ {printf "rsar -f %s\n", $0}'
done
