//! Firewall state in one model for every backend: firewalld zones
//! (`firewall-cmd --state`, `--list-all`, `--list-all-zones`, "FirewallD is
//! not running"), `iptables-save`/`ip6tables-save`, `nft list ruleset` (text
//! and `-j` JSON), `ufw status [verbose|numbered]`, and firewalld service
//! definitions (`*/firewalld/services/*.xml`).
//!
//! Rules of every backend become [`Rule`]s with the matches reachability
//! needs (protocol, destination ports, source addresses, input interface,
//! conntrack state) and a verdict. A match this module does not model is
//! kept as text in `unmodelled`, so [`super::reach`] can say it did not
//! judge that rule instead of guessing.

use super::{ServiceDef, State, src, warn};
use crate::event::SourceRef;
use regex::Regex;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;
use std::sync::{Arc, LazyLock};

/// Ports `lo..=hi`, with a protocol when the rule or service names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
    pub proto: Option<String>,
}

impl PortRange {
    pub fn contains(&self, port: u16, proto: &str) -> bool {
        self.lo <= port && port <= self.hi && self.proto.as_deref().is_none_or(|p| p == proto)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)?;
        } else {
            write!(f, "{}-{}", self.lo, self.hi)?;
        }
        if let Some(p) = &self.proto {
            write!(f, "/{p}")?;
        }
        Ok(())
    }
}

/// Serialised as firewalld writes ports: `80/tcp`, `8080-8090/tcp`.
impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One ruleset: a firewalld zone, an iptables-save or nft dump, or ufw.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Firewall {
    /// `firewalld`, `iptables`, `ip6tables`, `nftables` or `ufw`.
    pub backend: String,
    /// For firewalld the zone is active (or the daemon runs, for `--state`);
    /// for ufw `Status: active`; for dumps of kernel tables always true.
    pub active: Option<bool>,
    /// firewalld zone name.
    pub zone: Option<String>,
    /// firewalld services allowed in the zone.
    pub services: Vec<String>,
    /// Ports opened explicitly: firewalld `ports`, ufw ALLOW rules, and
    /// ports accepted by input rules of iptables and nft.
    pub ports: Vec<PortRange>,
    pub rules: Vec<Rule>,
    /// firewalld: this is the default zone.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
    /// firewalld zone target (`default`, `ACCEPT`, `%%REJECT%%`, `DROP`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<String>,
    /// firewalld zone sources (addresses bound to the zone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// ufw `Default: deny (incoming)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_incoming: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<Chain>,
    /// nft named sets with their elements (fail2ban's `addr-set-*`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<NamedSet>,
    pub source: SourceRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Line of each zone property (`services`, `ports`, `target`) or ufw
    /// `Default:`, so a verdict can cite the exact line.
    #[serde(skip)]
    pub key_lines: Vec<(String, SourceRef)>,
}

impl Firewall {
    /// Where property `key` was read, else where the ruleset starts.
    pub fn line_of(&self, key: &str) -> SourceRef {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| self.source.clone(), |(_, s)| s.clone())
    }

    fn new(backend: &str, source: SourceRef) -> Self {
        Firewall {
            backend: backend.to_string(),
            active: None,
            zone: None,
            services: Vec::new(),
            ports: Vec::new(),
            rules: Vec::new(),
            default: false,
            target: None,
            interfaces: Vec::new(),
            sources: Vec::new(),
            default_incoming: None,
            chains: Vec::new(),
            sets: Vec::new(),
            source,
            as_of: None,
            key_lines: Vec::new(),
        }
    }

    /// A chain by table and name (table `None` matches any).
    pub fn chain(&self, table: Option<&str>, name: &str) -> Option<&Chain> {
        self.chains
            .iter()
            .find(|c| c.name == name && table.is_none_or(|t| c.table == t))
    }
}

/// An iptables or nft chain.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Chain {
    /// nft family (`ip`, `ip6`, `inet`) or `ip`/`ip6` for iptables dumps.
    pub family: String,
    pub table: String,
    pub name: String,
    /// nft base chain hook (`input`); iptables built-in chains get their
    /// own name lower-cased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// `accept`/`drop` for base chains; `None` for user chains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    pub source: SourceRef,
}

/// An nft named set.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NamedSet {
    pub table: String,
    pub name: String,
    pub elements: Vec<String>,
    pub source: SourceRef,
}

/// One rule of any backend, reduced to what decides reachability.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Rule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dports: Vec<PortRange>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dports_negated: bool,
    /// Source addresses or prefixes; empty is any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub saddrs: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub saddr_negated: bool,
    /// nft `ip saddr @name`, iptables `-m set --match-set name src`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saddr_set: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iface: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub iface_negated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ct_states: Vec<String>,
    /// `accept`, `drop`, `reject`, `return`, `jump`, `goto`, `log`, `nat`,
    /// `queue`; `None` when the rule has no verdict (counts only).
    pub action: Option<String>,
    /// Chain jumped to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Matches this model does not evaluate, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmodelled: Vec<String>,
    /// The rule can never match a client's new connection to the host.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub never: bool,
    /// The rule as written in the snapshot.
    pub text: String,
    pub source: SourceRef,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            table: None,
            chain: None,
            proto: None,
            dports: Vec::new(),
            dports_negated: false,
            saddrs: Vec::new(),
            saddr_negated: false,
            saddr_set: None,
            iface: None,
            iface_negated: false,
            ct_states: Vec::new(),
            action: None,
            target: None,
            unmodelled: Vec::new(),
            never: false,
            text: String::new(),
            source: super::nowhere(),
        }
    }
}

// ---------------------------------------------------------------- services

/// `80/tcp`, `60000-61000/udp`, `53` (any protocol).
pub fn parse_port_proto(s: &str) -> Option<(PortRange, String)> {
    let s = s.trim();
    let (p, proto) = match s.split_once('/') {
        Some((p, proto)) => (p, Some(proto.to_ascii_lowercase())),
        None => (s, None),
    };
    let r = parse_range(p, proto.clone())?;
    Some((r, s.to_string()))
}

