# Synthetic journal export stream with fields big enough (>= 512 bytes)
# that journald compresses them; one MESSAGE holds newlines (binary form).
import struct, sys
out = sys.stdout.buffer
boot1 = "1f3c2b7a9d0e4c55a1b2c3d4e5f60718"
boot2 = "2a4d6f8091b3c5e7f9a1b3c5d7e9f102"
t0 = 1722945600000000  # 2024-08-06T12:00:00Z
def field(k, v):
    v = v.encode() if isinstance(v, str) else v
    if b"\n" in v:
        out.write(k.encode() + b"\n" + struct.pack("<Q", len(v)) + v + b"\n")
    else:
        out.write(k.encode() + b"=" + v + b"\n")
entries = []
def ent(i, boot, ident, pid, unit, msg, prio=6, extra=()):
    entries.append((i, boot, ident, pid, unit, msg, prio, extra))
ent(0, boot1, "sshd", 812, "ssh.service", "Server listening on 0.0.0.0 port 22.")
ent(1, boot1, "nginx", 900, "nginx.service", "worker crashed:\n" + "\n".join(f"  frame #{k}: 0x{k*4096:016x} in ngx_http_process_request_line () at src/http/ngx_http_request.c:{1000+k}" for k in range(12)), 3)
ent(2, boot1, "systemd", 1, "init.scope", "nginx.service: Main process exited, code=killed, status=11/SEGV", 5, (("UNIT", "nginx.service"),))
ent(3, boot1, "kernel", None, None, "audit: " + " ".join(f"key{k}=value{k}" for k in range(80)), 6)
ent(4, boot1, "sshd", 1201, "ssh.service", "Failed password for root from 203.0.113.7 port 42393 ssh2", 6)
ent(5, boot2, "systemd", 1, "init.scope", "Started nginx.service - A high performance web server and a reverse proxy server.", 6, (("UNIT", "nginx.service"),))
ent(6, boot2, "app", 3333, "app.service", "x" * 4000 + " end", 4, (("_SOURCE_REALTIME_TIMESTAMP", str(t0 + 6_000_000 - 1234)),))
ent(7, boot2, "sshd", 812, "ssh.service", "Accepted publickey for admin from 198.51.100.9 port 50022 ssh2", 6)
for (i, boot, ident, pid, unit, msg, prio, extra) in entries:
    ts = t0 + i * 1_000_000 + 17
    field("__REALTIME_TIMESTAMP", str(ts))
    field("__MONOTONIC_TIMESTAMP", str(5_000_000 + i * 1_000_000))
    field("_BOOT_ID", boot)
    field("_MACHINE_ID", "b52998310a374c8b9c676f49cc62d044")
    field("_HOSTNAME", "web1")
    field("PRIORITY", str(prio))
    field("SYSLOG_IDENTIFIER", ident)
    if pid is not None:
        field("_PID", str(pid)); field("_COMM", ident)
    if unit:
        field("_SYSTEMD_UNIT", unit)
    for k, v in extra:
        field(k, v)
    field("MESSAGE", msg)
    out.write(b"\n")
