//! Where names are declared and used, found from each file's words (no parse needed, so it
//! works while a file is half-written). Top-level names share one namespace, assets and term
//! labels are `Owner.name` and `deal.label`, rules have one of their own: each is a key.

use crate::syntax::{lexemes, Lexeme};
use std::collections::HashMap;

/// What a declaration declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Party,
    Asset,
    Action,
    Channel,
    Event,
    Deal,
    Term,
    Rule,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Party => "party",
            Kind::Asset => "asset",
            Kind::Action => "action",
            Kind::Channel => "channel",
            Kind::Event => "event",
            Kind::Deal => "deal",
            Kind::Term => "term",
            Kind::Rule => "rule",
        }
    }
}

/// A name as written: its key (`Sky`, `OpenAI.models`, `deal.label`, `rule r`) and the byte
/// range of the part that is its own (`models` in `OpenAI.models`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub key: String,
    pub start: usize,
    pub end: usize,
    /// This mention declares the key, as this kind.
    pub declares: Option<Kind>,
}

/// One file's mentions, in order.
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    pub mentions: Vec<Mention>,
}

/// The key of a rule's name: rules have a namespace of their own.
pub fn rule_key(name: &str) -> String {
    format!("rule {name}")
}

impl FileIndex {
    pub fn new(text: &str) -> FileIndex {
        let lexemes = lexemes(text);
        let word = |k: Option<&Lexeme>| match k {
            Some(&Lexeme::Word(s, e)) => text.get(s..e),
            _ => None,
        };
        let punct = |k: Option<&Lexeme>, c: u8| matches!(k, Some(&Lexeme::Punct(p, _)) if p == c);
        let mut mentions = Vec::new();
        let mut depth = 0usize;
        let mut deal: Option<&str> = None;
        for (i, lexeme) in lexemes.iter().enumerate() {
            let (start, end) = match *lexeme {
                Lexeme::Punct(b'{', _) => {
                    depth += 1;
                    continue;
                }
                Lexeme::Punct(b'}', _) => {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                Lexeme::Punct(..) => continue,
                Lexeme::Word(s, e) => (s, e),
            };
            let Some(name) = text.get(start..end) else {
                continue;
            };
            let before = i.checked_sub(1).and_then(|b| lexemes.get(b));
            let before2 = i.checked_sub(2).and_then(|b| lexemes.get(b));
            let after = lexemes.get(i + 1);
            let mut mention = |key: String, declares: Option<Kind>| {
                mentions.push(Mention {
                    key,
                    start,
                    end,
                    declares,
                })
            };
            // The second part of `Owner.name` or `deal.label`.
            let dotted = match (before, before2) {
                (Some(&Lexeme::Punct(b'.', dot)), Some(&Lexeme::Word(s, e)))
                    if e == dot && dot + 1 == start =>
                {
                    text.get(s..e)
                }
                _ => None,
            };
            if let Some(first) = dotted {
                let is_asset = i
                    .checked_sub(3)
                    .and_then(|b| word(lexemes.get(b)))
                    .is_some_and(|w| w == "asset")
                    && depth == 0;
                mention(format!("{first}.{name}"), is_asset.then_some(Kind::Asset));
                continue;
            }
            let keyword = word(before);
            let declared = match keyword {
                _ if depth > 0 => None,
                Some("party") => Some(Kind::Party),
                Some("action") => Some(Kind::Action),
                Some("channel") => Some(Kind::Channel),
                Some("event") => Some(Kind::Event),
                Some("deal") => Some(Kind::Deal),
                Some("rule") => Some(Kind::Rule),
                _ => None,
            };
            match declared {
                Some(Kind::Rule) => {
                    deal = None;
                    mention(rule_key(name), Some(Kind::Rule));
                }
                Some(Kind::Deal) => {
                    deal = Some(name);
                    mention(name.to_string(), Some(Kind::Deal));
                }
                Some(kind) => mention(name.to_string(), Some(kind)),
                None => match deal {
                    // `label:` at the start of a term.
                    Some(d) if depth == 1 && punct(after, b':') => {
                        mention(format!("{d}.{name}"), Some(Kind::Term));
                    }
                    _ => mention(name.to_string(), None),
                },
            }
        }
        FileIndex { mentions }
    }

    /// The mention at a byte offset (its end counts: the cursor just after a name is on it).
    pub fn at(&self, offset: usize) -> Option<&Mention> {
        let i = self.mentions.partition_point(|m| m.end < offset);
        self.mentions.get(i).filter(|m| m.start <= offset)
    }
}

/// Every declaration of the rule set, by key: where (file number, mention) and what. Kept up
/// to date file by file: a change re-indexes only the file that changed.
#[derive(Default)]
pub struct Declarations {
    by_key: HashMap<String, Vec<(usize, Mention)>>,
}

impl Declarations {
    /// Adds a file's declarations.
    pub fn add(&mut self, file: usize, index: &FileIndex) {
        for m in index.mentions.iter().filter(|m| m.declares.is_some()) {
            self.by_key
                .entry(m.key.clone())
                .or_default()
                .push((file, m.clone()));
        }
    }

    /// Takes out a file's declarations (`index` as it was added).
    pub fn remove(&mut self, file: usize, index: &FileIndex) {
        for m in index.mentions.iter().filter(|m| m.declares.is_some()) {
            if let Some(found) = self.by_key.get_mut(&m.key) {
                found.retain(|(f, _)| *f != file);
                if found.is_empty() {
                    self.by_key.remove(&m.key);
                }
            }
        }
    }

    /// Where a key is declared: its first declaration (by file, then position).
    pub fn get(&self, key: &str) -> Option<(usize, &Mention)> {
        self.by_key
            .get(key)?
            .iter()
            .min_by_key(|(f, m)| (*f, m.start))
            .map(|(f, m)| (*f, m))
    }

    pub fn kind(&self, key: &str) -> Option<Kind> {
        self.get(key).and_then(|(_, m)| m.declares)
    }

    /// Declared keys of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.by_key
            .iter()
            .filter(move |(_, found)| found.iter().any(|(_, m)| m.declares == Some(kind)))
            .map(|(k, _)| k.as_str())
    }

    /// Every declared key with its kind.
    pub fn all(&self) -> impl Iterator<Item = (&str, Kind)> {
        self.by_key
            .iter()
            .filter_map(|(k, found)| Some((k.as_str(), found.first()?.1.declares?)))
    }
}

#[cfg(test)]
mod tests {
    use super::{FileIndex, Kind};

    #[test]
    fn declarations_and_uses_by_key() {
        let text = "party A\nasset A.x\ndeal d {\n  ip: grant A may use A.x\n}\nrule d {\n  ask start(d.ip) < 2030\n}\n";
        let index = FileIndex::new(text);
        let found: Vec<(&str, Option<Kind>)> = index
            .mentions
            .iter()
            .filter(|m| m.key != "use" && !crate::syntax::KEYWORDS.contains(&m.key.as_str()))
            .map(|m| (m.key.as_str(), m.declares))
            .collect();
        assert_eq!(
            found,
            [
                ("A", Some(Kind::Party)),
                ("A", None),
                ("A.x", Some(Kind::Asset)),
                ("d", Some(Kind::Deal)),
                ("d.ip", Some(Kind::Term)),
                ("A", None),
                ("A", None),
                ("A.x", None),
                ("rule d", Some(Kind::Rule)),
                ("d", None),
                ("d.ip", None),
            ]
        );
        let at = text.find("ip)").unwrap_or(0);
        assert_eq!(index.at(at + 1).map(|m| m.key.as_str()), Some("d.ip"));
    }
}
