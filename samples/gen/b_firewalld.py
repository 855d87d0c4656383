"""firewalld-after-reboot: firewalld enabled (not started) before a reboot; after boot the public zone rejects 80/443."""
import datetime as dt

from common import Bundle, clean_logs, boot_id
from noise import Web, Admin, ssh_scanners, unit_run, rand_ip, SCAN_PORTS
from boot import shutdown, debian_boot, RHEL_KERNEL
import state

S = dt.timedelta(seconds=1)
MAC = "00:50:56:8a:3c:11:00:50:56:8a:f0:01:08:00"
HOSTIP = "203.0.113.10"

state.DESC["nginx.service"] = "The nginx HTTP and reverse proxy server"


def reject(b, t, src, dpt, proto="TCP"):
    ttl = [44, 48, 51, 52, 54, 57, 113, 116, 241][sum(map(int, src.split("."))) % 9]
    if proto == "TCP":
        msg = "filter_IN_public_REJECT: IN=ens192 OUT= MAC=%s SRC=%s DST=%s LEN=60 TOS=0x00 PREC=0x00 TTL=%d ID=%d DF PROTO=TCP SPT=%d DPT=%d WINDOW=64240 RES=0x00 SYN URGP=0" % (
            MAC, src, HOSTIP, ttl, b.rnd.randint(1, 65535), b.rnd.randint(32768, 65535), dpt)
    else:
        msg = "filter_IN_public_REJECT: IN=ens192 OUT= MAC=%s SRC=%s DST=%s LEN=78 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=UDP SPT=%d DPT=%d LEN=58" % (
            MAC, src, HOSTIP, ttl, b.rnd.randint(1, 65535), b.rnd.randint(1024, 65535), dpt)
    b.sys(t, "kernel", msg, "kern", None, None, 4)


def rhel_timers(b, start, end):
    rnd = b.rnd
    h = start.replace(minute=0, second=0, microsecond=0)
    while h < end:
        t = h + dt.timedelta(minutes=1, seconds=1, milliseconds=rnd.randint(0, 900))
        if start <= t < end:
            p = b.newpid()
            b.sys(t, "CROND", "pam_unix(crond:session): session opened for user root(uid=0) by (uid=0)", "authpriv", p, "crond.service")
            b.sys(t, "CROND", "(root) CMD (run-parts /etc/cron.hourly)", "cron", p, "crond.service")
            q = b.newpid()
            b.sys(t + 0.01 * S, "run-parts", "(/etc/cron.hourly) starting 0anacron", "cron", q, "crond.service")
            b.sys(t + 0.02 * S, "run-parts", "(/etc/cron.hourly) finished 0anacron", "cron", q, "crond.service")
            b.sys(t + 0.03 * S, "CROND", "pam_unix(crond:session): session closed for user root", "authpriv", p, "crond.service")
        for m in range(0, 60, 10):
            t = h + dt.timedelta(minutes=m, milliseconds=rnd.randint(1, 600))
            if start <= t < end:
                unit_run(b, t, "sysstat-collect.service", "system activity accounting tool", rnd.uniform(0.02, 0.08))
        t = h + dt.timedelta(minutes=rnd.randint(20, 50), seconds=rnd.randint(0, 59))
        if start <= t < end and rnd.random() < 0.6:
            p = b.newpid()
            unit_run(b, t, "dnf-makecache.service", "dnf makecache", rnd.uniform(0.6, 3),
                     extra=[(0.5, "dnf", p, "Metadata cache refreshed recently.")] if rnd.random() < 0.7 else
                     [(0.4, "dnf", p, "Rocky Linux 9 - BaseOS                          5.1 kB/s | 4.1 kB     00:00"), (0.9, "dnf", p, "Metadata cache created.")],
                     consumed="%dms" % rnd.randint(300, 1900))
        h += dt.timedelta(hours=1)


