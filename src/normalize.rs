//! Normalise: put a stamp as written onto the UTC timeline. An offset in the
//! line wins; otherwise the source's zone applies (the bundle's, `--tz`, or
//! UTC with a warning). Year-less stamps take their year from a plan made by
//! walking the file backwards from an anchor (see [`YearPlan`]).

use crate::event::inferred;
use crate::parse::stamp::{self, Stamp};
use chrono::{NaiveDate, Offset, TimeZone};

/// The zone of local-time stamps.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    Fixed(i32),
    Named(chrono_tz::Tz),
}

impl Zone {
    /// An IANA name (`Europe/Berlin`) or a fixed offset (`+09:00`, `UTC`).
    pub fn parse(s: &str) -> Option<Zone> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("utc") || s == "Z" || s.eq_ignore_ascii_case("gmt") {
            return Some(Zone::Fixed(0));
        }
        if let Some((o, used)) = stamp::offset(s.as_bytes(), 0)
            && used == s.len()
        {
            return Some(Zone::Fixed(o));
        }
        s.parse::<chrono_tz::Tz>().ok().map(Zone::Named)
    }

    pub fn name(&self) -> String {
        match self {
            Zone::Fixed(0) => "UTC".into(),
            Zone::Fixed(o) => {
                let sign = if *o < 0 { '-' } else { '+' };
                let a = o.abs();
                format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
            Zone::Named(tz) => tz.name().into(),
        }
    }

    /// UTC seconds of a local civil time. In a DST gap the time is read
    /// with the offset before the gap; in an overlap the earlier instant is
    /// taken (the later is one hour on).
    pub fn local_to_utc(&self, local_secs: i64) -> i64 {
        match self {
            Zone::Fixed(o) => local_secs - *o as i64,
            Zone::Named(tz) => {
                let Some(naive) =
                    chrono::DateTime::from_timestamp(local_secs, 0).map(|d| d.naive_utc())
                else {
                    return local_secs;
                };
                match tz.from_local_datetime(&naive) {
                    chrono::LocalResult::Single(dt) => dt.timestamp(),
                    chrono::LocalResult::Ambiguous(a, _) => a.timestamp(),
                    chrono::LocalResult::None => {
                        let before = naive - chrono::Duration::hours(3);
                        let off =
                            tz.offset_from_utc_datetime(&before).fix().local_minus_utc() as i64;
                        local_secs - off
                    }
                }
            }
        }
    }

    /// Offset east of UTC at a UTC instant.
    pub fn offset_at(&self, utc_secs: i64) -> i32 {
        match self {
            Zone::Fixed(o) => *o,
            Zone::Named(tz) => chrono::DateTime::from_timestamp(utc_secs, 0)
                .map(|d| {
                    tz.offset_from_utc_datetime(&d.naive_utc())
                        .fix()
                        .local_minus_utc()
                })
                .unwrap_or(0),
        }
    }

    /// `2024-08-06 16:02:31 CEST`-style local rendering of a UTC instant.
    pub fn format_local(&self, utc_us: i64) -> String {
        let Some(dt) = chrono::DateTime::from_timestamp_micros(utc_us) else {
            return String::new();
        };
        match self {
            Zone::Named(tz) => dt
                .with_timezone(tz)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string(),
            Zone::Fixed(o) => {
                let off = chrono::FixedOffset::east_opt(*o)
                    .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
                dt.with_timezone(&off)
                    .format("%Y-%m-%d %H:%M:%S %:z")
                    .to_string()
            }
        }
    }
}

/// Years for the lines of a year-less file: `(from byte offset, year)`,
/// ascending by offset.
#[derive(Clone, Debug, Default)]
pub struct YearPlan {
    pub spans: Vec<(u64, i32)>,
}

impl YearPlan {
    pub fn year_at(&self, offset: u64) -> Option<i32> {
        let i = self.spans.partition_point(|(o, _)| *o <= offset);
        if i == 0 {
            self.spans.first().map(|s| s.1)
        } else {
            Some(self.spans[i - 1].1)
        }
    }

