"""sshd-port-10022: sshd moved to port 10022 on New Year's Eve; ufw only allows 22. Logs span Dec 31 -> Jan 1 (year-less)."""
import datetime as dt

from common import Bundle, clean_logs
from configs import debian_nginx_conf, site, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers, unit_run, rand_ip, poisson_times, SCAN_PORTS
import state

S = dt.timedelta(seconds=1)
HOSTIP = "198.51.100.12"
MAC = "fa:16:3e:4d:90:21:fa:16:3e:00:00:01:08:00"


def ufw_block(b, t, src, dpt, boot, syn60=False, spt=None):
    up = (t - boot).total_seconds()
    ttl = [45, 49, 53, 110, 115, 239, 244][sum(map(int, src.split("."))) % 7]
    if syn60:
        body = "LEN=60 TOS=0x00 PREC=0x00 TTL=%d ID=%d DF PROTO=TCP SPT=%d DPT=%d WINDOW=64240 RES=0x00 SYN URGP=0 " % (ttl, b.rnd.randint(1, 65535), spt, dpt)
    else:
        body = "LEN=44 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0 " % (ttl, b.rnd.randint(1, 65535), b.rnd.randint(1024, 65535), dpt)
    b.sys(t, "kernel", "[%12.6f] [UFW BLOCK] IN=eth0 OUT= MAC=%s SRC=%s DST=%s %s" % (up, MAC, src, HOSTIP, body), "kern", None, None, 4)


