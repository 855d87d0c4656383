//! Discover: list what a bundle holds without extracting or changing
//! anything. A bundle is a directory, a single file, or an archive (tar,
//! tar.gz/xz/zst/bz2, zip), possibly nested. Symlinks are recorded, never
//! followed; FIFOs, sockets and devices are listed and skipped; archive
//! member names such as `../../etc/passwd` are only ever names.

use crate::decode::{self, Compression, Limits};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DiscoverError {
    // `err`, not `source`: the message already quotes it, and a source
    // would be printed twice in the error chain.
    #[error("{path}: cannot open the bundle ({err}); check the path and that it is readable")]
    Open { path: PathBuf, err: std::io::Error },
}

/// Where a member's stored bytes are.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A regular file on disk, opened read-only when loaded.
    Fs(PathBuf),
    /// Bytes read from an archive.
    Bytes(Arc<[u8]>),
    /// Nothing to read (link, special file, skipped member).
    Nothing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    /// An archive inside the bundle: hashed and listed, its members beside it.
    Archive,
    Symlink(String),
    Special(&'static str),
}

/// One member of a bundle as stored.
#[derive(Clone, Debug)]
pub struct Member {
    /// Path inside the bundle ("/"-separated, as shown in reports).
    pub path: Arc<str>,
    /// Index of the bundle argument it came from.
    pub bundle: usize,
    pub size: u64,
    /// Modification time, seconds since the epoch (filesystem or tar header).
    pub mtime: Option<i64>,
    pub entry: EntryKind,
    pub origin: Origin,
    pub warnings: Vec<String>,
}

/// A member's stored bytes: mapped from disk or held in memory.
pub enum Stored {
    Map(memmap2::Mmap),
    Bytes(Arc<[u8]>),
    Empty,
}

impl std::ops::Deref for Stored {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Stored::Map(m) => m,
            Stored::Bytes(b) => b,
            Stored::Empty => &[],
        }
    }
}

impl Member {
    /// Open the stored bytes. Plain files are memory-mapped; this is the one
    /// place that decides to map.
    pub fn load(&self) -> Result<Stored, String> {
        match &self.origin {
            Origin::Nothing => Ok(Stored::Empty),
            Origin::Bytes(b) => Ok(Stored::Bytes(b.clone())),
            Origin::Fs(p) => {
                // Opening a FIFO blocks until a writer appears, and a device
                // never ends: a member swapped for either since discovery
                // is refused before it is opened.
                match std::fs::symlink_metadata(p) {
                    Ok(m) if m.file_type().is_file() => {}
                    Ok(_) => return Err("no longer a regular file: not read".to_string()),
                    Err(e) => return Err(format!("cannot open: {e}")),
                }
                let f = std::fs::File::open(p).map_err(|e| format!("cannot open: {e}"))?;
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                if len == 0 {
                    return Ok(Stored::Empty);
                }
                // SAFETY: the map is read-only and private. Another process
                // truncating the file while we read would fault; bundles are
                // copies taken off the broken host, not live logs, and a
                // failed map falls back to a plain read below.
                match unsafe { memmap2::MmapOptions::new().map(&f) } {
                    Ok(m) => Ok(Stored::Map(m)),
                    Err(_) => {
                        let mut v = Vec::new();
                        let mut f = f;
                        f.read_to_end(&mut v)
                            .map_err(|e| format!("cannot read: {e}"))?;
                        Ok(Stored::Bytes(v.into()))
                    }
                }
            }
        }
    }
}

/// Everything discovered, plus bundle-level notes.
#[derive(Debug, Default)]
pub struct Discovery {
    pub members: Vec<Member>,
    pub warnings: Vec<String>,
    /// Display labels of the bundle arguments.
    pub bundles: Vec<String>,
    /// Bytes of archive members held in memory so far. Each member is
    /// capped by `max_decoded`, but a zip of many bombs (or archives nested
    /// with fan-out) would multiply that cap; the total is held to it too.
    held: u64,
}

/// List the members of one archive (or plain file) held in memory, as if it
/// were a bundle argument named `name`. For fuzzing and tests: the same
/// code path as a bundle file on disk, without touching the disk.
pub fn discover_bytes(name: &str, bytes: &[u8], limits: &Limits) -> Discovery {
    let mut d = Discovery {
        bundles: vec![name.to_string()],
        ..Discovery::default()
    };
    let stored: Arc<[u8]> = bytes[..bytes.len().min(limits.max_decoded as usize)].into();
    add_file(
        &mut d,
        0,
        name,
        Origin::Bytes(stored.clone()),
        stored,
        None,
        0,
        limits,
        true,
    );
    d.members.sort_by(|a, b| a.path.cmp(&b.path));
    d
}

