//! The canonical form of an analysis (SPEC "Analysis"): pretty JSON with a
//! trailing newline. Field order is the model's declaration order and every
//! list is already ordered by the producer, so output is deterministic;
//! escaping is JSON's own (serde_json escapes control characters).

use super::model::Analysis;

/// Pretty JSON of `a`, ending with a newline.
pub fn render(a: &Analysis) -> String {
    // Serialising plain structs, strings and finite numbers cannot fail; a
    // non-finite confidence becomes `null` rather than an error.
    let mut s = serde_json::to_string_pretty(a).unwrap_or_else(|e| {
        format!(
            "{{\"error\": {}}}",
            serde_json::Value::String(e.to_string())
        )
    });
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn has_spec_keys_and_trailing_newline() {
        let s = render(&fixture::firewalld_after_reboot());
        assert!(s.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        for k in [
            "broke_at",
            "root_cause",
            "symptoms",
            "findings",
            "narrative",
            "inventory",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert_eq!(v["root_cause"]["kind"], "firewall_blocks_service");
        assert_eq!(
            v["findings"][1]["ruled_out_because"],
            "nginx was running: it answered 127.0.0.1 at 14:05"
        );
    }

    #[test]
    fn hostile_strings_stay_inside_json_strings() {
        let s = render(&fixture::hostile());
        assert!(!s.contains('\x1b'));
        assert!(serde_json::from_str::<serde_json::Value>(&s).is_ok());
    }
}
