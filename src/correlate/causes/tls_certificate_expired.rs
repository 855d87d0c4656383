//! `tls_certificate_expired`: the certificate the web server presents
//! expired before the symptom. Needs a certificate in the bundle (named by
//! `ssl_certificate` or found as PEM) whose notAfter is before the symptom,
//! or TLS errors saying so.

use crate::correlate::{Cand, Sym, World};
use crate::event::Kind;

pub fn check(w: &World<'_>, syms: &[Sym]) -> Vec<Cand> {
    let Some(sym) = syms.iter().min_by_key(|s| s.at) else {
        return Vec::new();
    };
    let expired: Vec<_> = w
        .state
        .certificates
        .iter()
        .filter_map(|c| {
            chrono::DateTime::parse_from_rfc3339(&c.not_after)
                .ok()
                .map(|t| (c, t.timestamp_micros()))
        })
        .filter(|(_, t)| *t <= sym.at + 3600 * 1_000_000)
        .collect();
    let tls: Vec<_> = w
        .of_kind(&[Kind::TlsError])
        .filter(|e| e.message.contains("expired"))
        .collect();
    if expired.is_empty() && tls.is_empty() {
        let why = match w.state.certificates.first() {
            Some(c) => format!("the certificate {} is valid until {}", c.path, c.not_after),
            None => "no expired certificate in the bundle and no TLS expiry errors in the logs"
                .to_string(),
        };
        return vec![Cand::ruled_out(
            "tls_certificate_expired",
            "The TLS certificate expired.",
            why,
            w.state
                .certificates
                .first()
                .map(|c| vec![c.source.clone()])
                .unwrap_or_default(),
        )];
    }
    let mut evidence = Vec::new();
    let mut story = Vec::new();
    let mut score: f64 = 0.3;
    let mut at = None;
    if let Some((c, t)) = expired.first() {
        score += 0.35;
        evidence.push(c.source.clone());
        evidence.extend(c.named_by.iter().cloned());
        at = Some(*t);
        story.push((
            *t,
            format!("The certificate {} ({}) expires.", c.path, c.subject),
            vec![c.source.clone()],
        ));
    }
    if let Some(e) = tls.first() {
        score += 0.25;
        evidence.push(e.source.clone());
        at = at.or(Some(e.ts));
    }
    let subject = expired
        .first()
        .map(|(c, _)| c.subject.clone())
        .unwrap_or_default();
    vec![Cand {
        kind: "tls_certificate_expired",
        at,
        summary: format!("The TLS certificate {subject} expired{}; clients refuse the connection.", at.map(|t| format!(" at {}", w.when(t))).unwrap_or_default()),
        confidence: score.min(0.9),
        evidence,
        remediation: vec!["renew the certificate (certbot renew, or install the new one at the ssl_certificate path), then nginx -t && systemctl reload nginx".into()],
        ruled_out: None,
        story,
    }]
}
