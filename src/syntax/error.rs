//! pest's errors, turned once into our diagnostics with the expected things said in words.

use super::grammar::{is_keyword, Rule};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a user calls the thing a grammar rule stands for, or `None` for rules too internal to
/// mention (their parents are named instead).
fn describe(rule: Rule) -> Option<String> {
    let text = match rule {
        Rule::name | Rule::event_ref => "a name",
        Rule::decl_name => "a new name",
        Rule::label | Rule::label_text => "a \"label\"",
        Rule::number | Rule::number_part | Rule::digits => "a number",
        Rule::percent => "a percentage",
        Rule::money | Rule::money_exact | Rule::amount => "an amount of money like `10B USD`",
        Rule::currency_code => "a currency code like `USD`",
        Rule::currency_sign => "a currency sign",
        Rule::scale_suffix | Rule::scale_word => "a scale like `B` or `billion`",
        Rule::date | Rule::year4 | Rule::date_year => {
            "a date like `2025-11-03`, `2026-Q1` or `2030s`"
        }
        Rule::two_digits | Rule::one_digit => "a digit",
        Rule::duration | Rule::duration_part => "a duration like `7 years`",
        Rule::duration_unit => "a unit (`years`, `months`, `weeks`, `days`)",
        Rule::point
        | Rule::sometime
        | Rule::start_of
        | Rule::end_of
        | Rule::earliest
        | Rule::latest => "a date or point in time",
        Rule::point_shift | Rule::plus | Rule::minus => "`+`/`-` a duration",
        Rule::item | Rule::as_of | Rule::party_decl | Rule::asset_decl | Rule::action_decl => {
            "a declaration"
        }
        Rule::channel_decl | Rule::event_decl | Rule::deal | Rule::rule_decl => "a declaration",
        Rule::asset_name | Rule::asset_ref => "an asset written `Owner.asset`",
        Rule::term | Rule::term_label | Rule::term_body => {
            "a term (`invest`, `pay`, `lease`, `grant`, …)"
        }
        Rule::invest | Rule::pay | Rule::lease | Rule::supply | Rule::grant => "a term",
        Rule::exclusive | Rule::sole | Rule::forbid | Rule::terminate => "a term",
        Rule::deal_between | Rule::deal_status | Rule::deal_dated | Rule::deal_source => {
            "a deal line"
        }
        Rule::status | Rule::status_terminated => {
            "a status (`signed`, `announced`, `reported`, `proposed`, `terminated on …`)"
        }
        Rule::who | Rule::everyone => "a party name or `everyone`",
        Rule::reference => "a deal or term name",
        Rule::via => "`via`",
        Rule::window
        | Rule::window_on
        | Rule::window_during
        | Rule::window_from
        | Rule::window_until => "a window",
        Rule::window_for => "`for` a duration",
        Rule::question | Rule::and_q | Rule::not_q | Rule::paren_q | Rule::primary_q => {
            "a question"
        }
        Rule::can_q | Rule::active_q | Rule::comparison | Rule::value | Rule::value_fn => {
            "a question"
        }
        Rule::verdict => "`yes`, `no` or `unknown`",
        Rule::cmp_op => "a comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`)",
        Rule::or_op | Rule::and_op => "`and` or `or`",
        Rule::not_op => "`not`",
        Rule::always => "`always`",
        Rule::when | Rule::when_before | Rule::when_after | Rule::when_on | Rule::when_in => {
            "a time (`before`, `after`, `in`, `on`, `during`, `between`)"
        }
        Rule::when_during | Rule::when_between => {
            "a time (`before`, `after`, `in`, `on`, `during`, `between`)"
        }
        Rule::assuming | Rule::ask | Rule::assert | Rule::rule_item => {
            "`assuming`, `ask` or `assert`"
        }
        Rule::event_on | Rule::event_expected => "`on` or `expected`",
        Rule::valuation_clause => "`at valuation`",
        Rule::for_what => "`for \"what\"`",
        Rule::worth => "`worth`",
        Rule::EOI => "end of input",
        Rule::OPEN => "`(`",
        Rule::CLOSE => "`)`",
        Rule::COMMA => "`,`",
        Rule::money_up_to
        | Rule::money_at_least
        | Rule::money_between
        | Rule::money_undisclosed => "an amount of money",
        other => {
            let debug = format!("{other:?}");
            if debug.chars().all(|c| c.is_ascii_uppercase()) {
                return Some(format!("`{}`", debug.to_ascii_lowercase()));
            }
            return None;
        }
    };
    Some(text.to_string())
}

