//! State parsers over the insights-core command-output fixtures in
//! `../shared/corpus/insights-core` (see its PROVENANCE.md). Each fixture is
//! fed under the sosreport path its command is stored at, and the facts are
//! checked against values read from the fixture by hand.

use faultline::state::{self, SnapshotInput, State};
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/insights-core");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("corpus missing at {}", dir.display());
    }
    println!("skipped: no corpus");
    None
}

/// Parse one fixture as if it were `sos_path` inside a sosreport.
fn load(name: &str, sos_path: &str) -> Option<State> {
    let dir = corpus()?;
    let data = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let inputs = [SnapshotInput {
        path: sos_path,
        data: &data,
        mtime: Some(1_700_000_000),
    }];
    Some(state::collect(&inputs))
}

fn ports(st: &State, proto: &str) -> Vec<(String, u16)> {
    st.listeners
        .iter()
        .filter(|l| l.proto == proto)
        .map(|l| (l.addr.clone(), l.port))
        .collect()
}

#[test]
fn content_detection_of_fixtures() {
    let Some(dir) = corpus() else { return };
    let kind = |n: &str| {
        let data = std::fs::read(dir.join(n)).unwrap_or_default();
        state::snapshot_kind(n, &data[..data.len().min(4096)])
    };
    assert_eq!(kind("test_df__DF_AL.txt"), Some("df"));
    assert_eq!(kind("test_netstat__NETSTAT.txt"), Some("netstat"));
    assert_eq!(kind("test_netstat__Ss_TUPNA.txt"), Some("ss"));
    assert_eq!(
        kind("test_firewall_cmd__FIREWALL_LIST_ZONES_3.txt"),
        Some("firewall-cmd")
    );
    assert_eq!(
        kind("test_iptables__IP6TABLES_SAVE.txt"),
        Some("iptables-save")
    );
    assert_eq!(
        kind("test_nftables__NTT_LIST_RULESET_DOC.txt"),
        Some("nft-json")
    );
    assert_eq!(
        kind("test_systemctl_status_all__SYSTEMCTLSTATUSALL.txt"),
        Some("systemctl-status")
    );
    assert_eq!(
        kind("test_unitfiles__UNITFILES_DOCTEST.txt"),
        Some("systemctl-list-unit-files")
    );
    // Logs are not snapshots.
    assert_eq!(kind("test_nginx_log__NGINX_ERROR_LOG.txt"), None);
    assert_eq!(kind("test_journalctl__JOURNAL_ALL_MSGINFO.txt"), None);
}

#[test]
fn ss_tulpn_2() {
    let Some(st) = load(
        "test_netstat__SS_TULPN_2.txt",
        "s/sos_commands/networking/ss_-tulpn",
    ) else {
        return;
    };
    assert_eq!(st.listeners.len(), 22);
    let tcp = ports(&st, "tcp");
    assert!(tcp.contains(&("*".into(), 80)));
    assert!(tcp.contains(&("::".into(), 22)));
    assert!(tcp.contains(&("192.168.122.1".into(), 53)));
    let cups: Vec<_> = st
        .listeners_on(631)
        .into_iter()
        .filter(|l| l.proto == "tcp")
        .collect();
    assert!(cups.iter().all(|l| l.is_loopback()));
    let dhcp = st.listeners.iter().find(|l| l.port == 67).expect("port 67");
    assert_eq!(
        (dhcp.addr.as_str(), dhcp.iface.as_deref(), dhcp.source.line),
        ("0.0.0.0", Some("virbr0"), 4)
    );
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
}

#[test]
fn ss_tupna_2_skips_connections() {
    let Some(st) = load(
        "test_netstat__SS_TUPNA_2.txt",
        "s/sos_commands/networking/ss_-tupna",
    ) else {
        return;
    };
    // 13 UNCONN udp + 9 LISTEN tcp; ESTAB and TIME-WAIT are not listeners.
    assert_eq!(st.listeners.len(), 22);
    assert!(
        st.listeners
            .iter()
            .all(|l| l.port != 54211 && l.port != 59574)
    );
}

