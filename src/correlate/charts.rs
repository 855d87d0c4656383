//! Chart data for the HTML report: requests per minute by status class per
//! service, drops per minute to served ports, and the changes as markers.

use super::World;
use super::collect::minute;
use crate::event::{Kind, format_ts};
use crate::report::model::{ChangeMarker, Charts, DropSeries, RequestSeries};

/// Longest series drawn (a week of minutes); older minutes are cut.
const MAX_MINUTES: i64 = 7 * 24 * 60;

pub fn build(w: &World<'_>) -> Charts {
    let mut charts = Charts::default();
    for (svc, b) in &w.c.http.external {
        let (Some((&a, _)), Some((&z, _))) = (b.first_key_value(), b.last_key_value()) else {
            continue;
        };
        let a = a.max(z - MAX_MINUTES);
        let mut buckets = vec![[0u32; 3]; (z - a + 1) as usize];
        for (m, c) in b.range(a..=z) {
            buckets[(m - a) as usize] = *c;
        }
        charts.requests.push(RequestSeries {
            service: svc.clone(),
            start: a * 60,
            buckets,
        });
    }
    let served = super::symptoms::served_ports(w);
    let mut ports: Vec<_> = w.c.drops.per_port_minute.iter().collect();
    ports.sort_by_key(|((p, proto), _)| (!served.contains(p), *p, proto.clone()));
    for ((port, proto), mm) in ports.into_iter().take(4) {
        let (Some((&a, _)), Some((&z, _))) = (mm.first_key_value(), mm.last_key_value()) else {
            continue;
        };
        let a = a.max(z - MAX_MINUTES);
        let mut buckets = vec![0u32; (z - a + 1) as usize];
        for (m, c) in mm.range(a..=z) {
            buckets[(m - a) as usize] = *c;
        }
        charts.drops.push(DropSeries {
            port: *port,
            proto: proto.clone(),
            start: a * 60,
            buckets,
        });
    }
    for e in &w.events {
        let (lane, label) = match e.kind {
            Kind::SystemBoot => ("boot", "boot".to_string()),
            Kind::SystemShutdown => ("boot", "shutdown".to_string()),
            Kind::FirewallStart | Kind::FirewallStop | Kind::FirewallChange => (
                "firewall",
                format!(
                    "{} {}",
                    e.fields.unit.as_deref().unwrap_or("firewall"),
                    e.kind.as_str().trim_start_matches("firewall.")
                ),
            ),
            Kind::BanAdd => (
                "fail2ban",
                format!("ban {}", e.fields.src_ip.as_deref().unwrap_or("?")),
            ),
            Kind::BanRemove => (
                "fail2ban",
                format!("unban {}", e.fields.src_ip.as_deref().unwrap_or("?")),
            ),
            Kind::ServiceStop | Kind::ServiceFail | Kind::ServiceDisable => (
                "systemd",
                format!(
                    "{} {}",
                    e.fields.unit.as_deref().unwrap_or("unit"),
                    e.kind.as_str().trim_start_matches("service.")
                ),
            ),
            Kind::ListenBind | Kind::ListenFail => (
                "listen",
                format!(
                    "{} port {}",
                    e.fields.program.as_deref().unwrap_or("?"),
                    e.fields.dst_port.map(|p| p.to_string()).unwrap_or_default()
                ),
            ),
            Kind::ResourceOomKill => (
                "kernel",
                format!("OOM kill {}", e.fields.program.as_deref().unwrap_or("?")),
            ),
            Kind::ResourceDiskFull => ("kernel", "disk full".to_string()),
            Kind::PackageChange => (
                "packages",
                format!("package {}", e.fields.action.as_deref().unwrap_or("change")),
            ),
            Kind::ConfigChange | Kind::ServiceReload => (
                "config",
                format!(
                    "{} reload",
                    e.fields
                        .unit
                        .as_deref()
                        .or(e.fields.program.as_deref())
                        .unwrap_or("config")
                ),
            ),
            _ => continue,
        };
        if charts.changes.len() >= 300 {
            break;
        }
        // Package changes come in hundreds: one marker per minute.
        if e.kind == Kind::PackageChange
            && charts.changes.last().is_some_and(|c| {
                c.kind == "package.change" && minute(c.t * 1_000_000) == minute(e.ts)
            })
        {
            continue;
        }
        charts.changes.push(ChangeMarker {
            at: format_ts(e.ts),
            t: e.ts.div_euclid(1_000_000),
            kind: e.kind.as_str().to_string(),
            label,
            lane: lane.to_string(),
            source: e.source.clone(),
        });
    }
    charts
}
