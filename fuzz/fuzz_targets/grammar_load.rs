//! A grammar file (TOML) loaded against the embedded macros: an error is
//! fine, a panic is not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static MACROS: LazyLock<faultline::grammar::load::Macros> = LazyLock::new(|| {
    faultline::grammar::load_embedded()
        .expect("embedded grammars load")
        .0
});

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = faultline::grammar::load_text("fuzz.toml", text, &MACROS);
    }
});