/// List the members of every bundle. Fails only when a bundle argument
/// itself cannot be opened; everything inside is a warning at worst.
pub fn discover(paths: &[PathBuf], limits: &Limits) -> Result<Discovery, DiscoverError> {
    let mut d = Discovery::default();
    let prefix_needed = paths.len() > 1;
    for (i, p) in paths.iter().enumerate() {
        let meta = std::fs::metadata(p).map_err(|e| DiscoverError::Open {
            path: p.clone(),
            err: e,
        })?;
        let label = p
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string());
        d.bundles.push(label.clone());
        let prefix = if prefix_needed {
            format!("{label}/")
        } else {
            String::new()
        };
        if meta.is_dir() {
            walk_dir(p, &prefix, i, limits, &mut d);
        } else if !meta.is_file() {
            // A FIFO would block the read and `/dev/zero` never ends: the
            // argument is listed, never read.
            let what = special_kind(&meta.file_type());
            d.members.push(Member {
                path: format!("{prefix}{label}").into(),
                bundle: i,
                size: 0,
                mtime: mtime_of(&meta),
                entry: EntryKind::Special(what),
                origin: Origin::Nothing,
                warnings: vec![format!("{what}: skipped, not read")],
            });
        } else {
            let mut f = std::fs::File::open(p).map_err(|e| DiscoverError::Open {
                path: p.clone(),
                err: e,
            })?;
            let mut head = [0u8; 1024];
            let n = read_full(&mut f, &mut head).unwrap_or(0);
            if !is_archive_head(&head[..n], limits) {
                // A plain log given alone is memory-mapped when parsed, like
                // a file of a directory: reading it here too cost a copy of
                // the whole file (and capped its size at the decode limit).
                d.members.push(Member {
                    path: format!("{prefix}{label}").into(),
                    bundle: i,
                    size: meta.len(),
                    mtime: mtime_of(&meta),
                    entry: EntryKind::File,
                    origin: Origin::Fs(p.clone()),
                    warnings: Vec::new(),
                });
                continue;
            }
            let f = std::fs::File::open(p).map_err(|e| DiscoverError::Open {
                path: p.clone(),
                err: e,
            })?;
            let mut bytes = Vec::new();
            f.take(limits.max_decoded)
                .read_to_end(&mut bytes)
                .map_err(|e| DiscoverError::Open {
                    path: p.clone(),
                    err: e,
                })?;
            let mtime = mtime_of(&meta);
            let name = format!("{prefix}{label}");
            add_file(
                &mut d,
                i,
                &name,
                Origin::Fs(p.clone()),
                bytes.into(),
                mtime,
                0,
                limits,
                true,
            );
        }
    }
    d.members
        .sort_by(|a, b| (a.bundle, &a.path).cmp(&(b.bundle, &b.path)));
    Ok(d)
}

fn mtime_of(meta: &std::fs::Metadata) -> Option<i64> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
}

fn walk_dir(root: &Path, prefix: &str, bundle: usize, limits: &Limits, d: &mut Discovery) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                d.warnings.push(format!("{}: {e}", root.display()));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name: Arc<str> = format!("{prefix}{rel}").into();
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        if d.members.len() >= limits.max_files {
            d.warnings.push(format!(
                "more than {} files; {name} and the rest were skipped (raise --max-files)",
                limits.max_files
            ));
            return;
        }
        let meta = entry.path().symlink_metadata().ok();
        let mtime = meta.as_ref().and_then(mtime_of);
        if ft.is_symlink() {
            let target = std::fs::read_link(entry.path())
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_default();
            d.members.push(Member {
                path: name,
                bundle,
                size: 0,
                mtime,
                warnings: vec![format!("symbolic link to {target:?}: listed, not followed")],
                entry: EntryKind::Symlink(target),
                origin: Origin::Nothing,
            });
            continue;
        }
        if !ft.is_file() {
            let what = special_kind(&ft);
            d.members.push(Member {
                path: name,
                bundle,
                size: 0,
                mtime,
                warnings: vec![format!("{what}: skipped, not read")],
                entry: EntryKind::Special(what),
                origin: Origin::Nothing,
            });
            continue;
        }
        let size = meta.as_ref().map(|m| m.len()).unwrap_or(0);
        // Peek at the head to find archives inside the directory.
        let mut head = [0u8; 1024];
        let n = std::fs::File::open(entry.path())
            .and_then(|mut f| read_full(&mut f, &mut head))
            .unwrap_or(0);
        if is_archive_head(&head[..n], limits) {
            // Read at most the cap: an archive is expanded in memory, and
            // a 50 GiB tar on disk must not become 50 GiB of RAM.
            let read = std::fs::File::open(entry.path()).and_then(|f| {
                let mut v = Vec::new();
                f.take(limits.max_decoded).read_to_end(&mut v).map(|_| v)
            });
            if size > limits.max_decoded {
                d.warnings.push(format!(
                    "{name}: archive is larger than the {} MiB cap; only its start was read (raise --max-decoded-mib)",
                    limits.max_decoded >> 20
                ));
            }
            match read {
                Ok(bytes) => {
                    add_file(
                        d,
                        bundle,
                        &name,
                        Origin::Fs(entry.path().to_path_buf()),
                        bytes.into(),
                        mtime,
                        0,
                        limits,
                        false,
                    );
                    continue;
                }
                Err(e) => d.warnings.push(format!("{name}: cannot read: {e}")),
            }
        }
        d.members.push(Member {
            path: name,
            bundle,
            size,
            mtime,
            entry: EntryKind::File,
            origin: Origin::Fs(entry.path().to_path_buf()),
            warnings: Vec::new(),
        });
    }
}

