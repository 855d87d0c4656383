//! Archive bytes (tar, zip, compressed, nested) listed in memory: never
//! panics, respects the member-count cap.
#![no_main]
use faultline::decode::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_decoded: 4 << 20,
        ratio_floor: 64 << 10,
        max_ratio: 100,
        max_files: 500,
        ..Limits::default()
    };
    let d = faultline::discover::discover_bytes("bundle.tar", data, &limits);
    // One member past the cap is listed to carry the warning at most.
    assert!(d.members.len() <= limits.max_files + 1);
});
