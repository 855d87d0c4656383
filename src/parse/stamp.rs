//! Timestamps as written in logs, parsed from fixed positions without
//! format strings. A stamp may lack its year (BSD syslog) or its zone
//! (local time); [`crate::normalize`] resolves it with the bundle's policy.

/// A timestamp as read. `offset` is seconds east of UTC when the line says
/// it; `None` means local time of the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Stamp {
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub min: u8,
    pub sec: u8,
    pub micros: u32,
    pub offset: Option<i32>,
    /// Already absolute (journal realtime µs): the other fields are unused.
    pub unix_us: Option<i64>,
}

impl Stamp {
    pub fn from_unix_us(us: i64) -> Stamp {
        Stamp {
            unix_us: Some(us),
            ..Stamp::default()
        }
    }

    /// Whether month, day and time are in range (day-of-month checked
    /// against the month once the year is known).
    pub fn plausible(&self) -> bool {
        self.unix_us.is_some()
            || ((1..=12).contains(&self.month)
                && (1..=31).contains(&self.day)
                && self.hour < 24
                && self.min < 60
                && self.sec <= 60)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm). `None` for impossible dates such as Feb 30.
pub fn days_from_civil(y: i32, m: u8, d: u8) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Seconds since the epoch of a civil time read as UTC.
pub fn civil_seconds(y: i32, m: u8, d: u8, hh: u8, mm: u8, ss: u8) -> Option<i64> {
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d)? * 86400 + hh as i64 * 3600 + mm as i64 * 60 + ss as i64)
}

#[inline]
pub fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| (b - b'0') as u32)
}

#[inline]
pub fn num2(s: &[u8], at: usize) -> Option<u8> {
    Some((digit(*s.get(at)?)? * 10 + digit(*s.get(at + 1)?)?) as u8)
}

pub fn num4(s: &[u8], at: usize) -> Option<i32> {
    let mut v = 0u32;
    for i in 0..4 {
        v = v * 10 + digit(*s.get(at + i)?)?;
    }
    Some(v as i32)
}

/// `Jan`..`Dec` → 1..12.
pub fn month_abbr(s: &[u8]) -> Option<u8> {
    let b = s.get(..3)?;
    let m = match [b[0] | 0x20, b[1] | 0x20, b[2] | 0x20] {
        [b'j', b'a', b'n'] => 1,
        [b'f', b'e', b'b'] => 2,
        [b'm', b'a', b'r'] => 3,
        [b'a', b'p', b'r'] => 4,
        [b'm', b'a', b'y'] => 5,
        [b'j', b'u', b'n'] => 6,
        [b'j', b'u', b'l'] => 7,
        [b'a', b'u', b'g'] => 8,
        [b's', b'e', b'p'] => 9,
        [b'o', b'c', b't'] => 10,
        [b'n', b'o', b'v'] => 11,
        [b'd', b'e', b'c'] => 12,
        _ => return None,
    };
    Some(m)
}

/// Optional `.ffffff` or `,fff` fraction at `at`: (micros, bytes used).
pub fn fraction(s: &[u8], at: usize) -> (u32, usize) {
    match s.get(at) {
        Some(b'.') | Some(b',') => {}
        _ => return (0, 0),
    }
    let mut micros = 0u32;
    let mut n = 0;
    while let Some(d) = s.get(at + 1 + n).and_then(|b| digit(*b)) {
        if n < 6 {
            micros = micros * 10 + d;
        }
        n += 1;
    }
    if n == 0 {
        return (0, 0);
    }
    for _ in n..6 {
        micros *= 10;
    }
    (micros, n + 1)
}

/// `Z`, `+HH:MM`, `+HHMM`, `+HH` at `at`: (offset seconds, bytes used).
pub fn offset(s: &[u8], at: usize) -> Option<(i32, usize)> {
    match *s.get(at)? {
        b'Z' | b'z' => Some((0, 1)),
        sign @ (b'+' | b'-') => {
            let h = num2(s, at + 1)? as i32;
            let (m, used) = if s.get(at + 3) == Some(&b':') {
                (num2(s, at + 4)? as i32, 6)
            } else if let Some(m) = num2(s, at + 3) {
                (m as i32, 5)
            } else {
                (0, 3)
            };
            if h > 18 || m > 59 {
                return None;
            }
            let v = h * 3600 + m * 60;
            Some((if sign == b'-' { -v } else { v }, used))
        }
        _ => None,
    }
}

/// `Mmm dd hh:mm:ss[.ffffff]` (BSD syslog, journalctl short/short-precise).
/// The day may be space-padded. Returns the stamp and bytes used.
pub fn bsd(s: &[u8]) -> Option<(Stamp, usize)> {
    let month = month_abbr(s)?;
    if s.get(3) != Some(&b' ') {
        return None;
    }
    let (day, mut i) = if s.get(4) == Some(&b' ') {
        (digit(*s.get(5)?)? as u8, 6)
    } else if s.get(5).is_some_and(|b| b.is_ascii_digit()) {
        (num2(s, 4)?, 6)
    } else {
        (digit(*s.get(4)?)? as u8, 5)
    };
    if s.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let (hour, min, sec) = hms(s, i)?;
    i += 8;
    let (micros, used) = fraction(s, i);
    i += used;
    let st = Stamp {
        year: None,
        month,
        day,
        hour,
        min,
        sec,
        micros,
        offset: None,
        unix_us: None,
    };
    st.plausible().then_some((st, i))
}

/// `hh:mm:ss` at `at`.
pub fn hms(s: &[u8], at: usize) -> Option<(u8, u8, u8)> {
    if s.get(at + 2) != Some(&b':') || s.get(at + 5) != Some(&b':') {
        return None;
    }
    Some((num2(s, at)?, num2(s, at + 3)?, num2(s, at + 6)?))
}

