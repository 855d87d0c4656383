"""nginx-loopback-only: an admin changed the site to `listen 127.0.0.1:80;` and reloaded nginx."""
import datetime as dt

from common import Bundle, clean_logs
from configs import debian_nginx_conf, sshd_config
from noise import Web, Admin, ssh_scanners, debian_timers, unit_run, rand_ip, poisson_times, SCAN_PORTS
import state

S = dt.timedelta(seconds=1)
HOSTIP = "203.0.113.77"
MAC = "52:54:00:6b:1e:0c:fe:54:00:11:22:33:08:00"
LOGFMT = """\tlog_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time"';
"""


def ufw_block(b, t, src, dpt, boot):
    up = (t - boot).total_seconds()
    ttl = [45, 49, 53, 110, 115, 239, 244][sum(map(int, src.split("."))) % 7]
    msg = "[%12.6f] [UFW BLOCK] IN=eth0 OUT= MAC=%s SRC=%s DST=%s LEN=44 TOS=0x00 PREC=0x00 TTL=%d ID=%d PROTO=TCP SPT=%d DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0 " % (
        up, MAC, src, HOSTIP, ttl, b.rnd.randint(1, 65535), b.rnd.randint(1024, 65535), dpt)
    b.sys(t, "kernel", msg, "kern", None, None, 4)


