//! The `credence` command line.
fn main() {}
