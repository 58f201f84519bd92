//! The embedding API: load a rule set once, then check it or ask it questions.

use crate::check::{self, Program};
use crate::diagnostic::{codes, Diagnostic, Location, Severity};
use crate::eval::question::{Answer, Evaluator};
use crate::eval::rules::evaluate_rules;
use crate::model::money::MoneyGraph;
use crate::model::rights::RightsIndex;
use crate::model::time::Day;
use crate::model::world::{Context, World};
use crate::report::{render_with, DiagnosticRecord, Lookup, RenderOptions, Report};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How to evaluate: the as-of date and deals to count as in force.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Overrides the rule set's `as of`; without either, today.
    pub as_of: Option<Day>,
    /// Deals to count as in force (`--assume NAME`).
    pub assume: Vec<String>,
}

/// How to load a rule set from disk.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// A directory with no `.deal` file is a warning, not an error (`--allow-empty`).
    pub allow_empty: bool,
}

/// A loaded, checked rule set. Immutable, `Send + Sync`: load once, share between threads.
#[derive(Debug)]
pub struct RuleSet {
    sources: SourceMap,
    program: Program,
    index: RightsIndex,
    diagnostics: Vec<Diagnostic>,
    /// The money graph of the last world a question needed one in (`roundtrip`), so that
    /// asking again in the same world does not rebuild it: one edge per flow of the rule set.
    money: Mutex<Option<(WorldKey, Arc<MoneyGraph>)>>,
}

/// What makes one world differ from another when a question is asked: the as-of day and the
/// deals assumed (questions fix no events).
type WorldKey = (Day, Vec<usize>);

/// Why a question could not be answered: it does not parse, or names what is not declared.
#[derive(Debug)]
pub struct AskError {
    pub question: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for AskError {
    /// Every diagnostic's message with its help ("did you mean `Sky`?"), one after another.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self
            .diagnostics
            .iter()
            .any(|d| d.code == codes::INVALID_RULE_SET)
        {
            "no question answered"
        } else {
            "invalid question"
        };
        let messages: Vec<String> = self
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| match &d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.clone(),
            })
            .collect();
        write!(f, "{what}: {}", messages.join("; "))
    }
}

impl std::error::Error for AskError {}

impl RuleSet {
    /// Every `.deal` file under a directory (recursively, sorted by path), or one file.
    ///
    /// The files' texts are kept: diagnostics are drawn from the text that was checked.
    pub fn load(path: impl AsRef<Path>) -> RuleSet {
        RuleSet::load_paths(&[path.as_ref().to_path_buf()])
    }

    /// Several directories and files as one rule set.
    pub fn load_paths(paths: &[PathBuf]) -> RuleSet {
        RuleSet::load_paths_with(paths, &LoadOptions::default())
    }

    /// [`RuleSet::load_paths`] with options for how to load.
    pub fn load_paths_with(paths: &[PathBuf], options: &LoadOptions) -> RuleSet {
        let (found, mut diagnostics) = crate::load::find_paths(paths, options.allow_empty);
        let mut parsed = Parsed::default();
        for path in found {
            match crate::load::read_file(path) {
                Ok(file) => parsed.add(file.path, file.text),
                Err(d) => diagnostics.push(d),
            }
        }
        diagnostics.append(&mut parsed.diagnostics);
        parsed.diagnostics = diagnostics;
        parsed.check()
    }

    /// A rule set from texts in memory, each with the name to show in diagnostics.
    pub fn from_sources<N: Into<String>, T: Into<String>>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> RuleSet {
        let mut parsed = Parsed::default();
        for (name, text) in files {
            parsed.add(name.into(), text.into());
        }
        parsed.check()
    }

