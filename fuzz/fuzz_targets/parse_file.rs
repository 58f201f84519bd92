//! Any bytes as one file: load (decode), parse, check and evaluate, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = dealcheck::load::decode("fuzz.deal", data.to_vec()) else {
        return;
    };
    let (_tree, _diagnostics) = dealcheck::syntax::parse_file(dealcheck::source::FileId(0), &text);
});
