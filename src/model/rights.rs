//! Licences and prohibitions (reference §4, §6): an index from (action, asset) to the terms that
//! can decide a question about them, and who each term covers.

use crate::ast::RightKind;
use crate::check::resolved::{TermKind, Who};
use crate::check::Ref;
use crate::check::{ActionId, AssetId, ChannelId, PartyId, Program, TermId};

/// Whom a right names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    Party(PartyId),
    /// A boxed slice, not a vector: the index keeps one right per licence of the rule set.
    Everyone {
        except: Box<[PartyId]>,
    },
}

/// A `grant`, `exclusive`, `sole` or `forbid` term, names resolved. Action, asset and channel
/// as 32-bit numbers (see [`TermId`]): the index keeps one right per licence of the rule set.
#[derive(Clone, Debug)]
pub struct Right {
    pub id: TermId,
    pub kind: RightKind,
    pub holder: Holder,
    action: u32,
    asset: u32,
    /// `None`: every channel.
    via: Option<u32>,
    /// One of several holders of one `exclusive`/`sole` (`exclusive Sky, TNT may …`): the
    /// others (read from the term) are not "someone else".
    shared: bool,
}

/// Every right of a rule set, sorted by (action, asset), in rule-set order within each. Built
/// once per rule set. One flat table searched by halving: a map from each (action, asset) to its
/// own vector cost five times the rights themselves (most keys hold one or two).
#[derive(Debug, Default)]
pub struct RightsIndex {
    rights: Vec<Right>,
}

impl RightsIndex {
    pub fn build(program: &Program) -> RightsIndex {
        let mut rights = Vec::new();
        for (id, term) in program.terms().filter(|(_, t)| t.is_right()) {
            let TermKind::Right {
                kind,
                who,
                action,
                asset,
                via,
                also_via,
                ..
            } = &term.kind
            else {
                continue;
            };
            // A list of holders or channels is one right for each: the same term, each holder
            // on each channel.
            let holders: Vec<Holder> = match who {
                Who::Party(p) => vec![Holder::Party(p.id())],
                Who::Parties(parties) => parties.iter().map(|p| Holder::Party(p.id())).collect(),
                Who::Everyone { except } => vec![Holder::Everyone {
                    except: except.iter().map(Ref::id).collect(),
                }],
            };
            let shared = matches!(who, Who::Parties(_));
            let channels: Vec<Option<u32>> = match via {
                None => vec![None],
                Some(first) => std::iter::once(first)
                    .chain(also_via.iter())
                    .map(|c| u32::try_from(c.id()).ok())
                    .collect(),
            };
            let (Ok(action), Ok(asset)) = (u32::try_from(action.id()), u32::try_from(asset.id()))
            else {
                continue;
            };
            for holder in holders {
                for &via in &channels {
                    rights.push(Right {
                        id,
                        kind: *kind,
                        holder: holder.clone(),
                        action,
                        asset,
                        via,
                        shared,
                    });
                }
            }
        }
        // Stable: rule-set order is kept within each (action, asset).
        rights.sort_by_key(|r| (r.action, r.asset));
        rights.shrink_to_fit();
        RightsIndex { rights }
    }

    /// The rights over one action on one asset.
    pub fn rights(&self, action: ActionId, asset: AssetId) -> &[Right] {
        let (Ok(action), Ok(asset)) = (u32::try_from(action), u32::try_from(asset)) else {
            return &[];
        };
        let key = (action, asset);
        let start = self.rights.partition_point(|r| (r.action, r.asset) < key);
        let end = self.rights.partition_point(|r| (r.action, r.asset) <= key);
        self.rights.get(start..end).unwrap_or_default()
    }

    /// The rights of each (action, asset), in (action, asset) order, for whole-rule-set checks.
    pub fn groups(&self) -> impl Iterator<Item = &[Right]> {
        self.rights
            .chunk_by(|a, b| (a.action, a.asset) == (b.action, b.asset))
    }
}

/// How a right bears on one party.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Permits,
    Blocks,
}

impl Right {
    pub fn action(&self) -> ActionId {
        self.action as ActionId
    }

    pub fn asset(&self) -> AssetId {
        self.asset as AssetId
    }

    /// The channel the right is limited to (`None`: every channel).
    pub fn via(&self) -> Option<ChannelId> {
        self.via.map(|c| c as ChannelId)
    }

    /// Whether the right covers channel `channel` (`None`: a channel no term names).
    pub fn on_channel(&self, channel: Option<ChannelId>) -> bool {
        self.via.is_none() || self.via() == channel
    }

    /// Whether `actor` is in the group of one of the holders of this right's term (a shared
    /// `exclusive`/`sole`).
    fn co_holder(&self, program: &Program, actor: PartyId) -> bool {
        match program.term(self.id).map(|t| &t.kind) {
            Some(TermKind::Right {
                who: Who::Parties(parties),
                ..
            }) => parties
                .iter()
                .any(|p| program.root(p.id()) == program.root(actor)),
            _ => false,
        }
    }

    /// What this right does to `actor` (if anything). `owner` owns the asset.
    pub fn effect_on(&self, program: &Program, actor: PartyId, owner: PartyId) -> Option<Effect> {
        let excepted = |except: &[PartyId]| except.iter().any(|&e| program.within(actor, e));
        match (self.kind, &self.holder) {
            (RightKind::Forbid, Holder::Party(p)) => {
                program.within(actor, *p).then_some(Effect::Blocks)
            }
            (RightKind::Forbid, Holder::Everyone { except }) => {
                (!excepted(except)).then_some(Effect::Blocks)
            }
            (RightKind::Grant, Holder::Party(p)) => (actor == *p).then_some(Effect::Permits),
            (RightKind::Grant, Holder::Everyone { except }) => {
                (!excepted(except)).then_some(Effect::Permits)
            }
            (RightKind::Exclusive | RightKind::Sole, Holder::Party(holder)) => {
                // "Someone else" is neither the holder nor in the holder's group; a sole
                // licence also leaves the owner (and its group) free.
                let same_group = program.root(actor) == program.root(*holder)
                    || (self.shared && self.co_holder(program, actor));
                let owner_spared =
                    self.kind == RightKind::Sole && program.root(actor) == program.root(owner);
                if actor == *holder {
                    Some(Effect::Permits)
                } else if same_group || owner_spared {
                    None
                } else {
                    Some(Effect::Blocks)
                }
            }
            (RightKind::Exclusive | RightKind::Sole, Holder::Everyone { .. }) => None,
        }
    }
}
