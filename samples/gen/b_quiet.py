"""quiet-host: a day and a half of ordinary traffic and noise; nothing broke."""
import datetime as dt
import re

from common import Bundle, clean_logs
from configs import debian_nginx_conf, site, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers, unit_run, rand_ip, poisson_times, SCAN_PORTS, UAS
from b_fail2ban import F2B
import state

S = dt.timedelta(seconds=1)
HOSTIP = "192.0.2.33"
MAC = "52:54:00:12:9a:77:52:54:00:ff:00:01:08:00"


class OldPam(Bundle):
    """Debian 11: pam 1.4 (no (uid=N) after the user name), systemd 247 messages."""
    def sys(self, t, prog, msg, *a, **k):
        msg = re.sub(r"for user (\S+)\(uid=\d+\)", r"for user \1", msg)
        super().sys(t, prog, msg, *a, **k)


def drop(b, t, src, dpt, boot):
    up = (t - boot).total_seconds()
    ttl = [45, 49, 53, 110, 115, 239, 244][sum(map(int, src.split("."))) % 7]
    b.sys(t, "kernel", "[%12.6f] iptables-dropped: IN=eth0 OUT= MAC=%s SRC=%s DST=%s LEN=44 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0 " % (
        up, MAC, src, HOSTIP, ttl, b.rnd.randint(1, 65535), b.rnd.randint(1024, 65535), dpt), "kern", None, None, 4)


