//! The linked image as an ELF32 executable: file header, one PT_LOAD per segment, section headers
//! (`.text`, `.data`, `.bss`) so that loaders that validate them (qemu-user) and objdump accept it,
//! and the image's symbols (absolute addresses): a precompiled kernel is loaded back from them (its
//! quoted-data table, its firmware stamp) and fault reports name its functions.

use crate::LinkedImage;
use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, SectionHeader, Sym, Writer};
use object::write::StringId;
use object::Endianness;

const PAGE: u64 = 0x1000;

/// A section header describing (part of) a segment.
struct OutSection {
    name: StringId,
    kind: elf::SectionType,
    flags: u64,
    address: u32,
    offset: u64,
    size: u32,
}

pub fn write_executable(image: &LinkedImage) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = Writer::new(Endianness::Little, false, &mut out);
    w.reserve_file_header();
    w.reserve_program_headers(image.segments.len() as u32);
    // Segment contents at file offsets congruent to their addresses modulo the page size.
    let mut offsets = Vec::new();
    for seg in &image.segments {
        let len = w.reserved_len();
        let mut offset = len - len % PAGE + seg.address as u64 % PAGE;
        if offset < len {
            offset += PAGE;
        }
        w.reserve_until(offset);
        w.reserve(seg.data.len() as u64, 1);
        offsets.push(offset);
    }
    w.reserve_null_section_index();
    let mut sections = Vec::new();
    for (seg, &offset) in image.segments.iter().zip(&offsets) {
        if seg.executable {
            let flags = elf::SHF_ALLOC.0 | elf::SHF_EXECINSTR.0;
            sections.push(OutSection {
                name: w.add_section_name(b".text"),
                kind: elf::SHT_PROGBITS,
                flags,
                address: seg.address,
                offset,
                size: seg.data.len() as u32,
            });
            continue;
        }
        let flags = elf::SHF_ALLOC.0 | elf::SHF_WRITE.0;
        if !seg.data.is_empty() {
            sections.push(OutSection {
                name: w.add_section_name(b".data"),
                kind: elf::SHT_PROGBITS,
                flags,
                address: seg.address,
                offset,
                size: seg.data.len() as u32,
            });
        }
        let bss = seg.memory_size - seg.data.len() as u32;
        if bss > 0 {
            let address = seg.address + seg.data.len() as u32;
            let offset = offset + seg.data.len() as u64;
            sections.push(OutSection {
                name: w.add_section_name(b".bss"),
                kind: elf::SHT_NOBITS,
                flags,
                address,
                offset,
                size: bss,
            });
        }
    }
    for _ in &sections {
        w.reserve_section_index();
    }
    w.reserve_null_symbol_index();
    let symbols: Vec<_> = image
        .symbols
        .iter()
        .map(|(name, &address)| {
            w.reserve_symbol_index(None);
            (w.add_string(name.as_bytes()), address)
        })
        .collect();
    w.reserve_symtab_section_index();
    w.reserve_symtab();
    w.reserve_strtab_section_index();
    w.reserve_strtab().expect("symbol names fit a string table");
    w.reserve_shstrtab_section_index();
    w.reserve_shstrtab()
        .expect("section names fit a string table");
    w.reserve_section_headers();

    let header = FileHeader {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_type: elf::ET_EXEC,
        e_machine: elf::EM_RISCV,
        e_entry: image.entry as u64,
        e_flags: elf::FileFlags(image.e_flags),
    };
    w.write_file_header(&header)
        .expect("ELF header fields are in range");
    w.write_align_program_headers();
    for (seg, offset) in image.segments.iter().zip(&offsets) {
        let mut flags = elf::PF_R.0;
        if seg.executable {
            flags |= elf::PF_X.0;
        }
        if seg.writable {
            flags |= elf::PF_W.0;
        }
        w.write_program_header(&ProgramHeader {
            p_type: elf::PT_LOAD,
            p_flags: elf::ProgramFlags(flags),
            p_offset: *offset,
            p_vaddr: seg.address as u64,
            p_paddr: seg.address as u64,
            p_filesz: seg.data.len() as u64,
            p_memsz: seg.memory_size as u64,
            p_align: PAGE,
        });
    }
    for (seg, offset) in image.segments.iter().zip(&offsets) {
        w.pad_until(*offset);
        w.write(&seg.data);
    }
    w.write_null_symbol();
    for &(name, address) in &symbols {
        w.write_symbol(&Sym {
            st_name: w.string_offset(Some(name)),
            section: None,
            st_info: elf::SymbolInfo::new(elf::STB_GLOBAL, elf::STT_NOTYPE),
            st_other: elf::SymbolOther(elf::STV_DEFAULT.0),
            st_shndx: elf::SHN_ABS,
            st_value: address as u64,
            st_size: 0,
        });
    }
    w.write_strtab();
    w.write_shstrtab();
    w.write_null_section_header();
    for s in &sections {
        w.write_section_header(&SectionHeader {
            sh_name: w.section_name_offset(Some(s.name)),
            sh_type: s.kind,
            sh_flags: elf::SectionFlags(s.flags),
            sh_addr: s.address as u64,
            sh_offset: s.offset,
            sh_size: s.size as u64,
            sh_link: 0,
            sh_info: 0,
            sh_addralign: 4,
            sh_entsize: 0,
        });
    }
    w.write_symtab_section_header(1);
    w.write_strtab_section_header();
    w.write_shstrtab_section_header();
    out
}
