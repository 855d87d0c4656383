#!/bin/sh
# Seed each target's corpus (fuzz/corpus/, not committed) from the shipped
# samples and grammars. Run from fuzz/.
set -eu
S=../samples
c() { mkdir -p "corpus/$1"; }
c syslog_frame; c nginx; c journal; c grammar_load; c decompress; c discover_archive; c state_collect
i=0
for f in $(find $S -path '*var/log/*' -type f ! -name '*.gz' | head -40); do
  head -n 20 "$f" | while IFS= read -r l; do i=$((i+1)); printf '%s' "$l" > "corpus/syslog_frame/$(basename "$f").$i"; done
done
for f in $(find $S -path '*nginx*' -name 'access.log*' ! -name '*.gz' -o -path '*nginx*' -name 'error.log*' ! -name '*.gz'); do
  head -n 20 "$f" | split -l 1 - "corpus/nginx/$(basename "$f")."
done
find $S -name 'journalctl*json*' | while read -r f; do head -n 30 "$f" | split -l 3 - "corpus/journal/j."; done
cp ../grammars/*.toml corpus/grammar_load/
find $S -name '*.gz' | head -10 | while read -r f; do cp "$f" "corpus/decompress/$(echo "$f" | sed "s|^\.\./samples/||" | tr / _)"; done
head -c 20000 $S/quiet-host/var/log/auth.log > /tmp/fl-seed.txt
xz -c /tmp/fl-seed.txt > corpus/decompress/seed.xz; zstd -qc /tmp/fl-seed.txt > corpus/decompress/seed.zst || true; bzip2 -c /tmp/fl-seed.txt > corpus/decompress/seed.bz2
for d in nginx-loopback-only fail2ban-banned-office; do
  tar -cf "corpus/discover_archive/$d.tar" -C $S "$d/etc"
  gzip -c "corpus/discover_archive/$d.tar" > "corpus/discover_archive/$d.tar.gz"
done
n=0
find $S -path '*sos_commands*' -type f | while read -r f; do
  n=$((n+1)); { printf "\\$(printf %o $((n % 28)))"; head -c 4096 "$f"; } > "corpus/state_collect/s$n"
done
