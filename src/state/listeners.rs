//! Listening sockets from `ss` (every iproute2 generation: with or without
//! the Netid and process columns, `users:(("nginx",pid=1,fd=6))` and the old
//! `users:(("nginx",1,6))`, `addr%iface`, `[::]:80`, `*:80`, `:::80`) and
//! from `netstat -tulpn`. Only sockets that accept connections are kept:
//! `LISTEN`, and `UNCONN` (unconnected UDP). Connected sockets are skipped.

use super::{Listener, State, src, warn};
use regex::Regex;
use std::sync::{Arc, LazyLock};

static USERS: LazyLock<Regex> = LazyLock::new(|| {
    // ("name",pid=12,fd=3) and the pre-2015 ("name",12,3)
    Regex::new(r#"\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+),(?:fd=)?\d+\)"#).expect("static regex")
});
static NETSTAT_PROG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s(\d+)/(.+?)\s*(?:\s(?:off|on|keepalive|timewait) \(.*)?$").expect("static regex")
});

/// Read `ss` or `netstat` output into `st.listeners`.
pub fn parse(kind: &str, file: &Arc<str>, text: &str, st: &mut State) {
    // When ss has no Netid column the protocol is the one asked for on the
    // command line, which only the file name tells (`ss_-tlnp`).
    let base = file.rsplit('/').next().unwrap_or(file);
    let default_proto = if base.contains('u') && !base.contains('t') {
        "udp"
    } else {
        "tcp"
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let r = if kind == "netstat" {
            netstat_line(l)
        } else {
            ss_line(l, default_proto)
        };
        match r {
            Line::Listener(mut li) => {
                li.source = src(file, n);
                st.listeners.push(li);
            }
            Line::Skip => {}
            Line::Bad(why) => warn(st, file, n, why),
        }
    }
}

enum Line {
    Listener(Listener),
    Skip,
    Bad(String),
}

const SS_NETIDS: &[&str] = &[
    "tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "nl", "p_raw", "p_dgr", "sctp", "v_str",
    "v_dgr", "icmp6", "mptcp", "tcp6", "udp6", "xdp", "tipc",
];

const SS_STATES: &[&str] = &[
    "LISTEN",
    "UNCONN",
    "ESTAB",
    "TIME-WAIT",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "CLOSE-WAIT",
    "LAST-ACK",
    "CLOSING",
    "CLOSED",
    "UNKNOWN",
];

fn ss_line(l: &str, default_proto: &str) -> Line {
    let toks: Vec<&str> = l.split_whitespace().collect();
    let Some(&first) = toks.first() else {
        return Line::Skip;
    };
    if first == "Netid" || first == "State" || first == "Recv-Q" {
        return Line::Skip;
    }
    let (proto, rest) = if SS_NETIDS.contains(&first) {
        (first.trim_end_matches('6'), &toks[1..])
    } else if SS_STATES.contains(&first) {
        (default_proto, &toks[..])
    } else {
        // `ss -m`/`-i` continuation lines (`skmem:(...)`, `cubic wscale`)
        // and `ss -s` summaries.
        return Line::Skip;
    };
    if !matches!(proto, "tcp" | "udp" | "sctp" | "mptcp") {
        return Line::Skip;
    }
    if rest.len() < 5 {
        return Line::Bad(format!("ss line with too few columns: {l:?}"));
    }
    let state = rest[0];
    if !matches!(state, "LISTEN" | "UNCONN") {
        return Line::Skip;
    }
    let Some((addr, iface, port)) = split_addr_port(rest[3]) else {
        return Line::Bad(format!("ss local address not addr:port: {:?}", rest[3]));
    };
    let Some(port) = port else {
        return Line::Skip;
    };
    let procs = rest[5..].join(" ");
    let (process, pid) = USERS
        .captures(&procs)
        .map(|c| (Some(c[1].to_string()), c[2].parse().ok()))
        .unwrap_or((None, None));
    Line::Listener(Listener {
        proto: proto.to_string(),
        addr,
        port,
        process,
        pid,
        iface,
        source: super::nowhere(),
        as_of: None,
    })
}

/// `0.0.0.0%virbr0:67`, `[::]:22`, `[fe80::1%eth0]:123`, `:::111`, `*:80`,
/// `127.0.0.1:*`. Port `None` for `*`.
fn split_addr_port(s: &str) -> Option<(String, Option<String>, Option<u16>)> {
    let (a, p) = s.rsplit_once(':')?;
    let port = if p == "*" {
        None
    } else {
        Some(p.parse::<u16>().ok()?)
    };
    let a = a.trim_start_matches('[').trim_end_matches(']');
    let (a, iface) = match a.split_once('%') {
        Some((a, i)) => (
            a.trim_end_matches(']'),
            Some(i.trim_end_matches(']').to_string()),
        ),
        None => (a, None),
    };
    // Old ss and netstat print the v6 wildcard as `:::port`, which leaves `::`.
    let a = if a.is_empty() { "*" } else { a };
    Some((a.to_string(), iface, port))
}

