//! Declarations: every name declared exactly once, no keyword as a name, assets under real
//! owners, and no `part of` cycles.

use super::{Program, Symbol};
use crate::ast::{self, Item, Name};
use crate::diagnostic::{codes, Diagnostic};
use crate::syntax::KEYWORDS;

/// What declaring leaves for resolving: the deals and rules as parsed, in rule-set order, and
/// each deal's term labels by position (for `deal.label` references while deals are resolved
/// one at a time).
pub(super) struct Declared {
    /// Boxed as the parser gave them: each is resolved and let go in turn.
    #[allow(clippy::vec_box)]
    pub deals: Vec<Box<ast::Deal>>,
    pub rules: Vec<ast::Rule>,
    pub term_labels: Vec<Box<[Option<ast::Text>]>>,
}

pub(super) fn declare(
    files: Vec<ast::File>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Program, Declared) {
    let mut program = Program::default();
    // Sized up front: a rule set of 100 MB has hundreds of thousands of deals, and growing by
    // doubling would hold up to twice that at the peak.
    let (mut parties, mut assets, mut deals, mut rules) = (0, 0, 0, 0);
    for item in files.iter().flat_map(|f| &f.items) {
        match item {
            Item::Party(_) => parties += 1,
            Item::Asset(_) => assets += 1,
            Item::Deal(_) => deals += 1,
            Item::Rule(_) => rules += 1,
            _ => {}
        }
    }
    program.parties.reserve_exact(parties);
    program.assets.reserve_exact(assets);
    let mut declared = Declared {
        deals: Vec::with_capacity(deals),
        rules: Vec::with_capacity(rules),
        term_labels: Vec::with_capacity(deals),
    };
    program.deal_names.reserve_exact(deals);
    for item in files.into_iter().flat_map(|f| f.items) {
        match item {
            Item::Rate(rate) => declare_rate(&mut program, *rate, diagnostics),
            Item::AsOf(date) => match &program.as_of {
                Some(first) => diagnostics.push(
                    Diagnostic::error(
                        codes::MULTIPLE_AS_OF,
                        date.span,
                        "more than one `as of` in the rule set",
                    )
                    .with_label("second `as of`")
                    .with_other(first.span, "first `as of` here")
                    .with_help("keep one `as of` line; the command line's `--as-of` overrides it"),
                ),
                None => program.as_of = Some(date),
            },
            Item::Party(p) => {
                let id = program.parties.len();
                add_name(&mut program, &p.name, Symbol::Party(id), diagnostics);
                program.parties.push(*p);
            }
            Item::Asset(a) => {
                keyword_check(&a.name, diagnostics);
                program.assets.push(*a);
            }
            Item::Action(a) => {
                let id = program.actions.len();
                add_name(&mut program, &a.name, Symbol::Action(id), diagnostics);
                program.actions.push(*a);
            }
            Item::Channel(c) => {
                let id = program.channels.len();
                add_name(&mut program, &c.name, Symbol::Channel(id), diagnostics);
                program.channels.push(*c);
            }
            Item::Event(e) => {
                let id = program.events.len();
                add_name(&mut program, &e.name, Symbol::Event(id), diagnostics);
                program.events.push(*e);
            }
            Item::Deal(d) => {
                declare_deal(&mut program, &d, diagnostics);
                declared.term_labels.push(
                    d.terms
                        .iter()
                        .map(|t| t.label.as_ref().map(|l| l.node.clone()))
                        .collect(),
                );
                program.deal_names.push(d.name.clone());
                declared.deals.push(d);
            }
            Item::Rule(r) => {
                let id = declared.rules.len();
                add_rule_name(&mut program, &declared.rules, &r.name, id, diagnostics);
                declared.rules.push(*r);
            }
        }
    }
    declare_assets(&mut program, diagnostics);
    resolve_groups(&mut program, diagnostics);
    confusable_names(&program, diagnostics);
    (program, declared)
}