/// `80`, `80-90`, `80:90`.
fn parse_range(p: &str, proto: Option<String>) -> Option<PortRange> {
    let p = p.trim();
    let (lo, hi) = match p.split_once(['-', ':']) {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let v = p.parse().ok()?;
            (v, v)
        }
    };
    Some(PortRange { lo, hi, proto })
}

/// Ports of firewalld's stock services, for bundles without the XML files.
/// Values are from firewalld's `config/services/*.xml`.
const BUILTIN_SERVICES: &[(&str, &[&str])] = &[
    ("ssh", &["22/tcp"]),
    ("http", &["80/tcp"]),
    ("https", &["443/tcp"]),
    ("http3", &["443/udp"]),
    ("dhcpv6-client", &["546/udp"]),
    ("dhcpv6", &["547/udp"]),
    ("dhcp", &["67/udp"]),
    ("dns", &["53/tcp", "53/udp"]),
    ("mysql", &["3306/tcp"]),
    ("mssql", &["1433/tcp"]),
    ("postgresql", &["5432/tcp"]),
    ("redis", &["6379/tcp"]),
    ("mongodb", &["27017/tcp"]),
    ("memcache", &["11211/tcp"]),
    ("smtp", &["25/tcp"]),
    ("smtps", &["465/tcp"]),
    ("smtp-submission", &["587/tcp"]),
    ("imap", &["143/tcp"]),
    ("imaps", &["993/tcp"]),
    ("pop3", &["110/tcp"]),
    ("pop3s", &["995/tcp"]),
    ("ftp", &["21/tcp"]),
    ("telnet", &["23/tcp"]),
    ("ntp", &["123/udp"]),
    ("mdns", &["5353/udp"]),
    ("ldap", &["389/tcp"]),
    ("ldaps", &["636/tcp"]),
    ("kerberos", &["88/tcp", "88/udp"]),
    ("nfs", &["2049/tcp"]),
    ("rpc-bind", &["111/tcp", "111/udp"]),
    ("samba", &["139/tcp", "445/tcp", "137/udp", "138/udp"]),
    ("samba-client", &["137/udp", "138/udp"]),
    ("cockpit", &["9090/tcp"]),
    ("snmp", &["161/udp"]),
    ("syslog", &["514/udp"]),
    ("rdp", &["3389/tcp"]),
    ("vnc-server", &["5900-5903/tcp"]),
    ("amqp", &["5672/tcp"]),
    ("amqps", &["5671/tcp"]),
    ("elasticsearch", &["9200/tcp", "9300/tcp"]),
    ("kibana", &["5601/tcp"]),
    ("grafana", &["3000/tcp"]),
    ("prometheus", &["9090/tcp"]),
    ("jenkins", &["8080/tcp"]),
    ("docker-registry", &["5000/tcp"]),
    ("openvpn", &["1194/udp"]),
    ("wireguard", &["51820/udp"]),
];

pub fn builtin_service_ports(name: &str) -> Vec<(PortRange, String)> {
    BUILTIN_SERVICES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, ps)| ps.iter().filter_map(|p| parse_port_proto(p)).collect())
        .unwrap_or_default()
}

/// The usual service name of a port, for messages (`80` → `http`).
pub fn service_name_of(port: u16, proto: &str) -> Option<&'static str> {
    BUILTIN_SERVICES.iter().find_map(|(n, ps)| {
        ps.iter()
            .filter_map(|p| parse_port_proto(p))
            .any(|(r, _)| r.contains(port, proto))
            .then_some(*n)
    })
}

static XML_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(\w+)\s*=\s*"([^"]*)""#).expect("static regex"));

/// `<service><port protocol="tcp" port="80"/></service>`; the name is the
/// file name.
pub fn parse_service_xml(file: &Arc<str>, text: &str, st: &mut State) {
    let base = file.rsplit('/').next().unwrap_or(file);
    let name = base.trim_end_matches(".xml").to_string();
    let mut ports = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for tag in line.split('<').skip(1) {
            if !tag.starts_with("port ") && !tag.starts_with("port\t") {
                continue;
            }
            let mut port = None;
            let mut proto = None;
            for c in XML_ATTR.captures_iter(tag) {
                match &c[1] {
                    "port" => port = Some(c[2].to_string()),
                    "protocol" => proto = Some(c[2].to_string()),
                    _ => {}
                }
            }
            match (port, proto) {
                (Some(p), Some(pr)) if parse_range(&p, None).is_some() => {
                    ports.push(format!("{p}/{pr}"));
                }
                (Some(p), None) if parse_range(&p, None).is_some() => ports.push(p),
                _ => warn(
                    st,
                    file,
                    i + 1,
                    format!("unreadable port element in {name}"),
                ),
            }
        }
    }
    st.services.push(ServiceDef {
        name,
        ports,
        source: src(file, 1),
    });
}

// ---------------------------------------------------------------- firewalld

static ZONE_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S+)(?:\s+\(([^)]*)\))?\s*$").expect("static regex"));
static ZONE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+(target|icmp-block-inversion|interfaces|sources|services|ports|protocols|masquerade|forward|forward-ports|source-ports|icmp-blocks|rich rules|ingress-priority|egress-priority|summary|description|short)\s*(?::\s*(.*))?$").expect("static regex")
});

