//! A bound on how deeply a program nests, checked before the parser sees it: every stage of the
//! compiler recurses over expressions (the parser too), so a statement whose expression nests
//! deeper than the stack holds would crash them. An expression nests at most as deep as its
//! statement has operators and brackets, which a byte scan counts cheaply.

use crate::{Diagnostic, Span};

/// The most operators and brackets one statement may hold (the compiler runs its stages on a
/// 1 GiB stack, which holds this depth with room to spare: a 100,000-term sum compiles).
pub const MAX_NESTING: usize = 100_000;

/// Refuses the first statement with more than [`MAX_NESTING`] operators and brackets, at its start.
/// Comments are skipped and string literals roughly (a quote to the next same quote): an
/// overcount only refuses statements of absurd size.
pub(crate) fn check_nesting(text: &str) -> Result<(), Diagnostic> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut count, mut start) = (0, 0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                count += 1;
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' if depth == 0 => {
                count = 0;
                start = i + 1;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<' | b'>'
            | b'=' | b'!' | b'.' | b':' => count += 1,
            _ => {}
        }
        if count > MAX_NESTING {
            let at = start as u32;
            return Err(Diagnostic::error(
                Span { start: at, end: at },
                format!(
                    "this statement has more than {MAX_NESTING} operators and brackets: it may nest \
                     too deeply to compile (split it into several statements)"
                ),
            ));
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_operators_and_brackets_per_statement() {
        let deep = format!("x = 1\ny = {}x\n", "-".repeat(MAX_NESTING + 1));
        let e = check_nesting(&deep).unwrap_err();
        assert_eq!(e.span.start, 6, "at the statement's start");
        // Many statements, each shallow; comments and strings do not count.
        let shallow = "y = -x\n".repeat(MAX_NESTING);
        assert!(check_nesting(&shallow).is_ok());
        let quoted = format!(
            "s = '{}'  # {}\n",
            "-".repeat(MAX_NESTING + 1),
            "(".repeat(MAX_NESTING + 1)
        );
        assert!(check_nesting(&quoted).is_ok());
        // A long flat list literal is fine.
        let list = format!("xs = [{}]\n", vec!["1"; MAX_NESTING * 2].join(", "));
        assert!(check_nesting(&list).is_ok());
    }
}
