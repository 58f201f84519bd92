//! Answers (yes/no/unknown) with explanations. Evaluation never fails at the top: a check that
//! cannot be evaluated becomes an error outcome and the others are still answered.

pub mod logic;
pub mod timeline;
pub mod explain;
pub mod question;
mod compare;
pub mod rules;