/// Joins `a`, `b` and `c` the way a person would.
fn one_of(mut items: Vec<String>) -> String {
    items.sort();
    items.dedup();
    match items.len() {
        0 => "something else".to_string(),
        1 => items.concat(),
        _ => {
            let last = items.pop().unwrap_or_default();
            format!("{} or {}", items.join(", "), last)
        }
    }
}

pub(super) fn from_pest(
    error: &Error<Rule>,
    file: FileId,
    offset: usize,
    text: &str,
) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let found = describe_found(text, start);
    let mut help = None;
    let message = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let expected: Vec<String> = positives.iter().filter_map(|r| describe(*r)).collect();
            help = number_hint(positives, text, start)
                .or_else(|| phrasing_hint(positives, text, start))
                .or_else(|| misspelt_keyword(positives, found_word(text, start)))
                .or_else(|| lookalike_space(text, start))
                .or_else(|| date_hint(positives, text, start));
            format!("expected {}, found {found}", one_of(expected))
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let end = end.max(start + found_len(text, start));
    Diagnostic::error(
        codes::SYNTAX,
        Span::new(file, offset + start, offset + end),
        message,
    )
    .with_label("not expected here")
    .with_help(help.unwrap_or_else(|| "see docs/language.md for the syntax of each item".into()))
}

/// The keywords that can start what `rule` stands for, for "did you mean": a keyword rule's
/// own word, or the words a user picks from (`signed`, `years`, `before`, `grant`…).
pub(super) fn keywords_of(rule: Rule) -> Vec<String> {
    let words: &[&str] = match rule {
        Rule::status => &["signed", "announced", "reported", "proposed", "terminated"],
        Rule::verdict => &["yes", "no", "unknown"],
        Rule::duration_unit => &[
            "years", "year", "months", "month", "weeks", "week", "days", "day",
        ],
        Rule::when => &["before", "after", "on", "in", "during", "between"],
        Rule::term | Rule::term_label | Rule::term_body => &super::TERM_KEYWORDS,
        Rule::window => &["from", "until", "for", "on", "during"],
        other if is_keyword(other) => {
            // Punctuation rules (`OPEN` is `(`) are keyword rules too: only the table's words.
            let word = format!("{other:?}").to_ascii_lowercase();
            return if super::KEYWORDS.contains(&word.as_str()) {
                vec![word]
            } else {
                Vec::new()
            };
        }
        _ => &[],
    };
    words.iter().map(|w| (*w).to_string()).collect()
}

/// "did you mean `deal`?" when the word found is one typo (two in longer words) away from a
/// keyword that could stand there. Edit distance, not the name matcher's Jaro–Winkler: keyword
/// typos are short words with swapped letters (`mya`, `yse`), which Jaro–Winkler scores low.
fn misspelt_keyword(expected: &[Rule], found: &str) -> Option<String> {
    let found = found.to_lowercase();
    if found.is_empty() {
        return None;
    }
    let limit = if found.chars().count() <= 4 { 1 } else { 2 };
    let mut candidates: Vec<(usize, String)> = expected
        .iter()
        .flat_map(|r| keywords_of(*r))
        .map(|k| (strsim::osa_distance(&found, &k), k))
        .filter(|(d, k)| *d <= limit && *k != found)
        .collect();
    candidates.sort();
    let (_, keyword) = candidates.into_iter().next()?;
    Some(format!("did you mean `{keyword}`?"))
}

