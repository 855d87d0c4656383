"""fail2ban-banned-office: the office NAT address is banned by the sshd jail (nftables-allports)."""
import datetime as dt

from common import Bundle, clean_logs
from configs import debian_nginx_conf, site, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers, UAS, unit_run
import state

OFFICE = "198.51.100.23"
DECOY = "45.148.10.81"


class F2B:
    """Tiny fail2ban model: Found lines per failure, Ban at maxretry within findtime, Unban after bantime."""
    def __init__(self, b, pid, maxretry=5, findtime=600, bantime=3600, jail="sshd"):
        self.b, self.pid, self.max, self.find, self.bantime, self.jail = b, pid, maxretry, findtime, bantime, jail
        self.fails, self.banned, self.history = {}, {}, []

    def fail(self, t, ip):
        b = self.b
        if ip in self.banned and self.banned[ip] > t:
            return
        seen = t + dt.timedelta(milliseconds=b.rnd.randint(150, 900))
        b.f2b(seen, "fail2ban.filter", self.pid, "INFO", "[%s] Found %s - %s" % (self.jail, ip, b.local(t).strftime("%Y-%m-%d %H:%M:%S")))
        lst = [x for x in self.fails.get(ip, []) if (t - x).total_seconds() < self.find] + [t]
        self.fails[ip] = lst
        if len(lst) >= self.max:
            bt = seen + dt.timedelta(milliseconds=b.rnd.randint(300, 450))
            b.f2b(bt, "fail2ban.actions", self.pid, "NOTICE", "[%s] Ban %s" % (self.jail, ip))
            self.banned[ip] = bt + dt.timedelta(seconds=self.bantime)
            self.history.append((bt, ip))
            self.fails[ip] = []

    def finish(self, end):
        for ip, until in sorted(self.banned.items(), key=lambda x: x[1]):
            if until < end:
                self.b.f2b(until + dt.timedelta(milliseconds=self.b.rnd.randint(10, 400)), "fail2ban.actions", self.pid, "NOTICE", "[%s] Unban %s" % (self.jail, ip))

    def active(self, end):
        return [ip for ip, until in sorted(self.banned.items(), key=lambda x: x[1]) if until >= end]

    def is_banned(self, t, ip):
        for bt, bip in self.history:
            if bip == ip and bt <= t < bt + dt.timedelta(seconds=self.bantime):
                return True
        return False


