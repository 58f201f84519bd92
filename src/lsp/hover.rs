//! What hovering shows: a declared name's meaning in the checked rule set (a party's group,
//! units and rights; a term's window, amount, status and whether it is in force; an event's
//! possible days), a keyword's line from the language guide, a check's answer.

use crate::ast::RightKind;
use crate::check::resolved::{TermKind, Who};
use crate::check::{Program, Symbol, TermId};
use crate::model::world::World;
use crate::RuleSet;
use std::fmt::Write;

/// One line from docs/language.md for each keyword.
pub fn keyword_doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "as" | "of" => "`as of DATE`: the day the rule set is evaluated on (once per rule set); `part of G`: a unit of group G",
        "party" => "`party Name [\"label\"] [part of Group]`: a company, fund or person",
        "part" => "`part of Group`: the party is a unit of Group; a group's rights cover its units",
        "asset" => "`asset Owner.name [\"label\"]`: something a party owns, that rights are over",
        "action" => "`action name`: something a party may do with an asset (`host`, `resell`)",
        "channel" => "`channel name`: a route an action goes through (`via channel`)",
        "event" => "`event name [on DATE | expected PERIOD]`: a day that may be unknown",
        "expected" => "`expected PERIOD`: the event falls on some day of the period, not known which",
        "deal" => "`deal name [\"label\"] { … }`: a contract: parties, status, dates, sources and terms",
        "between" => "`between A, B` in a deal: its parties; `between X and Y`: a range (money, days)",
        "status" => "`status signed|announced|reported|proposed|terminated on DAY`: whether the deal counts",
        "signed" => "`status signed`: the deal is in force",
        "announced" => "`status announced`: the deal counts as in force",
        "reported" => "`status reported`: counts only when a rule assumes it (`assuming deal`)",
        "proposed" => "`status proposed`: counts only when a rule assumes it (`assuming deal`)",
        "terminated" => "`status terminated on DAY`: the deal's terms stop applying from that day",
        "dated" => "`dated DATE`: when the deal was made; later deals amend earlier ones",
        "source" => "`source \"…\"`: where the deal's facts come from; cited in explanations",
        "invest" => "`invest MONEY from A in B [at valuation MONEY] [WINDOW]`: A invests in B",
        "pay" => "`pay MONEY [per year|quarter|month] from A to B [for \"what\"] [WINDOW]`: a payment",
        "lease" => "`lease \"what\" from A to B [worth MONEY] [WINDOW]`: A leases to B; money flows B → A",
        "supply" => "`supply \"what\" from A to B [worth MONEY] [WINDOW]`: A supplies B; money flows B → A",
        "worth" => "`worth MONEY [per PERIOD]`: the value of a lease or supply",
        "grant" => "`grant WHO may ACTION Owner.asset [via CHANNEL] [WINDOW]`: a licence",
        "exclusive" => "`exclusive P may ACTION ASSET …`: P may, and nobody else (the owner neither)",
        "sole" => "`sole P may ACTION ASSET …`: P and the owner may, nobody else",
        "forbid" => "`forbid WHO ACTION ASSET …`: WHO may not; a prohibition wins over a grant",
        "terminate" => "`terminate deal[.label] [on DAY]`: an amendment ending a deal or a term",
        "everyone" => "`everyone [except A, B]`: every party (but those listed)",
        "except" => "`everyone except A, B`",
        "may" => "`WHO may ACTION ASSET`",
        "via" => "`via channel[, channel]`: the route the right covers",
        "from" => "`from POINT`: the window's first day; `from A to B`: who pays whom",
        "until" => "`until POINT`: the window's last day (inclusive)",
        "for" => "`for DURATION`: the window's length; `for \"what\"`: what a payment is for",
        "on" => "`on POINT`: that day (or period); `terminated on`, `assuming E on DAY`",
        "during" => "`during PERIOD`: every day of the period",
        "sometime" => "`sometime in PERIOD` / `sometime between D1 and D2`: one day, not known which",
        "start" => "`start(deal.label)`: the term's first day (`start(deal)`: the deal's)",
        "end" => "`end(deal.label)`: the term's last day",
        "earliest" => "`earliest(P, Q, …)`: the first of several days",
        "latest" => "`latest(P, Q, …)`: the last of several days",
        "rule" => "`rule name [\"label\"] { assuming … ask … assert … }`: questions with expected answers",
        "assuming" => "`assuming deal` / `assuming event on DAY` / `assuming start|end(REF) on DAY`: a scenario",
        "ask" => "`ask QUESTION [expect yes|no|unknown]`: answered in the report; fails when the answer differs",
        "expect" => "`expect yes|no|unknown`: the answer the check must give",
        "assert" => "`assert QUESTION`: the answer must be yes",
        "can" => "`can P [always] ACTION ASSET [via C] [WHEN]`: may P act (some day / every day of WHEN)?",
        "always" => "`can P always …`: on every day of WHEN, not just some day",
        "active" => "`active(deal[.label]) [WHEN]`: is the deal or term in force?",
        "before" => "`before POINT`: the days before it",
        "after" => "`after POINT`: the days after it",
        "in" => "`in PERIOD`: some day of it; `invest … in B`: the investee",
        "and" | "or" | "not" => "`and`, `or`, `not`: three-valued logic (unknown and no is no; unknown or yes is yes)",
        "yes" | "no" | "unknown" => "a verdict: yes, no, or unknown (it depends on what is not known yet)",
        "invested" => "`invested(A, B) [WHEN]`: money A invested in B (with units)",
        "paid" => "`paid(A, B) [WHEN]`: money A paid B (payments, leases, supplies)",
        "flow" => "`flow(A, B) [WHEN]`: all money from A to B",
        "roundtrip" => "`roundtrip(A, B)`: the share of A's money to B that comes back to A",
        "valuation" => "`valuation(P)`: the valuation of P's latest investment round",
        "undisclosed" => "`undisclosed USD`: an amount not made public (any non-negative amount)",
        "up" | "to" => "`up to MONEY`: at most; `from A to B`: payer to payee",
        "at" | "least" => "`at least MONEY`: no less than; `at valuation MONEY`",
        "when" => "`when can P ACTION ASSET`: the days P may act (certain, possible, never)",
        "who" => "`who can ACTION ASSET [WHEN]`: every party that may act",
        "rate" => "`rate 1 GBP = 1.27 USD`: an exchange rate for sums and comparisons",
        "per" => "`per year|quarter|month`: the amount is due each whole period of the window",
        _ => return None,
    })
}

