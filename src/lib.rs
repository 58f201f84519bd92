pub mod ast;
pub mod diagnostic;
pub mod source;
pub mod syntax;
pub mod check;
pub mod model;
pub mod load;
pub mod report;