    /// Problems found while loading, parsing and checking names and types.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether the rule set is invalid (any error so far).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn rights_index(&self) -> &RightsIndex {
        &self.index
    }

    /// The world the options describe; `Err` names what the options got wrong.
    pub fn world(&self, options: &Options) -> Result<World<'_>, Vec<Diagnostic>> {
        let mut context = Context {
            as_of: options.as_of,
            ..Context::default()
        };
        let mut errors = Vec::new();
        for name in &options.assume {
            match self.program.deal(name) {
                Some(d) => {
                    context.assumed_deals.insert(d);
                }
                None => errors.push(
                    Diagnostic::new(
                        codes::USAGE,
                        Severity::Error,
                        Location::Nowhere,
                        format!("`--assume {name}`: no deal is named `{name}`"),
                    )
                    .with_help("`--assume` takes the name of a deal of the rule set"),
                ),
            }
        }
        if errors.is_empty() {
            Ok(World::new(&self.program, context, today()))
        } else {
            Err(errors)
        }
    }

    /// Checks the rule set: every rule answered, every built-in check run (reference §7–§8).
    pub fn check(&self, options: &Options) -> Report {
        let mut diagnostics = self.diagnostics.clone();
        let mut invalid = self.has_errors();
        let (rules, as_of) = match self.world(options) {
            Ok(world) if !self.has_errors() => {
                let rules = evaluate_rules(
                    &self.program,
                    &self.index,
                    &self.sources,
                    &world,
                    &mut diagnostics,
                );
                crate::model::checks::run(&world, &self.index, &mut diagnostics);
                world.report_too_deep(&mut diagnostics);
                (rules, world.as_of.to_string())
            }
            Ok(world) => (Vec::new(), world.as_of.to_string()),
            Err(mut errors) => {
                invalid = true;
                diagnostics.append(&mut errors);
                (Vec::new(), String::new())
            }
        };
        let mut report = Report::new(as_of, rules, diagnostics, &self.sources);
        report.invalid = invalid;
        report
    }

    /// The report as one self-contained HTML page, with the timeline and the money graph
    /// (left out when the rule set is invalid); see docs/report.md.
    pub fn html_page(&self, report: &Report, options: &Options) -> String {
        use crate::eval::chart::ChartFilter;
        use crate::report::{graph::graph, html, svg::to_svg};
        let pictures = match self.world(options) {
            Ok(world) if !self.has_errors() => {
                let text = |_| String::new();
                let evaluator = Evaluator::new(&world, &self.index, &self.sources, &text);
                let timeline = to_svg(&evaluator.chart(&ChartFilter::default()));
                let g = graph(&world);
                let money = format!("{}{}", html::money_svg(&g), html::money_table(&g));
                Some((timeline, money))
            }
            _ => None,
        };
        let (timeline, money) = pictures.unwrap_or_default();
        html::to_html(report, &self.sources, &timeline, &money)
    }

    /// Answers one question (the Q of reference §6) against the rule set.
    pub fn ask(&self, question: &str, options: &Options) -> Result<Answer, AskError> {
        let fail = |diagnostics| AskError {
            question: question.to_string(),
            diagnostics,
        };
        if self.has_errors() {
            // Answering against a rule set that did not load (a mistyped path, a syntax error)
            // would blame the question for names the broken files declare.
            let errors = self.diagnostics.iter().filter(|d| d.is_error()).cloned();
            let mut diagnostics = crate::diagnostic::cap_each_code(
                errors.collect(),
                crate::limits::MAX_DIAGNOSTICS_PER_CODE,
            );
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_RULE_SET,
                    Severity::Error,
                    Location::Nowhere,
                    "the rule set has errors: no question answered".to_string(),
                )
                .with_help("fix the errors above, then ask again"),
            );
            return Err(fail(diagnostics));
        }
        let file = self.question_file();
        let (parsed, lowering) = crate::syntax::parse_question(file, question).map_err(fail)?;
        let mut diagnostics = lowering;
        let parsed = match check::check_question(&self.program, &parsed) {
            Ok(question) if !diagnostics.iter().any(Diagnostic::is_error) => question,
            Ok(_) => return Err(fail(diagnostics)),
            Err(mut found) => {
                diagnostics.append(&mut found);
                return Err(fail(diagnostics));
            }
        };
        let world = self.world(options).map_err(fail)?;
        let text = |span: Span| {
            let t = if span.file == file {
                question
                    .get(span.start as usize..span.end as usize)
                    .unwrap_or("")
            } else {
                self.sources.slice(span)
            };
            t.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let mut assumed: Vec<usize> = world.context().assumed_deals.iter().copied().collect();
        assumed.sort_unstable();
        let key: WorldKey = (world.as_of, assumed);
        let mut evaluator = Evaluator::new(&world, &self.index, &self.sources, &text);
        let kept = self.money.lock().ok().and_then(|kept| match kept.as_ref() {
            Some((k, graph)) if *k == key => Some(Arc::clone(graph)),
            _ => None,
        });
        if let Some(graph) = kept {
            evaluator = evaluator.with_money(graph);
        }
        let answer = evaluator.answer(&parsed).map_err(|d| fail(vec![d]));
        // Kept only from a world that met no over-deep references: reusing it then skips no
        // `too-deep` note the rebuilt graph would have raised.
        if world.too_deep_diagnostic().is_none() {
            if let (Some(graph), Ok(mut kept)) = (evaluator.built_money(), self.money.lock()) {
                *kept = Some((key, graph));
            }
        }
        let mut answer = answer?;
        if let Some(d) = world.too_deep_diagnostic() {
            answer
                .explanation
                .notes
                .push(crate::eval::explain::Note::Diagnostic(d.message));
        }
        Ok(answer)
    }

    /// The file id a question being asked gets: one past the rule set's files.
    fn question_file(&self) -> FileId {
        FileId(u32::try_from(self.sources.files().count()).unwrap_or(u32::MAX))
    }

    /// Renders an [`AskError`]'s diagnostics, pointing into the question and the rule set.
    pub fn render_ask_error(&self, error: &AskError, options: RenderOptions) -> String {
        let question = self.question_source(error);
        error
            .diagnostics
            .iter()
            .map(|d| render_with(d, self.question_lookup(&question), options))
            .collect()
    }

    /// An [`AskError`]'s diagnostics as JSON records (the question is the file `<question>`).
    pub fn ask_error_records(&self, error: &AskError) -> Vec<DiagnosticRecord> {
        let question = self.question_source(error);
        error
            .diagnostics
            .iter()
            .map(|d| DiagnosticRecord::looked_up(d, self.question_lookup(&question)))
            .collect()
    }

    fn question_source(&self, error: &AskError) -> SourceFile {
        SourceFile::new("<question>".to_string(), error.question.clone())
    }

    fn question_lookup<'a>(&'a self, question: &'a SourceFile) -> Lookup<'a> {
        Lookup {
            map: &self.sources,
            extra: Some((self.question_file(), question)),
        }
    }
}

