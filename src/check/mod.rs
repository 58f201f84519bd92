//! Names, duplicates, dates and types: from parsed files to a [`Program`] every later stage can
//! trust, with every problem reported (not just the first).

mod assumptions;
mod declare;
mod resolve;
pub mod resolved;

use crate::ast::{self, DateLit};
use crate::diagnostic::Diagnostic;
use crate::source::{Span, Spanned};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

pub use resolve::check_question;
pub use resolved::{Ref, Resolved, TargetRef};

pub type PartyId = usize;
pub type AssetId = usize;
pub type ActionId = usize;
pub type ChannelId = usize;
pub type EventId = usize;
pub type DealId = usize;

/// A term: its deal and its position in that deal. Two 32-bit numbers: tables of a million
/// flows and rights keep one per entry, and [`check`] refuses rule sets with more items or
/// terms than 32 bits count, so every id made from a checked program fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TermId {
    deal: u32,
    index: u32,
}

impl TermId {
    /// The id of term `index` of deal `deal`. Out of 32-bit range (refused by [`check`], so
    /// only for ids not made from a checked program) it names no term: `u32::MAX`.
    pub fn new(deal: DealId, index: usize) -> TermId {
        TermId {
            deal: u32::try_from(deal).unwrap_or(u32::MAX),
            index: u32::try_from(index).unwrap_or(u32::MAX),
        }
    }

    pub fn deal(self) -> DealId {
        self.deal as DealId
    }

    pub fn index(self) -> usize {
        self.index as usize
    }
}

/// What a top-level name stands for. Parties, actions, channels, events and deals share one
/// namespace (reference §1); rules have their own (`Program::rule_names`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbol {
    Party(PartyId),
    Action(ActionId),
    Channel(ChannelId),
    Event(EventId),
    Deal(DealId),
    Rule(usize),
}

/// A [`Symbol`] in 8 bytes, as the name table holds one per declaration (a hundred MB rule set
/// declares a quarter of a million names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameEntry {
    kind: u8,
    id: u32,
}

impl NameEntry {
    /// `None` for an id past 32 bits (refused by [`check`]).
    fn new(symbol: Symbol) -> Option<NameEntry> {
        let (kind, id) = match symbol {
            Symbol::Party(id) => (0, id),
            Symbol::Action(id) => (1, id),
            Symbol::Channel(id) => (2, id),
            Symbol::Event(id) => (3, id),
            Symbol::Deal(id) => (4, id),
            Symbol::Rule(id) => (5, id),
        };
        Some(NameEntry {
            kind,
            id: u32::try_from(id).ok()?,
        })
    }

    fn symbol(self) -> Symbol {
        let id = self.id as usize;
        match self.kind {
            0 => Symbol::Party(id),
            1 => Symbol::Action(id),
            2 => Symbol::Channel(id),
            3 => Symbol::Event(id),
            4 => Symbol::Deal(id),
            _ => Symbol::Rule(id),
        }
    }
}

impl Symbol {
    pub fn kind(self) -> &'static str {
        match self {
            Symbol::Party(_) => "a party",
            Symbol::Action(_) => "an action",
            Symbol::Channel(_) => "a channel",
            Symbol::Event(_) => "an event",
            Symbol::Deal(_) => "a deal",
            Symbol::Rule(_) => "a rule",
        }
    }
}

/// A flow term resolved: who pays whom (for `lease`/`supply`, the lessee or buyer pays).
/// 20 bytes (parties as 32-bit numbers, see [`TermId`]): a rule set keeps one per flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pub term: TermId,
    pub kind: ast::FlowKind,
    payer: u32,
    payee: u32,
}

impl Flow {
    /// `None` for a party number past 32 bits (refused by [`check`]).
    pub fn new(term: TermId, kind: ast::FlowKind, payer: PartyId, payee: PartyId) -> Option<Flow> {
        Some(Flow {
            term,
            kind,
            payer: u32::try_from(payer).ok()?,
            payee: u32::try_from(payee).ok()?,
        })
    }

