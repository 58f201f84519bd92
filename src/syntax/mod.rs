//! pest in, typed AST out. The only module that names pest's `Rule`.

mod chunks;
mod cursor;
mod depth;
mod error;
mod grammar;
mod layout;
mod lower;
mod lower_rule;
mod scan;
pub use scan::{is_name, is_name_char, lexemes, Lexeme};

pub use depth::MAX_NESTING;
pub use layout::{layout_tokens, Role, Token, TokenKind};

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Spanned};
use grammar::{DealParser, Rule};
use lower::{Interner, Lowerer};
use pest::Parser;

/// Parses one file. Returns the tree (as much as could be parsed) and every diagnostic.
///
/// The file is cut into chunks at lines that start an item (`party`, `deal`, `rule`, …) and each
/// chunk is parsed on its own: memory stays proportional to the largest item, not the file, and
/// a syntax error in one item does not hide the items after it.
pub fn parse_file(file: FileId, text: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    parse(file, text)
}

fn parse(file: FileId, text: &str) -> (Option<ast::File>, Vec<Diagnostic>) {
    if let Err(d) = depth::check_nesting(text, file, 0) {
        return (None, vec![d]);
    }
    let chunks = chunks::item_chunks(text);
    let batches = chunks::batches(&chunks, BATCH_BYTES);
    let parse_batch = |batch: &[(usize, usize)], interned: &mut Interner, out: &mut Parsed| {
        let (Some(&(start, _)), Some(&(_, end))) = (batch.first(), batch.last()) else {
            return;
        };
        if let [(start, end)] = batch {
            if end - start >= BATCH_BYTES {
                if let Some(deal) = parse_large_deal(file, text, *start, *end, interned) {
                    return out.add(Ok(deal));
                }
            }
        }
        match parse_chunk(file, text, start, end, interned) {
            Ok(result) => out.add(Ok(result)),
            // Parse the batch item by item, so one broken item hides none of the others.
            Err(_) if batch.len() > 1 => {
                for &(s, e) in batch {
                    out.add(parse_chunk(file, text, s, e, interned));
                }
            }
            Err(e) => out.add(Err(e)),
        }
    };
    let parse_group = |group: &[&[(usize, usize)]]| {
        let mut interned = Interner::default();
        let mut out = Parsed::default();
        for batch in group {
            parse_batch(batch, &mut interned, &mut out);
        }
        out
    };
    // Batches are independent: large files are parsed on every core, results kept in order.
    // Each thread gathers its own batches' items, so what lowering throws away (a batch's list
    // of items) is freed by the thread that made it, while it can still reuse the memory. The
    // calling thread parses the first group itself: one thread fewer means one allocator arena
    // fewer, whose free space (the parser's short-lived memory, in holes between the deals
    // that stay) no other thread reuses.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(batches.len());
    let parts: Vec<Parsed> = if text.len() < PARALLEL_BYTES || workers < 2 {
        vec![parse_group(&batches)]
    } else {
        let per_worker = batches.len().div_ceil(workers);
        let mut groups = batches.chunks(per_worker);
        let first = groups.next().unwrap_or_default();
        std::thread::scope(|scope| {
            let handles: Vec<_> = groups
                .map(|group| scope.spawn(move || parse_group(group)))
                .collect();
            let mut parts = vec![parse_group(first)];
            parts.extend(handles.into_iter().map(|h| {
                h.join().unwrap_or_else(|_| Parsed {
                    diagnostics: vec![Diagnostic::internal(None, "a parser thread failed")],
                    failed: true,
                    ..Parsed::default()
                })
            }));
            parts
        })
    };
    let mut items = Vec::with_capacity(parts.iter().map(|p| p.items.len()).sum());
    let mut diagnostics = Vec::new();
    let mut failed = false;
    for mut part in parts {
        items.append(&mut part.items);
        diagnostics.append(&mut part.diagnostics);
        failed |= part.failed;
    }
    let tree = (!failed || !items.is_empty()).then_some(ast::File { items });
    (tree, diagnostics)
}

