//! The state parsers: the first byte picks which snapshot the rest
//! pretends to be. Never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "sos_commands/networking/ss_-peaonmi",
    "sos_commands/networking/netstat_-W_-neopa",
    "sos_commands/firewalld/firewall-cmd_--list-all-zones",
    "sos_commands/networking/iptables-save",
    "sos_commands/nft/nft_list_ruleset",
    "sos_commands/nft/nft_-j_list_ruleset",
    "sos_commands/ufw/ufw_status",
    "etc/firewalld/services/x.xml",
    "sos_commands/systemd/systemctl_status_--all",
    "sos_commands/systemd/systemctl_list-units",
    "sos_commands/systemd/systemctl_list-unit-files",
    "sos_commands/systemd/systemctl_is-enabled_nginx",
    "sos_commands/systemd/systemctl_is-active_nginx",
    "etc/nginx/nginx.conf",
    "etc/nginx/conf.d/site.conf",
    "sos_commands/nginx/nginx_-T",
    "etc/ssh/sshd_config",
    "sos_commands/ssh/sshd_-T",
    "etc/hosts",
    "etc/resolv.conf",
    "sos_commands/networking/ip_-d_address",
    "sos_commands/networking/ip_route_show_table_all",
    "sos_commands/filesys/df_-al_-x_autofs",
    "sos_commands/memory/free",
    "etc/pki/tls/certs/site.pem",
    "sos_commands/fail2ban/fail2ban-client_status_sshd",
    "sos_commands/date/date",
    "unknown.txt",
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let path = PATHS[first as usize % PATHS.len()];
    let inputs = [faultline::state::SnapshotInput {
        path,
        data: rest,
        mtime: Some(1_722_930_000),
    }];
    let st = faultline::state::collect(&inputs);
    let _ = faultline::state::render_text(&st);
});
