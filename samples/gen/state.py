"""sos_commands snapshots that cannot be captured live here (systemctl, free, df)."""
import datetime as dt

BASE_UNIT_FILES = {
    "apt-daily-upgrade.timer": ("enabled", "enabled"), "apt-daily.timer": ("enabled", "enabled"),
    "cron.service": ("enabled", "enabled"), "dpkg-db-backup.timer": ("enabled", "enabled"),
    "e2scrub_all.timer": ("enabled", "enabled"), "getty@.service": ("enabled", "enabled"),
    "logrotate.timer": ("enabled", "enabled"), "man-db.timer": ("enabled", "enabled"),
    "networking.service": ("enabled", "enabled"), "rsyslog.service": ("enabled", "enabled"),
    "ssh.service": ("enabled", "enabled"), "ssh.socket": ("disabled", "enabled"),
    "sysstat.service": ("enabled", "enabled"), "sysstat-collect.timer": ("enabled", "enabled"),
    "sysstat-summary.timer": ("enabled", "enabled"), "systemd-timesyncd.service": ("enabled", "enabled"),
    "systemd-journald.service": ("static", "-"), "systemd-logind.service": ("static", "-"),
    "systemd-tmpfiles-clean.timer": ("static", "-"), "unattended-upgrades.service": ("enabled", "enabled"),
    "postfix.service": ("enabled", "enabled"), "postfix@.service": ("indirect", "enabled"),
    "nftables.service": ("disabled", "enabled"), "rescue.service": ("static", "-"),
    "emergency.service": ("static", "-"), "fstrim.timer": ("enabled", "enabled"),
}

DESC = {
    "nginx.service": "A high performance web server and a reverse proxy server",
    "ssh.service": "OpenBSD Secure Shell server", "sshd.service": "OpenSSH server daemon",
    "cron.service": "Regular background program processing daemon", "crond.service": "Command Scheduler",
    "rsyslog.service": "System Logging Service", "fail2ban.service": "Fail2Ban Service",
    "mariadb.service": "MariaDB 10.11.19 database server", "postfix.service": "Postfix Mail Transport Agent",
    "postfix@-.service": "Postfix Mail Transport Agent (instance -)",
    "firewalld.service": "firewalld - dynamic firewall daemon", "ufw.service": "Uncomplicated firewall",
    "systemd-journald.service": "Journal Service", "systemd-logind.service": "User Login Management",
    "systemd-timesyncd.service": "Network Time Synchronization", "chronyd.service": "NTP client/server",
    "networking.service": "Raise network interfaces", "NetworkManager.service": "Network Manager",
    "systemd-resolved.service": "Network Name Resolution", "systemd-networkd.service": "Network Configuration",
    "php8.2-fpm.service": "The PHP 8.2 FastCGI Process Manager", "shop-api.service": "shop-api (gunicorn) order service",
    "amavis.service": "LSB: Starts amavisd-new mailfilter", "clamav-daemon.service": "Clam AntiVirus userspace daemon",
    "nftables.service": "nftables", "unattended-upgrades.service": "Unattended Upgrades Shutdown",
    "auditd.service": "Security Auditing Service", "tuned.service": "Dynamic System Tuning Daemon",
    "snapd.service": "Snap Daemon", "multipathd.service": "Device-Mapper Multipath Device Controller",
    "getty@tty1.service": "Getty on tty1", "serial-getty@ttyS0.service": "Serial Getty on ttyS0",
    "dbus.service": "D-Bus System Message Bus", "sysstat.service": "Resets System Activity Logs",
    "qemu-guest-agent.service": "QEMU Guest Agent", "polkit.service": "Authorization Manager",
}


def unit_files(units, preset_hdr="PRESET"):
    """units: dict name -> (state, preset)"""
    names = sorted(units)
    w = max(len(n) for n in names + ["UNIT FILE"]) + 1
    out = ["%-*s %-15s %s" % (w - 1, "UNIT FILE", "STATE", preset_hdr)]
    for n in names:
        s, p = units[n]
        out.append("%-*s %-15s %s" % (w - 1, n, s, p))
    out.append("")
    out.append("%d unit files listed." % len(names))
    return "\n".join(out) + "\n"


