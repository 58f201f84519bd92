//! pest pairs → typed AST. One `lower_<rule>` function per grammar rule, same shape each time:
//! take the span, walk the children with the cursor, build the node, `finish()`.
//!
//! Lexical problems (bad amounts, fractional durations) are collected and lowering goes on, so
//! one file reports all of them; only a grammar/lowering mismatch stops a node.

use super::cursor::{span_of, Cursor, Lowered};
use super::grammar::Rule;
use crate::ast::*;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;
use rust_decimal::Decimal;

pub(super) struct Lowerer<'s> {
    pub(super) file: FileId,
    /// The whole file (for doc comments above an item).
    pub(super) text: &'s str,
    /// Where the chunk being lowered starts in the file.
    pub(super) offset: usize,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Names and short labels met so far, so that each is held once however often it is
    /// written: `p3` in a thousand terms is one string, and a name in the tree is a pointer.
    pub(super) interned: Interner,
}

/// Strings already made into [`Text`], looked up by `&str`.
pub(super) type Interner = rustc_hash::FxHashSet<Text>;

/// Labels longer than this are rarely written twice (descriptions, URLs); not interned.
const INTERN_MAX_BYTES: usize = 64;

type P<'i> = Pair<'i, Rule>;

impl<'s> Lowerer<'s> {
    /// A lowerer for the text of `file` from byte `offset` on, adding to `interned`.
    pub(super) fn new(file: FileId, text: &'s str, offset: usize, interned: Interner) -> Self {
        Lowerer {
            file,
            text,
            offset,
            diagnostics: Vec::new(),
            interned,
        }
    }

    pub(super) fn pair_span(&self, pair: &P<'_>) -> Span {
        span_of(pair, self.file, self.offset)
    }

