//! The normalised event: what every parser produces and every later stage
//! reads. Field names and kind strings are the SPEC's (`../shared/SPEC.md`,
//! "Events"); kinds may be added, never renamed.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::fmt;
use std::sync::Arc;

/// Event kinds. `as_str` is the SPEC's dotted name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    HttpRequest,
    HttpError,
    AuthFailure,
    AuthSuccess,
    AuthInvalidUser,
    SessionOpen,
    SessionClose,
    SudoCommand,
    ServiceStart,
    ServiceStop,
    ServiceFail,
    ServiceReload,
    ServiceEnable,
    ServiceDisable,
    SystemBoot,
    SystemShutdown,
    ListenBind,
    ListenFail,
    FirewallDrop,
    FirewallAccept,
    FirewallStart,
    FirewallStop,
    FirewallChange,
    BanAdd,
    BanRemove,
    BanFound,
    ResourceOomKill,
    ResourceDiskFull,
    PackageChange,
    ConfigChange,
    TlsError,
    DbError,
    LogOther,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::HttpRequest,
        Kind::HttpError,
        Kind::AuthFailure,
        Kind::AuthSuccess,
        Kind::AuthInvalidUser,
        Kind::SessionOpen,
        Kind::SessionClose,
        Kind::SudoCommand,
        Kind::ServiceStart,
        Kind::ServiceStop,
        Kind::ServiceFail,
        Kind::ServiceReload,
        Kind::ServiceEnable,
        Kind::ServiceDisable,
        Kind::SystemBoot,
        Kind::SystemShutdown,
        Kind::ListenBind,
        Kind::ListenFail,
        Kind::FirewallDrop,
        Kind::FirewallAccept,
        Kind::FirewallStart,
        Kind::FirewallStop,
        Kind::FirewallChange,
        Kind::BanAdd,
        Kind::BanRemove,
        Kind::BanFound,
        Kind::ResourceOomKill,
        Kind::ResourceDiskFull,
        Kind::PackageChange,
        Kind::ConfigChange,
        Kind::TlsError,
        Kind::DbError,
        Kind::LogOther,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::HttpRequest => "http.request",
            Kind::HttpError => "http.error",
            Kind::AuthFailure => "auth.failure",
            Kind::AuthSuccess => "auth.success",
            Kind::AuthInvalidUser => "auth.invalid_user",
            Kind::SessionOpen => "session.open",
            Kind::SessionClose => "session.close",
            Kind::SudoCommand => "sudo.command",
            Kind::ServiceStart => "service.start",
            Kind::ServiceStop => "service.stop",
            Kind::ServiceFail => "service.fail",
            Kind::ServiceReload => "service.reload",
            Kind::ServiceEnable => "service.enable",
            Kind::ServiceDisable => "service.disable",
            Kind::SystemBoot => "system.boot",
            Kind::SystemShutdown => "system.shutdown",
            Kind::ListenBind => "listen.bind",
            Kind::ListenFail => "listen.fail",
            Kind::FirewallDrop => "firewall.drop",
            Kind::FirewallAccept => "firewall.accept",
            Kind::FirewallStart => "firewall.start",
            Kind::FirewallStop => "firewall.stop",
            Kind::FirewallChange => "firewall.change",
            Kind::BanAdd => "ban.add",
            Kind::BanRemove => "ban.remove",
            Kind::BanFound => "ban.found",
            Kind::ResourceOomKill => "resource.oom_kill",
            Kind::ResourceDiskFull => "resource.disk_full",
            Kind::PackageChange => "package.change",
            Kind::ConfigChange => "config.change",
            Kind::TlsError => "tls.error",
            Kind::DbError => "db.error",
            Kind::LogOther => "log.other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What part of a timestamp was not in the line but supplied by policy.
pub mod inferred {
    pub const YEAR: u8 = 1;
    pub const ZONE: u8 = 2;
}

/// `{"file", "line"}`: where an event or fact was read. `file` is the path
/// inside the bundle as shown in the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SourceRef {
    pub file: Arc<str>,
    pub line: u32,
}

/// Optional typed fields (SPEC "Optional keys"). Absent stays absent:
/// `-` and empty values never become strings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    pub program: Option<String>,
    pub unit: Option<String>,
    pub pid: Option<u32>,
    pub src_ip: Option<String>,
    pub src_host: Option<String>,
    pub src_port: Option<u16>,
    pub dst_ip: Option<String>,
    pub dst_port: Option<u16>,
    pub proto: Option<String>,
    pub user: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub user_agent: Option<String>,
    pub request_time: Option<f64>,
    pub upstream: Option<String>,
    pub jail: Option<String>,
    pub level: Option<String>,
    pub iface: Option<String>,
    pub action: Option<String>,
    /// Virtual host (nginx `$host` / `server:`); not a SPEC key but useful
    /// for per-service aggregation.
    pub vhost: Option<String>,
}

impl Fields {
    /// Set a field by its SPEC name from text. Unknown names and values that
    /// do not fit the type are ignored: parsing is total.
    pub fn set(&mut self, name: &str, value: &str) -> bool {
        let v = value.trim();
        if v.is_empty() || v == "-" {
            return false;
        }
        let s = || Some(v.to_string());
        match name {
            "program" => self.program = s(),
            "unit" => self.unit = s(),
            "pid" => self.pid = v.parse().ok(),
            "src_ip" => self.src_ip = s(),
            "src_host" => self.src_host = s(),
            "src_port" => self.src_port = v.parse().ok(),
            "dst_ip" => self.dst_ip = s(),
            "dst_port" => self.dst_port = v.parse().ok(),
            "proto" => self.proto = Some(v.to_ascii_lowercase()),
            "user" => self.user = s(),
            "method" => self.method = s(),
            "path" => self.path = s(),
            "status" => self.status = v.parse().ok(),
            "bytes" => self.bytes = v.parse().ok(),
            "user_agent" => self.user_agent = s(),
            "request_time" => self.request_time = v.parse().ok(),
            "upstream" => self.upstream = s(),
            "jail" => self.jail = s(),
            "level" => self.level = Some(v.to_ascii_lowercase()),
            "iface" => self.iface = s(),
            "action" => self.action = s(),
            "vhost" => self.vhost = s(),
            // `host` in a message grammar names the client: an address or a name.
            "host" | "client" => {
                if looks_like_ip(v) {
                    self.src_ip = s()
                } else {
                    self.src_host = s()
                }
            }
            _ => return false,
        }
        true
    }