#[test]
fn ss_old_and_new_users_forms() {
    let Some(st) = load(
        "test_netstat__Ss_TULPN.txt",
        "s/sos_commands/networking/ss_-tulpn",
    ) else {
        return;
    };
    let sshd: Vec<_> = st
        .listeners
        .iter()
        .filter(|l| l.process.as_deref() == Some("sshd"))
        .collect();
    assert_eq!(sshd.len(), 2);
    assert_eq!(
        (sshd[0].addr.as_str(), sshd[0].port, sshd[0].pid),
        ("::", 2223, Some(1416))
    );
    assert_eq!(
        (sshd[1].addr.as_str(), sshd[1].port, sshd[1].pid),
        ("*", 22, Some(1231))
    );
    let smtp = &st.listeners_on(25)[0];
    assert_eq!(
        (smtp.process.as_deref(), smtp.addr.as_str()),
        (Some("master"), "127.0.0.1")
    );
    assert!(smtp.is_loopback());
    let vnc = &st.listeners_on(5900)[0];
    assert_eq!(
        (vnc.addr.as_str(), vnc.process.as_deref(), vnc.pid),
        ("10.72.32.206", Some("qemu-kvm"), Some(9787))
    );
    assert_eq!(st.listeners.len(), 13);

    let Some(st) = load(
        "test_netstat__Ss_TUPNA.txt",
        "s/sos_commands/networking/ss_-tupna",
    ) else {
        return;
    };
    // tcp UNCONN rows are kept as listeners (the fixture labels udp as tcp); ESTAB rows are not.
    assert_eq!(st.listeners.len(), 13);
    let rpc = st
        .listeners
        .iter()
        .find(|l| l.port == 111 && l.addr == "*")
        .expect("rpcbind");
    assert_eq!(
        (rpc.process.as_deref(), rpc.pid),
        (Some("rpcbind"), Some(483))
    );
    assert!(st.listeners_on(25).iter().all(|l| l.is_loopback()));

    let Some(st) = load(
        "test_netstat__SS_TUPNA_DOCS.txt",
        "s/sos_commands/networking/ss_-tupna",
    ) else {
        return;
    };
    assert_eq!(st.listeners.len(), 5);
    let rpcb = st
        .listeners
        .iter()
        .find(|l| l.proto == "tcp" && l.port == 111)
        .expect("tcp 111");
    assert_eq!(
        (rpcb.process.as_deref(), rpcb.pid),
        (Some("rpcbind"), Some(1139))
    );
}

#[test]
fn netstat_listeners() {
    let Some(st) = load(
        "test_netstat__NETSTAT.txt",
        "s/sos_commands/networking/netstat_-W_-neopa",
    ) else {
        return;
    };
    assert_eq!(st.listeners.len(), 4);
    let q = &st.listeners_on(5672)[0];
    assert_eq!(
        (q.addr.as_str(), q.process.as_deref(), q.pid, q.source.line),
        ("0.0.0.0", Some("qpidd"), Some(1279), 5)
    );
    let p = &st.listeners_on(53644)[0];
    assert_eq!(p.process.as_deref(), Some("Passenger Rac"));
    assert!(st.listeners_on(27017)[0].is_loopback());
    assert!(st.listeners_on(80).is_empty(), "SYN_RECV is not a listener");
}

#[test]
fn firewalld_not_running_and_missing() {
    let Some(st) = load(
        "test_firewall_cmd__FIREWALL_LIST_ZONES_1.txt",
        "s/sos_commands/firewalld/firewall-cmd_--list-all-zones",
    ) else {
        return;
    };
    assert_eq!(st.firewall.len(), 1);
    assert_eq!(
        (st.firewall[0].backend.as_str(), st.firewall[0].active),
        ("firewalld", Some(false))
    );
    assert_eq!(st.firewall[0].source.line, 2);
    let v = state::reach::reachability(&st, 80, "tcp", None);
    assert!(
        v.allowed_by
            .iter()
            .any(|a| a.reason == "firewalld is not running")
    );

    let Some(st) = load(
        "test_firewall_cmd__FIREWALL_LIST_ZONES_2.txt",
        "s/sos_commands/firewalld/firewall-cmd_--list-all-zones",
    ) else {
        return;
    };
    assert!(st.firewall.is_empty());
    assert_eq!(st.warnings.len(), 1);
    assert!(st.warnings[0].message.contains("command not found"));
}

