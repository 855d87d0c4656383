//! Configuration facts: nginx (`etc/nginx/**` members and `nginx -T` dumps,
//! following `include` within the bundle), sshd (`sshd_config`, `sshd -T`),
//! `etc/hosts`, `etc/resolv.conf`, `ip addr` and `ip route`.
//!
//! nginx is read as nginx reads it: from `nginx.conf` (or the first file of
//! a `-T` dump), splicing included files in place, so a `listen` knows its
//! `server` block. Members no include reaches are read on their own only
//! when they sit where nginx would load them (`conf.d/`, `sites-enabled/`)
//! and the bundle has no `nginx.conf`; otherwise they are reported as not
//! in force.

use super::{Address, Bundle, ConfigItem, HostEntry, ResolvEntry, Route, State, src, warn};
use globset::GlobBuilder;
use std::collections::BTreeSet;
use std::sync::Arc;

// ---------------------------------------------------------------- nginx

/// One nginx file: a bundle member, or one file of a `nginx -T` dump.
struct NFile {
    /// Bundle member it was read from (the dump, for `-T`).
    member: Arc<str>,
    /// Path on the host (`/etc/nginx/nginx.conf`).
    host_path: String,
    text: String,
    /// Line in `member` of this file's first line, less one.
    line_offset: usize,
    /// Virtual files of one `-T` dump share a group; includes resolve
    /// within the group first.
    group: usize,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
}

/// nginx's lexer: words, quoted strings, `;`, `{`, `}`, `#` comments.
fn tokens(text: &str) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            ';' => out.push((Tok::Semi, line)),
            '{' => out.push((Tok::Open, line)),
            '}' => out.push((Tok::Close, line)),
            '"' | '\'' => {
                let start = line;
                let mut w = String::new();
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                w.push(e);
                            }
                        }
                        d if d == c => break,
                        '\n' => {
                            line += 1;
                            w.push(d);
                        }
                        d => w.push(d),
                    }
                }
                out.push((Tok::Word(w), start));
            }
            c => {
                let mut w = String::from(c);
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || matches!(d, ';' | '{' | '}') {
                        break;
                    }
                    w.push(d);
                    chars.next();
                }
                out.push((Tok::Word(w), line));
            }
        }
    }
    out
}

/// Host path of a bundle member: from `etc/` on.
fn host_path_of(member: &str) -> String {
    match member.find("etc/nginx/") {
        Some(i) => format!("/{}", &member[i..]),
        None => format!("/{}", member.trim_start_matches('/')),
    }
}

/// Split a `nginx -T` dump at its `# configuration file X:` markers.
fn split_dump(member: &Arc<str>, text: &str, group: usize) -> Vec<NFile> {
    let mut out: Vec<NFile> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("# configuration file ") {
            if let Some(path) = rest.trim_end().strip_suffix(':') {
                out.push(NFile {
                    member: member.clone(),
                    host_path: path.to_string(),
                    text: String::new(),
                    line_offset: i + 1,
                    group,
                });
                continue;
            }
        }
        if let Some(f) = out.last_mut() {
            f.text.push_str(line);
            f.text.push('\n');
        }
    }
    out
}

struct Walk<'s> {
    st: &'s mut State,
    files: &'s [NFile],
    /// Open blocks, innermost last: (name, first arg).
    stack: Vec<(String, String)>,
    /// Per open `server` block: index of its first config item, whether it
    /// had a `listen`, and where it opened.
    servers: Vec<(usize, bool, Arc<str>, usize)>,
    reached: BTreeSet<usize>,
    depth: usize,
    /// Directory of the root `nginx.conf`: nginx resolves relative
    /// `include`s against it.
    conf_dir: String,
}

