//! State snapshots: what the host looked like (listeners, firewall, units,
//! config, disks, certificates, bans) and who could reach what.
//!
//! Sits beside the log pipeline: `pipeline` hands every member for which
//! [`snapshot_kind`] answers `Some` to [`collect`] at once, so that nginx
//! `include`s and the certificates named by `ssl_certificate` can be resolved
//! inside the bundle. Every parser here is total: a malformed snapshot yields
//! the facts it could read plus [`Warning`]s, never a panic or an error.
//! [`reach`] answers "could a client from outside connect to port P" over the
//! collected facts. JSON keys are the SPEC's ("State"); keys may be added,
//! never renamed.

use crate::event::SourceRef;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;

mod certs;
mod config;
mod detect;
mod fail2ban;
mod firewall;
mod listeners;
pub mod reach;
mod resources;
mod time;
mod units;

pub use firewall::{Chain, Firewall, PortRange, Rule};
pub use reach::Verdict;

/// One snapshot file handed to the state parsers.
pub struct SnapshotInput<'a> {
    /// Path inside the bundle.
    pub path: &'a str,
    pub data: &'a [u8],
    /// Member mtime, seconds since the epoch.
    pub mtime: Option<i64>,
}

/// A socket in a listening state, from `ss` or `netstat`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Listener {
    /// `tcp` or `udp` (the `6` of netstat's `tcp6` is folded into `addr`).
    pub proto: String,
    /// Local address without brackets or `%iface`: `0.0.0.0`, `::`, `*`,
    /// `127.0.0.1`, ...
    pub addr: String,
    pub port: u16,
    /// First process named in the snapshot, when shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Interface the socket is bound to (`0.0.0.0%virbr0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iface: Option<String>,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl Listener {
    /// `addr:port` as a client would write it (`[::]:443` for IPv6).
    pub fn endpoint(&self) -> String {
        if self.addr.contains(':') {
            format!("[{}]:{}", self.addr, self.port)
        } else {
            format!("{}:{}", self.addr, self.port)
        }
    }

    /// Bound to a loopback address only, so unreachable from outside.
    pub fn is_loopback(&self) -> bool {
        if self.addr == "localhost" {
            return true;
        }
        self.addr
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
    }
}

/// A systemd unit, merged over every snapshot that mentions it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Unit {
    pub name: String,
    /// `active`, `inactive`, `failed`, `activating`, ... when known.
    pub active: Option<String>,
    /// `enabled`, `disabled`, `masked`, `static`, ... when known.
    pub enabled: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The text after `since` in `systemctl status` (`Thu 2021-09-23 12:03:43 UTC`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Where the first fact about this unit was read.
    pub source: SourceRef,
    /// Where `enabled` was read, when that is another place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled_source: Option<SourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl Default for Unit {
    fn default() -> Self {
        Unit {
            name: String::new(),
            active: None,
            enabled: None,
            load: None,
            sub: None,
            preset: None,
            description: None,
            since: None,
            source: nowhere(),
            enabled_source: None,
            as_of: None,
        }
    }
}

/// A placeholder source, replaced before a fact leaves its parser.
pub(crate) fn nowhere() -> SourceRef {
    SourceRef {
        file: Arc::from(""),
        line: 0,
    }
}

/// One configuration directive that matters for reachability or parsing.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ConfigItem {
    /// `nginx` or `sshd`.
    pub program: String,
    /// Directive name as written (`listen`, `server_name`, `Port`, ...).
    pub key: String,
    /// The directive's arguments joined by one space.
    pub value: String,
    /// For address directives (`listen`, `Port`, `ListenAddress`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// `listen` flags (`ssl`, `default_server`, `http2`, ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// First `server_name` of the enclosing nginx `server` block, or the
    /// `upstream` name for its `server` lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// True when the value is nginx's or sshd's default, not written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub implied: bool,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// A certificate read from a PEM file in the bundle.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Certificate {
    /// Path inside the bundle.
    pub path: String,
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    /// RFC 3339 UTC.
    pub not_before: String,
    pub not_after: String,
    /// `ssl_certificate` directives that name this file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub named_by: Vec<SourceRef>,
    /// Expired at the snapshot time, when that is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_at_as_of: Option<bool>,
    pub source: SourceRef,
}

/// One filesystem line of `df`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Disk {
    pub filesystem: String,
    pub mount: String,
    /// `None` for pseudo filesystems that print `-`.
    pub use_percent: Option<u8>,
    /// `space` (blocks) or `inodes` (`df -i`).
    pub measure: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avail: Option<String>,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// A line of `free`: `Mem:` or `Swap:`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Memory {
    /// `Mem` or `Swap`.
    pub kind: String,
    pub total: String,
    pub used: String,
    pub free: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_percent: Option<u8>,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// An address currently banned by fail2ban.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Ban {
    pub jail: String,
    pub ip: String,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// An `ip route` line.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Route {
    /// `default` or a prefix.
    pub dest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    pub source: SourceRef,
}

