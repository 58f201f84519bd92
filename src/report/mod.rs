//! Text and JSON renderings of results and diagnostics (reference §8).

mod render;

pub use render::{render_diagnostic, RenderOptions};
