//! Decode: recognise compression by magic bytes (never by name) and
//! stream-decompress with a cap on output size and on expansion ratio, so a
//! gzip bomb costs at most the cap. Truncated streams keep what was read.

use std::io::Read;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Compression {
    None,
    Gzip,
    Xz,
    Zstd,
    Bzip2,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// Compression of `head` (the first bytes of a member) by its magic number.
pub fn sniff(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Compression::Xz
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else if head.starts_with(b"BZh") && head.len() > 3 && (b'1'..=b'9').contains(&head[3]) {
        Compression::Bzip2
    } else {
        Compression::None
    }
}

/// Resource limits on everything read from a bundle. Defaults are documented
/// in the README ("Limits") with the flags that change them.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest decompressed size of one member.
    pub max_decoded: u64,
    /// Largest ratio of decompressed to compressed size, checked once the
    /// output passes `ratio_floor` bytes (small files compress very well).
    pub max_ratio: u64,
    pub ratio_floor: u64,
    /// Archives inside archives are read to this depth.
    pub max_depth: u32,
    /// Members beyond this count are skipped with a warning.
    pub max_files: usize,
    /// Lines longer than this are cut and counted.
    pub max_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decoded: 2 << 30,
            max_ratio: 1000,
            ratio_floor: 64 << 20,
            max_depth: 4,
            max_files: 200_000,
            max_line: 1 << 20,
        }
    }
}

/// The outcome of decoding one member: the bytes and what went wrong.
pub struct Decoded {
    pub data: Vec<u8>,
    pub warnings: Vec<String>,
}

/// A decoder over a stored member (plain bytes read as they are).
fn reader<'a, R: Read + Send + 'a>(
    input: R,
    c: Compression,
) -> Result<Box<dyn Read + Send + 'a>, String> {
    Ok(match c {
        Compression::None => Box::new(input),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(input)),
        Compression::Zstd => match zstd::stream::read::Decoder::new(input) {
            Ok(d) => Box::new(d),
            Err(e) => return Err(format!("zstd stream could not be opened: {e}")),
        },
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(input)),
    })
}

/// What one member may decode to: the size cap and the expansion-ratio
/// cap, shared by the whole-member and the windowed decoders.
struct Budget {
    /// Decoded bytes kept so far.
    total: u64,
    compressed_len: u64,
    limits: Limits,
    what: &'static str,
}

impl Budget {
    /// Account for `n` more decoded bytes: how many of them to keep, and
    /// the warning that stops the stream here, if any. Never more than
    /// the cap is kept.
    fn take(&mut self, n: usize) -> (usize, Option<String>) {
        let room = self.limits.max_decoded.saturating_sub(self.total);
        let keep = (n as u64).min(room) as usize;
        self.total += keep as u64;
        if n as u64 > room {
            let msg = format!(
                "{} output passed the {} MiB cap; the rest was not read (raise --max-decoded-mib)",
                self.what,
                self.limits.max_decoded >> 20
            );
            return (keep, Some(msg));
        }
        if self.total > self.limits.ratio_floor
            && self.total / self.compressed_len.max(1) > self.limits.max_ratio
        {
            let msg = format!(
                "{} expands more than {}x (a decompression bomb?); stopped after {} MiB",
                self.what,
                self.limits.max_ratio,
                self.total >> 20
            );
            return (keep, Some(msg));
        }
        (keep, None)
    }

    fn damaged(&self, e: &std::io::Error) -> String {
        format!(
            "{} stream is damaged or truncated ({e}); kept the {} bytes read before it",
            self.what, self.total
        )
    }
}

/// A member decoded window by window with the same caps as
/// [`decompress`]: memory is a window, not the decoded size.
pub struct Windows<'a> {
    r: Option<Box<dyn Read + Send + 'a>>,
    buf: Vec<u8>,
    /// Bytes of `buf` handed out by the last `next`.
    cut: usize,
    budget: Budget,
    pub warnings: Vec<String>,
}

