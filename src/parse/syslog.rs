//! The syslog frame: one parser for every "stamp host tag[pid]: message"
//! layout a Linux host writes —
//!
//! - BSD / RFC 3164, year-less: `[<PRI>]Mmm dd hh:mm:ss [host] tag[pid]: msg`
//!   (also FreeBSD `-v` `<4.6>`/`<auth.info>` after the stamp, and the
//!   host-less form some daemons write);
//! - rsyslog high precision / RFC 3339: `2024-08-06T14:02:31.123456+02:00 host tag: msg`;
//! - journalctl `-o short`, `short-precise` (BSD stamp with `.ffffff`),
//!   `short-iso` (`+0200` offset), `short-full` (`Tue 2024-08-06 14:02:31 CEST`);
//! - RFC 5424: `<PRI>1 2024-08-06T14:02:31Z host app procid msgid [sd] msg`;
//! - journalctl `-o short-unix`: `1681160401.215990 host tag[pid]: msg`.
//!
//! Frames borrow from the line; nothing is allocated here.

use super::stamp::{self, Stamp};
use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::digit1;
use nom::sequence::delimited;

/// A syslog line split into its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame<'a> {
    pub stamp: Stamp,
    pub host: Option<&'a [u8]>,
    pub program: Option<&'a [u8]>,
    pub pid: Option<u32>,
    pub message: &'a [u8],
}

/// What a journalctl text export says between records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `-- Boot <id> --` or `-- Reboot --`: the next record starts a boot.
    Boot,
    /// `-- Logs begin at ... --`, `-- No entries --` and similar.
    Other,
}

pub fn marker(line: &[u8]) -> Option<Marker> {
    if !line.starts_with(b"-- ") {
        return None;
    }
    if line.starts_with(b"-- Boot ") || line.starts_with(b"-- Reboot --") {
        Some(Marker::Boot)
    } else {
        Some(Marker::Other)
    }
}

/// `<PRI>`: the RFC 3164 priority prefix, at most 191 (facility 23,
/// severity 7); anything larger is not a priority.
fn pri(i: &[u8]) -> IResult<&[u8], &[u8]> {
    let (r, d) = delimited(tag(&b"<"[..]), digit1, tag(&b">"[..])).parse(i)?;
    if d.len() > 3
        || std::str::from_utf8(d)
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
            .is_none_or(|p| p > 191)
    {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((r, d))
}

/// `<4.6>` or `<auth.info>` after the stamp (FreeBSD `syslogd -v`).
fn bsd_verbose_pri(i: &[u8]) -> IResult<&[u8], &[u8]> {
    delimited(
        tag(&b"<"[..]),
        take_while1(|c: u8| c.is_ascii_alphanumeric() || c == b'.'),
        tag(&b"> "[..]),
    )
    .parse(i)
}

/// Parse one line. `None` when the line has no recognisable stamp.
pub fn parse(line: &[u8]) -> Option<Frame<'_>> {
    let mut rest = line;
    if let Ok((r, _)) = pri(rest) {
        rest = r;
        // RFC 5424: `<PRI>VERSION SP TIMESTAMP ...`
        if rest.first().is_some_and(|b| b.is_ascii_digit()) && rest.get(1) == Some(&b' ') {
            return rfc5424(&rest[2..]);
        }
    }
    let (st, used) = stamp_any(rest)?;
    rest = &rest[used..];
    // `Nov 18 01:15:43: --- last message repeated 5 times ---` (sysklogd).
    if let Some(r) = rest.strip_prefix(b":") {
        rest = r;
    }
    rest = rest.strip_prefix(b" ")?;
    while let Some(r) = rest.strip_prefix(b" ") {
        rest = r;
    }
    if let Ok((r, _)) = bsd_verbose_pri(rest) {
        rest = r;
    }
    Some(header(st, rest))
}

/// Any of the stamps a syslog-ish line starts with.
fn stamp_any(s: &[u8]) -> Option<(Stamp, usize)> {
    if let Some(r) = stamp::bsd(s) {
        return Some(r);
    }
    if let Some(r) = stamp::iso(s) {
        // `2024-08-06 14:02:31,001` is Python logging (fail2ban.log), whose
        // next token is a logger, not a host: leave it to its grammar.
        if s.get(19) == Some(&b',') {
            return None;
        }
        return Some(r);
    }
    short_full(s).or_else(|| epoch(s))
}

/// `1681160401.215990` (journalctl `-o short-unix`): seconds since the
/// epoch, UTC, with an optional fraction. Nine or ten digits, so only
/// 2001-09-09 .. 2286 qualify and a bare number in prose does not.
fn epoch(s: &[u8]) -> Option<(Stamp, usize)> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(9..=10).contains(&n) || s.get(n).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let secs: i64 = std::str::from_utf8(&s[..n]).ok()?.parse().ok()?;
    let (micros, used) = stamp::fraction(s, n);
    if used == 0 && s.get(n) == Some(&b'.') {
        return None;
    }
    Some((
        Stamp::from_unix_us(secs * 1_000_000 + micros as i64),
        n + used,
    ))
}