    pub fn payer(&self) -> PartyId {
        self.payer as PartyId
    }

    pub fn payee(&self) -> PartyId {
        self.payee as PartyId
    }
}

/// Flows grouped by one party (payer or payee): the flow numbers of party `p` are
/// `flows[starts[p]..starts[p + 1]]`. Two flat tables instead of a map of small vectors (whose
/// headers and spare capacity cost more than the numbers they hold).
#[derive(Debug, Default)]
struct FlowsByParty {
    starts: Vec<u32>,
    flows: Vec<u32>,
}

impl FlowsByParty {
    fn build(parties: usize, flows: &[Flow], party_of: impl Fn(&Flow) -> PartyId) -> Self {
        let mut starts = vec![0u32; parties + 1];
        for f in flows {
            if let Some(count) = starts.get_mut(party_of(f).saturating_add(1)) {
                *count += 1;
            }
        }
        for i in 1..starts.len() {
            let before = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(i) {
                *start += before;
            }
        }
        // Filled from each party's start onwards; `next` ends as each party's end.
        let mut next = starts.clone();
        let mut grouped = vec![0u32; starts.last().map_or(0, |&n| n as usize)];
        for (i, f) in flows.iter().enumerate() {
            let party = party_of(f);
            let Some(at) = next.get_mut(party).filter(|_| party < parties) else {
                continue;
            };
            if let (Some(slot), Ok(i)) = (grouped.get_mut(*at as usize), u32::try_from(i)) {
                *slot = i;
                *at += 1;
            }
        }
        FlowsByParty {
            starts,
            flows: grouped,
        }
    }

    fn of(&self, party: PartyId) -> &[u32] {
        let (Some(&start), Some(&end)) = (
            self.starts.get(party),
            self.starts.get(party.saturating_add(1)),
        ) else {
            return &[];
        };
        self.flows
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// What a `deal` or `deal.label` reference points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Deal(DealId),
    Term(TermId),
}

/// Deals with more terms than this get a label map; smaller ones are scanned.
const LABEL_SCAN_LIMIT: usize = 16;

/// The first of `labels` (a deal's term labels, by position) that is `label` (labels that are
/// keywords or too long name nothing).
fn find_label<'l>(mut labels: impl Iterator<Item = Option<&'l str>>, label: &str) -> Option<usize> {
    if !declare::usable_label(label) {
        return None;
    }
    labels.position(|l| l == Some(label))
}

/// What later stages read of every deal on every window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DealFacts {
    /// Whether its first status lets it count without being assumed (`signed`, `announced`,
    /// `terminated on`, or none): `reported` and `proposed` deals count only when assumed.
    pub counts_unassumed: bool,
    /// Whether its first status is `terminated on …`.
    pub terminated: bool,
    /// Its first `dated` line.
    pub dated: Option<DateLit>,
}

impl DealFacts {
    pub fn of(deal: &resolved::Deal) -> DealFacts {
        let first = deal.status.as_ref().map(|s| &s.node);
        DealFacts {
            counts_unassumed: !matches!(first, Some(ast::Status::Reported | ast::Status::Proposed)),
            terminated: matches!(first, Some(ast::Status::TerminatedOn(_))),
            dated: deal.dated.as_ref().map(|d| d.node),
        }
    }
}

/// A checked rule set: the declarations of every file, in file order, and their names.
/// `rate 1 FROM = R TO`: one unit of `from` is worth `rate` of `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rate {
    pub from: ast::Text,
    pub to: ast::Text,
    pub rate: crate::model::range::Range,
    pub span: crate::source::Span,
}