#[test]
fn firewalld_all_zones() {
    let Some(st) = load(
        "test_firewall_cmd__FIREWALL_LIST_ZONES_3.txt",
        "s/sos_commands/firewalld/firewall-cmd_--list-all-zones",
    ) else {
        return;
    };
    let zones: Vec<_> = st
        .firewall
        .iter()
        .filter_map(|f| f.zone.as_deref())
        .collect();
    assert_eq!(zones, ["block", "dmz", "public", "trusted"]);
    let public = &st.firewall[2];
    assert_eq!((public.active, public.default), (Some(true), true));
    assert_eq!(public.interfaces, ["eno1"]);
    assert_eq!(public.services, ["dhcpv6-client", "ssh"]);
    assert_eq!(public.rules.len(), 4);
    let r0 = &public.rules[0];
    assert_eq!(r0.saddrs, ["10.0.0.0/24"]);
    assert_eq!(r0.dports[0].to_string(), "8080-8090/tcp");
    assert_eq!(r0.action.as_deref(), Some("accept"));
    assert_eq!(r0.source.line, 47);
    assert_eq!(public.rules[1].action.as_deref(), Some("reject"));
    assert_eq!(public.rules[2].saddrs, ["192.168.0.10/24"]);
    assert_eq!(public.rules[2].action.as_deref(), Some("reject"));
    assert_eq!(st.firewall[0].target.as_deref(), Some("%%REJECT%%"));
    assert_eq!(st.firewall[3].target.as_deref(), Some("ACCEPT"));
    assert_eq!(st.firewall[1].services, ["ssh"]);
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);

    // Public zone: ssh open, http closed; 10.0.0.5 may reach 8085 by a rich rule.
    let ssh = state::reach::reachability(&st, 22, "tcp", None);
    assert!(ssh.reachable, "{ssh:?}");
    let http = state::reach::reachability(&st, 80, "tcp", None);
    assert_eq!(http.layer.as_deref(), Some("firewalld"));
    let rich = state::reach::reachability(&st, 8085, "tcp", "10.0.0.5".parse().ok());
    assert!(rich.reachable, "{rich:?}");
    assert_eq!(rich.allowed_by[0].source.line, 47);
    let banned_net = state::reach::reachability(&st, 22, "tcp", "192.168.0.99".parse().ok());
    assert_eq!(banned_net.layer.as_deref(), Some("firewalld"));
    assert_eq!(banned_net.source.as_ref().map(|s| s.line), Some(49));
}

#[test]
fn firewalld_keys_without_colon() {
    let Some(st) = load(
        "test_firewall_cmd__FIREWALL_LIST_ZONES_4.txt",
        "s/sos_commands/firewalld/firewall-cmd_--list-all-zones",
    ) else {
        return;
    };
    assert_eq!(st.firewall.len(), 1);
    let z = &st.firewall[0];
    assert_eq!(
        (z.zone.as_deref(), z.active, z.default),
        (Some("public"), Some(true), false)
    );
    assert_eq!(z.services, ["dhcpv6-client", "ssh"]);
    assert_eq!(z.interfaces, ["eno1"]);
}

