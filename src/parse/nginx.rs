//! nginx frames: access lines in any `log_format` (the predefined
//! `combined`, the common `main` with `$http_x_forwarded_for`, a leading
//! `$host` vhost, or a custom format read from the bundle's config, all
//! compiled to the same token matcher) and error-log lines
//! (`YYYY/MM/DD hh:mm:ss [level] pid#tid: *cid msg, client: …`).

use super::stamp::{self, Stamp};

/// One piece of a compiled `log_format`.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(Vec<u8>),
    Var(Var),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Var {
    RemoteAddr,
    RemoteUser,
    TimeLocal,
    TimeIso,
    Request,
    Status,
    Bytes,
    Referer,
    UserAgent,
    ForwardedFor,
    Host,
    RequestTime,
    UpstreamAddr,
    Method,
    Uri,
    ServerPort,
    Other,
}

fn var_of(name: &str) -> Var {
    match name {
        "remote_addr" | "binary_remote_addr" => Var::RemoteAddr,
        "remote_user" => Var::RemoteUser,
        "time_local" => Var::TimeLocal,
        "time_iso8601" => Var::TimeIso,
        "request" => Var::Request,
        "status" => Var::Status,
        "body_bytes_sent" | "bytes_sent" => Var::Bytes,
        "http_referer" => Var::Referer,
        "http_user_agent" => Var::UserAgent,
        "http_x_forwarded_for" | "proxy_add_x_forwarded_for" => Var::ForwardedFor,
        "host" | "server_name" | "http_host" => Var::Host,
        "request_time" => Var::RequestTime,
        "upstream_addr" => Var::UpstreamAddr,
        "request_method" => Var::Method,
        "request_uri" | "uri" => Var::Uri,
        "server_port" => Var::ServerPort,
        _ => Var::Other,
    }
}

/// A compiled `log_format`.
#[derive(Clone, Debug)]
pub struct LogFormat {
    pub name: String,
    toks: Vec<Tok>,
}

pub const COMBINED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;
pub const MAIN: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#;
pub const VHOST_COMBINED: &str = r#"$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;
pub const COMMON: &str =
    r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent"#;

impl LogFormat {
    /// Compile an nginx `log_format` string (already joined from its quoted
    /// pieces). Variables are `$name` or `${name}`.
    pub fn compile(name: &str, fmt: &str) -> LogFormat {
        let b = fmt.as_bytes();
        let mut toks = Vec::new();
        let mut lit = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' {
                let (var, used) = if b.get(i + 1) == Some(&b'{') {
                    let end = b[i + 2..]
                        .iter()
                        .position(|&c| c == b'}')
                        .map(|p| i + 2 + p);
                    match end {
                        Some(e) => (&fmt[i + 2..e], e + 1 - i),
                        None => ("", 1),
                    }
                } else {
                    let n = b[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                        .count();
                    (&fmt[i + 1..i + 1 + n], n + 1)
                };
                if var.is_empty() {
                    lit.push(b'$');
                    i += 1;
                    continue;
                }
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                toks.push(Tok::Var(var_of(var)));
                i += used;
            } else {
                lit.push(b[i]);
                i += 1;
            }
        }
        if !lit.is_empty() {
            toks.push(Tok::Lit(lit));
        }
        LogFormat {
            name: name.to_string(),
            toks,
        }
    }

    /// The predefined formats tried when the bundle has no config, most
    /// specific first.
    pub fn builtin() -> Vec<LogFormat> {
        vec![
            LogFormat::compile("main", MAIN),
            LogFormat::compile("combined", COMBINED),
            LogFormat::compile("vhost_combined", VHOST_COMBINED),
            LogFormat::compile("common", COMMON),
        ]
    }

    /// Match a line. Variables run up to the next literal; inside quotes a
    /// value may itself hold the literal, so the quote-closing literal is
    /// searched from the right-most plausible place (`"` followed by the
    /// rest of the literal).
    pub fn parse<'a>(&self, line: &'a [u8]) -> Option<Access<'a>> {
        let mut a = Access::default();
        let mut pos = 0usize;
        let n = self.toks.len();
        let mut k = 0;
        while k < n {
            match &self.toks[k] {
                Tok::Lit(l) => {
                    if !line.get(pos..)?.starts_with(l) {
                        return None;
                    }
                    pos += l.len();
                }
                Tok::Var(v) => {
                    let end = match self.toks.get(k + 1) {
                        None => line.len(),
                        Some(Tok::Lit(next)) => {
                            let quoted =
                                pos > 0 && line[pos - 1] == b'"' && next.first() == Some(&b'"');
                            find_end(&line[pos..], next, quoted)? + pos
                        }
                        // Two variables in a row: split at a space.
                        Some(Tok::Var(_)) => memchr::memchr(b' ', &line[pos..]).map(|p| p + pos)?,
                    };
                    let val = &line[pos..end];
                    if !a.set(*v, val) {
                        return None;
                    }
                    pos = end;
                }
            }
            k += 1;
        }
        // Trailing fields the format does not name (a format extended by a
        // later config) are tolerated.
        a.stamp.as_ref()?;
        Some(a)
    }
}