/// Help for what people write the way prose, spreadsheets or other languages do: `Yes`,
/// `between A and B`, `status: signed`, `invest … to Q`, `can` in a term, `?` after a question,
/// `Nov 2025`, `Q1 2027`, `2025/11/03`, `10 bn`, `usd`, `USD 10B`, an amount with no currency or
/// with two. Each says how the language writes it.
fn phrasing_hint(expected: &[Rule], text: &str, at: usize) -> Option<String> {
    let expects = |rule: Rule| expected.contains(&rule);
    let word = found_word(text, at);
    let before = text.get(..at)?.trim_end();
    let previous = last_word(before);
    let rest = text.get(at..)?;
    if rest.starts_with('?') {
        return Some("a question ends without `?`".into());
    }
    let lower = word.to_lowercase();
    if lower != word
        && expected
            .iter()
            .flat_map(|r| keywords_of(*r))
            .any(|k| k == lower)
    {
        return Some(format!("keywords are lower case: `{lower}`"));
    }
    if expects(Rule::scale_suffix) || expects(Rule::scale_word) {
        let scale = match lower.as_str() {
            "bn" | "bln" | "b" => Some("B"),
            "mn" | "mln" | "mm" | "m" => Some("M"),
            "tn" | "t" => Some("T"),
            _ => None,
        };
        if let Some(s) = scale {
            return Some(format!(
                "write the scale `{s}` (attached: `10{s}`) or as a word (`billion`)"
            ));
        }
        if ["thousands", "millions", "billions", "trillions"].contains(&lower.as_str()) {
            return Some(format!(
                "write the scale in the singular: `{}`",
                lower.trim_end_matches('s')
            ));
        }
    }
    if expects(Rule::currency_code)
        && word.len() == 3
        && word.chars().all(|c| c.is_ascii_alphabetic())
    {
        return Some(format!(
            "currency codes are upper case: `{}`",
            word.to_ascii_uppercase()
        ));
    }
    if expects(Rule::currency_code) && !word.is_empty() {
        return Some("an amount needs its currency: `10B USD` or `$10B`".into());
    }
    if expects(Rule::COMMA) && word == "and" {
        return Some("names in a list are separated by commas: `between A, B`".into());
    }
    if let Some(keyword) = before.strip_suffix(':').map(|b| last_word(b.trim_end())) {
        if ["status", "dated", "source", "between"].contains(&keyword) {
            return Some(format!("`{keyword}` takes no colon: `{keyword} {word}`"));
        }
    }
    if expects(Rule::IN) && word == "to" {
        return Some("an investment goes `in` the company: `invest M from P in Q`".into());
    }
    if expects(Rule::TO) && word == "in" {
        return Some("a payment, lease or supply goes `to` a party: `… from P to Q`".into());
    }
    if expects(Rule::UNTIL) && matches!(word, "to" | "till" | "through" | "thru") {
        return Some(format!(
            "a window ends with `until`, not `{word}`: `from 2025 until 2030`"
        ));
    }
    if expects(Rule::MAY) && word == "can" {
        return Some("a licence says `may`: `exclusive P may X A` (`can` asks a question)".into());
    }
    if expects(Rule::cmp_op) && word == "may" {
        return Some("a question about a right is written `can P X A`".into());
    }
    let is_code = |w: &str| w.len() == 3 && w.chars().all(|c| c.is_ascii_uppercase());
    if is_code(word) && (expects(Rule::money) || expects(Rule::amount)) {
        return Some(format!(
            "the currency code goes after the amount: `10B {word}` (a sign goes before: `$10B`)"
        ));
    }
    if is_code(word) {
        // `£3 thousand GBP`: the amount before already has its currency, as a sign.
        let line = before.rsplit('\n').next().unwrap_or(before);
        let sign = line.rfind(['$', '€', '£'])?;
        let amount = line.get(sign..)?;
        let only_amount = amount
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == ' ');
        if only_amount {
            let sign = amount.chars().next()?;
            return Some(format!(
                "the amount already has its currency (`{sign}`): drop `{word}`, or the sign"
            ));
        }
    }
    let four_digits = |w: &str| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit());
    // `q1`, `H2`…: a quarter or half, as the language writes it.
    let quarter = |w: &str| {
        let upper = w.to_ascii_uppercase();
        ["Q1", "Q2", "Q3", "Q4", "H1", "H2"]
            .contains(&upper.as_str())
            .then_some(upper)
    };
    if rest.starts_with('/') && four_digits(previous) {
        return Some("dates are written with `-`: `2025-11-03`".into());
    }
    if four_digits(word) {
        if let Some(month) = month_number(previous) {
            return Some(format!("write a month after its year: `{word}-{month:02}`"));
        }
        if let Some(q) = quarter(previous) {
            return Some(format!(
                "write a quarter or half after its year: `{word}-{q}`"
            ));
        }
    }
    // `2027Q1` is one word; `2027-q1` stops at `q1`.
    if let (Some(year), Some(q)) = (word.get(..4), word.get(4..).and_then(quarter)) {
        if four_digits(year) {
            return Some(format!(
                "write a quarter or half after its year: `{year}-{q}`"
            ));
        }
    }
    if let (Some(q), Some(year)) = (quarter(word), before.strip_suffix('-')) {
        let year = last_word(year);
        return Some(format!("quarters and halves are upper case: `{year}-{q}`"));
    }
    None
}

