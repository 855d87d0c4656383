#!/bin/sh
# The README's Performance table: the read floor and `faultline analyze` on
# one bundle, alternating, N times each; prints every run and the medians.
#
#   sh benches/measure.sh target/bench-bundle-1024 3 [path/to/faultline]
#
# Wall times are `/usr/bin/time`'s; peak RSS is its maximum resident set
# (file pages mapped in count too). The floor is benches/floor.sh: every
# byte read once, single-threaded (`wc -l`, `zcat | wc -l`).
set -eu
B=${1:?usage: measure.sh BUNDLE [RUNS] [FAULTLINE]}
N=${2:-3}
FL=${3:-./target/release/faultline}
dir=$(dirname "$0")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
while [ "$i" -lt "$N" ]; do
    /usr/bin/time -f "%e" -o "$out/t" sh "$dir/floor.sh" "$B" >/dev/null
    cat "$out/t" >>"$out/floor"
    /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$FL" analyze "$B" --format json -o "$out/report.json" -q
    cat "$out/t" >>"$out/analyze"
    echo "run $((i + 1)): floor $(tail -n1 "$out/floor") s; analyze (wall user sys KB) $(tail -n1 "$out/analyze")"
    i=$((i + 1))
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
f=$(median <"$out/floor")
a=$(cut -d' ' -f1 "$out/analyze" | median)
u=$(cut -d' ' -f2 "$out/analyze" | median)
s=$(cut -d' ' -f3 "$out/analyze" | median)
m=$(cut -d' ' -f4 "$out/analyze" | median)
echo "median: floor $f s; analyze $a s wall, $u s user, $s s sys, $((m / 1024)) MB peak RSS; analyze / floor = $(echo "$a $f" | awk '{printf "%.1f", $1 / $2}')x"
