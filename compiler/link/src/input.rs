//! ELF relocatable objects and `ar` archives -> our own section/symbol/relocation tables.

use crate::LinkError;
use object::read::archive::ArchiveFile;
use object::{
    Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionKind,
    SymbolSection,
};
use std::sync::{Arc, OnceLock};

/// An object file to link, by name (for messages) and bytes.
#[derive(Clone, Debug)]
pub struct InputObject {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A static library; members are parsed when one of their symbols is needed. Its index (which
/// member defines which symbol) is built at the first link that uses it and kept, shared by clones.
#[derive(Clone, Debug)]
pub struct Archive {
    pub name: String,
    pub bytes: Arc<[u8]>,
    index: Arc<OnceLock<Result<ArchiveIndex, LinkError>>>,
}

impl Archive {
    pub fn new(name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> Self {
        Archive {
            name: name.into(),
            bytes: bytes.into(),
            index: Arc::default(),
        }
    }

    /// The archive's members and the global symbols each defines.
    pub fn index(&self) -> Result<&ArchiveIndex, LinkError> {
        self.index
            .get_or_init(|| index_archive(&self.name, &self.bytes))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A member's bytes (`index` is its position in [`ArchiveIndex::members`]).
    pub fn member<'a>(&'a self, index: &'a ArchiveIndex, member: usize) -> (&'a str, &'a [u8]) {
        let (name, range) = &index.members[member];
        (name, &self.bytes[range.clone()])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionClass {
    Text,
    ReadOnly,
    Data,
    Bss,
    /// `.debug_line`: not loaded; relocated only to build the image's line table.
    DebugLine,
}

#[derive(Clone, Debug)]
pub struct Relocation {
    pub offset: u32,
    pub kind: u32,
    /// Index into the object's symbols.
    pub symbol: usize,
    pub addend: i64,
}

#[derive(Clone, Debug)]
pub struct InputSection {
    pub name: String,
    pub class: SectionClass,
    pub align: u32,
    pub size: u32,
    /// Empty for `.bss`.
    pub data: Vec<u8>,
    pub relocations: Vec<Relocation>,
}

#[derive(Clone, Debug)]
pub enum SymbolDef {
    Undefined,
    /// Defined in our section `section` at `value`.
    Section {
        section: usize,
        value: u32,
    },
    Absolute(u32),
    /// A section we do not load (debug info): references to it resolve to 0.
    Dropped,
}

#[derive(Clone, Debug)]
pub struct InputSymbol {
    pub name: String,
    pub global: bool,
    pub weak: bool,
    pub def: SymbolDef,
    pub is_function: bool,
}

#[derive(Clone, Debug)]
pub struct ObjectFile {
    pub name: String,
    pub sections: Vec<InputSection>,
    pub symbols: Vec<InputSymbol>,
    pub e_flags: u32,
    /// Pulled from an archive (the runtime), not one of the objects being linked.
    pub from_archive: bool,
}

fn classify(kind: SectionKind, name: &str) -> Option<SectionClass> {
    if name == ".debug_line" {
        return Some(SectionClass::DebugLine);
    }
    if name.starts_with(".eh_frame") || name.starts_with(".debug") || name.starts_with(".comment") {
        return None;
    }
    Some(match kind {
        SectionKind::Text => SectionClass::Text,
        SectionKind::ReadOnlyData
        | SectionKind::ReadOnlyString
        | SectionKind::ReadOnlyDataWithRel => SectionClass::ReadOnly,
        SectionKind::Data => SectionClass::Data,
        SectionKind::UninitializedData => SectionClass::Bss,
        _ => return None,
    })
}

pub fn parse_object(name: &str, bytes: &[u8]) -> Result<ObjectFile, LinkError> {
    let bad = |message: String| LinkError::BadObject {
        name: name.to_string(),
        message,
    };
    let file = object::File::parse(bytes).map_err(|e| bad(e.to_string()))?;
    if file.architecture() != object::Architecture::Riscv32 {
        return Err(bad(format!(
            "expected a RISC-V 32-bit object, found {:?}",
            file.architecture()
        )));
    }
    let e_flags = match file.flags() {
        object::FileFlags::Elf { e_flags, .. } => e_flags.0,
        _ => 0,
    };
    // Our section index for each ELF section index we keep.
    let mut section_map = std::collections::HashMap::new();
    let mut sections = Vec::new();
    for s in file.sections() {
        let sname = s.name().unwrap_or("").to_string();
        let Some(class) = classify(s.kind(), &sname) else {
            continue;
        };
        let data = if class == SectionClass::Bss {
            Vec::new()
        } else {
            s.data().map_err(|e| bad(e.to_string()))?.to_vec()
        };
        section_map.insert(s.index(), sections.len());
        sections.push(InputSection {
            name: sname,
            class,
            align: s.align().max(1) as u32,
            size: s.size() as u32,
            data,
            relocations: Vec::new(),
        });
    }
    let mut symbol_map = std::collections::HashMap::new();
    let mut symbols = Vec::new();
    for sym in file.symbols() {
        let def = match sym.section() {
            SymbolSection::Undefined => SymbolDef::Undefined,
            SymbolSection::Absolute => SymbolDef::Absolute(sym.address() as u32),
            SymbolSection::Section(i) => match section_map.get(&i) {
                Some(&section) => SymbolDef::Section {
                    section,
                    value: sym.address() as u32,
                },
                None => SymbolDef::Dropped,
            },
            _ => SymbolDef::Dropped,
        };
        symbol_map.insert(sym.index(), symbols.len());
        symbols.push(InputSymbol {
            name: sym.name().unwrap_or("").to_string(),
            global: sym.is_global(),
            weak: sym.is_weak(),
            def,
            is_function: sym.kind() == object::SymbolKind::Text,
        });
    }
    for s in file.sections() {
        let Some(&ours) = section_map.get(&s.index()) else {
            continue;
        };
        for (offset, r) in s.relocations() {
            let RelocationFlags::Elf { r_type } = r.flags() else {
                return Err(bad("non-ELF relocation".into()));
            };
            let symbol = match r.target() {
                RelocationTarget::Symbol(i) => *symbol_map
                    .get(&i)
                    .ok_or_else(|| bad("relocation against a missing symbol".into()))?,
                RelocationTarget::Absolute => usize::MAX,
                _ => return Err(bad("relocation against a section is not supported".into())),
            };
            sections[ours].relocations.push(Relocation {
                offset: offset as u32,
                kind: r_type.0,
                symbol,
                addend: r.addend(),
            });
        }
    }
    Ok(ObjectFile {
        name: name.to_string(),
        sections,
        symbols,
        e_flags,
        from_archive: false,
    })
}

/// The members of an archive (name, byte range), with the global symbols each defines.
#[derive(Debug)]
pub struct ArchiveIndex {
    pub members: Vec<(String, std::ops::Range<usize>)>,
    pub definitions: std::collections::HashMap<String, usize>,
}

fn index_archive(name: &str, bytes: &[u8]) -> Result<ArchiveIndex, LinkError> {
    let bad = |message: String| LinkError::BadObject {
        name: name.to_string(),
        message,
    };
    let file = ArchiveFile::parse(bytes).map_err(|e| bad(e.to_string()))?;
    let mut members = Vec::new();
    let mut definitions = std::collections::HashMap::new();
    for m in file.members() {
        let m = m.map_err(|e| bad(e.to_string()))?;
        let member_name = String::from_utf8_lossy(m.name()).to_string();
        let (offset, size) = m.file_range();
        let range = offset as usize..(offset + size) as usize;
        let Some(data) = bytes.get(range.clone()) else {
            return Err(bad(format!(
                "member `{member_name}` lies outside the archive"
            )));
        };
        let Ok(obj) = object::File::parse(data) else {
            continue;
        };
        for sym in obj.symbols() {
            if sym.is_global() && !sym.is_undefined() {
                if let Ok(n) = sym.name() {
                    definitions.entry(n.to_string()).or_insert(members.len());
                }
            }
        }
        members.push((member_name, range));
    }
    Ok(ArchiveIndex {
        members,
        definitions,
    })
}

/// A pseudo-object defining each external symbol at its absolute address.
pub fn externals(symbols: &std::collections::BTreeMap<String, u32>) -> ObjectFile {
    ObjectFile {
        name: "<externals>".into(),
        sections: Vec::new(),
        symbols: symbols
            .iter()
            .map(|(name, &address)| InputSymbol {
                name: name.clone(),
                global: true,
                weak: false,
                def: SymbolDef::Absolute(address),
                is_function: false,
            })
            .collect(),
        e_flags: 0,
        from_archive: false,
    }
}