/// `confusable-name` warnings: two declared names that look alike but are different names, as
/// when one has a Greek or Cyrillic letter where the other has a Latin one (`Αcme` and `Acme`).
/// Names are compared by their Unicode skeleton (UTS #39); only pairs where one name is not
/// plain ASCII are reported (`rn` and `m` are skeleton-equal, but a reader tells them apart).
fn confusable_names(program: &Program, diagnostics: &mut Vec<Diagnostic>) {
    use unicode_security::confusable_detection::skeleton;
    if program.names.keys().all(|n| n.is_ascii()) {
        return;
    }
    // In declaration order, so the warning stands at the later of the two.
    let mut names: Vec<(crate::source::Span, &str)> = program
        .names
        .keys()
        .filter_map(|n| Some((program.declared_at(n)?, n.as_str())))
        .collect();
    names.sort_unstable_by_key(|&(span, name)| (span.file.0, span.start, name));
    let mut first_by_skeleton: rustc_hash::FxHashMap<String, (crate::source::Span, &str)> =
        rustc_hash::FxHashMap::default();
    let mut reported = 0;
    for (span, name) in names {
        let key: String = skeleton(name).collect();
        match first_by_skeleton.get(&key) {
            Some(&(first_span, first)) if !(first.is_ascii() && name.is_ascii()) => {
                reported += 1;
                if reported > crate::limits::MAX_CONFUSABLE_NAMES {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::warning(
                        codes::CONFUSABLE_NAME,
                        span,
                        format!(
                            "`{name}` looks like `{first}` but is a different name ({} and {})",
                            code_points(name, first),
                            code_points(first, name)
                        ),
                    )
                    .with_label("declared here")
                    .with_other(first_span, format!("`{first}` declared here"))
                    .with_help(
                        "if they are meant to be one name, write both with the same letters",
                    ),
                );
            }
            Some(_) => {}
            None => {
                first_by_skeleton.insert(key, (span, name));
            }
        }
    }
    if reported > crate::limits::MAX_CONFUSABLE_NAMES {
        diagnostics.push(Diagnostic::new(
            codes::CONFUSABLE_NAME,
            crate::diagnostic::Severity::Warning,
            crate::diagnostic::Location::Nowhere,
            format!(
                "… and {} more names that look like others (only the first {} are listed)",
                reported - crate::limits::MAX_CONFUSABLE_NAMES,
                crate::limits::MAX_CONFUSABLE_NAMES
            ),
        ));
    }
}

/// The letters of `name` that differ from `other`, as code points (`U+0391`): what tells two
/// look-alike names apart.
fn code_points(name: &str, other: &str) -> String {
    let other: Vec<char> = other.chars().collect();
    let differing: Vec<String> = name
        .chars()
        .enumerate()
        .filter(|&(i, c)| other.get(i) != Some(&c))
        .map(|(_, c)| format!("`{c}` is U+{:04X}", u32::from(c)))
        .take(3)
        .collect();
    if differing.is_empty() {
        "the same letters".to_string()
    } else {
        differing.join(", ")
    }
}

/// A declared name must not be a keyword or longer than the limit.
fn keyword_check(name: &Name, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if name.node.len() > crate::limits::MAX_NAME_BYTES {
        diagnostics.push(
            Diagnostic::error(
                codes::TOO_LARGE,
                name.span,
                format!("a name of {} bytes", name.node.len()),
            )
            .with_label("this name is too long")
            .with_help(format!(
                "names hold at most {} bytes",
                crate::limits::MAX_NAME_BYTES
            )),
        );
        return false;
    }
    if KEYWORDS.contains(&name.node.as_str()) {
        diagnostics.push(
            Diagnostic::error(
                codes::KEYWORD_NAME,
                name.span,
                format!("`{}` is a keyword and cannot be a name", name.node),
            )
            .with_label("reserved word")
            .with_help(format!("choose another name, e.g. `{}_`", name.node)),
        );
        return false;
    }
    true
}

/// A rule's name, unique among rules only: nothing refers to a rule by name.
fn add_rule_name(
    program: &mut Program,
    rules: &[ast::Rule],
    name: &Name,
    id: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !keyword_check(name, diagnostics) {
        return;
    }
    let first = program
        .rule_names
        .get(&name.node)
        .and_then(|&first| rules.get(first))
        .map(|rule| rule.name.span);
    match first {
        Some(first) => diagnostics.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                name.span,
                format!("rule `{}` is declared more than once", name.node),
            )
            .with_label("declared again here, as a rule")
            .with_other(first, "first declared here, as a rule")
            .with_help("every rule has a name of its own; rename one of them"),
        ),
        None => {
            program.rule_names.insert(name.node.clone(), id);
        }
    }
}

fn add_name(program: &mut Program, name: &Name, symbol: Symbol, diagnostics: &mut Vec<Diagnostic>) {
    if !keyword_check(name, diagnostics) {
        return;
    }
    match program.symbol(&name.node) {
        Some(existing) => {
            let mut d = Diagnostic::error(
                codes::DUPLICATE_NAME,
                name.span,
                format!("`{}` is declared more than once", name.node),
            )
            .with_label(format!("declared again here, as {}", symbol.kind()))
            .with_help(
                "every name is declared exactly once in the whole rule set; rename one of them",
            );
            // The first declaration is already in the program: it came earlier.
            if let Some(first) = program.declaration(existing) {
                d = d.with_other(
                    first,
                    format!("first declared here, as {}", existing.kind()),
                );
            }
            diagnostics.push(d);
        }
        None => {
            if let Some(entry) = super::NameEntry::new(symbol) {
                program.names.insert(name.node.clone(), entry);
            }
        }
    }
}