def build():
    b = OldPam("quiet-host", "web3", "Europe/Berlin", "trad", "debian", seed=7007, fqdn="web3.example.eu")
    b.sd = 247
    clean_logs(b)
    b.site = "www.example.eu"
    start = b.L("2026-11-18T00:00:04")
    rots = [b.L("2026-11-19T00:00:03"), b.L("2026-11-20T00:00:05")]
    end = b.L("2026-11-20T15:10:09")
    boot = b.L("2026-10-30T06:02:51")
    f2b = F2B(b, 598, bantime=3600)
    scan_fail = []
    ssh_scanners(b, start, end, per_hour=4, on_fail=lambda t, ip: scan_fail.append((t, ip)))
    # one persistent scanner gets banned (decoy)
    t = b.L("2026-11-20T04:12:33.5")
    dec = "80.94.95.115"
    for i in range(6):
        pid = b.newpid()
        port = b.rnd.randint(33000, 60000)
        b.sys(t, "sshd", "Invalid user admin from %s port %d" % (dec, port), "auth", pid, "ssh.service")
        b.sys(t + 2 * S, "sshd", "Failed password for invalid user admin from %s port %d ssh2" % (dec, port), "auth", pid, "ssh.service")
        scan_fail.append((t + 2 * S, dec))
        b.sys(t + 2.4 * S, "sshd", "Connection closed by invalid user admin %s port %d [preauth]" % (dec, port), "auth", pid, "ssh.service")
        t += b.rnd.uniform(8, 15) * S
    for t, ip in sorted(scan_fail):
        f2b.fail(t, ip)
    f2b.finish(end)
    debian_timers(b, start, end, sysstat=False, phpsess=True)
    for tt in poisson_times(b.rnd, start, end, lambda t: 10 / 3600):
        drop(b, tt, rand_ip(b.rnd), b.rnd.choice(SCAN_PORTS), boot)
    adm = Admin(b, logind_pid=468)
    adm.session_(b.L("2026-11-19T09:20:11"), "hlang", 1000, "203.0.113.44", [(30, "/usr/bin/apt-get update", "/home/hlang"), (80, "/usr/bin/apt-get -y install --only-upgrade libxml2", "/home/hlang")])
    tt = b.L("2026-11-19T09:21:43")
    b.dpkg(tt, "startup archives unpack")
    b.dpkg(tt + 0.4 * S, "upgrade libxml2:amd64 2.9.10+dfsg-6.7+deb11u4 2.9.10+dfsg-6.7+deb11u5")
    b.dpkg(tt + 0.4 * S, "status half-installed libxml2:amd64 2.9.10+dfsg-6.7+deb11u4")
    b.dpkg(tt + 0.9 * S, "status unpacked libxml2:amd64 2.9.10+dfsg-6.7+deb11u5")
    b.dpkg(tt + 1.1 * S, "startup packages configure")
    b.dpkg(tt + 1.1 * S, "configure libxml2:amd64 2.9.10+dfsg-6.7+deb11u5 <none>")
    b.dpkg(tt + 1.1 * S, "status unpacked libxml2:amd64 2.9.10+dfsg-6.7+deb11u5")
    b.dpkg(tt + 1.1 * S, "status half-configured libxml2:amd64 2.9.10+dfsg-6.7+deb11u5")
    b.dpkg(tt + 1.3 * S, "status installed libxml2:amd64 2.9.10+dfsg-6.7+deb11u5")
    b.apt_hist = "\nStart-Date: 2026-11-19  09:21:42\nCommandline: apt-get -y install --only-upgrade libxml2\nRequested-By: hlang (1000)\nUpgrade: libxml2:amd64 (2.9.10+dfsg-6.7+deb11u4, 2.9.10+dfsg-6.7+deb11u5)\nEnd-Date: 2026-11-19  09:21:45\n"
    adm.session_(b.L("2026-11-20T11:02:40"), "hlang", 1000, "203.0.113.44", [(25, "/usr/bin/fail2ban-client status sshd", "/home/hlang"), (300, "/usr/sbin/sos report --batch", "/home/hlang")], dur=500)
    # certbot renewal + nginx reload (harmless config change) at 03:12 local
    for day in ("2026-11-19", "2026-11-20"):
        tt = b.L(day + "T03:12:07")
        unit_run(b, tt, "certbot.service", "Certbot", 2.1)
    tt = b.L("2026-11-20T03:12:09.3")
    b.sys(tt, "systemd", "Reloading A high performance web server and a reverse proxy server.", "daemon", 1, "init.scope")
    b.sys(tt + 0.07 * S, "systemd", "Reloaded A high performance web server and a reverse proxy server.", "daemon", 1, "init.scope")
    # a planned mariadb restart during the night window, app has a retry loop (no errors)
    web = Web(b, peak=0.03)
    web.run(start, end)
    web.monitor(start, end, "192.0.2.200", "Blackbox Exporter/0.25.0", every=60)
    web.monitor(start, end, "203.0.113.44", "Uptime-Kuma/1.23.13", every=120)
    for i in range(4):
        tt = start + (end - start) * b.rnd.random()
        b.nginx_error(tt, "error", 1105, '*%d open() "/var/www/html/apple-touch-icon.png" failed (2: No such file or directory), client: %s, server: www.example.eu, request: "GET /apple-touch-icon.png HTTP/1.1", host: "www.example.eu"' % (int((tt - boot).total_seconds() / 3), rand_ip(b.rnd)))
    b.access(b.L("2026-11-19T18:22:41"), "91.64.12.201", "GET /docs/api/ HTTP/1.1", 499, 0, "https://www.example.eu/docs/", UAS[3])
    for lg in ("nginx/access.log", "nginx/error.log", "syslog", "auth.log", "kern.log", "fail2ban.log", "mail.log", "daemon.log"):
        b.rotate(lg, rots)
    b.base_files(end)
    b.write()
    b.file("var/log/apt/history.log", b.apt_hist)

    b.file("etc/debian_version", "11.11\n")
    b.file("etc/nginx/nginx.conf", debian_nginx_conf())
    b.file("etc/nginx/sites-enabled/default", site("www.example.eu example.eu"))
    b.file("etc/ssh/sshd_config", sshd_config())
    b.file("etc/fail2ban/jail.local", "[DEFAULT]\nbantime  = 1h\nfindtime = 10m\nmaxretry = 5\nbanaction = iptables-multiport\n\n[sshd]\nenabled = true\n")
    act = f2b.active(end)
    b.file("sos_commands/fail2ban/fail2ban-client_status", "Status\n|- Number of jail:\t1\n`- Jail list:\tsshd\n")
    b.file("sos_commands/fail2ban/fail2ban-client_status_sshd",
           "Status for the jail: sshd\n|- Filter\n|  |- Currently failed:\t%d\n|  |- Total failed:\t%d\n|  `- File list:\t/var/log/auth.log\n`- Actions\n   |- Currently banned:\t%d\n   |- Total banned:\t%d\n   `- Banned IP list:\t%s\n"
           % (len([k for k, v in f2b.fails.items() if v and (end - v[-1]).total_seconds() < 600]), 2210 + len(scan_fail), len(act), 37 + len(f2b.history), " ".join(act)))
    b.fix_save_stamps()
    import os
    ip = os.path.join(b.dir, "sos_commands/iptables/iptables-save")
    txt = open(ip).read()
    txt = re.sub(r"\[0:0\]", lambda m: "[%d:%d]" % ((lambda n: (n, n * b.rnd.randint(52, 900)))(b.rnd.randint(2000, 9000000))), txt)
    txt = re.sub(r":FORWARD DROP \[\d+:\d+\]", ":FORWARD DROP [0:0]", txt).replace("v1.8.9 (nf_tables)", "v1.8.7 (nf_tables)")
    open(ip, "w").write(txt)
    units = dict(state.BASE_UNIT_FILES)
    for k in ("dpkg-db-backup.timer", "sysstat.service", "sysstat-collect.timer", "sysstat-summary.timer"):
        units.pop(k, None)
    units.update({"nginx.service": ("enabled", "enabled"), "mariadb.service": ("enabled", "enabled"), "fail2ban.service": ("enabled", "enabled"),
                  "certbot.timer": ("enabled", "enabled"), "netfilter-persistent.service": ("enabled", "enabled"), "php7.4-fpm.service": ("enabled", "enabled")})
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units, "VENDOR PRESET"))
    state.DESC["mariadb.service"] = "MariaDB 10.5.26 database server"
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "ssh.service", "cron.service", "rsyslog.service", "fail2ban.service", "mariadb.service", "postfix@-.service", "systemd-journald.service", "systemd-logind.service", "systemd-timesyncd.service")]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    stat = ""
    for u, pid, mem in (("nginx.service", "801 (nginx)", "12.0M"), ("mariadb.service", "930 (mariadbd)", "212.4M"), ("ssh.service", "712 (sshd)", "5.2M"), ("fail2ban.service", "598 (fail2ban-server)", "24.1M")):
        stat += state.status_block(b, u, "/lib/systemd/system/" + u, "enabled", "enabled", "active (running)", boot + 8 * S, main=pid, tasks="3 (limit: 2340)", mem=mem).replace("; preset: enabled)", "; vendor preset: enabled)") + "\n"
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/memory/free", state.free(2041132, 701244, 23320, 1021020))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_used=8812340, mem_kb=2041132))
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "nothing broke")