#[derive(Debug, Default)]
pub struct Program {
    pub as_of: Option<Spanned<DateLit>>,
    /// Declared exchange rates (`rate 1 GBP = 1.27 USD`).
    pub rates: Vec<Rate>,
    pub parties: Vec<ast::PartyDecl>,
    pub assets: Vec<ast::AssetDecl>,
    pub actions: Vec<ast::SimpleDecl>,
    pub channels: Vec<ast::SimpleDecl>,
    pub events: Vec<ast::EventDecl>,
    /// Every deal's name, by id.
    deal_names: Vec<ast::Name>,
    /// Every deal, resolved, in rule-set order: read with [`Program::deal_tree`],
    /// [`Program::term`] and [`Program::terms`].
    /// Boxed: each takes the place its parsed deal left (a rule set of 100 MB has hundreds of
    /// thousands).
    #[allow(clippy::vec_box)]
    deals: Vec<Box<resolved::Deal>>,
    pub rules: Vec<resolved::Rule>,
    /// Each party's group (`part of`), resolved.
    pub parent: Vec<Option<PartyId>>,
    /// Each asset's owner, resolved.
    pub asset_owner: Vec<PartyId>,
    /// Each party's direct units (the inverse of `parent`).
    pub units: Vec<Vec<PartyId>>,
    /// Each party's outermost group (itself when it has none).
    roots: Vec<PartyId>,
    /// `terminate` terms by what they terminate.
    terminators: HashMap<Target, Vec<TermId>>,
    /// Every money flow with an amount, names resolved, payer to payee (reference §4 table).
    pub flows: Vec<Flow>,
    /// Indices into `flows` by payer, and by payee.
    flows_by_payer: FlowsByParty,
    flows_by_payee: FlowsByParty,
    /// Each deal's first term number (terms numbered through the rule set, in order).
    term_offsets: Vec<usize>,
    /// Every top-level name and what it is (where it was declared is read from the
    /// declaration: see [`Program::declared_at`]).
    names: FxHashMap<ast::Text, NameEntry>,
    /// Rule names, in a namespace of their own: nothing refers to a rule, so a rule may share
    /// its deal's name (`deal amazon_talks` and `rule amazon_talks`).
    rule_names: FxHashMap<ast::Text, usize>,
    /// Assets by owner, then by name (looked up by `&str`, no allocation).
    assets_by_name: FxHashMap<PartyId, FxHashMap<ast::Text, AssetId>>,
    /// Term labels by label, for deals with more than [`LABEL_SCAN_LIMIT`] terms; smaller deals
    /// are scanned (a map per deal would cost more than the deal's terms).
    labels: FxHashMap<DealId, FxHashMap<ast::Text, usize>>,
    /// `terminate` terms whose day depends on a window they cut: they cut nothing.
    circular_terminations: rustc_hash::FxHashSet<TermId>,
    /// Deals whose `terminated on` day depends on one of their own terms: it cuts nothing.
    circular_statuses: rustc_hash::FxHashSet<DealId>,
}

impl Program {
    /// Records the terminations whose day depends on what they cut (found on the dependency
    /// graph of windows, see `model::reference_cycles`): evaluation ignores them.
    pub fn set_circular_terminations(
        &mut self,
        terms: rustc_hash::FxHashSet<TermId>,
        statuses: rustc_hash::FxHashSet<DealId>,
    ) {
        self.circular_terminations = terms;
        self.circular_statuses = statuses;
    }

    /// Whether a `terminate` term's day depends on what it cuts (so it cuts nothing).
    pub fn is_circular_termination(&self, terminator: TermId) -> bool {
        self.circular_terminations.contains(&terminator)
    }

    /// Whether a deal's `terminated on` day depends on its own terms (so it cuts nothing).
    pub fn has_circular_status(&self, deal: DealId) -> bool {
        self.circular_statuses.contains(&deal)
    }

    pub fn symbol(&self, name: &str) -> Option<Symbol> {
        self.names.get(name).map(|n| n.symbol())
    }

    pub fn party(&self, name: &str) -> Option<PartyId> {
        match self.symbol(name) {
            Some(Symbol::Party(p)) => Some(p),
            _ => None,
        }
    }

    pub fn action(&self, name: &str) -> Option<ActionId> {
        match self.symbol(name) {
            Some(Symbol::Action(a)) => Some(a),
            _ => None,
        }
    }

