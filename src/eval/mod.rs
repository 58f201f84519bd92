//! Answers (yes/no/unknown) with explanations. Evaluation never fails at the top: a check that
//! cannot be evaluated becomes an error outcome and the others are still answered.

pub mod chart;
mod compare;
pub mod explain;
pub mod logic;
pub mod open;
pub mod question;
pub mod rules;
pub mod settle;
pub mod timeline;