/// Read every nginx member of the bundle (see the module doc for which).
pub fn nginx_all(bundle: &Bundle<'_>, members: &[usize], st: &mut State) {
    let mut files: Vec<NFile> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for (g, &i) in members.iter().enumerate() {
        let inp = &bundle.inputs[i];
        let member: Arc<str> = Arc::from(inp.path);
        let text = String::from_utf8_lossy(inp.data).into_owned();
        if text.contains("# configuration file /") {
            let parts = split_dump(&member, &text, g);
            if parts.is_empty() {
                warn(
                    st,
                    &member,
                    1,
                    "nginx -T output without configuration files",
                );
                continue;
            }
            roots.push(files.len());
            files.extend(parts);
        } else {
            files.push(NFile {
                host_path: host_path_of(inp.path),
                member,
                text,
                line_offset: 0,
                group: usize::MAX,
            });
        }
    }
    // A `-T` dump is the whole truth when present; bundle files then only
    // fill in what it lacks.
    let dump_roots = roots.clone();
    if dump_roots.is_empty() {
        for (i, f) in files.iter().enumerate() {
            if f.host_path.ends_with("/nginx.conf") {
                roots.push(i);
            }
        }
    }
    let mut w = Walk {
        st,
        files: &files,
        stack: Vec::new(),
        servers: Vec::new(),
        reached: BTreeSet::new(),
        depth: 0,
        conf_dir: "/etc/nginx".into(),
    };
    for &r in &roots {
        w.stack.clear();
        w.servers.clear();
        w.conf_dir = files[r]
            .host_path
            .rsplit_once('/')
            .map_or("/etc/nginx", |(d, _)| d)
            .to_string();
        w.file(r);
    }
    let no_root = roots.is_empty();
    for (i, f) in files.iter().enumerate() {
        if w.reached.contains(&i) || f.group != usize::MAX {
            continue;
        }
        if !dump_roots.is_empty() {
            continue;
        }
        let loaded_dir =
            f.host_path.contains("/conf.d/") || f.host_path.contains("/sites-enabled/");
        if no_root && loaded_dir {
            // Without nginx.conf, conf.d and sites-enabled files are in
            // http context by the stock layout.
            w.stack = vec![("http".into(), String::new())];
            w.servers.clear();
            w.file(i);
        } else if loaded_dir {
            // Only files nginx would load by layout are worth a warning;
            // sites-available, snippets and charset maps are inert.
            let m = f.member.clone();
            warn(
                w.st,
                &m,
                1,
                "nginx file not included by nginx.conf; not read",
            );
        }
    }
}

