//! Causes: one module per root-cause kind of the SPEC. Each takes the
//! symptoms, looks for the change that explains them, and returns a scored
//! candidate — or a ruled-out one with the reason, so the report says what
//! was checked. Scores add up three things: time proximity to the symptom,
//! specificity (the banned IP is the client that vanished; the dropped port
//! is the served port) and corroboration by the snapshots.

pub mod dependency_down;
pub mod dns_resolution;
pub mod firewall_blocks_service;
pub mod ip_banned;
pub mod listen_address_changed;
pub mod port_changed_firewall_closed;
pub mod resource_exhausted;
pub mod routing;
pub mod service_failed_to_start;
pub mod service_not_running;
pub mod tls_certificate_expired;
pub mod unknown;

use super::{Cand, Sym, World};
use crate::event::Event;

pub fn evaluate(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    if syms.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    out.extend(firewall_blocks_service::check(w, syms));
    out.extend(ip_banned::check(w, syms));
    out.extend(service_not_running::check(w, syms));
    out.extend(service_failed_to_start::check(w, syms));
    out.extend(listen_address_changed::check(w, syms));
    out.extend(port_changed_firewall_closed::check(w, syms));
    out.extend(dependency_down::check(w, syms));
    out.extend(resource_exhausted::check(w, syms));
    out.extend(tls_certificate_expired::check(w, syms));
    out.extend(dns_resolution::check(w, syms));
    out.extend(routing::check(w, syms));
    out
}

/// Closeness in time: 1 when `change` is at or just before `symptom`,
/// falling to 0 over `window` minutes; a change after the symptom scores 0
/// unless within a minute (clock skew between sources).
pub fn proximity(change: i64, symptom: i64, window_min: f64) -> f64 {
    let d = (symptom - change) as f64 / 60e6;
    if d < -1.0 {
        return 0.0;
    }
    (1.0 - d.max(0.0) / window_min).clamp(0.0, 1.0)
}

/// The earliest symptom at or after a time, of the given kinds.
pub fn first_symptom<'s>(syms: &'s [Sym], kinds: &[&str]) -> Option<&'s Sym> {
    syms.iter()
        .filter(|s| kinds.contains(&s.kind))
        .min_by_key(|s| s.at)
}

/// Web server units faultline knows by name.
pub const WEB_UNITS: &[&str] = &["nginx", "apache2", "httpd", "lighttpd", "caddy", "haproxy"];

/// Database and application units a web tier depends on.
pub const DEP_PROGRAMS: &[&str] = &[
    "mysqld",
    "mariadbd",
    "mariadb",
    "mysql",
    "postgres",
    "postgresql",
    "redis-server",
    "redis",
    "php-fpm",
    "php-fpm8.2",
    "php-fpm8.1",
    "php-fpm7.4",
    "memcached",
    "java",
    "node",
    "gunicorn",
    "uwsgi",
    "puma",
    "python3",
    "ruby",
    "mongod",
];

/// Unit stem: `nginx.service` → `nginx`.
pub fn stem(unit: &str) -> &str {
    unit.split('.').next().unwrap_or(unit)
}

pub fn unit_of(e: &Event) -> Option<&str> {
    e.fields.unit.as_deref().map(stem)
}
