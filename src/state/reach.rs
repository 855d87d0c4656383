//! Reachability: could a client from outside connect to port P, and if not,
//! which layer stops it. A pure function over [`State`]; every verdict names
//! the fact (file and line) behind it.
//!
//! Layers are checked in the order a packet meets them: a fail2ban ban, the
//! firewall (firewalld zone, iptables/ip6tables `filter INPUT`, nft input
//! and prerouting base chains, ufw), then the socket (nothing listening, or
//! listening on loopback only). Every blocking layer is listed in `blocks`;
//! the first is the verdict's `layer`. A layer with no snapshot, or a rule
//! whose matches are not modelled, is named in `unknown` instead of being
//! guessed.

use super::firewall::{Firewall, Rule, service_name_of};
use super::{State, net};
use crate::event::SourceRef;
use serde::Serialize;
use std::net::IpAddr;

/// One layer that stops the client.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Block {
    /// `fail2ban`, `firewalld`, `iptables`, `ip6tables`, `nftables`, `ufw`,
    /// `listener` (nothing listens) or `loopback` (listens on loopback only).
    pub layer: String,
    pub reason: String,
    pub source: SourceRef,
}

/// The answer for one port, protocol and (optional) client.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub port: u16,
    pub proto: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    pub reachable: bool,
    /// The first blocking layer; `None` when reachable.
    pub layer: Option<String>,
    /// Same as `layer` (the name the correlation engine reads).
    pub blocked_by: Option<String>,
    pub reason: String,
    /// The fact behind the verdict: the blocking rule, or the listener.
    pub source: Option<SourceRef>,
    /// Every blocking layer in packet order.
    pub blocks: Vec<Block>,
    /// Facts that let the client through (listener, accepting rule).
    pub allowed_by: Vec<Block>,
    /// What could not be judged (no snapshot, unmodelled rule).
    pub unknown: Vec<String>,
}

/// Could a client (any outside client when `client` is `None`) connect to
/// `port`/`proto`?
pub fn reachability(s: &State, port: u16, proto: &str, client: Option<IpAddr>) -> Verdict {
    let proto_lc = proto.to_ascii_lowercase();
    let client = client.map(net::canonical);
    let mut cx = Cx {
        s,
        port,
        proto: &proto_lc,
        client,
        blocks: Vec::new(),
        allowed: Vec::new(),
        unknown: Vec::new(),
    };
    cx.fail2ban();
    cx.firewalls();
    cx.listener();
    let reachable = cx.blocks.is_empty();
    let first = cx.blocks.first().cloned();
    let reason = match &first {
        Some(b) => b.reason.clone(),
        None => {
            let by: Vec<&str> = cx.allowed.iter().map(|a| a.reason.as_str()).collect();
            if by.is_empty() {
                format!("nothing in the snapshots stops {port}/{proto}")
            } else {
                by.join("; ")
            }
        }
    };
    Verdict {
        port,
        proto: proto_lc.clone(),
        client: client.map(|c| c.to_string()),
        reachable,
        layer: first.as_ref().map(|b| b.layer.clone()),
        blocked_by: first.as_ref().map(|b| b.layer.clone()),
        reason,
        source: first
            .map(|b| b.source)
            .or_else(|| cx.allowed.first().map(|a| a.source.clone())),
        blocks: cx.blocks,
        allowed_by: cx.allowed,
        unknown: cx.unknown,
    }
}

/// A verdict for every port the configuration says is served, plus every
/// non-loopback TCP listener: the view `faultline state` prints.
pub fn served_verdicts(s: &State) -> Vec<Verdict> {
    let mut ports: Vec<(u16, String)> = Vec::new();
    for sp in s.served_ports() {
        ports.push((sp.port, "tcp".into()));
    }
    for l in &s.listeners {
        if l.proto == "tcp" && !l.is_loopback() {
            ports.push((l.port, "tcp".into()));
        }
    }
    ports.sort();
    ports.dedup();
    ports
        .into_iter()
        .map(|(p, pr)| reachability(s, p, &pr, None))
        .collect()
}

