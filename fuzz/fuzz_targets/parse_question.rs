//! Any text as a lone question.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = dealcheck::syntax::parse_question(dealcheck::source::FileId(0), text);
});
