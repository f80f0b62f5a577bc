//! The image's line table, read from the (relocated) `.debug_line` sections of the inputs: what maps a
//! code address, such as a faulting pc reported by the device, back to file:line.

use gimli::{DebugLine, DebugLineOffset, LittleEndian};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineRow {
    pub address: u32,
    pub file: String,
    pub line: u32,
    /// The row ends a sequence: addresses from here on belong to no line.
    pub end: bool,
}

/// Every row of every line program in one relocated `.debug_line` section.
pub fn parse(data: &[u8]) -> Vec<LineRow> {
    let debug_line = DebugLine::new(data, LittleEndian);
    let mut out = Vec::new();
    let mut offset = 0usize;
    while offset < data.len() {
        let Ok(program) = debug_line.program(DebugLineOffset(offset), 4, None, None) else {
            break;
        };
        let header = program.header().clone();
        let unit_length = header.unit_length()
            + if header.format() == gimli::Format::Dwarf64 {
                12
            } else {
                4
            };
        let mut rows = program.rows();
        while let Ok(Some((header, row))) = rows.next_row() {
            let file = row
                .file(header)
                .and_then(|f| match f.path_name() {
                    gimli::AttributeValue::String(s) => {
                        Some(String::from_utf8_lossy(s.slice()).into_owned())
                    }
                    _ => None,
                })
                .unwrap_or_default();
            let line = row.line().map(|l| l.get() as u32).unwrap_or(0);
            out.push(LineRow {
                address: row.address() as u32,
                file,
                line,
                end: row.end_sequence(),
            });
        }
        if unit_length == 0 {
            break;
        }
        offset += unit_length;
    }
    out
}

/// Keeps rows inside the code segment, sorted by address.
pub fn finish(mut rows: Vec<LineRow>, text: std::ops::Range<u64>) -> Vec<LineRow> {
    rows.retain(|r| text.contains(&(r.address as u64)) || (r.end && r.address as u64 == text.end));
    rows.sort_by_key(|r| (r.address, !r.end));
    rows
}

/// The row covering `pc`: the last row at or below it, unless that row ends a sequence. Code that LLVM
/// attributes to line 0 (merged from several lines) takes the nearest earlier line of its sequence.
pub fn lookup(rows: &[LineRow], pc: u32) -> Option<&LineRow> {
    let mut i = rows.partition_point(|r| r.address <= pc).checked_sub(1)?;
    if rows[i].end {
        return None;
    }
    while rows[i].line == 0 {
        i = i.checked_sub(1)?;
        if rows[i].end {
            return None;
        }
    }
    Some(&rows[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(address: u32, line: u32, end: bool) -> LineRow {
        LineRow {
            address,
            file: "k.py".into(),
            line,
            end,
        }
    }

    #[test]
    fn lookup_finds_the_covering_row() {
        let rows = vec![
            row(0x100, 3, false),
            row(0x108, 4, false),
            row(0x10c, 0, false),
            row(0x110, 0, true),
            row(0x200, 9, false),
        ];
        assert_eq!(
            lookup(&rows, 0x10e).map(|r| r.line),
            Some(4),
            "line 0 takes the line before"
        );
        assert_eq!(lookup(&rows, 0x100).map(|r| r.line), Some(3));
        assert_eq!(lookup(&rows, 0x10c).map(|r| r.line), Some(4));
        assert_eq!(lookup(&rows, 0x180), None, "between sequences");
        assert_eq!(lookup(&rows, 0xfc), None, "before any code");
        assert_eq!(lookup(&rows, 0x204).map(|r| r.line), Some(9));
    }
}
