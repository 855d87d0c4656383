//! Escaping for every output format. Log bytes are attacker-written: these
//! functions are the only way text from a bundle reaches an output.
//!
//! Control characters, escape sequences and bidi controls never reach any
//! output as themselves: they become a visible `\u{..}` form, so a reader
//! sees that the log held them (Trojan-Source style reordering and terminal
//! hijacking both need the raw character to take effect).

use std::fmt::Write;

/// Neutralise control characters, escape sequences and bidi overrides for a
/// terminal: each becomes a visible `\u{..}` form.
pub fn terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_visible(&mut out, c);
    }
    out
}

fn push_visible(out: &mut String, c: char) {
    if is_dangerous(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// Characters that change how surrounding text is shown rather than being
/// shown: C0/C1 controls (ESC starts terminal sequences), bidi embeddings,
/// overrides, isolates and marks, and the line/paragraph separators that
/// some viewers treat as newlines.
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c as u32,
            0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0x061c | 0x2028 | 0x2029
        )
}

/// Escape for HTML text and attribute values (and inline SVG, which is XML:
/// only the five predefined entities are used).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A numeric entity would be decoded back into the live control
            // character by the browser, so show it instead.
            c => push_visible(&mut out, c),
        }
    }
    out
}

/// Escape text for Markdown prose (paragraphs, list items, headings).
///
/// Neutralises emphasis, code spans, links and images, raw HTML, entities,
/// GitLab math and strikethrough, and defangs what GitHub/GitLab would turn
/// into live links or mentions without any syntax: `scheme://` becomes
/// `scheme[:]//`, `www.` becomes `www[.]`, and `@` before a name becomes
/// `[@]` (emails, `@mentions`). The defanged forms are the convention of
/// incident write-ups, so readers recognise them.
pub fn markdown_inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
        match c {
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push_str("\\[:\\]");
            }
            'w' | 'W'
                if !prev_alnum
                    && chars.len() >= i + 4
                    && chars[i..i + 3].iter().all(|c| c.eq_ignore_ascii_case(&'w'))
                    && chars[i + 3] == '.' =>
            {
                out.extend(&chars[i..i + 3]);
                out.push_str("\\[.\\]");
                i += 4;
                continue;
            }
            '@' if chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) => {
                out.push_str("\\[@\\]");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // `(` only matters after `]` (an inline link), and that `]` is
            // escaped already; escaping the pair too keeps `](` out of the
            // text for anyone grepping a report for links.
            '(' if i > 0 && chars[i - 1] == ']' => out.push_str("\\("),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if is_dangerous(c) => {
                // The visible form starts with a backslash, which Markdown
                // would otherwise read as an escape.
                let _ = write!(out, "\\\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Escape text for one cell of a GFM table: prose escaping (which already
/// escapes `|` and turns newlines into a visible form, so a row keeps its
/// column count); an empty cell becomes `-` so the row still reads.
pub fn markdown_cell(s: &str) -> String {
    if s.trim().is_empty() {
        return "-".to_string();
    }
    markdown_inline(s.trim())
}

/// A fenced code block holding `body` verbatim except for dangerous
/// characters (shown as `\u{..}`; newlines are kept). The fence is one
/// backtick longer than the longest backtick run inside, so no line of the
/// body can close it. Ends with a newline.
pub fn code_fence(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = String::with_capacity(body.len() + 2 * fence.len() + 8);
    out.push_str(&fence);
    out.push_str("text\n");
    for c in body.chars() {
        if c == '\n' {
            out.push('\n');
        } else {
            push_visible(&mut out, c);
        }
    }
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_esc_and_bidi() {
        assert_eq!(terminal("a\x1b[2Jb\u{202e}c"), "a\\u{1b}[2Jb\\u{202e}c");
    }

    #[test]
    fn html_escapes_markup_and_never_emits_bidi_entities() {
        let s = html("<img src=x onerror=\"alert(1)\">\u{202e}");
        assert!(!s.contains('<') && !s.contains('"'));
        assert!(s.ends_with("\\u{202e}"));
        assert!(!s.contains("&#x202e;"));
    }

    #[test]
    fn markdown_inline_defangs_links_and_mentions() {
        let s =
            markdown_inline("see http://evil.example/x or www.evil.example, mail bob@example.com");
        assert!(!s.contains("http://"));
        assert!(!s.contains("www."));
        assert!(!s.contains("bob@"));
        assert!(s.contains("http\\[:\\]//"));
        assert!(s.contains("www\\[.\\]evil"));
    }

    #[test]
    fn markdown_inline_escapes_link_syntax_and_html() {
        let s = markdown_inline("[x](javascript:alert(1)) <!-- <b>*_`");
        assert!(!s.contains("](javascript"));
        assert!(!s.contains('<'));
        assert_eq!(
            s,
            "\\[x\\]\\(javascript:alert(1)) &lt;\\!-- &lt;b&gt;\\*\\_\\`"
        );
    }

    #[test]
    fn markdown_cell_keeps_columns() {
        let s = markdown_cell("a|b\nc");
        assert_eq!(s, "a\\|b\\\\u{a}c");
        assert!(!s.contains('\n'));
        assert_eq!(markdown_cell("  "), "-");
    }

    #[test]
    fn code_fence_is_longer_than_any_run() {
        let f = code_fence("a ```` b");
        assert!(f.starts_with("`````text\n"));
        assert!(f.ends_with("\n`````\n"));
        assert_eq!(code_fence("x"), "```text\nx\n```\n");
        assert!(code_fence("\x1b[2J").contains("\\u{1b}[2J"));
    }

    proptest::proptest! {
        #[test]
        fn no_input_escapes_its_format(s in "\\PC*|[\\x00-\\x7f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]*") {
            let t = terminal(&s);
            proptest::prop_assert!(!t.chars().any(is_dangerous));
            let h = html(&s);
            proptest::prop_assert!(!h.contains('<') && !h.contains('>') && !h.contains('"'));
            proptest::prop_assert!(!h.chars().any(is_dangerous));
            let c = markdown_cell(&s);
            proptest::prop_assert!(!c.contains('\n') && !c.contains('<'));
            // Every pipe is escaped: an odd run of backslashes precedes it.
            for (i, _) in c.match_indices('|') {
                let run = c[..i].chars().rev().take_while(|ch| *ch == '\\').count();
                proptest::prop_assert!(run % 2 == 1, "bare pipe in {:?}", c);
            }
            let f = code_fence(&s);
            let fence: String = f.chars().take_while(|ch| *ch == '`').collect();
            let body = &f[fence.len() + 5..f.len() - fence.len() - 1];
            proptest::prop_assert!(!body.contains(&fence));
        }
    }
}
