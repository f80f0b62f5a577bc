//! Stage 5: our RISC-V linker. Relocatable objects (one per link unit) plus the runtime archive ->
//! a loadable image at given addresses, with a symbol map.
//!
//! Pipeline: [`input`] parses ELF objects and archive members into our own tables, [`resolve`] binds
//! every undefined symbol (pulling archive members on demand), [`layout`] keeps only the sections
//! reachable from the entry and assigns addresses, [`riscv`] applies relocations, [`elf_out`] writes the
//! executable.

pub mod cache_shadow;
mod elf_out;
mod input;
mod layout;
mod lines;
mod resolve;
pub mod riscv;
pub mod store;

pub use input::{Archive, InputObject};
pub use layout::LinkConfig;
pub use lines::{lookup as lookup_line, LineRow};

use std::collections::BTreeMap;

#[derive(Clone, Debug, thiserror::Error, PartialEq)]
pub enum LinkError {
    #[error("cannot read object `{name}`: {message}")]
    BadObject { name: String, message: String },
    #[error("undefined symbol `{symbol}` (referenced from `{from}`)")]
    Undefined { symbol: String, from: String },
    #[error("symbol `{symbol}` is defined in both `{first}` and `{second}`")]
    Duplicate {
        symbol: String,
        first: String,
        second: String,
    },
    #[error("entry symbol `{0}` is not defined")]
    NoEntry(String),
    #[error("relocation {kind} in `{object}` is not supported")]
    UnsupportedRelocation { kind: u32, object: String },
    #[error("relocation {kind} at {address:#x} does not fit: value {value:#x}")]
    Overflow { kind: u32, address: u32, value: i64 },
    #[error("`{pcrel_lo}` at {address:#x} has no matching PCREL_HI20")]
    MissingPcrelHi {
        pcrel_lo: &'static str,
        address: u32,
    },
    #[error("image does not fit the 32-bit address space")]
    TooLarge,
}

/// One loadable piece of the image.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub address: u32,
    /// Initialised bytes; `memory_size - data.len()` zero bytes follow.
    pub data: Vec<u8>,
    pub memory_size: u32,
    pub executable: bool,
    pub writable: bool,
}

/// The linked program.
#[derive(Clone, Debug)]
pub struct LinkedImage {
    pub entry: u32,
    pub segments: Vec<Segment>,
    /// Every global (and local function) symbol with its address.
    pub symbols: BTreeMap<String, u32>,
    /// Each placed section: (address, size, `object:section`).
    pub sections: Vec<(u32, u32, String)>,
    /// ELF header flags (float ABI) taken from the inputs.
    pub e_flags: u32,
    /// Code address -> source line, from the inputs' `.debug_line`, sorted by address.
    pub lines: Vec<LineRow>,
}

impl LinkedImage {
    /// A readable map: sections by address, then symbols by address.
    pub fn symbol_map(&self) -> String {
        let mut out = String::from("# sections\n");
        for (addr, size, name) in &self.sections {
            out.push_str(&format!("{addr:08x} {size:8} {name}\n"));
        }
        out.push_str("# symbols\n");
        let mut by_addr: Vec<(&u32, &String)> = self.symbols.iter().map(|(n, a)| (a, n)).collect();
        by_addr.sort();
        for (addr, name) in by_addr {
            out.push_str(&format!("{addr:08x} {name}\n"));
        }
        out.push_str("# lines\n");
        for row in &self.lines {
            out.push_str(&format!("{:08x} {}:{}\n", row.address, row.file, row.line));
        }
        out
    }

    /// The source line of the instruction at `pc` (e.g. a faulting program counter).
    pub fn source_line(&self, pc: u32) -> Option<&LineRow> {
        lines::lookup(&self.lines, pc)
    }

    /// The image as one block of bytes from its first segment's address (zero-filled gaps and `.bss`),
    /// as a loader copies it into memory.
    pub fn flat(&self) -> (u32, Vec<u8>) {
        let Some(first) = self.segments.first() else {
            return (0, Vec::new());
        };
        let end = self
            .segments
            .iter()
            .map(|s| s.address + s.memory_size)
            .max()
            .unwrap_or(first.address);
        let mut bytes = vec![0u8; (end - first.address) as usize];
        for s in &self.segments {
            let at = (s.address - first.address) as usize;
            bytes[at..at + s.data.len()].copy_from_slice(&s.data);
        }
        (first.address, bytes)
    }

    /// The image with `bytes` appended as a read-only data segment (16-byte aligned) named `symbol`.
    pub fn with_data(&self, symbol: &str, bytes: &[u8]) -> LinkedImage {
        let mut out = self.clone();
        let end = self
            .segments
            .iter()
            .map(|s| s.address + s.memory_size)
            .max()
            .unwrap_or(0);
        let address = end.next_multiple_of(16);
        out.segments.push(Segment {
            address,
            data: bytes.to_vec(),
            memory_size: bytes.len() as u32,
            executable: false,
            writable: false,
        });
        out.symbols.insert(symbol.to_string(), address);
        out.sections
            .push((address, bytes.len() as u32, symbol.to_string()));
        out
    }

    /// The image as an ELF32 executable (for `qemu-riscv32`, objdump, or a loader).
    pub fn to_elf(&self) -> Vec<u8> {
        elf_out::write_executable(self)
    }
}

/// Links `objects` (and whatever they need from `archives`) with entry symbol `config.entry`.
pub fn link(
    objects: &[InputObject],
    archives: &[Archive],
    config: &LinkConfig,
) -> Result<LinkedImage, LinkError> {
    let mut files = Vec::new();
    if !config.externals.is_empty() {
        files.push(input::externals(&config.externals));
    }
    for o in objects {
        files.push(input::parse_object(&o.name, &o.bytes)?);
    }
    let resolved = resolve::resolve(files, archives, &config.entry, &config.roots)?;
    layout::lay_out(resolved, config)
}