/// What one thread parsed: items and diagnostics in file order.
#[derive(Default)]
struct Parsed {
    items: Vec<ast::Item>,
    diagnostics: Vec<Diagnostic>,
    /// Whether some batch could not be parsed at all.
    failed: bool,
}

impl Parsed {
    fn add(&mut self, result: Result<(ast::File, Vec<Diagnostic>), Diagnostic>) {
        match result {
            Ok((mut tree, mut found)) => {
                self.items.append(&mut tree.items);
                self.diagnostics.append(&mut found);
            }
            Err(e) => {
                self.diagnostics.push(e);
                self.failed = true;
            }
        }
    }
}

/// Files at least this large are parsed on several threads.
const PARALLEL_BYTES: usize = 64 * 1024;

/// Items are parsed in batches of about this many bytes: large enough to amortise the
/// parser's setup, small enough that its token queue stays small.
const BATCH_BYTES: usize = 32 * 1024;

/// Parses and lowers the items in `text[start..end]`.
fn parse_chunk(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    interned: &mut Interner,
) -> Result<(ast::File, Vec<Diagnostic>), Diagnostic> {
    let chunk = text.get(start..end).unwrap_or("");
    let mut pairs = DealParser::parse(Rule::file, chunk)
        .map_err(|e| error::from_pest(&e, file, start, chunk))?;
    let root = pairs
        .next()
        .ok_or_else(|| Diagnostic::internal(None, "the parser returned nothing"))?;
    let mut lowerer = Lowerer::new(file, text, start, std::mem::take(interned));
    let tree = match lowerer.lower_file(root) {
        Ok(tree) => tree,
        Err(d) => {
            lowerer.diagnostics.push(d);
            ast::File { items: Vec::new() }
        }
    };
    *interned = lowerer.interned;
    Ok((tree, lowerer.diagnostics))
}

/// Parses a deal too large to parse at once in parts of about [`BATCH_BYTES`] (see
/// `deal_opening` in the grammar): pest's token queue for a whole deal of a million terms took
/// 2 GB. `None` when the chunk is not a deal, does not cut, or a part does not parse on its own;
/// it is then parsed whole, which also reports any syntax error as usual.
fn parse_large_deal(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    interned: &mut Interner,
) -> Option<(ast::File, Vec<Diagnostic>)> {
    let chunk = text.get(start..end)?;
    let parts = chunks::deal_parts(chunk, BATCH_BYTES);
    let (&(first_start, first_end), rest) = parts.split_first()?;
    let (&(last_start, last_end), middle) = rest.split_last()?;
    let part_text = |(s, e): (usize, usize)| chunk.get(s..e);
    // Every part must parse before any is lowered: on a failure the whole deal is parsed again.
    let opening = DealParser::parse(Rule::deal_opening, part_text((first_start, first_end))?)
        .ok()?
        .next()?;
    let closing_text = part_text((last_start, last_end))?;
    let closing = DealParser::parse(Rule::deal_closing, closing_text)
        .ok()?
        .next()?;
    let keyword = opening.clone().into_inner().next()?.as_span().start();
    let last_item_end = closing
        .clone()
        .into_inner()
        .filter(|p| p.as_rule() != Rule::EOI)
        .last()
        .map_or(0, |p| p.as_span().end());
    let brace_end = closing_brace_end(closing_text, last_item_end)?;
    let deal_span = crate::source::Span::new(
        file,
        start + first_start + keyword,
        start + last_start + brace_end,
    );
    let mut lowerer = Lowerer::new(file, text, start + first_start, std::mem::take(interned));
    let lowered = lowerer.lower_deal_opening(opening, deal_span);
    let (mut interner, mut diagnostics) = (lowerer.interned, lowerer.diagnostics);
    let mut deal = match lowered {
        Ok(deal) => deal,
        Err(d) => {
            diagnostics.push(d);
            *interned = interner;
            return Some((ast::File { items: Vec::new() }, diagnostics));
        }
    };
    for &(s, e) in middle.iter().chain([&(last_start, last_end)]) {
        let rule = if s == last_start {
            Rule::deal_closing
        } else {
            Rule::deal_part
        };
        let Some(pair) = DealParser::parse(rule, part_text((s, e))?)
            .ok()
            .and_then(|mut pairs| pairs.next())
        else {
            // A middle part that does not parse alone: the deal is parsed whole instead.
            *interned = interner;
            return None;
        };
        let mut lowerer = Lowerer::new(file, text, start + s, interner);
        if let Err(d) = lowerer.lower_deal_part(pair, &mut deal) {
            lowerer.diagnostics.push(d);
        }
        interner = lowerer.interned;
        diagnostics.append(&mut lowerer.diagnostics);
    }
    *interned = interner;
    lower::shrink_deal(&mut deal);
    let items = vec![ast::Item::Deal(Box::new(deal))];
    Some((ast::File { items }, diagnostics))
}

