//! Property tests: every state parser is total. Arbitrary bytes, and lines
//! stitched from snapshot vocabulary (so parsers get past their headers),
//! fed under every kind's sosreport path, never panic, and reachability
//! over whatever came out never panics either.

use faultline::state::{self, SnapshotInput};
use proptest::prelude::*;

const PATHS: &[&str] = &[
    "h/sos_commands/networking/ss_-tulpn",
    "h/sos_commands/networking/netstat_-tulpn",
    "h/sos_commands/firewalld/firewall-cmd_--list-all-zones",
    "h/sos_commands/networking/iptables-save",
    "h/sos_commands/nftables/nft_list_ruleset",
    "h/sos_commands/nftables/nft_-j_list_ruleset",
    "h/sos_commands/ufw/ufw_status_verbose",
    "h/sos_commands/systemd/systemctl_status_--all",
    "h/sos_commands/systemd/systemctl_list-units",
    "h/sos_commands/systemd/systemctl_list-unit-files",
    "h/sos_commands/systemd/systemctl_is-enabled_nginx",
    "h/etc/nginx/nginx.conf",
    "h/etc/nginx/conf.d/a.conf",
    "h/sos_commands/nginx/nginx_-T",
    "h/etc/ssh/sshd_config",
    "h/sos_commands/ssh/sshd_-T",
    "h/etc/hosts",
    "h/etc/resolv.conf",
    "h/sos_commands/networking/ip_-d_address",
    "h/sos_commands/networking/ip_route_show_table_all",
    "h/sos_commands/filesys/df_-al_-x_autofs",
    "h/sos_commands/memory/free",
    "h/sos_commands/fail2ban/fail2ban-client_status_sshd",
    "h/usr/lib/firewalld/services/http.xml",
    "h/sos_commands/date/date",
];

const WORDS: &[&str] = &[
    "tcp",
    "udp",
    "LISTEN",
    "UNCONN",
    "0",
    "128",
    "0.0.0.0:80",
    "[::]:22",
    "*:*",
    ":::443",
    "users:((\"nginx\",pid=1,fd=6))",
    "users:((\"x\",1,2))",
    "-A",
    "INPUT",
    "-p",
    "-j",
    "DROP",
    "ACCEPT",
    "--dport",
    "--dports",
    "22,80:90",
    "-m",
    "!",
    "-s",
    "1.2.3.4/33",
    ":INPUT",
    "*filter",
    "COMMIT",
    "table",
    "inet",
    "chain",
    "{",
    "}",
    ";",
    "type",
    "hook",
    "input",
    "policy",
    "drop",
    "tcp dport",
    "{ 22, 80 }",
    "ct",
    "state",
    "@set",
    "ip saddr",
    "jump",
    "goto",
    "public (active)",
    "  services:",
    "  ports:",
    "80/tcp",
    "  rich rules:",
    "rule",
    "family=\"ipv4\"",
    "port=\"x\"",
    "Status: active",
    "To",
    "Action",
    "From",
    "ALLOW IN",
    "Anywhere",
    "●",
    "Loaded:",
    "Active:",
    "loaded",
    "active",
    "(running)",
    "nginx.service",
    "enabled",
    "server",
    "listen",
    "include",
    "/etc/nginx/*.conf",
    "'",
    "\"",
    "#",
    "Port",
    "ListenAddress",
    "[::1]:",
    "Filesystem",
    "Use%",
    "100%",
    "-",
    "Mem:",
    "Banned IP list:",
    "Status for the jail:",
    "<port",
    "port=\"80\"",
    "protocol=\"tcp\"/>",
    "{\"nftables\": [",
    "{\"rule\":",
    "{\"match\":",
    "null",
    "]}",
    "inet6",
    "default",
    "via",
    "dev",
    "# configuration file /etc/nginx/nginx.conf:",
    "\t",
    "%eth0",
    "-----BEGIN CERTIFICATE-----",
    "-----END CERTIFICATE-----",
    "MIIB",
    "Tue Aug 16 10:18:43 UTC 2016",
];

fn run(path: &str, data: &[u8]) {
    let inputs = [
        SnapshotInput {
            path,
            data,
            mtime: Some(0),
        },
        SnapshotInput {
            path: "h/etc/nginx/ssl/x.pem",
            data,
            mtime: None,
        },
    ];
    let st = state::collect(&inputs);
    let _ = state::render_text(&st);
    for port in [22u16, 80, 443] {
        let _ = state::reach::reachability(&st, port, "tcp", "203.0.113.7".parse().ok());
        let _ = state::reach::reachability(&st, port, "udp", None);
    }
    let _ = serde_json::to_string(&st);
}

fn stitched() -> impl Strategy<Value = String> {
    let line =
        proptest::collection::vec(proptest::sample::select(WORDS), 0..10).prop_map(|w| w.join(" "));
    proptest::collection::vec(line, 0..30).prop_map(|ls| ls.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(idx in 0..PATHS.len(), data in proptest::collection::vec(any::<u8>(), 0..1500)) {
        run(PATHS[idx], &data);
        let _ = state::snapshot_kind(PATHS[idx], &data);
    }

    #[test]
    fn stitched_snapshots_never_panic(idx in 0..PATHS.len(), text in stitched()) {
        run(PATHS[idx], text.as_bytes());
        let _ = state::snapshot_kind("plain.txt", text.as_bytes());
    }
}