/// The word (letters, digits, `_`) that ends `text`.
fn last_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(text.len(), |(i, _)| i);
    text.get(start..).unwrap_or("")
}

/// `Nov`, `november`, `Sept` → the month's number.
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = word.to_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let index = MONTHS.iter().position(|m| m.starts_with(lower.as_str()))?;
    u32::try_from(index + 1).ok()
}

/// Help for the ways people write numbers that the language does not: `10 B` (the scale stands
/// attached: `10B`) and `1,000` (`1_000` or `1000`).
fn number_hint(expected: &[Rule], text: &str, at: usize) -> Option<String> {
    if !expected.contains(&Rule::scale_suffix) && !expected.contains(&Rule::scale_word) {
        return None;
    }
    let rest = text.get(at..)?;
    if rest.starts_with(',') {
        return Some("numbers take `_` between digit groups, not `,`: `1_000` or `1000`".into());
    }
    let word = found_word(text, at);
    if !["k", "M", "B", "T"].contains(&word) {
        return None;
    }
    let before = text.get(..at)?.trim_end();
    let digits = before.len()
        - before
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '_')
            .len();
    let number = before
        .get(before.len() - digits..)
        .filter(|n| !n.is_empty())
        .unwrap_or("10");
    Some(format!(
        "write the scale attached to the number: `{number}{word}`"
    ))
}

/// Help for dates written as other tools write them: `2025-1-5` (months and days take two
/// digits) and `2025-01-01T09:00` (a date is a whole day).
fn date_hint(expected: &[Rule], text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if expected.contains(&Rule::two_digits) && digits == 1 {
        return Some("months and days take two digits: `2025-01-05`".into());
    }
    // `from 2025-11-3` reads as the month 2025-11 minus 3 of some unit, and fails later.
    if expected.contains(&Rule::duration_unit) {
        let before = text.get(..at)?.trim_end();
        let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
        let parts: Vec<&str> = last.split('-').collect();
        if let [year, month, day] = parts.as_slice() {
            let all_digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
            if year.len() == 4 && [year, month, day].iter().all(|p| all_digits(p)) {
                return Some(format!(
                    "if `{last}` is a date, write it `{year}-{month:0>2}-{day:0>2}`: months and days take two digits"
                ));
            }
        }
    }
    if expected.contains(&Rule::date) {
        let date = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '-')
            .count();
        if date >= 10 && rest.get(date..)?.starts_with('T') {
            return Some(format!(
                "a date is a whole day: drop the time of day (`{}`)",
                rest.get(..date)?
            ));
        }
    }
    None
}

/// Help for a no-break or zero-width space where the text stops making sense.
fn lookalike_space(text: &str, at: usize) -> Option<String> {
    let c = text.get(at..)?.chars().next()?;
    let code = format!("U+{:04X}", u32::from(c));
    if !looks_like_space(c) {
        return None;
    }
    let fix = if is_invisible(c) {
        format!("remove {code}")
    } else {
        format!("replace {code} with a plain space")
    };
    Some(format!(
        "{fix} (such characters often come with text pasted from a web page or a word processor)"
    ))
}

/// Zero-width and other format characters: invisible where they stand.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// A character that looks like white space (or like nothing) but is not read as white space.
fn looks_like_space(c: char) -> bool {
    !c.is_ascii() && (c.is_whitespace() || is_invisible(c))
}

/// The word (name or keyword) that starts at `at`, or "" if none does.
fn found_word(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let len: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    rest.get(..len).unwrap_or("")
}

fn found_len(text: &str, at: usize) -> usize {
    match found_word(text, at).len() {
        0 => text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8),
        word => word,
    }
}