impl Walk<'_> {
    fn file(&mut self, idx: usize) {
        if self.depth > 16 || !self.reached.insert(idx) {
            return;
        }
        self.depth += 1;
        let f = &self.files[idx];
        let toks = tokens(&f.text);
        let mut words: Vec<(String, usize)> = Vec::new();
        for (t, line) in toks {
            let line = line + f.line_offset;
            match t {
                Tok::Word(w) => words.push((w, line)),
                Tok::Semi => {
                    let ws = std::mem::take(&mut words);
                    self.directive(idx, &ws);
                }
                Tok::Open => {
                    let ws = std::mem::take(&mut words);
                    let name = ws.first().map(|w| w.0.clone()).unwrap_or_default();
                    let arg = ws.get(1).map(|w| w.0.clone()).unwrap_or_default();
                    let l = ws.first().map_or(line, |w| w.1);
                    if name == "server" && self.in_block("http") {
                        self.servers
                            .push((self.st.config.len(), false, f.member.clone(), l));
                    }
                    if name == "upstream" {
                        self.push(idx, "upstream", &arg, l, |_| {});
                    }
                    self.stack.push((name, arg));
                }
                Tok::Close => {
                    let Some((name, _)) = self.stack.pop() else {
                        let m = f.member.clone();
                        warn(self.st, &m, line, "unbalanced '}' in nginx config");
                        continue;
                    };
                    if name == "server" && self.in_block("http") {
                        self.close_server();
                    }
                }
            }
        }
        if !words.is_empty() {
            let m = f.member.clone();
            warn(
                self.st,
                &m,
                words[0].1,
                "nginx directive without ';' at end of file",
            );
        }
        self.depth -= 1;
    }

    fn in_block(&self, name: &str) -> bool {
        self.stack.iter().any(|(n, _)| n == name)
    }

    fn close_server(&mut self) {
        let Some((start, had_listen, member, line)) = self.servers.pop() else {
            return;
        };
        if !had_listen {
            // nginx listens on *:80 for a server without `listen`.
            self.st.config.push(ConfigItem {
                program: "nginx".into(),
                key: "listen".into(),
                value: "80".into(),
                addr: Some("*".into()),
                port: Some(80),
                flags: Vec::new(),
                context: None,
                implied: true,
                source: src(&member, line),
                as_of: None,
            });
        }
        let name = self.st.config[start..]
            .iter()
            .find(|c| c.program == "nginx" && c.key == "server_name")
            .map(|c| c.value.split_whitespace().next().unwrap_or("").to_string());
        for c in &mut self.st.config[start..] {
            if c.context.is_none() {
                c.context.clone_from(&name);
            }
        }
    }

    fn push(
        &mut self,
        idx: usize,
        key: &str,
        value: &str,
        line: usize,
        f: impl FnOnce(&mut ConfigItem),
    ) {
        let mut c = ConfigItem {
            program: "nginx".into(),
            key: key.into(),
            value: value.into(),
            addr: None,
            port: None,
            flags: Vec::new(),
            context: None,
            implied: false,
            source: src(&self.files[idx].member, line),
            as_of: None,
        };
        f(&mut c);
        self.st.config.push(c);
    }

    fn directive(&mut self, idx: usize, ws: &[(String, usize)]) {
        let Some((name, line)) = ws.first() else {
            return;
        };
        let line = *line;
        let args: Vec<&str> = ws[1..].iter().map(|w| w.0.as_str()).collect();
        let value = args.join(" ");
        match name.as_str() {
            "include" => {
                for pat in &args {
                    self.include(idx, pat, line);
                }
            }
            "listen" => {
                let (addr, port) = listen_addr(args.first().copied().unwrap_or(""));
                if let Some(s) = self.servers.last_mut() {
                    s.1 = true;
                }
                let flags = args.iter().skip(1).map(|s| s.to_string()).collect();
                self.push(idx, "listen", &value, line, |c| {
                    c.addr = addr;
                    c.port = port;
                    c.flags = flags;
                });
            }
            "server" if self.stack.last().is_some_and(|(n, _)| n == "upstream") => {
                let up = self.stack.last().map(|(_, a)| a.clone());
                self.push(idx, "server", &value, line, |c| c.context = up);
            }
            "server_name"
            | "ssl_certificate"
            | "ssl_certificate_key"
            | "access_log"
            | "error_log"
            | "proxy_pass"
            | "fastcgi_pass"
            | "uwsgi_pass"
            | "grpc_pass"
            | "root"
            | "resolver"
            | "pid"
            | "user" => {
                self.push(idx, name, &value, line, |_| {});
            }
            "log_format" => {
                // Keep the format as one string: name, then the pieces
                // nginx concatenates.
                let fmt_name = args.first().copied().unwrap_or("");
                let body: String = args
                    .iter()
                    .skip(1)
                    .filter(|a| !a.starts_with("escape="))
                    .copied()
                    .collect();
                self.push(idx, "log_format", &body, line, |c| {
                    c.context = Some(fmt_name.to_string())
                });
            }
            _ => {}
        }
    }

    fn include(&mut self, idx: usize, pat: &str, line: usize) {
        let cur = &self.files[idx];
        let conf_dir = &self.conf_dir;
        let abs = if pat.starts_with('/') {
            pat.to_string()
        } else {
            format!("{conf_dir}/{pat}")
        };
        let glob = match GlobBuilder::new(&abs).literal_separator(true).build() {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                let m = cur.member.clone();
                warn(
                    self.st,
                    &m,
                    line,
                    format!("include pattern {pat:?} unreadable: {e}"),
                );
                return;
            }
        };
        let group = cur.group;
        let mut hits: Vec<usize> = (0..self.files.len())
            .filter(|&j| glob.is_match(&self.files[j].host_path))
            .collect();
        // A dump's own copy wins over a bundle member of the same path.
        if hits.iter().any(|&j| self.files[j].group == group) {
            hits.retain(|&j| self.files[j].group == group);
        }
        hits.sort_by(|&a, &b| self.files[a].host_path.cmp(&self.files[b].host_path));
        if hits.is_empty() {
            if abs.contains("/sites-enabled/") {
                // Archivers often drop the sites-enabled symlinks.
                let m = cur.member.clone();
                warn(
                    self.st,
                    &m,
                    line,
                    format!(
                        "include {abs} matches nothing in the bundle (sites-enabled symlinks may not have been copied)"
                    ),
                );
            } else if !abs.contains('*') && !abs.ends_with(".types") && !abs.ends_with("_params") {
                let m = cur.member.clone();
                warn(
                    self.st,
                    &m,
                    line,
                    format!("included file {abs} is not in the bundle"),
                );
            }
            return;
        }
        for j in hits {
            self.file(j);
        }
    }
}

