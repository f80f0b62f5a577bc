//! Renders diagnostics as `file:line:col: error: message`, the source line and a caret.

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};
use std::fmt::Write;

fn snippet(out: &mut String, file: &SourceFile, span: Span, label: Option<&str>) {
    let start = file.line_col(span.start);
    let text = file.line_text(start.line);
    let shown_line = file.origin(start.line).1;
    let gutter = shown_line.to_string().len();
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{shown_line} | {text}");
    // The caret covers the span on its first line (at least one character).
    let end = file.line_col(span.end.max(span.start));
    let width = if end.line == start.line {
        (end.column.saturating_sub(start.column)).max(1)
    } else {
        (text.chars().count() as u32 + 1)
            .saturating_sub(start.column)
            .max(1)
    };
    let pad = " ".repeat(start.column as usize - 1);
    let carets = "^".repeat(width as usize);
    match label {
        Some(l) => {
            let _ = writeln!(out, "{:gutter$} | {pad}{carets} {l}", "");
        }
        None => {
            let _ = writeln!(out, "{:gutter$} | {pad}{carets}", "");
        }
    }
}

/// Renders every diagnostic against `file`.
pub fn render_diagnostics(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let at = file.line_col(d.span.start);
        let (name, line) = file.origin(at.line);
        let _ = writeln!(out, "{name}:{line}:{}: error: {}", at.column, d.message);
        snippet(&mut out, file, d.span, d.label.as_deref());
        for note in &d.notes {
            let at = file.line_col(note.span.start);
            let (name, line) = file.origin(at.line);
            let _ = writeln!(out, "{name}:{line}:{}: note: {}", at.column, note.message);
            snippet(&mut out, file, note.span, None);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_line_and_caret() {
        let file = SourceFile::new("k.py", "def f():\n    x = 1 + y\n");
        let d =
            Diagnostic::error(Span::new(21, 22), "undefined name `y`").with_label("not defined");
        let text = render_diagnostics(&file, &[d]);
        assert_eq!(
            text,
            "k.py:2:13: error: undefined name `y`\n  |\n2 |     x = 1 + y\n  |             ^ not defined\n"
        );
    }
}