fn read_full(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "FIFO"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "special file"
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ArchiveKind {
    Tar,
    Zip,
}

fn archive_kind(plain: &[u8]) -> Option<ArchiveKind> {
    if (plain.len() >= 262 && &plain[257..262] == b"ustar") || is_v7_tar_header(plain) {
        Some(ArchiveKind::Tar)
    } else if plain.starts_with(b"PK\x03\x04") || plain.starts_with(b"PK\x05\x06") {
        Some(ArchiveKind::Zip)
    } else {
        None
    }
}

/// A pre-POSIX (v7) tar header has no `ustar` magic; its checksum is the
/// only sign. Old tools and hand-made archives still write them, and a
/// member hidden in one must not pass for a plain file.
fn is_v7_tar_header(h: &[u8]) -> bool {
    let Some(h) = h.get(..512) else {
        return false;
    };
    if h[0] == 0 {
        return false;
    }
    let field = &h[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Some(stored) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| u32::from_str_radix(d, 8).ok())
    else {
        return false;
    };
    let sum: u32 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                b as u32
            }
        })
        .sum();
    sum == stored
}

/// Whether the first bytes of a file (maybe compressed) start an archive.
fn is_archive_head(head: &[u8], limits: &Limits) -> bool {
    let c = decode::sniff(head);
    if c == Compression::None {
        return archive_kind(head).is_some();
    }
    // A compressed prefix decodes to at least the tar header in practice.
    let small = Limits {
        max_decoded: 1024,
        ..limits.clone()
    };
    let d = decode::decompress(head, c, &small);
    archive_kind(&d.data) == Some(ArchiveKind::Tar)
}

/// Add one regular file: expand it if it is an archive (to `limits.max_depth`),
/// else record it as a member.
#[allow(clippy::too_many_arguments)]
fn add_file(
    d: &mut Discovery,
    bundle: usize,
    name: &str,
    origin: Origin,
    stored: Arc<[u8]>,
    mtime: Option<i64>,
    depth: u32,
    limits: &Limits,
    is_bundle_root: bool,
) {
    let c = decode::sniff(&stored);
    let head_plain: Vec<u8>;
    let head: &[u8] = if c == Compression::None {
        &stored
    } else {
        let small = Limits {
            max_decoded: 1024,
            ..limits.clone()
        };
        head_plain = decode::decompress(&stored[..stored.len().min(64 << 10)], c, &small).data;
        &head_plain
    };
    let kind = archive_kind(head);
    if let Some(kind) = kind {
        if depth >= limits.max_depth {
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: stored.len() as u64,
                mtime,
                entry: EntryKind::File,
                origin,
                warnings: vec![format!(
                    "archive nested deeper than {} levels: not opened (raise --max-depth)",
                    limits.max_depth
                )],
            });
            return;
        }
        let mut warnings = Vec::new();
        let plain;
        let bytes: &[u8] = if c == Compression::None {
            &stored
        } else {
            let dec = decode::decompress(&stored, c, limits);
            warnings.extend(dec.warnings);
            plain = dec.data;
            &plain
        };
        let inner_prefix = if is_bundle_root && depth == 0 {
            // The archive is the bundle: its members are the bundle's paths.
            let base = name.rsplit_once('/').map(|(p, _)| format!("{p}/"));
            base.unwrap_or_default()
        } else {
            format!("{name}/")
        };
        // A nested archive is itself listed so its sha256 is in the inventory.
        if !(is_bundle_root && depth == 0) {
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: stored.len() as u64,
                mtime,
                entry: EntryKind::Archive,
                origin: Origin::Bytes(stored.clone()),
                warnings: warnings.clone(),
            });
        } else {
            d.warnings
                .extend(warnings.iter().map(|w| format!("{name}: {w}")));
        }
        match kind {
            ArchiveKind::Tar => read_tar(d, bundle, &inner_prefix, bytes, depth + 1, limits),
            ArchiveKind::Zip => read_zip(d, bundle, &inner_prefix, bytes, depth + 1, limits),
        }
        return;
    }
    d.members.push(Member {
        path: name.into(),
        bundle,
        size: stored.len() as u64,
        mtime,
        entry: EntryKind::File,
        origin: match origin {
            Origin::Fs(p) if depth == 0 => Origin::Fs(p),
            _ => Origin::Bytes(stored),
        },
        warnings: Vec::new(),
    });
}

