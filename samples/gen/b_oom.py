"""db-oom-502: newsletter mail burst + memory pressure, OOM killer kills mariadbd, shop-api (BindsTo=mariadb) stops, nginx 502."""
import datetime as dt
import os

from common import Bundle, clean_logs
from configs import debian_nginx_conf, site, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers, unit_run, rand_ip, poisson_times
import state

S = dt.timedelta(seconds=1)
MS = dt.timedelta(milliseconds=1)
DOMAINS = ["example.org", "example.net", "mail.example.com", "example.edu", "example.co.uk", "example.de"]
MX = {"example.org": ("mx1.example.org", "192.0.2.25"), "example.net": ("mx.example.net", "198.51.100.25"), "mail.example.com": ("mx.mail.example.com", "203.0.113.25"),
      "example.edu": ("mx-a.example.edu", "192.0.2.26"), "example.co.uk": ("mail.example.co.uk", "198.51.100.26"), "example.de": ("mx00.example.de", "203.0.113.26")}
NAMES = ["anna", "ben", "carla", "dmitri", "elif", "farid", "greta", "hugo", "ines", "jonas", "kim", "lars", "mia", "noah", "olga", "paul", "rosa", "sven", "tara", "umar"]
QCH = "0123456789ABCDEF"


def qid(rnd):
    return "".join(rnd.choice(QCH) for _ in range(11))


def mysql_start_lines(pid, ok, bp="1024m"):
    out = ["[Note] Starting MariaDB 10.11.19-MariaDB-0+deb12u1 source revision 5843d8475120241667a7ce0f8a1abb6c9b43a273 server_uid ZHZqz4mhFi9ZRU1e1BP0cYLetug= as process %d" % pid,
           "[Note] InnoDB: Compressed tables use zlib 1.2.13", "[Note] InnoDB: Using transactional memory", "[Note] InnoDB: Number of transaction pools: 1",
           "[Note] InnoDB: Using crc32 + pclmulqdq instructions", "[Note] InnoDB: Using io_uring",
           "[Note] InnoDB: innodb_buffer_pool_size_max=%s, innodb_buffer_pool_size=%s" % ("1024m", bp)]
    if ok:
        out += ["[Note] InnoDB: Completed initialization of buffer pool", "[Note] InnoDB: File system buffers for log disabled (block size=4096 bytes)",
                "[Note] InnoDB: End of log at LSN=1839374821", "[Note] InnoDB: 128 rollback segments are active.",
                "[Note] InnoDB: Setting file './ibtmp1' size to 12.000MiB. Physically writing the file full; Please wait ...",
                "[Note] InnoDB: File './ibtmp1' size is now 12.000MiB.", "[Note] InnoDB: log sequence number 1839374821; transaction id 4412093",
                "[Note] Plugin 'FEEDBACK' is disabled.", "[Note] InnoDB: Loading buffer pool(s) from /var/lib/mysql/ib_buffer_pool",
                "[Note] Server socket created on IP: '127.0.0.1', port: '3306'.", "[Note] InnoDB: Buffer pool(s) load completed at %s",
                "[Note] /usr/sbin/mariadbd: ready for connections."]
    else:
        out += ["[ERROR] InnoDB: Cannot allocate memory for the buffer pool", "[ERROR] InnoDB: Plugin initialization aborted with error Generic error",
                "[ERROR] Plugin 'InnoDB' registration as a STORAGE ENGINE failed.", "[Note] Plugin 'FEEDBACK' is disabled.",
                "[ERROR] Unknown/unsupported storage engine: InnoDB", "[ERROR] Aborting"]
    return out


