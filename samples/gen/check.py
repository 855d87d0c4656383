#!/usr/bin/env python3
"""Sanity checks over the bundles: every log member is in time order, rotated members
hold older lines than newer ones, and the bundle stays small. Prints problems only."""
import datetime as dt
import gzip
import os
import re
import sys

SAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MON = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
PATS = [
    (re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+[+-]\d\d:\d\d) "), lambda m: dt.datetime.fromisoformat(m.group(1)).timestamp()),
    (re.compile(r"^(\w{3}) ([ \d]\d) (\d\d):(\d\d):(\d\d) "), None),
    (re.compile(r"\[(\d\d)/(\w{3})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\]"), lambda m: dt.datetime.strptime(m.group(0), "[%d/%b/%Y:%H:%M:%S %z]").timestamp()),
    (re.compile(r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) "), lambda m: dt.datetime.strptime(m.group(0).strip(), "%Y/%m/%d %H:%M:%S").timestamp()),
    (re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) "), lambda m: dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timestamp() + int(m.group(2)) / 1000),
    (re.compile(r"^(\d{4}-\d\d-\d\d) ([ \d]\d:\d\d:\d\d) "), lambda m: dt.datetime.strptime(m.group(1) + " " + m.group(2).strip().zfill(8), "%Y-%m-%d %H:%M:%S").timestamp()),
]


def read(p):
    op = gzip.open if p.endswith(".gz") else open
    with op(p, "rt") as fh:
        return fh.read().splitlines()


def stamps(lines):
    year, lastmon, out = 2000, 0, []
    for l in lines:
        for rx, f in PATS:
            m = rx.search(l)
            if m:
                if f is None:
                    mon = MON[m.group(1)]
                    if mon < lastmon:
                        year += 1
                    lastmon = mon
                    out.append(dt.datetime(year, mon, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5))).timestamp())
                else:
                    out.append(f(m))
                break
    return out


def main():
    bad = 0
    for b in sorted(os.listdir(SAMPLES)):
        d = os.path.join(SAMPLES, b)
        if b == "gen" or not os.path.isdir(d):
            continue
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs if not os.path.islink(os.path.join(r, f)))
        if size > 3.3e6:
            print(b, "too big", size); bad += 1
        logs = {}
        for r, _, fs in os.walk(os.path.join(d, "var/log")):
            for f in fs:
                base = re.sub(r"(\.\d+)?(\.gz)?$|-\d{8}(\.gz)?$", "", f)
                logs.setdefault(os.path.join(r, base), []).append(os.path.join(r, f))
        for base, members in logs.items():
            def age(p):
                m = re.search(r"\.(\d+)(\.gz)?$", p)
                if m:
                    return int(m.group(1))
                m = re.search(r"-(\d{8})(\.gz)?$", p)
                return 100000000 - int(m.group(1)) if m else 0
            members.sort(key=age, reverse=True)  # oldest first
            cat = [l for p in members for l in read(p)]
            st = stamps(cat)
            for a, c in zip(st, st[1:]):
                if c < a - 1e-6 and "apt/history" not in base:
                    print(b, os.path.relpath(base, d), "members out of order"); bad += 1; break
            allst = []
            for p in members:
                st = stamps(read(p))
                for a, c in zip(st, st[1:]):
                    if c < a - 1e-6 and "apt/history" not in p:
                        print(b, os.path.relpath(p, d), "out of order"); bad += 1; break
                if allst and st and "Dec" not in open(members[0], "rb").read(0).decode() and st[0] < allst[-1] - 86400 * 200:
                    pass
                allst += st
    print("problems:", bad)
    return 1 if bad else 0


sys.exit(main())