/// `80`, `127.0.0.1:8080`, `[::]:443`, `*:80`, `localhost`, `unix:/run/x`.
fn listen_addr(a: &str) -> (Option<String>, Option<u16>) {
    if a.starts_with("unix:") {
        return (Some(a.to_string()), None);
    }
    if let Ok(p) = a.parse::<u16>() {
        return (Some("*".into()), Some(p));
    }
    if let Some(rest) = a.strip_prefix('[') {
        let (host, tail) = rest.split_once(']').unwrap_or((rest, ""));
        let port = tail
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .or(Some(80));
        return (Some(host.to_string()), port);
    }
    match a.rsplit_once(':') {
        Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
        None => (Some(a.to_string()), Some(80)),
    }
}

// ---------------------------------------------------------------- sshd

/// `sshd_config` (global section only: `Match` blocks do not change where
/// sshd listens) and `sshd -T` (lower-case keys).
pub fn parse_sshd(kind: &str, file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (k, v) = match t.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((k, v)) => (k, v.trim().trim_start_matches('=').trim()),
            None => {
                warn(st, file, n, format!("sshd option without a value: {t:?}"));
                continue;
            }
        };
        let key = k.to_ascii_lowercase();
        if key == "match" && kind == "sshd-config" {
            break;
        }
        let mut item = ConfigItem {
            program: "sshd".into(),
            key: String::new(),
            value: v.to_string(),
            addr: None,
            port: None,
            flags: Vec::new(),
            context: None,
            implied: false,
            source: src(file, n),
            as_of: None,
        };
        match key.as_str() {
            "port" => {
                item.key = "Port".into();
                match v.parse::<u16>() {
                    Ok(p) => item.port = Some(p),
                    Err(_) => {
                        warn(st, file, n, format!("sshd Port not a number: {v:?}"));
                        continue;
                    }
                }
            }
            "listenaddress" => {
                item.key = "ListenAddress".into();
                let a = v.split_whitespace().next().unwrap_or(v);
                let (addr, port) = if let Some(rest) = a.strip_prefix('[') {
                    let (h, tail) = rest.split_once(']').unwrap_or((rest, ""));
                    (
                        h.to_string(),
                        tail.strip_prefix(':').and_then(|p| p.parse().ok()),
                    )
                } else if a.matches(':').count() == 1 {
                    let (h, p) = a.split_once(':').unwrap_or((a, ""));
                    (h.to_string(), p.parse().ok())
                } else {
                    (a.to_string(), None)
                };
                item.addr = Some(addr);
                item.port = port;
            }
            "permitrootlogin"
            | "passwordauthentication"
            | "addressfamily"
            | "allowusers"
            | "denyusers"
            | "allowgroups"
            | "maxstartups"
            | "usedns" => {
                item.key = k.to_string();
            }
            _ => continue,
        }
        st.config.push(item);
    }
}

/// sshd listens on 22 when no `Port` is written anywhere.
pub fn finish_sshd(st: &mut State) {
    let has_port = st
        .config
        .iter()
        .any(|c| c.program == "sshd" && c.key == "Port");
    if has_port {
        return;
    }
    let main = st
        .snapshots
        .iter()
        .find(|s| s.kind == "sshd-config" && s.file.ends_with("sshd_config"))
        .map(|s| s.file.clone());
    if let Some(f) = main {
        st.config.push(ConfigItem {
            program: "sshd".into(),
            key: "Port".into(),
            value: "22".into(),
            addr: None,
            port: Some(22),
            flags: Vec::new(),
            context: None,
            implied: true,
            source: src(&Arc::from(f.as_str()), 1),
            as_of: None,
        });
    }
}

