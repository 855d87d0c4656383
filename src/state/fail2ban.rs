//! Current fail2ban bans from `fail2ban-client status <jail>` (the
//! `Banned IP list:` line) and `fail2ban-client banned` (Python-literal
//! `[{'sshd': ['1.2.3.4']}]`). The overview `fail2ban-client status` names
//! jails only and yields no bans.

use super::{Ban, State, src, warn};
use std::net::IpAddr;
use std::sync::Arc;

/// Read fail2ban-client output into `st.bans`.
pub fn parse(file: &Arc<str>, text: &str, st: &mut State) {
    let mut jail: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if let Some(j) = t.strip_prefix("Status for the jail:") {
            jail = Some(j.trim().to_string());
            continue;
        }
        if t.starts_with("[{") {
            banned_literal(file, n, t, st);
            continue;
        }
        let Some((_, list)) = t.split_once("Banned IP list:") else {
            continue;
        };
        let Some(j) = jail.clone() else {
            warn(st, file, n, "banned IP list outside a jail's status");
            continue;
        };
        for ip in list.split_whitespace() {
            if ip.parse::<IpAddr>().is_err() && !ip.contains('/') {
                warn(
                    st,
                    file,
                    n,
                    format!("banned entry is not an address: {ip:?}"),
                );
                continue;
            }
            st.bans.push(Ban {
                jail: j.clone(),
                ip: ip.to_string(),
                source: src(file, n),
                as_of: None,
            });
        }
    }
}

/// `[{'sshd': ['192.0.2.1', '192.0.2.2']}, {'nginx': []}]`
fn banned_literal(file: &Arc<str>, n: usize, t: &str, st: &mut State) {
    for part in t.split('{').skip(1) {
        let Some((jail, rest)) = part.split_once(':') else {
            continue;
        };
        let jail = jail.trim().trim_matches(['\'', '"']).to_string();
        let list = rest.split(']').next().unwrap_or("");
        for ip in list.trim().trim_start_matches('[').split(',') {
            let ip = ip.trim().trim_matches(['\'', '"']);
            if ip.is_empty() {
                continue;
            }
            if ip.parse::<IpAddr>().is_err() {
                warn(
                    st,
                    file,
                    n,
                    format!("banned entry is not an address: {ip:?}"),
                );
                continue;
            }
            st.bans.push(Ban {
                jail: jail.clone(),
                ip: ip.to_string(),
                source: src(file, n),
                as_of: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jail_status() {
        let mut st = State::default();
        parse(
            &Arc::from("f2b"),
            "Status for the jail: sshd\n|- Filter\n|  |- Currently failed:\t0\n|  `- File list:\t/var/log/auth.log\n`- Actions\n   |- Currently banned:\t2\n   `- Banned IP list:\t203.0.113.7 2001:db8::1 bogus\n",
            &mut st,
        );
        assert_eq!(st.bans.len(), 2);
        assert_eq!(
            (
                st.bans[0].jail.as_str(),
                st.bans[0].ip.as_str(),
                st.bans[0].source.line
            ),
            ("sshd", "203.0.113.7", 7)
        );
        assert_eq!(st.warnings.len(), 1);
    }

    #[test]
    fn banned_command() {
        let mut st = State::default();
        parse(
            &Arc::from("f"),
            "[{'sshd': ['192.0.2.1', '192.0.2.2']}, {'nginx-http-auth': []}]\n",
            &mut st,
        );
        assert_eq!(st.bans.len(), 2);
        assert_eq!(st.bans[1].ip, "192.0.2.2");
    }
}