#[test]
fn iptables_save() {
    let Some(st) = load(
        "test_iptables__IPTABLES_SAVE.txt",
        "s/sos_commands/networking/iptables-save",
    ) else {
        return;
    };
    let fw = &st.firewall[0];
    assert_eq!(fw.backend, "iptables");
    assert_eq!(fw.as_of.as_deref(), Some("2016-08-16T10:18:43Z"));
    let filter_rules: Vec<_> = fw
        .rules
        .iter()
        .filter(|r| r.table.as_deref() == Some("filter"))
        .collect();
    assert_eq!(filter_rules.len(), 8);
    assert_eq!(fw.chains.iter().filter(|c| c.table == "mangle").count(), 5);
    let out = fw.chain(Some("filter"), "OUTPUT").expect("OUTPUT");
    assert_eq!(out.policy.as_deref(), Some("accept"));
    let ssh = &filter_rules[5];
    assert_eq!(
        (
            ssh.proto.as_deref(),
            ssh.dports[0].lo,
            ssh.ct_states.as_slice(),
            ssh.action.as_deref()
        ),
        (Some("tcp"), 22, &["new".to_string()][..], Some("accept"))
    );
    assert_eq!(ssh.source.line, 13);
    assert_eq!(
        filter_rules[1].action.as_deref(),
        Some("accept"),
        "-g ACCEPT"
    );
    assert_eq!(
        filter_rules[3].action, None,
        "-s without a target counts only"
    );
    assert_eq!(filter_rules[6].action.as_deref(), Some("reject"));
    assert_eq!(
        fw.ports.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["22/tcp"]
    );

    let ssh = state::reach::reachability(&st, 22, "tcp", None);
    assert!(ssh.reachable);
    let web = state::reach::reachability(&st, 80, "tcp", None);
    assert_eq!(web.layer.as_deref(), Some("iptables"));
    assert_eq!(web.source.as_ref().map(|s| s.line), Some(14));
    let lan = state::reach::reachability(&st, 80, "tcp", "192.168.0.7".parse().ok());
    assert!(lan.reachable, "192.168.0.0/24 is accepted: {lan:?}");

    let Some(doc) = load(
        "test_iptables__IPTABLES_SAVE_DOC.txt",
        "s/sos_commands/networking/iptables-save",
    ) else {
        return;
    };
    assert_eq!(doc.firewall[0].rules.len(), 6);
}

#[test]
fn ip6tables_save() {
    let Some(st) = load(
        "test_iptables__IP6TABLES_SAVE.txt",
        "s/sos_commands/networking/ip6tables-save",
    ) else {
        return;
    };
    let fw = &st.firewall[0];
    assert_eq!(fw.backend, "ip6tables");
    assert_eq!(fw.as_of.as_deref(), Some("2017-01-31T05:25:29Z"));
    let tables: std::collections::BTreeSet<_> =
        fw.chains.iter().map(|c| c.table.as_str()).collect();
    assert_eq!(
        tables.into_iter().collect::<Vec<_>>(),
        ["filter", "mangle", "nat", "raw", "security"]
    );
    let rpf = fw
        .rules
        .iter()
        .find(|r| r.text.contains("rpfilter"))
        .expect("rpfilter rule");
    assert_eq!(rpf.unmodelled, ["-m rpfilter"]);
    assert_eq!(rpf.action.as_deref(), Some("drop"));
    assert_eq!(
        fw.rules
            .iter()
            .filter(|r| r.table.as_deref() == Some("filter"))
            .count(),
        7
    );
    let v = state::reach::reachability(&st, 443, "tcp", "2001:db8::5".parse().ok());
    assert_eq!(v.layer.as_deref(), Some("ip6tables"));
    assert_eq!(v.source.as_ref().map(|s| s.line), Some(55));
    let link_local = state::reach::reachability(&st, 443, "tcp", "fe80::1".parse().ok());
    assert!(link_local.reachable);
}