def build():
    b = Bundle("db-oom-502", "app2", "UTC", "iso", "debian", seed=5005, fqdn="app2.example.com")
    clean_logs(b)
    b.site = "shop.example.com"
    start = b.L("2026-05-17T00:00:03")
    rots = [b.L("2026-05-18T00:00:06"), b.L("2026-05-19T00:00:02")]
    end = b.L("2026-05-19T11:40:26")
    boot = b.L("2026-05-02T04:20:31")
    oom_t = b.L("2026-05-19T09:47:13.882")
    b.oom_t = oom_t

    # ---- mysql error log: last start at boot, then the failed restart after the OOM kill
    t = boot + 6.2 * S
    lines = mysql_start_lines(930, True)
    for i, l in enumerate(lines):
        tt = t + i * 40 * MS
        b.mysql(tt, "0 " + (l % b.local(tt).strftime("%y%m%d %k:%M:%S") if "%s" in l else l))
    b.add("mysql/error.log", t + 0.6 * S, "Version: '10.11.19-MariaDB-0+deb12u1'  socket: '/run/mysqld/mysqld.sock'  port: 3306  Debian 12")
    rs = oom_t + 5.31 * S
    for i, l in enumerate(mysql_start_lines(31877, False)):
        b.mysql(rs + (0.05 + i * 0.03) * S, "0 " + l)

    # ---- newsletter burst 09:00 -> mail.log / syslog (mail facility), amavis
    tn = b.L("2026-05-19T09:00:01.4")
    p = b.newpid()
    b.sys(tn, "CRON", "pam_unix(cron:session): session opened for user www-data(uid=33) by (uid=0)", "authpriv", p, "cron.service")
    b.sys(tn, "CRON", "(www-data) CMD (/usr/bin/php /var/www/shop/bin/console newsletter:send --batch=may-2026 >> /var/log/shop/newsletter.log 2>&1)", "cron", p, "cron.service")
    recips = 330
    sent_t = []
    for i in range(recips):
        tq = tn + dt.timedelta(seconds=3 + i * 5.9 + b.rnd.uniform(0, 2))
        if tq > oom_t + 30 * S:
            break
        q = qid(b.rnd)
        dom = b.rnd.choice(DOMAINS)
        rcpt = "%s.%s%d@%s" % (b.rnd.choice(NAMES), b.rnd.choice(NAMES)[0], b.rnd.randint(1, 99), dom)
        b.sys(tq, "postfix/pickup", "%s: uid=33 from=<www-data>" % q, "mail", 40211, "postfix@-.service")
        b.sys(tq + 0.02 * S, "postfix/cleanup", "%s: message-id=<%s.%s@shop.example.com>" % (q, b.local(tq).strftime("%Y%m%d%H%M%S"), q), "mail", 40230 + i % 3, "postfix@-.service")
        size = b.rnd.randint(41000, 52000)
        b.sys(tq + 0.05 * S, "postfix/qmgr", "%s: from=<newsletter@shop.example.com>, size=%d, nrcpt=1 (queue active)" % (q, size), "mail", 1050, "postfix@-.service")
        scan = b.rnd.uniform(0.9, 4.5) * (3 if tq > oom_t - 600 * S else 1)
        q2 = qid(b.rnd)
        b.sys(tq + scan * S, "amavis", "(%05d-%02d) Passed CLEAN {RelayedOutbound}, <newsletter@shop.example.com> -> <%s>, Message-ID: <%s.%s@shop.example.com>, mail_id: %s, Hits: -, size: %d, queued_as: %s, %d ms"
              % (2300 + i % 4, i % 50 + 1, rcpt, b.local(tq).strftime("%Y%m%d%H%M%S"), q, "".join(b.rnd.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(12)), size, q2, int(scan * 1000)),
              "mail", 2300 + i % 4, "amavis.service")
        b.sys(tq + (scan + 0.05) * S, "postfix/smtp", "%s: to=<%s>, relay=127.0.0.1[127.0.0.1]:10024, delay=%.1f, delays=0.06/0/0/%.1f, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as %s)" % (q, rcpt, scan + 0.1, scan, q2), "mail", 40300 + i % 5, "postfix@-.service")
        b.sys(tq + (scan + 0.06) * S, "postfix/qmgr", "%s: removed" % q, "mail", 1050, "postfix@-.service")
        td = tq + (scan + b.rnd.uniform(0.3, 3)) * S
        mx, mxip = MX[dom]
        if dom == "example.net" or b.rnd.random() < 0.08:
            b.sys(td, "postfix/smtp", "%s: to=<%s>, relay=%s[%s]:25, delay=%.1f, delays=%.1f/0.01/0.4/0.2, dsn=4.7.1, status=deferred (host %s[%s] said: 451 4.7.1 Greylisting in action, please come back later (in reply to RCPT TO command))" % (q2, rcpt, mx, mxip, (td - tq).total_seconds(), (td - tq).total_seconds() - 0.6, mx, mxip), "mail", 40400 + i % 7, "postfix@-.service")
        else:
            b.sys(td, "postfix/smtp", "%s: to=<%s>, relay=%s[%s]:25, delay=%.1f, delays=%.1f/0.01/0.3/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)" % (q2, rcpt, mx, mxip, (td - tq).total_seconds(), (td - tq).total_seconds() - 0.7, q2[:9]), "mail", 40400 + i % 7, "postfix@-.service")
            b.sys(td + 0.01 * S, "postfix/qmgr", "%s: removed" % q2, "mail", 1050, "postfix@-.service")
    # memory pressure warnings before the kill
    b.sys(b.L("2026-05-19T09:31:40.2"), "amavis", "(02301-41) TROUBLE in check_mail: parts_decode_ext FAILED: file(1) utility (/usr/bin/file) error: run_command (open pipe): Cannot allocate memory", "mail", 2301, "amavis.service", 3)
    b.sys(b.L("2026-05-19T09:44:02.7"), "clamd", "Tue May 19 09:44:02 2026 -> !LibClamAV Error: cli_malloc(): Can't allocate memory (1048576 bytes).", "daemon", 812, "clamav-daemon.service", 3)

    # ---- the OOM kill (kernel) and its consequences (systemd, shop-api, nginx)
    K = lambda off, msg: b.sys(oom_t + off * MS, "kernel", msg, "kern", None, None, 4 if off < 200 else 3)
    kl = ["amavisd invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
          "CPU: 1 PID: 2303 Comm: amavisd Not tainted 6.1.0-21-amd64 #1  Debian 6.1.90-1",
          "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014", "Call Trace:", " <TASK>",
          " dump_stack_lvl+0x44/0x5c", " dump_header+0x4a/0x211", " oom_kill_process.cold+0xb/0x10", " out_of_memory+0x1fd/0x4c0",
          " __alloc_pages_slowpath.constprop.0+0xcc0/0xe20", " __alloc_pages+0x305/0x330", " folio_alloc+0x17/0x50", " __filemap_get_folio+0x155/0x340",
          " filemap_fault+0x139/0x910", " __do_fault+0x30/0x110", " do_fault+0x1b9/0x410", " __handle_mm_fault+0x660/0xfa0", " handle_mm_fault+0xdb/0x2d0",
          " do_user_addr_fault+0x19c/0x570", " exc_page_fault+0x70/0x170", " asm_exc_page_fault+0x22/0x30", "RIP: 0033:0x7f3b0e6c2a3d",
          "Code: Unable to access opcode bytes at 0x7f3b0e6c2a13.", "RSP: 002b:00007ffd4b6a4c28 EFLAGS: 00010202", " </TASK>", "Mem-Info:",
          "active_anon:31210 inactive_anon:912334 isolated_anon:0", " active_file:96 inactive_file:41 isolated_file:0", " unevictable:0 dirty:0 writeback:0",
          " slab_reclaimable:6210 slab_unreclaimable:11873", " mapped:1021 shmem:3390 pagetables:6874", " sec_pagetables:0 bounce:0", " kernel_misc_reclaimable:0",
          " free:21812 free_pcp:63 free_cma:0", "0 pages in swap cache", "Free swap  = 0kB", "Total swap = 0kB", "1048446 pages RAM", "0 pages HighMem/MovableOnly",
          "28714 pages reserved", "Tasks state (memory values in pages):", "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name"]
    tasks = [(347, 0, 12415, 521, 102400, -250, "systemd-journal"), (371, 0, 6811, 1130, 73728, -1000, "systemd-udevd"), (552, 0, 4621, 402, 77824, 0, "systemd-logind"),
             (589, 0, 55191, 611, 86016, 0, "rsyslogd"), (631, 0, 1670, 322, 53248, 0, "cron"), (712, 0, 3857, 689, 73728, -1000, "sshd"),
             (801, 0, 13963, 472, 94208, 0, "nginx"), (802, 33, 14120, 1410, 102400, 0, "nginx"), (803, 33, 14120, 1385, 102400, 0, "nginx"),
             (812, 112, 420110, 287330, 2580480, 0, "clamd"), (930, 106, 654342, 330360, 3256320, 0, "mariadbd"), (1044, 0, 10772, 488, 77824, 0, "master"),
             (1050, 107, 10853, 512, 77824, 0, "qmgr"), (1201, 33, 8311, 5101, 94208, 0, "gunicorn"), (1207, 33, 61236, 41870, 442368, 0, "gunicorn"),
             (1208, 33, 61230, 41211, 438272, 0, "gunicorn"), (1209, 33, 61101, 40912, 438272, 0, "gunicorn"), (2299, 116, 64412, 31220, 356352, 0, "amavisd"),
             (2300, 116, 98713, 71240, 651264, 0, "amavisd"), (2301, 116, 99121, 72017, 655360, 0, "amavisd"), (2302, 116, 97551, 70101, 643072, 0, "amavisd"),
             (2303, 116, 98902, 71630, 651264, 0, "amavisd"), (31502, 33, 88213, 61120, 577536, 0, "php")]
    for pid, uid, vm, rss, pgt, adj, name in tasks:
        kl.append("[%7d] %5d %5d %8d %8d %8d %8d %13d %s" % (pid, uid, pid, vm, rss, pgt, 0, adj, name))
    kl.append("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/mariadb.service,task=mariadbd,pid=930,uid=106")
    kl.append("Out of memory: Killed process 930 (mariadbd) total-vm:2617368kB, anon-rss:1321440kB, file-rss:0kB, shmem-rss:0kB, UID:106 pgtables:3180kB oom_score_adj:0")
    for i, m in enumerate(kl):
        K(i * 0.4 if i < len(kl) - 2 else 60 + i, m)
    t0 = oom_t + 0.19 * S
    sd = lambda off, msg, unit="init.scope", pid=1, prog="systemd", prio=6: b.sys(t0 + off * S, prog, msg, "daemon", pid, unit, prio)
    sd(0.000, "mariadb.service: A process of this unit has been killed by the OOM killer.", prio=4)
    sd(0.140, "mariadb.service: Main process exited, code=killed, status=9/KILL", prio=5)
    sd(0.141, "mariadb.service: Failed with result 'oom-kill'.", prio=4)
    sd(0.142, "mariadb.service: Consumed 3h 41min 12.771s CPU time.")
    sd(0.143, "Stopping shop-api.service - shop-api (gunicorn) order service...")
    sd(0.160, "[2026-05-19 09:47:14 +0000] [1201] [INFO] Handling signal: term", "shop-api.service", 1201, "gunicorn")
    for i, w in enumerate((1207, 1208, 1209)):
        sd(0.180 + i * 0.01, "[2026-05-19 09:47:14 +0000] [%d] [INFO] Worker exiting (pid: %d)" % (w, w), "shop-api.service", w, "gunicorn")
    sd(0.910, "[2026-05-19 09:47:14 +0000] [1201] [INFO] Shutting down: Master", "shop-api.service", 1201, "gunicorn")
    sd(0.960, "shop-api.service: Deactivated successfully.")
    sd(0.961, "Stopped shop-api.service - shop-api (gunicorn) order service.")
    sd(0.962, "shop-api.service: Consumed 52min 3.108s CPU time.")
    sd(5.100, "mariadb.service: Scheduled restart job, restart counter is at 1.")
    sd(5.102, "Stopped mariadb.service - MariaDB 10.11.19 database server.")
    sd(5.104, "mariadb.service: Consumed 3h 41min 12.771s CPU time.")
    sd(5.110, "Starting mariadb.service - MariaDB 10.11.19 database server...")
    sd(6.310, "mariadb.service: Main process exited, code=exited, status=1/FAILURE", prio=5)
    sd(6.311, "mariadb.service: Failed with result 'exit-code'.", prio=4)
    sd(6.312, "Failed to start mariadb.service - MariaDB 10.11.19 database server.", prio=3)
    b.db_down = t0
    # nginx upstream refused from here
    t_api_down = t0 + 0.95 * S

    def app(t, ip, m, p, st, sz):
        if t >= t_api_down:
            nid = 180000 + int((t - boot).total_seconds() / 4)
            b.nginx_error(t, "error", b.rnd.choice((802, 803)), '*%d connect() failed (111: Connection refused) while connecting to upstream, client: %s, server: shop.example.com, request: "%s %s HTTP/1.1", upstream: "http://127.0.0.1:8080%s", host: "shop.example.com"%s' % (nid, ip, m, p, p, "" if p.endswith("/health") else ', referrer: "https://shop.example.com/products/"'))
            return 502, 157, "-"
        if t >= t0 and t < t_api_down:
            return 500, 0, "0.000"
        return st, sz, "0.000"

    # ---- noise
    adm = Admin(b, logind_pid=552)
    adm.session_(b.L("2026-05-18T08:40:10"), "ncosta", 1000, "203.0.113.30", [(44, "/usr/bin/systemctl status amavis clamav-daemon", "/home/ncosta"), (130, "/usr/sbin/postqueue -p", "/home/ncosta")])
    adm.session_(b.L("2026-05-19T10:58:03"), "ncosta", 1000, "203.0.113.30",
                 [(30, "/usr/bin/systemctl status mariadb shop-api", "/home/ncosta"), (71, "/usr/bin/journalctl -k --since 09:40", "/home/ncosta"),
                  (130, "/usr/bin/tail -n 80 /var/log/mysql/error.log", "/home/ncosta"), (2400, "/usr/sbin/sos report --batch", "/home/ncosta")], dur=2550)
    ssh_scanners(b, start, end, per_hour=3)
    debian_timers(b, start, end, sysstat=True)
    web = Web(b, peak=0.028)
    web.run(start, end, app=app)
    web.monitor(start, end, "192.0.2.200", "Blackbox Exporter/0.25.0", path="/healthz", every=60)
    # API probe (json) every 60 s - the app health endpoint
    web.monitor(start, end, "192.0.2.200", "Blackbox Exporter/0.25.0", path="/api/v1/health", every=60, size=15,
                status_fn=lambda t: app(t, "192.0.2.200", "GET", "/api/v1/health", 200, 15)[:3])
    for lg in ("nginx/access.log", "nginx/error.log", "syslog", "kern.log", "mail.log", "auth.log"):
        b.rotate(lg, rots)
    b.base_files(end)
    b.write()

    # ---- config + state
    b.file("etc/nginx/nginx.conf", debian_nginx_conf())
    b.file("etc/nginx/sites-enabled/shop", site("shop.example.com", app="127.0.0.1:8080", root="/var/www/shop/public"))
    b.file("etc/ssh/sshd_config", sshd_config())
    b.file("etc/mysql/mariadb.conf.d/50-server.cnf", "[server]\n\n[mysqld]\nuser                    = mysql\npid-file                = /run/mysqld/mysqld.pid\nbasedir                 = /usr\ndatadir                 = /var/lib/mysql\ntmpdir                  = /tmp\nbind-address            = 127.0.0.1\nlog_error               = /var/log/mysql/error.log\nexpire_logs_days        = 10\ncharacter-set-server     = utf8mb4\ncollation-server         = utf8mb4_general_ci\ninnodb_buffer_pool_size = 1G\n\n[embedded]\n\n[mariadb]\n\n[mariadb-10.11]\n")
    b.file("etc/systemd/system/shop-api.service", "[Unit]\nDescription=shop-api (gunicorn) order service\nAfter=network.target mariadb.service\nBindsTo=mariadb.service\n\n[Service]\nUser=www-data\nGroup=www-data\nWorkingDirectory=/srv/shop-api\nExecStart=/srv/shop-api/venv/bin/gunicorn --workers 3 --bind 127.0.0.1:8080 shop_api.wsgi:application\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n")
    b.file("etc/postfix/main.cf", "myhostname = app2.example.com\nmydestination = $myhostname, localhost.localdomain, localhost\ninet_interfaces = all\ncontent_filter = smtp-amavis:[127.0.0.1]:10024\nsmtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem\nsmtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key\n")
    b.fix_save_stamps()
    units = dict(state.BASE_UNIT_FILES)
    units.update({"nginx.service": ("enabled", "enabled"), "mariadb.service": ("enabled", "enabled"), "shop-api.service": ("enabled", "enabled"),
                  "amavis.service": ("generated", "-"), "clamav-daemon.service": ("enabled", "enabled"), "clamav-freshclam.service": ("enabled", "enabled")})
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "ssh.service", "cron.service", "rsyslog.service", "postfix@-.service", "amavis.service",
                                                                        "clamav-daemon.service", "systemd-journald.service", "systemd-logind.service", "systemd-timesyncd.service")]
    rows += [("mariadb.service", "loaded", "failed", "failed", state.DESC["mariadb.service"]), ("postfix.service", "loaded", "active", "exited", state.DESC["postfix.service"])]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    failed_at = t0 + 6.312 * S
    stat = state.status_block(b, "mariadb.service", "/lib/systemd/system/mariadb.service", "enabled", "enabled", "failed (Result: exit-code)", failed_at,
                              docs="man:mariadbd(8)\n             https://mariadb.com/kb/en/library/systemd/",
                              extra=["    Process: 31877 ExecStart=/usr/sbin/mariadbd $MYSQLD_OPTS $_WSREP_NEW_CLUSTER $_WSREP_START_POSITION (code=exited, status=1/FAILURE)",
                                     "   Main PID: 31877 (code=exited, status=1/FAILURE)", "     Status: \"MariaDB server is down\"", "        CPU: 412ms"],
                              journal=["May 19 09:47:19 app2 systemd[1]: Starting mariadb.service - MariaDB 10.11.19 database server...",
                                       "May 19 09:47:20 app2 systemd[1]: mariadb.service: Main process exited, code=exited, status=1/FAILURE",
                                       "May 19 09:47:20 app2 systemd[1]: mariadb.service: Failed with result 'exit-code'.",
                                       "May 19 09:47:20 app2 systemd[1]: Failed to start mariadb.service - MariaDB 10.11.19 database server."])
    stat += "\n" + state.status_block(b, "shop-api.service", "/etc/systemd/system/shop-api.service", "enabled", "enabled", "inactive (dead)", t0 + 0.961 * S,
                                      journal=["May 19 09:47:14 app2 systemd[1]: Stopping shop-api.service - shop-api (gunicorn) order service...",
                                               "May 19 09:47:15 app2 systemd[1]: shop-api.service: Deactivated successfully.",
                                               "May 19 09:47:15 app2 systemd[1]: Stopped shop-api.service - shop-api (gunicorn) order service."])
    stat += "\n" + state.status_block(b, "nginx.service", "/lib/systemd/system/nginx.service", "enabled", "enabled", "active (running)", boot + 7 * S,
                                      main="801 (nginx)", tasks="3 (limit: 4644)", mem="14.2M", docs="man:nginx(8)",
                                      cgroup=["801 \"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\"", "802 \"nginx: worker process\"", "803 \"nginx: worker process\""])
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/systemd/systemctl_--failed", "  UNIT            LOAD   ACTIVE SUB    DESCRIPTION\n\u25cf mariadb.service loaded failed failed MariaDB 10.11.19 database server\n\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n1 loaded units listed.\n")
    b.file("sos_commands/memory/free", state.free(4005340, 3581220, 13560, 298112))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_used=17712340))
    b.file("sos_commands/postfix/postqueue_-p", "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n" + "".join(
        "%s     %d %s  newsletter@shop.example.com\n(host mx.example.net[198.51.100.25] said: 451 4.7.1 Greylisting in action, please come back later (in reply to RCPT TO command))\n                                         %s.%s%d@example.net\n\n" % (qid(b.rnd), b.rnd.randint(41000, 52000), "Tue May 19 09:%02d:%02d" % (b.rnd.randint(1, 46), b.rnd.randint(0, 59)), b.rnd.choice(NAMES), b.rnd.choice(NAMES)[0], b.rnd.randint(1, 99)) for _ in range(6)) + "-- 312 Kbytes in 6 Requests.\n")
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "oom at", b.oom_t.isoformat(), "db down", b.db_down.isoformat())

