//! journalctl `-o json` lines and `-o export` streams: never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        let _ = faultline::parse::journal::json_line(line, 1);
    }
    let mut n = 0usize;
    let _ = faultline::parse::journal::export(data, |_| n += 1);
});
