#!/usr/bin/env bash
# Scale benchmark (issue 15): indexing throughput and memory, opening cost, and cold query
# latency with every facet, at several corpus sizes.
#
# For each N of $DOCS (default "10000 50000"): generates a corpus (gen_corpus.py --docs N, kept
# under $WORK), indexes it with the release binary (wall time, MB/s, entries/s, peak RSS from
# /usr/bin/time -v), opens the index in fresh processes (`search` of a word no entry has: the
# opening alone; of a common word: opening plus a first search), then serves it with both caches off
# (`--cache-mb 0 --match-cache-mb 0`) and sends a fixed list of 44 distinct queries (broad and
# narrow, with and without filters, every facet on), each twice, one at a time from a client on
# one keep-alive connection. Prints p50/p90/p99/max latency and the server's CPU per request.
#
#   benches/scale.sh                          # N = 10000 and 50000 (needs ~4 GB of disk)
#   DOCS="2000 10000" benches/scale.sh        # smaller corpora on a busy machine
#   SKIP_BUILD=1 BIN=/path/to/edusearch DOCS=2000 benches/scale.sh
#   REINDEX=1 ...                             # index again even if the index exists
#   MEMORY_MB=300 ...                         # passed to `index --memory-mb`
#   LIMIT_MB=500 ...                          # index inside a memory cgroup of this limit (root;
#                                             # cgroup v1 or v2): shows that the page cache of
#                                             # the memory-mapped segments counted in peak RSS is
#                                             # reclaimable (the run ends, nothing OOM-killed)
#
# Needs: cargo, python3, /usr/bin/time (GNU time). Targets (2 cores, caches off): 10k docs p50
# <= 3 ms and p99 <= 15 ms; 50k docs p99 <= 60 ms; indexing >= 15 MB/s with <= 500 MB RSS; a
# fresh process opens a 10^6-entry index in < 300 ms.
set -euo pipefail

DOCS=${DOCS:-10000 50000}
PORT=${PORT:-18093}
WORK=${WORK:-/tmp/edusearch-scale}
# shellcheck source=benches/common.sh
source "$(dirname "$0")/common.sh"
MEMORY_ARGS=()
[[ -n ${MEMORY_MB:-} ]] && MEMORY_ARGS=(--memory-mb "$MEMORY_MB")

for tool in python3 curl /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "scale.sh: needs $tool" >&2; exit 1; }
done
if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"

SERVER_PID=
stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