    /// Walk `months` (byte offset of a line, its month and day) backwards
    /// from the last line, which is dated in `last_year`; a month that goes
    /// *up* while walking back means the previous year (Dec → Jan rollover).
    pub fn walk_back(months: &[(u64, u8, u8)], last_year: i32) -> YearPlan {
        let mut spans = Vec::new();
        let mut year = last_year;
        let mut later: Option<u8> = None;
        for &(off, m, _) in months.iter().rev() {
            if let Some(lm) = later
                && m > lm
                // A small step back (Aug after Jul) is out-of-order lines,
                // not a new year; a rollover jumps from late to early months.
                && (m as i32 - lm as i32) >= 6
            {
                year -= 1;
            }
            later = Some(m);
            spans.push((off, year));
        }
        spans.reverse();
        // Keep only the offsets where the year changes.
        let mut out: Vec<(u64, i32)> = Vec::new();
        for (o, y) in spans {
            if out.last().is_none_or(|l| l.1 != y) {
                out.push((o, y));
            }
        }
        YearPlan { spans: out }
    }
}

/// The year in which (month, day) falls at or before `reference` (Unix
/// seconds) plus a day of slack: the anchor for a file whose last line is
/// dated (month, day).
pub fn anchor_year(month: u8, day: u8, reference: i64) -> i32 {
    let Some(r) = chrono::DateTime::from_timestamp(reference + 86400, 0) else {
        return 1970;
    };
    let ry = chrono::Datelike::year(&r);
    let rd = r.date_naive();
    for y in [ry, ry - 1] {
        let d = NaiveDate::from_ymd_opt(y, month as u32, day as u32)
            // Feb 29 in a year without it: take the leap year before.
            .or_else(|| NaiveDate::from_ymd_opt(y, month as u32, 28));
        if let Some(d) = d
            && d <= rd
        {
            return y;
        }
    }
    ry - 1
}

/// How one source's stamps become UTC.
#[derive(Clone, Debug)]
pub struct Clock {
    pub zone: Zone,
    /// The zone came from policy, not the bundle (`--tz` or UTC fallback).
    pub zone_inferred: bool,
    pub years: YearPlan,
    /// `--year` was given: every year-less line uses it... as the anchor.
    pub fixed_year: Option<i32>,
}

impl Clock {
    pub fn utc(zone: Zone) -> Clock {
        Clock {
            zone,
            zone_inferred: false,
            years: YearPlan::default(),
            fixed_year: None,
        }
    }

