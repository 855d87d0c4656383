//! Embeds `grammars/*.toml` into the binary: writes `$OUT_DIR/grammars.rs`,
//! a list of (file name, contents) pairs, so adding a grammar needs no Rust.

use std::io::Write;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
    println!("cargo:rerun-if-changed=grammars");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("grammars.rs");
    let mut f = std::fs::File::create(out).expect("create grammars.rs");
    writeln!(f, "&[").unwrap();
    for p in files {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(
            f,
            "    ({name:?}, include_str!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(f, "]").unwrap();
}