/// Where the `}` that closes a deal ends, looking from `from` past white space and comments.
fn closing_brace_end(text: &str, from: usize) -> Option<usize> {
    let mut rest = text.get(from..)?;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n', '\u{feff}']);
        if let Some(comment) = trimmed.strip_prefix("//") {
            rest = comment.find('\n').and_then(|at| comment.get(at..))?;
        } else if trimmed.starts_with('}') {
            return Some(text.len() - trimmed.len() + 1);
        } else {
            return None;
        }
    }
}

/// Parses a lone question (the Q of reference §6). `offset` is where `text` starts in `file`.
pub fn parse_question(
    file: FileId,
    text: &str,
) -> Result<(Spanned<ast::Question>, Vec<Diagnostic>), Vec<Diagnostic>> {
    depth::check_nesting(text, file, 0).map_err(|d| vec![d])?;
    let mut pairs = DealParser::parse(Rule::question_only, text)
        .map_err(|e| vec![error::from_pest(&e, file, 0, text)])?;
    let root = pairs
        .next()
        .ok_or_else(|| vec![Diagnostic::internal(None, "the parser returned nothing")])?;
    let question = root.into_inner().find(|p| p.as_rule() != Rule::EOI);
    let question = question.ok_or_else(|| {
        vec![Diagnostic::internal(
            None,
            "the parser returned no question",
        )]
    })?;
    let mut lowerer = Lowerer::new(file, text, 0, Interner::default());
    match lowerer.lower_query(question) {
        Ok(q) => Ok((q, lowerer.diagnostics)),
        Err(d) => {
            lowerer.diagnostics.push(d);
            Err(lowerer.diagnostics)
        }
    }
}

/// Runs the pest parser alone, without building the tree: for benchmarks that separate the
/// parser's share of the cost from the lowering's.
#[doc(hidden)]
pub fn pest_only(text: &str) -> bool {
    DealParser::parse(Rule::file, text).is_ok()
}

/// The words that begin a term (reference §4), for cutting large deals and for "did you mean".
pub(crate) const TERM_KEYWORDS: [&str; 9] = [
    "invest",
    "pay",
    "lease",
    "supply",
    "grant",
    "exclusive",
    "sole",
    "forbid",
    "terminate",
];

