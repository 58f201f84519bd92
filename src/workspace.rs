//! A rule set that changes one file at a time, as in an editor: each file is parsed when it
//! changes and its tree kept, so a change re-parses that file only; names, types and answers
//! are then worked out again for the whole set (they depend on every file).

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::rule_set::{from_trees, parse_source, without_bom};
use crate::source::{FileId, SourceFile, SourceMap};
use crate::RuleSet;
use std::collections::HashMap;
use std::sync::Arc;

/// The files of a rule set by path, each parsed once per change.
#[derive(Default)]
pub struct Workspace {
    /// By file id: a file keeps its id for the workspace's life, so kept trees' spans stay
    /// right when other files come and go.
    files: Vec<Slot>,
    ids: HashMap<String, FileId>,
}

struct Slot {
    path: String,
    /// Empty once the file is removed.
    file: Arc<SourceFile>,
    /// `None` once the file is removed (its id is not reused).
    tree: Option<ast::File>,
    removed: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Sets a file's text (adding the file if new) and parses it; no other file is parsed.
    pub fn set(&mut self, path: &str, text: String) -> FileId {
        let text = without_bom(text);
        let id = match self.ids.get(path) {
            Some(&id) => id,
            None => {
                let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
                self.ids.insert(path.to_string(), id);
                self.files.push(Slot {
                    path: path.to_string(),
                    file: Arc::new(SourceFile::new(path.to_string(), String::new())),
                    tree: None,
                    removed: false,
                    diagnostics: Vec::new(),
                });
                id
            }
        };
        let file = SourceFile::new(path.to_string(), text);
        let (tree, diagnostics) = parse_source(id, &file);
        if let Some(slot) = self.files.get_mut(id.0 as usize) {
            slot.file = Arc::new(file);
            slot.tree = tree;
            slot.removed = false;
            slot.diagnostics = diagnostics;
        }
        id
    }

    /// Takes a file out of the rule set.
    pub fn remove(&mut self, path: &str) {
        if let Some(slot) = self
            .ids
            .get(path)
            .and_then(|id| self.files.get_mut(id.0 as usize))
        {
            slot.removed = true;
            slot.tree = None;
            slot.file = Arc::new(SourceFile::new(path.to_string(), String::new()));
            slot.diagnostics.clear();
        }
    }

    /// A file's id, while it is in the rule set.
    pub fn id(&self, path: &str) -> Option<FileId> {
        let id = *self.ids.get(path)?;
        let slot = self.files.get(id.0 as usize)?;
        (!slot.removed).then_some(id)
    }

    /// A file's text as last set.
    pub fn text(&self, id: FileId) -> Option<&str> {
        let slot = self.files.get(id.0 as usize)?;
        (!slot.removed).then_some(slot.file.text())
    }

    pub fn path(&self, id: FileId) -> Option<&str> {
        self.files.get(id.0 as usize).map(|s| s.path.as_str())
    }

    /// A file's parsed tree, when it parsed.
    pub fn tree(&self, id: FileId) -> Option<&ast::File> {
        self.files.get(id.0 as usize)?.tree.as_ref()
    }

    /// The files in the rule set: ids and paths.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &str)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.removed)
            .filter_map(|(i, s)| Some((FileId(u32::try_from(i).ok()?), s.path.as_str())))
    }

    /// The rule set of the files as they are now, checked: the kept trees are reused.
    pub fn rule_set(&self) -> RuleSet {
        let mut sources = SourceMap::default();
        let mut trees = Vec::new();
        let mut diagnostics = Vec::new();
        for slot in &self.files {
            // Every slot gets its id in the map, removed ones with no text.
            sources.add_shared(Arc::clone(&slot.file));
            if slot.removed {
                continue;
            }
            trees.extend(slot.tree.iter().cloned());
            diagnostics.extend(slot.diagnostics.iter().cloned());
        }
        from_trees(sources, trees, diagnostics)
    }
}

#[cfg(test)]
mod tests {
    use super::Workspace;
    use crate::{Options, RuleSet};

    #[test]
    fn a_workspace_checks_as_loading_the_same_files_does() {
        let a = "party A\nparty B\nasset A.x\naction use\n";
        let b = "deal d {\n  grant B may use A.x from 2026\n}\nrule r {\n  ask can B use A.x in 2027\n    expect yes\n}\n";
        let mut ws = Workspace::new();
        ws.set("a.deal", a.to_string());
        ws.set("b.deal", "deal d {".to_string());
        assert!(ws.rule_set().has_errors());
        ws.set("b.deal", b.to_string());
        let from_workspace = ws.rule_set().check(&Options::default());
        let loaded =
            RuleSet::from_sources([("a.deal", a), ("b.deal", b)]).check(&Options::default());
        assert_eq!(from_workspace.rules, loaded.rules);
        assert_eq!(from_workspace.summary.errors, 0);
        ws.remove("a.deal");
        assert!(ws.rule_set().has_errors(), "B is no longer declared");
        assert_eq!(ws.files().count(), 1);
    }
}
