#!/usr/bin/env bash
# Load benchmark of `edusearch serve` (issue 4).
#
# Generates a synthetic corpus (gen_corpus.py --docs 2000), indexes it with the release binary,
# serves it on 127.0.0.1 and drives it with wrk (32 connections) over a mixed list of search URLs
# with facets and filters. Reports requests/s, p50/p99 latency, errors, the server's peak RSS,
# and how long a fresh server process takes to open the existing index and answer a first query.
#
#   benches/load.sh                      # defaults below
#   DOCS=500 DURATION=10s benches/load.sh
#   SKIP_BUILD=1 BIN=/path/to/edusearch benches/load.sh   # a copy: the shared target dir's
#                                                       # release binary may be rebuilt meanwhile
#
# Needs: cargo, python3, curl, wrk (`apt-get install -y wrk`).
# Targets: >= 2000 requests/s, zero errors, peak RSS < 200 MB, first query < 1 s.
set -euo pipefail

DOCS=${DOCS:-2000}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18091}
CACHE_MB=${CACHE_MB:-16}   # the server's answer cache (whole answers)
MATCH_MB=${MATCH_MB:-32}   # the index's match cache (scored matches per text query)
                           # CACHE_MB=0 MATCH_MB=0 measures the engine without any cache
DIST=${DIST:-zipf}         # how requests pick URLs of the list: zipf | uniform
TAIL=${TAIL:-0}            # percent of requests with a never-repeated two-word query (cold: no
                           # cache can help), drawn from the corpus vocabulary
WORK=${WORK:-/tmp/edusearch-load}
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"

# Milliseconds since a `date +%s%N` timestamp.
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

for tool in python3 curl wrk; do
    command -v "$tool" >/dev/null || { echo "load.sh: needs $tool" >&2; exit 1; }
done

if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"

generate_corpus "$DOCS" "$WORK/corpus-$DOCS"
INDEX=$WORK/index-$DOCS
if [[ ! -d $INDEX || -n ${REINDEX:-} ]]; then
    echo "== indexing"
    start=$(date +%s%N)
    "$BIN" --index "$INDEX" index --rebuild "$WORK/corpus-$DOCS" >"$WORK/index.log" 2>&1 || [[ $? == 2 ]]
    echo "indexing took $(ms_since "$start") ms"
fi

SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

# Starts the server; sets FIRST to the milliseconds until its first search answers 200.
FIRST=
start_server() {
    local start
    start=$(date +%s%N)
    env ${SERVER_ENV:-} "$BIN" --index "$INDEX" --log warn serve --addr "127.0.0.1:$PORT" --cache-mb "$CACHE_MB" --match-cache-mb "$MATCH_MB" >/dev/null 2>"$WORK/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 2000); do
        if curl -fsS -o /dev/null "$BASE/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&year=2021" 2>/dev/null; then
            FIRST=$(ms_since "$start")
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; return 1; }
        sleep 0.005
    done
    echo "server did not answer" >&2
    return 1
}

echo "== first query of a fresh server on the existing index"
start_server
echo "open + first query: ${FIRST} ms"

echo "== building the URL list from the corpus facets"
curl -fsS "$BASE/api/facets" >"$WORK/facets.json"
python3 - "$WORK/facets.json" "$WORK/urls.txt" <<'EOF'
import json, random, sys, urllib.parse
facets = json.load(open(sys.argv[1]))
rnd = random.Random(7)
def values(name, n):
    return [f["value"] for f in facets.get(name, [])[:n]]
years = values("year", 12)
roles = sorted({v.split("/")[1] for v in values("addressee", 200) if v.count("/") >= 1 and v.split("/")[1]})
topics = values("topic", 30)
queries = ["обеспечить", "школа", "наставничество", "функциональной грамотности",
           "методическое сопровождение", "\"цифровой образовательной среды\"", "педагогов",
           "дополнительного образования", "ВСОКО", "обеспечить -школ", "профориентация",
           "родителей", "мониторинг качества", "до 2022 года", "рабочие программы воспитания"]
urls = []
for i in range(400):
    params = []
    kind = i % 8
    if kind != 7:
        params.append(("q", rnd.choice(queries)))
    if kind in (1, 4, 7) and years:
        params.append(("year", rnd.choice(years)))
    if kind in (2, 4, 7) and roles:
        params.append(("addressee", rnd.choice(roles)))
    if kind in (3, 5) and topics:
        params.append(("topic", rnd.choice(topics)))
    if kind == 5:
        params += [("level", "municipal"), ("sort", "date")]
    if kind == 6:
        params += [("year_from", "2018"), ("year_to", "2022"), ("type", "recommendation"),
                   ("offset", "20")]
    urls.append("/api/search?" + urllib.parse.urlencode(params))