/// An address from `ip addr`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Address {
    pub iface: String,
    /// `inet` or `inet6`.
    pub family: String,
    /// With its prefix length, as printed (`10.0.0.5/24`).
    pub addr: String,
    /// Interface flags include `UP`.
    pub up: bool,
    pub source: SourceRef,
}

/// An `/etc/hosts` entry.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HostEntry {
    pub ip: String,
    pub names: Vec<String>,
    pub source: SourceRef,
}

/// An `/etc/resolv.conf` directive (`nameserver`, `search`, `options`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ResolvEntry {
    pub key: String,
    pub value: String,
    pub source: SourceRef,
}

/// A firewalld service definition: name to ports, from the built-in table
/// or from the bundle's `*/firewalld/services/*.xml`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ServiceDef {
    pub name: String,
    /// `80/tcp`, `60000-61000/udp`.
    pub ports: Vec<String>,
    pub source: SourceRef,
}

/// One snapshot member that was read, with the kind it was read as.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SnapshotInfo {
    pub file: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// Something a parser could not read; the rest of the snapshot still counts.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Warning {
    pub source: SourceRef,
    pub message: String,
}

/// Everything the snapshots in one bundle say. Field order is the JSON
/// order; SPEC keys first.
#[derive(Clone, Debug, Default, Serialize)]
pub struct State {
    pub listeners: Vec<Listener>,
    pub firewall: Vec<Firewall>,
    pub units: Vec<Unit>,
    pub config: Vec<ConfigItem>,
    pub certificates: Vec<Certificate>,
    pub disks: Vec<Disk>,
    /// RFC 3339 UTC: the sosreport's `date`, else the newest snapshot time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    pub bans: Vec<Ban>,
    pub memory: Vec<Memory>,
    pub routes: Vec<Route>,
    pub addresses: Vec<Address>,
    pub hosts: Vec<HostEntry>,
    pub resolv: Vec<ResolvEntry>,
    /// Only the definitions read from the bundle; the built-in table is
    /// consulted by [`State::service_ports`] without being listed.
    pub services: Vec<ServiceDef>,
    pub snapshots: Vec<SnapshotInfo>,
    pub warnings: Vec<Warning>,
}

/// A port some configuration says is served (nginx `listen`, sshd `Port`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ServedPort {
    pub program: String,
    pub addr: Option<String>,
    pub port: u16,
    pub source: SourceRef,
}

impl State {
    /// Listening sockets on `port`, any protocol and address.
    pub fn listeners_on(&self, port: u16) -> Vec<&Listener> {
        self.listeners.iter().filter(|l| l.port == port).collect()
    }

    /// A unit by name; `nginx` finds `nginx.service`.
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.name == name).or_else(|| {
            let full = format!("{name}.service");
            self.units.iter().find(|u| u.name == full)
        })
    }

    /// Ports the nginx and sshd configuration says are served, deduplicated
    /// by (program, addr, port), first source kept. sshd's default port 22
    /// is included when an sshd config was read without a `Port`.
    pub fn served_ports(&self) -> Vec<ServedPort> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for c in &self.config {
            let Some(port) = c.port else { continue };
            let relevant = matches!(
                (c.program.as_str(), c.key.as_str()),
                ("nginx", "listen") | ("sshd", "Port") | ("sshd", "ListenAddress")
            );
            if relevant && seen.insert((c.program.clone(), c.addr.clone(), port)) {
                out.push(ServedPort {
                    program: c.program.clone(),
                    addr: c.addr.clone(),
                    port,
                    source: c.source.clone(),
                });
            }
        }
        out
    }

    /// Every current fail2ban ban.
    pub fn banned_ips(&self) -> Vec<&Ban> {
        self.bans.iter().collect()
    }

    /// The ban that covers `ip`, if any (addresses compared parsed, so
    /// `::ffff:1.2.3.4` forms and spacing do not matter).
    pub fn ban_for(&self, ip: IpAddr) -> Option<&Ban> {
        self.bans
            .iter()
            .find(|b| net::ip_in(&b.ip, ip).unwrap_or(false))
    }

    /// Backends seen in the bundle (`firewalld`, `iptables`, `ip6tables`,
    /// `nftables`, `ufw`), each once, in first-seen order.
    pub fn firewall_backends(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for f in &self.firewall {
            if !out.contains(&f.backend.as_str()) {
                out.push(&f.backend);
            }
        }
        out
    }

    /// Configuration items of one program and directive (`("nginx", "listen")`).
    pub fn config_values(&self, program: &str, key: &str) -> Vec<&ConfigItem> {
        self.config
            .iter()
            .filter(|c| c.program == program && c.key.eq_ignore_ascii_case(key))
            .collect()
    }

    /// Ports a firewalld service name stands for: the bundle's own XML
    /// definition first, else the built-in table. Empty when unknown.
    pub fn service_ports(&self, name: &str) -> Vec<(PortRange, String)> {
        // firewalld reads etc/firewalld/services over usr/lib/firewalld/services.
        let def = self
            .services
            .iter()
            .filter(|s| s.name == name)
            .min_by_key(|s| !s.source.file.contains("etc/firewalld/"));
        if let Some(def) = def {
            return def
                .ports
                .iter()
                .filter_map(|p| firewall::parse_port_proto(p))
                .collect();
        }
        firewall::builtin_service_ports(name)
    }

    /// The disk whose use is highest, when any `df` was read.
    pub fn fullest_disk(&self) -> Option<&Disk> {
        self.disks
            .iter()
            .filter(|d| d.use_percent.is_some())
            .max_by_key(|d| d.use_percent)
    }
}

