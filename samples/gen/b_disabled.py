"""nginx-disabled-after-reboot: nginx was disabled days ago, the kernel-update reboot leaves it stopped."""
import datetime as dt

from common import Bundle, clean_logs, boot_id
from configs import debian_nginx_conf, site, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers
from boot import shutdown, debian_boot, DEB_KERNEL
import state

S = dt.timedelta(seconds=1)


def build():
    b = Bundle("nginx-disabled-after-reboot", "www2", "UTC", "iso", "debian", seed=3003, fqdn="www2.example.org")
    clean_logs(b)
    b.site = "www.example.org"
    b.journal = []
    start = b.L("2026-10-04T00:00:03")
    wk_rot = b.L("2026-10-11T00:00:09")
    d_rot = [b.L("2026-10-12T00:00:05"), b.L("2026-10-13T00:00:12")]
    reboot = b.L("2026-10-13T06:21:14.402")
    boot_t = b.L("2026-10-13T06:21:52.118")
    end = b.L("2026-10-13T09:47:31")
    b.boots = [(b.L("2026-09-29T04:10:02"), boot_id(b.rnd)), (boot_t, boot_id(b.rnd))]
    journal_from = b.L("2026-10-12T18:00:00")

    adm = Admin(b, logind_pid=552)
    # Thu Oct 9: lmeyer disables nginx (migration to the new edge proxy was planned, then postponed)
    t = b.L("2026-10-09T15:41:07")
    adm.session_(t, "lmeyer", 1001, "203.0.113.60",
                 [(40, "/usr/bin/systemctl status nginx", "/home/lmeyer"), (71, "/usr/bin/systemctl disable nginx", "/home/lmeyer"),
                  (140, "/usr/bin/vim /etc/nginx/sites-available/default", "/home/lmeyer")], dur=600)
    b.sys(t + 71.2 * S, "systemd", "Reloading.", "daemon", 1, "init.scope")
    # Tue Oct 13: kernel update + reboot
    t = b.L("2026-10-13T06:10:48")
    adm.session_(t, "lmeyer", 1001, "203.0.113.60",
                 [(21, "/usr/bin/apt-get update", "/home/lmeyer"), (104, "/usr/bin/apt-get -y upgrade", "/home/lmeyer"),
                  (626, "/usr/sbin/reboot", "/home/lmeyer")], dur=626.5)
    up = t + 104 * S
    pk = [("linux-image-6.1.0-26-amd64", "<none>", "6.1.112-1"), ("linux-image-amd64", "6.1.106-3", "6.1.112-1"),
          ("libexpat1", "2.5.0-1+deb12u1", "2.5.0-1+deb12u2"), ("openssl", "3.0.14-1~deb12u1", "3.0.14-1~deb12u2"),
          ("libssl3", "3.0.14-1~deb12u1", "3.0.14-1~deb12u2")]
    tt = up + 6 * S
    b.dpkg(tt, "startup archives unpack")
    for name, old, new in pk:
        tt += 1.3 * S
        b.dpkg(tt, "%s %s:amd64 %s %s" % ("install" if old == "<none>" else "upgrade", name, old, new))
        b.dpkg(tt, "status half-installed %s:amd64 %s" % (name, old if old != "<none>" else new))
        tt += (7 if "image" in name else 0.4) * S
        b.dpkg(tt, "status unpacked %s:amd64 %s" % (name, new))
    b.dpkg(tt + S, "startup packages configure")
    tt += S
    for name, old, new in pk:
        b.dpkg(tt, "configure %s:amd64 %s <none>" % (name, new))
        b.dpkg(tt, "status unpacked %s:amd64 %s" % (name, new))
        b.dpkg(tt, "status half-configured %s:amd64 %s" % (name, new))
        tt += (18 if name.startswith("linux-image-6") else 0.3) * S
        b.dpkg(tt, "status installed %s:amd64 %s" % (name, new))
    b.dpkg(tt, "trigproc libc-bin:amd64 2.36-9+deb12u8 <none>")
    b.dpkg(tt, "status half-configured libc-bin:amd64 2.36-9+deb12u8")
    b.dpkg(tt + 0.2 * S, "status installed libc-bin:amd64 2.36-9+deb12u8")
    b.apt_hist = ("\nStart-Date: %s\nCommandline: apt-get -y upgrade\nRequested-By: lmeyer (1001)\nInstall: linux-image-6.1.0-26-amd64:amd64 (6.1.112-1, automatic)\n"
                  "Upgrade: libexpat1:amd64 (2.5.0-1+deb12u1, 2.5.0-1+deb12u2), linux-image-amd64:amd64 (6.1.106-3, 6.1.112-1), openssl:amd64 (3.0.14-1~deb12u1, 3.0.14-1~deb12u2), libssl3:amd64 (3.0.14-1~deb12u1, 3.0.14-1~deb12u2)\nEnd-Date: %s\n"
                  % (b.local(up + 5 * S).strftime("%Y-%m-%d  %H:%M:%S"), b.local(tt + 1 * S).strftime("%Y-%m-%d  %H:%M:%S")))
    for off, msg in ((2, "Reloading."), (3, "Starting man-db.service - Daily man-db regeneration...")):
        b.sys(tt + off * S, "systemd", msg, "daemon", 1, "init.scope")
    b.sys(tt + 4 * S, "systemd", "man-db.service: Deactivated successfully.", "daemon", 1, "init.scope")
    b.sys(tt + 4 * S, "systemd", "Finished man-db.service - Daily man-db regeneration.", "daemon", 1, "init.scope")

    last = shutdown(b, reboot + 0.05 * S, [
        ("nginx.service", []),
        ("cron.service", []),
        ("postfix.service", []),
        ("postfix@-.service", [("postfix/postfix-script", 31208, "stopping the Postfix mail system"), ("postfix/master", 1044, "terminating on signal 15")]),
        ("ssh.service", [("sshd", 712, "Received signal 15; terminating.")]),
        ("systemd-timesyncd.service", []),
        ("rsyslog.service", []),
        ("systemd-logind.service", []),
        ("systemd-journald.service", []),
    ])
    b.shutdown_t = last
    debian_boot(b, boot_t, [
        ("systemd-timesyncd.service", [(0.4, "systemd-timesyncd", 498, "Network configuration changed, trying to establish connection."), (0.9, "systemd-timesyncd", 498, "Contacted time server 192.0.2.123:123 (0.debian.pool.ntp.org).")]),
        ("cron.service", [(0.05, "cron", 631, "(CRON) INFO (pidfile fd = 3)"), (0.06, "cron", 631, "(CRON) INFO (Running @reboot jobs)")]),
        ("ssh.service", [(0.08, "sshd", 712, "Server listening on 0.0.0.0 port 22."), (0.08, "sshd", 712, "Server listening on :: port 22.")]),
        ("postfix@-.service", [(0.9, "postfix/postfix-script", 1021, "starting the Postfix mail system"), (0.95, "postfix/master", 1044, "daemon started -- version 3.7.11, configuration /etc/postfix")]),
        ("postfix.service", []),
    ])
    b.sys(boot_t + 9 * S, "systemd-logind", "New seat seat0.", "auth", 552, "systemd-logind.service")
    # the next morning: tbauer investigates
    adm.session_(b.L("2026-10-13T09:38:02"), "tbauer", 1002, "203.0.113.91",
                 [(35, "/usr/bin/systemctl status nginx", "/home/tbauer"), (61, "/usr/bin/ss -tlnp", "/home/tbauer"), (300, "/usr/sbin/sos report --batch", "/home/tbauer")], dur=700)

    # noise
    ssh_scanners(b, start, end, per_hour=1.5, blocked=lambda t, ip: reboot <= t < boot_t + 10 * S)
    debian_timers(b, start, reboot, sysstat=False)
    debian_timers(b, boot_t + 60 * S, end, sysstat=False)

    # web: up to the reboot; nothing after (nginx never started)
    web = Web(b, peak=0.035)
    web.run(b.L("2026-10-11T00:00:00"), reboot)
    web.monitor(b.L("2026-10-11T00:00:00"), reboot, "192.0.2.200", "Blackbox Exporter/0.25.0", every=60)
    for lg in ("nginx/access.log", "nginx/error.log"):
        b.rotate(lg, d_rot)
    for lg in ("syslog", "auth.log", "kern.log", "mail.log"):
        b.rotate(lg, [wk_rot])
    # nginx's own shutdown notice is not logged at the default error level; error log gets TLS noise only
    for x in range(5):
        tt = b.L("2026-10-11T00:00:00") + (reboot - b.L("2026-10-11T00:00:00")) * b.rnd.random()
        b.nginx_error(tt, "crit", 803, "*%d SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 45.%d.%d.%d, server: 0.0.0.0:443" % (b.rnd.randint(900, 90000), b.rnd.randint(0, 255), b.rnd.randint(0, 255), b.rnd.randint(1, 254)))

    # journal: keep only the tail (journald vacuumed to a small SystemMaxUse)
    b.base_files(end)
    b.write()
    b.journal = None
    import json, os
    p = os.path.join(b.dir, "sos_commands/logs/journalctl_--no-pager_-o_json")
    rows = [l for l in open(p) if int(json.loads(l)["__REALTIME_TIMESTAMP"]) >= int(journal_from.timestamp() * 1e6)]
    open(p, "w").writelines(rows)
    b.file("var/log/apt/history.log", b.apt_hist)

    # config + state
    b.file("etc/nginx/nginx.conf", debian_nginx_conf())
    b.file("etc/nginx/sites-enabled/default", site("www.example.org example.org"))
    b.file("etc/ssh/sshd_config", sshd_config())
    units = dict(state.BASE_UNIT_FILES)
    units["nginx.service"] = ("disabled", "enabled")
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("ssh.service", "cron.service", "rsyslog.service", "postfix@-.service", "systemd-journald.service", "systemd-logind.service", "systemd-timesyncd.service", "dbus.service")]
    rows += [("postfix.service", "loaded", "active", "exited", state.DESC["postfix.service"]), ("networking.service", "loaded", "active", "exited", state.DESC["networking.service"])]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    sh = b.local(b.shutdown_t)
    stat = state.status_block(b, "nginx.service", "/lib/systemd/system/nginx.service", "disabled", "enabled", "inactive (dead)", None, docs="man:nginx(8)")
    stat += "\n" + state.status_block(b, "ssh.service", "/lib/systemd/system/ssh.service", "enabled", "enabled", "active (running)", boot_t + 3.4 * S,
                                      main="712 (sshd)", tasks="1 (limit: 4644)", mem="5.8M", docs="man:sshd(8)\n             man:sshd_config(5)",
                                      cgroup=["712 \"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\""],
                                      journal=["Oct 13 06:21:55 www2 systemd[1]: Starting ssh.service - OpenBSD Secure Shell server...",
                                               "Oct 13 06:21:55 www2 sshd[712]: Server listening on 0.0.0.0 port 22.",
                                               "Oct 13 06:21:55 www2 sshd[712]: Server listening on :: port 22.",
                                               "Oct 13 06:21:55 www2 systemd[1]: Started ssh.service - OpenBSD Secure Shell server."])
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/systemd/systemctl_is-enabled_nginx", "disabled\n")
    b.file("sos_commands/systemd/systemctl_--failed", "  UNIT LOAD ACTIVE SUB DESCRIPTION\n0 loaded units listed.\n")
    b.file("sos_commands/kernel/uname_-a", "Linux www2 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64 GNU/Linux\n")
    b.file("sos_commands/memory/free", state.free(4005340, 301244, 1320, 410020))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_used=7012340, dev="/dev/vda1"))
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "shutdown at", b.shutdown_t.isoformat())
