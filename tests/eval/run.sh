#!/bin/sh
# Runs and scores the own evaluation set (tests/eval/queries.json), the second set written after the
# tuning (tests/eval/second.json) and the 15 development queries.
#   tests/eval/run.sh [OUT_DIR]      (default /tmp/edusearch-eval)
# Needs python3 and ../shared/eval/score.py (EDUSEARCH_SCORE overrides its path).
set -eu
cd "$(dirname "$0")/../.."
out=${1:-/tmp/edusearch-eval}
score=${EDUSEARCH_SCORE:-/work/shared/eval/score.py}
mkdir -p "$out"
EDUSEARCH_EVAL_OUT="$out/own.jsonl" cargo test -q --test relevance -- --ignored own_queries >/dev/null
EDUSEARCH_EVAL_OUT="$out/dev.jsonl" cargo test -q --test search -- --ignored dev_queries >/dev/null
EDUSEARCH_EVAL_QUERIES=tests/eval/second.json EDUSEARCH_EVAL_OUT="$out/second.jsonl" \
    cargo test -q --test relevance -- --ignored own_queries >/dev/null
echo "== own set (tests/eval/queries.json)"
python3 "$score" "$out/own.jsonl" --queries tests/eval/queries.json --json "$out/own.json" > "$out/own.txt"
sed -n '/^kind /,$p' "$out/own.txt"
echo "== second set, written after the tuning (tests/eval/second.json)"
python3 "$score" "$out/second.jsonl" --queries tests/eval/second.json --json "$out/second.json" > "$out/second.txt"
sed -n '/^kind /,$p' "$out/second.txt"
echo "== development queries"
python3 "$score" "$out/dev.jsonl" --json "$out/dev.json" > "$out/dev.txt"
sed -n '/^kind /,$p' "$out/dev.txt"
