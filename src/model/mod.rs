//! What deals mean: days and windows, which terms are in force, rights and money.

pub mod time;