/// Declares the next deal: its name and its terms' labels.
fn declare_deal(program: &mut Program, d: &ast::Deal, diagnostics: &mut Vec<Diagnostic>) {
    let deal = program.deal_names.len();
    let term_labels: Vec<&Option<Name>> = d.terms.iter().map(|t| &t.label).collect();
    if !d.name.node.is_empty() {
        add_name(program, &d.name, Symbol::Deal(deal), diagnostics);
    }
    let name = &d.name;
    let indexed = term_labels.len() > super::LABEL_SCAN_LIMIT;
    let mut labels = rustc_hash::FxHashMap::default();
    for (index, label) in term_labels.iter().enumerate() {
        let Some(label) = label else { continue };
        if !keyword_check(label, diagnostics) {
            continue;
        }
        let first = if indexed {
            labels.get(label.node.as_str()).copied()
        } else {
            term_labels
                .iter()
                .take(index)
                .position(|l| l.as_ref().is_some_and(|l| l.node == label.node))
        };
        if let Some(first) = first {
            let mut diag = Diagnostic::error(
                codes::DUPLICATE_NAME,
                label.span,
                format!("`{}.{}` labels two terms", name.node, label.node),
            )
            .with_label("second term with this label")
            .with_help("labels name one term each within a deal");
            if let Some(Some(other)) = term_labels.get(first) {
                diag = diag.with_other(other.span, "first labelled here");
            }
            diagnostics.push(diag);
        } else if indexed {
            labels.insert(label.node.clone(), index);
        }
    }
    if indexed {
        program.labels.insert(deal, labels);
    }
}

/// Whether a label can name a term: not a keyword and not too long (else it was reported).
pub(super) fn usable_label(label: &str) -> bool {
    label.len() <= crate::limits::MAX_NAME_BYTES && !KEYWORDS.contains(&label)
}

fn declare_assets(program: &mut Program, all: &mut Vec<Diagnostic>) {
    let mut diagnostics = super::resolve::Diags::new();
    declare_assets_into(program, &mut diagnostics);
    all.append(&mut diagnostics.list);
}

fn declare_assets_into(program: &mut Program, diagnostics: &mut super::resolve::Diags) {
    let mut owners = Vec::with_capacity(program.assets.len());
    for (id, asset) in program.assets.iter().enumerate() {
        let owner = super::resolve::expect_party(program, &asset.owner, diagnostics);
        owners.push(owner.unwrap_or(usize::MAX));
        let Some(owner) = owner else { continue };
        let by_name = program.assets_by_name.entry(owner).or_default();
        match by_name.get(asset.name.node.as_str()) {
            Some(&first) => {
                let mut d = Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    asset.name.span,
                    format!(
                        "asset `{}.{}` is declared more than once",
                        asset.owner.node, asset.name.node
                    ),
                )
                .with_label("declared again here")
                .with_help("declare each asset once");
                if let Some(other) = program.assets.get(first) {
                    d = d.with_other(other.name.span, "first declared here");
                }
                diagnostics.push(d);
            }
            None => {
                by_name.insert(asset.name.node.clone(), id);
            }
        }
    }
    program.asset_owner = owners;
}

fn resolve_groups(program: &mut Program, all: &mut Vec<Diagnostic>) {
    let mut diagnostics = super::resolve::Diags::new();
    resolve_groups_into(program, &mut diagnostics);
    all.append(&mut diagnostics.list);
}