fn over_budget(limits: &Limits) -> String {
    format!(
        "not read: the archive members already read total the {} MiB cap (raise --max-decoded-mib)",
        limits.max_decoded >> 20
    )
}

/// A member name made safe to show: never a path on disk, so `..` and a
/// leading `/` stay visible but are flagged.
fn member_name(raw: &str) -> (String, Option<String>) {
    let trimmed = raw.trim_start_matches("./");
    let escapes = trimmed.starts_with('/') || trimmed.split('/').any(|c| c == "..");
    let warn = escapes.then(|| {
        format!(
            "archive member name {raw:?} points outside the archive: shown as a name, never written"
        )
    });
    (trimmed.to_string(), warn)
}

fn read_tar(
    d: &mut Discovery,
    bundle: usize,
    prefix: &str,
    bytes: &[u8],
    depth: u32,
    limits: &Limits,
) {
    let mut ar = tar::Archive::new(bytes);
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            d.warnings
                .push(format!("{prefix}: tar cannot be read: {e}"));
            return;
        }
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                d.warnings.push(format!(
                    "{prefix}: tar is damaged after this point ({e}); kept the members before it"
                ));
                return;
            }
        };
        if d.members.len() >= limits.max_files {
            d.warnings.push(format!(
                "more than {} files; the rest of {prefix} was skipped (raise --max-files)",
                limits.max_files
            ));
            return;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let (clean, warn) = member_name(&raw);
        let name = format!("{prefix}{clean}");
        let mtime = entry.header().mtime().ok().map(|m| m as i64);
        let et = entry.header().entry_type();
        let mut warnings: Vec<String> = warn.into_iter().collect();
        if et.is_dir() {
            continue;
        }
        if et.is_symlink() || et.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            warnings.push(format!("link to {target:?}: listed, not followed"));
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: 0,
                mtime,
                entry: EntryKind::Symlink(target),
                origin: Origin::Nothing,
                warnings,
            });
            continue;
        }
        if !et.is_file() && et != tar::EntryType::GNUSparse {
            if et.is_pax_global_extensions() || et.is_pax_local_extensions() || et.is_gnu_longname()
            {
                continue;
            }
            warnings.push("special archive member: skipped".to_string());
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: 0,
                mtime,
                entry: EntryKind::Special("special archive member"),
                origin: Origin::Nothing,
                warnings,
            });
            continue;
        }
        let declared = entry.header().size().unwrap_or(0);
        let room = limits.max_decoded.saturating_sub(d.held);
        if room == 0 && declared > 0 {
            warnings.push(over_budget(limits));
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: declared,
                mtime,
                entry: EntryKind::File,
                origin: Origin::Nothing,
                warnings,
            });
            continue;
        }
        let mut buf = Vec::with_capacity(declared.min(room).min(256 << 20) as usize);
        if let Err(e) = (&mut entry).take(room).read_to_end(&mut buf) {
            warnings.push(format!(
                "member is truncated ({e}); kept {} bytes",
                buf.len()
            ));
        }
        d.held += buf.len() as u64;
        if declared > room {
            warnings.push(format!(
                "member is larger than the {} MiB cap; only its start was read (raise --max-decoded-mib)",
                limits.max_decoded >> 20
            ));
        }
        let before = d.members.len();
        add_file(
            d,
            bundle,
            &name,
            Origin::Nothing,
            buf.into(),
            mtime,
            depth,
            limits,
            false,
        );
        if let Some(m) = d.members.get_mut(before) {
            m.warnings.extend(warnings);
        }
    }
}

