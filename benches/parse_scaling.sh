#!/usr/bin/env bash
# Parse time of one-line inputs of growing size: every stage must be linear, so each 4x larger
# input may take about 4x as long. Fails when a step takes more than MAX_RATIO (default 6) times
# the previous one (a quadratic stage gives 16x).
#
#   benches/parse_scaling.sh                # 10, 40 and 160 MB
#   SIZES_MB="5 20" benches/parse_scaling.sh
#
# The input is a bundled seed with its line breaks replaced by spaces, repeated: one paragraph
# of the whole size (the worst case for anything that looks back along a paragraph).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES_MB=${SIZES_MB:-"10 40 160"}
MAX_RATIO=${MAX_RATIO:-6}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --quiet
bin="$target/release/edusearch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/make_input.py" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
# A resolution with numbered recommendations, addressees and deadlines: all stages have work.
text = open("seeds/001_cea0fd4304aef64b.txt", encoding="utf-8").read().replace("\n", " ")
data = (text + " ") * (mb * 1_000_000 // len(text.encode()) + 1)
data = data.encode()[: mb * 1_000_000].decode("utf-8", "ignore")
open(path, "w", encoding="utf-8").write(data)
PY

cat >"$work/report.py" <<'PY'
import sys
wall, user, system, rss_kb, prev, max_ratio, mb = sys.argv[1:]
# CPU time (user + system): less disturbed than wall time by other work on the machine.
secs = float(user) + float(system)
out = f"{int(mb):4d} MB one line: {secs:7.2f} s CPU ({float(wall):.2f} s wall), peak RSS {int(rss_kb) / 1024:6.0f} MB"
bad = 0
if prev:
    ratio = secs / float(prev)
    out += f", {ratio:.2f}x the time of the previous size"
    if ratio > float(max_ratio):
        out += "  <-- super-linear"
        bad = 1
print(secs, bad, out)
PY

prev=""
status=0
for mb in $SIZES_MB; do
  input="$work/one_line_${mb}mb.txt"
  python3 "$work/make_input.py" "$input" "$mb"
  EDUSEARCH_LOG=error /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" parse --json --max-file-mb $((mb + 1)) "$input" >/dev/null
  read -r secs bad text < <(python3 "$work/report.py" $(tail -n 1 "$work/time") "$prev" "$MAX_RATIO" "$mb")
  echo "$text"
  if [ "$bad" = 1 ]; then status=1; fi
  prev=$secs
  rm -f "$input"
done
exit $status
