//! Deals kept packed: a compact, lossless byte encoding of [`Deal`], so a rule set of
//! hundreds of thousands of deals holds a few dozen bytes a term instead of the ~200 of the
//! tree. Every name, label and span survives: [`PackedDeal::unpack`] gives back the deal that
//! was packed, spans included, and the stages after `check` unpack what they read.
//!
//! Names and other texts are numbers into a symbol table shared by the deals packed together
//! (a parser batch); spans are stored once per deal for the file, and as small differences
//! from the span before for each position.

use super::*;
use crate::source::FileId;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// One deal, packed. Cheap to hold (16 bytes: where its bytes lie in its batch) and to read
/// back in part: its name, term count and labels without unpacking its terms.
#[derive(Clone, Debug)]
pub struct PackedDeal {
    batch: Arc<Batch>,
    start: u32,
    end: u32,
}

/// The deals packed together (a parser batch): their bytes one after another in one
/// allocation, and the symbols they refer to. One allocation a batch rather than one a deal:
/// fewer, larger blocks that outlive the parser's short-lived ones, so less of the heap is
/// left in holes between them.
#[derive(Debug)]
struct Batch {
    bytes: Box<[u8]>,
    symbols: Box<[Text]>,
}

/// Packs deals that share one symbol table (numbers given in order of first use).
#[derive(Default)]
pub struct Packer {
    symbols: Vec<Text>,
    numbers: FxHashMap<Text, u32>,
    /// Every deal packed so far, one after another.
    packed: Vec<u8>,
    /// Where each deal's bytes start and end in `packed`.
    ranges: Vec<(u32, u32)>,
    /// Buffers to write into, reused from deal to deal (a deal is written in parts).
    buffers: Vec<Vec<u8>>,
}

impl Packer {
    /// Packs `deal` after the deals packed before; they become [`PackedDeal`]s with
    /// [`Packer::finish`], in the order they were packed.
    pub fn pack(&mut self, deal: &Deal) {
        let bytes = self.buffer();
        let mut w = Writer {
            packer: self,
            bytes,
            last: deal.span.start,
        };
        w.deal(deal);
        let bytes = w.bytes;
        // Past 4 GiB of packed bytes in one batch (a file is at most 256 MiB) a deal would get
        // an empty range and unpack to `None`, never someone else's bytes.
        let start = u32::try_from(self.packed.len()).ok();
        self.packed.extend_from_slice(&bytes);
        let end = u32::try_from(self.packed.len()).ok();
        self.ranges.push(match (start, end) {
            (Some(start), Some(end)) => (start, end),
            _ => (0, 0),
        });
        self.give_back(bytes);
    }

    fn buffer(&mut self) -> Vec<u8> {
        self.buffers.pop().unwrap_or_default()
    }

    fn give_back(&mut self, mut buffer: Vec<u8>) {
        buffer.clear();
        self.buffers.push(buffer);
    }

    /// The deals packed, in order, sharing one batch.
    pub fn finish(self) -> Vec<PackedDeal> {
        let batch = Arc::new(Batch {
            bytes: self.packed.into_boxed_slice(),
            symbols: self.symbols.into_boxed_slice(),
        });
        self.ranges
            .into_iter()
            .map(|(start, end)| PackedDeal {
                batch: Arc::clone(&batch),
                start,
                end,
            })
            .collect()
    }

    fn number(&mut self, text: &Text) -> u32 {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = u32::try_from(self.symbols.len()).unwrap_or(u32::MAX);
        self.symbols.push(text.clone());
        self.numbers.insert(text.clone(), n);
        n
    }
}

impl PartialEq for PackedDeal {
    fn eq(&self, other: &Self) -> bool {
        self.unpack() == other.unpack()
    }
}

impl Serialize for PackedDeal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.unpack().serialize(serializer)
    }
}

impl PackedDeal {
    /// Packs one deal on its own (deals built outside the parser's batches).
    pub fn new(deal: &Deal) -> PackedDeal {
        let mut packer = Packer::default();
        packer.pack(deal);
        let mut packed = packer.finish();
        packed.pop().unwrap_or_else(|| PackedDeal {
            batch: Arc::new(Batch {
                bytes: Box::new([]),
                symbols: Box::new([]),
            }),
            start: 0,
            end: 0,
        })
    }