def build():
    b = Bundle("sshd-port-10022", "edge-web1", "UTC", "trad", "debian", seed=6006, fqdn="edge-web1.example.net")
    b.sd = 249
    clean_logs(b)
    b.site = "www.example.net"
    start = b.L("2025-12-30T00:00:02")
    rots = [b.L("2025-12-31T00:00:04"), b.L("2026-01-01T00:00:03")]
    end = b.L("2026-01-01T03:05:47")
    boot = b.L("2025-12-02T10:41:09")
    adm = Admin(b, logind_pid=640)

    # New Year's Eve hardening by akowalski
    t = b.L("2025-12-31T23:36:51")
    cmds = [(30, "/usr/bin/cp /etc/ssh/sshd_config /etc/ssh/sshd_config.2025-12-31", "/home/akowalski"),
            (52, "/usr/bin/sed -i s/^#Port 22/Port 10022/ /etc/ssh/sshd_config", "/home/akowalski"),
            (301, "/usr/sbin/sshd -t", "/home/akowalski"),
            (326.8, "/usr/bin/systemctl restart ssh", "/home/akowalski")]
    adm.session_(t, "akowalski", 1000, "203.0.113.201", cmds, dur=402)
    tr = t + 327 * S
    b.sys(tr, "systemd", "Stopping OpenBSD Secure Shell server...", "daemon", 1, "init.scope")
    b.sys(tr + 0.002 * S, "sshd", "Received signal 15; terminating.", "auth", 703, "ssh.service")
    b.sys(tr + 0.011 * S, "systemd", "ssh.service: Deactivated successfully.", "daemon", 1, "init.scope")
    b.sys(tr + 0.011 * S, "systemd", "Stopped OpenBSD Secure Shell server.", "daemon", 1, "init.scope")
    b.sys(tr + 0.013 * S, "systemd", "Starting OpenBSD Secure Shell server...", "daemon", 1, "init.scope")
    b.sys(tr + 0.041 * S, "sshd", "Server listening on 0.0.0.0 port 10022.", "auth", 48211, "ssh.service")
    b.sys(tr + 0.041 * S, "sshd", "Server listening on :: port 10022.", "auth", 48211, "ssh.service")
    b.sys(tr + 0.044 * S, "systemd", "Started OpenBSD Secure Shell server.", "daemon", 1, "init.scope")
    b.change = tr + 0.041 * S
    # earlier normal logins on port 22
    adm.session_(b.L("2025-12-30T10:15:02"), "akowalski", 1000, "203.0.113.201", [(40, "/usr/bin/apt-get update", "/home/akowalski"), (90, "/usr/bin/apt-get -y upgrade", "/home/akowalski")])
    adm.session_(b.L("2025-12-31T09:12:47"), "ops", 1001, "198.51.100.70", [(60, "/usr/bin/journalctl -u nginx --since yesterday", "/home/ops")])
    adm.session_(b.L("2025-12-31T16:44:03"), "ops", 1001, "198.51.100.70", [(33, "/usr/bin/systemctl reload nginx", "/home/ops")])
    tl = b.L("2025-12-31T16:44:36.2")
    b.sys(tl, "systemd", "Reloading A high performance web server and a reverse proxy server...", "daemon", 1, "init.scope")
    b.sys(tl + 0.05 * S, "systemd", "Reloaded A high performance web server and a reverse proxy server.", "daemon", 1, "init.scope")
    # after the change: ops tries to log in (SYN retries 1,2,4,8,16 s), all blocked by ufw on 10022 / refused on 22
    for tt in (b.L("2026-01-01T00:31:12.3"), b.L("2026-01-01T01:10:40.8"), b.L("2026-01-01T02:38:05.1")):
        for src in ("198.51.100.70",):
            spt = b.rnd.randint(40000, 60999)
            x = tt
            for d in (0, 1, 2, 4, 8, 16):
                x = x + d * S
                ufw_block(b, x + dt.timedelta(milliseconds=b.rnd.randint(0, 20)), src, 10022, boot, syn60=True, spt=spt)
    # collection through the provider's serial console
    tc = b.L("2026-01-01T02:51:10")
    b.sys(tc, "login", "pam_unix(login:session): session opened for user root(uid=0) by LOGIN(uid=0)", "authpriv", 51007, "serial-getty@ttyS0.service")
    b.sys(tc + 0.02 * S, "systemd-logind", "New session c1 of user root.", "auth", 640, "systemd-logind.service")
    b.sys(tc + 0.03 * S, "login", "ROOT LOGIN  on '/dev/ttyS0'", "authpriv", 51007, "serial-getty@ttyS0.service", 5)

    # noise: scanners reach sshd on 22 until the change; afterwards 22 is closed (RST, not logged)
    ssh_scanners(b, start, end, per_hour=5, blocked=lambda t, ip: t >= b.change)
    # monitoring: check_ssh every 5 min from 192.0.2.250 (connect + banner, then close)
    tt = start + 17 * S
    while tt < b.change:
        b.sys(tt, "sshd", "Connection closed by 192.0.2.250 port %d [preauth]" % b.rnd.randint(32768, 60999), "auth", b.newpid(), "ssh.service")
        tt += dt.timedelta(seconds=300, milliseconds=b.rnd.randint(-300, 300))
    debian_timers(b, start, end, sysstat=False)
    for tt in poisson_times(b.rnd, start, end, lambda t: 16 / 3600):
        ufw_block(b, tt, rand_ip(b.rnd), b.rnd.choice(SCAN_PORTS + [10022] if tt > start else SCAN_PORTS), boot)
    web = Web(b, peak=0.03)
    web.run(start, end)
    web.monitor(start, end, "192.0.2.250", "Blackbox Exporter/0.25.0", every=60)
    for lg in ("nginx/access.log", "nginx/error.log", "syslog", "auth.log", "kern.log", "mail.log"):
        b.rotate(lg, rots)
    b.base_files(end)
    b.write()

    b.file("etc/os-release", 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.5 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n')
    b.file("etc/nginx/nginx.conf", debian_nginx_conf())
    b.file("etc/nginx/sites-enabled/default", site("www.example.net example.net"))
    b.file("etc/ssh/sshd_config", sshd_config(port=10022))
    b.file("etc/ufw/user.rules", "*filter\n:ufw-user-input - [0:0]\n:ufw-user-output - [0:0]\n:ufw-user-forward - [0:0]\n:ufw-before-logging-input - [0:0]\n:ufw-before-logging-output - [0:0]\n:ufw-before-logging-forward - [0:0]\n:ufw-user-logging-input - [0:0]\n:ufw-user-logging-output - [0:0]\n:ufw-user-logging-forward - [0:0]\n:ufw-after-logging-input - [0:0]\n:ufw-after-logging-output - [0:0]\n:ufw-after-logging-forward - [0:0]\n:ufw-logging-deny - [0:0]\n:ufw-logging-allow - [0:0]\n:ufw-user-limit - [0:0]\n:ufw-user-limit-accept - [0:0]\n### RULES ###\n\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n\n### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 80 -j ACCEPT\n\n### tuple ### allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 443 -j ACCEPT\n\n### END RULES ###\n\n### LOGGING ###\n-A ufw-after-logging-input -j LOG --log-prefix \"[UFW BLOCK] \" -m limit --limit 3/min --limit-burst 10\n-A ufw-after-logging-forward -j LOG --log-prefix \"[UFW BLOCK] \" -m limit --limit 3/min --limit-burst 10\n-I ufw-logging-deny -m conntrack --ctstate INVALID -j RETURN -m limit --limit 3/min --limit-burst 10\n-A ufw-logging-deny -j LOG --log-prefix \"[UFW BLOCK] \" -m limit --limit 3/min --limit-burst 10\n-A ufw-logging-allow -j LOG --log-prefix \"[UFW ALLOW] \" -m limit --limit 3/min --limit-burst 10\n### END LOGGING ###\n\n### RATE LIMITING ###\n-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n-A ufw-user-limit -j REJECT\n-A ufw-user-limit-accept -j ACCEPT\n### END RATE LIMITING ###\nCOMMIT\n")
    b.fix_save_stamps()
    units = dict(state.BASE_UNIT_FILES)
    for k in ("sysstat.service", "sysstat-collect.timer", "sysstat-summary.timer", "dpkg-db-backup.timer"):
        units.pop(k, None)
    units.update({"nginx.service": ("enabled", "enabled"), "ufw.service": ("enabled", "enabled"), "systemd-resolved.service": ("enabled", "enabled"), "snapd.service": ("enabled", "enabled")})
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units, "VENDOR PRESET"))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "ssh.service", "cron.service", "rsyslog.service", "systemd-resolved.service", "systemd-journald.service", "systemd-logind.service", "snapd.service", "serial-getty@ttyS0.service")]
    rows += [("ufw.service", "loaded", "active", "exited", state.DESC["ufw.service"])]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    stat = state.status_block(b, "ssh.service", "/lib/systemd/system/ssh.service", "enabled", "enabled", "active (running)", b.change - 0.03 * S,
                              main="48211 (sshd)", tasks="1 (limit: 2274)", mem="1.7M", docs="man:sshd(8)\n             man:sshd_config(5)",
                              extra=["    Process: 48209 ExecStartPre=/usr/sbin/sshd -t (code=exited, status=0/SUCCESS)"],
                              cgroup=["48211 \"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\""],
                              journal=["Dec 31 23:42:18 edge-web1 systemd[1]: Starting OpenBSD Secure Shell server...",
                                       "Dec 31 23:42:18 edge-web1 sshd[48211]: Server listening on 0.0.0.0 port 10022.",
                                       "Dec 31 23:42:18 edge-web1 sshd[48211]: Server listening on :: port 10022.",
                                       "Dec 31 23:42:18 edge-web1 systemd[1]: Started OpenBSD Secure Shell server."]).replace("; preset: enabled)", "; vendor preset: enabled)")
    stat += "\n" + state.status_block(b, "ufw.service", "/lib/systemd/system/ufw.service", "enabled", "enabled", "active (exited)", boot + 4 * S, docs="man:ufw(8)",
                                      extra=["    Process: 402 ExecStart=/lib/ufw/ufw-init start quiet (code=exited, status=0/SUCCESS)", "   Main PID: 402 (code=exited, status=0/SUCCESS)"]).replace("; preset: enabled)", "; vendor preset: enabled)")
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/memory/free", state.free(2012300, 611420, 2120, 1012050))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_size=20134592, root_used=5312440, dev="/dev/vda1", mem_kb=2012300))
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "sshd on 10022 at", b.change.isoformat())