#[test]
fn ip6tables_special_is_partial() {
    let Some(st) = load(
        "test_iptables__IP6TABLES_SAVE_SPECIAL.txt",
        "s/sos_commands/networking/ip6tables-save",
    ) else {
        return;
    };
    let fw = &st.firewall[0];
    // `-A` with no chain is a warning; the other rules stay.
    assert_eq!(
        fw.rules
            .iter()
            .filter(|r| r.table.as_deref() == Some("filter"))
            .count(),
        5
    );
    assert_eq!(st.warnings.len(), 1);
    assert_eq!(st.warnings[0].source.line, 15);
    let odd = fw
        .rules
        .iter()
        .find(|r| r.target.as_deref() == Some("{s_1}"))
        .expect("jump to {s_1}");
    assert_eq!(
        (odd.dports[0].lo, odd.ct_states.as_slice()),
        (11, &["new".to_string()][..])
    );
    let comment = fw
        .rules
        .iter()
        .find(|r| r.chain.as_deref() == Some("OUTPUT"))
        .expect("OUTPUT rule");
    assert!(comment.unmodelled.is_empty(), "{:?}", comment.unmodelled);
}

#[test]
fn nft_json_fixtures() {
    let Some(st) = load(
        "test_nftables__NTT_LIST_RULESET_OUTPU1.txt",
        "s/sos_commands/nftables/nft_-j_list_ruleset",
    ) else {
        return;
    };
    let fw = &st.firewall[0];
    assert_eq!(fw.backend, "nftables");
    assert_eq!(fw.chains.len(), 2);
    assert_eq!(fw.rules.len(), 4);
    let input = fw.chain(Some("nftables_svc"), "INPUT").expect("INPUT");
    assert_eq!(
        (
            input.hook.as_deref(),
            input.policy.as_deref(),
            input.priority
        ),
        (Some("input"), Some("accept"), Some(0))
    );
    assert_eq!(fw.rules[1].dports[0].lo, 22);
    assert_eq!(fw.rules[3].action.as_deref(), Some("reject"));
    assert_eq!(fw.rules[0].unmodelled, ["vmap"]);
    assert_eq!(fw.sets[0].name, "example_set");
    let https = state::reach::reachability(&st, 443, "tcp", None);
    assert!(https.reachable, "{https:?}");
    let web = state::reach::reachability(&st, 80, "tcp", None);
    assert_eq!(web.layer.as_deref(), Some("nftables"));
    assert!(web.unknown.iter().any(|u| u.contains("vmap")));

    let Some(st) = load(
        "test_nftables__NTT_LIST_RULESET_TWO_CHAINS.txt",
        "s/sos_commands/nftables/nft_-j_list_ruleset",
    ) else {
        return;
    };
    let fw = &st.firewall[0];
    assert_eq!(
        fw.chains
            .iter()
            .map(|c| c.hook.as_deref().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["input", "postrouting"]
    );
    assert_eq!(fw.rules.len(), 3);
    assert_eq!(
        fw.ports.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["22/tcp"]
    );

    let Some(st) = load(
        "test_nftables__NTT_LIST_RULESET_DOC.txt",
        "s/sos_commands/nftables/nft_-j_list_ruleset",
    ) else {
        return;
    };
    assert_eq!(st.firewall[0].rules[1].action.as_deref(), Some("accept"));
    assert!(st.warnings.is_empty());
}

#[test]
fn systemctl_status_all() {
    let Some(st) = load(
        "test_systemctl_status_all__SYSTEMCTLSTATUSALL.txt",
        "s/sos_commands/systemd/systemctl_status_--all",
    ) else {
        return;
    };
    assert_eq!(st.units.len(), 1, "the host block is not a unit");
    let u = st
        .unit("proc-sys-fs-binfmt_misc.automount")
        .expect("automount");
    assert_eq!(
        (u.load.as_deref(), u.enabled.as_deref(), u.preset.as_deref()),
        (Some("loaded"), Some("static"), Some("disabled"))
    );
    assert_eq!(
        (u.active.as_deref(), u.sub.as_deref()),
        (Some("active"), Some("running"))
    );
    assert_eq!(u.since.as_deref(), Some("Thu 2021-09-23 12:03:43 UTC"));
    assert_eq!(u.source.line, 12);
}

#[test]
fn list_units() {
    let Some(st) = load(
        "test_unitfiles__LISTUNITS_CONTENT.txt",
        "s/sos_commands/systemd/systemctl_list-units",
    ) else {
        return;
    };
    let swift = st.unit("openstack-swift-proxy").expect("swift proxy");
    assert_eq!(
        (swift.active.as_deref(), swift.sub.as_deref()),
        (Some("failed"), Some("failed"))
    );
    assert_eq!(
        swift.description.as_deref(),
        Some("OpenStack Object Storage (swift) - Proxy Server")
    );
    let timer = st.unit("docker-cleanup.timer").expect("timer");
    assert_eq!(timer.sub.as_deref(), Some("waiting"));
    assert!(st.unit("-.mount").is_some());
    assert!(st.units.len() > 150, "{}", st.units.len());

    let Some(st) = load(
        "test_unitfiles__LISTUNITS_CONTENT_2.txt",
        "s/sos_commands/systemd/systemctl_list-units",
    ) else {
        return;
    };
    assert_eq!(st.units.len(), 6);
    let chrony = st.unit("chronyd").expect("chronyd");
    assert_eq!(
        (chrony.active.as_deref(), chrony.source.line),
        (Some("failed"), 7)
    );
    assert_eq!(
        st.unit("neutron-dhcp-agent")
            .and_then(|u| u.description.as_deref()),
        Some("OpenStack Neutron DHCP Agent")
    );
}

#[test]
fn list_unit_files() {
    let Some(st) = load(
        "test_unitfiles__UNITFILES_DOCTEST.txt",
        "s/sos_commands/systemd/systemctl_list-unit-files",
    ) else {
        return;
    };
    assert_eq!(st.units.len(), 7);
    assert_eq!(
        st.unit("mariadb").and_then(|u| u.enabled.as_deref()),
        Some("enabled")
    );
    assert_eq!(
        st.unit("runlevel0.target")
            .and_then(|u| u.enabled.as_deref()),
        Some("disabled")
    );
    assert_eq!(st.unit("runlevel2.target").map(|u| u.source.line), Some(9));

    let Some(st) = load(
        "test_unitfiles__KDUMP_ENABLED_RHEL9.txt",
        "s/sos_commands/systemd/systemctl_list-unit-files",
    ) else {
        return;
    };
    let k = st.unit("kdump").expect("kdump");
    assert_eq!(
        (k.enabled.as_deref(), k.preset.as_deref()),
        (Some("enabled"), Some("enabled"))
    );
}

#[test]
fn df_space_and_inodes() {
    let Some(st) = load(
        "test_df__DF_AL.txt",
        "s/sos_commands/filesys/df_-al_-x_autofs",
    ) else {
        return;
    };
    assert_eq!(st.disks.len(), 9);
    let root = st.disks.iter().find(|d| d.mount == "/").expect("/");
    assert_eq!(
        (
            root.filesystem.as_str(),
            root.use_percent,
            root.size.as_deref()
        ),
        (
            "/dev/mapper/vg_lxcrhel6sat56-lv_root",
            Some(5),
            Some("98571884")
        )
    );
    let sys = st.disks.iter().find(|d| d.mount == "/sys").expect("/sys");
    assert_eq!(sys.use_percent, None);
    assert_eq!(
        st.fullest_disk().map(|d| (d.mount.as_str(), d.use_percent)),
        Some(("/dev/shm", Some(9)))
    );

    let Some(st) = load(
        "test_df__DF_LI.txt",
        "s/sos_commands/filesys/df_-li_-x_autofs",
    ) else {
        return;
    };
    assert_eq!(st.disks.len(), 10);
    let root = &st.disks[0];
    assert_eq!(
        (
            root.filesystem.as_str(),
            root.mount.as_str(),
            root.use_percent,
            root.measure.as_str()
        ),
        (
            "/dev/mapper/vg_lxcrhel6sat56-lv_root",
            "/",
            Some(2),
            "inodes"
        )
    );
    assert_eq!(root.source.line, 5);
    assert!(st.disks.iter().any(|d| d.mount == "/V M T o o l s"));
    assert!(st.disks.iter().any(|d| d.mount == "/VM Tools"));
}
