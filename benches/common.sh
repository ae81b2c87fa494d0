# Settings and steps shared by the bench scripts (load.sh, longtail.sh, scale.sh), sourced after
# they set PORT and WORK. Each setting can be given in the environment.
GEN=${GEN:-/work/shared/tools/gen_corpus.py}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BIN:-$TARGET/release/edusearch}
BASE=http://127.0.0.1:$PORT

# Generates a corpus of $1 documents at $2 with gen_corpus.py unless it exists (written under a
# temporary name first, so an interrupted run leaves no half corpus).
generate_corpus() {
    [[ -d $2 ]] && return 0
    echo "== generating $1 documents" >&2
    python3 "$GEN" --docs "$1" --out "$2.tmp" >/dev/null
    mv "$2.tmp" "$2"
}