open(sys.argv[2], "w").write("\n".join(urls) + "\n")
print(f"{len(urls)} URLs, e.g. {urls[4]}")
EOF

# Every URL of the list must answer 200 before it is used for load.
bad=0
while read -r url; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$url")
    [[ $code == 200 ]] || { echo "  $code $url" >&2; bad=$((bad + 1)); }
done <"$WORK/urls.txt"
[[ $bad == 0 ]] || { echo "load.sh: $bad URLs of the list fail" >&2; exit 1; }

# Vocabulary of the long tail: words of the corpus, percent-encoded for URLs.
python3 - "$WORK/corpus-$DOCS" "$WORK/vocab.txt" <<'EOF'
import os, random, re, sys, urllib.parse
root, out = sys.argv[1], sys.argv[2]
files = sorted(os.listdir(root))[:60]
words = set()
for name in files:
    with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
        words.update(w.lower() for w in re.findall(r"[А-Яа-яЁё]{6,}", f.read()))
words = sorted(words)
random.Random(11).shuffle(words)
open(out, "w").write("\n".join(urllib.parse.quote(w) for w in words[:3000]) + "\n")
EOF

cat >"$WORK/urls.lua" <<'EOF'
-- Requests pick URLs at random, either uniformly or Zipf-distributed (URL i with weight 1/i,
-- like real search logs, where a few queries and facet clicks recur and most are rare).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local urls = {}
local cum = {}
local vocab = {}
local tail = 0
function init(args)
  for line in io.lines(args[1]) do urls[#urls + 1] = line end
  tail = tonumber(args[3] or "0") / 100
  if tail > 0 then
    for line in io.lines(args[4]) do vocab[#vocab + 1] = line end
  end
  local total = 0
  for i = 1, #urls do
    total = total + ((args[2] == "uniform") and 1 or 1 / i)
    cum[i] = total
  end
  for i = 1, #urls do cum[i] = cum[i] / total end
  math.randomseed(os.time() * 1000 + (tid or 1))
end
function request()
  if tail > 0 and math.random() < tail then
    -- A query nobody asked before: two random words of the corpus.
    local q = vocab[math.random(#vocab)] .. "+" .. vocab[math.random(#vocab)]
    return wrk.format("GET", "/api/search?q=" .. q)
  end
  local r = math.random()
  local lo, hi = 1, #urls
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cum[mid] < r then lo = mid + 1 else hi = mid end
  end
  return wrk.format("GET", urls[lo])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f connect_err=%d read_err=%d write_err=%d timeout_err=%d status_err=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
EOF

echo "== warm-up 3 s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$WORK/urls.lua" "$BASE" -- "$WORK/urls.txt" "$DIST" "$TAIL" "$WORK/vocab.txt" >/dev/null
# CPU seconds (user + system) the server has used so far.
server_cpu() { awk '{printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$SERVER_PID/stat"; }
CPU0=$(server_cpu)
echo "== load: $CONNECTIONS connections, $THREADS wrk threads, $DURATION, $DIST choice of URLs, $TAIL% never-repeated queries"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/urls.lua" "$BASE" -- "$WORK/urls.txt" "$DIST" "$TAIL" "$WORK/vocab.txt" | tee "$WORK/wrk.txt"

CPU1=$(server_cpu)
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
# Resident now, split into heap (anonymous) and mapped index files (shared page cache).
RSS_SPLIT=$(awk '/RssAnon|RssFile/ {printf "%s %d MB; ", $1, $2 / 1024}' "/proc/$SERVER_PID/status")
REQS=$(sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p' "$WORK/wrk.txt")
echo "== summary"
grep '^RESULT' "$WORK/wrk.txt" | sed 's/^RESULT /load: /'
echo "server peak RSS (VmHWM): $((RSS_KB / 1024)) MB (at the end: $RSS_SPLIT)"
# Independent of what else runs on the machine: the server's own CPU time per answer.
python3 -c "import sys; c, r = float(sys.argv[1]) - float(sys.argv[2]), int(sys.argv[3]); print(f'server CPU per request: {1000 * c / max(r, 1):.3f} ms ({c:.1f} s for {r} requests)')" "$CPU1" "$CPU0" "$REQS"
echo "open existing index + first query: ${FIRST} ms"
echo "cores: $(nproc); load average: $(cut -d" " -f1-3 /proc/loadavg); corpus: $DOCS documents; index: $(du -sh "$INDEX" | cut -f1); answer cache: $CACHE_MB MB; match cache: $MATCH_MB MB; URL choice: $DIST; never-repeated queries: $TAIL%"