fn describe_found(text: &str, at: usize) -> String {
    let rest = text.get(at..).unwrap_or("");
    let len = found_len(text, at);
    match rest.get(..len) {
        None | Some("") => "end of file".to_string(),
        // A no-break or zero-width space pasted from a web page looks like a space but is not
        // one: name it, or the message would point at nothing visible.
        Some(s) if s.chars().any(looks_like_space) => s
            .chars()
            .next()
            .map(|c| {
                format!(
                    "U+{:04X}, which looks like white space but is not",
                    u32::from(c)
                )
            })
            .unwrap_or_default(),
        Some(s) if s.trim().is_empty() => "white space".to_string(),
        Some(s) => format!("`{s}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyword_typo_is_one_edit_away() {
        assert_eq!(
            misspelt_keyword(&[Rule::MAY], "mya").as_deref(),
            Some("did you mean `may`?")
        );
        assert_eq!(
            misspelt_keyword(&[Rule::status], "Sigend").as_deref(),
            Some("did you mean `signed`?")
        );
        // Short words allow one edit, so `into` is not taken for `in`; nor is a name for a keyword.
        assert_eq!(misspelt_keyword(&[Rule::IN], "into"), None);
        assert_eq!(misspelt_keyword(&[Rule::FROM], "Amazon"), None);
        // The word itself is not a typo of itself, and nothing found suggests nothing.
        assert_eq!(misspelt_keyword(&[Rule::MAY], "may"), None);
        assert_eq!(misspelt_keyword(&[Rule::MAY], ""), None);
    }

    #[test]
    fn the_closest_keyword_wins() {
        // The fewest edits win; ties go alphabetically (`nod` is one edit from `no` and `not`).
        assert_eq!(
            misspelt_keyword(&[Rule::when], "befor").as_deref(),
            Some("did you mean `before`?")
        );
        assert_eq!(
            misspelt_keyword(&[Rule::verdict, Rule::NOT], "nod").as_deref(),
            Some("did you mean `no`?")
        );
    }

    #[test]
    fn prose_phrasings_get_the_language_s_way_of_writing_them() {
        let cases: [(&[Rule], &str, usize, &str); 6] = [
            (
                &[Rule::COMMA],
                "between A and B",
                10,
                "names in a list are separated by commas: `between A, B`",
            ),
            (
                &[Rule::term],
                "status: signed",
                8,
                "`status` takes no colon: `status signed`",
            ),
            (
                &[Rule::verdict],
                "expect Yes",
                7,
                "keywords are lower case: `yes`",
            ),
            (
                &[Rule::term],
                "from Sept 2025",
                10,
                "write a month after its year: `2025-09`",
            ),
            (
                &[Rule::two_digits],
                "from 2027-h2",
                10,
                "quarters and halves are upper case: `2027-H2`",
            ),
            (
                &[Rule::FROM],
                "invest €3M EUR from",
                13,
                "the amount already has its currency (`€`): drop `EUR`, or the sign",
            ),
        ];
        for (expected, text, at, help) in cases {
            assert_eq!(
                phrasing_hint(expected, text, at).as_deref(),
                Some(help),
                "{text}"
            );
        }
        let hint = |expected: &[Rule], text: &str, at: usize| phrasing_hint(expected, text, at);
        // Nothing said where nothing is known: a plain unexpected name, a month-like name alone.
        assert_eq!(hint(&[Rule::FROM], "invest 3M USD Amazon", 14), None);
        assert_eq!(hint(&[Rule::term], "from May", 5), None);
        assert_eq!(month_number("ma"), None);
    }

    #[test]
    fn numbers_and_dates_written_the_usual_other_ways_get_a_hint() {
        let scale = [Rule::currency_code, Rule::scale_word];
        assert_eq!(
            number_hint(&scale, "pay 2.5 B USD", 8).as_deref(),
            Some("write the scale attached to the number: `2.5B`")
        );
        assert_eq!(number_hint(&scale, "pay 2.5 USD", 8), None);
        assert_eq!(
            date_hint(&[Rule::duration_unit], "from 2025-11-3\n}", 15).as_deref(),
            Some(
                "if `2025-11-3` is a date, write it `2025-11-03`: months and days take two digits"
            )
        );
        assert_eq!(
            date_hint(&[Rule::date], "on 2025-01-01T09:00", 3).as_deref(),
            Some("a date is a whole day: drop the time of day (`2025-01-01`)")
        );
        assert_eq!(date_hint(&[Rule::date], "on tomorrow", 3), None);
    }
}
