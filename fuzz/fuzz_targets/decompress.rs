//! Every decoder on any bytes, with a small cap: never panics, never
//! returns more than the cap.
#![no_main]
use faultline::decode::{Compression, Limits, decompress, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_decoded: 1 << 20,
        ratio_floor: 64 << 10,
        max_ratio: 100,
        ..Limits::default()
    };
    for c in [
        Compression::Gzip,
        Compression::Xz,
        Compression::Zstd,
        Compression::Bzip2,
        sniff(data),
    ] {
        let d = decompress(data, c, &limits);
        assert!(d.data.len() as u64 <= limits.max_decoded);
    }
});
