//! Any bytes given to the snapshot loader: an error or a snapshot, never a panic. A snapshot that
//! loads survives tag redaction and writes back to JSON that loads to the same snapshot.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut snapshot) = drready::snapshot::parse(data, "fuzz.json") else {
        return;
    };
    snapshot.redact_tags(&["owner".to_string()]);
    let bytes = serde_json::to_vec(&snapshot).expect("a loaded snapshot serializes");
    let again = drready::snapshot::parse(&bytes, "fuzz-again.json").expect("and loads again");
    assert_eq!(again, snapshot);
});