    /// The deal's packed bytes.
    fn bytes(&self) -> &[u8] {
        self.batch
            .bytes
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// The deal as it was packed; `None` only if the bytes are not a packed deal (a bug).
    pub fn unpack(&self) -> Option<Deal> {
        let (mut deal, mut r, count) = self.unpack_head_reader()?;
        deal.terms.reserve_exact(count.min(r.bytes.len()));
        for _ in 0..count {
            let _len = r.count()?;
            deal.terms.push(r.term()?);
        }
        Some(deal)
    }

    /// The deal without its terms (`terms` is empty): its name, label, doc, parties, statuses,
    /// dates and sources, at the cost of those alone however many terms it has.
    pub fn unpack_head(&self) -> Option<Deal> {
        self.unpack_head_reader().map(|(deal, _, _)| deal)
    }

    /// The deal's head, and a reader standing before its first term, and its term count.
    fn unpack_head_reader(&self) -> Option<(Deal, Reader<'_>, usize)> {
        let mut r = self.reader();
        let (name, span) = r.header()?;
        let _head_len = r.count()?;
        let label = r.opt(Reader::own_text)?;
        let doc = r.opt(Reader::own_text)?;
        let parties = r.list(Reader::name)?;
        let statuses = r.list(|r| r.spanned(Reader::status))?;
        let dated = r.list(|r| r.spanned(Reader::date))?;
        let sources = r.list(Reader::own_text)?;
        let count = r.count()?;
        if count > INDEXED_TERMS {
            r.skip(count.checked_mul(4)?)?;
        }
        let deal = Deal {
            name,
            label,
            doc,
            parties,
            statuses,
            dated,
            sources,
            terms: Vec::new(),
            span,
        };
        Some((deal, r, count))
    }

    /// The deal's name.
    pub fn name(&self) -> Option<Name> {
        self.reader().header().map(|(name, _)| name)
    }

    /// How many terms the deal has.
    pub fn term_count(&self) -> usize {
        self.at_terms().map_or(0, |(_, count)| count)
    }

    /// The deal's `index`th term.
    pub fn term(&self, index: usize) -> Option<Term> {
        let mut r = self.at_term(index)?;
        r.count()?;
        r.term()
    }

    /// The label of the deal's `index`th term.
    pub fn term_label(&self, index: usize) -> Option<Name> {
        let mut r = self.at_term(index)?;
        r.count()?;
        r.term_label()?
    }

    /// Whether the deal's `index`th term is a `terminate` term (without unpacking it).
    pub fn is_terminate(&self, index: usize) -> bool {
        let Some(mut r) = self.at_term(index) else {
            return false;
        };
        r.count().is_some() && r.peek_tag() == Some(TermTag::Terminate)
    }

    /// The deal's terms of the kinds `keep` accepts, with their positions; the others are
    /// skipped without being unpacked.
    pub fn terms_where(&self, keep: impl Fn(TermTag) -> bool) -> Vec<(usize, Term)> {
        let Some((mut r, count)) = self.at_terms() else {
            return Vec::new();
        };
        let mut terms = Vec::new();
        for index in 0..count {
            let Some(len) = r.count() else { break };
            let start = r.at;
            if r.peek_tag().is_some_and(&keep) {
                r.at = start;
                match r.term() {
                    Some(term) => terms.push((index, term)),
                    None => break,
                }
            }
            if r.seek(start + len).is_none() {
                break;
            }
        }
        terms
    }

    /// Each term's label (and its span), in order, without unpacking the rest of the terms.
    pub fn labels(&self) -> Vec<Option<Name>> {
        let Some((mut r, count)) = self.at_terms() else {
            return Vec::new();
        };
        let mut labels = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(len) = r.count() else { break };
            let start = r.at;
            let Some(label) = r.term_label() else { break };
            labels.push(label);
            if r.seek(start + len).is_none() {
                break;
            }
        }
        labels
    }