fn netstat_line(l: &str) -> Line {
    let toks: Vec<&str> = l.split_whitespace().collect();
    let Some(&proto_tok) = toks.first() else {
        return Line::Skip;
    };
    let proto = match proto_tok {
        "tcp" | "tcp6" => "tcp",
        "udp" | "udp6" => "udp",
        _ => return Line::Skip,
    };
    if toks.len() < 5 {
        return Line::Bad(format!("netstat line with too few columns: {l:?}"));
    }
    let state = toks.get(5).copied().unwrap_or("");
    let listening = if proto == "tcp" {
        state == "LISTEN"
    } else {
        // UDP sockets have no state column unless connected.
        state != "ESTABLISHED"
    };
    if !listening {
        return Line::Skip;
    }
    let Some((addr, iface, port)) = split_addr_port(toks[3]) else {
        return Line::Bad(format!(
            "netstat local address not addr:port: {:?}",
            toks[3]
        ));
    };
    let Some(port) = port else {
        return Line::Skip;
    };
    let (process, pid) = NETSTAT_PROG
        .captures(l)
        .map(|c| (Some(c[2].trim().to_string()), c[1].parse().ok()))
        .unwrap_or((None, None));
    Line::Listener(Listener {
        proto: proto.to_string(),
        addr,
        port,
        process,
        pid,
        iface,
        source: super::nowhere(),
        as_of: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: &str, name: &str, text: &str) -> State {
        let mut st = State::default();
        parse(kind, &Arc::from(name), text, &mut st);
        st
    }

    #[test]
    fn ss_generations() {
        let st = run(
            "ss",
            "ss_-tulpn",
            "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
             tcp   LISTEN 0      511    127.0.0.1:80 0.0.0.0:* users:((\"nginx\",pid=812,fd=6),(\"nginx\",pid=811,fd=6))\n\
             tcp   LISTEN 0      128    *:22 *:* users:((\"sshd\",1231,3))\n\
             udp   UNCONN 0      0      0.0.0.0%virbr0:67 0.0.0.0:*\n\
             tcp   LISTEN 0      128    [::]:443 [::]:*\n\
             tcp   ESTAB  0      0      10.0.0.1:22 10.0.0.2:5555\n",
        );
        assert_eq!(st.listeners.len(), 4);
        let l = &st.listeners[0];
        assert_eq!(
            (l.addr.as_str(), l.port, l.process.as_deref(), l.pid),
            ("127.0.0.1", 80, Some("nginx"), Some(812))
        );
        assert!(l.is_loopback());
        assert_eq!(l.source.line, 2);
        assert_eq!(st.listeners[1].pid, Some(1231));
        assert_eq!(st.listeners[2].iface.as_deref(), Some("virbr0"));
        assert_eq!(st.listeners[2].proto, "udp");
        assert_eq!(st.listeners[3].addr, "::");
    }

    #[test]
    fn ss_without_netid() {
        let st = run(
            "ss",
            "ss_-tlnp",
            "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 :::2223 :::* users:((\"sshd\",pid=1416,fd=4))\n",
        );
        assert_eq!(st.listeners.len(), 1);
        assert_eq!(
            (
                st.listeners[0].proto.as_str(),
                st.listeners[0].addr.as_str(),
                st.listeners[0].port
            ),
            ("tcp", "::", 2223)
        );
    }

    #[test]
    fn malformed_is_partial() {
        let st = run(
            "ss",
            "ss",
            "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN garbage\ntcp LISTEN 0 1 nonsense 0.0.0.0:*\n\t skmem:(r0,rb369280)\nTotal: 5\n",
        );
        assert_eq!(st.listeners.len(), 1);
        assert_eq!(st.warnings.len(), 2);
        assert_eq!(st.warnings[0].source.line, 2);
    }

    #[test]
    fn netstat() {
        let st = run(
            "netstat",
            "netstat",
            "Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\n\
             tcp 0 0 0.0.0.0:80 0.0.0.0:* LISTEN 1279/nginx: master\n\
             tcp6 0 0 :::22 :::* LISTEN 900/sshd\n\
             udp 0 0 0.0.0.0:68 0.0.0.0:* 700/dhclient\n",
        );
        assert_eq!(st.listeners.len(), 3);
        assert_eq!(st.listeners[0].process.as_deref(), Some("nginx: master"));
        assert_eq!(st.listeners[1].addr, "::");
        assert_eq!(st.listeners[2].proto, "udp");
    }
}
