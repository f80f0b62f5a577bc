//! Section garbage collection from the entry, address assignment, and relocation.

use crate::input::{SectionClass, SymbolDef};
use crate::resolve::Resolved;
use crate::riscv::{apply, Fixup, PcrelHi};
use crate::{LinkError, LinkedImage, Segment};
use std::collections::{BTreeMap, HashMap};

/// Where the image goes.
#[derive(Clone, Debug)]
pub struct LinkConfig {
    /// Address of the first (executable) segment.
    pub base: u32,
    /// Alignment of segment starts (the page size for a Linux loader).
    pub segment_align: u32,
    /// The entry symbol; empty for a unit linked without one.
    pub entry: String,
    /// Symbols kept (with what they reach) besides the entry: a unit's exports.
    pub roots: Vec<String>,
    /// Symbols defined outside the image at fixed addresses (the firmware's kernel ABI, other units).
    pub externals: std::collections::BTreeMap<String, u32>,
}

impl LinkConfig {
    /// A Linux user-mode executable, as `qemu-riscv32` loads it.
    pub fn linux_user(entry: &str) -> Self {
        LinkConfig {
            base: 0x10000,
            segment_align: 0x1000,
            entry: entry.to_string(),
            roots: Vec::new(),
            externals: Default::default(),
        }
    }

    /// A kernel image for the core device: loaded at `base`, calling the firmware at `externals`.
    pub fn device(
        base: u32,
        entry: &str,
        externals: std::collections::BTreeMap<String, u32>,
    ) -> Self {
        LinkConfig {
            base,
            segment_align: 16,
            entry: entry.to_string(),
            roots: Vec::new(),
            externals,
        }
    }
}

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a.max(1)) * a.max(1)
}

/// Sections reachable from the entry through relocations.
fn live_sections(r: &Resolved) -> Vec<Vec<bool>> {
    let mut live: Vec<Vec<bool>> = r
        .files
        .iter()
        .map(|f| vec![false; f.sections.len()])
        .collect();
    let mut work = Vec::new();
    let mark =
        |file: usize, sym: usize, live: &mut Vec<Vec<bool>>, work: &mut Vec<(usize, usize)>| {
            let Some((tf, ts)) = r.target(file, sym) else {
                return;
            };
            if let SymbolDef::Section { section, .. } = r.files[tf].symbols[ts].def {
                if !live[tf][section] {
                    live[tf][section] = true;
                    work.push((tf, section));
                }
            }
        };
    for &(file, sym) in r.entry.iter().chain(&r.roots) {
        mark(file, sym, &mut live, &mut work);
    }
    while let Some((f, s)) = work.pop() {
        for rel in &r.files[f].sections[s].relocations {
            if rel.symbol != usize::MAX {
                mark(f, rel.symbol, &mut live, &mut work);
            }
        }
    }
    live
}

