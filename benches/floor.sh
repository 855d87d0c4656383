#!/bin/sh
# The "read it once" floor for a bundle: one thread counts the lines of
# every plain file (wc -l) and of every gzip member (zcat | wc -l), and
# prints the total. Time it next to faultline:
#   /usr/bin/time sh benches/floor.sh target/bench-bundle-1024
set -eu
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 BUNDLE_DIR" >&2; exit 2; }
# Plain files: wc -l reads them itself (one process, no pipe); its own
# "total" lines are skipped since xargs may run it more than once.
plain=$(find "$1" -type f ! -name '*.gz' -print0 | xargs -0 -r wc -l |
    awk '$2 != "total" { n += $1 } END { print n + 0 }')
total=$plain
# Compressed members, one zcat each (names read line by line).
gz=$(find "$1" -type f -name '*.gz' | sort | while IFS= read -r f; do
    zcat -- "$f" | wc -l
done | awk '{ n += $1 } END { print n + 0 }')
total=$((total + gz))
echo "$total lines"