/// `YYYY-MM-DD[T ]hh:mm:ss[.f][Z|±hh[:]mm]` (ISO 8601 / RFC 3339, rsyslog
/// high precision, journalctl short-iso). `sep` also accepts `/` dates
/// (`YYYY/MM/DD`, nginx error log). Returns the stamp and bytes used.
pub fn iso(s: &[u8]) -> Option<(Stamp, usize)> {
    let year = num4(s, 0)?;
    let dsep = *s.get(4)?;
    if (dsep != b'-' && dsep != b'/') || s.get(7) != Some(&dsep) {
        return None;
    }
    let month = num2(s, 5)?;
    let day = num2(s, 8)?;
    match s.get(10) {
        Some(b'T') | Some(b' ') => {}
        _ => return None,
    }
    let (hour, min, sec) = hms(s, 11)?;
    let mut i = 19;
    let (micros, used) = fraction(s, i);
    i += used;
    let mut off = None;
    if let Some((o, used)) = offset(s, i) {
        // A bare `-` after a date could be a separator in prose; require
        // digits, which `offset` already does.
        off = Some(o);
        i += used;
    } else if s.get(i) == Some(&b' ') && s.get(i + 1..i + 4) == Some(b"UTC") {
        off = Some(0);
        i += 4;
    }
    let st = Stamp {
        year: Some(year),
        month,
        day,
        hour,
        min,
        sec,
        micros,
        offset: off,
        unix_us: None,
    };
    st.plausible().then_some((st, i))
}

/// `dd/Mmm/yyyy:hh:mm:ss ±hhmm` (nginx/apache `$time_local`).
pub fn clf(s: &[u8]) -> Option<Stamp> {
    let day = num2(s, 0)?;
    if s.get(2) != Some(&b'/') || s.get(6) != Some(&b'/') || s.get(11) != Some(&b':') {
        return None;
    }
    let month = month_abbr(s.get(3..6)?)?;
    let year = num4(s, 7)?;
    let (hour, min, sec) = hms(s, 12)?;
    let mut i = 20;
    let (micros, used) = fraction(s, i);
    i += used;
    let off = if s.get(i) == Some(&b' ') {
        offset(s, i + 1).map(|(o, _)| o)
    } else {
        None
    };
    let st = Stamp {
        year: Some(year),
        month,
        day,
        hour,
        min,
        sec,
        micros,
        offset: off,
        unix_us: None,
    };
    st.plausible().then_some(st)
}

/// Seconds east of UTC for a zone abbreviation that is unambiguous enough
/// to trust (journalctl short-full, `date` output). Others return `None`
/// and the bundle's zone applies.
pub fn zone_abbr(s: &[u8]) -> Option<i32> {
    Some(match s {
        b"UTC" | b"GMT" | b"Z" => 0,
        b"CET" => 3600,
        b"CEST" => 7200,
        b"EET" => 7200,
        b"EEST" => 10800,
        b"WET" => 0,
        b"WEST" => 3600,
        b"BST" => 3600,
        b"EST" => -5 * 3600,
        b"EDT" => -4 * 3600,
        b"CDT" => -5 * 3600,
        b"MST" => -7 * 3600,
        b"MDT" => -6 * 3600,
        b"PST" => -8 * 3600,
        b"PDT" => -7 * 3600,
        b"JST" => 9 * 3600,
        b"KST" => 9 * 3600,
        b"AEST" => 10 * 3600,
        b"AEDT" => 11 * 3600,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_matches_chrono() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 8, 6),
            (1969, 12, 31),
            (2100, 3, 1),
        ] {
            let c = chrono::NaiveDate::from_ymd_opt(y, m as u32, d as u32).unwrap();
            let days =
                c.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap());
            assert_eq!(days_from_civil(y, m, d), Some(days.num_days()));
        }
        assert_eq!(days_from_civil(2023, 2, 29), None);
        assert_eq!(days_from_civil(2024, 2, 30), None);
        assert_eq!(civil_seconds(2024, 1, 1, 25, 61, 61), None);
    }

    #[test]
    fn bsd_forms() {
        let (s, n) = bsd(b"Aug  6 14:02:31 web1 sshd[1]: x").unwrap();
        assert_eq!(
            (s.month, s.day, s.hour, s.min, s.sec, n),
            (8, 6, 14, 2, 31, 15)
        );
        let (s, n) = bsd(b"Aug 16 14:02:31.123456 web1").unwrap();
        assert_eq!((s.day, s.micros, n), (16, 123456, 22));
        assert!(bsd(b"Foo 16 14:02:31 x").is_none());
        assert!(bsd(b"Aug 16 25:02:31 x").is_none());
    }

    #[test]
    fn iso_forms() {
        let (s, _) = iso(b"2024-08-06T14:02:31.123456+02:00 web1").unwrap();
        assert_eq!(
            (s.year, s.micros, s.offset),
            (Some(2024), 123456, Some(7200))
        );
        let (s, _) = iso(b"2024-08-06T14:02:31+0530 x").unwrap();
        assert_eq!(s.offset, Some(5 * 3600 + 1800));
        let (s, n) = iso(b"2024/08/06 14:02:31 [error]").unwrap();
        assert_eq!((s.offset, n), (None, 19));
        let (s, _) = iso(b"2024-08-06 14:02:31,001 fail2ban").unwrap();
        assert_eq!(s.micros, 1000);
        assert!(iso(b"9999-99-99T99:99:99Z").is_none());
    }

    #[test]
    fn clf_form() {
        let s = clf(b"06/Aug/2024:14:02:31 +0200]").unwrap();
        assert_eq!((s.year, s.month, s.offset), (Some(2024), 8, Some(7200)));
    }
}
