//! Any text given to the drready.toml loader: an error or a configuration, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = drready::config::Config::parse(text, std::path::Path::new("fuzz.toml"));
});
