//! `dealcheck graph PATH [--format dot|json]`

use super::{err, Common};
use std::path::PathBuf;

pub fn run(_common: &Common, _paths: Vec<PathBuf>) -> u8 {
    err("dealcheck graph: not available yet\n");
    2
}