    pub fn channel(&self, name: &str) -> Option<ChannelId> {
        match self.symbol(name) {
            Some(Symbol::Channel(c)) => Some(c),
            _ => None,
        }
    }

    pub fn event(&self, name: &str) -> Option<EventId> {
        match self.symbol(name) {
            Some(Symbol::Event(e)) => Some(e),
            _ => None,
        }
    }

    pub fn deal(&self, name: &str) -> Option<DealId> {
        match self.symbol(name) {
            Some(Symbol::Deal(d)) => Some(d),
            _ => None,
        }
    }

    /// An asset written `Owner.name` (as on the command line).
    pub fn asset_by_name(&self, written: &str) -> Option<AssetId> {
        let (owner, name) = written.split_once('.')?;
        let owner = self.party(owner)?;
        self.assets_by_name.get(&owner)?.get(name).copied()
    }

    pub fn asset(&self, asset: &ast::AssetRef) -> Option<AssetId> {
        let owner = self.party(&asset.owner.node)?;
        self.assets_by_name
            .get(&owner)?
            .get(asset.name.node.as_str())
            .copied()
    }

    /// What `deal` or `deal.label` points at, the labels read from `labels` (each deal's term
    /// labels by position) for deals that have no label map.
    fn target_in<'l, L>(
        &self,
        reference: &ast::Reference,
        labels: impl Fn(DealId) -> L,
    ) -> Option<Target>
    where
        L: Iterator<Item = Option<&'l str>>,
    {
        let deal = self.deal(&reference.first.node)?;
        match &reference.second {
            None => Some(Target::Deal(deal)),
            Some(label) => {
                let index = match self.labels.get(&deal) {
                    Some(labels) => *labels.get(label.node.as_str())?,
                    None => find_label(labels(deal), label.node.as_str())?,
                };
                Some(Target::Term(TermId::new(deal, index)))
            }
        }
    }

    /// What a `deal` or `deal.label` reference written in a question points at.
    pub fn target(&self, reference: &ast::Reference) -> Option<Target> {
        self.target_in(reference, |deal| self.term_labels(deal))
    }

    /// A resolved deal's term labels, by position.
    pub fn term_labels(&self, deal: DealId) -> impl Iterator<Item = Option<&str>> {
        self.deals.get(deal).into_iter().flat_map(|d| {
            d.terms.iter().map(|t| {
                t.as_ref()
                    .and_then(|t| t.label.as_ref())
                    .map(|l| l.as_str())
            })
        })
    }

    /// How many deals the rule set has.
    pub fn deal_count(&self) -> usize {
        self.deal_names.len()
    }

    /// A deal.
    pub fn deal_tree(&self, id: DealId) -> Option<&resolved::Deal> {
        self.deals.get(id).map(|d| &**d)
    }

    /// What every window asks of a deal.
    pub fn deal_facts(&self, id: DealId) -> Option<DealFacts> {
        self.deals.get(id).map(|d| DealFacts::of(d))
    }

    /// A deal's name.
    pub fn deal_name(&self, id: DealId) -> Option<&ast::Name> {
        self.deal_names.get(id)
    }

    /// How many terms a deal has.
    pub fn deal_term_count(&self, id: DealId) -> usize {
        self.deals.get(id).map_or(0, |d| d.terms.len())
    }

    /// Whether a term is a `terminate` term.
    pub fn is_terminate(&self, id: TermId) -> bool {
        self.term(id).is_some_and(|t| t.is_terminate())
    }

    /// One term (`None` also for a term that did not resolve).
    pub fn term(&self, id: TermId) -> Option<&resolved::Term> {
        self.deals.get(id.deal())?.terms.get(id.index())?.as_ref()
    }

    /// How many terms the rule set has.
    pub fn term_count(&self) -> usize {
        self.term_offsets.last().copied().unwrap_or(0)
    }

    /// A term's number in rule-set order (`0..term_count()`), for tables indexed by term.
    pub fn term_number(&self, id: TermId) -> Option<usize> {
        let first = *self.term_offsets.get(id.deal())?;
        let next = *self.term_offsets.get(id.deal().saturating_add(1))?;
        (id.index() < next - first).then_some(first + id.index())
    }

    /// Every term of every deal, in rule-set order.
    pub fn terms(&self) -> impl Iterator<Item = (TermId, &resolved::Term)> + '_ {
        self.deals.iter().enumerate().flat_map(|(deal, d)| {
            d.terms()
                .map(move |(index, t)| (TermId::new(deal, index), t))
        })
    }

    /// The `terminate` terms aimed at exactly this target (a term, or a whole deal).
    pub fn terminators_of(&self, target: Target) -> impl Iterator<Item = TermId> + '_ {
        self.terminators.get(&target).into_iter().flatten().copied()
    }

    /// The flows paid by one party (not its units).
    /// What one unit of `from` is worth in `to`, if a rate says (written that way round).
    pub fn rate(&self, from: &str, to: &str) -> Option<crate::model::range::Range> {
        self.rates
            .iter()
            .find(|r| r.from.as_str() == from && r.to.as_str() == to)
            .map(|r| r.rate)
    }

    pub fn flows_from(&self, payer: PartyId) -> impl Iterator<Item = &Flow> + '_ {
        self.flows_by_payer
            .of(payer)
            .iter()
            .filter_map(|&i| self.flows.get(i as usize))
    }

    /// The flows paid to one party (not its units).
    pub fn flows_to(&self, payee: PartyId) -> impl Iterator<Item = &Flow> + '_ {
        self.flows_by_payee
            .of(payee)
            .iter()
            .filter_map(|&i| self.flows.get(i as usize))
    }

    /// `deal.label`, or `deal#N` (1-based) for an unlabelled term.
    pub fn term_name(&self, id: TermId) -> String {
        let deal = self.deal_name(id.deal()).map_or("?", |d| d.node.as_str());
        let label = self.term(id).and_then(|t| t.label.as_ref());
        match label {
            Some(label) => format!("{deal}.{label}"),
            None => format!("{deal}#{}", id.index() + 1),
        }
    }

    /// An asset's owner (`usize::MAX`, no party, for no such asset).
    pub fn owner_of(&self, asset: AssetId) -> PartyId {
        self.asset_owner.get(asset).copied().unwrap_or(usize::MAX)
    }

    /// An asset's name, without its owner, shared.
    pub fn asset_text(&self, asset: AssetId) -> ast::Text {
        self.assets
            .get(asset)
            .map_or(arcstr::literal!("?"), |a| a.name.node.clone())
    }

    /// An action's name, shared.
    pub fn action_text(&self, action: ActionId) -> ast::Text {
        self.actions
            .get(action)
            .map_or(arcstr::literal!("?"), |a| a.name.node.clone())
    }

    /// A channel's name, shared.
    pub fn channel_text(&self, channel: ChannelId) -> ast::Text {
        self.channels
            .get(channel)
            .map_or(arcstr::literal!("?"), |c| c.name.node.clone())
    }

    /// The party's name as a shared text, for explanations (`?` for no such party).
    pub fn party_text(&self, party: PartyId) -> ast::Text {
        self.parties
            .get(party)
            .map_or(arcstr::literal!("?"), |p| p.name.node.clone())
    }

    pub fn party_name(&self, party: PartyId) -> &str {
        self.parties
            .get(party)
            .map_or("?", |p| p.name.node.as_str())
    }

    /// The party's groups, innermost first (never loops: cycles are refused by the checker).
    pub fn groups_of(&self, party: PartyId) -> Vec<PartyId> {
        let mut out = Vec::new();
        let mut current = self.parent.get(party).copied().flatten();
        // `part of` is a forest once the checker has broken its cycles; the bound is a guard.
        while let Some(group) = current {
            if out.len() > self.parties.len() {
                break;
            }
            out.push(group);
            current = self.parent.get(group).copied().flatten();
        }
        out
    }

    /// The outermost group a party belongs to (itself when it belongs to none).
    pub fn root(&self, party: PartyId) -> PartyId {
        self.roots.get(party).copied().unwrap_or(party)
    }

    /// Whether `unit` is `group` or (transitively) part of it.
    pub fn within(&self, unit: PartyId, group: PartyId) -> bool {
        unit == group || self.groups_of(unit).contains(&group)
    }

    /// The party and all its units, at any depth.
    pub fn family(&self, party: PartyId) -> Vec<PartyId> {
        let mut out = vec![party];
        let mut i = 0;
        while let Some(&p) = out.get(i) {
            // A forest: every unit has one group, so no party is reached twice.
            out.extend_from_slice(self.units.get(p).map_or(&[][..], |v| v.as_slice()));
            if out.len() > self.parties.len() {
                break;
            }
            i += 1;
        }
        out
    }

    /// Where a top-level name was declared.
    pub fn declared_at(&self, name: &str) -> Option<Span> {
        self.declaration(self.symbol(name)?)
    }

    /// Where a symbol was declared: the span of its name in its declaration (what a resolved
    /// [`Ref`] points to: `Symbol::Party(r.id())` for a party, and so on by its place).
    pub fn declaration(&self, symbol: Symbol) -> Option<Span> {
        match symbol {
            Symbol::Party(p) => self.parties.get(p).map(|d| d.name.span),
            Symbol::Action(a) => self.actions.get(a).map(|d| d.name.span),
            Symbol::Channel(c) => self.channels.get(c).map(|d| d.name.span),
            Symbol::Event(e) => self.events.get(e).map(|d| d.name.span),
            Symbol::Deal(d) => self.deal_names.get(d).map(|n| n.span),
            Symbol::Rule(r) => self.rules.get(r).map(|d| d.name.span),
        }
    }

    /// All declared names of one kind, for "did you mean" suggestions.
    /// The names of the assets a party owns (for "did you mean").
    fn asset_names_of(&self, owner: PartyId) -> impl Iterator<Item = &str> {
        self.assets_by_name
            .get(&owner)
            .into_iter()
            .flat_map(|by_name| by_name.keys().map(|k| k.as_str()))
    }

    /// Every declared name (rules' included) with what it names.
    fn all_names(&self) -> impl Iterator<Item = (&str, Symbol)> {
        self.names.iter().map(|(n, s)| (n.as_str(), s.symbol()))
    }
}

