//! nginx access lines (every built-in `log_format`, plus one compiled from
//! the input's first line) and error lines: never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static BUILTIN: LazyLock<Vec<faultline::parse::nginx::LogFormat>> =
    LazyLock::new(faultline::parse::nginx::LogFormat::builtin);

fuzz_target!(|data: &[u8]| {
    for f in BUILTIN.iter() {
        if let Some(a) = f.parse(data) {
            let _ = a.client();
        }
    }
    let _ = faultline::parse::nginx::error_line(data);
    // The first line as a `log_format`, the rest as a line in that format.
    if let Some(nl) = data.iter().position(|&b| b == b'\n') {
        let fmt = String::from_utf8_lossy(&data[..nl]);
        let f = faultline::parse::nginx::LogFormat::compile("fuzz", &fmt);
        let _ = f.parse(&data[nl + 1..]);
        let _ = faultline::parse::nginx::log_formats_in_config(&String::from_utf8_lossy(data));
    }
});