    fn reader(&self) -> Reader<'_> {
        Reader {
            bytes: self.bytes(),
            symbols: &self.batch.symbols,
            at: 0,
            file: FileId(0),
            base: 0,
            last: 0,
        }
    }

    /// A reader standing before the `index`th term (at its length).
    fn at_term(&self, index: usize) -> Option<Reader<'_>> {
        let (mut r, count) = self.at_terms()?;
        if index >= count {
            return None;
        }
        if count > INDEXED_TERMS {
            let table = r.at.checked_sub(4 * count)?;
            let entry = self.bytes().get(table + 4 * index..table + 4 * index + 4)?;
            let start = u32::from_le_bytes(entry.try_into().ok()?);
            r.seek(r.at.checked_add(start as usize)?)?;
        } else {
            for _ in 0..index {
                let len = r.count()?;
                r.skip(len)?;
            }
        }
        Some(r)
    }

    /// A reader standing before the first term (at its length, past the table of where
    /// terms start, if any), and the term count.
    fn at_terms(&self) -> Option<(Reader<'_>, usize)> {
        let mut r = self.reader();
        r.skip_header()?;
        let head_len = r.count()?;
        r.skip(head_len)?;
        let count = r.count()?;
        if count > INDEXED_TERMS {
            r.skip(count.checked_mul(4)?)?;
        }
        Some((r, count))
    }
}

/// What kind of term a packed term is, read without unpacking it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermTag {
    Flow,
    Right,
    Terminate,
}

/// Deals with more terms than this carry a table of where each term starts.
const INDEXED_TERMS: usize = 8;

/// The tag of a `terminate` term (0–3 are flows, 4–7 rights).
const TERMINATE: u8 = 8;

/// `n` in 7 bits a byte, low bits first, the top bit set on every byte but the last.
fn push_uint(bytes: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

struct Writer<'p> {
    packer: &'p mut Packer,
    bytes: Vec<u8>,
    /// The last position written: positions are stored as differences from it.
    last: u32,
}