/// Every reserved word of the language (reference §2).
pub const KEYWORDS: &[&str] = &[
    "as",
    "of",
    "party",
    "part",
    "asset",
    "action",
    "channel",
    "event",
    "expected",
    "deal",
    "between",
    "and",
    "status",
    "signed",
    "announced",
    "reported",
    "proposed",
    "terminated",
    "terminate",
    "dated",
    "source",
    "invest",
    "invested",
    "from",
    "in",
    "at",
    "valuation",
    "pay",
    "paid",
    "to",
    "for",
    "lease",
    "supply",
    "worth",
    "grant",
    "may",
    "via",
    "exclusive",
    "sole",
    "forbid",
    "everyone",
    "except",
    "until",
    "during",
    "sometime",
    "start",
    "end",
    "earliest",
    "latest",
    "rule",
    "assuming",
    "ask",
    "expect",
    "assert",
    "or",
    "not",
    "yes",
    "no",
    "unknown",
    "can",
    "always",
    "active",
    "before",
    "after",
    "on",
    "flow",
    "roundtrip",
    "undisclosed",
    "up",
    "least",
    "thousand",
    "million",
    "billion",
    "trillion",
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_files() {
        for path in ["rules/seed/parties.deal", "rules/seed/microsoft.deal"] {
            let text = std::fs::read_to_string(path).unwrap();
            let (tree, diags) = parse_file(FileId(0), &text);
            assert!(diags.is_empty(), "{path}: {diags:#?}");
            assert!(tree.is_some());
        }
    }

    /// A deal of every kind of line, long enough to be parsed in parts.
    fn large_deal(terms: usize, closing: &str) -> String {
        let mut text =
            String::from("party A\n/// The big one.\ndeal big \"Big\" {\n  between A, B\n");
        for i in 0..terms {
            text.push_str(&match i % 6 {
                0 => {
                    format!("  t{i}: pay {i}M USD from A to B for \"x {{ }}\n y\" on 2025-01-01\n")
                }
                1 => format!("  // a comment with pay in it {i}\n  status signed\n"),
                2 => format!("  grant B may host A.m{i}\n    from 2025 until sometime in 2030s\n"),
                3 => "  source \"https://example.com/}\"\n".to_string(),
                4 => format!("  lease \"servers\" from A to B for 7 years worth {i}k USD\n"),
                _ => format!("  x{i} : terminate big.t{} on 2026\n", i - 5),
            });
        }
        text.push_str(closing);
        text.push_str("party B\n");
        text
    }

    #[test]
    fn a_large_deal_parsed_in_parts_is_the_deal_parsed_whole() {
        for closing in [
            "}\n",
            "} // done }\n",
            "  pay 1 USD from A to B\n}\n\n// after\n",
        ] {
            let text = large_deal(3_000, closing);
            assert!(text.len() > 4 * BATCH_BYTES);
            let (whole, whole_diags) =
                parse_chunk(FileId(0), &text, 0, text.len(), &mut Interner::default()).unwrap();
            let (parts, diags) = parse_file(FileId(0), &text);
            assert_eq!(diags, whole_diags);
            assert!(diags.is_empty(), "{diags:#?}");
            assert_eq!(parts.unwrap().items, whole.items, "closing {closing:?}");
            // The deal (after `party A`) was parsed in parts, not whole.
            let deal_start = text.find("/// The big one.").unwrap() + "/// The big one.\n".len();
            let deal_end = text.rfind("party B").unwrap();
            let found = parse_large_deal(
                FileId(0),
                &text,
                deal_start,
                deal_end,
                &mut Interner::default(),
            );
            assert!(found.is_some(), "closing {closing:?}: not parsed in parts");
        }
    }

    #[test]
    fn a_syntax_error_in_a_large_deal_is_reported_as_in_a_small_one() {
        let text = large_deal(3_000, "}\n").replace(
            "  lease \"servers\" from A to B for 7 years worth 4k USD",
            "  lease servers from A to B",
        );
        let (_, diags) = parse_file(FileId(0), &text);
        let whole = parse_chunk(FileId(0), &text, 0, text.len(), &mut Interner::default());
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(Err(diags[0].clone()), whole.map(|_| ()));
    }

    /// The keyword rules of the grammar whose own text is their name (`DEAL` is `deal`).
    fn grammar_keywords() -> Vec<String> {
        let mut words: Vec<String> = Rule::all_rules()
            .iter()
            .filter(|rule| grammar::is_keyword(**rule))
            .map(|rule| (*rule, format!("{rule:?}").to_ascii_lowercase()))
            .filter(|(rule, word)| {
                DealParser::parse(*rule, word).is_ok_and(|pairs| pairs.as_str().len() == word.len())
            })
            .map(|(_, word)| word)
            .collect();
        words.sort();
        words
    }

    #[test]
    fn the_keyword_table_is_the_grammar_s() {
        let mut table: Vec<String> = KEYWORDS.iter().map(|k| (*k).to_string()).collect();
        table.sort();
        assert_eq!(grammar_keywords(), table);
    }

    #[test]
    fn every_keyword_fails_to_parse_as_a_name_and_a_longer_word_does_not() {
        for keyword in KEYWORDS {
            let whole = |text: &str| {
                DealParser::parse(Rule::name, text).is_ok_and(|p| p.as_str().len() == text.len())
            };
            assert!(!whole(keyword), "`{keyword}` parsed as a name");
            assert!(whole(&format!("{keyword}_x")), "`{keyword}_x` is a name");
        }
    }

    #[test]
    fn chunking_and_hints_use_only_keywords_of_the_table() {
        let chunking = chunks::ITEM_KEYWORDS
            .iter()
            .chain(&chunks::DEAL_LINE_KEYWORDS);
        for word in chunking.chain(&TERM_KEYWORDS) {
            assert!(KEYWORDS.contains(word), "chunking: `{word}`");
        }
        for rule in Rule::all_rules() {
            for word in error::keywords_of(*rule) {
                assert!(
                    KEYWORDS.contains(&word.as_str()),
                    "hint for {rule:?}: `{word}`"
                );
            }
        }
    }

    #[test]
    fn the_language_reference_lists_every_reserved_word() {
        let doc = std::fs::read_to_string("docs/language.md").unwrap();
        let start = doc.find("reserved: `").unwrap() + "reserved: `".len();
        let end = start + doc[start..].find('`').unwrap();
        let mut listed: Vec<String> = doc[start..end]
            .split_whitespace()
            .map(str::to_string)
            .collect();
        listed.sort();
        assert_eq!(listed, grammar_keywords());
    }

    /// The bodies of the deals of every shipped rule file and passing fixture whose opening
    /// and closing stand on lines of their own: every way of writing a deal's items.
    fn deal_bodies() -> Vec<String> {
        let mut paths: Vec<std::path::PathBuf> = Vec::new();
        for dir in ["rules/seed", "rules/constructs", "tests/fixtures/ok"] {
            for entry in std::fs::read_dir(dir).unwrap() {
                paths.push(entry.unwrap().path());
            }
        }
        paths.retain(|p| p.extension().is_some_and(|e| e == "deal"));
        paths.sort();
        let mut bodies = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            for (start, end) in chunks::item_chunks(&text) {
                let chunk = &text[start..end];
                let Some(rest) = chunk.trim_start().strip_prefix("deal ") else {
                    continue;
                };
                let Some((head, body)) = rest.split_once("{\n") else {
                    continue;
                };
                if head.contains('\n') {
                    continue;
                }
                if let Some(at) = body.rfind("\n}") {
                    bodies.push(format!("{}\n", &body[..at]));
                }
            }
        }
        bodies
    }

    #[test]
    fn every_shipped_deal_body_parses_the_same_in_parts_as_whole() {
        let bodies = deal_bodies();
        assert!(bodies.len() > 20, "{} deal bodies", bodies.len());
        let mut text = String::from("deal big {\n");
        while text.len() < 4 * BATCH_BYTES {
            for body in &bodies {
                text.push_str(body);
            }
        }
        text.push_str("}\n");
        let parts = chunks::deal_parts(&text, BATCH_BYTES);
        assert!(
            parts.len() > 3,
            "the deal is cut into {} parts",
            parts.len()
        );
        let (whole, whole_diags) =
            parse_chunk(FileId(0), &text, 0, text.len(), &mut Interner::default()).unwrap();
        let (in_parts, diags) =
            parse_large_deal(FileId(0), &text, 0, text.len(), &mut Interner::default())
                .expect("parsed in parts, not whole");
        assert_eq!(diags, whole_diags);
        assert_eq!(in_parts.items, whole.items);
        let (through_the_file, _) = parse_file(FileId(0), &text);
        assert_eq!(through_the_file.unwrap().items, whole.items);
    }
}
