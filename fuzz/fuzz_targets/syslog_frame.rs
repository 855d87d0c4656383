//! The syslog frame parser on any line: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = faultline::parse::syslog::parse(data);
    let _ = faultline::parse::syslog::marker(data);
});