// ---------------------------------------------------------------- net files

/// `/etc/hosts`.
pub fn parse_hosts(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let t = line.split('#').next().unwrap_or("").trim();
        let mut w = t.split_whitespace();
        let Some(ip) = w.next() else { continue };
        let names: Vec<String> = w.map(str::to_string).collect();
        if ip.parse::<std::net::IpAddr>().is_err() || names.is_empty() {
            warn(st, file, i + 1, format!("not a hosts entry: {t:?}"));
            continue;
        }
        st.hosts.push(HostEntry {
            ip: ip.to_string(),
            names,
            source: src(file, i + 1),
        });
    }
}

/// `/etc/resolv.conf`.
pub fn parse_resolv(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let t = line.split(['#', ';']).next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        let (k, v) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        if !matches!(
            k,
            "nameserver" | "search" | "domain" | "options" | "sortlist"
        ) {
            warn(
                st,
                file,
                i + 1,
                format!("unknown resolv.conf keyword {k:?}"),
            );
            continue;
        }
        st.resolv.push(ResolvEntry {
            key: k.to_string(),
            value: v.trim().to_string(),
            source: src(file, i + 1),
        });
    }
}

/// `ip addr` / `ip -d address` / `ip -o addr`.
pub fn parse_ip_addr(file: &Arc<str>, text: &str, st: &mut State) {
    let mut iface = String::new();
    let mut up = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some((idx, rest)) = t.split_once(": ") {
            if !idx.is_empty() && idx.bytes().all(|b| b.is_ascii_digit()) {
                let name = rest.split([':', ' ']).next().unwrap_or("");
                iface = name.split('@').next().unwrap_or(name).to_string();
                // `ip -o addr` lines carry no flags; count them as up.
                up = match rest.split_once('<').and_then(|(_, r)| r.split_once('>')) {
                    Some((flags, _)) => flags.split(',').any(|f| f == "UP"),
                    None => true,
                };
                // `ip -o addr` puts the address on the same line.
                if !rest.contains(" inet") {
                    continue;
                }
            }
        }
        let mut w = t.split_whitespace().peekable();
        while let Some(tok) = w.next() {
            if tok == "inet" || tok == "inet6" {
                if let Some(a) = w.next() {
                    st.addresses.push(Address {
                        iface: iface.clone(),
                        family: tok.to_string(),
                        addr: a.to_string(),
                        up,
                        source: src(file, i + 1),
                    });
                }
                break;
            }
        }
    }
}

