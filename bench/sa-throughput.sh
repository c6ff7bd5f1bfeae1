#!/usr/bin/env bash
# Records per second of `rsar -A -f SAFILE` beside `sar -A -f SAFILE` on the same sysstat
# file: a day at 10 s (8640 records) of this machine's sadc, every activity (-S XALL).
# Needs sysstat (apt-get install sysstat).
#
#   bench/sa-throughput.sh              # 10 s of this machine's sadc, cycled to a day at 10 s
#   bench/sa-throughput.sh SA_FILE      # a sadc file of this machine to cycle instead
#   RUNS=5 bench/sa-throughput.sh
#
# The day is made by bench/tools/sa-synth.py (records cycled, 1 s apart), then re-timed
# 10 s apart (uptime and wall time). The values repeat, so the numbers printed are not
# meaningful; the work per record is that of a real day. Times are CPU time (user +
# system) of each report to /dev/null, the median of RUNS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
DAY=${DAY:-8640}
STEP=${STEP:-10}
RUNS=${RUNS:-3}
SADC=${SADC:-/usr/lib/sysstat/sadc}
SYNTH=${SYNTH:-bench/tools/sa-synth.py}
command -v sar >/dev/null && [ -x "$SADC" ] || { echo "sysstat not found: apt-get install sysstat" >&2; exit 1; }
cargo build --release --quiet --bin rsar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
  cp "$1" "$work/sa"
else
  echo "== 10 s of this machine's activity: $SADC -S XALL 1 10"
  "$SADC" -S XALL 1 10 "$work/sa"
fi
python3 "$SYNTH" "$work/sa" "$work/sa_1s" "$DAY" >/dev/null
# Re-time the records STEP seconds apart (a little-endian 64-bit sadc file, as sa-synth's).
python3 - "$work/sa_1s" "$work/sa_day" "$STEP" <<'PY'
import struct, sys
src, dst, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = bytearray(open(src, 'rb').read())
hsize = struct.unpack_from('<I', d, 8)[0]; off = 76
act_nr = struct.unpack_from('<I', d, off + 20)[0]
act_size, rec_size = struct.unpack_from('<II', d, off + 52)
ust0 = struct.unpack_from('<Q', d, off)[0]
off += hsize; acts = []
for i in range(act_nr):
    _, _, nr, nr2, has_nr, size = struct.unpack_from('<IIiiii', d, off); acts.append((nr, nr2, has_nr, size)); off += act_size
i = 0; up0 = None
while off + rec_size <= len(d):
    start = off; off += rec_size
    if up0 is None: up0 = struct.unpack_from('<Q', d, start)[0]
    t = ust0 + step * i
    struct.pack_into('<QQ', d, start, up0 + 100 * step * i, t)
    d[start + 21], d[start + 22], d[start + 23] = (t // 3600) % 24, (t // 60) % 60, t % 60
    for (nr, nr2, has_nr, size) in acts:
        k = nr
        if has_nr: k = struct.unpack_from('<i', d, off)[0]; off += 4
        off += k * nr2 * size
    i += 1
open(dst, 'wb').write(d)
print(i, "records")
PY

cpu_ms() {
  /usr/bin/time -f '%U %S %M' -o "$work/t" "$@" >/dev/null 2>/dev/null || true
  awk '{print ($1+$2)*1000}' "$work/t"; awk '{print $3}' "$work/t" > "$work/rss"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: > "$work/sar"; : > "$work/rsar"; : > "$work/rss_all"
for i in $(seq "$RUNS"); do
  LC_ALL=C cpu_ms sar -A -f "$work/sa_day" >> "$work/sar"
  LC_ALL=C cpu_ms target/release/rsar -A -f "$work/sa_day" >> "$work/rsar"; cat "$work/rss" >> "$work/rss_all"
done
sar_ms=$(median < "$work/sar"); rsar_ms=$(median < "$work/rsar")
rss=$(sort -n "$work/rss_all" | tail -1)
python3 - "$DAY" "$STEP" "$sar_ms" "$rsar_ms" "$rss" "$(stat -c %s "$work/sa_day")" <<'PY'
import sys
n, step = int(sys.argv[1]), int(sys.argv[2])
sar, rsar = float(sys.argv[3]), float(sys.argv[4]); rss = int(sys.argv[5]); size = int(sys.argv[6])
print(f"== one sa file, {n} records {step} s apart ({size / 1e6:.1f} MB); CPU time, medians")
print(f"{'':14}{'records/s':>10}{'CPU':>9}{'vs sar':>9}")
print(f"{'sar -A -f':14}{n / (sar / 1000):10.0f}{sar / 1000:8.2f}s")
print(f"{'rsar -A -f':14}{n / (rsar / 1000):10.0f}{rsar / 1000:8.2f}s{sar / rsar:8.1f}x")
print(f"rsar peak RSS {rss / 1024:.1f} MB")
PY
