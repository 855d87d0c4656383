#!/bin/sh
# The README's "against other tools" table: each peer and faultline on the
# same files, alternating, N runs each, medians of wall time and peak RSS.
#
#   sh benches/peers.sh target/bench-bundle-128 3 [path/to/faultline]
#
# Peers: GoAccess (access log), fail2ban-regex (auth log, sshd filter),
# lnav -n (every log merged); `apt-get install goaccess fail2ban lnav`.
# A peer that is not installed is skipped.
set -eu
B=${1:?usage: peers.sh BUNDLE [RUNS] [FAULTLINE]}
N=${2:-3}
FL=${3:-./target/release/faultline}
L=$B/var/log
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# time NAME CMD...: one run, appended to $out/NAME as "wall KB". A run
# that fails is not timed (it would look fast): NAME is marked failed.
t() {
    name=$1
    shift
    if /usr/bin/time -f "%e %M" -o "$out/t" "$@" >/dev/null 2>&1; then
        tail -n1 "$out/t" >>"$out/$name"
    else
        touch "$out/$name.failed"
    fi
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {
    [ -e "$out/$1" ] || [ -e "$out/$1.failed" ] || return 0
    if [ -e "$out/$1.failed" ]; then
        echo "$1: FAILED (a run exited non-zero; not timed)"
        return 0
    fi
    w=$(cut -d' ' -f1 "$out/$1" | median)
    m=$(cut -d' ' -f2 "$out/$1" | median)
    echo "$1: $w s, $((m / 1024)) MB"
}

logs=$(find "$L" -type f \( -name '*.log*' -o -name syslog -o -name 'syslog.*' \) | sort)
i=0
while [ "$i" -lt "$N" ]; do
    if command -v goaccess >/dev/null; then
        t goaccess goaccess "$L/nginx/access.log.1" --log-format=COMBINED -o "$out/goaccess.json"
        t fl_access "$FL" analyze "$L/nginx/access.log.1" --format json -o "$out/fa.json" -q
    fi
    if command -v fail2ban-regex >/dev/null; then
        t fail2ban_regex fail2ban-regex "$L/auth.log.1" sshd
        t fl_auth "$FL" analyze "$L/auth.log.1" --format json -o "$out/fb.json" -q
    fi
    if command -v lnav >/dev/null; then
        # shellcheck disable=SC2086
        t lnav lnav -n $logs
        # shellcheck disable=SC2086
        t fl_timeline "$FL" timeline $logs --all --format jsonl -o "$out/tl.jsonl" -q
    fi
    i=$((i + 1))
done
for name in goaccess fl_access fail2ban_regex fl_auth lnav fl_timeline; do
    report "$name"
done
