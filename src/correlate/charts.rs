//! Chart data for the HTML report: requests per minute by status class per
//! service, drops per minute to served ports, and the changes as markers.

use super::World;
use super::collect::minute;
use crate::event::{Kind, format_ts};
use crate::report::model::{ChangeMarker, Charts, DropSeries, RequestSeries};

/// Minutes shown before the break (or before the end when nothing broke).
const BEFORE: i64 = 3 * 60;
/// Minutes shown after the break at most.
const AFTER: i64 = 6 * 60;

/// Units whose stops and failures are worth a marker; timers and oneshot
/// jobs stop every few minutes and would bury the chart.
fn notable_unit(u: &str) -> bool {
    let s = super::causes::stem(u);
    super::causes::WEB_UNITS.contains(&s)
        || super::causes::DEP_PROGRAMS.iter().any(|d| s.starts_with(d))
        || matches!(
            s,
            "ssh"
                | "sshd"
                | "firewalld"
                | "ufw"
                | "nftables"
                | "iptables"
                | "fail2ban"
                | "mariadb"
                | "mysql"
                | "postgresql"
                | "netfilter-persistent"
                | "systemd-networkd"
                | "NetworkManager"
                | "networking"
        )
}

/// Charts around `focus` (the break), or the last hours when nothing broke.
pub fn build(w: &World<'_>, focus: Option<i64>) -> Charts {
    let mut charts = Charts::default();
    let end_m = minute(w.t_end.max(w.as_of.unwrap_or(0)));
    let (lo, hi) = match focus {
        Some(f) => (minute(f) - BEFORE, (minute(f) + AFTER).min(end_m)),
        None => (end_m - BEFORE * 2, end_m),
    };
    for (svc, b) in &w.c.http.external {
        if b.range(lo..=hi).next().is_none() {
            continue;
        }
        let (a, z) = (lo, hi);
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
    let mut ports: Vec<_> =
        w.c.drops
            .per_port_minute
            .iter()
            .filter(|((p, _), mm)| served.contains(p) && mm.range(lo..=hi).next().is_some())
            .collect();
    ports.sort_by_key(|((p, proto), _)| (*p, proto.clone()));
    for ((port, proto), mm) in ports.into_iter().take(4) {
        let (a, z) = (lo, hi);
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
    // Every unit stops when the host reboots: those stops are the reboot.
    let reboots: Vec<i64> = w
        .of_kind(&[Kind::SystemShutdown, Kind::SystemBoot])
        .map(|e| e.ts)
        .collect();
    let near_reboot = |t: i64| reboots.iter().any(|r| (r - t).abs() <= 3 * 60_000_000);
    for e in w
        .events
        .iter()
        .filter(|e| (lo..=hi).contains(&minute(e.ts)))
    {
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
            Kind::ServiceStop | Kind::ServiceFail | Kind::ServiceDisable
                if e.fields.unit.as_deref().is_some_and(notable_unit)
                    && (e.kind != Kind::ServiceStop || !near_reboot(e.ts)) =>
            {
                (
                    "systemd",
                    format!(
                        "{} {}",
                        e.fields.unit.as_deref().unwrap_or("unit"),
                        e.kind.as_str().trim_start_matches("service.")
                    ),
                )
            }
            Kind::ListenBind | Kind::ListenFail
                if e.kind == Kind::ListenFail
                    || e.fields
                        .dst_port
                        .is_some_and(|p| !matches!(p, 22 | 80 | 443)) =>
            {
                (
                    "listen",
                    format!(
                        "{} port {}",
                        e.fields.program.as_deref().unwrap_or("?"),
                        e.fields.dst_port.map(|p| p.to_string()).unwrap_or_default()
                    ),
                )
            }
            Kind::ResourceOomKill => (
                "kernel",
                format!("OOM kill {}", e.fields.program.as_deref().unwrap_or("?")),
            ),
            Kind::ResourceDiskFull => ("kernel", "disk full".to_string()),
            Kind::PackageChange => (
                "packages",
                format!("package {}", e.fields.action.as_deref().unwrap_or("change")),
            ),
            Kind::ConfigChange | Kind::ServiceReload
                if e.fields
                    .unit
                    .as_deref()
                    .or(e.fields.program.as_deref())
                    .is_some_and(notable_unit) =>
            {
                (
                    "config",
                    format!(
                        "{} reload",
                        e.fields
                            .unit
                            .as_deref()
                            .or(e.fields.program.as_deref())
                            .unwrap_or("config")
                    ),
                )
            }
            _ => continue,
        };
        if charts.changes.len() >= 300 {
            break;
        }
        // One marker per label within five minutes (a boot seen by the
        // kernel and by systemd, repeated failures).
        if charts
            .changes
            .iter()
            .rev()
            .take_while(|c| e.ts / 1_000_000 - c.t <= 300)
            .any(|c| c.label == label)
        {
            continue;
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
