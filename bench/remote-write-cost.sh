#!/usr/bin/env bash
# rsadc --remote-write's cost, in one run:
#  1. CPU per sample with remote write on and off, four collectors side by side at the same
#     interval (utime+stime from /proc/PID/stat over the run, divided by samples written):
#     off and on with the cgroups recorded and pushed (the default), and off and on with
#     --no-cgroups;
#  2. resending an outage: a backlog of BACKLOG 1-s samples recorded first (--fake-clock),
#     a cursor planted before it, then the sender started: time to catch up, its rate, and
#     the collector's peak RSS (VmHWM) against the one without remote write;
#  3. bytes on the wire per value and per sample, snappy-compressed, counted by the sink.
# The receiver is a sink in Python that counts request bytes and answers 204, so that
# what is measured is rsadc's side only.
#
#   bench/remote-write-cost.sh               # INTERVAL=0.5 for SECS=60, BACKLOG=3600
#   SECS=120 BACKLOG=7200 bench/remote-write-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
INTERVAL=${INTERVAL:-0.5}
SECS=${SECS:-60}
BACKLOG=${BACKLOG:-3600}
cargo build --release --quiet -p rsadc
rsadc=$PWD/target/release/rsadc
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# The sink: counts bytes and requests in $work/sink.
python3 - "$work/sink" >/dev/null 2>&1 <<'EOF' &
import http.server, sys
out = sys.argv[1]
total = [0, 0]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        total[0] += n; total[1] += 1
        open(out, "w").write(f"{total[0]} {total[1]}\n")
        self.send_response(204); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(out + ".port", "w").write(str(s.server_address[1]))
s.serve_forever()
EOF
while [ ! -s "$work/sink.port" ]; do sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/sink.port")/api/v1/write"

echo "== 1. CPU per sample, side by side, every ${INTERVAL} s for ${SECS} s"
declare -A pid
for cg in cgroups no-cgroups; do
  opt=()
  [ "$cg" = no-cgroups ] && opt=(--no-cgroups)
  "$rsadc" --no-processes "${opt[@]}" --interval "$INTERVAL" "$work/off-$cg" 2>/dev/null &
  pid[off-$cg]=$!
  "$rsadc" --no-processes "${opt[@]}" --interval "$INTERVAL" --listen 127.0.0.1:0 \
    --remote-write "$url" "$work/on-$cg" 2>"$work/on-$cg.err" &
  pid[on-$cg]=$!
done
sleep "$SECS"
declare -A ms hwm
for k in "${!pid[@]}"; do ms[$k]=$(cpu_ms "${pid[$k]}"); hwm[$k]=$(hwm_kb "${pid[$k]}"); done
declare -A sent
for cg in cgroups no-cgroups; do
  metrics=$(grep -o 'http://[^ ]*/metrics' "$work/on-$cg.err" | head -1)
  sent[$cg]=$(curl -s "$metrics" | awk '/^rsar_remote_write_samples_total / {print $2}')
done
read -r bytes requests < "$work/sink"
for k in "${!pid[@]}"; do kill "${pid[$k]}"; done
wait "${pid[@]}" 2>/dev/null || true
# All sampled on the same ticks for the same time: the same number of samples.
n=$(awk -v s="$SECS" -v i="$INTERVAL" 'BEGIN {print int(s / i)}')
for cg in cgroups no-cgroups; do
  off=${ms[off-$cg]}; on=${ms[on-$cg]}
  echo "$cg: off $off ms CPU over ~$n samples (peak RSS ${hwm[off-$cg]} kB); on $on ms (peak RSS ${hwm[on-$cg]} kB), ${sent[$cg]} values acknowledged"
  awk -v a="$off" -v b="$on" -v n="$n" -v cg="$cg" 'BEGIN {
    printf "%s per sample: off %.3f ms, on %.3f ms: %.2fx\n", cg, a/n, b/n, b/a }'
done
awk -v by="$bytes" -v v="$((${sent[cgroups]%.*} + ${sent[no-cgroups]%.*}))" -v r="$requests" 'BEGIN {
  printf "wire (both senders): %d bytes in %d requests for %d values acknowledged: %.2f B/value\n", by, r, v, by/v }'

echo "== 2. resending a ${BACKLOG}-sample outage (1-s samples)"
start=$(( $(date +%s) - BACKLOG - 60 ))
"$rsadc" --fake-clock "$start" --no-processes 1 "$BACKLOG" "$work/backlog" 2>/dev/null
printf 'rsadc-remote-write-cursor 1\ntime_ns %s\nfile -\noffset 0\nurl %s\n' \
  "$(( (start - 1) * 1000000000 ))" "$url" > "$work/backlog/rsadc.remote-write"
last=$(( (start + BACKLOG - 1) * 1000000000 ))
before=$(cut -d' ' -f1 "$work/sink")
t0=$(date +%s.%N)
"$rsadc" --no-processes 1 --remote-write "$url" "$work/backlog" 2>/dev/null &
pid=$!
until [ "$(awk '/^time_ns/ {print $2}' "$work/backlog/rsadc.remote-write")" -ge "$last" ]; do
  sleep 0.1
done
t1=$(date +%s.%N)
hwm=$(hwm_kb $pid); cpu=$(cpu_ms $pid)
kill $pid; wait $pid 2>/dev/null || true
after=$(cut -d' ' -f1 "$work/sink")
awk -v t0="$t0" -v t1="$t1" -v n="$BACKLOG" -v h="$hwm" -v c="$cpu" -v b=$((after - before)) 'BEGIN {
  printf "caught up %d samples in %.1f s (%.0f samples/s), %.0f ms CPU, peak RSS %d kB, %.1f MB sent (%.0f B/sample)\n",
    n, t1 - t0, n / (t1 - t0), c, h, b / 1e6, b / n }'