impl Writer<'_> {
    fn uint(&mut self, n: u64) {
        push_uint(&mut self.bytes, n);
    }

    fn int(&mut self, n: i64) {
        self.uint(((n << 1) ^ (n >> 63)) as u64);
    }

    fn count(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    fn span(&mut self, span: Span) {
        self.int(i64::from(span.start) - i64::from(self.last));
        self.uint(u64::from(span.end.saturating_sub(span.start)));
        self.last = span.start;
    }

    fn text(&mut self, text: &Text) {
        let n = self.packer.number(text);
        self.uint(u64::from(n));
    }

    /// A text written out in place: its length, then its bytes.
    fn own_text(&mut self, text: &Text) {
        self.count(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
    }

    fn name(&mut self, name: &Name) {
        self.text(&name.node);
        self.span(name.span);
    }

    fn opt<T>(&mut self, value: Option<&T>, write: impl FnOnce(&mut Self, &T)) {
        match value {
            None => self.byte(0),
            Some(v) => {
                self.byte(1);
                write(self, v);
            }
        }
    }

    fn list<T>(&mut self, values: &[T], mut write: impl FnMut(&mut Self, &T)) {
        self.count(values.len());
        for v in values {
            write(self, v);
        }
    }

    fn spanned<T>(&mut self, value: &Spanned<T>, write: impl FnOnce(&mut Self, &T)) {
        self.span(value.span);
        write(self, &value.node);
    }

    fn deal(&mut self, deal: &Deal) {
        self.uint(u64::from(deal.span.file.0));
        self.uint(u64::from(deal.span.start));
        self.uint(u64::from(deal.span.end.saturating_sub(deal.span.start)));
        self.name(&deal.name);
        // The rest of the head after its length, so the terms can be reached without it.
        let bytes = self.packer.buffer();
        let mut head = Writer {
            packer: &mut *self.packer,
            bytes,
            last: self.last,
        };
        // A deal's label, doc and sources are its own (no other deal repeats them): written
        // out in place, not as symbols that would keep a shared string each alive.
        head.opt(deal.label.as_ref(), Writer::own_text);
        head.opt(deal.doc.as_ref(), Writer::own_text);
        head.list(&deal.parties, Writer::name);
        head.list(&deal.statuses, |w, s| w.spanned(s, Writer::status));
        head.list(&deal.dated, |w, d| w.spanned(d, Writer::date));
        head.list(&deal.sources, Writer::own_text);
        let head = head.bytes;
        self.count(head.len());
        self.bytes.extend_from_slice(&head);
        self.packer.give_back(head);
        self.count(deal.terms.len());
        // Each term after its length, so one term can be skipped without reading it; past
        // [`INDEXED_TERMS`] terms, a table of where each starts (4 bytes a term), so finding
        // one in a large deal is not a walk through those before it.
        let mut area = self.packer.buffer();
        let mut starts = Vec::new();
        for term in &deal.terms {
            // Positions in a term count from the deal's start, so any term reads on its own.
            let bytes = self.packer.buffer();
            let mut inner = Writer {
                packer: &mut *self.packer,
                bytes,
                last: deal.span.start,
            };
            inner.term(term);
            let bytes = inner.bytes;
            if deal.terms.len() > INDEXED_TERMS {
                starts.push(u32::try_from(area.len()).unwrap_or(u32::MAX));
            }
            push_uint(&mut area, bytes.len() as u64);
            area.extend_from_slice(&bytes);
            self.packer.give_back(bytes);
        }
        for start in starts {
            self.bytes.extend_from_slice(&start.to_le_bytes());
        }
        self.bytes.extend_from_slice(&area);
        self.packer.give_back(area);
    }

    fn status(&mut self, status: &Status) {
        match status {
            Status::Signed => self.byte(0),
            Status::Announced => self.byte(1),
            Status::Reported => self.byte(2),
            Status::Proposed => self.byte(3),
            Status::TerminatedOn(p) => {
                self.byte(4);
                self.spanned(p, Self::point);
            }
        }
    }

    fn date(&mut self, date: &DateLit) {
        let (tag, year, a, b) = match *date {
            DateLit::Day { year, month, day } => (0, year, month, day),
            DateLit::Month { year, month } => (1, year, month, 0),
            DateLit::Quarter { year, quarter } => (2, year, quarter, 0),
            DateLit::Half { year, half } => (3, year, half, 0),
            DateLit::Year { year } => (4, year, 0, 0),
            DateLit::Decade { year } => (5, year, 0, 0),
        };
        self.byte(tag);
        self.int(i64::from(year));
        if tag <= 3 {
            self.byte(a);
        }
        if tag == 0 {
            self.byte(b);
        }
    }

    fn duration(&mut self, d: &Duration) {
        self.int(i64::from(d.months));
        self.int(i64::from(d.days));
    }

    fn decimal(&mut self, d: &Decimal) {
        self.byte(d.scale() as u8);
        let m = d.mantissa();
        // Zigzag over 128 bits, then 7 bits a byte.
        let mut z = ((m << 1) ^ (m >> 127)) as u128;
        while z >= 0x80 {
            self.bytes.push((z as u8) | 0x80);
            z >>= 7;
        }
        self.bytes.push(z as u8);
    }

    fn money(&mut self, money: &Money) {
        match &money.amount {
            Amount::Exact(d) => {
                self.byte(0);
                self.decimal(d);
            }
            Amount::UpTo(d) => {
                self.byte(1);
                self.decimal(d);
            }
            Amount::AtLeast(d) => {
                self.byte(2);
                self.decimal(d);
            }
            Amount::Between(a, b) => {
                self.byte(3);
                self.decimal(a);
                self.decimal(b);
            }
            Amount::Undisclosed => self.byte(4),
        }
        self.text(&money.currency);
    }

    fn reference(&mut self, r: &Reference) {
        self.span(r.span);
        self.name(&r.first);
        self.opt(r.second.as_ref(), Self::name);
    }

    fn point(&mut self, point: &Point) {
        match point {
            Point::Date(d) => {
                self.byte(0);
                self.date(d);
            }
            Point::Sometime(d) => {
                self.byte(1);
                self.date(d);
            }
            Point::Event(n) => {
                self.byte(2);
                self.name(n);
            }
            Point::Start(r) => {
                self.byte(3);
                self.reference(r);
            }
            Point::End(r) => {
                self.byte(4);
                self.reference(r);
            }
            Point::Earliest(points) => {
                self.byte(5);
                self.list(points, |w, p| w.spanned(p, Self::point));
            }
            Point::Latest(points) => {
                self.byte(6);
                self.list(points, |w, p| w.spanned(p, Self::point));
            }
            Point::Shifted(base, shifts) => {
                self.byte(7);
                self.spanned(base, Self::point);
                self.list(shifts, |w, (shift, d)| {
                    w.byte(match shift {
                        Shift::Plus => 0,
                        Shift::Minus => 1,
                    });
                    w.duration(d);
                });
            }
        }
    }

    fn boxed_point(&mut self, p: &Spanned<Point>) {
        self.spanned(p, Self::point);
    }

    fn window(&mut self, window: &Window) {
        match window {
            Window::Range { from, end } => {
                self.byte(0);
                self.opt(from.as_deref(), Self::boxed_point);
                self.opt(end.as_ref(), |w, end| match end {
                    WindowEnd::Until(p) => {
                        w.byte(0);
                        w.boxed_point(p);
                    }
                    WindowEnd::For(d) => {
                        w.byte(1);
                        w.spanned(d, Self::duration);
                    }
                });
            }
            Window::On(p) => {
                self.byte(1);
                self.boxed_point(p);
            }
            Window::During(p) => {
                self.byte(2);
                self.boxed_point(p);
            }
        }
    }

    fn term(&mut self, term: &Term) {
        self.opt(term.label.as_ref(), Self::name);
        self.span(term.span);
        match &term.kind {
            TermKind::Flow {
                kind,
                amount,
                from,
                to,
                what,
                window,
                valuation,
            } => {
                self.byte(match kind {
                    FlowKind::Invest => 0,
                    FlowKind::Pay => 1,
                    FlowKind::Lease => 2,
                    FlowKind::Supply => 3,
                });
                self.opt(amount.as_ref(), |w, m| w.spanned(m, Self::money));
                self.name(from);
                self.name(to);
                self.opt(what.as_ref(), Self::text);
                self.window(window);
                self.opt(valuation.as_deref(), |w, m| w.spanned(m, Self::money));
            }
            TermKind::Right {
                kind,
                who,
                action,
                asset,
                via,
                window,
            } => {
                self.byte(match kind {
                    RightKind::Grant => 4,
                    RightKind::Exclusive => 5,
                    RightKind::Sole => 6,
                    RightKind::Forbid => 7,
                });
                match who {
                    Who::Party(p) => {
                        self.byte(0);
                        self.name(p);
                    }
                    Who::Everyone { except } => {
                        self.byte(1);
                        self.list(except, Self::name);
                    }
                }
                self.name(action);
                self.name(&asset.owner);
                self.name(&asset.name);
                self.opt(via.as_ref(), Self::name);
                self.window(window);
            }
            TermKind::Terminate { target, on } => {
                self.byte(TERMINATE);
                self.reference(target);
                self.opt(on.as_ref(), |w, p| w.spanned(p, Self::point));
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    symbols: &'a [Text],
    at: usize,
    file: FileId,
    /// Where the deal starts: terms' positions count from here.
    base: u32,
    last: u32,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn int(&mut self) -> Option<i64> {
        let z = self.uint()?;
        Some(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    fn i32(&mut self) -> Option<i32> {
        i32::try_from(self.int()?).ok()
    }

    fn skip(&mut self, len: usize) -> Option<()> {
        self.seek(self.at.checked_add(len)?)
    }

    fn seek(&mut self, at: usize) -> Option<()> {
        (at <= self.bytes.len()).then(|| self.at = at)
    }

    fn span(&mut self) -> Option<Span> {
        let start = u32::try_from(i64::from(self.last).checked_add(self.int()?)?).ok()?;
        let end = start.checked_add(self.u32()?)?;
        self.last = start;
        Some(Span {
            file: self.file,
            start,
            end,
        })
    }

    fn text(&mut self) -> Option<Text> {
        let n = self.count()?;
        self.symbols.get(n).cloned()
    }

    fn own_text(&mut self) -> Option<Text> {
        let len = self.count()?;
        let end = self.at.checked_add(len)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(Text::from(text))
    }

    fn name(&mut self) -> Option<Name> {
        let text = self.text()?;
        Some(Spanned::new(text, self.span()?))
    }

    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }

    fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.count()?;
        // Never trust a count beyond the bytes left (each value takes at least one).
        let mut values = Vec::with_capacity(n.min(self.bytes.len().saturating_sub(self.at)));
        for _ in 0..n {
            values.push(read(self)?);
        }
        Some(values)
    }

    fn spanned<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Spanned<T>> {
        let span = self.span()?;
        Some(Spanned::new(read(self)?, span))
    }

    /// Reads past the deal's file, span and name without unpacking the name.
    fn skip_header(&mut self) -> Option<()> {
        self.file = FileId(self.u32()?);
        let start = self.u32()?;
        self.u32()?;
        self.base = start;
        self.last = start;
        self.uint()?;
        self.span()?;
        Some(())
    }

    /// The deal's file, span and name; leaves positions relative to the deal's start.
    fn header(&mut self) -> Option<(Name, Span)> {
        self.file = FileId(self.u32()?);
        let start = self.u32()?;
        let end = start.checked_add(self.u32()?)?;
        self.base = start;
        self.last = start;
        let span = Span {
            file: self.file,
            start,
            end,
        };
        Some((self.name()?, span))
    }

    fn status(&mut self) -> Option<Status> {
        Some(match self.byte()? {
            0 => Status::Signed,
            1 => Status::Announced,
            2 => Status::Reported,
            3 => Status::Proposed,
            4 => Status::TerminatedOn(self.spanned(Self::point)?),
            _ => return None,
        })
    }

    fn date(&mut self) -> Option<DateLit> {
        let tag = self.byte()?;
        let year = self.i32()?;
        Some(match tag {
            0 => {
                let month = self.byte()?;
                DateLit::Day {
                    year,
                    month,
                    day: self.byte()?,
                }
            }
            1 => DateLit::Month {
                year,
                month: self.byte()?,
            },
            2 => DateLit::Quarter {
                year,
                quarter: self.byte()?,
            },
            3 => DateLit::Half {
                year,
                half: self.byte()?,
            },
            4 => DateLit::Year { year },
            5 => DateLit::Decade { year },
            _ => return None,
        })
    }

    fn duration(&mut self) -> Option<Duration> {
        Some(Duration {
            months: self.i32()?,
            days: self.i32()?,
        })
    }

    fn decimal(&mut self) -> Option<Decimal> {
        let scale = u32::from(self.byte()?);
        let mut z = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            z |= u128::from(b & 0x7f) << shift;
            if b < 0x80 {
                let m = ((z >> 1) as i128) ^ -((z & 1) as i128);
                return Decimal::try_from_i128_with_scale(m, scale).ok();
            }
        }
        None
    }

    fn money(&mut self) -> Option<Money> {
        let amount = match self.byte()? {
            0 => Amount::Exact(self.decimal()?),
            1 => Amount::UpTo(self.decimal()?),
            2 => Amount::AtLeast(self.decimal()?),
            3 => Amount::Between(self.decimal()?, self.decimal()?),
            4 => Amount::Undisclosed,
            _ => return None,
        };
        Some(Money {
            amount,
            currency: self.text()?,
        })
    }

    fn reference(&mut self) -> Option<Reference> {
        let span = self.span()?;
        Some(Reference {
            first: self.name()?,
            second: self.opt(Self::name)?,
            span,
        })
    }

    fn point(&mut self) -> Option<Point> {
        Some(match self.byte()? {
            0 => Point::Date(self.date()?),
            1 => Point::Sometime(self.date()?),
            2 => Point::Event(self.name()?),
            3 => Point::Start(Box::new(self.reference()?)),
            4 => Point::End(Box::new(self.reference()?)),
            5 => Point::Earliest(self.list(|r| r.spanned(Self::point))?),
            6 => Point::Latest(self.list(|r| r.spanned(Self::point))?),
            7 => {
                let base = self.spanned(Self::point)?;
                let shifts = self.list(|r| {
                    let shift = match r.byte()? {
                        0 => Shift::Plus,
                        1 => Shift::Minus,
                        _ => return None,
                    };
                    Some((shift, r.duration()?))
                })?;
                Point::Shifted(Box::new(base), shifts)
            }
            _ => return None,
        })
    }

    fn boxed_point(&mut self) -> Option<Box<Spanned<Point>>> {
        self.spanned(Self::point).map(Box::new)
    }

    fn window(&mut self) -> Option<Window> {
        Some(match self.byte()? {
            0 => Window::Range {
                from: self.opt(Self::boxed_point)?,
                end: self.opt(|r| match r.byte()? {
                    0 => Some(WindowEnd::Until(r.boxed_point()?)),
                    1 => Some(WindowEnd::For(r.spanned(Self::duration)?)),
                    _ => None,
                })?,
            },
            1 => Window::On(self.boxed_point()?),
            2 => Window::During(self.boxed_point()?),
            _ => return None,
        })
    }

    /// The kind of the term the reader stands at (past its length), reading nothing else.
    fn peek_tag(&mut self) -> Option<TermTag> {
        if self.byte()? == 1 {
            self.uint()?;
            self.int()?;
            self.uint()?;
        }
        self.int()?;
        self.uint()?;
        match self.byte()? {
            0..=3 => Some(TermTag::Flow),
            4..=7 => Some(TermTag::Right),
            TERMINATE => Some(TermTag::Terminate),
            _ => None,
        }
    }

    /// A term's label, leaving the reader inside the term.
    fn term_label(&mut self) -> Option<Option<Name>> {
        self.last = self.base;
        self.opt(Self::name)
    }

    fn term(&mut self) -> Option<Term> {
        let label = self.term_label()?;
        let span = self.span()?;
        let kind = match self.byte()? {
            tag @ 0..=3 => TermKind::Flow {
                kind: match tag {
                    0 => FlowKind::Invest,
                    1 => FlowKind::Pay,
                    2 => FlowKind::Lease,
                    _ => FlowKind::Supply,
                },
                amount: self.opt(|r| r.spanned(Self::money))?,
                from: self.name()?,
                to: self.name()?,
                what: self.opt(Self::text)?,
                window: self.window()?,
                valuation: self.opt(|r| r.spanned(Self::money).map(Box::new))?,
            },
            tag @ 4..=7 => TermKind::Right {
                kind: match tag {
                    4 => RightKind::Grant,
                    5 => RightKind::Exclusive,
                    6 => RightKind::Sole,
                    _ => RightKind::Forbid,
                },
                who: match self.byte()? {
                    0 => Who::Party(self.name()?),
                    1 => Who::Everyone {
                        except: self.list(Self::name)?,
                    },
                    _ => return None,
                },
                action: self.name()?,
                asset: AssetRef {
                    owner: self.name()?,
                    name: self.name()?,
                },
                via: self.opt(Self::name)?,
                window: self.window()?,
            },
            TERMINATE => TermKind::Terminate {
                target: self.reference()?,
                on: self.opt(|r| r.spanned(Self::point))?,
            },
            _ => return None,
        };
        Some(Term { label, kind, span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every deal of every shipped rule set and fixture comes back exactly, spans included.
    #[test]
    fn packing_is_lossless() {
        let mut deals = 0;
        for dir in ["rules", "tests/fixtures"] {
            for path in deal_files(std::path::Path::new(dir)) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let (Some(tree), _) = crate::syntax::parse_file(FileId(3), &text) else {
                    continue;
                };
                let mut packer = Packer::default();
                let mut originals = Vec::new();
                for item in tree.items {
                    if let Item::Deal(deal) = item {
                        packer.pack(&deal);
                        originals.push(deal);
                    }
                }
                for (original, packed) in originals.iter().zip(packer.finish()) {
                    let back = packed.unpack().expect("unpacks");
                    assert_eq!(format!("{back:?}"), format!("{original:?}"), "{path:?}");
                    assert_eq!(packed.term_count(), original.terms.len());
                    for (i, term) in original.terms.iter().enumerate() {
                        let terminate = matches!(term.kind, TermKind::Terminate { .. });
                        assert_eq!(packed.is_terminate(i), terminate);
                        assert_eq!(packed.term_label(i), term.label);
                        let rights = packed.terms_where(|t| t == TermTag::Right);
                        let expected = original
                            .terms
                            .iter()
                            .enumerate()
                            .filter(|(_, t)| matches!(t.kind, TermKind::Right { .. }));
                        assert_eq!(
                            format!("{rights:?}"),
                            format!(
                                "{:?}",
                                expected.map(|(i, t)| (i, t.clone())).collect::<Vec<_>>()
                            )
                        );
                        let one = packed.term(i).expect("one term unpacks");
                        assert_eq!(format!("{one:?}"), format!("{term:?}"));
                    }
                    let labels: Vec<_> = original.terms.iter().map(|t| t.label.clone()).collect();
                    assert_eq!(format!("{:?}", packed.labels()), format!("{labels:?}"));
                    assert_eq!(packed.name(), Some(original.name.clone()));
                    let head = packed.unpack_head().expect("head unpacks");
                    assert!(head.terms.is_empty());
                    let mut whole = head;
                    whole.terms = original.terms.clone();
                    assert_eq!(format!("{whole:?}"), format!("{original:?}"));
                    deals += 1;
                }
            }
        }
        assert!(deals > 50, "only {deals} deals found");
    }

    #[test]
    fn terms_of_a_large_deal_are_found_through_its_table() {
        let mut text = String::from("deal big {\n");
        for i in 0..40 {
            match i % 3 {
                0 => text.push_str(&format!(
                    "  t{i}: grant A may host B.m from 2020 + {i} days\n"
                )),
                1 => text.push_str(&format!("  pay {i}M USD from A to B on sometime in 2027\n")),
                _ => text.push_str(&format!(
                    "  t{i}: terminate big.t{} on 2030-01-0{}\n",
                    i - 2,
                    1 + i % 9
                )),
            }
        }
        text.push_str("}\n");
        let (Some(tree), diagnostics) = crate::syntax::parse_file(FileId(1), &text) else {
            panic!("does not parse");
        };
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let Some(Item::Deal(deal)) = tree.items.first() else {
            panic!("no deal");
        };
        let packed = PackedDeal::new(deal);
        assert_eq!(
            format!("{:?}", packed.unpack()),
            format!("{:?}", Some(deal))
        );
        assert_eq!(packed.term_count(), 40);
        for (i, term) in deal.terms.iter().enumerate().rev() {
            assert_eq!(format!("{:?}", packed.term(i)), format!("{:?}", Some(term)));
            assert_eq!(packed.term_label(i), term.label);
            let terminate = matches!(term.kind, TermKind::Terminate { .. });
            assert_eq!(packed.is_terminate(i), terminate);
        }
        assert!(packed.term(40).is_none());
    }

    fn deal_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return found;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(deal_files(&path));
            } else if path.extension().is_some_and(|e| e == "deal") {
                found.push(path);
            }
        }
        found
    }

    #[test]
    fn extreme_values_survive() {
        let span = |s, e| Span {
            file: FileId(7),
            start: s,
            end: e,
        };
        let name = |t: &str, s| Spanned::new(Text::from(t), span(s, s + t.len() as u32));
        let big = Decimal::MAX;
        let small = Decimal::new(-1, 28);
        let point = Spanned::new(
            Point::Shifted(
                Box::new(Spanned::new(
                    Point::Date(DateLit::Day {
                        year: i32::MIN,
                        month: 255,
                        day: 0,
                    }),
                    span(u32::MAX - 1, u32::MAX),
                )),
                vec![(
                    Shift::Minus,
                    Duration {
                        months: i32::MAX,
                        days: i32::MIN,
                    },
                )],
            ),
            span(0, u32::MAX),
        );
        let deal = Deal {
            name: name("d", 10),
            label: None,
            doc: Some(Text::from("a doc")),
            parties: vec![name("A", 5), name("B", u32::MAX - 3)],
            statuses: vec![Spanned::new(
                Status::TerminatedOn(point.clone()),
                span(2, 9),
            )],
            dated: vec![],
            sources: vec![Text::from("s")],
            terms: vec![Term {
                label: Some(name("x", 0)),
                kind: TermKind::Flow {
                    kind: FlowKind::Lease,
                    amount: Some(Spanned::new(
                        Money {
                            amount: Amount::Between(small, big),
                            currency: Text::from("USD"),
                        },
                        span(3, 9),
                    )),
                    from: name("A", 1),
                    to: name("B", 2),
                    what: None,
                    window: Window::Range {
                        from: Some(Box::new(point)),
                        end: None,
                    },
                    valuation: None,
                },
                span: span(0, 0),
            }],
            span: span(0, 100),
        };
        let back = PackedDeal::new(&deal).unpack().expect("unpacks");
        assert_eq!(format!("{back:?}"), format!("{deal:?}"));
    }

    #[test]
    fn broken_bytes_unpack_to_none_not_a_panic() {
        let deal = PackedDeal {
            batch: Arc::new(Batch {
                bytes: vec![0xff; 40].into_boxed_slice(),
                symbols: Box::new([]),
            }),
            start: 0,
            end: 40,
        };
        assert!(deal.unpack().is_none());
        assert!(deal.term(0).is_none());
        assert_eq!(deal.term_count(), 0);
        assert!(deal.labels().is_empty());
    }
}
