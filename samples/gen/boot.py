"""Shutdown and boot sequences as systemd 252 / rsyslog / the kernel write them."""
import datetime as dt

from state import DESC

S = dt.timedelta(seconds=1)
MS = dt.timedelta(milliseconds=1)

DEB_KERNEL = ("6.1.0-26-amd64", "Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)")
RHEL_KERNEL = ("5.14.0-427.20.1.el9_4.x86_64", "Linux version 5.14.0-427.20.1.el9_4.x86_64 (mockbuild@iad1-prod-build001.bld.equ.rockylinux.org) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Fri Jun 7 13:40:24 UTC 2024")


def shutdown(b, t, stops, rsyslog_pid=589, logind_pid=552, reason="System is rebooting."):
    """stops: list of (unit, [(prog, pid, msg), ...]) stopped in order. Returns time of last line."""
    b.sys(t, "systemd-logind", reason, "auth", logind_pid, "systemd-logind.service")
    t += 40 * MS
    jo = False
    for unit, lines in stops:
        d = DESC.get(unit, unit)
        if unit == "rsyslog.service":
            b.sys(t, "systemd", "Stopping %s - %s..." % (unit, d), "daemon", 1, "init.scope")
            t += 20 * MS
            b.sys(t, "rsyslogd", '[origin software="rsyslogd" swVersion="8.2302.0" x-pid="%d" x-info="https://www.rsyslog.com"] exiting on signal 15.' % rsyslog_pid, "syslog", None, "rsyslog.service")
            jo = True
            t += 11 * MS
            b.sys(t, "systemd", "%s: Deactivated successfully." % unit, "daemon", 1, "init.scope", journal_only=True)
            b.sys(t, "systemd", "Stopped %s - %s." % (unit, d), "daemon", 1, "init.scope", journal_only=True)
            continue
        b.sys(t, "systemd", "Stopping %s - %s..." % (unit, d), "daemon", 1, "init.scope", journal_only=jo)
        for prog, pid, msg in lines:
            t += 3 * MS
            b.sys(t, prog, msg, "daemon", pid, unit, journal_only=jo)
        t += b.rnd.randint(5, 90) * MS
        b.sys(t, "systemd", "%s: Deactivated successfully." % unit, "daemon", 1, "init.scope", journal_only=jo)
        b.sys(t, "systemd", "Stopped %s - %s." % (unit, d), "daemon", 1, "init.scope", journal_only=jo)
    t += 120 * MS
    for tgt in ("Reached target shutdown.target - System Shutdown.", "Reached target final.target - Late Shutdown Target."):
        b.sys(t, "systemd", tgt, "daemon", 1, "init.scope", journal_only=True)
        t += 2 * MS
    b.sys(t, "systemd-shutdown", "Syncing filesystems and block devices.", "daemon", 1, None, journal_only=True)
    b.sys(t + 30 * MS, "systemd-shutdown", "Sending SIGTERM to remaining processes...", "daemon", 1, None, journal_only=True)
    return t