def list_units(rows):
    """rows: (unit, load, active, sub, description); failed units get the ● marker like systemctl."""
    rows = sorted(rows)
    w = max(len(r[0]) for r in rows) + 2
    out = ["  %-*s LOAD   ACTIVE SUB     DESCRIPTION" % (w - 2, "UNIT")]
    for u, l, a, s, d in rows:
        mark = "\u25cf " if a == "failed" else "  "
        out.append("%s%-*s %-6s %-6s %-7s %s" % (mark, w - 2, u, l, a, s, d))
    out += ["", "LOAD   = Reflects whether the unit definition was properly loaded.",
            "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.",
            "SUB    = The low-level unit activation state, values depend on unit type.",
            "%d loaded units listed." % len(rows)]
    return "\n".join(out) + "\n"


def ago(now, then):
    s = int((now - then).total_seconds())
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    parts = []
    if d:
        parts.append("%dday%s" % (d, "s" if d > 1 else ""))
    if h:
        parts.append("%dh" % h)
    if m and not d:
        parts.append("%dmin" % m)
    if not d and not h:
        parts.append("%ds" % s)
    return " ".join(parts) + " ago"


def status_block(b, unit, path, enabled, preset, active, since, main=None, tasks=None, mem=None, cgroup=(), journal=(), docs=None, extra=()):
    now = b.collected
    st = b.local(since).strftime("%a %Y-%m-%d %H:%M:%S %Z") if since else None
    dot = {"active": "\u25cf", "failed": "\u00d7", "inactive": "\u25cb"}[active.split()[0]]
    lines = ["%s %s - %s" % (dot, unit, DESC.get(unit, unit)),
             "     Loaded: loaded (%s; %s; preset: %s)" % (path, enabled, preset)]
    if since:
        lines.append("     Active: %s since %s; %s" % (active, st, ago(now, since)))
    else:
        lines.append("     Active: %s" % active)
    if docs:
        lines.append("       Docs: %s" % docs)
    lines += list(extra)
    if main:
        lines.append("   Main PID: %s" % main)
    if tasks:
        lines.append("      Tasks: %s" % tasks)
    if mem:
        lines.append("     Memory: %s" % mem)
    if cgroup:
        lines.append("        CPU: %.3fs" % b.rnd.uniform(0.05, 40))
        lines.append("     CGroup: /system.slice/%s" % unit)
        for i, c in enumerate(cgroup):
            lines.append("             %s%s" % ("\u2514\u2500" if i == len(cgroup) - 1 else "\u251c\u2500", c))
    lines.append("")
    lines += list(journal)
    return "\n".join(lines) + "\n"


def free(total_kb, used_kb, shared_kb, cache_kb, swap_total=0, swap_used=0):
    freek = total_kb - used_kb - cache_kb
    avail = total_kb - used_kb - shared_kb + int(cache_kb * 0.8)
    return ("               total        used        free      shared  buff/cache   available\n"
            "Mem:     %11d %11d %11d %11d %11d %11d\n"
            "Swap:    %11d %11d %11d\n") % (total_kb, used_kb, freek, shared_kb, cache_kb, avail, swap_total, swap_used, swap_total - swap_used)


def df(rows):
    out = ["Filesystem     1K-blocks    Used Available Use% Mounted on"]
    for fs, size, used, mnt in rows:
        if size == 0:
            out.append("%-14s %9s %7s %9s %4s %s" % (fs, 0, 0, 0, "-", mnt))
        else:
            avail = size - used
            pct = -(-used * 100 // size)
            out.append("%-14s %9d %7d %9d %3d%% %s" % (fs, size, used, avail, pct, mnt))
    return "\n".join(out) + "\n"


def std_df(root_size=30787492, root_used=6123444, dev="/dev/vda1", mem_kb=4005000):
    return df([("sysfs", 0, 0, "/sys"), ("proc", 0, 0, "/proc"), ("udev", mem_kb // 2, 0, "/dev"), ("devpts", 0, 0, "/dev/pts"),
               ("tmpfs", mem_kb // 10, 812, "/run"), (dev, root_size, root_used, "/"), ("securityfs", 0, 0, "/sys/kernel/security"),
               ("tmpfs", mem_kb // 2, 0, "/dev/shm"), ("tmpfs", 5120, 0, "/run/lock"), ("cgroup2", 0, 0, "/sys/fs/cgroup"),
               ("bpf", 0, 0, "/sys/fs/bpf"), ("mqueue", 0, 0, "/dev/mqueue"), ("debugfs", 0, 0, "/sys/kernel/debug"),
               ("/dev/vda15", 126678, 11840, "/boot/efi"), ("tmpfs", mem_kb // 10, 0, "/run/user/1000")])