/// Checks parsed files as one rule set.
pub fn check(files: Vec<ast::File>) -> (Program, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if let Err(d) = count_terms(&files, crate::limits::MAX_TERMS) {
        diagnostics.push(d);
        return (Program::default(), diagnostics);
    }
    let (mut program, declared) = declare::declare(files, &mut diagnostics);
    let mut found = resolve::Diags::new();
    let (deals, rules) = resolve::resolve(&program, declared, &mut found);
    program.deals = deals;
    program.rules = rules;
    diagnostics.append(&mut found.list);
    let mut terminators: HashMap<Target, Vec<TermId>> = HashMap::new();
    let mut flows = Vec::new();
    for (id, term) in program.terms() {
        if let ast::TermKind::Terminate { target, .. } = &term.kind {
            terminators.entry(target.target).or_default().push(id);
        }
        flows.extend(flow_of(id, term));
    }
    program.terminators = terminators;
    index_flows(&mut program, flows);
    assumptions::check(&program, &mut diagnostics);
    let mut next = 0;
    program.term_offsets = std::iter::once(0)
        .chain(program.deals.iter().map(|d| {
            next += d.terms.len();
            next
        }))
        .collect();
    (program, diagnostics)
}

/// Refuses rule sets with more than `limit` terms, before any work proportional to them.
fn count_terms(files: &[ast::File], limit: usize) -> Result<usize, Diagnostic> {
    let terms: usize = files
        .iter()
        .flat_map(|f| &f.items)
        .map(|i| match i {
            ast::Item::Deal(d) => d.terms.len(),
            _ => 0,
        })
        .sum();
    if terms > limit {
        return Err(too_many_terms(terms, limit));
    }
    // Ids are 32-bit in the checker's tables (see [`TermId`]): unreachable below terabytes of
    // input, refused rather than wrapped.
    let items: usize = files.iter().map(|f| f.items.len()).sum();
    if u32::try_from(items).is_err() {
        return Err(Diagnostic::new(
            crate::diagnostic::codes::TOO_LARGE,
            crate::diagnostic::Severity::Error,
            crate::diagnostic::Location::Nowhere,
            format!(
                "{items} declarations is more than the limit of {}",
                u32::MAX
            ),
        )
        .with_help("split the rule set and check the parts separately"));
    }
    Ok(terms)
}