def build():
    b = Bundle("nginx-loopback-only", "shop-web", "UTC", "trad", "debian", seed=4004, fqdn="shop-web.example.com")
    b.sd = 249  # Ubuntu 22.04
    clean_logs(b)
    b.site = "shop.example.com"
    start = b.L("2026-08-31T00:00:04")
    rots = [b.L("2026-09-01T00:00:03"), b.L("2026-09-02T00:00:07")]
    change = b.L("2026-09-02T14:37:05.412")
    end = b.L("2026-09-02T16:20:18")
    boot = b.L("2026-08-19T03:12:44")

    adm = Admin(b, logind_pid=733)
    t = b.L("2026-09-02T14:31:40")
    adm.session_(t, "dsilva", 1000, "198.51.100.61",
                 [(28, "/usr/bin/cp /etc/nginx/sites-available/shop /root/shop.bak", "/home/dsilva"),
                  (41, "/usr/bin/vim /etc/nginx/sites-available/shop", "/home/dsilva"),
                  (312, "/usr/sbin/nginx -t", "/home/dsilva"),
                  (325.1, "/usr/bin/systemctl reload nginx", "/home/dsilva"),
                  (339, "/usr/bin/curl -sI http://127.0.0.1/", "/home/dsilva")], dur=420)
    t_rl = t + 325.35 * S
    b.sys(t_rl, "systemd", "Reloading A high performance web server and a reverse proxy server...", "daemon", 1, "init.scope")
    b.sys(t_rl + 0.061 * S, "systemd", "Reloaded A high performance web server and a reverse proxy server.", "daemon", 1, "init.scope")
    b.change = t_rl + 0.061 * S
    # earlier normal admin activity
    adm.session_(b.L("2026-09-01T09:02:13"), "dsilva", 1000, "198.51.100.61", [(30, "/usr/bin/apt-get update", "/home/dsilva"), (75, "/usr/bin/apt-get -y install htop", "/home/dsilva")])
    adm.session_(b.L("2026-09-02T16:11:40"), "mfischer", 1001, "198.51.100.62",
                 [(25, "/usr/bin/tail -n 100 /var/log/nginx/access.log", "/home/mfischer"), (60, "/usr/bin/ss -tlnp", "/home/mfischer"), (140, "/usr/bin/sos report --batch", "/home/mfischer")], dur=500)

    ssh_scanners(b, start, end, per_hour=3)
    debian_timers(b, start, end, sysstat=False, phpsess=False)
    for day in range(3):
        for hh in (7, 19):
            tt = start + dt.timedelta(days=day, hours=hh, minutes=b.rnd.randint(0, 50), seconds=b.rnd.randint(0, 59))
            if tt < end:
                unit_run(b, tt, "motd-news.service", "Message of the Day", b.rnd.uniform(0.3, 1.5))
    for tt in poisson_times(b.rnd, start, end, lambda t: 14 / 3600):
        ufw_block(b, tt, rand_ip(b.rnd), b.rnd.choice(SCAN_PORTS), boot)

    # web traffic: external only while nginx listened on 0.0.0.0:80
    def blocked(t, ip):
        return t >= b.change and not ip.startswith("127.")
    def app(t, ip, m, p, st, sz):
        return st, sz, "0.000" if b.rnd.random() < 0.9 else "0.001"
    web = Web(b, peak=0.028, custom=True)
    web.protos = ["1.1"]
    web.run(start, end, blocked=blocked, app=app)
    web.monitor(start, end, "127.0.0.1", "curl/7.81.0", path="/healthz", every=60)
    web.monitor(start, end, "192.0.2.200", "Blackbox Exporter/0.25.0", path="/healthz", every=60, blocked=blocked)
    b.access(t + 339.2 * S, "127.0.0.1", "HEAD / HTTP/1.1", 200, 0, "-", "curl/7.81.0", rt=0.0, custom=True)
    for lg in ("nginx/access.log", "nginx/error.log", "syslog", "kern.log", "mail.log"):
        b.rotate(lg, rots)
    b.rotate("auth.log", [b.L("2026-08-30T00:00:05")])
    b.nginx_error(b.L("2026-09-01T03:14:22"), "error", 1021, '*48113 open() "/var/www/shop/public/.well-known/security.txt" failed (2: No such file or directory), client: 66.249.66.12, server: shop.example.com, request: "GET /.well-known/security.txt HTTP/1.1", host: "shop.example.com"')
    b.nginx_error(b.L("2026-09-02T11:52:09"), "error", 1022, '*90127 upstream prematurely closed connection while reading response header from upstream, client: 81.17.21.201, server: shop.example.com, request: "POST /api/v1/checkout HTTP/1.1", upstream: "http://127.0.0.1:8080/api/v1/checkout", host: "shop.example.com"')
    b.base_files(end)
    b.write()

    b.file("etc/os-release", 'PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.5 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n')
    b.file("etc/nginx/nginx.conf", debian_nginx_conf(extra_http=LOGFMT, access_log="access_log /var/log/nginx/access.log timed;"))
    b.file("etc/nginx/sites-enabled/shop", """# shop.example.com
# 2026-09-02 dsilva: bind to loopback only, varnish will listen on :80 (CHG-3317)
server {
\tlisten 127.0.0.1:80;
\t#listen 80 default_server;
\t#listen [::]:80 default_server;

\troot /var/www/shop/public;
\tindex index.html;
\tserver_name shop.example.com www.shop.example.com;

\taccess_log /var/log/nginx/access.log timed;

\tlocation / {
\t\ttry_files $uri $uri/ =404;
\t}

\tlocation = /healthz {
\t\treturn 200 "ok";
\t}

\tlocation /api/ {
\t\tproxy_pass http://127.0.0.1:8080;
\t\tproxy_set_header Host $host;
\t\tproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
\t}
}
""")
    b.file("etc/ssh/sshd_config", sshd_config())
    b.fix_save_stamps()
    units = dict(state.BASE_UNIT_FILES)
    for k in ("sysstat.service", "sysstat-collect.timer", "sysstat-summary.timer", "dpkg-db-backup.timer"):
        units.pop(k, None)
    units.update({"nginx.service": ("enabled", "enabled"), "ufw.service": ("enabled", "enabled"), "systemd-resolved.service": ("enabled", "enabled"),
                  "snapd.service": ("enabled", "enabled"), "motd-news.timer": ("enabled", "enabled"), "shop-api.service": ("enabled", "enabled")})
    b.file("sos_commands/systemd/systemctl_list-unit-files", state.unit_files(units, "VENDOR PRESET"))
    rows = [(u, "loaded", "active", "running", state.DESC[u]) for u in ("nginx.service", "ssh.service", "cron.service", "rsyslog.service", "systemd-resolved.service", "systemd-journald.service", "systemd-logind.service", "snapd.service", "shop-api.service")]
    rows += [("ufw.service", "loaded", "active", "exited", state.DESC["ufw.service"])]
    b.file("sos_commands/systemd/systemctl_list-units", state.list_units(rows))
    stat = state.status_block(b, "nginx.service", "/lib/systemd/system/nginx.service", "enabled", "enabled", "active (running)", boot + 11 * S,
                              main="801 (nginx)", tasks="3 (limit: 4557)", mem="9.7M", docs="man:nginx(8)",
                              cgroup=["801 \"nginx: master process /usr/sbin/nginx -g daemon on; master_process on;\"", "30112 \"nginx: worker process\"", "30113 \"nginx: worker process\""],
                              journal=["Sep 02 14:37:05 shop-web systemd[1]: Reloading A high performance web server and a reverse proxy server...",
                                       "Sep 02 14:37:05 shop-web systemd[1]: Reloaded A high performance web server and a reverse proxy server."])
    stat = stat.replace("; preset: enabled)", "; vendor preset: enabled)")
    b.file("sos_commands/systemd/systemctl_status_--all", stat)
    b.file("sos_commands/nginx/nginx_-T", "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n# configuration file /etc/nginx/nginx.conf:\n"
           + open(b.dir + "/etc/nginx/nginx.conf").read() + "\n# configuration file /etc/nginx/sites-enabled/shop:\n" + open(b.dir + "/etc/nginx/sites-enabled/shop").read())
    b.file("sos_commands/memory/free", state.free(4005500, 902112, 3320, 1811020))
    b.file("sos_commands/filesys/df_-al", state.std_df(root_used=9012340, dev="/dev/vda1"))
    return b


if __name__ == "__main__":
    b = build()
    print(b.name, "reload at", b.change.isoformat())