fn resolve_groups_into(program: &mut Program, diagnostics: &mut super::resolve::Diags) {
    let mut parent = Vec::with_capacity(program.parties.len());
    for party in &program.parties {
        let group = party
            .part_of
            .as_ref()
            .and_then(|g| super::resolve::expect_party(program, g, diagnostics));
        parent.push(group);
    }
    // A cycle of `part of`: walk up from each party not seen yet, marking the path; meeting the
    // current path again is a cycle, meeting a finished party is not. Linear in the parties.
    let n = parent.len();
    let mut state = vec![0u8; n]; // 0 unseen, 1 on the current path, 2 finished
    let mut in_cycle = vec![false; n];
    for start in 0..n {
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(p) = current {
            match state.get(p).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(p) {
                        *s = 1;
                    }
                    path.push(p);
                    current = parent.get(p).copied().flatten();
                }
                Some(1) => {
                    let at = path.iter().position(|&m| m == p).unwrap_or(0);
                    let members = path.get(at..).unwrap_or(&[]);
                    for &m in members {
                        if let Some(c) = in_cycle.get_mut(m) {
                            *c = true;
                        }
                    }
                    let names = cycle_names(members.iter().map(|&m| program.party_name(m)));
                    let span = program
                        .parties
                        .get(p)
                        .map(|d| d.name.span)
                        .unwrap_or_default();
                    diagnostics.push(
                        Diagnostic::error(
                            codes::PART_OF_CYCLE,
                            span,
                            format!(
                                "`part of` goes round in a circle: {names} → {}",
                                program.party_name(p)
                            ),
                        )
                        .with_label("this party ends up part of itself")
                        .with_help(
                            "a group cannot be part of one of its own units; remove one `part of`",
                        ),
                    );
                    break;
                }
                _ => break,
            }
        }
        for m in path {
            if let Some(s) = state.get_mut(m) {
                *s = 2;
            }
        }
    }
    let reported = in_cycle;
    // Break the cycles so later stages can walk groups safely.
    for (i, r) in reported.iter().enumerate() {
        if *r {
            if let Some(slot) = parent.get_mut(i) {
                *slot = None;
            }
        }
    }
    let mut units = vec![Vec::new(); parent.len()];
    for (unit, group) in parent.iter().enumerate() {
        if let Some(list) = group.and_then(|g| units.get_mut(g)) {
            list.push(unit);
        }
    }
    // Outermost groups, each walk stopping at the first party already resolved: linear.
    let mut roots: Vec<Option<super::PartyId>> = vec![None; parent.len()];
    for start in 0..parent.len() {
        let mut path = Vec::new();
        let mut current = start;
        let root = loop {
            if let Some(Some(known)) = roots.get(current) {
                break *known;
            }
            path.push(current);
            match parent.get(current).copied().flatten() {
                Some(group) if path.len() <= parent.len() => current = group,
                _ => break current,
            }
        };
        for p in path {
            if let Some(slot) = roots.get_mut(p) {
                *slot = Some(root);
            }
        }
    }
    program.roots = roots
        .iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or(i))
        .collect();
    program.parent = parent;
    program.units = units;
}

/// Parties of a `part of` cycle joined by arrows: all of a short one; of a long one (a ring of a
/// million parties made a 12.5 MB message) the first and last few, with how many between.
fn cycle_names<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN_AT_EACH_END: usize = 5;
    let count = names.len();
    if count <= 2 * SHOWN_AT_EACH_END + 1 {
        return names.collect::<Vec<_>>().join(" → ");
    }
    let mut shown = Vec::with_capacity(2 * SHOWN_AT_EACH_END + 1);
    for (i, name) in names.enumerate() {
        if i < SHOWN_AT_EACH_END || i >= count - SHOWN_AT_EACH_END {
            shown.push(name.to_string());
        } else if i == SHOWN_AT_EACH_END {
            shown.push(format!("… ({} more) …", count - 2 * SHOWN_AT_EACH_END));
        }
    }
    shown.join(" → ")
}

/// `rate 1 A = R B`: one unit of A (written `1`, so converting multiplies and stays exact) in
/// another currency B; at most one rate a pair of currencies, in either direction.
fn declare_rate(
    program: &mut Program,
    rate: crate::ast::RateDecl,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use crate::ast::Amount;
    let (one, value) = (&rate.one, &rate.value);
    let mut error = |span, message: String, label: &str, help: &str| {
        diagnostics.push(
            Diagnostic::error(codes::RATE, span, message)
                .with_label(label)
                .with_help(help),
        );
    };
    if one.node.amount != Amount::Exact(rust_decimal::Decimal::ONE) {
        return error(
            one.span,
            "a rate is written for one unit of a currency".to_string(),
            "not 1",
            "write `rate 1 GBP = 1.27 USD`: one unit on the left, its worth on the right",
        );
    }
    if one.node.currency == value.node.currency {
        return error(
            value.span,
            format!("a rate from {} to itself", one.node.currency),
            "the same currency",
            "a rate converts one currency into another",
        );
    }
    let range = crate::model::range::Range::from_amount(&value.node.amount);
    if range.hi.is_none() || range.lo_open {
        return error(
            value.span,
            "a rate must be a number or a closed range".to_string(),
            "open-ended",
            "write `= 1.27 USD` or `= between 1.25 USD and 1.30 USD`",
        );
    }
    let (from, to) = (one.node.currency.clone(), value.node.currency.clone());
    if let Some(first) = program
        .rates
        .iter()
        .find(|r| (r.from == from && r.to == to) || (r.from == to && r.to == from))
    {
        diagnostics.push(
            Diagnostic::error(
                codes::RATE,
                rate.span,
                format!("a second rate between {from} and {to}"),
            )
            .with_label("second rate")
            .with_other(first.span, "first rate here")
            .with_help("keep one rate a pair of currencies (a range if it varies)"),
        );
        return;
    }
    program.rates.push(super::Rate {
        from,
        to,
        rate: range,
        span: rate.span,
    });
}
