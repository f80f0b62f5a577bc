//! Mutated programs: a program of the conformance, diagnostics or kernel-only suites with lines
//! removed, repeated, swapped, cut, re-indented or spliced with fragments of Python; most are
//! refused, and every refusal must be a diagnostic.

use crate::rng::Rng;
use std::path::Path;

const FRAGMENTS: &[&str] = &[
    "x",
    "main",
    "self",
    "0",
    "1",
    "-1",
    "2.5",
    "1e300",
    "int64(2)",
    "int32(7)",
    "[]",
    "[1, 2]",
    "()",
    "(1,)",
    "None",
    "True",
    "\"s\"",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<<",
    "==",
    "<",
    "!=",
    " and ",
    " or ",
    "not ",
    "lambda: 0",
    "yield",
    "return",
    "raise",
    "raise ValueError(\"v\")",
    "try:",
    "except:",
    "finally:",
    ":",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "range(3)",
    "len(x)",
    "print(x)",
    "f\"{x}\"",
    "[i for i in range(2)]",
    "x.append(1)",
    "x.pop()",
    "x[0]",
    "x[-1]",
    "x.y",
    "global x",
    "def f(a, b=1):",
    "class C:",
    "class E(Exception):",
    "    pass",
    "for i in x:",
    "while x:",
    "if x:",
    "else:",
    "elif x:",
    "break",
    "continue",
    "with x:",
    "import strobe",
    "from strobe import int64",
    "str(x)",
    "float(x)",
    "int(x)",
    "abs(x)",
    "min(x, 1)",
    "max(x)",
    "{}",
    "x: int64 = 0",
    "x += 1",
    "a, b = b, a",
    "\n",
    "\n    ",
    "#",
    "\\",
    "'",
    "\"\"\"",
    "@kernel",
    "assert x, \"m\"",
    "C()",
    "E()",
    "x is None",
];

pub fn mutate(rng: &mut Rng, text: &str, seeds: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match rng.below(8) {
        0 if !lines.is_empty() => {
            lines.remove(rng.below(n));
        }
        1 if !lines.is_empty() => {
            let l = lines[rng.below(n)].clone();
            lines.insert(rng.below(n), l);
        }
        2 if lines.len() > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            lines.swap(a, b);
        }
        3 => {
            let mut cut = rng.below(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
        4 if !lines.is_empty() => {
            // Replace one word of a line with a fragment.
            let i = rng.below(n);
            let words: Vec<&str> = lines[i].split(' ').collect();
            let w = rng.below(words.len());
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
            let replaced: Vec<&str> = words
                .iter()
                .enumerate()
                .map(|(k, x)| if k == w { fragment } else { *x })
                .collect();
            lines[i] = replaced.join(" ");
        }
        5 => {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return format!(
                "{}{}{}",
                &text[..at],
                FRAGMENTS[rng.below(FRAGMENTS.len())],
                &text[at..]
            );
        }
        6 if !lines.is_empty() => {
            let i = rng.below(n);
            if rng.below(2) == 0 {
                lines[i] = format!("    {}", lines[i]);
            } else {
                lines[i] = lines[i].trim_start().to_string();
            }
        }
        _ => {
            let other = &seeds[rng.below(seeds.len())];
            let other_lines: Vec<&str> = other.lines().collect();
            if !other_lines.is_empty() {
                let l = other_lines[rng.below(other_lines.len())].to_string();
                lines.insert(rng.below(n + 1).min(lines.len()), l);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

pub fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut out = Vec::new();
    for dir in ["conformance", "diagnostics", "kernel-only"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "py"))
        {
            out.push(std::fs::read_to_string(f).expect("fixture text"));
        }
    }
    out
}