/// `firewall-cmd --state`, `--list-all`, `--list-all-zones`.
pub fn parse_firewall_cmd(file: &Arc<str>, text: &str, st: &mut State) {
    let mut zones: Vec<Firewall> = Vec::new();
    let mut last_key: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t == "running" || t == "not running" || t == "FirewallD is not running" {
            let mut f = Firewall::new("firewalld", src(file, n));
            f.active = Some(t == "running");
            st.firewall.push(f);
            continue;
        }
        if t.contains("command not found") || t.starts_with("Error:") {
            warn(st, file, n, format!("firewall-cmd did not run: {t}"));
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            if let Some(c) = ZONE_HEAD.captures(line) {
                let mut z = Firewall::new("firewalld", src(file, n));
                z.zone = Some(c[1].to_string());
                let flags = c.get(2).map_or("", |m| m.as_str());
                z.active = Some(flags.split(',').any(|f| f.trim() == "active"));
                z.default = flags.split(',').any(|f| f.trim() == "default");
                zones.push(z);
                last_key = None;
                continue;
            }
            warn(st, file, n, format!("not a firewalld zone line: {t:?}"));
            continue;
        }
        let Some(z) = zones.last_mut() else {
            warn(st, file, n, "zone property before any zone name");
            continue;
        };
        let (key, value) = match ZONE_KEY.captures(line) {
            Some(c) => {
                let k = c[1].to_string();
                last_key = Some(k.clone());
                z.key_lines.push((k.clone(), src(file, n)));
                (k, c.get(2).map_or("", |m| m.as_str()).trim().to_string())
            }
            // Continuation of a multi-line value (rich rules, forward-ports).
            None => match &last_key {
                Some(k) => (k.clone(), t.to_string()),
                None => {
                    warn(st, file, n, format!("unknown zone property {t:?}"));
                    continue;
                }
            },
        };
        let words = || value.split_whitespace().map(str::to_string);
        match key.as_str() {
            "target" => z.target = Some(value.clone()),
            "interfaces" => z.interfaces.extend(words()),
            "sources" => z.sources.extend(words()),
            "services" => z.services.extend(words()),
            "ports" => {
                for w in value.split_whitespace() {
                    match parse_port_proto(w) {
                        Some((r, _)) => z.ports.push(r),
                        None => warn(st, file, n, format!("unreadable port {w:?}")),
                    }
                }
            }
            "rich rules" if !value.is_empty() => {
                let r = rich_rule(&value, src(file, n), st);
                z.rules.push(r);
            }
            _ => {}
        }
    }
    st.firewall.extend(zones);
}

static RICH_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:(\w[\w-]*)\s+)?(\w[\w-]*)="([^"]*)""#).expect("static regex")
});

/// `rule family="ipv4" source address="10.0.0.0/24" port port="443"
/// protocol="tcp" reject`.
fn rich_rule(text: &str, source: SourceRef, st: &mut State) -> Rule {
    let mut r = Rule {
        text: text.to_string(),
        source,
        ..Rule::default()
    };
    let mut element = "";
    let mut port: Option<String> = None;
    let mut proto: Option<String> = None;
    for c in RICH_ATTR.captures_iter(text) {
        if let Some(e) = c.get(1) {
            element = e.as_str();
        }
        let (attr, val) = (c.get(2).map_or("", |m| m.as_str()), c[3].to_string());
        match (element, attr) {
            ("source", "address") | ("source", "ipset") => {
                if attr == "ipset" {
                    r.saddr_set = Some(val);
                } else {
                    r.saddrs.push(val);
                }
            }
            ("port", "port") => port = Some(val),
            ("port", "protocol") => proto = Some(val),
            ("service", "name") => {
                let ports = st.service_ports(&val);
                if ports.is_empty() {
                    r.unmodelled.push(format!("service name={val:?}"));
                }
                r.dports.extend(ports.into_iter().map(|(p, _)| p));
            }
            ("forward-port", _) | ("masquerade", _)
                if !r.unmodelled.iter().any(|u| u == element) =>
            {
                r.unmodelled.push(element.to_string());
            }
            _ => {}
        }
    }
    if text.contains("source not ") || text.contains(" NOT ") {
        r.saddr_negated = true;
    }
    if let Some(p) = port {
        if let Some(range) = parse_range(&p, proto.clone()) {
            r.dports.push(range);
        }
    }
    r.proto = proto;
    let last = text
        .split_whitespace()
        .rev()
        .find(|w| !w.contains('='))
        .unwrap_or("");
    r.action = match last {
        "accept" | "drop" | "reject" => Some(last.to_string()),
        _ => {
            // reject type="..." / limit value="..." after the verdict
            ["accept", "drop", "reject", "mark"]
                .iter()
                .find(|v| text.split_whitespace().any(|w| w == **v))
                .map(|v| v.to_string())
        }
    };
    r
}

// ---------------------------------------------------------------- iptables

/// Split like a shell would: quotes group, backslash escapes.
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut has = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_q = !in_q;
                has = true;
            }
            '\\' if in_q => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() && !in_q => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                cur.push(c);
                has = true;
            }
        }
    }
    if has {
        out.push(cur);
    }
    out
}

const IPT_MODELLED_MODULES: &[&str] = &[
    "tcp",
    "udp",
    "state",
    "conntrack",
    "multiport",
    "comment",
    "icmp",
    "icmp6",
    "icmpv6",
    "sctp",
];

/// `iptables-save` / `ip6tables-save`, one [`Firewall`] per dump.
pub fn parse_iptables_save(file: &Arc<str>, text: &str, st: &mut State) {
    let v6 = file.contains("ip6tables") || text.contains("ip6tables-save");
    let backend = if v6 { "ip6tables" } else { "iptables" };
    let family = if v6 { "ip6" } else { "ip" };
    let mut fw = Firewall::new(backend, src(file, 1));
    fw.active = Some(true);
    let mut table = String::from("filter");
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut t = line.trim();
        if t.is_empty() || t.starts_with('#') || t == "COMMIT" {
            continue;
        }
        // `iptables-save -c` puts `[packets:bytes]` before each rule.
        if t.starts_with('[') {
            if let Some((_, rest)) = t.split_once(']') {
                t = rest.trim_start();
            }
        }
        if let Some(name) = t.strip_prefix('*') {
            table = name.trim().to_string();
            continue;
        }
        if let Some(decl) = t.strip_prefix(':') {
            let mut w = decl.split_whitespace();
            let name = w.next().unwrap_or("").to_string();
            let policy = w
                .next()
                .filter(|p| *p != "-")
                .map(|p| p.to_ascii_lowercase());
            let builtin = matches!(
                name.as_str(),
                "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING"
            );
            fw.chains.push(Chain {
                family: family.to_string(),
                table: table.clone(),
                hook: builtin.then(|| name.to_ascii_lowercase()),
                name,
                priority: None,
                policy,
                source: src(file, n),
            });
            continue;
        }
        if t.starts_with("-A ") || t.starts_with("-I ") || t == "-A" || t == "-I" {
            let words = shell_words(t);
            let Some(chain) = words.get(1) else {
                warn(st, file, n, "rule without a chain");
                continue;
            };
            let mut r = ipt_rule(&words[2..], st, file, n);
            r.table = Some(table.clone());
            r.chain = Some(chain.clone());
            r.text = t.to_string();
            r.source = src(file, n);
            fw.rules.push(r);
            continue;
        }
        warn(st, file, n, format!("not an iptables-save line: {t:?}"));
    }
    fw.ports = accepted_input_ports(&fw);
    st.firewall.push(fw);
}

