//! `dealcheck ask PATH "QUESTION"`

use super::{err, out, Common, Format};
use dealcheck::report::{render_answer, render_diagnostic, DiagnosticRecord};
use dealcheck::RuleSet;
use std::path::Path;

pub fn run(common: &Common, path: &Path, question: &str) -> u8 {
    let rule_set = RuleSet::load(path);
    let render = common.render();
    if rule_set.has_errors() {
        match common.format {
            Format::Json => {
                let records: Vec<DiagnosticRecord> = rule_set
                    .diagnostics()
                    .iter()
                    .map(|d| DiagnosticRecord::new(d, rule_set.sources()))
                    .collect();
                let json = serde_json::json!({ "question": question, "verdict": null, "diagnostics": records });
                out(&format!("{json:#}\n"));
            }
            _ => {
                for d in rule_set.diagnostics() {
                    err(&render_diagnostic(d, rule_set.sources(), render));
                }
                err("the rule set is invalid: no question answered\n");
            }
        }
        return 2;
    }
    match rule_set.ask(question, &common.options()) {
        Ok(answer) => {
            match common.format {
                Format::Json => {
                    let json = serde_json::json!({
                        "question": question,
                        "verdict": answer.verdict,
                        "explanation": answer.explanation,
                    });
                    out(&format!("{json:#}\n"));
                }
                _ => out(&render_answer(&answer)),
            }
            0
        }
        Err(e) => {
            match common.format {
                Format::Json => {
                    let json = serde_json::json!({
                        "question": question,
                        "verdict": null,
                        "diagnostics": e.diagnostics.iter().map(|d| serde_json::json!({
                            "code": d.code, "severity": d.severity, "message": d.message, "help": d.help,
                        })).collect::<Vec<_>>(),
                    });
                    out(&format!("{json:#}\n"));
                }
                _ => err(&rule_set.render_ask_error(&e, render)),
            }
            2
        }
    }
}