/// A declared name explained from the checked rule set (Markdown).
pub fn symbol_doc(rules: &RuleSet, world: Option<&World<'_>>, key: &str) -> Option<String> {
    let program = rules.program();
    if let Some((deal, label)) = key.split_once('.') {
        if let Some(deal_id) = program.deal(deal) {
            let index = program
                .term_labels(deal_id)
                .position(|l| l == Some(label))?;
            return Some(term_doc(rules, world, TermId::new(deal_id, index)));
        }
        let asset = program.asset_by_name(key)?;
        let decl = program.assets.get(asset)?;
        let mut out = format!("**asset** `{key}`");
        push_label(&mut out, decl.label.as_deref(), decl.doc.as_deref());
        let holders = rights(program, |_, asset_id, _| asset_id == asset);
        push_list(&mut out, "Rights over it", &holders);
        return Some(out);
    }
    let symbol = program.symbol(key)?;
    Some(match symbol {
        Symbol::Party(p) => {
            let decl = program.parties.get(p)?;
            let mut out = format!("**party** `{key}`");
            push_label(&mut out, decl.label.as_deref(), decl.doc.as_deref());
            if let Some(Some(group)) = program.parent.get(p) {
                let _ = write!(out, "\n\nPart of `{}`", program.party_name(*group));
            }
            let units: Vec<String> = program
                .units
                .get(p)
                .into_iter()
                .flatten()
                .map(|u| format!("`{}`", program.party_name(*u)))
                .collect();
            if !units.is_empty() {
                let _ = write!(out, "\n\nUnits: {}", units.join(", "));
            }
            let held = rights(program, |who, _, _| who_names(who, p));
            push_list(&mut out, "Rights", &held);
            out
        }
        Symbol::Event(e) => {
            let decl = program.events.get(e)?;
            let mut out = format!("**event** `{key}`");
            push_label(&mut out, decl.label.as_deref(), decl.doc.as_deref());
            if let Some(world) = world {
                let day = world.event(e);
                let _ = write!(out, "\n\nPossible days: {}", days(day.lo, day.hi));
            }
            out
        }
        Symbol::Action(a) => simple("action", key, program.actions.get(a)?),
        Symbol::Channel(c) => simple("channel", key, program.channels.get(c)?),
        Symbol::Deal(d) => {
            let tree = program.deal_tree(d)?;
            let mut out = format!("**deal** `{key}`");
            push_label(&mut out, tree.label.as_deref(), tree.doc.as_deref());
            if let Some(world) = world {
                let in_force = if world.deal_in_force(d) {
                    "in force"
                } else {
                    "not in force"
                };
                let _ = write!(
                    out,
                    "\n\nStatus: {} ({in_force})",
                    status_word(tree.status.as_ref().map(|s| &s.node))
                );
            }
            let _ = write!(out, "\n\n{} terms", tree.terms.len());
            out
        }
        Symbol::Rule(_) => return None,
    })
}