fn too_many_terms(terms: usize, limit: usize) -> Diagnostic {
    Diagnostic::new(
        crate::diagnostic::codes::TOO_LARGE,
        crate::diagnostic::Severity::Error,
        crate::diagnostic::Location::Nowhere,
        format!("{terms} terms is more than the limit of {limit}"),
    )
    .with_help("split the rule set and check the parts separately")
}

/// A flow term with an amount: who pays whom.
fn flow_of(term: TermId, t: &resolved::Term) -> Option<Flow> {
    let ast::TermKind::Flow {
        kind,
        amount: Some(_),
        from,
        to,
        ..
    } = &t.kind
    else {
        return None;
    };
    let (from, to) = (from.id(), to.id());
    let (payer, payee) = match kind {
        ast::FlowKind::Invest | ast::FlowKind::Pay => (from, to),
        ast::FlowKind::Lease | ast::FlowKind::Supply => (to, from),
    };
    Flow::new(term, *kind, payer, payee)
}

fn index_flows(program: &mut Program, mut flows: Vec<Flow>) {
    // Kept for the rule set's life: no doubling slack (a million flows is 20 MB without it).
    flows.shrink_to_fit();
    let parties = program.parties.len();
    program.flows_by_payer = FlowsByParty::build(parties, &flows, Flow::payer);
    program.flows_by_payee = FlowsByParty::build(parties, &flows, Flow::payee);
    program.flows = flows;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_grouped_by_party_keep_their_order() {
        let flow = |term, payer, payee| {
            Flow::new(TermId::new(0, term), ast::FlowKind::Pay, payer, payee)
                .unwrap_or_else(|| unreachable!())
        };
        let flows = [flow(0, 2, 0), flow(1, 0, 2), flow(2, 2, 1), flow(3, 1, 2)];
        let by_payer = FlowsByParty::build(4, &flows, Flow::payer);
        let by_payee = FlowsByParty::build(4, &flows, Flow::payee);
        assert_eq!(by_payer.of(2), &[0, 2]);
        assert_eq!(by_payer.of(0), &[1]);
        assert_eq!(by_payee.of(2), &[1, 3]);
        assert_eq!(by_payee.of(3), &[] as &[u32]);
        assert_eq!(by_payee.of(99), &[] as &[u32]);
        // A party number past the table (not of this program) is left out, not a panic.
        let stray = FlowsByParty::build(2, &flows, Flow::payer);
        assert_eq!(stray.of(1), &[3]);
        assert_eq!(stray.of(2), &[] as &[u32]);
    }

    #[test]
    fn term_limit_is_a_diagnostic() {
        let text = "party A\naction x\nasset A.m\ndeal d { grant A may x A.m\n grant A may x A.m\n grant A may x A.m }";
        let (tree, _) = crate::syntax::parse_file(crate::source::FileId(0), text);
        let files = vec![tree.unwrap()];
        assert_eq!(count_terms(&files, 3).ok(), Some(3));
        let d = count_terms(&files, 2).unwrap_err();
        assert_eq!(d.code, crate::diagnostic::codes::TOO_LARGE);
        assert!(d.message.contains("3 terms"));
    }
}
