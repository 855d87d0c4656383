//! Certificates: every `BEGIN CERTIFICATE` block of the bundle's PEM
//! members and of the files nginx's `ssl_certificate` names (matched by
//! host path inside the bundle), read with `x509-parser`: subject, SANs,
//! validity. Only the first certificate of a file is listed unless nginx
//! names the file (then the whole chain), so a CA bundle does not flood the
//! report. Private keys are never read.

use super::{Bundle, Certificate, State, src, time, warn};
use crate::event::SourceRef;
use std::collections::BTreeMap;
use std::sync::Arc;
use x509_parser::extensions::GeneralName;
use x509_parser::pem::parse_x509_pem;

const TRUST_STORE: &[&str] = &[
    "etc/ssl/certs/",
    "ca-certificates",
    "ca-trust/",
    "ca-bundle",
    "usr/share/",
    "etc/pki/tls/certs/ca-",
];

/// Read the PEM members (`pem`) and nginx-named files into `st.certificates`.
pub fn collect(bundle: &Bundle<'_>, pem_members: &[usize], st: &mut State) {
    // Host path named by ssl_certificate → directives naming it.
    let mut named: BTreeMap<usize, Vec<SourceRef>> = BTreeMap::new();
    let directives: Vec<(String, SourceRef)> = st
        .config_values("nginx", "ssl_certificate")
        .iter()
        .map(|c| (c.value.clone(), c.source.clone()))
        .collect();
    for (path, source) in directives {
        // `$ssl_server_name`-style variables cannot be resolved offline.
        if path.contains('$') || path.starts_with("data:") {
            continue;
        }
        match bundle.index_by_host_path(&path) {
            Some(idx) => named.entry(idx).or_default().push(source),
            None => {
                let f = source.file.clone();
                warn(
                    st,
                    &f,
                    source.line as usize,
                    format!("certificate {path} named by ssl_certificate is not in the bundle"),
                );
            }
        }
    }
    // The system trust store holds hundreds of CA certificates that no
    // outage turns on; they are read only when nginx names them.
    let mut idxs: Vec<usize> = pem_members
        .iter()
        .copied()
        .filter(|&i| {
            let p = bundle.inputs[i].path;
            !TRUST_STORE.iter().any(|t| p.contains(t))
        })
        .collect();
    idxs.extend(named.keys().copied());
    idxs.sort_unstable();
    idxs.dedup();
    let as_of = st
        .as_of
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp());
    for idx in idxs {
        let inp = &bundle.inputs[idx];
        let file: Arc<str> = Arc::from(inp.path);
        let by = named.get(&idx).cloned().unwrap_or_default();
        let text = String::from_utf8_lossy(inp.data);
        let mut start: Option<(usize, usize)> = None; // (line, byte offset)
        let mut offset = 0;
        let mut found = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let t = line.trim();
            if t == "-----BEGIN CERTIFICATE-----" {
                start = Some((i + 1, offset));
            } else if t == "-----END CERTIFICATE-----" {
                if let Some((l, from)) = start.take() {
                    let block = &text.as_bytes()[from..offset + line.len()];
                    if found == 0 || !by.is_empty() {
                        match read_cert(block) {
                            Ok(mut c) => {
                                c.path = inp.path.to_string();
                                c.named_by.clone_from(&by);
                                c.source = src(&file, l);
                                c.expired_at_as_of =
                                    as_of.zip(c_not_after(&c)).map(|(a, na)| na < a);
                                st.certificates.push(c);
                            }
                            Err(e) => warn(st, &file, l, format!("certificate unreadable: {e}")),
                        }
                    }
                    found += 1;
                }
            }
            offset += line.len();
        }
        if found == 0 && !by.is_empty() {
            warn(
                st,
                &file,
                1,
                "file named by ssl_certificate holds no PEM certificate",
            );
        }
    }
}

fn c_not_after(c: &Certificate) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(&c.not_after)
        .ok()
        .map(|t| t.timestamp())
}

fn read_cert(block: &[u8]) -> Result<Certificate, String> {
    let (_, pem) = parse_x509_pem(block).map_err(|e| e.to_string())?;
    let x = pem.parse_x509().map_err(|e| e.to_string())?;
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = x.subject_alternative_name() {
        for g in &ext.value.general_names {
            match g {
                GeneralName::DNSName(d) => sans.push((*d).to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => sans.push(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
                    16 => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(b);
                        sans.push(std::net::Ipv6Addr::from(a).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let v = x.validity();
    Ok(Certificate {
        path: String::new(),
        subject: x.subject().to_string(),
        issuer: x.issuer().to_string(),
        sans,
        not_before: time::rfc3339(v.not_before.timestamp()),
        not_after: time::rfc3339(v.not_after.timestamp()),
        named_by: Vec::new(),
        expired_at_as_of: None,
        source: super::nowhere(),
    })
}