fn ipt_rule(w: &[String], st: &mut State, file: &Arc<str>, n: usize) -> Rule {
    let mut r = Rule::default();
    let mut neg = false;
    let mut i = 0;
    let next = |i: usize| w.get(i + 1).cloned().unwrap_or_default();
    while i < w.len() {
        let a = w[i].as_str();
        let mut consumed = 1;
        match a {
            "!" => {
                neg = true;
                i += 1;
                continue;
            }
            "-p" | "--protocol" => {
                let p = next(i).to_ascii_lowercase();
                if neg {
                    r.unmodelled.push(format!("! -p {p}"));
                } else {
                    r.proto = Some(p);
                }
                consumed = 2;
            }
            "-s" | "--source" | "--src" => {
                r.saddrs = next(i).split(',').map(str::to_string).collect();
                r.saddr_negated = neg;
                consumed = 2;
            }
            "-i" | "--in-interface" => {
                r.iface = Some(next(i));
                r.iface_negated = neg;
                consumed = 2;
            }
            "-m" | "--match" => {
                let m = next(i);
                if !IPT_MODELLED_MODULES.contains(&m.as_str()) && m != "set" && m != "addrtype" {
                    r.unmodelled.push(format!("-m {m}"));
                }
                consumed = 2;
            }
            "--dport" | "--destination-port" | "--dports" | "--destination-ports" => {
                for p in next(i).split(',') {
                    match parse_range(p, None) {
                        Some(range) => r.dports.push(range),
                        None => warn(st, file, n, format!("unreadable port {p:?}")),
                    }
                }
                r.dports_negated = neg;
                consumed = 2;
            }
            "--state" | "--ctstate" => {
                r.ct_states = next(i).split(',').map(|s| s.to_ascii_lowercase()).collect();
                if neg {
                    r.unmodelled.push(format!("! {a} {}", next(i)));
                    r.ct_states.clear();
                }
                consumed = 2;
            }
            "--match-set" => {
                let dir = w.get(i + 2).cloned().unwrap_or_default();
                if dir.starts_with("src") && !neg {
                    r.saddr_set = Some(next(i));
                } else {
                    r.unmodelled.push(format!("--match-set {} {dir}", next(i)));
                }
                consumed = 3;
            }
            "-j" | "--jump" | "-g" | "--goto" => {
                let t = next(i);
                let (action, target) = ipt_target(&t, a.starts_with("-g") || a == "--goto");
                r.action = Some(action.to_string());
                r.target = target;
                consumed = 2;
            }
            "--dst-type" => {
                // A packet to one of the host's own addresses is LOCAL; ufw's
                // `ufw-not-local` chain returns early for it. Any other type
                // (BROADCAST, MULTICAST) never matches a client's connection.
                let t = next(i);
                if t.eq_ignore_ascii_case("LOCAL") == neg {
                    r.never = true;
                }
                consumed = 2;
            }
            "-c" | "--set-counters" => consumed = 3,
            "-d" | "--destination" | "--dst" | "-o" | "--out-interface" => consumed = 2,
            "--sport" | "--source-port" | "--sports" | "--source-ports" => {
                r.unmodelled.push(format!("{a} {}", next(i)));
                consumed = 2;
            }
            other if other.starts_with('-') => {
                // Options of modules and targets (--reject-with, --comment,
                // --log-prefix, --icmp-type, ...) take at most one value.
                if w.get(i + 1)
                    .is_some_and(|v| !v.starts_with('-') || v.parse::<i64>().is_ok())
                {
                    consumed = 2;
                }
            }
            other => {
                r.unmodelled.push(other.to_string());
            }
        }
        neg = false;
        i += consumed;
    }
    r
}

fn ipt_target(t: &str, goto: bool) -> (&'static str, Option<String>) {
    match t {
        "ACCEPT" => ("accept", None),
        "DROP" => ("drop", None),
        "REJECT" => ("reject", None),
        "RETURN" => ("return", None),
        "LOG" | "NFLOG" | "ULOG" | "AUDIT" | "MARK" | "CONNMARK" | "CT" | "TRACE" | "TCPMSS"
        | "CLASSIFY" | "DSCP" | "TOS" => ("log", None),
        "DNAT" | "SNAT" | "MASQUERADE" | "REDIRECT" | "NETMAP" => ("nat", None),
        "QUEUE" | "NFQUEUE" => ("queue", None),
        other => (if goto { "goto" } else { "jump" }, Some(other.to_string())),
    }
}