fn read_zip(
    d: &mut Discovery,
    bundle: usize,
    prefix: &str,
    bytes: &[u8],
    depth: u32,
    limits: &Limits,
) {
    let mut z = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            d.warnings
                .push(format!("{prefix}: zip cannot be read: {e}"));
            return;
        }
    };
    for i in 0..z.len() {
        if d.members.len() >= limits.max_files {
            d.warnings.push(format!(
                "more than {} files; the rest of {prefix} was skipped (raise --max-files)",
                limits.max_files
            ));
            return;
        }
        let mut f = match z.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                d.warnings
                    .push(format!("{prefix}: zip member {i} cannot be read: {e}"));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        let raw = String::from_utf8_lossy(f.name_raw()).into_owned();
        let (clean, warn) = member_name(&raw);
        let name = format!("{prefix}{clean}");
        let mut warnings: Vec<String> = warn.into_iter().collect();
        let mtime = f
            .last_modified()
            .and_then(|t| {
                chrono::NaiveDate::from_ymd_opt(t.year() as i32, t.month() as u32, t.day() as u32)?
                    .and_hms_opt(t.hour() as u32, t.minute() as u32, t.second() as u32)
            })
            .map(|t| t.and_utc().timestamp());
        if f.is_symlink() {
            let mut target = Vec::new();
            let _ = (&mut f).take(4096).read_to_end(&mut target);
            let target = String::from_utf8_lossy(&target).into_owned();
            warnings.push(format!("link to {target:?}: listed, not followed"));
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: 0,
                mtime,
                entry: EntryKind::Symlink(target),
                origin: Origin::Nothing,
                warnings,
            });
            continue;
        }
        let room = limits.max_decoded.saturating_sub(d.held);
        if room == 0 && f.size() > 0 {
            warnings.push(over_budget(limits));
            d.members.push(Member {
                path: name.into(),
                bundle,
                size: f.size(),
                mtime,
                entry: EntryKind::File,
                origin: Origin::Nothing,
                warnings,
            });
            continue;
        }
        let mut buf = Vec::new();
        let mut dec_warn = Vec::new();
        // zip members decompress inside the zip reader: cap them here.
        let compressed = f.compressed_size().max(1);
        let mut taken = (&mut f).take(room);
        let mut chunk = vec![0u8; 256 << 10];
        loop {
            match taken.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    let len = buf.len() as u64;
                    if len > limits.ratio_floor && len / compressed > limits.max_ratio {
                        dec_warn.push(format!(
                            "expands more than {}x (a decompression bomb?); stopped after {} MiB",
                            limits.max_ratio,
                            len >> 20
                        ));
                        break;
                    }
                }
                Err(e) => {
                    dec_warn.push(format!("member is damaged ({e}); kept {} bytes", buf.len()));
                    break;
                }
            }
        }
        if buf.len() as u64 == room && f.size() > room {
            dec_warn.push(format!(
                "member is larger than the {} MiB cap; only its start was read (raise --max-decoded-mib)",
                limits.max_decoded >> 20
            ));
        }
        d.held += buf.len() as u64;
        warnings.extend(dec_warn);
        let before = d.members.len();
        add_file(
            d,
            bundle,
            &name,
            Origin::Nothing,
            buf.into(),
            mtime,
            depth,
            limits,
            false,
        );
        if let Some(m) = d.members.get_mut(before) {
            m.warnings.extend(warnings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_member_names_stay_names() {
        let (n, w) = member_name("../../etc/passwd");
        assert_eq!(n, "../../etc/passwd");
        assert!(w.is_some());
        let (n, w) = member_name("./var/log/syslog");
        assert_eq!(n, "var/log/syslog");
        assert!(w.is_none());
        assert!(member_name("/tmp/x").1.is_some());
    }

    #[test]
    fn v7_tar_without_magic_is_still_a_tar() {
        let mut h = tar::Header::new_old();
        h.as_old_mut().name[..11].copy_from_slice(b"../../tmp/x");
        h.set_size(0);
        h.set_cksum();
        let mut bytes = h.as_bytes().to_vec();
        bytes.resize(2048, 0);
        assert_eq!(archive_kind(&bytes), Some(ArchiveKind::Tar));
        let d = discover_bytes("x.tar", &bytes, &Limits::default());
        assert_eq!(d.members.len(), 1);
        assert!(d.members[0].warnings[0].contains("outside the archive"));
        assert_eq!(archive_kind(&[b'a'; 512]), None);
        assert_eq!(archive_kind(&[0; 512]), None);
    }
}
