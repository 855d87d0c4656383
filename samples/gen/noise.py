"""Background traffic and noise shared by all bundles."""
import datetime as dt
import math

from common import UTC

UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.58 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
]
BOTS = [
    ("66.249.66.%d", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    ("40.77.167.%d", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    ("185.191.171.%d", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)"),
    ("54.36.148.%d", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"),
]
SCAN_UAS = ["Mozilla/5.0 zgrab/0.x", "python-requests/2.31.0", "Go-http-client/1.1", "curl/8.4.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.129 Safari/537.36", "-"]
SCAN_PATHS = ["/wp-login.php", "/.env", "/xmlrpc.php", "/phpmyadmin/", "/.git/config", "/wp-admin/setup-config.php",
              "/cgi-bin/luci/;stok=/locale", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/admin/config.php", "/owa/auth/logon.aspx",
              "/boaform/admin/formLogin", "/actuator/env", "/server-status", "/.aws/credentials"]
PAGES = [("/", 14873), ("/blog/", 22410), ("/blog/2024/kubernetes-upgrade-notes/", 31877), ("/blog/2023/postgres-vacuum/", 28101),
         ("/about/", 9612), ("/contact/", 8422), ("/products/", 17345), ("/products/widget-pro/", 19877), ("/pricing/", 12003),
         ("/docs/", 15520), ("/docs/install/", 21788), ("/docs/api/", 40213), ("/careers/", 7711)]
ASSETS = [("/static/css/site.min.css", 48211), ("/static/js/app.min.js", 131877), ("/static/img/logo.svg", 4412),
          ("/static/fonts/inter-var.woff2", 87104), ("/favicon.ico", 15086), ("/static/img/hero.webp", 212330)]
API = [("GET", "/api/v1/products?page=1", 200, 5521), ("GET", "/api/v1/cart", 200, 388), ("POST", "/api/v1/cart/items", 201, 412),
       ("GET", "/api/v1/session", 200, 97), ("POST", "/api/v1/checkout", 200, 1033), ("GET", "/api/v1/search?q=widget", 200, 2774)]
USERS = ["root", "admin", "test", "user", "ubuntu", "oracle", "postgres", "git", "ftpuser", "guest", "deploy", "pi", "support",
         "hadoop", "minecraft", "ansible", "dev", "www", "steam", "jenkins", "centos", "debian", "vagrant", "ts3", "nagios", "elastic"]
SCAN_PORTS = [23, 3389, 445, 1433, 3306, 5900, 8080, 8443, 2222, 5432, 6379, 25, 110, 9200, 27017, 8888, 5060, 11211, 81, 7547]


def rand_ip(rnd, avoid=()):
    while True:
        a = rnd.choice([5, 23, 31, 37, 45, 46, 62, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 91, 93, 94, 95, 109, 141, 145, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217, 24, 67, 68, 69, 71, 73, 75, 76, 96, 97, 98, 99, 107, 108, 172, 174])
        ip = "%d.%d.%d.%d" % (a, rnd.randint(1, 254), rnd.randint(0, 255), rnd.randint(1, 254))
        if a == 172 and 16 <= int(ip.split(".")[1]) <= 31:
            continue
        if ip not in avoid:
            return ip


def diurnal(hour):
    # 0.15 at 04:00 local, 1.0 around 14:00 local
    return 0.575 - 0.425 * math.cos((hour - 4) / 24 * 2 * math.pi)


def poisson_times(rnd, start, end, rate_fn):
    """Thinned Poisson process; rate_fn(t) in events/second, max 1."""
    t = start
    out = []
    while True:
        t = t + dt.timedelta(seconds=rnd.expovariate(1.0))
        if t >= end:
            return out
        if rnd.random() < rate_fn(t):
            out.append(t)


class Web:
    def __init__(self, b, peak, custom=False, server_ip="192.0.2.10", n_clients=220, fixed_clients=()):
        self.b, self.peak, self.custom = b, peak, custom
        rnd = b.rnd
        self.clients = [(rand_ip(rnd), rnd.choice(UAS)) for _ in range(n_clients)]
        self.fixed = list(fixed_clients)  # (ip, ua, weight, hours(local) tuple)
        self.protos = ["1.1", "1.1", "2.0"]

    def req(self, t, ip, method, path, status, size, ref="-", ua="-", rt=None, uct="-", blocked=None):
        if blocked and blocked(t, ip):
            return False
        if rt is None:
            rt = round(self.b.rnd.uniform(0.0, 0.004), 3) if uct == "-" else round(self.b.rnd.uniform(0.008, 0.180), 3)
        self.b.access(t, ip, "%s %s HTTP/%s" % (method, path, self.b.rnd.choice(self.protos)), status, size, ref, ua, rt=rt, uct=uct, custom=self.custom)
        return True

    def visit(self, t, ip, ua, blocked=None, app=None):
        rnd = self.b.rnd
        r = rnd.random()
        if r < 0.12:  # api call (app upstream)
            m, p, st, sz = rnd.choice(API)
            if app:
                st, sz, uct = app(t, ip, m, p, st, sz)
            else:
                uct = "0.000"
            self.req(t, ip, m, p, st, sz, "https://%s/products/" % self.b.site, ua, uct=uct, blocked=blocked)
            return
        page, sz = rnd.choice(PAGES)
        if page == "/blog/" and rnd.random() < 0.1:
            self.req(t, ip, "GET", "/blog", 301, 169, "-", ua, blocked=blocked)
            t += dt.timedelta(milliseconds=rnd.randint(40, 200))
        ref = rnd.choice(["-", "-", "https://www.google.com/", "https://duckduckgo.com/", "https://%s/" % self.b.site, "https://www.bing.com/"])
        if not self.req(t, ip, "GET", page, 200, sz + rnd.randint(-40, 40), ref, ua, blocked=blocked):
            return
        if rnd.random() < 0.7:
            for a, asz in rnd.sample(ASSETS, rnd.randint(1, 4)):
                t += dt.timedelta(milliseconds=rnd.randint(20, 900))
                if rnd.random() < 0.35:
                    self.req(t, ip, "GET", a, 304, 0, "https://%s%s" % (self.b.site, page), ua, blocked=blocked)
                else:
                    self.req(t, ip, "GET", a, 200, asz, "https://%s%s" % (self.b.site, page), ua, blocked=blocked)

    def run(self, start, end, blocked=None, app=None, stop_after=None):
        """blocked(t, ip) -> True when the request never reaches nginx."""
        b, rnd = self.b, self.b.rnd
        def rate(t):
            return min(1.0, self.peak * diurnal(b.local(t).hour + b.local(t).minute / 60))
        for t in poisson_times(rnd, start, end, rate):
            if stop_after and t >= stop_after:
                continue
            x = rnd.random()
            if x < 0.08:
                pat, ua = rnd.choice(BOTS)
                ip = pat % rnd.randint(2, 250)
                p, sz = rnd.choice(PAGES + [("/robots.txt", 67), ("/sitemap.xml", 18233)])
                self.req(t, ip, "GET", p, 200, sz, "-", ua, blocked=blocked)
            elif x < 0.13:
                ip = rand_ip(rnd)
                ua = rnd.choice(SCAN_UAS)
                for p in rnd.sample(SCAN_PATHS, rnd.randint(1, 4)):
                    self.req(t, ip, rnd.choice(["GET", "GET", "POST"]) if "login" in p else "GET", p, 404, 153, "-", ua, blocked=blocked)
                    t += dt.timedelta(milliseconds=rnd.randint(50, 700))
            else:
                fixed_hit = False
                for ip, ua, w, hours in self.fixed:
                    if hours[0] <= b.local(t).hour < hours[1] and rnd.random() < w:
                        self.visit(t, ip, ua, blocked, app)
                        fixed_hit = True
                        break
                if not fixed_hit:
                    ip, ua = rnd.choice(self.clients)
                    self.visit(t, ip, ua, blocked, app)

    def monitor(self, start, end, ip, ua, path="/healthz", every=60, size=2, blocked=None, status_fn=None):
        t = start + dt.timedelta(seconds=self.b.rnd.uniform(0, every))
        while t < end:
            st, sz, uct = (200, size, "-") if status_fn is None else status_fn(t)
            self.req(t, ip, "GET", path, st, sz, "-", ua, uct=uct, blocked=blocked)
            t += dt.timedelta(seconds=every, milliseconds=self.b.rnd.randint(-150, 150))


def ssh_scanners(b, start, end, per_hour=6, sshd_pid_base=None, blocked=None, port=22, on_fail=None):
    """Brute-force noise in auth.log / secure.  on_fail(t, ip) is called per failure (for fail2ban)."""
    rnd = b.rnd
    for t in poisson_times(rnd, start, end, lambda t: per_hour / 3600.0):
        ip = rand_ip(rnd)
        if blocked and blocked(t, ip):
            continue
        for k in range(rnd.choice([1, 1, 2, 3, 4])):
            pid = b.newpid()
            user = rnd.choice(USERS)
            sport = rnd.randint(32768, 65000)
            t += dt.timedelta(seconds=rnd.uniform(0.5, 9))
            if rnd.random() < 0.2:
                b.sys(t, "sshd", "Connection closed by %s port %d [preauth]" % (ip, sport), "auth", pid, "ssh.service")
                continue
            if user == "root":
                b.sys(t, "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root" % ip, "authpriv", pid, "ssh.service", 5)
                t2 = t + dt.timedelta(seconds=rnd.uniform(1.5, 3))
                b.sys(t2, "sshd", "Failed password for root from %s port %d ssh2" % (ip, sport), "auth", pid, "ssh.service")
                who = "authenticating user root"
            else:
                b.sys(t, "sshd", "Invalid user %s from %s port %d" % (user, ip, sport), "auth", pid, "ssh.service")
                t = t + dt.timedelta(milliseconds=rnd.randint(100, 400))
                b.sys(t, "sshd", "pam_unix(sshd:auth): check pass; user unknown", "authpriv", pid, "ssh.service", 5)
                b.sys(t, "sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s " % ip, "authpriv", pid, "ssh.service", 5)
                t2 = t + dt.timedelta(seconds=rnd.uniform(1.5, 3))
                b.sys(t2, "sshd", "Failed password for invalid user %s from %s port %d ssh2" % (user, ip, sport), "auth", pid, "ssh.service")
                who = "invalid user %s" % user
            if on_fail:
                on_fail(t2, ip)
            t3 = t2 + dt.timedelta(milliseconds=rnd.randint(100, 600))
            b.sys(t3, "sshd", "Received disconnect from %s port %d:11: Bye Bye [preauth]" % (ip, sport), "auth", pid, "ssh.service")
            b.sys(t3, "sshd", "Disconnected from %s %s port %d [preauth]" % (who, ip, sport), "auth", pid, "ssh.service")
            t = t3


class Admin:
    """Interactive admin sessions: ssh login, logind, sudo, logout."""
    def __init__(self, b, logind_pid=552):
        self.b, self.logind_pid, self.session = b, logind_pid, b.rnd.randint(3, 9)

    def session_(self, t, user, uid, ip, cmds, dur=None, key="ED25519 SHA256:4m1Q0m3pWb8v9Zt2tq3k5QbX0sPaQ1kC7Hq3YqEw0cU", sshd_unit="ssh.service"):
        b, rnd = self.b, self.b.rnd
        pid = b.newpid()
        sport = rnd.randint(40000, 64000)
        self.session += 1
        s = self.session
        b.sys(t, "sshd", "Accepted publickey for %s from %s port %d ssh2: %s" % (user, ip, sport, key), "auth", pid, sshd_unit)
        b.sys(t, "sshd", "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)" % (user, uid), "authpriv", pid, sshd_unit)
        b.sys(t + dt.timedelta(milliseconds=20), "systemd-logind", "New session %d of user %s." % (s, user), "auth", self.logind_pid, "systemd-logind.service")
        last = t
        for off, cmd, pwd in cmds:
            ct = t + dt.timedelta(seconds=off)
            spid = b.newpid()
            b.sys(ct, "sudo", "%8s : TTY=pts/0 ; PWD=%s ; USER=root ; COMMAND=%s" % (user, pwd, cmd), "authpriv", spid, "session-%d.scope" % s, 5, nopid=True)
            b.sys(ct, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by %s(uid=%d)" % (user, uid), "authpriv", spid, "session-%d.scope" % s, nopid=True)
            ce = ct + dt.timedelta(seconds=rnd.uniform(0.05, 3))
            b.sys(ce, "sudo", "pam_unix(sudo:session): session closed for user root", "authpriv", spid, "session-%d.scope" % s, nopid=True)
            last = ce
        end = (t + dt.timedelta(seconds=dur)) if dur else last + dt.timedelta(seconds=rnd.uniform(20, 300))
        b.sys(end, "sshd", "Received disconnect from %s port %d:11: disconnected by user" % (ip, sport), "auth", pid, sshd_unit)
        b.sys(end, "sshd", "Disconnected from user %s %s port %d" % (user, ip, sport), "auth", pid, sshd_unit)
        b.sys(end, "sshd", "pam_unix(sshd:session): session closed for user %s" % user, "authpriv", pid, sshd_unit)
        b.sys(end + dt.timedelta(milliseconds=5), "systemd-logind", "Session %d logged out. Waiting for processes to exit." % s, "auth", self.logind_pid, "systemd-logind.service")
        b.sys(end + dt.timedelta(milliseconds=30), "systemd-logind", "Removed session %d." % s, "auth", self.logind_pid, "systemd-logind.service")
        return s


def unit_run(b, t, unit, desc, dur=1.0, extra=None, deact=True, consumed=None):
    """systemd 252 oneshot timer-driven service: Starting / Deactivated / Finished."""
    b.sys(t, "systemd", ("Starting %s - %s..." % (unit, desc)) if b.sd >= 252 else ("Starting %s..." % desc), "daemon", 1, "init.scope")
    e = t + dt.timedelta(seconds=dur)
    for off, prog, pid, msg in (extra or []):
        b.sys(t + dt.timedelta(seconds=off), prog, msg, "daemon", pid, unit)
    if deact:
        b.sys(e, "systemd", "%s: Deactivated successfully." % unit, "daemon", 1, "init.scope")
    b.sys(e, "systemd", ("Finished %s - %s." % (unit, desc)) if b.sd >= 252 else ("Finished %s." % desc), "daemon", 1, "init.scope")
    if consumed:
        b.sys(e, "systemd", "%s: Consumed %s CPU time." % (unit, consumed), "daemon", 1, "init.scope")


def debian_timers(b, start, end, sysstat=True, phpsess=False, cron_user_jobs=()):
    """Cron (hourly run-parts, php sessionclean), sysstat, apt timers, logrotate, man-db, tmpfiles."""
    rnd = b.rnd
    h = start.replace(minute=0, second=0, microsecond=0)
    while h < end:
        lt = b.local(h)
        # cron.hourly at :17
        t = h + dt.timedelta(minutes=17, seconds=1, milliseconds=rnd.randint(0, 900))
        if start <= t < end:
            p = b.newpid()
            b.sys(t, "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", "authpriv", p, "cron.service")
            b.sys(t, "CRON", "(root) CMD (cd / && run-parts --report /etc/cron.hourly)", "cron", p, "cron.service")
            b.sys(t + dt.timedelta(milliseconds=30), "CRON", "pam_unix(cron:session): session closed for user root", "authpriv", p, "cron.service")
        for m in ((9, 39) if phpsess else ()):
            t = h + dt.timedelta(minutes=m, seconds=1, milliseconds=rnd.randint(0, 900))
            if start <= t < end:
                p = b.newpid()
                b.sys(t, "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", "authpriv", p, "cron.service")
                b.sys(t, "CRON", "(root) CMD (   test -x /usr/lib/php/sessionclean && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi)", "cron", p, "cron.service")
                b.sys(t + dt.timedelta(milliseconds=12), "CRON", "pam_unix(cron:session): session closed for user root", "authpriv", p, "cron.service")
        for cmin, user, uid, cmd in cron_user_jobs:
            if cmin[0] == "*" or lt.hour in cmin[1]:
                t = h + dt.timedelta(minutes=cmin[2], seconds=1, milliseconds=rnd.randint(0, 900))
                if start <= t < end:
                    p = b.newpid()
                    b.sys(t, "CRON", "pam_unix(cron:session): session opened for user %s(uid=%d) by (uid=0)" % (user, uid), "authpriv", p, "cron.service")
                    b.sys(t, "CRON", "(%s) CMD (%s)" % (user, cmd), "cron", p, "cron.service")
                    b.sys(t + dt.timedelta(seconds=rnd.uniform(0.5, 20)), "CRON", "pam_unix(cron:session): session closed for user %s" % user, "authpriv", p, "cron.service")
        if sysstat:
            for m in range(0, 60, 10):
                t = h + dt.timedelta(minutes=m, milliseconds=rnd.randint(1, 600))
                if start <= t < end:
                    unit_run(b, t, "sysstat-collect.service", "system activity accounting tool", rnd.uniform(0.02, 0.08))
        if lt.hour == 0:  # logrotate + man-db + tmpfiles/dpkg-db-backup at midnight
            t = h + dt.timedelta(seconds=rnd.randint(1, 40))
            if start <= t < end:
                unit_run(b, t, "logrotate.service", "Rotate log files", rnd.uniform(0.3, 1.2), consumed="%dms" % rnd.randint(120, 600))
                unit_run(b, t + dt.timedelta(seconds=rnd.randint(2, 60)), "man-db.service", "Daily man-db regeneration", rnd.uniform(0.2, 2))
                unit_run(b, t + dt.timedelta(seconds=rnd.randint(60, 200)), "dpkg-db-backup.service", "Daily dpkg database backup service", 0.1)
        if lt.hour in (6, 17):  # apt-daily(-upgrade)
            t = h + dt.timedelta(minutes=rnd.randint(0, 55), seconds=rnd.randint(0, 59))
            if start <= t < end:
                if lt.hour == 6:
                    unit_run(b, t, "apt-daily-upgrade.service", "Daily apt upgrade and clean activities", rnd.uniform(1, 4), consumed="%.3fs" % rnd.uniform(0.6, 2.2))
                else:
                    unit_run(b, t, "apt-daily.service", "Daily apt download activities", rnd.uniform(2, 9))
        if lt.hour == 9:
            t = h + dt.timedelta(minutes=rnd.randint(10, 30))
            if start <= t < end:
                unit_run(b, t, "systemd-tmpfiles-clean.service", "Cleanup of Temporary Directories", 0.05)
        h += dt.timedelta(hours=1)