/// Today, for rule sets without `as of` (tests pin the date with `as of`).
fn today() -> Day {
    let now = jiff::Zoned::now().date();
    Day::from_ymd(
        i32::from(now.year()),
        now.month().unsigned_abs(),
        now.day().unsigned_abs(),
    )
    .unwrap_or(Day(0))
}

/// Parses a date literal given on the command line (`2025-12-17`, `2026-Q1`…) as its first day.
pub fn parse_date(text: &str) -> Option<Day> {
    let file = FileId(0);
    let wrapped = format!("{text} == {text}");
    let (q, diags) = crate::syntax::parse_question(file, &wrapped).ok()?;
    if !diags.is_empty() {
        return None;
    }
    match q.node {
        crate::ast::Question::Compare { left, .. } => match left.node {
            crate::ast::Value::Point(crate::ast::Point::Date(d)) => {
                crate::model::time::period(d).map(|(first, _)| first)
            }
            _ => None,
        },
        _ => None,
    }
}

/// A byte-order mark becomes spaces: offsets stay those of the file as written.
pub(crate) fn without_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "   ");
    }
    text
}

/// Parses one file of a source map: its tree (`None` when nothing could be parsed) and every
/// diagnostic, with a warning when it declares nothing.
pub(crate) fn parse_source(
    id: FileId,
    file: &SourceFile,
) -> (Option<crate::ast::File>, Vec<Diagnostic>) {
    let (tree, mut found) = crate::syntax::parse_file(id, file.text());
    if tree.as_ref().is_some_and(|t| t.items.is_empty()) {
        found.push(Diagnostic::new(
            codes::EMPTY_FILE,
            Severity::Warning,
            Location::File {
                path: file.path.clone(),
                line: None,
            },
            format!("`{}` declares nothing", file.path),
        ));
    }
    (tree, found)
}

/// Files parsed already (each tree's spans in its file of `sources`), checked as one rule set:
/// what an editor does after re-parsing only the file that changed.
pub(crate) fn from_trees(
    sources: SourceMap,
    trees: Vec<crate::ast::File>,
    diagnostics: Vec<Diagnostic>,
) -> RuleSet {
    Parsed {
        sources,
        trees,
        diagnostics,
    }
    .check()
}

/// Files parsed so far, on the way to a [`RuleSet`].
#[derive(Default)]
struct Parsed {
    sources: SourceMap,
    trees: Vec<crate::ast::File>,
    diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Parses one file.
    fn add(&mut self, name: String, text: String) {
        let id = self.sources.add(name, without_bom(text));
        let Some(file) = self.sources.get(id) else {
            return;
        };
        let (tree, mut found) = parse_source(id, file);
        self.diagnostics.append(&mut found);
        self.trees.extend(tree);
    }

    fn check(self) -> RuleSet {
        let Parsed {
            sources,
            trees,
            mut diagnostics,
        } = self;
        let (mut program, mut found) = check::check(trees);
        diagnostics.append(&mut found);
        let circular = crate::model::reference_cycles::circular_cuts(&program);
        program.set_circular_terminations(circular.terms, circular.statuses);
        let index = RightsIndex::build(&program);
        RuleSet {
            sources,
            program,
            index,
            diagnostics,
            money: Mutex::new(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Options, RuleSet};

    #[test]
    fn a_kept_money_graph_serves_its_own_world_only() {
        let rules = RuleSet::load("rules/seed");
        let question = "roundtrip(Amazon, OpenAI) == 100%";
        let assume = Options {
            assume: vec!["amazon_talks".to_string()],
            ..Options::default()
        };
        let fresh = |options: &Options| {
            RuleSet::load("rules/seed")
                .ask(question, options)
                .map(|a| (a.verdict, a.explanation))
                .ok()
        };
        let ask = |options: &Options| {
            rules
                .ask(question, options)
                .map(|a| (a.verdict, a.explanation))
                .ok()
        };
        let kept_key = || {
            rules
                .money
                .lock()
                .ok()
                .and_then(|k| k.as_ref().map(|(key, _)| key.1.len()))
        };
        assert_eq!(ask(&Options::default()), fresh(&Options::default()));
        assert_eq!(kept_key(), Some(0));
        // Again in the same world (the kept graph), then in another (a graph of its own).
        assert_eq!(ask(&Options::default()), fresh(&Options::default()));
        assert_eq!(ask(&assume), fresh(&assume));
        assert_eq!(kept_key(), Some(1));
        assert_ne!(fresh(&assume), fresh(&Options::default()));
    }
}