# Peak anonymous memory (MB) of process $1 until it ends, sampled from /proc every 0.5 s. GNU
# time's peak RSS also counts the index files tantivy memory-maps while merging (page cache,
# reclaimable); the anonymous part is the process's own memory.
peak_anon() {
    local pid=$1 peak=0 kb
    while [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; do
        kb=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [[ -n $kb && $kb -gt $peak ]] && peak=$kb
        sleep 0.5
    done
    echo $((peak / 1024))
}

# Creates a memory cgroup limited to $LIMIT_MB and prints its directory (nothing when cgroups
# cannot be written here: v2 needs the memory controller enabled for the children of the root).
make_limit() {
    local cg bytes=$((LIMIT_MB * 1024 * 1024))
    if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
        cg=/sys/fs/cgroup/edusearch-scale-$$
        mkdir -p "$cg" 2>/dev/null && echo "$bytes" >"$cg/memory.max" 2>/dev/null && echo "$cg"
    elif [[ -d /sys/fs/cgroup/memory ]]; then
        cg=/sys/fs/cgroup/memory/edusearch-scale-$$
        mkdir -p "$cg" 2>/dev/null && echo "$bytes" >"$cg/memory.limit_in_bytes" 2>/dev/null &&
            echo "$cg"
    fi
    return 0
}

# Peak memory charged to cgroup $1 (MB) and the number of its processes the kernel OOM-killed.
limit_report() {
    local peak kills
    peak=$(cat "$1/memory.peak" 2>/dev/null || cat "$1/memory.max_usage_in_bytes" 2>/dev/null || echo 0)
    kills=$(awk '/^oom_kill / {print $2}' "$1/memory.events" "$1/memory.oom_control" 2>/dev/null | head -1)
    echo "cgroup limit ${LIMIT_MB} MB: peak charged $((peak / 1024 / 1024)) MB (page cache included), OOM kills ${kills:-0}"
}

# Prints `key=value` lines of GNU time's report that matter here.
time_field() { grep -F "$1" "$2" | head -1 | sed 's/.*: //'; }

# Median milliseconds of 5 fresh `search` processes for query $2 on index $1.
median_run() {
    local runs=() start
    for _ in 1 2 3 4 5; do
        start=$(date +%s%N)
        "$BIN" --index "$1" --log warn search "$2" --limit 1 >/dev/null
        runs+=($((($(date +%s%N) - start) / 1000000)))
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}

summary=()
for n in $DOCS; do
    corpus=$WORK/corpus-$n
    index=$WORK/index-$n
    generate_corpus "$n" "$corpus"
    mb=$(du -smL --apparent-size "$corpus" | cut -f1)

    if [[ ! -d $index || -n ${REINDEX:-} ]]; then
        echo "== indexing $n documents ($mb MB)"
        rm -rf "$index"
        code=0
        cgroup=
        if [[ -n ${LIMIT_MB:-} ]]; then
            cgroup=$(make_limit)
            [[ -n $cgroup ]] || echo "scale.sh: cannot create a memory cgroup here; LIMIT_MB ignored" >&2
        fi
        (
            [[ -z $cgroup ]] || echo "$BASHPID" >"$cgroup/cgroup.procs"
            exec /usr/bin/time -v -o "$WORK/index-$n.time" "$BIN" --index "$index" --log warn \
                index --rebuild "${MEMORY_ARGS[@]}" "$corpus" >"$WORK/index-$n.log" 2>&1
        ) &
        timer=$!
        sleep 0.2
        anon=$(peak_anon "$(pgrep -P "$timer" | head -1)")
        wait "$timer" || code=$?
        [[ $code == 0 || $code == 2 ]] || { tail "$WORK/index-$n.log" >&2; exit 1; }
        wall=$(time_field "Elapsed (wall clock)" "$WORK/index-$n.time")
        secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))" "$wall")
        rss=$(($(time_field "Maximum resident set size" "$WORK/index-$n.time") / 1024))
        entries=$(grep -E '^indexed [0-9]+ documents' "$WORK/index-$n.log" | grep -oE '[0-9]+ entries' | head -1 | cut -d' ' -f1 || true)
        cpu=$(python3 -c "print(f'{$(time_field "User time" "$WORK/index-$n.time") + $(time_field "System time" "$WORK/index-$n.time"):.1f}')")
        rate=$(python3 -c "print(f'{$mb/$secs:.1f}')")
        eps=$(python3 -c "print(f'{${entries:-0}/$secs:.0f}')")
        echo "indexing: ${secs}s, ${rate} MB/s, ${eps} entries/s (${entries:-?} entries), peak RSS ${rss} MB (anonymous ${anon} MB), CPU ${cpu}s"
        summary+=("N=$n index: ${secs}s ${rate} MB/s ${eps} entries/s peak ${rss} MB anon ${anon} MB cpu ${cpu}s")
        if [[ -n $cgroup ]]; then
            limited=$(limit_report "$cgroup")
            echo "$limited"
            summary+=("N=$n $limited")
            rmdir "$cgroup" 2>/dev/null || true
        fi
    fi

    echo "== opening in a fresh process (median of 5)"
    # A word no entry has: the cost of opening the index (and of the process); then a word of
    # many entries: opening plus the first search, which loads the columns of the segments
    # it matches.
    open_ms=$(median_run "$index" "qqzzxxjj")
    first_ms=$(median_run "$index" "наставничество")
    echo "open (query matching nothing): ${open_ms} ms; open + first search: ${first_ms} ms"

    echo "== serving with caches off"
    "$BIN" --index "$index" --log warn serve --addr "127.0.0.1:$PORT" --cache-mb 0 \
        --match-cache-mb 0 >/dev/null 2>"$WORK/server-$n.log" &
    SERVER_PID=$!
    for _ in $(seq 1 3000); do
        curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server-$n.log" >&2; exit 1; }
        sleep 0.01
    done
    result=$(python3 "$ROOT/benches/scale_client.py" "$BASE" "$SERVER_PID")
    echo "$result"
    stop_server
    summary+=("N=$n open ${open_ms} ms, first search ${first_ms} ms; $(echo "$result" | grep '^RESULT' | sed 's/^RESULT //')")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
