"""Shared machinery for the faultline sample-bundle generator.

Line formats are copied from what the real programs wrote on a Debian 12 host
(nginx 1.22, OpenSSH 9.2, fail2ban 1.0.2, MariaDB 10.11, iptables 1.8.9, ufw
0.36) - see gen/capture.sh and README.md.  Sources that cannot run here
(journald, systemd, the kernel's OOM killer and netfilter LOG, firewalld) use
their documented formats.
"""
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import shutil
import uuid
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def utc(s):
    return dt.datetime.fromisoformat(s).replace(tzinfo=UTC) if "+" not in s[10:] else dt.datetime.fromisoformat(s).astimezone(UTC)


class Bundle:
    def __init__(self, name, host, tz, fmt, distro, seed, fqdn=None, machine_id=None):
        self.name, self.host, self.tzname, self.fmt, self.distro = name, host, tz, fmt, distro
        self.tz = ZoneInfo(tz)
        self.fqdn = fqdn or host
        self.rnd = random.Random(seed)
        self.dir = os.path.join(SAMPLES, name)
        self.logs = {}  # logical name -> list of (utc, seq, text)
        self.seq = 0
        self.pid = 1500
        self.journal = None  # list of dicts when a journal export is wanted
        self.boots = []  # (utc_boot_time, boot_id)
        self.machine_id = machine_id or hashlib.md5(name.encode()).hexdigest()
        self.rot = {}  # logical -> list of rotation utc instants
        self._ms_last = {}
        self.sd = 252  # systemd version style of unit messages

    # ---- time helpers
    def local(self, t):
        return t.astimezone(self.tz)

    def L(self, s):
        """local wall time string -> aware UTC datetime"""
        return dt.datetime.fromisoformat(s).replace(tzinfo=self.tz).astimezone(UTC)

    def newpid(self, step=None):
        self.pid += step or self.rnd.randint(1, 40)
        return self.pid

    # ---- raw adds
    def add(self, log, t, text):
        self.seq += 1
        self.logs.setdefault(log, []).append((t, self.seq, text))

    def sstamp(self, t):
        lt = self.local(t)
        if self.fmt == "iso":
            return lt.isoformat(timespec="microseconds")
        return "%s %2d %s" % (MON[lt.month - 1], lt.day, lt.strftime("%H:%M:%S"))

    # ---- syslog with facility routing
    def sys(self, t, prog, msg, fac="daemon", pid=None, unit=None, prio=6, journal_only=False, nopid=False):
        if self.distro == "rhel" and prog in ("sshd", "sudo") and fac == "auth":
            fac = "authpriv"  # RHEL: SyslogFacility AUTHPRIV
        if t.microsecond % 1000 == 0:  # give ms-precise times a sub-ms part, keeping call order within a ms
            key = t
            last = self._ms_last.get(key, -1)
            if last < 999:
                j = self.rnd.randint(last + 1, min(999, last + 400))
                self._ms_last[key] = j
                t = t + dt.timedelta(microseconds=j)
        tag = prog if (pid is None or nopid) else "%s[%d]" % (prog, pid)
        line = "%s %s %s: %s" % (self.sstamp(t), self.host, tag, msg)
        if not journal_only:
            for f in self.route(fac, prio):
                self.add(f, t, line)
        if self.journal is not None:
            self.jentry(t, prog, msg, fac, pid, unit, prio)

    def route(self, fac, prio):
        if self.distro == "rhel":
            if fac == "authpriv" or fac == "auth":
                return ["secure"] if fac == "authpriv" else ["secure", "messages"]
            if fac == "mail":
                return ["maillog"]
            if fac == "cron":
                return ["cron"]
            return ["messages"] if prio <= 6 else []
        out = []
        if fac in ("auth", "authpriv"):
            out.append("auth.log")
        else:
            out.append("syslog")
        if fac == "kern":
            out.append("kern.log")
        if fac == "mail":
            out.append("mail.log")
        return out

    # ---- journal export (journalctl -o json)
    def jentry(self, t, prog, msg, fac, pid, unit, prio):
        boot = None
        for bt, bid in self.boots:
            if bt <= t:
                boot = (bt, bid)
        if boot is None:
            return
        us = int(t.timestamp() * 1e6)
        mono = us - int(boot[0].timestamp() * 1e6)
        facn = {"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "cron": 9, "authpriv": 10}.get(fac, 3)
        e = {}
        self.jseq = getattr(self, "jseq", 0x3a1f) + 1
        e["__CURSOR"] = "s=%s;i=%x;b=%s;m=%x;t=%x;x=%016x" % (self.machine_id[::-1], self.jseq, boot[1], mono, us, hash((us, self.jseq)) & 0xFFFFFFFFFFFFFFFF)
        e["__REALTIME_TIMESTAMP"] = str(us)
        e["__MONOTONIC_TIMESTAMP"] = str(mono)
        e["_BOOT_ID"] = boot[1]
        if prog == "kernel":
            e["_TRANSPORT"] = "kernel"
            e["PRIORITY"] = str(prio)
            e["SYSLOG_FACILITY"] = "0"
            e["SYSLOG_IDENTIFIER"] = "kernel"
            e["_SOURCE_MONOTONIC_TIMESTAMP"] = str(max(0, mono - 1200))
        else:
            e["_TRANSPORT"] = "journal" if prog == "systemd" else "syslog"
            e["PRIORITY"] = str(prio)
            e["SYSLOG_FACILITY"] = str(facn)
            e["SYSLOG_IDENTIFIER"] = prog
            if pid is not None:
                e["SYSLOG_PID"] = str(pid)
                e["_PID"] = str(pid)
                e["_COMM"] = {"sudo": "sudo", "CRON": "cron", "systemd": "systemd", "sshd": "sshd"}.get(prog, prog[:15])
            if unit:
                e["_SYSTEMD_UNIT"] = unit
                e["_SYSTEMD_CGROUP"] = "/" if unit == "init.scope" else "/system.slice/" + unit
            e["_UID"] = "0"
            e["_GID"] = "0"
            e["SYSLOG_TIMESTAMP"] = self.local(t).strftime("%b %e %H:%M:%S ")
        e["_MACHINE_ID"] = self.machine_id
        e["_HOSTNAME"] = self.host
        e["MESSAGE"] = msg
        self.journal.append((t, self.jseq, e))

    # ---- other formats
    def access(self, t, ip, req, status, size, ref="-", ua="-", rt=None, uct="-", log="nginx/access.log", custom=False):
        tl = self.local(t).strftime("%d/%b/%Y:%H:%M:%S %z")
        line = '%s - - [%s] "%s" %d %d "%s" "%s"' % (ip, tl, req, status, size, ref, ua)
        if custom:
            line += ' rt=%.3f uct="%s"' % (rt if rt is not None else 0.0, uct)
        self.add(log, t, line)

    def nginx_error(self, t, level, pid, msg, log="nginx/error.log"):
        self.add(log, t, "%s [%s] %d#%d: %s" % (self.local(t).strftime("%Y/%m/%d %H:%M:%S"), level, pid, pid, msg))

    def f2b(self, t, logger, pid, level, msg):
        lt = self.local(t)
        self.add("fail2ban.log", t, "%s,%03d %-24s[%d]: %-7s %s" % (lt.strftime("%Y-%m-%d %H:%M:%S"), lt.microsecond // 1000, logger, pid, level, msg))

    def dpkg(self, t, msg):
        self.add("dpkg.log", t, "%s %s" % (self.local(t).strftime("%Y-%m-%d %H:%M:%S"), msg))

    def mysql(self, t, msg, log="mysql/error.log"):
        lt = self.local(t)
        self.add(log, t, "%s %2d:%s %s" % (lt.strftime("%Y-%m-%d"), lt.hour, lt.strftime("%M:%S"), msg))

    # ---- writing
    def rotate(self, log, instants):
        self.rot[log] = sorted(instants)

    def write(self, compress_from=2, delaycompress=True, names=None):
        """Write every logical log; rotated members hold the older lines."""
        for log, rows in self.logs.items():
            rows.sort(key=lambda r: (r[0], r[1]))
            cuts = self.rot.get(log, [])
            parts = [[] for _ in range(len(cuts) + 1)]
            for r in rows:
                i = sum(1 for c in cuts if r[0] >= c)
                parts[i].append(r[2])
            n = len(parts)
            for i, lines in enumerate(parts):
                k = n - 1 - i  # 0 = current
                if k > 0 and not lines:
                    continue  # logrotate notifempty
                if getattr(self, "dateext", False) and k > 0:
                    fn = "%s-%s" % (log, self.local(cuts[i]).strftime("%Y%m%d"))
                    if log in self.compress_logs:
                        fn += ".gz"
                elif names and log in names:
                    fn = names[log](k)
                else:
                    fn = log if k == 0 else "%s.%d" % (log, k)
                gz = fn.endswith(".gz") or (not getattr(self, "dateext", False)) and (not names or log not in names) and k >= (compress_from if delaycompress else 1)
                if gz and not fn.endswith(".gz"):
                    fn += ".gz"
                path = os.path.join(self.dir, "var/log", fn)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                data = "".join(l + "\n" for l in lines).encode()
                if gz:
                    with open(path, "wb") as fh:
                        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=int(cuts[i].timestamp()) if i < len(cuts) else 0) as g:
                            g.write(data)
                else:
                    with open(path, "wb") as fh:
                        fh.write(data)
        if self.journal is not None:
            self.journal.sort(key=lambda r: (r[0], r[1]))
            path = os.path.join(self.dir, "sos_commands/logs/journalctl_--no-pager_-o_json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                for _, _, e in self.journal:
                    fh.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")

    def file(self, rel, text, mode=None):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)

    def base_files(self, collected):
        self.file("hostname", self.host + "\n")
        self.file("etc/hostname", self.host + "\n")
        self.file("etc/timezone", self.tzname + "\n")
        lp = os.path.join(self.dir, "etc/localtime")
        if os.path.lexists(lp):
            os.remove(lp)
        os.symlink("../usr/share/zoneinfo/" + self.tzname, lp)
        lt = self.local(collected)
        self.file("sos_commands/date/date", lt.strftime("%a %b %e %H:%M:%S %Z %Y") + "\n")
        self.file("sos_commands/date/date_--utc", collected.strftime("%a %b %e %H:%M:%S UTC %Y") + "\n")
        self.collected = collected

    def fix_save_stamps(self):
        """iptables-save headers captured today -> collection time (local)."""
        import re
        lt = self.local(self.collected).strftime("%a %b %e %H:%M:%S %Y")
        for sub in ("sos_commands/iptables/iptables-save",):
            p = os.path.join(self.dir, sub)
            if os.path.exists(p):
                s = open(p).read()
                s = re.sub(r"(# (?:Generated by iptables-save v[\d.]+(?: \(nf_tables\))?|Completed) on ).*", lambda m: m.group(1) + lt, s)
                open(p, "w").write(s)


def clean_logs(b):
    d = os.path.join(b.dir, "var/log")
    if os.path.isdir(d):
        shutil.rmtree(d)


def boot_id(rnd):
    return "%032x" % rnd.getrandbits(128)
