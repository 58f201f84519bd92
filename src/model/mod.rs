//! What deals mean: days and windows, which terms are in force, rights and money.

pub mod checks;
pub mod cycles;
pub mod due;
pub mod money;
pub mod range;
pub mod reference_cycles;
pub mod rights;
pub mod time;
pub mod world;