pub fn lay_out(r: Resolved, config: &LinkConfig) -> Result<LinkedImage, LinkError> {
    let live = live_sections(&r);
    // Address of each live section, grouped: text+rodata (RX), then data+bss (RW).
    let mut address: HashMap<(usize, usize), u64> = HashMap::new();
    let mut placed: Vec<(usize, usize)> = Vec::new();
    let mut cursor = config.base as u64;
    let mut segment_bounds = Vec::new();
    for group in [
        &[SectionClass::Text, SectionClass::ReadOnly][..],
        &[SectionClass::Data, SectionClass::Bss][..],
    ] {
        cursor = align_up(cursor, config.segment_align as u64);
        let start = cursor;
        let mut file_end = cursor;
        for class in group {
            for (f, file) in r.files.iter().enumerate() {
                for (s, sec) in file.sections.iter().enumerate() {
                    if !live[f][s] || sec.class != *class || sec.class == SectionClass::DebugLine {
                        continue;
                    }
                    cursor = align_up(cursor, sec.align as u64);
                    address.insert((f, s), cursor);
                    placed.push((f, s));
                    cursor += sec.size as u64;
                    if sec.class != SectionClass::Bss {
                        file_end = cursor;
                    }
                }
            }
        }
        segment_bounds.push((start, file_end, cursor, group[0] == SectionClass::Text));
    }
    if cursor > u32::MAX as u64 {
        return Err(LinkError::TooLarge);
    }
    let symbol_address = |file: usize, sym: usize| -> Option<u64> {
        let (tf, ts) = r.target(file, sym)?;
        match r.files[tf].symbols[ts].def {
            SymbolDef::Section { section, value } => {
                address.get(&(tf, section)).map(|a| a + value as u64)
            }
            SymbolDef::Absolute(v) => Some(v as u64),
            SymbolDef::Dropped => Some(0),
            SymbolDef::Undefined => Some(0), // only weak references remain undefined
        }
    };
    // Relocate each live section.
    let mut contents: HashMap<(usize, usize), Vec<u8>> = HashMap::new();
    for &(f, s) in &placed {
        let sec = &r.files[f].sections[s];
        if sec.class == SectionClass::Bss {
            continue;
        }
        let base = address[&(f, s)] as u32;
        let mut data = sec.data.clone();
        // PCREL_LO12 relocations name the label of their AUIPC: collect the HI20 values first.
        let mut his = Vec::new();
        for rel in &sec.relocations {
            if rel.kind == object::elf::R_RISCV_PCREL_HI20.0 {
                let target = symbol_address(f, rel.symbol).unwrap_or(0) as i64 + rel.addend;
                his.push(PcrelHi {
                    address: base + rel.offset,
                    value: target - (base + rel.offset) as i64,
                });
            }
        }
        for rel in &sec.relocations {
            let s_addr = if rel.symbol == usize::MAX {
                0
            } else {
                symbol_address(f, rel.symbol).unwrap_or(0)
            };
            let fixup = Fixup {
                kind: rel.kind,
                place: base + rel.offset,
                symbol: s_addr as i64,
                addend: rel.addend,
            };
            apply(&mut data, rel.offset as usize, &fixup, &his).map_err(|e| match e {
                LinkError::UnsupportedRelocation { kind, .. } => LinkError::UnsupportedRelocation {
                    kind,
                    object: format!("{}:{}", r.files[f].name, sec.name),
                },
                other => other,
            })?;
        }
        contents.insert((f, s), data);
    }
    let mut segments = Vec::new();
    for &(start, file_end, end, exec) in &segment_bounds {
        if end == start {
            continue;
        }
        let mut data = vec![0u8; (file_end - start) as usize];
        for &(f, s) in &placed {
            let a = address[&(f, s)];
            if a < start || a >= end {
                continue;
            }
            if let Some(bytes) = contents.get(&(f, s)) {
                let at = (a - start) as usize;
                data[at..at + bytes.len()].copy_from_slice(bytes);
            }
        }
        segments.push(Segment {
            address: start as u32,
            data,
            memory_size: (end - start) as u32,
            executable: exec,
            writable: !exec,
        });
    }
    let mut symbols = BTreeMap::new();
    for (f, file) in r.files.iter().enumerate() {
        for (i, s) in file.symbols.iter().enumerate() {
            let keep =
                !s.name.is_empty() && (s.global || s.is_function) && !s.name.starts_with(".L");
            if let (true, SymbolDef::Section { section, value }) = (keep, &s.def) {
                if let Some(a) = address.get(&(f, *section)) {
                    symbols
                        .entry(s.name.clone())
                        .or_insert((a + *value as u64) as u32);
                }
            }
            let _ = i;
        }
    }
    let sections = placed
        .iter()
        .map(|&(f, s)| {
            let sec = &r.files[f].sections[s];
            (
                address[&(f, s)] as u32,
                sec.size,
                format!("{}:{}", r.files[f].name, sec.name),
            )
        })
        .collect();
    // Line tables of the linked objects (not the runtime's; best effort: debug info never fails a link).
    let mut line_rows = Vec::new();
    for (f, file) in r
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| !file.from_archive)
    {
        for sec in file
            .sections
            .iter()
            .filter(|s| s.class == SectionClass::DebugLine)
        {
            let mut data = sec.data.clone();
            let relocated = sec.relocations.iter().all(|rel| {
                let s_addr = if rel.symbol == usize::MAX {
                    0
                } else {
                    symbol_address(f, rel.symbol).unwrap_or(0)
                };
                let fixup = Fixup {
                    kind: rel.kind,
                    place: rel.offset,
                    symbol: s_addr as i64,
                    addend: rel.addend,
                };
                apply(&mut data, rel.offset as usize, &fixup, &[]).is_ok()
            });
            if relocated {
                line_rows.extend(crate::lines::parse(&data));
            }
        }
    }
    let text_range = segment_bounds.first().map(|b| b.0..b.1).unwrap_or(0..0);
    let lines = crate::lines::finish(line_rows, text_range);
    let entry = r.entry.and_then(|(f, s)| symbol_address(f, s)).unwrap_or(0) as u32;
    let e_flags = r.files.first().map(|f| f.e_flags).unwrap_or(0);
    Ok(LinkedImage {
        entry,
        segments,
        symbols,
        sections,
        e_flags,
        lines,
    })
}
