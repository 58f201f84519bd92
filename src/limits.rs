//! Every limit dealcheck enforces, in one place (documented in `docs/limits.md`). Each has a
//! diagnostic when hit and a test.

/// Largest file read; a larger one gets a `too-large` diagnostic naming it.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Most files in one rule set; the rest get one `too-large` diagnostic.
pub const MAX_FILES: usize = 100_000;
/// Deepest nesting of parentheses in a file or question (`too-deep`). Every level costs a few
/// recursive parser and evaluator frames; 128 keeps far inside a 2 MiB thread stack in debug
/// builds, and real questions rarely pass 5.
pub const MAX_NESTING: usize = 128;
/// Longest source line drawn in a diagnostic's snippet, in bytes. A span on (or next to) a
/// longer line — a rule set written on one line, say — is reported by file, line and column
/// instead: miette cannot draw an underline past column 65,535, and a megabyte-long line is
/// no help to a reader anyway.
pub const MAX_SNIPPET_LINE_BYTES: usize = 2_000;
/// Longest name, in bytes (`too-large`).
pub const MAX_NAME_BYTES: usize = 256;
/// Longest label or source line, in bytes (`too-large`).
pub const MAX_LABEL_BYTES: usize = 1024 * 1024;
/// Most terms in one rule set (`too-large`).
pub const MAX_TERMS: usize = 5_000_000;
/// Most `exclusive-conflict` pairs listed; the rest are counted.
pub const MAX_CONFLICTS: usize = 100;
/// Diagnostics of one code listed in a report; the rest are counted in one note.
pub const MAX_DIAGNOSTICS_PER_CODE: usize = 100;
/// Most `ineffective-grant` warnings listed.
pub const MAX_INEFFECTIVE: usize = 100;
/// Comparisons of grants with blocking terms the `ineffective-grant` check makes at most.
pub const INEFFECTIVE_BUDGET: usize = 20_000_000;
/// Windows worked out one inside another through `start`/`end` references; the next one is
/// unknown (and `too-deep` reported), so that a long chain cannot overflow the stack.
pub const MAX_REFERENCE_DEPTH: usize = 256;
/// Name comparisons "did you mean" may make while checking a rule set (or a question); past
/// it, unknown names get a plain "declare it" help.
pub const SUGGESTION_BUDGET: usize = 5_000_000;
/// Edges the max-flow searches of one `roundtrip` may look at before settling for bounds.
pub const ROUNDTRIP_BUDGET: usize = 20_000_000;
/// Most cycles of window references listed by `reference-cycle`; the rest are counted.
pub const MAX_REFERENCE_CYCLES: usize = 100;
/// Flows drawn for each step of a listed circular flow, and deals named as the ones that would
/// close it; the rest are counted. (Hundreds of parallel flows drew 22,000 lines a cycle.)
pub const MAX_CYCLE_FLOWS_PER_STEP: usize = 3;
pub const MAX_CYCLE_CLOSERS_NAMED: usize = 5;
/// Most cycles listed by `circular-flow`; the rest are counted.
pub const MAX_CYCLES: usize = 100;
/// Search steps the cycle listing may take before it stops and says so.
pub const CYCLE_BUDGET: usize = 2_000_000;
/// `confusable-name` warnings listed before the rest are counted.
pub const MAX_CONFUSABLE_NAMES: usize = 100;