    pub(super) fn cursor<'i>(&self, pair: P<'i>) -> Cursor<'i> {
        Cursor::new(pair, self.file, self.offset)
    }

    pub(super) fn intern(&mut self, text: &str) -> Text {
        if text.len() > INTERN_MAX_BYTES {
            return Text::from(text);
        }
        if let Some(known) = self.interned.get(text) {
            return known.clone();
        }
        let new = Text::from(text);
        self.interned.insert(new.clone());
        new
    }

    /// A name, in Unicode normal form C: a letter written precomposed (`é`) or as a letter and
    /// a combining mark (`e` + U+0301) is one name, as a reader sees it.
    pub(super) fn name(&mut self, pair: P<'_>) -> Name {
        let span = self.pair_span(&pair);
        let text = pair.as_str();
        let text = if text.is_ascii() {
            self.intern(text)
        } else {
            use unicode_normalization::UnicodeNormalization;
            let normal: String = text.nfc().collect();
            self.intern(&normal)
        };
        Spanned::new(text, span)
    }

    pub(super) fn lower_file(&mut self, pair: P<'_>) -> Lowered<File> {
        let mut items = Vec::new();
        for child in pair.into_inner() {
            if child.as_rule() == Rule::EOI {
                continue;
            }
            match self.lower_item(child) {
                Ok(item) => items.push(item),
                Err(d) => self.diagnostics.push(d),
            }
        }
        Ok(File { items })
    }

    fn lower_item(&mut self, pair: P<'_>) -> Lowered<Item> {
        let doc = doc_before(self.text, self.offset + pair.as_span().start());
        Ok(match pair.as_rule() {
            Rule::as_of => {
                let mut c = self.cursor(pair);
                let date = self.lower_date(c.next(Rule::date)?)?;
                c.finish()?;
                Item::AsOf(date)
            }
            Rule::rate_decl => {
                let span = self.pair_span(&pair);
                let mut c = self.cursor(pair);
                c.next(Rule::rate_word)?;
                let one = self.lower_money(c.next(Rule::money)?)?;
                let value = self.lower_money(c.next(Rule::money)?)?;
                c.finish()?;
                Item::Rate(Box::new(RateDecl { one, value, span }))
            }
            Rule::party_decl => Item::Party(Box::new(self.lower_party_decl(pair, doc)?)),
            Rule::asset_decl => Item::Asset(Box::new(self.lower_asset_decl(pair, doc)?)),
            Rule::action_decl => Item::Action(Box::new(self.lower_simple_decl(pair, doc)?)),
            Rule::channel_decl => Item::Channel(Box::new(self.lower_simple_decl(pair, doc)?)),
            Rule::event_decl => Item::Event(Box::new(self.lower_event_decl(pair, doc)?)),
            Rule::deal => Item::Deal(Box::new(self.lower_deal(pair, doc)?)),
            Rule::rule_decl => Item::Rule(Box::new(self.lower_rule(pair, doc)?)),
            other => {
                return Err(Diagnostic::internal(
                    Some(self.pair_span(&pair)),
                    format!("unexpected item {other:?}"),
                ))
            }
        })
    }

    pub(super) fn lower_label(&mut self, pair: P<'_>) -> Lowered<Text> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let text = c.next(Rule::label_text)?;
        c.finish()?;
        if text.as_str().len() > crate::limits::MAX_LABEL_BYTES {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::TOO_LARGE,
                    span,
                    format!("a label of {} bytes", text.as_str().len()),
                )
                .with_label("this label is too long")
                .with_help(format!(
                    "labels hold at most {} bytes; keep long texts outside the rule set",
                    crate::limits::MAX_LABEL_BYTES
                )),
            );
            return Ok(Text::default());
        }
        if !text.as_str().contains('\\') {
            return Ok(self.intern(text.as_str()));
        }
        let mut out = String::with_capacity(text.as_str().len());
        let mut chars = text.as_str().chars();
        while let Some(ch) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(other) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::SYNTAX,
                            span,
                            format!("unknown escape `\\{other}` in a label"),
                        )
                        .with_label("in this label")
                        .with_help("the escapes are `\\\"`, `\\\\` and `\\n`"),
                    );
                    out.push(other);
                }
                None => {}
            }
        }
        Ok(Text::from(out))
    }

    /// `via C`, if it comes next (in a term and in a `can` question).
    pub(super) fn optional_via(&mut self, c: &mut Cursor<'_>) -> Lowered<Option<Name>> {
        let Some(via) = c.optional(Rule::via) else {
            return Ok(None);
        };
        let mut v = self.cursor(via);
        let name = self.name(v.next(Rule::name)?);
        v.finish()?;
        Ok(Some(name))
    }

    fn optional_label(&mut self, c: &mut Cursor<'_>) -> Lowered<Option<Text>> {
        c.optional(Rule::label)
            .map(|p| self.lower_label(p))
            .transpose()
    }

    fn lower_party_decl(&mut self, pair: P<'_>, doc: Option<Text>) -> Lowered<PartyDecl> {
        let mut c = self.cursor(pair);
        let name = self.name(c.next(Rule::decl_name)?);
        let label = self.optional_label(&mut c)?;
        let part_of = c.optional(Rule::name).map(|p| self.name(p));
        c.finish()?;
        Ok(PartyDecl {
            name,
            label,
            part_of,
            doc,
        })
    }

    fn lower_asset_decl(&mut self, pair: P<'_>, doc: Option<Text>) -> Lowered<AssetDecl> {
        let mut c = self.cursor(pair);
        let mut n = self.cursor(c.next(Rule::asset_name)?);
        let owner = self.name(n.next(Rule::name)?);
        let name = self.name(n.next(Rule::decl_name)?);
        n.finish()?;
        let label = self.optional_label(&mut c)?;
        c.finish()?;
        Ok(AssetDecl {
            owner,
            name,
            label,
            doc,
        })
    }

    fn lower_simple_decl(&mut self, pair: P<'_>, doc: Option<Text>) -> Lowered<SimpleDecl> {
        let mut c = self.cursor(pair);
        let name = self.name(c.next(Rule::decl_name)?);
        let label = self.optional_label(&mut c)?;
        c.finish()?;
        Ok(SimpleDecl { name, label, doc })
    }

    fn lower_event_decl(&mut self, pair: P<'_>, doc: Option<Text>) -> Lowered<EventDecl> {
        let mut c = self.cursor(pair);
        let name = self.name(c.next(Rule::decl_name)?);
        let label = self.optional_label(&mut c)?;
        let when = if let Some(on) = c.optional(Rule::event_on) {
            let mut w = self.cursor(on);
            let date = self.lower_date(w.next(Rule::date)?)?;
            w.finish()?;
            Some(EventWhen::On(date))
        } else if let Some(exp) = c.optional(Rule::event_expected) {
            let mut w = self.cursor(exp);
            let date = self.lower_date(w.next(Rule::date)?)?;
            w.finish()?;
            Some(EventWhen::Expected(date))
        } else {
            None
        };
        c.finish()?;
        Ok(EventDecl {
            name,
            label,
            when,
            doc,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Deals and terms

    fn lower_deal(&mut self, pair: P<'_>, doc: Option<Text>) -> Lowered<Deal> {
        let span = self.pair_span(&pair);
        let mut deal = self.lower_deal_head(pair, span, doc)?;
        shrink_deal(&mut deal);
        Ok(deal)
    }

    /// The items of a deal (or of one part of a large one) into `deal`, up to the end of `c`.
    fn lower_deal_items(&mut self, c: &mut Cursor<'_>, deal: &mut Deal) -> Lowered<()> {
        let span = deal.span;
        while c.peek().is_some_and(|rule| rule != Rule::EOI) {
            let item = c.any()?;
            match item.as_rule() {
                Rule::deal_between => {
                    for p in item.into_inner().filter(|p| p.as_rule() == Rule::name) {
                        deal.parties.push(self.name(p));
                    }
                }
                Rule::deal_status => {
                    let mut s = self.cursor(item);
                    let status = self.lower_status(s.next(Rule::status)?)?;
                    s.finish()?;
                    deal.statuses.push(status);
                }
                Rule::deal_dated => {
                    let mut s = self.cursor(item);
                    deal.dated.push(self.lower_date(s.next(Rule::date)?)?);
                    s.finish()?;
                }
                Rule::deal_source => {
                    let mut s = self.cursor(item);
                    let label = s.next(Rule::label)?;
                    deal.sources.push(self.lower_label(label)?);
                    s.finish()?;
                }
                Rule::term => match self.lower_term(item) {
                    Ok(term) => deal.terms.push(term),
                    Err(d) => self.diagnostics.push(d),
                },
                other => {
                    return Err(Diagnostic::internal(
                        Some(span),
                        format!("unexpected {other:?} in a deal"),
                    ))
                }
            }
        }
        Ok(())
    }

    /// The opening part of a deal too large to parse at once (`deal_opening`): its name, label
    /// and first items; `lower_deal_part` adds the rest. `span` is the whole deal's.
    pub(super) fn lower_deal_opening(&mut self, pair: P<'_>, span: Span) -> Lowered<Deal> {
        let doc = doc_before(self.text, span.start as usize);
        self.lower_deal_head(pair, span, doc)
    }

    /// A deal's name, label and the items that follow them (all of a `deal`; the first part of
    /// a `deal_opening`).
    fn lower_deal_head(&mut self, pair: P<'_>, span: Span, doc: Option<Text>) -> Lowered<Deal> {
        let mut c = self.cursor(pair);
        let name = self.name(c.next(Rule::decl_name)?);
        let label = self.optional_label(&mut c)?;
        let mut deal = Deal {
            name,
            label,
            doc,
            parties: Vec::new(),
            statuses: Vec::new(),
            dated: Vec::new(),
            sources: Vec::new(),
            terms: Vec::new(),
            span,
        };
        self.lower_deal_items(&mut c, &mut deal)?;
        c.finish()?;
        Ok(deal)
    }

    /// A later part of a large deal (`deal_part`, `deal_closing`): its items into `deal`.
    pub(super) fn lower_deal_part(&mut self, pair: P<'_>, deal: &mut Deal) -> Lowered<()> {
        let mut c = self.cursor(pair);
        self.lower_deal_items(&mut c, deal)?;
        c.finish()
    }

    fn lower_status(&mut self, pair: P<'_>) -> Lowered<Spanned<Status>> {
        let span = self.pair_span(&pair);
        let inner = pair.into_inner().next();
        let status = match inner.as_ref().map(|p| p.as_rule()) {
            Some(Rule::SIGNED) => Status::Signed,
            Some(Rule::ANNOUNCED) => Status::Announced,
            Some(Rule::REPORTED) => Status::Reported,
            Some(Rule::PROPOSED) => Status::Proposed,
            Some(Rule::status_terminated) => {
                let Some(p) = inner else {
                    return Err(Diagnostic::internal(Some(span), "empty status"));
                };
                let mut c = self.cursor(p);
                let point = self.lower_point(c.next(Rule::point)?)?;
                c.finish()?;
                Status::TerminatedOn(Box::new(point))
            }
            _ => return Err(Diagnostic::internal(Some(span), "unexpected status")),
        };
        Ok(Spanned::new(status, span))
    }

    fn lower_term(&mut self, pair: P<'_>) -> Lowered<Term> {
        let mut span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let label = match c.optional(Rule::term_label) {
            Some(l) => {
                let mut lc = self.cursor(l);
                let name = self.name(lc.next(Rule::decl_name)?);
                lc.finish()?;
                Some(name)
            }
            None => None,
        };
        let body = c.any()?;
        c.finish()?;
        // The term ends with its last token: an empty optional part (a missing window) would
        // otherwise stretch it over the white space and comments that follow.
        let last = body
            .clone()
            .into_inner()
            .map(|p| p.as_span())
            .filter(|s| s.start() < s.end())
            .map(|s| s.end())
            .max();
        if let Some(end) = last {
            span.end = u32::try_from(self.offset + end)
                .unwrap_or(span.end)
                .min(span.end);
        }
        let kind = match body.as_rule() {
            Rule::invest => self.lower_invest(body)?,
            Rule::pay => self.lower_pay(body)?,
            Rule::lease => self.lower_lease_or_supply(body, FlowKind::Lease)?,
            Rule::supply => self.lower_lease_or_supply(body, FlowKind::Supply)?,
            Rule::grant => self.lower_right(body, RightKind::Grant)?,
            Rule::exclusive => self.lower_right(body, RightKind::Exclusive)?,
            Rule::sole => self.lower_right(body, RightKind::Sole)?,
            Rule::forbid => self.lower_right(body, RightKind::Forbid)?,
            Rule::terminate => self.lower_terminate(body)?,
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected term {other:?}"),
                ))
            }
        };
        Ok(Term { label, kind, span })
    }

    /// An optional clause holding money (`at valuation M`, `worth M`).
    fn money_clause(&mut self, c: &mut Cursor<'_>, rule: Rule) -> Lowered<Option<Spanned<Money>>> {
        let Some(clause) = c.optional(rule) else {
            return Ok(None);
        };
        let mut cc = self.cursor(clause);
        let money = self.lower_money(cc.next(Rule::money)?)?;
        cc.finish()?;
        Ok(Some(money))
    }

    /// An optional `worth M [per PERIOD]` clause.
    fn worth_clause(
        &mut self,
        c: &mut Cursor<'_>,
    ) -> Lowered<Option<(Spanned<Money>, Option<Every>)>> {
        let Some(clause) = c.optional(Rule::worth) else {
            return Ok(None);
        };
        let mut cc = self.cursor(clause);
        let money = self.lower_money(cc.next(Rule::money)?)?;
        let every = match cc.optional(Rule::per_period) {
            Some(per) => Some(lower_every(&per)?),
            None => None,
        };
        cc.finish()?;
        Ok(Some((money, every)))
    }

    /// An optional `for "what"` clause.
    fn label_clause(&mut self, c: &mut Cursor<'_>) -> Lowered<Option<Text>> {
        let Some(clause) = c.optional(Rule::for_what) else {
            return Ok(None);
        };
        let mut cc = self.cursor(clause);
        let label = self.lower_label(cc.next(Rule::label)?)?;
        cc.finish()?;
        Ok(Some(label))
    }

    /// A clause written on both sides of the window is an error; either side alone is fine.
    fn either_side<T>(
        &mut self,
        before: Option<T>,
        after: Option<T>,
        span: Span,
        what: &str,
    ) -> Option<T> {
        if before.is_some() && after.is_some() {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::SYNTAX,
                    span,
                    format!("this term states `{what}` twice"),
                )
                .with_label("one clause too many")
                .with_help(format!("keep one `{what}` clause")),
            );
        }
        before.or(after)
    }

    fn lower_invest(&mut self, pair: P<'_>) -> Lowered<TermKind> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let amount = self.lower_money(c.next(Rule::money)?)?;
        let from = self.name(c.next(Rule::name)?);
        let to = self.name(c.next(Rule::name)?);
        let before = self.money_clause(&mut c, Rule::valuation_clause)?;
        let window = self.lower_window(c.next(Rule::window)?)?;
        let after = self.money_clause(&mut c, Rule::valuation_clause)?;
        c.finish()?;
        let valuation = self.either_side(before, after, span, "at valuation");
        Ok(TermKind::Flow {
            kind: FlowKind::Invest,
            amount: Some(amount),
            from,
            to,
            what: None,
            window,
            valuation: valuation.map(Box::new),
            every: None,
        })
    }

    fn lower_pay(&mut self, pair: P<'_>) -> Lowered<TermKind> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let amount = self.lower_money(c.next(Rule::money)?)?;
        let every = match c.optional(Rule::per_period) {
            Some(per) => Some(lower_every(&per)?),
            None => None,
        };
        let from = self.name(c.next(Rule::name)?);
        let to = self.name(c.next(Rule::name)?);
        let before = self.label_clause(&mut c)?;
        let window = self.lower_window(c.next(Rule::window)?)?;
        let after = self.label_clause(&mut c)?;
        c.finish()?;
        let what = self.either_side(before, after, span, "for");
        Ok(TermKind::Flow {
            kind: FlowKind::Pay,
            amount: Some(amount),
            from,
            to,
            what,
            window,
            valuation: None,
            every,
        })
    }

    fn lower_lease_or_supply(&mut self, pair: P<'_>, kind: FlowKind) -> Lowered<TermKind> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let what = Some(self.lower_label(c.next(Rule::label)?)?);
        let from = self.name(c.next(Rule::name)?);
        let to = self.name(c.next(Rule::name)?);
        let before = self.worth_clause(&mut c)?;
        let window = self.lower_window(c.next(Rule::window)?)?;
        let after = self.worth_clause(&mut c)?;
        c.finish()?;
        let worth = self.either_side(before, after, span, "worth");
        let (amount, every) = match worth {
            Some((amount, every)) => (Some(amount), every),
            None => (None, None),
        };
        Ok(TermKind::Flow {
            kind,
            amount,
            from,
            to,
            what,
            window,
            valuation: None,
            every,
        })
    }

    fn lower_right(&mut self, pair: P<'_>, kind: RightKind) -> Lowered<TermKind> {
        let mut c = self.cursor(pair);
        let who = match c.optional(Rule::who) {
            Some(w) => self.lower_who(w)?,
            None => self.lower_holders(c.next(Rule::holders)?)?,
        };
        let action = self.name(c.next(Rule::name)?);
        let asset = self.lower_asset_ref(c.next(Rule::asset_ref)?)?;
        let mut channels: Vec<Name> = match c.optional(Rule::via_list) {
            Some(list) => list
                .into_inner()
                .filter(|p| p.as_rule() == Rule::name)
                .map(|p| self.name(p))
                .collect(),
            None => Vec::new(),
        };
        let also_via: Box<[Name]> = channels.split_off(channels.len().min(1)).into();
        let via = channels.pop();
        let window = self.lower_window(c.next(Rule::window)?)?;
        c.finish()?;
        Ok(TermKind::Right {
            kind,
            who,
            action,
            asset,
            via,
            also_via,
            window,
        })
    }

    fn lower_who(&mut self, pair: P<'_>) -> Lowered<Who> {
        let mut c = self.cursor(pair);
        let who = if let Some(everyone) = c.optional(Rule::everyone) {
            let except = everyone
                .into_inner()
                .filter(|p| p.as_rule() == Rule::name)
                .map(|p| self.name(p))
                .collect();
            Who::Everyone { except }
        } else {
            self.lower_holders(c.next(Rule::holders)?)?
        };
        c.finish()?;
        Ok(who)
    }

    /// `P` or `P, Q, …`.
    fn lower_holders(&mut self, pair: P<'_>) -> Lowered<Who> {
        let mut names: Vec<Name> = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.name(p))
            .collect();
        Ok(match names.len() {
            1 => match names.pop() {
                Some(one) => Who::Party(one),
                None => Who::Parties(Box::default()),
            },
            _ => Who::Parties(names.into()),
        })
    }

    fn lower_terminate(&mut self, pair: P<'_>) -> Lowered<TermKind> {
        let mut c = self.cursor(pair);
        let target = self.lower_reference(c.next(Rule::reference)?)?;
        let on = c
            .optional(Rule::point)
            .map(|p| self.lower_point(p))
            .transpose()?;
        c.finish()?;
        Ok(TermKind::Terminate { target, on })
    }

    pub(super) fn lower_asset_ref(&mut self, pair: P<'_>) -> Lowered<Box<AssetRef>> {
        let mut c = self.cursor(pair);
        let owner = self.name(c.next(Rule::name)?);
        let name = self.name(c.next(Rule::name)?);
        c.finish()?;
        Ok(Box::new(AssetRef { owner, name }))
    }

    pub(super) fn lower_reference(&mut self, pair: P<'_>) -> Lowered<Reference> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let first = self.name(c.next(Rule::name)?);
        let second = c.optional(Rule::name).map(|p| self.name(p));
        c.finish()?;
        Ok(Reference {
            first,
            second,
            span,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Windows and points

    pub(super) fn lower_window(&mut self, pair: P<'_>) -> Lowered<Window> {
        let mut c = self.cursor(pair);
        let window = if let Some(on) = c.optional(Rule::window_on) {
            Window::On(self.lower_wrapped_point(on)?)
        } else if let Some(during) = c.optional(Rule::window_during) {
            Window::During(self.lower_wrapped_point(during)?)
        } else {
            let mut from = c
                .optional(Rule::window_from)
                .map(|p| self.lower_wrapped_point(p))
                .transpose()?;
            let end = if let Some(until) = c.optional(Rule::window_until) {
                Some(WindowEnd::Until(self.lower_wrapped_point(until)?))
            } else if let Some(f) = c.optional(Rule::window_for) {
                let mut fc = self.cursor(f);
                let d = self.lower_duration(fc.next(Rule::duration)?)?;
                fc.finish()?;
                Some(WindowEnd::For(d))
            } else {
                None
            };
            if from.is_none() {
                from = c
                    .optional(Rule::window_from)
                    .map(|p| self.lower_wrapped_point(p))
                    .transpose()?;
            }
            Window::Range { from, end }
        };
        c.finish()?;
        Ok(window)
    }

    /// A rule whose only child is a point (`from X`, `before X`, …).
    pub(super) fn lower_wrapped_point(&mut self, pair: P<'_>) -> Lowered<Spanned<Point>> {
        let mut c = self.cursor(pair);
        let point = self.lower_point(c.next(Rule::point)?)?;
        c.finish()?;
        Ok(point)
    }

    pub(super) fn lower_point(&mut self, pair: P<'_>) -> Lowered<Spanned<Point>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let atom = c.any()?;
        let mut point = self.lower_point_atom(atom)?;
        let mut shifts = Vec::new();
        let mut end = point.span.end;
        while let Some(shift) = c.optional(Rule::point_shift) {
            end = self.pair_span(&shift).end;
            let mut sc = self.cursor(shift);
            let sign = if sc.optional(Rule::plus).is_some() {
                Shift::Plus
            } else {
                sc.next(Rule::minus)?;
                Shift::Minus
            };
            let duration = self.lower_duration(sc.next(Rule::duration)?)?;
            sc.finish()?;
            shifts.push((sign, duration.node));
        }
        // The point ends with its last token, not the white space a failed `+`/`-` skipped.
        let span = Span { end, ..span };
        if !shifts.is_empty() {
            point = Spanned::new(Point::Shifted(Box::new((point, shifts))), span);
        }
        c.finish()?;
        point.span = span;
        Ok(point)
    }

    fn lower_point_atom(&mut self, pair: P<'_>) -> Lowered<Spanned<Point>> {
        let span = self.pair_span(&pair);
        let rule = pair.as_rule();
        let point = match rule {
            Rule::date => Point::Date(self.lower_date(pair)?.node),
            Rule::sometime => {
                let mut c = self.cursor(pair);
                let date = self.lower_date(c.next(Rule::date)?)?;
                let until = match c.optional(Rule::date) {
                    Some(last) => Some(self.lower_date(last)?),
                    None => None,
                };
                c.finish()?;
                match until {
                    Some(last) => Point::SometimeBetween(Box::new((date.node, last.node))),
                    None => Point::Sometime(date.node),
                }
            }
            Rule::event_ref => {
                let mut c = self.cursor(pair);
                let name = self.name(c.next(Rule::name)?);
                c.finish()?;
                Point::Event(Box::new(name))
            }
            Rule::start_of | Rule::end_of => {
                let mut c = self.cursor(pair);
                let reference = self.lower_reference(c.next(Rule::reference)?)?;
                c.finish()?;
                if rule == Rule::start_of {
                    Point::Start(Box::new(reference))
                } else {
                    Point::End(Box::new(reference))
                }
            }
            Rule::earliest | Rule::latest => {
                let mut points = Vec::new();
                for p in pair.into_inner().filter(|p| p.as_rule() == Rule::point) {
                    points.push(self.lower_point(p)?);
                }
                if rule == Rule::earliest {
                    Point::Earliest(Box::new(points))
                } else {
                    Point::Latest(Box::new(points))
                }
            }
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected point {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(point, span))
    }

    pub(super) fn lower_date(&mut self, pair: P<'_>) -> Lowered<Spanned<DateLit>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let form = c.any()?;
        c.finish()?;
        let rule = form.as_rule();
        let parts: Vec<&str> = form.into_inner().map(|p| p.as_str()).collect();
        let num = |i: usize| -> u8 { parts.get(i).and_then(|s| s.parse().ok()).unwrap_or(0) };
        let year: i32 = parts.first().and_then(|s| s.parse().ok()).unwrap_or(0);
        let date = match rule {
            Rule::date_day => DateLit::Day {
                year,
                month: num(1),
                day: num(2),
            },
            Rule::date_month => DateLit::Month {
                year,
                month: num(1),
            },
            Rule::date_quarter => DateLit::Quarter {
                year,
                quarter: num(1),
            },
            Rule::date_half => DateLit::Half { year, half: num(1) },
            Rule::date_decade => DateLit::Decade { year },
            Rule::date_year => DateLit::Year { year },
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected date {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(date, span))
    }

    pub(super) fn lower_duration(&mut self, pair: P<'_>) -> Lowered<Spanned<Duration>> {
        let span = self.pair_span(&pair);
        let mut duration = Duration::default();
        for part in pair.into_inner() {
            let part_span = self.pair_span(&part);
            let mut c = self.cursor(part);
            let number = c.next(Rule::number_part)?;
            let unit = c.next(Rule::duration_unit)?;
            c.finish()?;
            let Some(count) = self.whole_number(number.as_str(), part_span) else {
                continue;
            };
            let unit = unit.as_str().trim_end_matches('s');
            let added = match unit {
                "year" => count.checked_mul(12).map(|m| (m, 0)),
                "month" => Some((count, 0)),
                "week" => count.checked_mul(7).map(|d| (0, d)),
                _ => Some((0, count)),
            };
            let total = added.and_then(|(m, d)| {
                let months = i64::from(duration.months).checked_add(m)?;
                let days = i64::from(duration.days).checked_add(d)?;
                if months > MAX_DURATION_MONTHS || days > MAX_DURATION_DAYS {
                    return None;
                }
                Some((i32::try_from(months).ok()?, i32::try_from(days).ok()?))
            });
            match total {
                Some((months, days)) => duration = Duration { months, days },
                _ => self.diagnostics.push(
                    Diagnostic::error(codes::INVALID_DURATION, span, "duration is too long")
                        .with_label("more than 10,000 years")
                        .with_help("durations are limited to 10,000 years"),
                ),
            }
        }
        Ok(Spanned::new(duration, span))
    }

    fn whole_number(&mut self, text: &str, span: Span) -> Option<i64> {
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        if clean.contains('.') {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::INVALID_DURATION,
                    span,
                    format!("durations are whole numbers, not `{text}`"),
                )
                .with_label("fractional duration")
                .with_help("use a smaller unit: `18 months` instead of `1.5 years`"),
            );
            return None;
        }
        match clean.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::error(codes::INVALID_DURATION, span, "duration is too long")
                        .with_label("this number is too large")
                        .with_help("durations are limited to 10,000 years"),
                );
                None
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Numbers and money

    /// Parses an exact decimal; too many digits is an error, never a rounding.
    pub(super) fn decimal(&mut self, text: &str, span: Span) -> Decimal {
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        match Decimal::from_str_exact(&clean) {
            Ok(d) => d,
            Err(_) => {
                self.diagnostics.push(too_large_amount(span, text));
                Decimal::ZERO
            }
        }
    }

    fn lower_amount(&mut self, pair: P<'_>) -> Lowered<Decimal> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let number = c.next(Rule::number_part)?;
        let scale = c
            .optional(Rule::scale_suffix)
            .or_else(|| c.optional(Rule::scale_word));
        c.finish()?;
        let base = self.decimal(number.as_str(), span);
        let factor: i64 = match scale.as_ref().map(|s| s.as_str()) {
            Some("k" | "thousand") => 1_000,
            Some("M" | "million") => 1_000_000,
            Some("B" | "billion") => 1_000_000_000,
            Some("T" | "trillion") => 1_000_000_000_000,
            _ => 1,
        };
        match base.checked_mul(Decimal::from(factor)) {
            Some(v) => Ok(v.normalize()),
            None => {
                self.diagnostics.push(too_large_amount(
                    span,
                    self.text
                        .get(span.start as usize..span.end as usize)
                        .unwrap_or(""),
                ));
                Ok(Decimal::ZERO)
            }
        }
    }

    fn lower_money_exact(&mut self, pair: P<'_>) -> Lowered<(Decimal, Text, Span)> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let (amount, currency) = if let Some(sign) = c.optional(Rule::currency_sign) {
            (
                self.lower_amount(c.next(Rule::amount)?)?,
                currency_of_sign(sign.as_str()),
            )
        } else {
            let amount = self.lower_amount(c.next(Rule::amount)?)?;
            (amount, self.intern(c.next(Rule::currency_code)?.as_str()))
        };
        c.finish()?;
        Ok((amount, currency, span))
    }

    pub(super) fn lower_money(&mut self, pair: P<'_>) -> Lowered<Spanned<Money>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let form = c.any()?;
        c.finish()?;
        let rule = form.as_rule();
        let money = match rule {
            Rule::money_exact => {
                let (value, currency, _) = self.lower_money_exact(form)?;
                Money {
                    amount: Amount::Exact(value),
                    currency,
                }
            }
            Rule::money_up_to | Rule::money_at_least => {
                let mut fc = self.cursor(form);
                let (value, currency, _) = self.lower_money_exact(fc.next(Rule::money_exact)?)?;
                fc.finish()?;
                let amount = if rule == Rule::money_up_to {
                    // `up to X` is more than 0 and at most X: with X = 0 there is no such amount.
                    if value.is_zero() {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::INVALID_AMOUNT,
                                span,
                                "`up to 0` leaves no amount: `up to` means more than 0",
                            )
                            .with_label("no amount is above 0 and at most 0")
                            .with_help(
                                "write the amount `0 USD` if nothing is paid, or the real ceiling",
                            ),
                        );
                    }
                    Amount::UpTo(value)
                } else {
                    Amount::AtLeast(value)
                };
                Money { amount, currency }
            }
            Rule::money_between => {
                let mut fc = self.cursor(form);
                let (low, currency, _) = self.lower_money_exact(fc.next(Rule::money_exact)?)?;
                let (high, other, high_span) =
                    self.lower_money_exact(fc.next(Rule::money_exact)?)?;
                fc.finish()?;
                // Two currencies: the ends cannot be compared, so only the currency is wrong.
                let same_currency = other == currency;
                if !same_currency {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::CURRENCY,
                            high_span,
                            format!("a range from {currency} to {other}"),
                        )
                        .with_label(format!(
                            "this amount is in {other}, the range starts in {currency}"
                        ))
                        .with_help(
                            "both ends of a range take the same currency; dealcheck never converts",
                        ),
                    );
                }
                if same_currency && low > high {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::INVALID_AMOUNT,
                            span,
                            "the range ends below where it starts",
                        )
                        .with_label("low end is above the high end")
                        .with_help("write `between LOW and HIGH`"),
                    );
                }
                Money {
                    amount: Amount::Between(Box::new((low, high))),
                    currency,
                }
            }
            Rule::money_undisclosed => {
                let mut fc = self.cursor(form);
                let currency = match fc.optional(Rule::currency_code) {
                    Some(code) => self.intern(code.as_str()),
                    None => currency_of_sign(fc.next(Rule::currency_sign)?.as_str()),
                };
                fc.finish()?;
                Money {
                    amount: Amount::Undisclosed,
                    currency,
                }
            }
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected money {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(money, span))
    }
}