impl<'a> Windows<'a> {
    /// Decode `input` (`compressed_len` bytes as stored) compressed as `c`.
    pub fn new<R: Read + Send + 'a>(
        input: R,
        compressed_len: u64,
        c: Compression,
        limits: &Limits,
    ) -> Windows<'a> {
        let mut warnings = Vec::new();
        let r = reader(input, c).map_err(|e| warnings.push(e)).ok();
        Windows {
            r,
            buf: Vec::new(),
            cut: 0,
            budget: Budget {
                total: 0,
                compressed_len,
                limits: limits.clone(),
                what: c.as_str(),
            },
            warnings,
        }
    }

    /// The next newline-aligned piece of about `window` bytes (the last may
    /// end without a newline), or `None` at the end.
    pub fn next_window(&mut self, window: usize) -> Option<&[u8]> {
        self.buf.drain(..self.cut);
        self.cut = 0;
        // One allocation for the window: growing by doubling copied it a
        // dozen times, each time into freshly faulted pages.
        self.buf
            .reserve((window + (256 << 10)).saturating_sub(self.buf.len()));
        while self.buf.len() < window {
            let Some(r) = self.r.as_mut() else { break };
            let have = self.buf.len();
            self.buf.resize(have + (256 << 10), 0);
            match r.read(&mut self.buf[have..]) {
                Ok(0) => {
                    self.buf.truncate(have);
                    self.r = None;
                }
                Ok(n) => {
                    let (keep, stop) = self.budget.take(n);
                    self.buf.truncate(have + keep);
                    if let Some(w) = stop {
                        self.warnings.push(w);
                        self.r = None;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(have),
                Err(e) => {
                    self.buf.truncate(have);
                    self.warnings.push(self.budget.damaged(&e));
                    self.r = None;
                }
            }
        }
        if self.buf.is_empty() {
            return None;
        }
        self.cut = if self.r.is_none() {
            self.buf.len()
        } else {
            memchr::memrchr(b'\n', &self.buf).map_or(self.buf.len(), |p| p + 1)
        };
        Some(&self.buf[..self.cut])
    }
}

/// Call `f` on each window of [`Windows`]; `f` returns `false` to stop.
pub fn for_each_window(
    input: &[u8],
    c: Compression,
    limits: &Limits,
    window: usize,
    warnings: &mut Vec<String>,
    mut f: impl FnMut(&[u8]) -> bool,
) {
    let mut w = Windows::new(input, input.len() as u64, c, limits);
    while let Some(piece) = w.next_window(window) {
        if !f(piece) {
            break;
        }
    }
    warnings.append(&mut w.warnings);
}

/// Decompress `input` (compressed with `c`) within `limits`. Never fails:
/// errors become warnings and the bytes read so far are kept.
pub fn decompress(input: &[u8], c: Compression, limits: &Limits) -> Decoded {
    let mut warnings = Vec::new();
    if c == Compression::None {
        return Decoded {
            data: input.to_vec(),
            warnings,
        };
    }
    let reader = match reader(input, c) {
        Ok(r) => r,
        Err(e) => {
            warnings.push(e);
            return Decoded {
                data: Vec::new(),
                warnings,
            };
        }
    };
    let data = read_capped(
        reader,
        input.len() as u64,
        limits,
        &mut warnings,
        c.as_str(),
    );
    Decoded { data, warnings }
}

fn read_capped(
    mut r: impl Read,
    compressed_len: u64,
    limits: &Limits,
    warnings: &mut Vec<String>,
    what: &'static str,
) -> Vec<u8> {
    let mut budget = Budget {
        total: 0,
        compressed_len,
        limits: limits.clone(),
        what,
    };
    let mut out = Vec::with_capacity((compressed_len.saturating_mul(4)).min(64 << 20) as usize);
    let mut buf = vec![0u8; 256 << 10];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                // Never grow past the cap: extending first and truncating
                // after would let the Vec double its capacity beyond it.
                let (keep, stop) = budget.take(n);
                out.extend_from_slice(&buf[..keep]);
                if let Some(w) = stop {
                    warnings.push(w);
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                warnings.push(budget.damaged(&e));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn sniffs_by_magic_not_name() {
        assert_eq!(sniff(&gz(b"x")), Compression::Gzip);
        assert_eq!(
            sniff(&zstd::encode_all(&b"x"[..], 1).unwrap()),
            Compression::Zstd
        );
        assert_eq!(sniff(b"BZh91AY&SY"), Compression::Bzip2);
        assert_eq!(sniff(b"Jan  1 00:00:00 host x: y"), Compression::None);
    }

    #[test]
    fn truncated_gzip_keeps_what_was_read() {
        let text: Vec<u8> = (0..20000)
            .flat_map(|i| format!("line {i} some text\n").into_bytes())
            .collect();
        let z = gz(&text);
        let d = decompress(&z[..z.len() / 2], Compression::Gzip, &Limits::default());
        assert!(!d.data.is_empty());
        assert!(text.starts_with(&d.data));
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    }

    #[test]
    fn empty_member_is_not_fatal() {
        let d = decompress(b"", Compression::Xz, &Limits::default());
        assert!(d.data.is_empty());
        let d = decompress(&[0x1f, 0x8b], Compression::Gzip, &Limits::default());
        assert!(d.data.is_empty());
        assert!(!d.warnings.is_empty());
    }

    #[test]
    fn bomb_is_capped() {
        let zeros = vec![0u8; 8 << 20];
        let z = gz(&zeros);
        let limits = Limits {
            max_decoded: 1 << 20,
            ..Limits::default()
        };
        let d = decompress(&z, Compression::Gzip, &limits);
        assert_eq!(d.data.len(), 1 << 20);
        assert!(d.warnings[0].contains("cap"));
        let limits = Limits {
            ratio_floor: 1 << 20,
            max_ratio: 10,
            ..Limits::default()
        };
        let d = decompress(&z, Compression::Gzip, &limits);
        assert!(d.data.len() < 8 << 20);
        assert!(d.warnings[0].contains("bomb"));
    }
}
