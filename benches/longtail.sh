#!/usr/bin/env bash
# Long-tail load benchmark (issue 15): a public site where every query is new.
#
# Serves the index of a generated corpus (default 2000 documents, under $WORK, indexed if
# missing) with both caches off (`--cache-mb 0 --match-cache-mb 0`), makes $COUNT distinct search
# paths from the corpus's own words (benches/longtail_paths.py: one to three words, a third with
# a filter, every facet counted) and drives the server with the `longtail` bench client
# (benches/longtail.rs: std threads, keep-alive, no path sent twice) at each concurrency of
# $CONCURRENCY for $SECS seconds. Prints requests/s, p50/p99, errors and the server's CPU time
# per request for each concurrency.
#
# With BIN_B, a second binary serves the same index on PORT+1 and both servers are driven at the
# same time, by two clients sending the same paths (lines tagged A: BIN, B: BIN_B): on a machine
# whose speed drifts, only runs at the same time compare two binaries (run it twice, swapping
# them, and compare the CPU time per request).
#
#   benches/longtail.sh
#   SKIP_BUILD=1 BIN=/path/to/edusearch CLIENT=/path/to/longtail-bin benches/longtail.sh
#   SERVE_ARGS="--rerank 100" benches/longtail.sh      # more options of `serve`
#   BIN_B=/tmp/edusearch-old CONCURRENCY=2 SECS=8 benches/longtail.sh
#
# Needs: cargo, python3, curl. Target (2 cores, caches off): >= 2000 requests/s.
set -euo pipefail

DOCS=${DOCS:-2000}
PORT=${PORT:-18094}
SECS=${SECS:-5}
COUNT=${COUNT:-60000}
CONCURRENCY=${CONCURRENCY:-2 4 8}
WORK=${WORK:-/tmp/edusearch-scale}
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"

if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$ROOT" && cargo build --release --quiet --bin edusearch --bench longtail)
fi
if [[ -z ${CLIENT:-} ]]; then
    CLIENT=$(ls -t "$TARGET"/release/deps/longtail-* | grep -v '\.d$' | head -1)
fi
mkdir -p "$WORK"
corpus=$WORK/corpus-$DOCS
index=$WORK/index-$DOCS
generate_corpus "$DOCS" "$corpus"
if [[ ! -d $index ]]; then
    "$BIN" --index "$index" --log warn index --rebuild "$corpus" >/dev/null || [[ $? == 2 ]]
fi

# Starts `$1` serving the index on port $2 with both caches off; its pid in SERVER_PIDS.
SERVER_PIDS=()
start_server() {
    "$1" --index "$index" --log warn serve --addr "127.0.0.1:$2" --cache-mb 0 \
        --match-cache-mb 0 ${SERVE_ARGS:-} >/dev/null 2>"$WORK/longtail-server-$2.log" &
    local pid=$!
    SERVER_PIDS+=("$pid")
    for _ in $(seq 1 3000); do
        curl -fsS -o /dev/null "http://127.0.0.1:$2/healthz" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/longtail-server-$2.log" >&2; exit 1; }
        sleep 0.01
    done
}
trap 'kill -TERM "${SERVER_PIDS[@]}" 2>/dev/null; wait 2>/dev/null || true' EXIT
start_server "$BIN" "$PORT"
if [[ -n ${BIN_B:-} ]]; then
    start_server "$BIN_B" "$((PORT + 1))"
fi

paths=$WORK/longtail-paths-$DOCS.txt
[[ -s $paths && $(wc -l <"$paths") -ge $COUNT ]] ||
    python3 "$ROOT/benches/longtail_paths.py" "$corpus" "$BASE" "$COUNT" >"$paths"
# Drives the server on port $1 (pid $2).
drive() {
    LONGTAIL_PATHS=$paths LONGTAIL_ADDR=127.0.0.1:$1 LONGTAIL_SECS=$SECS LONGTAIL_PID=$2 \
        LONGTAIL_CONCURRENCY=$CONCURRENCY "$CLIENT" --bench
}
if [[ -z ${BIN_B:-} ]]; then
    drive "$PORT" "${SERVER_PIDS[0]}"
else
    drive "$PORT" "${SERVER_PIDS[0]}" >"$WORK/longtail-a.txt" &
    client_a=$!
    drive "$((PORT + 1))" "${SERVER_PIDS[1]}" >"$WORK/longtail-b.txt" &
    wait "$client_a" "$!"
    sed 's/^/A /' "$WORK/longtail-a.txt"
    sed 's/^/B /' "$WORK/longtail-b.txt"
fi