def build():
    b = Bundle("fail2ban-banned-office", "web1", "Europe/Berlin", "iso", "debian", seed=2002, fqdn="web1.example.de")
    clean_logs(b)
    b.site = "www.example.de"
    start = b.L("2026-08-04T00:00:07")
    rot1, rot2 = b.L("2026-08-05T00:00:04"), b.L("2026-08-06T00:00:11")
    end = b.L("2026-08-06T14:58:40")  # sosreport collected
    ban_at = None
    f2b = F2B(b, 604, bantime=86400)

    # ---- incident: stale password from the office NAT, 13:57 local
    fails = []
    t = b.L("2026-08-06T14:02:09.311")
    for i in range(3):
        pid = b.newpid()
        port = 51000 + b.rnd.randint(0, 9000)
        b.sys(t, "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=jwagner" % OFFICE, "authpriv", pid, "ssh.service", 5)
        t2 = t + dt.timedelta(seconds=2.2)
        b.sys(t2, "sshd", "Failed password for jwagner from %s port %d ssh2" % (OFFICE, port), "auth", pid, "ssh.service")
        fails.append(t2)
        if i < 2:
            b.sys(t2 + dt.timedelta(seconds=1.9), "sshd", "Failed password for jwagner from %s port %d ssh2" % (OFFICE, port), "auth", pid, "ssh.service")
            fails.append(t2 + dt.timedelta(seconds=1.9))
            t3 = t2 + dt.timedelta(seconds=3.1)
            b.sys(t3, "sshd", "Connection closed by authenticating user jwagner %s port %d [preauth]" % (OFFICE, port), "auth", pid, "ssh.service")
        else:  # banned mid-connection: packets rejected, sshd gives up after LoginGraceTime
            t3 = t2 + dt.timedelta(seconds=120.4)
            b.sys(t3, "sshd", "fatal: Timeout before authentication for %s port %d" % (OFFICE, port), "auth", pid, "ssh.service", 3)
        t = t3 + dt.timedelta(seconds=b.rnd.uniform(9, 25))
    # decoy scanner earlier in the morning: 6 root attempts in 2 minutes
    t = b.L("2026-08-06T09:41:52.120")
    for i in range(6):
        pid = b.newpid()
        port = b.rnd.randint(33000, 60000)
        b.sys(t, "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root" % DECOY, "authpriv", pid, "ssh.service", 5)
        b.sys(t + dt.timedelta(seconds=2), "sshd", "Failed password for root from %s port %d ssh2" % (DECOY, port), "auth", pid, "ssh.service")
        f2b.fail(t + dt.timedelta(seconds=2), DECOY)
        b.sys(t + dt.timedelta(seconds=2.3), "sshd", "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (DECOY, port), "auth", pid, "ssh.service")
        b.sys(t + dt.timedelta(seconds=2.3), "sshd", "Disconnected from authenticating user root %s port %d [preauth]" % (DECOY, port), "auth", pid, "ssh.service")
        t += dt.timedelta(seconds=b.rnd.uniform(12, 22))
    for ft in fails:
        f2b.fail(ft, OFFICE)
    ban_at = [bt for bt, ip in f2b.history if ip == OFFICE][0]
    b.ban_at = ban_at

    # ---- noise
    scan_fail = []
    ssh_scanners(b, start, end, per_hour=5, on_fail=lambda t, ip: scan_fail.append((t, ip)))
    for t, ip in sorted(scan_fail):
        f2b.fail(t, ip)
    f2b.finish(end)
    debian_timers(b, start, end, phpsess=False,
                  cron_user_jobs=[(("h", range(0, 24)), "www-data", 33, 0, "/usr/bin/php /var/www/example.de/bin/console cron:run >/dev/null 2>&1")][:0])
    # admin work: office staff (legit) in the morning, remote admin in the evening
    adm = Admin(b, logind_pid=571)
    adm.session_(b.L("2026-08-05T10:12:40"), "mkoch", 1001, OFFICE, [(35, "/usr/bin/journalctl -u nginx --since today", "/home/mkoch"), (120, "/usr/bin/systemctl reload nginx", "/home/mkoch")])
    adm.session_(b.L("2026-08-05T19:47:03"), "tbauer", 1002, "203.0.113.91", [(22, "/usr/bin/apt list --upgradable", "/home/tbauer")])
    adm.session_(b.L("2026-08-06T08:31:15"), "mkoch", 1001, OFFICE, [(50, "/usr/bin/fail2ban-client status sshd", "/home/mkoch"), (95, "/usr/bin/tail -n 50 /var/log/nginx/error.log", "/home/mkoch")])
    adm.session_(b.L("2026-08-06T14:51:10"), "tbauer", 1002, "203.0.113.91",
                 [(31, "/usr/bin/tail -n 200 /var/log/nginx/access.log", "/home/tbauer"), (88, "/usr/bin/fail2ban-client status sshd", "/home/tbauer"),
                  (140, "/usr/sbin/nft list ruleset", "/home/tbauer"), (190, "/usr/sbin/sos report --batch", "/home/tbauer")], dur=440)
    # nginx reload by mkoch yesterday (config tweak), shows in syslog
    t = b.L("2026-08-05T10:14:40.512")
    b.sys(t, "systemd", "Reloading nginx.service - %s..." % state.DESC["nginx.service"], "daemon", 1, "init.scope")
    b.sys(t + dt.timedelta(milliseconds=64), "systemd", "Reloaded nginx.service - %s." % state.DESC["nginx.service"], "daemon", 1, "init.scope")
    # fail2ban.log rotation flush, postfix cron mails
    for rt in (rot1, rot2):
        b.f2b(rt + dt.timedelta(seconds=1.3), "fail2ban.server", 604, "INFO", "rollover performed on /var/log/fail2ban.log")
    # kernel noise: nothing logs rejects in nft here; sysstat etc. from timers

    # ---- web traffic: office staff browse/edit the site during office hours
    web = Web(b, peak=0.03, fixed_clients=[(OFFICE, UAS[0], 0.22, (8, 19)), (OFFICE, UAS[2], 0.08, (8, 19))])
    blocked = lambda t, ip: f2b.is_banned(t, ip)
    web.run(start, end, blocked=blocked)
    web.monitor(start, end, "192.0.2.200", "Blackbox Exporter/0.25.0", every=60)
    # office's own uptime check (Uptime Kuma in the office) every 120 s
    web.monitor(start, end, OFFICE, "Uptime-Kuma/1.23.13", path="/healthz", every=120, blocked=blocked)
    for rt in (rot1, rot2):
        for log in ("nginx/access.log", "nginx/error.log", "syslog", "auth.log", "fail2ban.log"):
            pass
    for log in ("nginx/access.log", "nginx/error.log", "syslog", "auth.log", "kern.log", "fail2ban.log", "mail.log"):
        b.rotate(log, [rot1, rot2])
    # a little nginx error noise
    for t in sorted(b.rnd.uniform(0, 1) for _ in range(9)):
        tt = start + (end - start) * t
        b.nginx_error(tt, "crit", 812, "*%d SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: %s, server: 0.0.0.0:443" % (b.rnd.randint(1000, 90000), "%d.%d.%d.%d" % (b.rnd.randint(20, 200), b.rnd.randint(0, 255), b.rnd.randint(0, 255), b.rnd.randint(1, 254))))
    b.base_files(end)
    b.write()

    # ---- config + state
    b.file("etc/nginx/nginx.conf", debian_nginx_conf())
    b.file("etc/nginx/sites-enabled/default", site("www.example.de example.de"))
    b.file("etc/ssh/sshd_config", sshd_config())
    b.file("etc/fail2ban/jail.local", """[DEFAULT]
# office NAT is NOT whitelisted here (ignoreip) - see ticket OPS-1142
ignoreip = 127.0.0.1/8 ::1
bantime  = 1h
findtime = 10m
maxretry = 5
banaction = nftables-multiport
banaction_allports = nftables-allports

[sshd]
enabled   = true
port      = ssh
backend   = auto
logpath   = %(sshd_log)s
# brute forcers get the whole host blocked for a day
banaction = nftables-allports
bantime   = 1d
""")
    act = f2b.active(end)
    total = len(f2b.history)
    b.file("sos_commands/fail2ban/fail2ban-client_status", "Status\n|- Number of jail:\t1\n`- Jail list:\tsshd\n")
    nfails = sum(len(v) for v in f2b.fails.values())
    b.file("sos_commands/fail2ban/fail2ban-client_status_sshd",
           "Status for the jail: sshd\n|- Filter\n|  |- Currently failed:\t%d\n|  |- Total failed:\t%d\n|  `- File list:\t/var/log/auth.log\n`- Actions\n   |- Currently banned:\t%d\n   |- Total banned:\t%d\n   `- Banned IP list:\t%s\n"
           % (len([k for k, v in f2b.fails.items() if v and (end - v[-1]).total_seconds() < 600]), 11873 + nfails, len(act), 412 + total, " ".join(act)))
    import os, re
    p = os.path.join(b.dir, "sos_commands/nft/nft_list_ruleset")
    s = open(p).read()
    s = re.sub(r"elements = \{ [^}]* \}", "elements = { %s }" % ", ".join(act), s)
    open(p, "w").write(s)
    units = dict(state.BASE_UNIT_FILES)
    units.update({"nginx.service": ("enabled", "enabled"), "fail2ban.service": ("enabled", "enabled")})
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "ssh.service", "cron.service", "rsyslog.service", "fail2ban.service", "postfix@-.service", "systemd-journald.service", "systemd-logind.service", "systemd-timesyncd.service", "dbus.service")]
    rows += [("postfix.service", "loaded", "active", "exited", state.DESC["postfix.service"]), ("networking.service", "loaded", "active", "exited", state.DESC["networking.service"])]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    boot = b.L("2026-07-21T05:02:31")
    banline = "%s %s fail2ban-server[604]" % (b.local(ban_at).strftime("%b %d %H:%M:%S"), b.host)
    stat = state.status_block(b, "nginx.service", "/lib/systemd/system/nginx.service", "enabled", "enabled", "active (running)", boot + dt.timedelta(seconds=9),
                              main="812 (nginx)", tasks="3 (limit: 4644)", mem="11.9M", docs="man:nginx(8)",
                              cgroup=["812 \"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\"", "5114 \"nginx: worker process\"", "5115 \"nginx: worker process\""],
                              journal=["Aug 05 10:14:40 web1 systemd[1]: Reloading nginx.service - A high performance web server and a reverse proxy server...",
                                       "Aug 05 10:14:40 web1 systemd[1]: Reloaded nginx.service - A high performance web server and a reverse proxy server."])
    stat += "\n" + state.status_block(b, "fail2ban.service", "/lib/systemd/system/fail2ban.service", "enabled", "enabled", "active (running)", boot + dt.timedelta(seconds=8),
                                      main="604 (fail2ban-server)", tasks="5 (limit: 4644)", mem="27.4M", docs="man:fail2ban(1)",
                                      cgroup=["604 /usr/bin/python3 /usr/bin/fail2ban-server -xf start"],
                                      journal=["Jul 21 07:02:39 web1 systemd[1]: Started fail2ban.service - Fail2Ban Service.",
                                               "Jul 21 07:02:40 web1 fail2ban-server[604]: Server ready"])
    stat += "\n" + state.status_block(b, "ssh.service", "/lib/systemd/system/ssh.service", "enabled", "enabled", "active (running)", boot + dt.timedelta(seconds=7),
                                      main="711 (sshd)", tasks="1 (limit: 4644)", mem="6.1M", docs="man:sshd(8)\n             man:sshd_config(5)",
                                      cgroup=["711 \"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\""])
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/memory/free", state.free(4005340, 812244, 14320, 2311020))
    b.file("sos_commands/filesys/df_-al", state.std_df())
    b.file("sos_commands/systemd/systemctl_--failed", "  UNIT LOAD ACTIVE SUB DESCRIPTION\n0 loaded units listed.\n")
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "ban at", b.ban_at.isoformat())