/// Durations beyond this many months or days are refused: dates stop at year 9999 anyway.
const MAX_DURATION_MONTHS: i64 = 120_000;
const MAX_DURATION_DAYS: i64 = 3_660_000;

fn too_large_amount(span: Span, text: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_AMOUNT,
        span,
        format!("`{text}` cannot be held exactly"),
    )
    .with_label("too many digits or too large")
    .with_help(
        "amounts are exact decimals of at most 28 significant digits; use a scale like `B` or `T`",
    )
}

fn currency_of_sign(sign: &str) -> Text {
    match sign {
        "€" => arcstr::literal!("EUR"),
        "£" => arcstr::literal!("GBP"),
        _ => arcstr::literal!("USD"),
    }
}

/// Vectors start at four slots: a deal with one status or five terms would carry the slack for
/// as long as the rule set lives.
pub(super) fn shrink_deal(deal: &mut Deal) {
    deal.parties.shrink_to_fit();
    deal.statuses.shrink_to_fit();
    deal.dated.shrink_to_fit();
    deal.sources.shrink_to_fit();
    deal.terms.shrink_to_fit();
}

/// The `///` lines right above `offset`, without their markers.
pub(super) fn doc_before(text: &str, offset: usize) -> Option<Text> {
    let before = text.get(..offset)?;
    // Only blanks may stand between the line's start and the item: look back over them alone
    // (a search for the line's start would walk the whole line for every item on it).
    let indent = before.len() - before.trim_end_matches([' ', '\t']).len();
    let line_start = offset - indent;
    if line_start > 0 && !before.get(..line_start)?.ends_with('\n') {
        return None;
    }
    let mut lines = Vec::new();
    let mut rest = before.get(..line_start)?;
    while !rest.is_empty() {
        let body = rest.strip_suffix('\n').unwrap_or(rest);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let start = body.rfind('\n').map_or(0, |i| i + 1);
        let line = body.get(start..)?.trim();
        match line.strip_prefix("///") {
            Some(doc) if !doc.starts_with('/') => {
                lines.push(doc.strip_prefix(' ').unwrap_or(doc).to_string())
            }
            _ => break,
        }
        rest = body.get(..start)?;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(Text::from(lines.join("\n")))
}

/// `per year|quarter|month`.
fn lower_every(pair: &P<'_>) -> Lowered<Every> {
    let word = pair.clone().into_inner().nth(1).map(|p| p.as_rule());
    match word {
        Some(Rule::YEAR) => Ok(Every::Year),
        Some(Rule::quarter_word) => Ok(Every::Quarter),
        Some(Rule::MONTH) => Ok(Every::Month),
        other => Err(Diagnostic::internal(
            None,
            format!("unexpected {other:?} after `per`"),
        )),
    }
}
