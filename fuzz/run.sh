#!/bin/sh
# Run each fuzz target for SECS seconds (default 600), one after another,
# one job each; append "target secs execs" lines to runs.log.
# Needs nightly: `cargo +nightly fuzz build -s none -a` first.
set -u
SECS=${SECS:-600}
for t in ${TARGETS:-syslog_frame nginx journal grammar_load decompress discover_archive state_collect}; do
  log="logs/$t.log"; mkdir -p logs "corpus/$t" "artifacts/$t"
  cargo +nightly fuzz run -s none -a "$t" "corpus/$t" -- \
    -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 > "$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  echo "$t ${SECS}s execs=${execs:-?} rc=$rc" >> runs.log
done
