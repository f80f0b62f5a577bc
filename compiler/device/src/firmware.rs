//! The firmware ELF as the host needs it: the ROM contents for the simulator, and the addresses of the
//! kernel ABI symbols that kernel images link against.

use object::{Object, ObjectSymbol};
use std::collections::BTreeMap;

pub struct FirmwareImage {
    /// ROM words from address 0 (little-endian), as `$readmemh` loads them.
    pub rom: Vec<u32>,
    /// Every kernel ABI symbol the firmware defines, with its address.
    pub exports: BTreeMap<String, u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum FirmwareError {
    #[error("firmware ELF: {0}")]
    Elf(String),
    #[error("the firmware does not define kernel ABI symbol `{0}`")]
    Missing(String),
}

impl FirmwareImage {
    pub fn from_elf(bytes: &[u8], rom_size: u32) -> Result<Self, FirmwareError> {
        use object::read::elf::{ElfFile32, ProgramHeader};
        let bad = |e: object::Error| FirmwareError::Elf(e.to_string());
        let elf = ElfFile32::<object::Endianness>::parse(bytes).map_err(bad)?;
        let endian = elf.endian();
        let mut rom = Vec::new();
        // Load (physical) addresses: `.data`'s initial values sit in ROM after the code.
        for ph in elf.elf_program_headers() {
            if ph.p_type(endian) != object::elf::PT_LOAD {
                continue;
            }
            let address = ph.p_paddr(endian) as usize;
            let data = ph
                .data(endian, bytes)
                .map_err(|_| FirmwareError::Elf("segment outside the file".into()))?;
            if data.is_empty() || address >= rom_size as usize {
                continue;
            }
            let end = address + data.len();
            if rom.len() < end {
                rom.resize(end, 0);
            }
            rom[address..end].copy_from_slice(data);
        }
        let file = &elf;
        rom.resize(rom.len().div_ceil(4) * 4, 0);
        let words = rom
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let wanted: Vec<&str> = strobe_abi::firmware_symbols().collect();
        let mut exports = BTreeMap::new();
        for sym in file.symbols() {
            if let Ok(name) = sym.name() {
                if wanted.contains(&name) && !sym.is_undefined() {
                    exports.insert(name.to_string(), sym.address() as u32);
                }
            }
        }
        if let Some(missing) = wanted.iter().find(|w| !exports.contains_key(**w)) {
            return Err(FirmwareError::Missing(missing.to_string()));
        }
        Ok(FirmwareImage {
            rom: words,
            exports,
        })
    }

    /// The ROM in `$readmemh` format: one hex word per line.
    pub fn rom_init(&self) -> String {
        let mut out = String::with_capacity(self.rom.len() * 9);
        for w in &self.rom {
            out.push_str(&format!("{w:08x}\n"));
        }
        out
    }
}
