//! Disk and memory use: `df -h`, `df -al`, `df -i`, `df -P` (including the
//! layout where a long filesystem name sits alone on its line and its
//! numbers follow, and mount points with spaces) and `free` (`-m`, `-h`).

use super::{Disk, Memory, State, src, warn};
use std::sync::Arc;

/// Read `df` output into `st.disks`.
pub fn parse_df(file: &Arc<str>, text: &str, st: &mut State) {
    let mut inodes = false;
    let mut pending: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with("Filesystem") {
            inodes = t.contains("Inodes") || t.contains("IUse%");
            continue;
        }
        let toks: Vec<&str> = t.split_whitespace().collect();
        if toks.len() == 1 {
            pending = Some(toks[0].to_string());
            continue;
        }
        // Use% is the first token after the numbers that ends in % or is "-".
        let (fs, nums_from) = match pending.take() {
            Some(fs) => (fs, 0),
            None => (toks[0].to_string(), 1),
        };
        let Some(rel) = toks[nums_from..]
            .iter()
            .position(|w| w.ends_with('%') || *w == "-")
        else {
            warn(st, file, n, format!("df line without a Use% column: {t:?}"));
            continue;
        };
        let pct_idx = nums_from + rel;
        if pct_idx + 1 >= toks.len() {
            warn(st, file, n, format!("df line without a mount point: {t:?}"));
            continue;
        }
        let use_percent = toks[pct_idx].trim_end_matches('%').parse::<u8>().ok();
        // The mount point is the rest of the line, spaces kept.
        let mount = mount_after(t, pct_idx).unwrap_or_else(|| toks[pct_idx + 1..].join(" "));
        let nums = &toks[nums_from..pct_idx];
        let get = |k: usize| nums.get(k).map(|s| s.to_string());
        st.disks.push(Disk {
            filesystem: fs,
            mount,
            use_percent,
            measure: if inodes { "inodes" } else { "space" }.to_string(),
            size: get(0),
            used: get(1),
            avail: get(2),
            source: src(file, n),
            as_of: None,
        });
    }
}

/// The text after the `k`-th whitespace-separated token, trimmed.
fn mount_after(line: &str, k: usize) -> Option<String> {
    let mut rest = line;
    for _ in 0..=k {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace)?;
        rest = &rest[end..];
    }
    let m = rest.trim();
    (!m.is_empty()).then(|| m.to_string())
}

/// `free`, `free -m`, `free -h`.
pub fn parse_free(file: &Arc<str>, text: &str, st: &mut State) {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let Some((kind, rest)) = t.split_once(':') else {
            continue;
        };
        if !matches!(kind, "Mem" | "Swap") {
            continue;
        }
        let w: Vec<&str> = rest.split_whitespace().collect();
        if w.len() < 3 {
            warn(
                st,
                file,
                i + 1,
                format!("free line with too few columns: {t:?}"),
            );
            continue;
        }
        let num = |s: &str| s.parse::<f64>().ok();
        let use_percent = match (num(w[0]), num(w[1])) {
            (Some(total), Some(used)) if total > 0.0 => {
                let avail = w.get(5).and_then(|a| num(a));
                let used = match (kind, avail) {
                    ("Mem", Some(a)) => total - a,
                    _ => used,
                };
                Some((used / total * 100.0).round().clamp(0.0, 100.0) as u8)
            }
            _ => None,
        };
        st.memory.push(Memory {
            kind: kind.to_string(),
            total: w[0].to_string(),
            used: w[1].to_string(),
            free: w[2].to_string(),
            available: if kind == "Mem" {
                w.get(5).map(|s| s.to_string())
            } else {
                None
            },
            use_percent,
            source: src(file, i + 1),
            as_of: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df_wrapped_and_spaces() {
        let mut st = State::default();
        parse_df(
            &Arc::from("df"),
            "Filesystem Size Used Avail Use% Mounted on\n/dev/mapper/very-long\n   20G  20G  0 100% /var/lib/my data\nbroken line here\n",
            &mut st,
        );
        assert_eq!(st.disks.len(), 1);
        let d = &st.disks[0];
        assert_eq!(
            (d.filesystem.as_str(), d.mount.as_str(), d.use_percent),
            ("/dev/mapper/very-long", "/var/lib/my data", Some(100))
        );
        assert_eq!(st.warnings.len(), 1);
    }

    #[test]
    fn free_mem() {
        let mut st = State::default();
        parse_free(
            &Arc::from("free"),
            "               total        used        free      shared  buff/cache   available\nMem:         8000        7000         200          10         800         400\nSwap:           0           0           0\n",
            &mut st,
        );
        assert_eq!(st.memory[0].use_percent, Some(95));
        assert_eq!(st.memory[1].use_percent, None);
    }
}
