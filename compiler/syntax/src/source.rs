//! Source files, byte spans and line/column lookup.

/// A byte range `[start, end)` in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }
}

/// 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Where the lines of a composed source came from: runs of lines copied from other files (an
/// experiment's kernels gathered from its modules, the device drivers appended to a program).
/// Lines outside every run are reported under the composed source's own name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceMap {
    /// Sorted by `first_line`; each run lasts until the next one starts (or `len` lines).
    runs: Vec<SourceRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceRun {
    /// First line of the run in the composed source (1-based).
    pub first_line: u32,
    /// How many lines the run holds.
    pub len: u32,
    /// The file the lines came from and the line the run starts at there.
    pub file: String,
    pub origin_line: u32,
}

impl SourceMap {
    /// Records that `len` lines from `first_line` on are lines `origin_line..` of `file`.
    pub fn add(&mut self, first_line: u32, len: u32, file: impl Into<String>, origin_line: u32) {
        self.runs.push(SourceRun {
            first_line,
            len,
            file: file.into(),
            origin_line,
        });
        self.runs.sort_by_key(|r| r.first_line);
    }

    /// The file and line that composed line `line` came from, if a run covers it.
    pub fn origin(&self, line: u32) -> Option<(&str, u32)> {
        let i = self
            .runs
            .partition_point(|r| r.first_line <= line)
            .checked_sub(1)?;
        let run = &self.runs[i];
        (line < run.first_line + run.len)
            .then(|| (run.file.as_str(), run.origin_line + line - run.first_line))
    }

    pub fn runs(&self) -> &[SourceRun] {
        &self.runs
    }
}

/// A named source text with a line index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<u32>,
    /// Where the text's lines came from, when it was composed from several files.
    pub map: SourceMap,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            map: SourceMap::default(),
        }
    }

    /// A composed source whose lines came from the files `map` names.
    pub fn composed(name: impl Into<String>, text: impl Into<String>, map: SourceMap) -> Self {
        SourceFile {
            map,
            ..SourceFile::new(name, text)
        }
    }

    /// The file name and line that line `line` of this text is reported as.
    pub fn origin(&self, line: u32) -> (&str, u32) {
        self.map.origin(line).unwrap_or((&self.name, line))
    }

    /// Index (0-based) of the line holding byte `offset`.
    fn line_index(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The 1-based line holding byte `offset` (without the column, which costs a scan of the line).
    pub fn line_of(&self, offset: u32) -> u32 {
        self.line_index(offset.min(self.text.len() as u32)) as u32 + 1
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let column = self.text[start..offset as usize].chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let rest = &self.text[start as usize..];
        rest.split('\n').next().unwrap_or("").trim_end_matches('\r')
    }

    pub fn snippet(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_lookup() {
        let f = SourceFile::new("t.py", "a = 1\nbb = 2\n\nc");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(14), LineCol { line: 4, column: 1 });
        assert_eq!(f.line_text(2), "bb = 2");
        assert_eq!(f.line_text(3), "");
    }

    #[test]
    fn composed_lines_report_their_origin() {
        let mut map = SourceMap::default();
        map.add(3, 2, "exp.py", 40);
        map.add(6, 1, "lib.py", 7);
        let f = SourceFile::composed("<kernel>", "a\nb\nc\nd\ne\nf\n", map);
        assert_eq!(f.origin(1), ("<kernel>", 1));
        assert_eq!(f.origin(3), ("exp.py", 40));
        assert_eq!(f.origin(4), ("exp.py", 41));
        assert_eq!(f.origin(5), ("<kernel>", 5));
        assert_eq!(f.origin(6), ("lib.py", 7));
    }
}