/// `Tue 2024-08-06 14:02:31 CEST` (journalctl `-o short-full`).
fn short_full(s: &[u8]) -> Option<(Stamp, usize)> {
    if s.get(3) != Some(&b' ') || !s[..3].iter().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let (mut st, used) = stamp::iso(&s[4..])?;
    let mut i = 4 + used;
    if st.offset.is_none() && s.get(i) == Some(&b' ') {
        let z = &s[i + 1..];
        let n = z.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if n > 0 {
            st.offset = stamp::zone_abbr(&z[..n]);
            i += 1 + n;
        }
    }
    Some((st, i))
}

/// After the stamp: `[host ]tag[pid]: message`.
fn header(st: Stamp, rest: &[u8]) -> Frame<'_> {
    let (first, after_first) = split_token(rest);
    // `last message repeated N times` / `message repeated N times: [...]`
    // has a host but no tag.
    if first.is_empty() {
        return Frame {
            stamp: st,
            host: None,
            program: None,
            pid: None,
            message: rest,
        };
    }
    if let Some(f) = bracketed_tag(st, first, after_first) {
        return f;
    }
    if let Some((prog, pid, msg)) = tag_of(rest) {
        // Host-less: the first token is already the tag.
        if !looks_like_host(first) || first.ends_with(b":") || first.contains(&b'[') {
            return Frame {
                stamp: st,
                host: None,
                program: Some(prog),
                pid,
                message: msg,
            };
        }
    }
    let host = Some(first);
    match tag_of(after_first) {
        Some((prog, pid, msg)) => Frame {
            stamp: st,
            host,
            program: Some(prog),
            pid,
            message: msg,
        },
        None => Frame {
            stamp: st,
            host,
            program: None,
            pid: None,
            message: after_first,
        },
    }
}

/// `[sshd]: msg` or `[sshd] msg`: a tag in brackets and no host (some
/// BSD and embedded syslog daemons).
fn bracketed_tag<'a>(st: Stamp, first: &'a [u8], after: &'a [u8]) -> Option<Frame<'a>> {
    let inner = first.strip_prefix(b"[")?;
    let inner = inner
        .strip_suffix(b":")
        .unwrap_or(inner)
        .strip_suffix(b"]")?;
    if inner.is_empty()
        || !inner
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/'))
    {
        return None;
    }
    Some(Frame {
        stamp: st,
        host: None,
        program: Some(inner),
        pid: None,
        message: after,
    })
}

fn split_token(s: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memchr(b' ', s) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &[]),
    }
}

fn looks_like_host(t: &[u8]) -> bool {
    !t.is_empty()
        && t.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_' | b':' | b'%'))
}

/// `tag[pid]: message` or `tag: message`. The tag may hold `/`, `.`, `-`,
/// `@` (systemd template units, `postfix/smtpd`).
fn tag_of(s: &[u8]) -> Option<(&[u8], Option<u32>, &[u8])> {
    let (r, prog) = take_while1::<_, _, nom::error::Error<&[u8]>>(|c: u8| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/' | b'@' | b'(' | b')')
    })(s)
    .ok()?;
    let (r, pid) = if let Some(r2) = r.strip_prefix(b"[") {
        let (r3, digits) =
            take_while::<_, _, nom::error::Error<&[u8]>>(|c: u8| c.is_ascii_digit())(r2).ok()?;
        let r3 = r3.strip_prefix(b"]")?;
        (
            r3,
            std::str::from_utf8(digits)
                .ok()
                .and_then(|d| d.parse().ok()),
        )
    } else {
        (r, None)
    };
    let r = r.strip_prefix(b":")?;
    let r = r.strip_prefix(b" ").unwrap_or(r);
    Some((prog, pid, r))
}

/// RFC 5424 after `<PRI>1 `: `TIMESTAMP HOST APP PROCID MSGID SD MSG`.
fn rfc5424(s: &[u8]) -> Option<Frame<'_>> {
    let (ts, r) = split_token(s);
    let st = if ts == b"-" {
        return None;
    } else {
        stamp::iso(ts)?.0
    };
    let (host, r) = split_token(r);
    let (app, r) = split_token(r);
    let (procid, r) = split_token(r);
    let (_msgid, r) = split_token(r);
    let r = skip_structured_data(r);
    let nil = |t: &[u8]| t != b"-";
    let msg = r.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(r);
    Some(Frame {
        stamp: st,
        host: Some(host).filter(|t| nil(t)),
        program: Some(app).filter(|t| nil(t)),
        pid: std::str::from_utf8(procid)
            .ok()
            .and_then(|p| p.parse().ok()),
        message: msg,
    })
}

