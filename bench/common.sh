# bench/common.sh: sourced by the bench scripts: paths and helpers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CLEAN=${CLEAN:-$top/src/clean}
SHARED=${SHARED:-$top/../shared}
BENCH=$SHARED/bench
SH=$BENCH/scrapinghub
[ -x "$CLEAN" ] || { echo "bench: build first (./setup): no $CLEAN" >&2; exit 2; }
[ -d "$BENCH" ] || { echo "bench: no benchmark data in $BENCH" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/clean-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Time and score a private copy: a rebuild during the run cannot change it.
cp "$CLEAN" "$work/clean"
CLEAN=$work/clean
# clean_dir IN OUT [ARGS...]: clean every IN/*.txt into OUT/ with ARGS.
clean_dir() {
	in=$1 out=$2
	shift 2
	mkdir -p "$out"
	for f in "$in"/*.txt; do
		"$CLEAN" -q "$@" "$f" > "$out/$(basename "$f")" || true
	done
}