    /// Value by SPEC name as text, for tests, CSV and grammar samples.
    pub fn get(&self, name: &str) -> Option<String> {
        match name {
            "program" => self.program.clone(),
            "unit" => self.unit.clone(),
            "pid" => self.pid.map(|v| v.to_string()),
            "src_ip" => self.src_ip.clone(),
            "src_host" => self.src_host.clone(),
            "src_port" => self.src_port.map(|v| v.to_string()),
            "dst_ip" => self.dst_ip.clone(),
            "dst_port" => self.dst_port.map(|v| v.to_string()),
            "proto" => self.proto.clone(),
            "user" => self.user.clone(),
            "method" => self.method.clone(),
            "path" => self.path.clone(),
            "status" => self.status.map(|v| v.to_string()),
            "bytes" => self.bytes.map(|v| v.to_string()),
            "user_agent" => self.user_agent.clone(),
            "request_time" => self.request_time.map(|v| v.to_string()),
            "upstream" => self.upstream.clone(),
            "jail" => self.jail.clone(),
            "level" => self.level.clone(),
            "iface" => self.iface.clone(),
            "action" => self.action.clone(),
            "vhost" => self.vhost.clone(),
            _ => None,
        }
    }

    pub const NAMES: &'static [&'static str] = &[
        "program",
        "unit",
        "pid",
        "src_ip",
        "src_host",
        "src_port",
        "dst_ip",
        "dst_port",
        "proto",
        "user",
        "method",
        "path",
        "status",
        "bytes",
        "user_agent",
        "request_time",
        "upstream",
        "jail",
        "level",
        "iface",
        "action",
        "vhost",
    ];

    /// Fill the fields that `self` lacks from `other`.
    pub fn merge_missing(&mut self, other: Fields) {
        macro_rules! m {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f; } )* };
        }
        m!(
            program,
            unit,
            pid,
            src_ip,
            src_host,
            src_port,
            dst_ip,
            dst_port,
            proto,
            user,
            method,
            path,
            status,
            bytes,
            user_agent,
            request_time,
            upstream,
            jail,
            level,
            iface,
            action,
            vhost
        );
    }
}

/// An address rather than a host name: dotted digits (IPv4) or anything
/// with a colon (IPv6; host names never hold one). Cheaper than a full
/// parse on the hot path, and a name made only of digits and dots is not a
/// valid host name anyway.
/// Whether a client field is an address rather than a host name.
pub fn looks_like_ip(v: &str) -> bool {
    let b = v.as_bytes();
    if b.contains(&b':') {
        return b
            .iter()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'%'))
            || v.parse::<std::net::IpAddr>().is_ok();
    }
    b.len() >= 7
        && b.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && b.iter().filter(|c| **c == b'.').count() == 3
}

/// One line of one log, on the UTC timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Microseconds since the Unix epoch, UTC.
    pub ts: i64,
    /// Bits of [`inferred`].
    pub ts_inferred: u8,
    pub kind: Kind,
    pub host: Arc<str>,
    pub source: SourceRef,
    /// Further places the same event was read (syslog and journal copies).
    pub also: Vec<SourceRef>,
    pub format: Arc<str>,
    pub message: String,
    pub fields: Fields,
    /// Index into the inventory's boot list, when known.
    pub boot: Option<u32>,
}

/// RFC 3339 UTC with microseconds, the SPEC's `ts` form.
pub fn format_ts(us: i64) -> String {
    match chrono::DateTime::from_timestamp_micros(us) {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        None => "invalid".to_string(),
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ts = format_ts(self.ts);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ts", &ts)?;
        m.serialize_entry("datetime", &ts)?;
        m.serialize_entry("timestamp_desc", self.kind.as_str())?;
        m.serialize_entry("kind", self.kind.as_str())?;
        m.serialize_entry("host", &*self.host)?;
        m.serialize_entry("source", &self.source)?;
        if !self.also.is_empty() {
            m.serialize_entry("also_in", &self.also)?;
        }
        m.serialize_entry("format", &*self.format)?;
        m.serialize_entry("message", &self.message)?;
        if self.ts_inferred != 0 {
            let mut v = Vec::new();
            if self.ts_inferred & inferred::YEAR != 0 {
                v.push("year");
            }
            if self.ts_inferred & inferred::ZONE != 0 {
                v.push("zone");
            }
            m.serialize_entry("ts_inferred", &v)?;
        }
        let f = &self.fields;
        macro_rules! opt {
            ($($name:ident),*) => { $( if let Some(v) = &f.$name { m.serialize_entry(stringify!($name), v)?; } )* };
        }
        opt!(
            program,
            unit,
            pid,
            src_ip,
            src_host,
            src_port,
            dst_ip,
            dst_port,
            proto,
            user,
            method,
            path,
            status,
            bytes,
            user_agent,
            request_time,
            upstream,
            jail,
            level,
            iface,
            action,
            vhost
        );
        if let Some(b) = self.boot {
            m.serialize_entry("boot", &b)?;
        }
        m.end()
    }
}