/// `ip route` / `ip route show table all`.
pub fn parse_ip_route(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let mut w: Vec<&str> = line.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        if matches!(
            w[0],
            "local" | "broadcast" | "multicast" | "anycast" | "nat"
        ) {
            continue;
        }
        if w[0] == "unicast" {
            w.remove(0);
        }
        let Some(dest) = w.first() else { continue };
        let val = |k: &str| {
            w.iter()
                .position(|x| *x == k)
                .and_then(|p| w.get(p + 1))
                .map(|s| s.to_string())
        };
        let looks_dest = *dest == "default"
            || dest.parse::<std::net::IpAddr>().is_ok()
            || dest
                .split_once('/')
                .is_some_and(|(a, _)| a.parse::<std::net::IpAddr>().is_ok())
            || matches!(*dest, "unreachable" | "blackhole" | "prohibit" | "throw");
        if !looks_dest {
            warn(st, file, i + 1, format!("not a route: {:?}", line.trim()));
            continue;
        }
        st.routes.push(Route {
            dest: (*dest).to_string(),
            via: val("via"),
            dev: val("dev"),
            src: val("src"),
            source: src(file, i + 1),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SnapshotInput;

    fn nginx(members: &[(&str, &str)]) -> State {
        let inputs: Vec<SnapshotInput<'_>> = members
            .iter()
            .map(|(p, t)| SnapshotInput {
                path: p,
                data: t.as_bytes(),
                mtime: None,
            })
            .collect();
        let b = Bundle { inputs: &inputs };
        let mut st = State::default();
        let idx: Vec<usize> = (0..inputs.len()).collect();
        nginx_all(&b, &idx, &mut st);
        st
    }

    #[test]
    fn includes_within_bundle() {
        let st = nginx(&[
            (
                "b/etc/nginx/nginx.conf",
                "events {}\nhttp {\n  log_format main '$remote_addr - $remote_user'\n     ' \"$request\"';\n  include /etc/nginx/conf.d/*.conf;\n}\n",
            ),
            (
                "b/etc/nginx/conf.d/site.conf",
                "server {\n  listen 127.0.0.1:80 default_server;\n  listen [::]:443 ssl http2;\n  server_name example.org www.example.org;\n  ssl_certificate /etc/ssl/example.pem;\n  location / { proxy_pass http://app; }\n}\nserver { server_name nolisten; }\n",
            ),
            (
                "b/etc/nginx/sites-available/old",
                "server { listen 8080; }\n",
            ),
        ]);
        let listens = st.config_values("nginx", "listen");
        assert_eq!(listens.len(), 3);
        assert_eq!(
            (listens[0].addr.as_deref(), listens[0].port),
            (Some("127.0.0.1"), Some(80))
        );
        assert_eq!(listens[0].flags, ["default_server"]);
        assert_eq!(listens[0].context.as_deref(), Some("example.org"));
        assert_eq!(&*listens[0].source.file, "b/etc/nginx/conf.d/site.conf");
        assert_eq!(listens[0].source.line, 2);
        assert_eq!(
            (listens[1].addr.as_deref(), listens[1].port),
            (Some("::"), Some(443))
        );
        assert!(listens[2].implied);
        let lf = st.config_values("nginx", "log_format");
        assert_eq!(lf[0].value, "$remote_addr - $remote_user \"$request\"");
        assert_eq!(
            st.config_values("nginx", "proxy_pass")[0].value,
            "http://app"
        );
    }

    #[test]
    fn dump_and_broken() {
        let dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nhttp {\n include sites-enabled/*;\n}\n\n# configuration file /etc/nginx/sites-enabled/default:\nserver {\n listen 80;\n listen 10.0.0.5:8443 ssl\n";
        let st = nginx(&[("nginx_-T", dump)]);
        let l = st.config_values("nginx", "listen");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].source.line, 9);
        assert!(!st.warnings.is_empty());
    }

    #[test]
    fn sshd_ports() {
        let mut st = State::default();
        parse_sshd(
            "sshd-config",
            &Arc::from("etc/ssh/sshd_config"),
            "# Port 22\nPort 10022\nListenAddress 0.0.0.0\nListenAddress [::1]:2222\nPort abc\nMatch User x\nPort 7\n",
            &mut st,
        );
        let ports: Vec<_> = st
            .config_values("sshd", "Port")
            .iter()
            .map(|c| c.port)
            .collect();
        assert_eq!(ports, [Some(10022)]);
        let la = st.config_values("sshd", "ListenAddress");
        assert_eq!(
            (la[1].addr.as_deref(), la[1].port),
            (Some("::1"), Some(2222))
        );
        assert_eq!(st.warnings.len(), 1);
    }

    #[test]
    fn ip_files() {
        let mut st = State::default();
        parse_ip_addr(
            &Arc::from("ip_addr"),
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    inet 127.0.0.1/8 scope host lo\n2: eth0@if5: <BROADCAST,MULTICAST> mtu 1500\n    link/ether aa\n    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n",
            &mut st,
        );
        assert_eq!(st.addresses.len(), 2);
        assert_eq!(
            (st.addresses[1].iface.as_str(), st.addresses[1].up),
            ("eth0", false)
        );
        parse_ip_route(
            &Arc::from("ip_route"),
            "default via 10.0.0.1 dev eth0 proto dhcp\n10.0.0.0/24 dev eth0 scope link src 10.0.0.5\nwhat is this\n",
            &mut st,
        );
        assert_eq!(st.routes[0].via.as_deref(), Some("10.0.0.1"));
        assert_eq!(st.routes[1].src.as_deref(), Some("10.0.0.5"));
        assert_eq!(st.warnings.len(), 1);
    }
}