    /// UTC microseconds and what was inferred. `None` for impossible dates
    /// (Feb 30, hour 25, year 9999 and beyond).
    pub fn resolve(&self, st: &Stamp, offset: u64) -> Option<(i64, u8)> {
        if let Some(us) = st.unix_us {
            return Some((us, 0));
        }
        let mut inf = 0u8;
        let year = match st.year {
            Some(y) => y,
            None => {
                inf |= inferred::YEAR;
                self.years.year_at(offset).or(self.fixed_year)?
            }
        };
        if !(1970..=2200).contains(&year) {
            return None;
        }
        let local = stamp::civil_seconds(year, st.month, st.day, st.hour, st.min, st.sec.min(59))?;
        let secs = match st.offset {
            Some(o) => local - o as i64,
            None => {
                if self.zone_inferred {
                    inf |= inferred::ZONE;
                }
                self.zone.local_to_utc(local)
            }
        };
        Some((secs * 1_000_000 + st.micros as i64, inf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_and_dst() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 2024-03-31 02:30 local does not exist (spring forward).
        let gap = stamp::civil_seconds(2024, 3, 31, 2, 30, 0).unwrap();
        assert_eq!(berlin.local_to_utc(gap), gap - 3600);
        // 2024-10-27 02:30 local happens twice; the earlier is CEST (+2).
        let amb = stamp::civil_seconds(2024, 10, 27, 2, 30, 0).unwrap();
        assert_eq!(berlin.local_to_utc(amb), amb - 7200);
        assert_eq!(Zone::parse("+09:00"), Some(Zone::Fixed(9 * 3600)));
        assert_eq!(Zone::parse("Mars/Olympus"), None);
    }

    #[test]
    fn year_walk_back_over_new_year() {
        let months = [(0, 12, 30), (10, 12, 31), (20, 1, 1), (30, 1, 2)];
        let p = YearPlan::walk_back(&months, 2025);
        assert_eq!(p.year_at(0), Some(2024));
        assert_eq!(p.year_at(15), Some(2024));
        assert_eq!(p.year_at(20), Some(2025));
        assert_eq!(p.year_at(35), Some(2025));
    }

    #[test]
    fn anchor_never_in_the_future() {
        let r = stamp::civil_seconds(2025, 1, 3, 12, 0, 0).unwrap();
        assert_eq!(anchor_year(12, 31, r), 2024);
        assert_eq!(anchor_year(1, 2, r), 2025);
        let r = stamp::civil_seconds(2024, 8, 6, 12, 0, 0).unwrap();
        assert_eq!(anchor_year(8, 6, r), 2024);
        assert_eq!(anchor_year(8, 10, r), 2023);
    }
}

/// Units of the host's packet filter: their life cycle is a firewall change.
const FIREWALL_UNITS: &[&str] = &[
    "firewalld",
    "ufw",
    "nftables",
    "iptables",
    "ip6tables",
    "netfilter-persistent",
    "shorewall",
];

/// Unit descriptions systemd prints instead of unit names before v249.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "A high performance web server and a reverse proxy server",
        "nginx.service",
    ),
    ("nginx - high performance web server", "nginx.service"),
    ("The nginx HTTP and reverse proxy server", "nginx.service"),
    ("firewalld - dynamic firewall daemon", "firewalld.service"),
    ("Uncomplicated firewall", "ufw.service"),
    ("nftables", "nftables.service"),
    (
        "netfilter persistent configuration",
        "netfilter-persistent.service",
    ),
    ("OpenBSD Secure Shell server", "ssh.service"),
    ("OpenSSH server daemon", "sshd.service"),
    ("Fail2Ban Service", "fail2ban.service"),
    ("MariaDB", "mariadb.service"),
    ("MySQL Community Server", "mysql.service"),
    ("PostgreSQL", "postgresql.service"),
    ("The Apache HTTP Server", "apache2.service"),
    ("The PHP", "php-fpm.service"),
    ("Postfix Mail Transport Agent", "postfix.service"),
];

/// Sharpen a kind with what the message says: a firewall unit starting is
/// `firewall.start`, not just `service.start`; an old-style systemd line
/// names its unit only by description.
pub fn refine(
    kind: crate::event::Kind,
    fields: &mut crate::event::Fields,
    message: &[u8],
) -> crate::event::Kind {
    use crate::event::Kind;
    if !matches!(
        kind,
        Kind::ServiceStart | Kind::ServiceStop | Kind::ServiceReload | Kind::ServiceFail
    ) {
        return kind;
    }
    if fields.unit.is_none() || fields.unit.as_deref().is_some_and(|u| u == "init.scope") {
        let m = String::from_utf8_lossy(message);
        if let Some((_, unit)) = DESCRIPTIONS.iter().find(|(d, _)| m.contains(d)) {
            fields.unit = Some((*unit).to_string());
        } else if fields.unit.as_deref() == Some("init.scope") {
            fields.unit = None;
        }
    }
    let Some(unit) = fields.unit.as_deref() else {
        return kind;
    };
    let stem = unit.strip_suffix(".service").unwrap_or(unit);
    if FIREWALL_UNITS.contains(&stem) {
        return match kind {
            Kind::ServiceStart => Kind::FirewallStart,
            Kind::ServiceStop => Kind::FirewallStop,
            Kind::ServiceReload => Kind::FirewallChange,
            other => other,
        };
    }
    kind
}