/// Ports with an accept rule in an input chain (for the `ports` summary).
fn accepted_input_ports(fw: &Firewall) -> Vec<PortRange> {
    let mut out: Vec<PortRange> = Vec::new();
    for r in &fw.rules {
        let input = r.chain.as_deref().is_some_and(|c| {
            c.eq_ignore_ascii_case("input")
                || fw
                    .chains
                    .iter()
                    .any(|ch| ch.name == c && ch.hook.as_deref() == Some("input"))
        });
        if !input || r.action.as_deref() != Some("accept") || r.dports_negated {
            continue;
        }
        for p in &r.dports {
            let mut p = p.clone();
            if p.proto.is_none() {
                p.proto.clone_from(&r.proto);
            }
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

// ---------------------------------------------------------------- nft text

/// `nft list ruleset`.
pub fn parse_nft_text(file: &Arc<str>, text: &str, st: &mut State) {
    let mut fw = Firewall::new("nftables", src(file, 1));
    fw.active = Some(true);
    // Block stack: ("table", family name) / ("chain", name) / ("set", name) / ("other", _)
    let mut stack: Vec<(&'static str, String)> = Vec::new();
    let mut family = String::new();
    let mut table = String::new();
    let mut chain = String::new();
    let mut in_elements = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        // `nft -a` appends `# handle N` to blocks and rules.
        let line = raw.split(" # handle ").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if in_elements {
            collect_elements(line, &mut fw);
            if line.contains('}') {
                in_elements = false;
            }
            continue;
        }
        if line == "}" {
            if stack.pop().is_none() {
                warn(st, file, n, "unbalanced '}'");
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.ends_with('{') {
            match words.as_slice() {
                ["table", fam, name, "{"] => {
                    family = (*fam).to_string();
                    table = (*name).to_string();
                    stack.push(("table", table.clone()));
                }
                ["table", name, "{"] => {
                    family = "ip".to_string();
                    table = (*name).to_string();
                    stack.push(("table", table.clone()));
                }
                ["chain", name, "{"] => {
                    chain = (*name).to_string();
                    fw.chains.push(Chain {
                        family: family.clone(),
                        table: table.clone(),
                        name: chain.clone(),
                        hook: None,
                        priority: None,
                        policy: None,
                        source: src(file, n),
                    });
                    stack.push(("chain", chain.clone()));
                }
                ["set", name, "{"] | ["map", name, "{"] => {
                    fw.sets.push(NamedSet {
                        table: table.clone(),
                        name: (*name).to_string(),
                        elements: Vec::new(),
                        source: src(file, n),
                    });
                    stack.push(("set", (*name).to_string()));
                }
                _ => stack.push(("other", String::new())),
            }
            continue;
        }
        let top = stack.last().map(|(k, _)| *k);
        match top {
            Some("set") => {
                if let Some(rest) = line.strip_prefix("elements = ") {
                    collect_elements(rest, &mut fw);
                    in_elements = !rest.contains('}');
                }
            }
            Some("chain") => {
                if line.starts_with("type ") || line.starts_with("policy ") {
                    if let Some(c) = fw.chains.last_mut() {
                        chain_header(line, c);
                    }
                } else {
                    let mut r = nft_rule_text(line);
                    r.table = Some(table.clone());
                    r.chain = Some(chain.clone());
                    r.source = src(file, n);
                    fw.rules.push(r);
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        warn(
            st,
            file,
            text.lines().count().max(1),
            "ruleset ends inside a block",
        );
    }
    fw.ports = accepted_input_ports(&fw);
    st.firewall.push(fw);
}

fn collect_elements(s: &str, fw: &mut Firewall) {
    let Some(set) = fw.sets.last_mut() else {
        return;
    };
    let inner = s.trim().trim_start_matches('{').trim_end_matches('}');
    for e in inner.split(',') {
        // Timeout annotations: `1.2.3.4 timeout 10m expires 9m`.
        let e = e
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(['{', '}']);
        if !e.is_empty() {
            set.elements.push(e.to_string());
        }
    }
}

/// `type filter hook input priority filter; policy drop;`
fn chain_header(line: &str, c: &mut Chain) {
    for part in line.split(';') {
        let w: Vec<&str> = part.split_whitespace().collect();
        let mut i = 0;
        while i < w.len() {
            match w[i] {
                "hook" => c.hook = w.get(i + 1).map(|s| s.to_string()),
                "priority" => c.priority = w.get(i + 1..).map(nft_priority),
                "policy" => c.policy = w.get(i + 1).map(|s| s.to_string()),
                _ => {}
            }
            i += 1;
        }
    }
}

/// `0`, `-150`, `filter`, `filter - 10`.
fn nft_priority(w: &[&str]) -> i64 {
    let base = match w.first().copied().unwrap_or("0") {
        "raw" => -300,
        "mangle" => -150,
        "dstnat" => -100,
        "filter" => 0,
        "security" => 50,
        "srcnat" => 100,
        n => n.parse().unwrap_or(0),
    };
    match (
        w.get(1).copied(),
        w.get(2).and_then(|x| x.parse::<i64>().ok()),
    ) {
        (Some("+"), Some(d)) => base + d,
        (Some("-"), Some(d)) => base - d,
        _ => base,
    }
}

/// Tokens of an nft rule: words, quoted strings, and `{ a, b }` as one
/// token `{a,b}`.
fn nft_tokens(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    let mut in_q = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_q = !in_q;
                cur.push(c);
            }
            '{' if !in_q => {
                depth += 1;
                cur.push(c);
            }
            '}' if !in_q => {
                depth -= 1;
                cur.push(c);
            }
            c if c.is_whitespace() && !in_q && depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_whitespace() && depth > 0 => {}
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn set_items(tok: &str) -> Vec<String> {
    tok.trim_start_matches('{')
        .trim_end_matches('}')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `tcp dport { 80, 443 } ct state new counter accept`, `iifname "lo" accept`.
fn nft_rule_text(line: &str) -> Rule {
    let body = line.split(" # handle").next().unwrap_or(line);
    let mut r = Rule {
        text: line.to_string(),
        ..Rule::default()
    };
    let t = nft_tokens(body);
    let mut i = 0;
    let get = |i: usize| t.get(i).map(String::as_str).unwrap_or("");
    // Optional `==`/`!=` after a selector; returns (negated, index of value).
    let op = |i: usize| match t.get(i).map(String::as_str) {
        Some("!=") => (true, i + 1),
        Some("==") | Some("eq") => (false, i + 1),
        _ => (false, i),
    };
    while i < t.len() {
        let w = get(i);
        match w {
            "ip" | "ip6" if matches!(get(i + 1), "saddr" | "daddr") => {
                let (neg, v) = op(i + 2);
                let val = get(v);
                if get(i + 1) == "saddr" {
                    if get(v) == "vmap" {
                        r.unmodelled.push(format!("{w} saddr vmap {}", get(v + 1)));
                        i = v + 2;
                        continue;
                    }
                    if let Some(set) = val.strip_prefix('@') {
                        r.saddr_set = Some(set.to_string());
                    } else {
                        r.saddrs = set_items(val);
                    }
                    r.saddr_negated = neg;
                }
                i = v + 1;
            }
            "tcp" | "udp" | "sctp" | "th" | "udplite"
                if matches!(get(i + 1), "dport" | "sport") =>
            {
                if w != "th" {
                    r.proto = Some(w.to_string());
                }
                let (neg, v) = op(i + 2);
                if get(i + 1) == "sport" || get(v) == "vmap" {
                    r.unmodelled.push(format!("{w} {} {}", get(i + 1), get(v)));
                } else {
                    for p in set_items(get(v)) {
                        if let Some(range) = parse_range(&p, None) {
                            r.dports.push(range);
                        } else {
                            r.unmodelled.push(format!("dport {p}"));
                        }
                    }
                    r.dports_negated = neg;
                }
                i = v + 1;
            }
            "meta" if get(i + 1) == "l4proto" => {
                let (_, v) = op(i + 2);
                r.proto = Some(get(v).to_string());
                i = v + 1;
            }
            "meta"
                if matches!(
                    get(i + 1),
                    "iifname" | "iif" | "nfproto" | "oifname" | "oif"
                ) =>
            {
                let (neg, v) = op(i + 2);
                if get(i + 1).starts_with("iif") {
                    r.iface = Some(get(v).trim_matches('"').to_string());
                    r.iface_negated = neg;
                }
                i = v + 1;
            }
            "iifname" | "iif" => {
                let (neg, v) = op(i + 1);
                r.iface = Some(get(v).trim_matches('"').to_string());
                r.iface_negated = neg;
                i = v + 1;
            }
            "oifname" | "oif" => i += 2,
            "ct" if get(i + 1) == "state" => {
                let (neg, v) = op(i + 2);
                let states: Vec<String> = set_items(get(v))
                    .iter()
                    .flat_map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>())
                    .collect();
                if neg {
                    r.unmodelled.push(format!("ct state != {}", get(v)));
                } else {
                    r.ct_states = states;
                }
                i = v + 1;
            }
            "icmp" | "icmpv6" => {
                r.proto = Some(if w == "icmp" { "icmp" } else { "icmpv6" }.to_string());
                i += 3;
            }
            "counter" => {
                i += if get(i + 1) == "packets" { 5 } else { 1 };
            }
            "log" => {
                if r.action.is_none() {
                    r.action = Some("log".into());
                }
                i += 1;
                while matches!(get(i), "prefix" | "level" | "flags" | "group") {
                    i += 2;
                }
            }
            "comment" => i += 2,
            "accept" | "drop" | "return" | "continue" => {
                r.action = Some(w.to_string());
                i += 1;
            }
            "reject" => {
                r.action = Some("reject".into());
                // `reject with icmp type host-prohibited` / `with tcp reset`
                i = t.len();
            }
            "jump" | "goto" => {
                r.action = Some(w.to_string());
                r.target = Some(get(i + 1).to_string());
                i += 2;
            }
            "masquerade" | "snat" | "dnat" | "redirect" => {
                r.action = Some("nat".into());
                i = t.len();
            }
            "queue" => {
                r.action = Some("queue".into());
                i = t.len();
            }
            "notrack" => i += 1,
            other => {
                r.unmodelled.push(other.to_string());
                i += 1;
            }
        }
    }
    r
}

// ---------------------------------------------------------------- nft json

/// `nft -j list ruleset`. JSON has no useful line numbers (it is usually one
/// line), so every fact cites line 1 and keeps the nft handle in `text`.
pub fn parse_nft_json(file: &Arc<str>, text: &str, st: &mut State) {
    let v: Value = match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(e) => {
            warn(st, file, e.line(), format!("nft JSON unreadable: {e}"));
            return;
        }
    };
    let Some(items) = v.get("nftables").and_then(Value::as_array) else {
        warn(st, file, 1, "nft JSON without an \"nftables\" array");
        return;
    };
    let mut fw = Firewall::new("nftables", src(file, 1));
    fw.active = Some(true);
    let s = |o: &Value, k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    for item in items {
        let Some((kind, o)) = item.as_object().and_then(|m| m.iter().next()) else {
            continue;
        };
        match kind.as_str() {
            "chain" => fw.chains.push(Chain {
                family: s(o, "family"),
                table: s(o, "table"),
                name: s(o, "name"),
                hook: o.get("hook").and_then(Value::as_str).map(str::to_string),
                priority: o.get("prio").and_then(Value::as_i64),
                policy: o.get("policy").and_then(Value::as_str).map(str::to_string),
                source: src(file, 1),
            }),
            "set" => {
                let elements = o
                    .get("elem")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(json_addr).collect())
                    .unwrap_or_default();
                fw.sets.push(NamedSet {
                    table: s(o, "table"),
                    name: s(o, "name"),
                    elements,
                    source: src(file, 1),
                });
            }
            "rule" => {
                let mut r = Rule {
                    table: Some(s(o, "table")),
                    chain: Some(s(o, "chain")),
                    text: format!(
                        "{} {} {} handle {}",
                        s(o, "family"),
                        s(o, "table"),
                        s(o, "chain"),
                        o.get("handle").and_then(Value::as_i64).unwrap_or(-1)
                    ),
                    source: src(file, 1),
                    ..Rule::default()
                };
                for e in o
                    .get("expr")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    json_expr(e, &mut r);
                }
                fw.rules.push(r);
            }
            _ => {}
        }
    }
    fw.ports = accepted_input_ports(&fw);
    st.firewall.push(fw);
}

/// `"1.2.3.4"` or `{"prefix": {"addr": "10.0.0.0", "len": 8}}`.
fn json_addr(v: &Value) -> Option<String> {
    if let Some(s) = v.as_str() {
        return Some(s.to_string());
    }
    let p = v.get("prefix")?;
    Some(format!(
        "{}/{}",
        p.get("addr")?.as_str()?,
        p.get("len")?.as_i64()?
    ))
}

fn json_values(v: &Value) -> Vec<Value> {
    if let Some(set) = v.get("set").and_then(Value::as_array) {
        return set.clone();
    }
    if let Some(a) = v.as_array() {
        return a.clone();
    }
    vec![v.clone()]
}

fn json_expr(e: &Value, r: &mut Rule) {
    let Some((k, o)) = e.as_object().and_then(|m| m.iter().next()) else {
        return;
    };
    match k.as_str() {
        "match" => {
            let neg = o.get("op").and_then(Value::as_str) == Some("!=");
            let left = o.get("left").unwrap_or(&Value::Null);
            let right = o.get("right").unwrap_or(&Value::Null);
            if let Some(p) = left.get("payload") {
                let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
                let field = p.get("field").and_then(Value::as_str).unwrap_or("");
                match (proto, field) {
                    ("tcp" | "udp" | "sctp" | "th", "dport") => {
                        if proto != "th" {
                            r.proto = Some(proto.to_string());
                        }
                        for v in json_values(right) {
                            if let Some(n) = v.as_u64().and_then(|n| u16::try_from(n).ok()) {
                                r.dports.push(PortRange {
                                    lo: n,
                                    hi: n,
                                    proto: None,
                                });
                            } else if let Some([a, b]) =
                                v.get("range").and_then(Value::as_array).map(Vec::as_slice)
                            {
                                if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
                                    r.dports.push(PortRange {
                                        lo: u16::try_from(a).unwrap_or(0),
                                        hi: u16::try_from(b).unwrap_or(u16::MAX),
                                        proto: None,
                                    });
                                }
                            } else {
                                r.unmodelled.push(format!("{proto} dport {v}"));
                            }
                        }
                        r.dports_negated = neg;
                    }
                    ("ip" | "ip6", "saddr") => {
                        if let Some(set) = right.as_str().and_then(|s| s.strip_prefix('@')) {
                            r.saddr_set = Some(set.to_string());
                        } else {
                            r.saddrs = json_values(right).iter().filter_map(json_addr).collect();
                        }
                        r.saddr_negated = neg;
                    }
                    ("ip" | "ip6", "daddr") => {}
                    _ => r.unmodelled.push(format!("{proto} {field}")),
                }
            } else if let Some(m) = left.get("meta") {
                match m.get("key").and_then(Value::as_str).unwrap_or("") {
                    "l4proto" => r.proto = right.as_str().map(str::to_string),
                    "iifname" | "iif" => {
                        r.iface = right.as_str().map(str::to_string);
                        r.iface_negated = neg;
                    }
                    "nfproto" | "oifname" | "oif" => {}
                    other => r.unmodelled.push(format!("meta {other}")),
                }
            } else if left
                .get("ct")
                .and_then(|c| c.get("key"))
                .and_then(Value::as_str)
                == Some("state")
            {
                if neg {
                    r.unmodelled.push("ct state !=".into());
                } else {
                    r.ct_states = json_values(right)
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                }
            } else {
                r.unmodelled.push(format!("match {left}"));
            }
        }
        "accept" | "drop" | "return" | "continue" => r.action = Some(k.clone()),
        "reject" => r.action = Some("reject".into()),
        "jump" | "goto" => {
            r.action = Some(k.clone());
            r.target = o.get("target").and_then(Value::as_str).map(str::to_string);
        }
        "masquerade" | "snat" | "dnat" | "redirect" => r.action = Some("nat".into()),
        "queue" => r.action = Some("queue".into()),
        "log" => {
            if r.action.is_none() {
                r.action = Some("log".into());
            }
        }
        "counter" | "comment" => {}
        other => r.unmodelled.push(other.to_string()),
    }
}

// ---------------------------------------------------------------- ufw

static UFW_SPLIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s{2,}").expect("static regex"));

/// App profiles ufw ships or that nginx/apache/openssh packages install.
fn ufw_app_ports(name: &str) -> Option<Vec<PortRange>> {
    let tcp = |p: u16| PortRange {
        lo: p,
        hi: p,
        proto: Some("tcp".into()),
    };
    Some(match name {
        "OpenSSH" => vec![tcp(22)],
        "Nginx Full" | "Apache Full" | "WWW Full" => vec![tcp(80), tcp(443)],
        "Nginx HTTP" | "Apache" | "WWW" => vec![tcp(80)],
        "Nginx HTTPS" | "Apache Secure" | "WWW Secure" => vec![tcp(443)],
        "Postfix" => vec![tcp(25)],
        _ => return None,
    })
}

/// `ufw status`, `ufw status verbose`, `ufw status numbered`.
pub fn parse_ufw(file: &Arc<str>, text: &str, st: &mut State) {
    let mut fw = Firewall::new("ufw", src(file, 1));
    let mut in_rules = false;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(s) = t.strip_prefix("Status:") {
            fw.active = Some(s.trim() == "active");
            fw.source = src(file, n);
            continue;
        }
        if let Some(d) = t.strip_prefix("Default:") {
            fw.key_lines.push(("default".into(), src(file, n)));
            // "deny (incoming), allow (outgoing), disabled (routed)"
            for part in d.split(',') {
                if part.contains("(incoming)") {
                    fw.default_incoming = part.split_whitespace().next().map(str::to_string);
                }
            }
            continue;
        }
        if t.starts_with("To ") && t.contains("Action") {
            in_rules = true;
            continue;
        }
        if !in_rules || t.starts_with("--") {
            continue;
        }
        let t2 = match t.strip_prefix('[') {
            Some(rest) => rest.split_once(']').map_or(t, |(_, r)| r.trim()),
            None => t,
        };
        let cols: Vec<&str> = UFW_SPLIT.split(t2).collect();
        if cols.len() < 3 {
            warn(st, file, n, format!("unreadable ufw rule {t:?}"));
            continue;
        }
        let (to, action, from) = (cols[0], cols[1], cols[2]);
        let verdict = action
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if action.contains("OUT") && !action.contains("IN") {
            continue;
        }
        let mut r = Rule {
            text: t.to_string(),
            source: src(file, n),
            action: Some(match verdict.as_str() {
                "allow" | "limit" => "accept".to_string(),
                "deny" => "drop".to_string(),
                "reject" => "reject".to_string(),
                other => other.to_string(),
            }),
            ..Rule::default()
        };
        if verdict == "limit" {
            r.unmodelled.push("LIMIT (rate limited)".into());
        }
        // `22/tcp (OpenSSH)` and `22/tcp (OpenSSH (v6))`: newer ufw names the
        // application profile after the port; the port is what counts.
        let to_addr = match to.find(" (") {
            Some(p) if to.ends_with(')') && to[..p].contains(|c: char| c.is_ascii_digit()) => {
                &to[..p]
            }
            _ => to.trim_end_matches(" (v6)"),
        };
        let (to_addr, iface) = match to_addr.split_once(" on ") {
            Some((a, i)) => (a.trim(), Some(i.trim().to_string())),
            None => (to_addr, None),
        };
        r.iface = iface;
        if to_addr != "Anywhere" {
            let (ports_part, proto) = match to_addr.rsplit_once('/') {
                Some((p, pr)) if matches!(pr, "tcp" | "udp") => (p, Some(pr.to_string())),
                _ => (to_addr, None),
            };
            // `10.0.0.1 22/tcp` (destination address then port) keeps the port.
            let ports_part = ports_part.rsplit(' ').next().unwrap_or(ports_part);
            let parsed: Option<Vec<PortRange>> = ports_part
                .split(',')
                .map(|p| parse_range(p, proto.clone()))
                .collect();
            match parsed.or_else(|| ufw_app_ports(to_addr)) {
                Some(ps) => r.dports = ps,
                None => r.unmodelled.push(format!("to {to_addr}")),
            }
            r.proto = proto;
        }
        let from = from.trim_end_matches(" (v6)");
        if from != "Anywhere" {
            r.saddrs = vec![from.split_whitespace().next().unwrap_or(from).to_string()];
        }
        if r.action.as_deref() == Some("accept") && r.saddrs.is_empty() {
            for p in &r.dports {
                if !fw.ports.contains(p) {
                    fw.ports.push(p.clone());
                }
            }
        }
        fw.rules.push(r);
    }
    if fw.active.is_none() {
        warn(st, file, 1, "ufw output without a Status line");
    }
    st.firewall.push(fw);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&Arc<str>, &str, &mut State), name: &str, text: &str) -> State {
        let mut st = State::default();
        f(&Arc::from(name), text, &mut st);
        st
    }

    #[test]
    fn list_all_zone() {
        let st = run(
            parse_firewall_cmd,
            "fw",
            "public (active)\n  target: default\n  interfaces: eth0\n  sources: \n  services: ssh dhcpv6-client\n  ports: 8080/tcp 60000-60010/udp\n  rich rules: \n\trule family=\"ipv4\" source address=\"203.0.113.0/24\" service name=\"http\" drop\n",
        );
        let z = &st.firewall[0];
        assert_eq!(z.zone.as_deref(), Some("public"));
        assert_eq!(z.active, Some(true));
        assert_eq!(z.services, ["ssh", "dhcpv6-client"]);
        assert_eq!(z.ports[1].to_string(), "60000-60010/udp");
        assert_eq!(z.rules[0].action.as_deref(), Some("drop"));
        assert_eq!(z.rules[0].saddrs, ["203.0.113.0/24"]);
        assert_eq!(z.rules[0].dports[0].to_string(), "80/tcp");
        assert_eq!(z.rules[0].source.line, 8);
    }

    #[test]
    fn iptables_rules() {
        let st = run(
            parse_iptables_save,
            "iptables-save",
            "*filter\n:INPUT DROP [5:300]\n:f2b-sshd - [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m multiport --dports 80,443,8000:8010 -m conntrack --ctstate NEW -j ACCEPT\n-A INPUT ! -s 10.0.0.0/8 -p tcp --dport 22 -j f2b-sshd\n-A f2b-sshd -s 203.0.113.7/32 -j REJECT --reject-with icmp-port-unreachable\n-A\nbogus\nCOMMIT\n",
        );
        let fw = &st.firewall[0];
        assert_eq!(fw.chains[0].policy.as_deref(), Some("drop"));
        assert_eq!(fw.chains[1].policy, None);
        assert_eq!(fw.rules.len(), 4);
        let r = &fw.rules[1];
        assert_eq!(r.dports.len(), 3);
        assert_eq!((r.dports[2].lo, r.dports[2].hi), (8000, 8010));
        assert_eq!(r.ct_states, ["new"]);
        assert!(r.unmodelled.is_empty());
        assert!(fw.rules[2].saddr_negated);
        assert_eq!(fw.rules[2].target.as_deref(), Some("f2b-sshd"));
        assert_eq!(st.warnings.len(), 2);
    }

    #[test]
    fn nft_text_rules() {
        let st = run(
            parse_nft_text,
            "nft",
            "table inet filter {\n\tset blocked {\n\t\ttype ipv4_addr\n\t\telements = { 198.51.100.9, 203.0.113.7 }\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tiifname \"lo\" accept\n\t\tip saddr @blocked drop\n\t\ttcp dport { 22, 80 } counter packets 0 bytes 0 accept\n\t}\n}\n",
        );
        let fw = &st.firewall[0];
        assert_eq!(fw.chains[0].hook.as_deref(), Some("input"));
        assert_eq!(fw.chains[0].policy.as_deref(), Some("drop"));
        assert_eq!(fw.sets[0].elements, ["198.51.100.9", "203.0.113.7"]);
        assert_eq!(fw.rules[0].ct_states, ["established", "related"]);
        assert_eq!(fw.rules[1].iface.as_deref(), Some("lo"));
        assert_eq!(fw.rules[2].saddr_set.as_deref(), Some("blocked"));
        assert_eq!(fw.rules[3].dports.len(), 2);
        assert!(
            fw.rules[3].unmodelled.is_empty(),
            "{:?}",
            fw.rules[3].unmodelled
        );
        assert!(st.warnings.is_empty());
    }

    #[test]
    fn nft_json_broken() {
        let st = run(parse_nft_json, "nft.json", "{\"nftables\": [");
        assert!(st.firewall.is_empty());
        assert_eq!(st.warnings.len(), 1);
    }

    #[test]
    fn ufw_verbose() {
        let st = run(
            parse_ufw,
            "ufw",
            "Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW IN    Anywhere\nNginx Full                 ALLOW IN    Anywhere\n3306                       DENY IN     10.0.0.0/8\n22/tcp (v6)                ALLOW IN    Anywhere (v6)\n",
        );
        let fw = &st.firewall[0];
        assert_eq!(fw.active, Some(true));
        assert_eq!(fw.default_incoming.as_deref(), Some("deny"));
        assert_eq!(fw.rules.len(), 4);
        assert_eq!(fw.rules[1].dports.len(), 2);
        assert_eq!(fw.rules[2].action.as_deref(), Some("drop"));
        assert_eq!(fw.rules[2].saddrs, ["10.0.0.0/8"]);
        assert_eq!(
            fw.ports.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            ["22/tcp", "80/tcp", "443/tcp"]
        );
    }
}