fn simple(kind: &str, key: &str, decl: &crate::ast::SimpleDecl) -> String {
    let mut out = format!("**{kind}** `{key}`");
    push_label(&mut out, decl.label.as_deref(), decl.doc.as_deref());
    out
}

fn push_label(out: &mut String, label: Option<&str>, doc: Option<&str>) {
    if let Some(label) = label {
        let _ = write!(out, " — {label}");
    }
    if let Some(doc) = doc {
        let _ = write!(out, "\n\n{doc}");
    }
}

fn push_list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "\n\n{title}:");
    for item in items.iter().take(20) {
        let _ = write!(out, "\n- {item}");
    }
    if items.len() > 20 {
        let _ = write!(out, "\n- … and {} more", items.len() - 20);
    }
}

fn who_names(who: &Who, party: usize) -> bool {
    match who {
        Who::Party(p) => p.id() == party,
        Who::Parties(ps) => ps.iter().any(|p| p.id() == party),
        Who::Everyone { .. } => false,
    }
}

/// Every right term that `pick(who, asset, kind)` selects, as a line.
fn rights(program: &Program, pick: impl Fn(&Who, usize, RightKind) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for (id, term) in program.terms() {
        if let TermKind::Right {
            kind,
            who,
            action,
            asset,
            ..
        } = &term.kind
        {
            if pick(who, asset.id(), *kind) {
                out.push(format!(
                    "{} {} {} ({})",
                    right_word(*kind),
                    program.action_text(action.id()),
                    asset_name(program, asset.id()),
                    program.term_name(id)
                ));
            }
        }
    }
    out
}

/// `Owner.name`.
fn asset_name(program: &Program, asset: usize) -> String {
    match program.assets.get(asset) {
        Some(decl) => format!("{}.{}", decl.owner.node, decl.name.node),
        None => program.asset_text(asset).to_string(),
    }
}

fn right_word(kind: RightKind) -> &'static str {
    match kind {
        RightKind::Grant => "may",
        RightKind::Exclusive => "exclusively may",
        RightKind::Sole => "solely may",
        RightKind::Forbid => "may not",
    }
}

fn status_word(status: Option<&crate::check::resolved::Status>) -> &'static str {
    use crate::ast::Status;
    match status {
        None | Some(Status::Signed) => "signed",
        Some(Status::Announced) => "announced",
        Some(Status::Reported) => "reported",
        Some(Status::Proposed) => "proposed",
        Some(Status::TerminatedOn(_)) => "terminated",
    }
}

fn days(lo: crate::Day, hi: crate::Day) -> String {
    crate::model::time::Interval::new(lo, hi).to_string()
}

/// A term: its window (certain and possible days), amount, status and whether it is in force.
fn term_doc(rules: &RuleSet, world: Option<&World<'_>>, id: TermId) -> String {
    let program = rules.program();
    let mut out = format!("**term** `{}`", program.term_name(id));
    let Some(term) = program.term(id) else {
        return out;
    };
    if let TermKind::Flow {
        amount: Some(amount),
        ..
    } = &term.kind
    {
        let _ = write!(out, "\n\nAmount: {}", rules.sources().slice(amount.span));
    }
    let Some(world) = world else {
        let _ = write!(
            out,
            "\n\n(the rule set has errors: windows are not worked out)"
        );
        return out;
    };
    if let Some(window) = world.window(id) {
        let certain = window.certain();
        let possible = window.possible();
        let _ = write!(
            out,
            "\n\nCertainly applies: {}\n\nPossibly applies: {}",
            certain, possible
        );
    }
    let deal = id.deal();
    let status = program
        .deal_tree(deal)
        .and_then(|d| d.status.as_ref())
        .map(|s| &s.node);
    let in_force = if world.deal_in_force(deal) {
        "in force"
    } else {
        "not in force"
    };
    let _ = write!(out, "\n\nStatus: {} ({in_force})", status_word(status));
    out
}
