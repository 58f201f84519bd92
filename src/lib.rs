//! # dealcheck
//!
//! Business deal terms as code: who invests in whom, who leases what, who holds which exclusive
//! rights until when — checked, and questions about them answered **yes**, **no** or
//! **unknown**, with explanations that point at the deciding clauses.
//!
//! ```
//! use dealcheck::{Options, RuleSet, Verdict};
//!
//! let rules = RuleSet::from_sources([(
//!     "example.deal",
//!     r#"
//!     as of 2025-12-17
//!     party Microsoft
//!     party OpenAI
//!     party Amazon
//!     asset OpenAI.frontier_models
//!     action host
//!     deal partnership {
//!       between Microsoft, OpenAI
//!       ip: exclusive Microsoft may host OpenAI.frontier_models until sometime in 2030s
//!     }
//!     "#,
//! )]);
//! assert!(!rules.has_errors());
//!
//! let options = Options::default();
//! let before = rules.ask("can Amazon host OpenAI.frontier_models before 2030", &options).unwrap();
//! assert_eq!(before.verdict, Verdict::No);
//! // The exclusivity ends sometime in the 2030s: whether it still runs all of 2035 is unknown.
//! let in_2035 = rules.ask("can Microsoft always host OpenAI.frontier_models in 2035", &options).unwrap();
//! assert_eq!(in_2035.verdict, Verdict::Unknown);
//!
//! let report = rules.check(&options);
//! assert_eq!(report.summary.errors, 0);
//! ```
//!
//! The pipeline, one module a stage: [`syntax`] (pest → typed [`ast`] with spans) → [`check`]
//! (names, types) → [`model`] (windows, rights, money) → [`eval`] (answers, explanations) →
//! [`report`] (text, JSON).

pub mod ast;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod fmt;
pub mod limits;
pub mod load;
pub mod lsp;
pub mod model;
pub mod report;
mod rule_set;
pub mod source;
pub mod syntax;
pub mod workspace;

pub use diagnostic::{Diagnostic, Severity};
pub use eval::explain::Explanation;
pub use eval::logic::Verdict;
pub use eval::question::Answer;
pub use model::time::Day;
pub use report::Report;
pub use rule_set::{parse_date, AskError, LoadOptions, Options, RuleSet};