def build():
    b = Bundle("firewalld-after-reboot", "app01", "America/New_York", "trad", "rhel", seed=1001, fqdn="app01.nyc1.example.com")
    clean_logs(b)
    b.site = "app01.nyc1.example.com"
    b.dateext, b.compress_logs = True, {"nginx/access.log", "nginx/error.log"}
    start = b.L("2026-06-11T00:00:05")
    wk = b.L("2026-06-14T00:00:06")
    drot = [b.L("2026-06-15T00:00:03"), b.L("2026-06-16T00:00:04")]
    reboot = b.L("2026-06-16T22:05:31.220")
    boot_t = b.L("2026-06-16T22:06:36.507")
    end = b.L("2026-06-16T23:10:44")
    adm = Admin(b, logind_pid=712)
    key = "RSA SHA256:q0yV2l0a1FvW0J7d1kq9xQbT3m8bXc0Qp3sD2fK4h1E"
    # maintenance: security baseline (firewalld) + kernel update, then reboot
    t = b.L("2026-06-16T21:38:12")
    cmds = [(25, "/bin/dnf -y update", "/home/rkhan"), (301, "/bin/dnf -y install firewalld", "/home/rkhan"),
            (352, "/bin/systemctl enable firewalld", "/home/rkhan"), (1630, "/bin/systemctl reboot", "/home/rkhan")]
    adm.session_(t, "rkhan", 1000, "198.51.100.140", cmds, dur=1639.4, key=key, sshd_unit="sshd.service")
    rpm = []
    tt = t + 60 * S
    for pkg in ["kernel-core-5.14.0-427.20.1.el9_4.x86_64", "kernel-modules-core-5.14.0-427.20.1.el9_4.x86_64", "kernel-modules-5.14.0-427.20.1.el9_4.x86_64",
                "kernel-5.14.0-427.20.1.el9_4.x86_64"]:
        tt += 9 * S
        rpm.append((tt, "Installed: " + pkg))
    for pkg in ["openssl-libs-1:3.0.7-27.el9.0.2.x86_64", "openssl-1:3.0.7-27.el9.0.2.x86_64", "nginx-core-1:1.20.1-14.el9_2.1.x86_64", "nginx-1:1.20.1-14.el9_2.1.x86_64"]:
        tt += 3 * S
        rpm.append((tt, "Upgrade: " + pkg))
    tt = t + 330 * S
    for pkg in ["python3-nftables-1:1.0.9-1.el9.x86_64", "ipset-libs-7.11-8.el9.x86_64", "ipset-7.11-8.el9.x86_64", "python3-firewall-1.3.4-1.el9.noarch",
                "firewalld-filesystem-1.3.4-1.el9.noarch", "firewalld-1.3.4-1.el9.noarch"]:
        tt += 1.7 * S
        rpm.append((tt, "Installed: " + pkg))
    b.rpmlog = "".join("%s SUBDEBUG %s\n" % (b.local(x).strftime("%Y-%m-%dT%H:%M:%S%z"), m) for x, m in rpm)
    b.sys(t + 330 * S, "systemd", "Reloading.", "daemon", 1, "init.scope")
    b.sys(t + 352.4 * S, "systemd", "Reloading.", "daemon", 1, "init.scope")
    last = shutdown(b, reboot, [
        ("nginx.service", []), ("crond.service", [("crond", 1011, "(CRON) INFO (Shutting down)")]),
        ("postfix.service", [("postfix/postfix-script", 8113, "stopping the Postfix mail system"), ("postfix/master", 1044, "terminating on signal 15")]),
        ("chronyd.service", [("chronyd", 655, "chronyd exiting")]),
        ("sshd.service", [("sshd", 712, "Received signal 15; terminating.")]), ("rsyslog.service", []),
    ], rsyslog_pid=688, logind_pid=711, reason="System is rebooting.")
    fw_up = boot_t + 4.9 * S
    debian_boot(b, boot_t, [
        ("chronyd.service", [(0.05, "chronyd", 655, "chronyd version 4.5 starting (+CMDMON +NTP +REFCLOCK +RTC +PRIVDROP +SCFILTER +SIGND +ASYNCDNS +NTS +SECHASH +IPV6 +DEBUG)"), (0.06, "chronyd", 655, "Loaded seccomp filter (level 2)")]),
        ("firewalld.service", [(1.2, "firewalld", 690, "")][:0]),
        ("sshd.service", [(0.05, "sshd", 712, "Server listening on 0.0.0.0 port 22."), (0.05, "sshd", 712, "Server listening on :: port 22.")]),
        ("nginx.service", [(0.02, "nginx", 790, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok"), (0.02, "nginx", 790, "nginx: configuration file /etc/nginx/nginx.conf test is successful")]),
        ("crond.service", [(0.01, "crond", 1011, "(CRON) STARTUP (1.5.7)"), (0.02, "crond", 1011, "(CRON) INFO (Syslog will be used instead of sendmail.)"), (0.03, "crond", 1011, "(CRON) INFO (RANDOM_DELAY will be scaled with factor 14% if used.)"), (0.04, "crond", 1011, "(CRON) INFO (running with inotify support)")]),
        ("postfix.service", [(0.6, "postfix/postfix-script", 1040, "starting the Postfix mail system"), (0.65, "postfix/master", 1044, "daemon started -- version 3.5.25, configuration /etc/postfix")]),
    ], kernel=RHEL_KERNEL, virt="vmware", rhel=True, rsyslog_pid=688)
    # find the firewalld "Started" line time
    fw_started = [r[0] for r in b.logs["messages"] if "Started firewalld.service" in r[2]][0]
    b.fw_started = fw_started
    # after the reboot: rkhan checks, everything "looks fine" locally
    t2 = b.L("2026-06-16T22:08:40")
    adm.session_(t2, "rkhan", 1000, "198.51.100.140", [(20, "/bin/systemctl status nginx", "/home/rkhan"), (41, "/bin/systemctl --failed", "/home/rkhan")], dur=95, key=key, sshd_unit="sshd.service")
    b.access(t2 + 63 * S, "127.0.0.1", "HEAD / HTTP/1.1", 200, 0, "-", "curl/7.76.1")
    t3 = b.L("2026-06-16T23:02:11")
    adm.session_(t3, "jdoe", 1001, "198.51.100.141", [(44, "/bin/tail -n 50 /var/log/nginx/error.log", "/home/jdoe"), (70, "/bin/ss -tlnp", "/home/jdoe"),
                                                        (150, "/sbin/sos report --batch --all-logs", "/home/jdoe")], dur=600, key="ED25519 SHA256:Vx3rZ0o7h2k9Nn8cD1q6Yp0sL4wEeT5uB7iM2aQ9fXg", sshd_unit="sshd.service")

    # noise
    def scanners_blocked(t, ip):
        return reboot <= t < boot_t + 6 * S
    ssh_scanners(b, start, end, per_hour=2.5, blocked=scanners_blocked)
    rhel_timers(b, start, reboot)
    rhel_timers(b, boot_t + 30 * S, end)
    # web: full traffic until reboot; after firewalld is up, every external SYN to 80/443 is rejected and logged
    blocked_hits = []
    def blocked(t, ip):
        if reboot <= t < boot_t + 6.5 * S:
            return True
        if t >= fw_started and not ip.startswith("127."):
            blocked_hits.append((t, ip))
            return True
        return False
    web = Web(b, peak=0.035)
    web.run(b.L("2026-06-15T00:00:00"), end, blocked=blocked)
    web.monitor(b.L("2026-06-15T00:00:00"), end, "198.51.100.77", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", path="/", every=60, size=14873, blocked=blocked)
    seen = {}
    for t, ip in sorted(blocked_hits):
        if ip in seen and (t - seen[ip]).total_seconds() < 2:
            continue
        seen[ip] = t
        dpt = 80 if ip == "198.51.100.77" else (443 if b.rnd.random() < 0.85 else 80)
        reject(b, t, ip, dpt)
        if b.rnd.random() < 0.3:  # client retries once
            reject(b, t + dt.timedelta(seconds=b.rnd.uniform(0.9, 1.2)), ip, dpt)
    # scanner ports after firewalld came up
    for t in __import__("noise").poisson_times(b.rnd, fw_started, end, lambda t: 30 / 3600):
        port = b.rnd.choice(SCAN_PORTS)
        reject(b, t, rand_ip(b.rnd), port, "UDP" if port in (5060, 11211) and b.rnd.random() < 0.5 else "TCP")
    for lg in ("messages", "secure", "cron", "maillog"):
        b.rotate(lg, [wk])
    for lg in ("nginx/access.log", "nginx/error.log"):
        b.rotate(lg, drot)
    b.base_files(end)
    b.write()
    b.file("var/log/dnf.rpm.log", b.rpmlog)
    b.file("var/log/firewalld", "")

    # config
    b.file("etc/redhat-release", "Rocky Linux release 9.4 (Blue Onyx)\n")
    b.file("etc/nginx/nginx.conf", NGINX_RHEL)
    b.file("etc/nginx/conf.d/app01.conf", """server {
    listen       443 ssl http2;
    listen       [::]:443 ssl http2;
    server_name  app01.nyc1.example.com;
    root         /usr/share/nginx/html;

    ssl_certificate "/etc/pki/nginx/server.crt";
    ssl_certificate_key "/etc/pki/nginx/private/server.key";
    ssl_session_cache shared:SSL:1m;
    ssl_session_timeout  10m;

    location / {
        try_files $uri $uri/ =404;
    }
}
""")
    b.file("etc/ssh/sshd_config", open(__file__.replace("b_firewalld.py", "sshd_config.debian")).read().replace("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server"))
    b.file("etc/firewalld/firewalld.conf", "# firewalld config file\n\n# default zone\nDefaultZone=public\n\n# Clean up on exit\nCleanupOnExit=yes\n\n# Lockdown\nLockdown=no\n\n# IPv6_rpfilter\nIPv6_rpfilter=yes\n\n# IndividualCalls\nIndividualCalls=no\n\n# LogDenied\n# set by the security baseline kickstart snippet (SEC-212)\nLogDenied=all\n\n# FirewallBackend\nFirewallBackend=nftables\n\n# FlushAllOnReload\nFlushAllOnReload=yes\n")
    b.file("etc/firewalld/zones/public.xml", '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>\n  <service name="ssh"/>\n  <service name="dhcpv6-client"/>\n  <forward/>\n</zone>\n')
    zones = []
    for z, target, ifs, svcs in (("block", "%%REJECT%%", "", ""), ("dmz", "default", "", "ssh"), ("drop", "DROP", "", ""),
                                 ("external", "default", "", "ssh"), ("home", "default", "", "cockpit dhcpv6-client mdns samba-client ssh"),
                                 ("internal", "default", "", "cockpit dhcpv6-client mdns samba-client ssh"), ("nm-shared", "ACCEPT", "", "dhcp dns ssh"),
                                 ("public (active, default)", "default", "ens192", "dhcpv6-client ssh"), ("trusted", "ACCEPT", "", ""), ("work", "default", "", "cockpit dhcpv6-client ssh")):
        zones.append("%s\n  target: %s\n  icmp-block-inversion: no\n  interfaces: %s\n  sources: \n  services: %s\n  ports: \n  protocols: \n  forward: yes\n  masquerade: %s\n  forward-ports: \n  source-ports: \n  icmp-blocks: \n  rich rules: \n"
                     % (z, target, ifs, svcs, "yes" if z == "external" else "no"))
    b.file("sos_commands/firewalld/firewall-cmd_--list-all-zones", "\n".join(zones))
    b.file("sos_commands/firewalld/firewall-cmd_--state", "running\n")
    b.file("sos_commands/firewalld/firewall-cmd_--get-log-denied", "all\n")
    units = {"auditd.service": ("enabled", "enabled"), "chronyd.service": ("enabled", "enabled"), "crond.service": ("enabled", "enabled"),
             "firewalld.service": ("enabled", "enabled"), "nginx.service": ("enabled", "disabled"), "sshd.service": ("enabled", "enabled"),
             "rsyslog.service": ("enabled", "enabled"), "postfix.service": ("enabled", "disabled"), "tuned.service": ("enabled", "enabled"),
             "NetworkManager.service": ("enabled", "enabled"), "dnf-makecache.timer": ("enabled", "enabled"), "sysstat.service": ("enabled", "enabled"),
             "sysstat-collect.timer": ("enabled", "enabled"), "sysstat-summary.timer": ("enabled", "enabled"), "logrotate.timer": ("enabled", "enabled"),
             "kdump.service": ("enabled", "enabled"), "systemd-journald.service": ("static", "-"), "systemd-logind.service": ("static", "-"),
             "qemu-guest-agent.service": ("enabled", "enabled"), "nftables.service": ("disabled", "disabled"), "iptables.service": ("disabled", "disabled")}
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "sshd.service", "crond.service", "rsyslog.service", "firewalld.service",
                                                                        "chronyd.service", "postfix.service", "auditd.service", "systemd-journald.service", "systemd-logind.service", "NetworkManager.service", "tuned.service")]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    ts = lambda x: b.local(x).strftime("%b %d %H:%M:%S")
    stat = state.status_block(b, "firewalld.service", "/usr/lib/systemd/system/firewalld.service", "enabled", "enabled", "active (running)", fw_started,
                              main="690 (firewalld)", tasks="2 (limit: 23002)", mem="41.2M", docs="man:firewalld(1)",
                              cgroup=["690 /usr/bin/python3 -s /usr/sbin/firewalld --nofork --nopid"],
                              journal=["%s app01 systemd[1]: Starting firewalld.service - firewalld - dynamic firewall daemon..." % ts(fw_started - 0.9 * S),
                                       "%s app01 systemd[1]: Started firewalld.service - firewalld - dynamic firewall daemon." % ts(fw_started)])
    ng = [r[0] for r in b.logs["messages"] if "Started nginx.service" in r[2]][0]
    stat += "\n" + state.status_block(b, "nginx.service", "/usr/lib/systemd/system/nginx.service", "enabled", "disabled", "active (running)", ng,
                                      main="801 (nginx)", tasks="3 (limit: 23002)", mem="4.7M",
                                      cgroup=["801 \"nginx: master process /usr/sbin/nginx\"", "802 \"nginx: worker process\"", "803 \"nginx: worker process\""],
                                      journal=["%s app01 systemd[1]: Starting nginx.service - The nginx HTTP and reverse proxy server..." % ts(ng - 0.1 * S),
                                               "%s app01 nginx[790]: nginx: the configuration file /etc/nginx/nginx.conf syntax is ok" % ts(ng),
                                               "%s app01 nginx[790]: nginx: configuration file /etc/nginx/nginx.conf test is successful" % ts(ng),
                                               "%s app01 systemd[1]: Started nginx.service - The nginx HTTP and reverse proxy server." % ts(ng)])
    stat += "\n" + state.status_block(b, "sshd.service", "/usr/lib/systemd/system/sshd.service", "enabled", "enabled", "active (running)", ng - 0.2 * S,
                                      main="712 (sshd)", tasks="1 (limit: 23002)", mem="2.1M", docs="man:sshd(8)\n             man:sshd_config(5)",
                                      cgroup=["712 \"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\""])
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/memory/free", state.free(7868216, 1210332, 20512, 2402880, 2097148, 0))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_size=36678148, root_used=6620112, dev="/dev/mapper/rl-root", mem_kb=7868216))
    b.file("sos_commands/kernel/uname_-a", "Linux app01.nyc1.example.com 5.14.0-427.20.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Fri Jun 7 13:40:24 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n")
    return b


NGINX_RHEL = """# For more information on configuration, see:
#   * Official English Documentation: http://nginx.org/en/docs/
#   * Official Russian Documentation: http://nginx.org/ru/docs/

user nginx;
worker_processes auto;
error_log /var/log/nginx/error.log;
pid /run/nginx.pid;

# Load dynamic modules. See /usr/share/doc/nginx/README.dynamic.
include /usr/share/nginx/modules/*.conf;

events {
    worker_connections 1024;
}

http {
    access_log  /var/log/nginx/access.log  combined;

    sendfile            on;
    tcp_nopush          on;
    keepalive_timeout   65;
    types_hash_max_size 4096;

    include             /etc/nginx/mime.types;
    default_type        application/octet-stream;

    # Load modular configuration files from the /etc/nginx/conf.d directory.
    # See http://nginx.org/en/docs/ngx_core_module.html#include
    # for more information.
    include /etc/nginx/conf.d/*.conf;

    server {
        listen       80;
        listen       [::]:80;
        server_name  _;
        root         /usr/share/nginx/html;

        # Load configuration files for the default server block.
        include /etc/nginx/default.d/*.conf;

        error_page 404 /404.html;
        location = /404.html {
        }

        error_page 500 502 503 504 /50x.html;
        location = /50x.html {
        }
    }
}
"""

if __name__ == "__main__":
    b = build()
    print(b.name, "firewalld started", b.fw_started.isoformat())