fn skip_structured_data(s: &[u8]) -> &[u8] {
    if let Some(r) = s.strip_prefix(b"- ") {
        return r;
    }
    if s == b"-" {
        return &[];
    }
    let mut i = 0;
    while s.get(i) == Some(&b'[') {
        // Inside SD, `]` may be escaped as `\]` within quoted values.
        let mut in_quote = false;
        i += 1;
        while let Some(&c) = s.get(i) {
            match c {
                b'\\' => i += 1,
                b'"' => in_quote = !in_quote,
                b']' if !in_quote => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    let r = s.get(i..).unwrap_or(&[]);
    r.strip_prefix(b" ").unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Frame<'_> {
        parse(s.as_bytes()).unwrap_or_else(|| panic!("no frame: {s}"))
    }

    #[test]
    fn bsd_with_host() {
        let f = p("Aug  6 14:02:31 web1 sshd[812]: Accepted publickey for ops");
        assert_eq!(f.host, Some(&b"web1"[..]));
        assert_eq!(f.program, Some(&b"sshd"[..]));
        assert_eq!(f.pid, Some(812));
        assert_eq!(f.message, b"Accepted publickey for ops");
    }

    #[test]
    fn bsd_priority_and_no_host() {
        let f = p("<38>Aug  6 14:02:31 sshd[812]: hello");
        assert_eq!(f.host, None);
        assert_eq!(f.program, Some(&b"sshd"[..]));
        let f = p("Apr  2 17:51:32 <4.6> pancake sshd[55628]: Invalid user r00t from 192.0.2.100");
        assert_eq!(f.host, Some(&b"pancake"[..]));
        assert_eq!(f.message, b"Invalid user r00t from 192.0.2.100");
    }

    #[test]
    fn repeated_and_kernel() {
        let f = p("Aug  6 14:02:31 web1 last message repeated 3 times");
        assert_eq!(f.program, None);
        assert_eq!(f.message, b"last message repeated 3 times");
        let f = p("Aug  6 14:02:31 web1 kernel: [ 12.345] [UFW BLOCK] IN=eth0");
        assert_eq!(f.program, Some(&b"kernel"[..]));
        assert_eq!(f.pid, None);
    }

    #[test]
    fn iso_and_short_full() {
        let f = p("2024-08-06T14:02:31.123456+02:00 web1 systemd[1]: Started nginx.service.");
        assert_eq!(f.stamp.offset, Some(7200));
        assert_eq!(f.program, Some(&b"systemd"[..]));
        let f = p("Tue 2024-08-06 14:02:31 CEST web1 firewalld[700]: x");
        assert_eq!(f.stamp.offset, Some(7200));
        assert_eq!(f.host, Some(&b"web1"[..]));
        let f = p("Aug 06 14:02:31.000123 web1 postfix/smtpd[9]: connect");
        assert_eq!(f.stamp.micros, 123);
        assert_eq!(f.program, Some(&b"postfix/smtpd"[..]));
    }

    #[test]
    fn rfc5424_form() {
        let f = p(
            r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App\]"] An application event"#,
        );
        assert_eq!(f.host, Some(&b"mymachine.example.com"[..]));
        assert_eq!(f.program, Some(&b"evntslog"[..]));
        assert_eq!(f.pid, None);
        assert_eq!(f.message, b"An application event");
    }

    #[test]
    fn bracketed_tag_and_python_stamp() {
        let f = p("Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed");
        assert_eq!((f.host, f.program), (None, Some(&b"sshd"[..])));
        assert!(f.message.starts_with(b"User root"));
        let f = p("Jun 25 23:53:34 [sshd] User root from 1.2.3.4");
        assert_eq!(f.program, Some(&b"sshd"[..]));
        assert!(
            parse(b"2006-02-13 15:52:30,388 fail2ban.actions: NOTICE [x] Ban 1.2.3.4").is_none()
        );
    }

    #[test]
    fn short_unix() {
        let f = p("1681160401.215990 drano systemd[1]: Stopping User Manager for UID 987...");
        assert_eq!(f.stamp.unix_us, Some(1_681_160_401_215_990));
        assert_eq!(
            (f.host, f.program),
            (Some(&b"drano"[..]), Some(&b"systemd"[..]))
        );
        assert!(parse(b"12345 apples").is_none());
    }

    #[test]
    fn markers() {
        assert_eq!(marker(b"-- Boot 3f2a --"), Some(Marker::Boot));
        assert_eq!(marker(b"-- Reboot --"), Some(Marker::Boot));
        assert_eq!(
            marker(b"-- Logs begin at Mon 2024-08-05 --"),
            Some(Marker::Other)
        );
        assert!(parse(b"garbage without stamp").is_none());
    }
}