/// End of a variable's value before literal `next`.
fn find_end(s: &[u8], next: &[u8], quoted: bool) -> Option<usize> {
    if !quoted {
        return find_lit(s, next);
    }
    // A quoted value ends at a `"` that is followed by the rest of the
    // literal; nginx escapes `"` inside values as `\x22`, but other writers
    // do not, so skip backslash-escaped quotes and prefer the first real
    // boundary.
    let mut from = 0;
    while let Some(p) = find_lit(&s[from..], next) {
        let at = from + p;
        if at > 0 && s[at - 1] == b'\\' {
            from = at + 1;
            continue;
        }
        return Some(at);
    }
    None
}

/// `memmem::find` for the short literals between variables: building a
/// searcher per call cost more than the search (6 % of `analyze`).
fn find_lit(s: &[u8], lit: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = lit.split_first() else {
        return Some(0);
    };
    memchr::memchr_iter(first, s).find(|&p| s[p + 1..].starts_with(rest))
}

/// An access line's fields, borrowed from the line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Access<'a> {
    pub stamp: Option<Stamp>,
    pub remote: &'a [u8],
    pub user: Option<&'a [u8]>,
    pub method: Option<&'a [u8]>,
    pub path: Option<&'a [u8]>,
    pub request: &'a [u8],
    pub status: Option<u16>,
    pub bytes: Option<u64>,
    pub referer: Option<&'a [u8]>,
    pub user_agent: Option<&'a [u8]>,
    pub forwarded_for: Option<&'a [u8]>,
    pub vhost: Option<&'a [u8]>,
    pub request_time: Option<f64>,
    pub upstream: Option<&'a [u8]>,
    pub server_port: Option<u16>,
}

/// An address, a proxy list (`a, b, c`, or space-separated as some
/// `$http_x_forwarded_for $remote_addr` formats print it), or a quoted list
/// followed by an address; never free text (which would mean another
/// format matches).
fn plausible_remote(v: &[u8]) -> bool {
    let rest = match v.strip_prefix(b"\"") {
        Some(r) => match memchr::memchr(b'"', r) {
            Some(q) => r[q + 1..].strip_prefix(b" ").unwrap_or(&r[q + 1..]),
            None => return false,
        },
        None => v,
    };
    if rest.is_empty() {
        return false;
    }
    let spaced = rest
        .iter()
        .enumerate()
        .any(|(i, &c)| c == b' ' && (i == 0 || rest[i - 1] != b','));
    // A space not after a comma is allowed only between address tokens.
    !spaced
        || rest
            .split(|&c| c == b' ')
            .filter(|t| !t.is_empty())
            .all(|t| {
                t.iter()
                    .all(|c| c.is_ascii_hexdigit() || matches!(c, b'.' | b':' | b','))
            })
}

fn dash(v: &[u8]) -> Option<&[u8]> {
    (!v.is_empty() && v != b"-").then_some(v)
}

fn num<T: std::str::FromStr>(v: &[u8]) -> Option<T> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

impl<'a> Access<'a> {
    fn set(&mut self, v: Var, val: &'a [u8]) -> bool {
        match v {
            Var::RemoteAddr => {
                if !plausible_remote(val) {
                    return false;
                }
                self.remote = val;
            }
            Var::RemoteUser => self.user = dash(val),
            Var::TimeLocal => match stamp::clf(val) {
                Some(s) => self.stamp = Some(s),
                None => return false,
            },
            Var::TimeIso => match stamp::iso(val) {
                Some((s, _)) => self.stamp = Some(s),
                None => return false,
            },
            Var::Request => {
                self.request = val;
                let mut parts = val.splitn(3, |&c| c == b' ');
                let m = parts
                    .next()
                    .filter(|m| !m.is_empty() && m.iter().all(|c| c.is_ascii_uppercase()));
                if let Some(m) = m {
                    self.method = Some(m);
                    self.path = parts.next().filter(|p| !p.is_empty());
                }
            }
            Var::Status => match num(val) {
                Some(s) => self.status = Some(s),
                None => return false,
            },
            Var::Bytes => self.bytes = num(val),
            Var::Referer => self.referer = dash(val),
            Var::UserAgent => self.user_agent = dash(val),
            Var::ForwardedFor => self.forwarded_for = dash(val),
            Var::Host => self.vhost = dash(val),
            Var::RequestTime => self.request_time = num(val),
            Var::UpstreamAddr => self.upstream = dash(val),
            Var::Method => self.method = dash(val),
            Var::Uri => self.path = dash(val),
            Var::ServerPort => self.server_port = num(val),
            Var::Other => {}
        }
        true
    }

