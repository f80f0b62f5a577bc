//! Reading the LLVM IR text a compiler prints (`Compiler::llvm_ir`), for tests of code generation.

#![allow(dead_code)]

/// The declaration (or definition) line of `symbol` and the attribute group it names.
pub fn attributes_of(ir: &str, symbol: &str) -> String {
    let line = ir
        .lines()
        .find(|l| (l.starts_with("declare") || l.starts_with("define")) && l.contains(symbol))
        .unwrap_or_else(|| panic!("no declaration of {symbol}:\n{ir}"));
    let group = line
        .split_whitespace()
        .find(|w| w.starts_with('#'))
        .unwrap_or_else(|| panic!("{symbol} has no attributes: {line}"));
    ir.lines()
        .find(|l| l.starts_with(&format!("attributes {group} ")))
        .unwrap_or_else(|| panic!("no attribute group {group}"))
        .to_string()
}

/// The lines of the function defined as `symbol` (its `define` line to its closing brace).
pub fn body_of<'a>(ir: &'a str, symbol: &str) -> Vec<&'a str> {
    let mut lines = ir
        .lines()
        .skip_while(|l| !(l.starts_with("define") && l.contains(symbol)));
    let mut body: Vec<&str> = lines.by_ref().take_while(|l| *l != "}").collect();
    assert!(!body.is_empty(), "no definition of {symbol}:\n{ir}");
    body.push("}");
    body
}
