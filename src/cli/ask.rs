//! `dealcheck ask PATH "QUESTION"`

use super::{err, out, Common};
use dealcheck::report::{render_answer, Format};
use dealcheck::RuleSet;
use std::path::Path;

pub fn run(common: &Common, path: &Path, question: &str, format: Format) -> u8 {
    let rule_set = RuleSet::load(path);
    match rule_set.ask(question, &common.options()) {
        Ok(answer) => {
            match format {
                Format::Json => {
                    let mut json = serde_json::json!({
                        "question": question,
                        "verdict": answer.verdict,
                        "explanation": answer.explanation,
                    });
                    if let (Some(value), Some(record)) = (answer.value(), json.as_object_mut()) {
                        record.insert("value".into(), serde_json::json!(value));
                    }
                    out(&format!("{json:#}\n"));
                }
                // `ask` is not offered DOT (`Format::ASK`); were it asked for, text is written.
                Format::Text | Format::Dot | Format::Svg | Format::Html => {
                    out(&render_answer(&answer))
                }
            }
            0
        }
        Err(e) => {
            match format {
                Format::Json => {
                    let json = serde_json::json!({
                        "question": question,
                        "verdict": null,
                        "diagnostics": rule_set.ask_error_records(&e),
                    });
                    out(&format!("{json:#}\n"));
                }
                Format::Text | Format::Dot | Format::Svg | Format::Html => {
                    err(&rule_set.render_ask_error(&e, common.render()));
                }
            }
            2
        }
    }
}