/// Which snapshot parser, if any, reads this member (by sosreport path or by
/// content). `head` is up to the first 4 KiB.
pub fn snapshot_kind(path: &str, head: &[u8]) -> Option<&'static str> {
    detect::snapshot_kind(path, head)
}

/// Read every snapshot member of one bundle into one [`State`].
pub fn collect(inputs: &[SnapshotInput<'_>]) -> State {
    let mut st = State::default();
    let bundle = Bundle::new(inputs);
    let sos_date = time::sos_date(inputs, &mut st.warnings);

    // Service definitions first: the firewall facts do not need them, but
    // keeping them sorted by name makes output independent of member order.
    let mut order: Vec<(usize, &'static str)> = Vec::new();
    for (i, inp) in inputs.iter().enumerate() {
        let head = &inp.data[..inp.data.len().min(4096)];
        if let Some(kind) = snapshot_kind(inp.path, head) {
            order.push((i, kind));
        }
    }
    // nginx roots are read by `config::nginx_all`, which follows includes.
    let mut nginx_members = Vec::new();
    let mut pem_members = Vec::new();
    for &(i, kind) in &order {
        let inp = &inputs[i];
        let file: Arc<str> = Arc::from(inp.path);
        let text = String::from_utf8_lossy(inp.data);
        let header_time = time::header_time(kind, &text);
        let as_of = header_time.or(sos_date).or(inp.mtime).map(time::rfc3339);
        st.snapshots.push(SnapshotInfo {
            file: inp.path.to_string(),
            kind: kind.to_string(),
            as_of: as_of.clone(),
        });
        let mark = Marks::of(&st);
        match kind {
            "ss" | "netstat" => listeners::parse(kind, &file, &text, &mut st),
            "firewall-cmd" => firewall::parse_firewall_cmd(&file, &text, &mut st),
            "iptables-save" => firewall::parse_iptables_save(&file, &text, &mut st),
            "nft" => firewall::parse_nft_text(&file, &text, &mut st),
            "nft-json" => firewall::parse_nft_json(&file, &text, &mut st),
            "ufw" => firewall::parse_ufw(&file, &text, &mut st),
            "firewalld-service" => firewall::parse_service_xml(&file, &text, &mut st),
            "systemctl-status"
            | "systemctl-list-units"
            | "systemctl-list-unit-files"
            | "systemctl-is-enabled"
            | "systemctl-is-active" => units::parse(kind, &file, &text, &mut st),
            "nginx-conf" | "nginx-T" => nginx_members.push(i),
            "sshd-config" | "sshd-T" => config::parse_sshd(kind, &file, &text, &mut st),
            "hosts" => config::parse_hosts(&file, &text, &mut st),
            "resolv" => config::parse_resolv(&file, &text, &mut st),
            "ip-addr" => config::parse_ip_addr(&file, &text, &mut st),
            "ip-route" => config::parse_ip_route(&file, &text, &mut st),
            "df" => resources::parse_df(&file, &text, &mut st),
            "free" => resources::parse_free(&file, &text, &mut st),
            "pem" => pem_members.push(i),
            "fail2ban" => fail2ban::parse(&file, &text, &mut st),
            _ => {}
        }
        mark.stamp(&mut st, as_of.as_deref());
    }
    let mark = Marks::of(&st);
    config::nginx_all(&bundle, &nginx_members, &mut st);
    // nginx facts get the as_of of the file they came from.
    let stamps: BTreeMap<String, Option<String>> = st
        .snapshots
        .iter()
        .map(|s| (s.file.clone(), s.as_of.clone()))
        .collect();
    for c in &mut st.config[mark.config..] {
        c.as_of = stamps.get(&*c.source.file).cloned().flatten();
    }
    st.as_of = sos_date
        .map(time::rfc3339)
        .or_else(|| st.snapshots.iter().filter_map(|s| s.as_of.clone()).max());
    config::finish_sshd(&mut st);
    certs::collect(&bundle, &pem_members, &mut st);
    st.services.sort_by(|a, b| a.name.cmp(&b.name));
    st
}

/// Render for `faultline state`.
pub fn render_text(s: &State) -> String {
    render::text(s)
}

mod render;

/// The bundle's members by path, for includes and certificate look-ups.
pub(crate) struct Bundle<'a> {
    pub inputs: &'a [SnapshotInput<'a>],
}