def debian_boot(b, t, starts, uptime_lines=True, rsyslog_pid=589, kernel=DEB_KERNEL, virt="kvm", rhel=False):
    """Kernel banner, rsyslog start, systemd banner, units started (list of (unit, [(dt_s, prog, pid, msg)]))."""
    kver, banner = kernel
    k = [(0.0, banner),
         (0.001, "Command line: BOOT_IMAGE=/boot/vmlinuz-%s root=UUID=3f1c0e0a-6a59-4f45-9d0c-2a8de7f0b2c1 ro console=tty0 console=ttyS0,115200 quiet" % kver if not rhel else
               "Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s root=/dev/mapper/rl-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rl-swap rd.lvm.lv=rl/root rd.lvm.lv=rl/swap" % kver),
         (0.002, "BIOS-provided physical RAM map:"),
         (0.012, "DMI: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014" if not rhel else "DMI: VMware, Inc. VMware7,1/440BX Desktop Reference Platform, BIOS VMW71.00V.21805430.B64.2305221830 05/22/2023"),
         (0.016, "Hypervisor detected: KVM" if not rhel else "Hypervisor detected: VMware"),
         (0.210, "Memory: 3931804K/4193764K available (14336K kernel code, 2390K rwdata, 9040K rodata, 2792K init, 17404K bss, 261700K reserved, 0K cma-reserved)"),
         (0.987, "Freeing unused kernel image (initmem) memory: 2792K"),
         (1.402, "EXT4-fs (vda1): mounted filesystem with ordered data mode. Quota mode: none." if not rhel else "XFS (dm-0): Mounting V5 Filesystem 9f4c2a1e-7d3b-4d59-9a6e-5b2f8c1d0e7a"),
         (2.104, "virtio_net virtio1 %s: renamed from eth0" % ("ens3" if not rhel else "ens192")),
         ]
    for off, msg in k:
        b.sys(t + dt.timedelta(seconds=off), "kernel", msg, "kern", None, None, 6)
    t_sd = t + dt.timedelta(seconds=2.4)
    if not rhel:
        b.sys(t_sd, "systemd", "systemd 252.30-1~deb12u2 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)", "daemon", 1, "init.scope")
    else:
        b.sys(t_sd, "systemd", "systemd 252-32.el9_4 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS -FIDO2 +IDN2 -IDN -IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT -QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK +XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)", "daemon", 1, "init.scope")
    b.sys(t_sd, "systemd", "Detected virtualization %s." % virt, "daemon", 1, "init.scope")
    b.sys(t_sd, "systemd", "Detected architecture x86-64.", "daemon", 1, "init.scope")
    b.sys(t_sd + 30 * MS, "systemd", "Hostname set to <%s>." % b.host, "daemon", 1, "init.scope")
    t_rs = t + dt.timedelta(seconds=3.1)
    b.sys(t_rs, "rsyslogd", 'imuxsock: Acquired UNIX socket \'/run/systemd/journal/syslog\' (fd 3) from systemd.  [v8.2302.0]' if not rhel else "imjournal: journal files changed, reloading...  [v8.2310.0-4.el9 try https://www.rsyslog.com/e/0 ]", "syslog", rsyslog_pid, "rsyslog.service")
    b.sys(t_rs, "rsyslogd", '[origin software="rsyslogd" swVersion="%s" x-pid="%d" x-info="https://www.rsyslog.com"] start' % ("8.2302.0" if not rhel else "8.2310.0-4.el9", rsyslog_pid), "syslog", rsyslog_pid, "rsyslog.service")
    tt = t + dt.timedelta(seconds=3.3)
    for unit, lines in starts:
        d = DESC.get(unit, unit)
        b.sys(tt, "systemd", "Starting %s - %s..." % (unit, d), "daemon", 1, "init.scope")
        last = tt
        for off, prog, pid, msg in lines:
            last = tt + dt.timedelta(seconds=off)
            b.sys(last, prog, msg, "daemon", pid, unit)
        tt = last + b.rnd.randint(8, 120) * MS
        b.sys(tt, "systemd", "Started %s - %s." % (unit, d), "daemon", 1, "init.scope")
        tt += b.rnd.randint(1, 40) * MS
    b.sys(tt, "systemd", "Reached target multi-user.target - Multi-User System.", "daemon", 1, "init.scope")
    tt += 3 * MS
    b.sys(tt, "systemd", "Reached target graphical.target - Graphical Interface.", "daemon", 1, "init.scope")
    tt += 40 * MS
    kern_s = 2.1 + b.rnd.random()
    user_s = (tt - t).total_seconds() - 2.1
    b.sys(tt, "systemd", "Startup finished in %.3fs (kernel) + %.3fs (userspace) = %.3fs." % (kern_s, user_s, kern_s + user_s), "daemon", 1, "init.scope")
    return tt