    /// The client address. From a proxy list (`a, b, c`) the first public
    /// address, else the first: private and loopback entries are inner
    /// hops (filebeat's nginx pipeline reads lists the same way).
    pub fn client(&self) -> &'a [u8] {
        let list = self.remote.strip_prefix(b"\"").unwrap_or(self.remote);
        let mut first: Option<&'a [u8]> = None;
        for t in list.split(|&c| c == b',' || c == b' ' || c == b'"') {
            let t = trim(t);
            if t.is_empty() {
                continue;
            }
            first.get_or_insert(t);
            let public = std::str::from_utf8(t)
                .ok()
                .and_then(|s| s.parse::<std::net::IpAddr>().ok())
                .is_some_and(|ip| match ip {
                    std::net::IpAddr::V4(a) => {
                        !(a.is_private()
                            || a.is_loopback()
                            || a.is_link_local()
                            || a.is_unspecified())
                    }
                    std::net::IpAddr::V6(a) => {
                        !(a.is_loopback()
                            || a.is_unspecified()
                            || (a.segments()[0] & 0xfe00) == 0xfc00
                            || (a.segments()[0] & 0xffc0) == 0xfe80)
                    }
                });
            if public {
                return t;
            }
        }
        first.unwrap_or(self.remote)
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let a = s
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(s.len());
    let b = s
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(a, |p| p + 1);
    &s[a..b]
}

/// `log_format NAME '...' '...';` directives in an nginx config text
/// (a file of `etc/nginx/**` or `nginx -T` output).
pub fn log_formats_in_config(text: &str) -> Vec<LogFormat> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(p) = rest.find("log_format") {
        let before_ok = p == 0
            || rest.as_bytes()[p - 1].is_ascii_whitespace()
            || rest.as_bytes()[p - 1] == b';';
        let after = &rest[p + "log_format".len()..];
        rest = after;
        if !before_ok || !after.starts_with(|c: char| c.is_whitespace()) {
            continue;
        }
        let Some(end) = after.find(';') else { break };
        let body = after[..end].trim();
        let mut parts = body.splitn(2, char::is_whitespace);
        let Some(name) = parts.next() else { continue };
        let mut fmt = String::new();
        let mut rest_body = parts.next().unwrap_or("").trim();
        if rest_body.starts_with("escape=") {
            rest_body = rest_body
                .split_once(char::is_whitespace)
                .map(|x| x.1)
                .unwrap_or("")
                .trim();
        }
        // Concatenate the quoted pieces; a bare unquoted format is allowed.
        let bytes = rest_body.as_bytes();
        let mut i = 0;
        let mut any_quoted = false;
        while i < bytes.len() {
            let q = bytes[i];
            if q == b'\'' || q == b'"' {
                any_quoted = true;
                if let Some(close) = rest_body[i + 1..].find(q as char) {
                    fmt.push_str(&rest_body[i + 1..i + 1 + close]);
                    i += close + 2;
                    continue;
                }
                break;
            }
            i += 1;
        }
        if !any_quoted {
            fmt = rest_body.to_string();
        }
        if !fmt.is_empty() {
            out.push(LogFormat::compile(name, &fmt));
        }
        rest = &after[end..];
    }
    out
}

/// An error-log line split into its parts.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorLine<'a> {
    pub stamp: Stamp,
    pub level: &'a [u8],
    pub pid: Option<u32>,
    pub message: &'a [u8],
    pub client: Option<&'a [u8]>,
    pub server: Option<&'a [u8]>,
    pub request: Option<&'a [u8]>,
    pub upstream: Option<&'a [u8]>,
    pub host: Option<&'a [u8]>,
}

/// `2024/08/06 14:02:31 [error] 812#812: *1 msg, client: …, server: …`
pub fn error_line(line: &[u8]) -> Option<ErrorLine<'_>> {
    let (st, used) = stamp::iso(line)?;
    if line.get(4) != Some(&b'/') {
        return None;
    }
    let r = line.get(used..)?.strip_prefix(b" [")?;
    let close = memchr::memchr(b']', r)?;
    let level = &r[..close];
    let r = r.get(close + 1..)?.strip_prefix(b" ")?;
    let hash = memchr::memchr(b'#', r)?;
    let pid = num(&r[..hash]);
    let colon = memchr::memmem::find(r, b": ")?;
    let message = &r[colon + 2..];
    let mut e = ErrorLine {
        stamp: st,
        level,
        pid,
        message,
        client: None,
        server: None,
        request: None,
        upstream: None,
        host: None,
    };
    e.client = client_of(message);
    e.server = kv(message, b", server: ");
    e.request = kv(message, b", request: ");
    e.upstream = kv(message, b", upstream: ");
    e.host = kv(message, b", host: ");
    Some(e)
}