impl<'a> Bundle<'a> {
    fn new(inputs: &'a [SnapshotInput<'a>]) -> Self {
        Bundle { inputs }
    }

    /// Index of the member whose path, less any top directory, is `abs`
    /// (an absolute path on the host such as `/etc/ssl/certs/site.pem`).
    pub fn index_by_host_path(&self, abs: &str) -> Option<usize> {
        let want = abs.trim_start_matches('/');
        if want.is_empty() {
            return None;
        }
        let suffix = format!("/{want}");
        self.inputs
            .iter()
            .position(|i| i.path == want || i.path.ends_with(&suffix))
    }
}

/// Lengths of the fact lists before a parser ran, so the new facts can be
/// stamped with the snapshot time afterwards.
struct Marks {
    listeners: usize,
    units: usize,
    config: usize,
    disks: usize,
    memory: usize,
    bans: usize,
    firewall: usize,
}

impl Marks {
    fn of(st: &State) -> Self {
        Marks {
            listeners: st.listeners.len(),
            units: st.units.len(),
            config: st.config.len(),
            disks: st.disks.len(),
            memory: st.memory.len(),
            bans: st.bans.len(),
            firewall: st.firewall.len(),
        }
    }

    fn stamp(&self, st: &mut State, as_of: Option<&str>) {
        let Some(t) = as_of else { return };
        let t = Some(t.to_string());
        for x in st.listeners.iter_mut().skip(self.listeners) {
            x.as_of.clone_from(&t);
        }
        for x in st.units.iter_mut().skip(self.units) {
            x.as_of.clone_from(&t);
        }
        for x in st.config.iter_mut().skip(self.config) {
            x.as_of.clone_from(&t);
        }
        for x in st.disks.iter_mut().skip(self.disks) {
            x.as_of.clone_from(&t);
        }
        for x in st.memory.iter_mut().skip(self.memory) {
            x.as_of.clone_from(&t);
        }
        for x in st.bans.iter_mut().skip(self.bans) {
            x.as_of.clone_from(&t);
        }
        for x in st.firewall.iter_mut().skip(self.firewall) {
            x.as_of.clone_from(&t);
        }
    }
}

pub(crate) fn src(file: &Arc<str>, line: usize) -> SourceRef {
    SourceRef {
        file: file.clone(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
    }
}

pub(crate) fn warn(st: &mut State, file: &Arc<str>, line: usize, msg: impl Into<String>) {
    st.warnings.push(Warning {
        source: src(file, line),
        message: msg.into(),
    });
}

/// Address helpers shared by the parsers and [`reach`].
pub(crate) mod net {
    use std::net::IpAddr;

    /// Whether `ip` falls in `spec` (`1.2.3.4`, `10.0.0.0/8`, `::1/128`).
    /// `None` when `spec` is not an address or prefix.
    pub fn ip_in(spec: &str, ip: IpAddr) -> Option<bool> {
        let spec = spec.trim();
        let (a, len) = match spec.split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
            None => (spec, None),
        };
        let net: IpAddr = a.trim_matches(['[', ']']).parse().ok()?;
        let ip = canonical(ip);
        let net = canonical(net);
        match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let len = u32::from(len.unwrap_or(32).min(32));
                let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                Some(u32::from(n) & mask == u32::from(i) & mask)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let len = u32::from(len.unwrap_or(128).min(128));
                let mask = if len == 0 {
                    0
                } else {
                    u128::MAX << (128 - len)
                };
                Some(u128::from(n) & mask == u128::from(i) & mask)
            }
            _ => Some(false),
        }
    }

    /// `::ffff:1.2.3.4` is the IPv4 client it stands for.
    pub fn canonical(ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        }
    }
}