struct Cx<'a> {
    s: &'a State,
    port: u16,
    proto: &'a str,
    client: Option<IpAddr>,
    blocks: Vec<Block>,
    allowed: Vec<Block>,
    unknown: Vec<String>,
}

enum Outcome {
    Accept(SourceRef, String),
    Deny(SourceRef, String),
    /// Fell off the end of a chain, or `return`.
    Continue,
}

impl Cx<'_> {
    fn block(&mut self, layer: &str, reason: String, source: SourceRef) {
        self.blocks.push(Block {
            layer: layer.into(),
            reason,
            source,
        });
    }

    fn allow(&mut self, layer: &str, reason: String, source: SourceRef) {
        self.allowed.push(Block {
            layer: layer.into(),
            reason,
            source,
        });
    }

    fn what(&self) -> String {
        match service_name_of(self.port, self.proto) {
            Some(n) => format!("{}/{} ({n})", self.port, self.proto),
            None => format!("{}/{}", self.port, self.proto),
        }
    }

    // ------------------------------------------------------------ fail2ban

    fn fail2ban(&mut self) {
        let Some(ip) = self.client else { return };
        let Some(ban) = self.s.ban_for(ip) else {
            return;
        };
        if !self.jail_covers(&ban.jail) {
            return;
        }
        let reason = format!("{ip} is banned by fail2ban jail {}", ban.jail);
        self.block("fail2ban", reason, ban.source.clone());
    }

    /// Whether a ban in `jail` closes this port. Jail names say which
    /// service they guard; an unknown jail (`recidive`, custom) is taken to
    /// close every port, as its usual `allports` action does.
    fn jail_covers(&self, jail: &str) -> bool {
        let j = jail.to_ascii_lowercase();
        let mut ports: Vec<u16> = Vec::new();
        if j.contains("ssh") {
            ports.push(22);
            ports.extend(
                self.s
                    .config_values("sshd", "Port")
                    .iter()
                    .filter_map(|c| c.port),
            );
        } else if ["nginx", "apache", "http", "php", "wordpress", "wp"]
            .iter()
            .any(|k| j.contains(k))
        {
            ports.extend([80, 443]);
            ports.extend(
                self.s
                    .config_values("nginx", "listen")
                    .iter()
                    .filter_map(|c| c.port),
            );
        } else {
            return true;
        }
        ports.contains(&self.port)
    }

    // ------------------------------------------------------------ firewalls

    fn firewalls(&mut self) {
        self.firewalld();
        let v6 = self.client.is_some_and(|c| c.is_ipv6());
        for fw in &self.s.firewall {
            match fw.backend.as_str() {
                "iptables" if !v6 => self.iptables(fw),
                "ip6tables" if v6 => self.iptables(fw),
                "nftables" => self.nftables(fw, v6),
                "ufw" => self.ufw(fw),
                _ => {}
            }
        }
    }

    fn firewalld(&mut self) {
        let s = self.s;
        let fws: Vec<&Firewall> = s
            .firewall
            .iter()
            .filter(|f| f.backend == "firewalld")
            .collect();
        if let Some(off) = fws
            .iter()
            .find(|f| f.zone.is_none() && f.active == Some(false))
        {
            self.allow(
                "firewalld",
                "firewalld is not running".into(),
                off.source.clone(),
            );
            return;
        }
        let zones: Vec<&Firewall> = fws.into_iter().filter(|f| f.zone.is_some()).collect();
        if zones.is_empty() {
            return;
        }
        let by_source = self.client.and_then(|c| {
            zones.iter().find(|z| {
                z.sources
                    .iter()
                    .any(|src| net::ip_in(src, c).unwrap_or(false))
            })
        });
        let with_iface: Vec<&&Firewall> = zones
            .iter()
            .filter(|z| z.active == Some(true) && !z.interfaces.is_empty())
            .collect();
        let zone = by_source
            .or_else(|| with_iface.iter().find(|z| z.default).copied())
            .or_else(|| with_iface.first().copied())
            .or_else(|| zones.iter().find(|z| z.default))
            .or_else(|| zones.iter().find(|z| z.active == Some(true)))
            .or_else(|| (zones.len() == 1).then(|| &zones[0]));
        let Some(z) = zone.copied() else {
            self.unknown
                .push("firewalld: no zone is marked active or default".into());
            return;
        };
        let name = z.zone.clone().unwrap_or_default();
        // firewalld puts deny rich rules before allow rich rules.
        for want in [["drop", "reject"], ["accept", "accept"]] {
            for r in &z.rules {
                let act = r.action.as_deref().unwrap_or("");
                if !want.contains(&act) || !self.rule_matches(r, None) {
                    continue;
                }
                if act == "accept" {
                    self.allow(
                        "firewalld",
                        format!("zone {name} rich rule accepts {}", self.what()),
                        r.source.clone(),
                    );
                } else {
                    self.block(
                        "firewalld",
                        format!("zone {name} rich rule {act}s {}", self.what()),
                        r.source.clone(),
                    );
                }
                return;
            }
        }
        for svc in &z.services {
            if self
                .s
                .service_ports(svc)
                .iter()
                .any(|(p, _)| p.contains(self.port, self.proto))
            {
                self.allow(
                    "firewalld",
                    format!("zone {name} allows service {svc}"),
                    z.line_of("services"),
                );
                return;
            }
        }
        if z.ports.iter().any(|p| p.contains(self.port, self.proto)) {
            self.allow(
                "firewalld",
                format!("zone {name} opens port {}", self.what()),
                z.line_of("ports"),
            );
            return;
        }
        let target = z.target.as_deref().unwrap_or("default");
        if target.eq_ignore_ascii_case("accept") {
            self.allow(
                "firewalld",
                format!("zone {name} target ACCEPT"),
                z.line_of("target"),
            );
            return;
        }
        let listed = if z.services.is_empty() {
            "no services".to_string()
        } else {
            format!("services {}", z.services.join(" "))
        };
        let reason = format!(
            "firewalld zone {name} ({listed}) has neither a service nor a port for {}; target {target} rejects it",
            self.what()
        );
        self.block("firewalld", reason, z.line_of("services"));
    }

    /// Match of one rule against the client's new connection. `sets` are
    /// the nft named sets of the same ruleset.
    fn rule_matches(&mut self, r: &Rule, fw: Option<&Firewall>) -> bool {
        if r.never {
            return false;
        }
        if !r.unmodelled.is_empty() {
            // Rules that only log or count cannot change the verdict.
            if r.action
                .as_deref()
                .is_none_or(|a| matches!(a, "accept" | "drop" | "reject" | "jump" | "goto"))
            {
                self.unknown.push(format!(
                    "rule not evaluated ({}): {} [{}:{}]",
                    r.unmodelled.join(", "),
                    r.text,
                    r.source.file,
                    r.source.line
                ));
            }
            return false;
        }
        if let Some(p) = r.proto.as_deref() {
            if p != self.proto && p != "all" && p != "0" {
                return false;
            }
        }
        if !r.dports.is_empty() {
            let hit = r.dports.iter().any(|d| d.contains(self.port, self.proto));
            if hit == r.dports_negated {
                return false;
            }
        }
        if !r.saddrs.is_empty() {
            match self.client {
                Some(c) => {
                    let hit = r.saddrs.iter().any(|a| net::ip_in(a, c).unwrap_or(false));
                    if hit == r.saddr_negated {
                        return false;
                    }
                }
                // A source-restricted rule speaks for some clients only.
                None => {
                    if !r.saddr_negated {
                        return false;
                    }
                }
            }
        }
        if let Some(set) = &r.saddr_set {
            let Some(c) = self.client else { return false };
            let elems = fw.and_then(|f| f.sets.iter().find(|s| &s.name == set));
            match elems {
                Some(s) => {
                    let hit = s.elements.iter().any(|e| net::ip_in(e, c).unwrap_or(false));
                    if hit == r.saddr_negated {
                        return false;
                    }
                }
                None => {
                    self.unknown.push(format!(
                        "set {set} contents not in the bundle [{}:{}]",
                        r.source.file, r.source.line
                    ));
                    return false;
                }
            }
        }
        if let Some(i) = &r.iface {
            // An outside client never arrives on loopback; any other named
            // interface is assumed to be the one it arrives on.
            if (i == "lo") != r.iface_negated {
                return false;
            }
        }
        if !r.ct_states.is_empty() && !r.ct_states.iter().any(|s| s.eq_ignore_ascii_case("new")) {
            return false;
        }
        true
    }

    fn eval_chain(&mut self, fw: &Firewall, table: &str, chain: &str, depth: usize) -> Outcome {
        if depth > 32 {
            self.unknown.push(format!(
                "{}: jump depth exceeded at chain {chain}",
                fw.backend
            ));
            return Outcome::Continue;
        }
        let rules: Vec<&Rule> = fw
            .rules
            .iter()
            .filter(|r| r.table.as_deref() == Some(table) && r.chain.as_deref() == Some(chain))
            .collect();
        for r in rules {
            if !self.rule_matches(r, Some(fw)) {
                continue;
            }
            match r.action.as_deref() {
                Some("accept") => return Outcome::Accept(r.source.clone(), r.text.clone()),
                Some("drop") | Some("reject") => {
                    return Outcome::Deny(r.source.clone(), r.text.clone());
                }
                Some("return") => return Outcome::Continue,
                Some("jump") | Some("goto") => {
                    let target = r.target.clone().unwrap_or_default();
                    if fw.chain(Some(table), &target).is_none()
                        && !fw.rules.iter().any(|x| x.chain.as_deref() == Some(&target))
                    {
                        self.unknown.push(format!(
                            "{}: jump to unknown chain {target} [{}:{}]",
                            fw.backend, r.source.file, r.source.line
                        ));
                        continue;
                    }
                    match self.eval_chain(fw, table, &target, depth + 1) {
                        Outcome::Continue if r.action.as_deref() == Some("jump") => {}
                        other => return other,
                    }
                }
                Some("queue") => {
                    self.unknown.push(format!(
                        "{}: packets queued to user space [{}:{}]",
                        fw.backend, r.source.file, r.source.line
                    ));
                }
                _ => {}
            }
        }
        Outcome::Continue
    }

    fn iptables(&mut self, fw: &Firewall) {
        let b = fw.backend.clone();
        match self.eval_chain(fw, "filter", "INPUT", 0) {
            Outcome::Accept(src, text) => {
                self.allow(&b, format!("{b} accepts {}: {text}", self.what()), src)
            }
            Outcome::Deny(src, text) => {
                self.block(&b, format!("{b} rule stops {}: {text}", self.what()), src)
            }
            Outcome::Continue => {
                let Some(ch) = fw.chain(Some("filter"), "INPUT") else {
                    return;
                };
                let policy = ch.policy.clone().unwrap_or_else(|| "accept".into());
                if policy == "accept" {
                    self.allow(&b, format!("{b} INPUT policy ACCEPT"), ch.source.clone());
                } else {
                    let reason = format!(
                        "{b} INPUT policy {} and no rule accepts {}",
                        policy.to_ascii_uppercase(),
                        self.what()
                    );
                    self.block(&b, reason, ch.source.clone());
                }
            }
        }
    }

    fn nftables(&mut self, fw: &Firewall, v6: bool) {
        let mut bases: Vec<_> = fw
            .chains
            .iter()
            .filter(|c| matches!(c.hook.as_deref(), Some("input") | Some("prerouting")))
            .filter(|c| match c.family.as_str() {
                "inet" => true,
                "ip" => !v6,
                "ip6" => v6,
                _ => false,
            })
            .collect();
        // prerouting runs before input; within a hook, lower priority first.
        bases.sort_by_key(|c| {
            (
                c.hook.as_deref() != Some("prerouting"),
                c.priority.unwrap_or(0),
            )
        });
        let mut accepted: Option<(SourceRef, String)> = None;
        for c in bases {
            match self.eval_chain(fw, &c.table, &c.name, 0) {
                Outcome::Accept(src, text) => accepted = accepted.or(Some((src, text))),
                Outcome::Deny(src, text) => {
                    let reason = format!(
                        "nftables {} {} rule stops {}: {text}",
                        c.table,
                        c.name,
                        self.what()
                    );
                    self.block("nftables", reason, src);
                    return;
                }
                Outcome::Continue => {
                    if c.policy.as_deref() == Some("drop") {
                        let reason = format!(
                            "nftables chain {} {} policy drop and no rule accepts {}",
                            c.table,
                            c.name,
                            self.what()
                        );
                        self.block("nftables", reason, c.source.clone());
                        return;
                    }
                }
            }
        }
        if let Some((src, text)) = accepted {
            self.allow(
                "nftables",
                format!("nftables accepts {}: {text}", self.what()),
                src,
            );
        }
    }

    fn ufw(&mut self, fw: &Firewall) {
        if fw.active != Some(true) {
            if fw.active == Some(false) {
                self.allow("ufw", "ufw is inactive".into(), fw.source.clone());
            }
            return;
        }
        for r in &fw.rules {
            if !self.rule_matches(r, None) {
                continue;
            }
            match r.action.as_deref() {
                Some("accept") => {
                    self.allow(
                        "ufw",
                        format!("ufw allows {}: {}", self.what(), r.text),
                        r.source.clone(),
                    );
                    return;
                }
                Some("drop") | Some("reject") => {
                    self.block(
                        "ufw",
                        format!("ufw rule stops {}: {}", self.what(), r.text),
                        r.source.clone(),
                    );
                    return;
                }
                _ => {}
            }
        }
        let def = fw.default_incoming.clone();
        if def.is_none() {
            self.unknown.push(
                "ufw default incoming policy not shown (ufw status without verbose); deny assumed"
                    .into(),
            );
        }
        let def = def.unwrap_or_else(|| "deny".into());
        if def == "allow" {
            self.allow(
                "ufw",
                "ufw default incoming policy allow".into(),
                fw.line_of("default"),
            );
        } else {
            let reason = format!(
                "ufw is active, default incoming policy {def}, and no rule allows {}",
                self.what()
            );
            self.block("ufw", reason, fw.line_of("default"));
        }
    }

    // ------------------------------------------------------------ listener

    fn listener(&mut self) {
        let s = self.s;
        let Some(snap) = s
            .snapshots
            .iter()
            .find(|x| x.kind == "ss" || x.kind == "netstat")
        else {
            self.unknown
                .push("no ss/netstat snapshot: listeners not known".into());
            return;
        };
        let ls: Vec<_> = s
            .listeners
            .iter()
            .filter(|l| l.port == self.port && l.proto == self.proto)
            .collect();
        if ls.is_empty() {
            let reason = format!("nothing listens on {}", self.what());
            let file: std::sync::Arc<str> = std::sync::Arc::from(snap.file.as_str());
            self.block("listener", reason, SourceRef { file, line: 1 });
            return;
        }
        let outside: Vec<_> = ls.iter().filter(|l| !l.is_loopback()).collect();
        let Some(first) = outside.first() else {
            let l = ls[0];
            let who = l.process.as_deref().unwrap_or("a process");
            let reason = format!("{who} listens on {} (loopback only)", l.endpoint());
            self.block("loopback", reason, l.source.clone());
            return;
        };
        if let Some(IpAddr::V6(_)) = self.client {
            let v4_only = outside
                .iter()
                .all(|l| l.addr.parse::<std::net::Ipv4Addr>().is_ok());
            if v4_only {
                let reason = format!("{} listens on IPv4 addresses only", self.what());
                self.block("listener", reason, first.source.clone());
                return;
            }
        }
        let who = first.process.as_deref().unwrap_or("a process");
        let reason = format!("{who} listens on {}", first.endpoint());
        self.allow("listener", reason, first.source.clone());
    }
}