/// The `client:` nginx appends. The text before it may hold client-sent
/// strings (a user name with `, client: ` in it, fail2ban's injection
/// tests), so the last `, client: ADDR, server: ` wins.
fn client_of(msg: &[u8]) -> Option<&[u8]> {
    let key = b", client: ";
    let mut best = None;
    for p in memchr::memmem::find_iter(msg, key) {
        let v = &msg[p + key.len()..];
        let end = memchr::memchr(b',', v).unwrap_or(v.len());
        let addr = &v[..end];
        let plausible = !addr.is_empty()
            && addr.iter().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, b'.' | b':' | b'-' | b'_' | b'%' | b'[' | b']')
            });
        if plausible && (v[end..].starts_with(b", server: ") || end == v.len()) {
            best = Some(addr);
        }
    }
    best.or_else(|| kv(msg, key))
}

fn kv<'a>(msg: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let p = memchr::memmem::find(msg, key)?;
    let v = &msg[p + key.len()..];
    if let Some(q) = v.strip_prefix(b"\"") {
        let end = memchr::memchr(b'"', q)?;
        return dash(&q[..end]);
    }
    let end = memchr::memchr(b',', v).unwrap_or(v.len());
    dash(&v[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_line() {
        let f = LogFormat::compile("combined", COMBINED);
        let l = br#"203.0.113.9 - alice [06/Aug/2024:14:02:31 +0200] "GET /a?b=1 HTTP/1.1" 502 157 "-" "curl/8.0 \"x\"""#;
        let a = f.parse(l).unwrap();
        assert_eq!(a.client(), b"203.0.113.9");
        assert_eq!(a.user, Some(&b"alice"[..]));
        assert_eq!(a.method, Some(&b"GET"[..]));
        assert_eq!(a.path, Some(&b"/a?b=1"[..]));
        assert_eq!(a.status, Some(502));
        assert_eq!(a.bytes, Some(157));
        assert_eq!(a.user_agent, Some(&br#"curl/8.0 \"x\""#[..]));
        assert_eq!(a.stamp.unwrap().offset, Some(7200));
    }

    #[test]
    fn forwarded_list_and_vhost() {
        let f = LogFormat::compile("combined", COMBINED);
        let a = f
            .parse(br#"10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla""#)
            .unwrap();
        assert_eq!(a.client(), b"10.0.0.2");
        let v = LogFormat::compile("v", VHOST_COMBINED);
        let a = v
            .parse(br#"shop.example 198.51.100.4 - - [07/Dec/2016:11:05:07 +0100] "GET / HTTP/1.1" 200 5 "-" "x""#)
            .unwrap();
        assert_eq!(a.vhost, Some(&b"shop.example"[..]));
        assert!(f.parse(b"not an access line").is_none());
    }

    #[test]
    fn custom_format_from_config() {
        let conf = r#"http {
    log_format timed '$remote_addr - $remote_user [$time_local] "$request" '
                     '$status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time ua="$upstream_addr"';
    access_log /var/log/nginx/access.log timed;
}"#;
        let fs = log_formats_in_config(conf);
        assert_eq!(fs.len(), 1);
        let a = fs[0]
            .parse(br#"1.2.3.4 - - [06/Aug/2024:14:02:31 +0000] "POST /api HTTP/2.0" 200 10 "-" "x" rt=0.012 ua="127.0.0.1:8080""#)
            .unwrap();
        assert_eq!(a.request_time, Some(0.012));
        assert_eq!(a.upstream, Some(&b"127.0.0.1:8080"[..]));
    }

    #[test]
    fn error_log_line() {
        let l = br#"2024/08/06 14:05:01 [error] 812#812: *31 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: shop.example, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8080/", host: "shop.example""#;
        let e = error_line(l).unwrap();
        assert_eq!(e.level, b"error");
        assert_eq!(e.pid, Some(812));
        assert_eq!(e.client, Some(&b"203.0.113.9"[..]));
        assert_eq!(e.upstream, Some(&b"http://127.0.0.1:8080/"[..]));
        assert!(e.message.starts_with(b"*31 connect()"));
    }
}
