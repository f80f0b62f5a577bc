//! RISC-V relocations: what each kind computes and how the value is encoded into the instruction.

use crate::LinkError;
use object::elf;

/// One relocation to apply: `S` (symbol address), `A` (addend), `P` (place).
#[derive(Clone, Copy, Debug)]
pub struct Fixup {
    pub kind: u32,
    pub place: u32,
    pub symbol: i64,
    pub addend: i64,
}

/// The value a PCREL_HI20 computed at an AUIPC, for the PCREL_LO12 that names it.
#[derive(Clone, Copy, Debug)]
pub struct PcrelHi {
    pub address: u32,
    pub value: i64,
}

fn read32(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

fn write32(data: &mut [u8], at: usize, v: u32) {
    data[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Upper 20 bits for LUI/AUIPC, rounded so that the sign-extended low 12 bits add back exactly.
pub fn hi20(value: i64) -> u32 {
    (((value + 0x800) >> 12) as u32) & 0xfffff
}

pub fn lo12(value: i64) -> u32 {
    (value as u32) & 0xfff
}

pub fn encode_u(insn: u32, value: i64) -> u32 {
    (insn & 0xfff) | (hi20(value) << 12)
}

pub fn encode_i(insn: u32, value: i64) -> u32 {
    (insn & 0x000f_ffff) | (lo12(value) << 20)
}

pub fn encode_s(insn: u32, value: i64) -> u32 {
    let imm = lo12(value);
    (insn & 0x01ff_f07f) | ((imm >> 5) << 25) | ((imm & 0x1f) << 7)
}

/// B-type: 13-bit signed, even offset.
pub fn encode_b(insn: u32, offset: i64) -> u32 {
    let imm = offset as u32;
    (insn & 0x01ff_f07f)
        | (((imm >> 12) & 1) << 31)
        | (((imm >> 5) & 0x3f) << 25)
        | (((imm >> 1) & 0xf) << 8)
        | (((imm >> 11) & 1) << 7)
}

/// J-type: 21-bit signed, even offset.
pub fn encode_j(insn: u32, offset: i64) -> u32 {
    let imm = offset as u32;
    (insn & 0xfff)
        | (((imm >> 20) & 1) << 31)
        | (((imm >> 1) & 0x3ff) << 21)
        | (((imm >> 11) & 1) << 20)
        | (((imm >> 12) & 0xff) << 12)
}

fn fits(value: i64, bits: u32) -> bool {
    let limit = 1i64 << (bits - 1);
    (-limit..limit).contains(&value)
}

/// Applies `f` to `data` at byte offset `at`.
pub fn apply(data: &mut [u8], at: usize, f: &Fixup, his: &[PcrelHi]) -> Result<(), LinkError> {
    let s_a = f.symbol + f.addend;
    let pcrel = s_a - f.place as i64;
    let overflow = |value: i64| LinkError::Overflow {
        kind: f.kind,
        address: f.place,
        value,
    };
    let k = elf::RelocationType(f.kind);
    let width = match k {
        elf::R_RISCV_NONE | elf::R_RISCV_RELAX | elf::R_RISCV_ALIGN => 0,
        elf::R_RISCV_ADD8
        | elf::R_RISCV_SUB8
        | elf::R_RISCV_SET6
        | elf::R_RISCV_SUB6
        | elf::R_RISCV_SET8 => 1,
        elf::R_RISCV_ADD16 | elf::R_RISCV_SUB16 | elf::R_RISCV_SET16 => 2,
        elf::R_RISCV_CALL | elf::R_RISCV_CALL_PLT => 8,
        _ => 4,
    };
    if at + width > data.len() {
        return Err(overflow(at as i64));
    }
    match k {
        elf::R_RISCV_NONE | elf::R_RISCV_RELAX | elf::R_RISCV_ALIGN => {}
        // Label differences in debug info (DWARF line programs): byte, half and 6-bit fields.
        elf::R_RISCV_ADD8 => data[at] = data[at].wrapping_add(s_a as u8),
        elf::R_RISCV_SUB8 => data[at] = data[at].wrapping_sub(s_a as u8),
        elf::R_RISCV_SET8 => data[at] = s_a as u8,
        elf::R_RISCV_SET6 => data[at] = (data[at] & 0xc0) | (s_a as u8 & 0x3f),
        elf::R_RISCV_SUB6 => {
            data[at] = (data[at] & 0xc0) | (data[at].wrapping_sub(s_a as u8) & 0x3f)
        }
        elf::R_RISCV_ADD16 | elf::R_RISCV_SUB16 | elf::R_RISCV_SET16 => {
            let old = u16::from_le_bytes([data[at], data[at + 1]]);
            let v = match k {
                elf::R_RISCV_ADD16 => old.wrapping_add(s_a as u16),
                elf::R_RISCV_SUB16 => old.wrapping_sub(s_a as u16),
                _ => s_a as u16,
            };
            data[at..at + 2].copy_from_slice(&v.to_le_bytes());
        }
        elf::R_RISCV_SET32 => write32(data, at, s_a as u32),
        elf::R_RISCV_32 => write32(data, at, s_a as u32),
        elf::R_RISCV_32_PCREL => write32(data, at, pcrel as u32),
        elf::R_RISCV_ADD32 => write32(data, at, read32(data, at).wrapping_add(s_a as u32)),
        elf::R_RISCV_SUB32 => write32(data, at, read32(data, at).wrapping_sub(s_a as u32)),
        elf::R_RISCV_HI20 => write32(data, at, encode_u(read32(data, at), s_a)),
        elf::R_RISCV_LO12_I => write32(data, at, encode_i(read32(data, at), s_a)),
        elf::R_RISCV_LO12_S => write32(data, at, encode_s(read32(data, at), s_a)),
        elf::R_RISCV_PCREL_HI20 => {
            if !fits(pcrel, 32) {
                return Err(overflow(pcrel));
            }
            write32(data, at, encode_u(read32(data, at), pcrel))
        }
        elf::R_RISCV_PCREL_LO12_I | elf::R_RISCV_PCREL_LO12_S => {
            // The symbol is the AUIPC's label; use the value its HI20 computed.
            let name = if k == elf::R_RISCV_PCREL_LO12_I {
                "PCREL_LO12_I"
            } else {
                "PCREL_LO12_S"
            };
            let hi = his.iter().find(|h| h.address as i64 == f.symbol).ok_or(
                LinkError::MissingPcrelHi {
                    pcrel_lo: name,
                    address: f.place,
                },
            )?;
            let insn = read32(data, at);
            let v = if k == elf::R_RISCV_PCREL_LO12_I {
                encode_i(insn, hi.value)
            } else {
                encode_s(insn, hi.value)
            };
            write32(data, at, v)
        }
        elf::R_RISCV_CALL | elf::R_RISCV_CALL_PLT => {
            if !fits(pcrel, 32) {
                return Err(overflow(pcrel));
            }
            let auipc = encode_u(read32(data, at), pcrel);
            let jalr = encode_i(read32(data, at + 4), pcrel);
            write32(data, at, auipc);
            write32(data, at + 4, jalr);
        }
        elf::R_RISCV_BRANCH => {
            if !fits(pcrel, 13) || pcrel & 1 != 0 {
                return Err(overflow(pcrel));
            }
            write32(data, at, encode_b(read32(data, at), pcrel))
        }
        elf::R_RISCV_JAL => {
            if !fits(pcrel, 21) || pcrel & 1 != 0 {
                return Err(overflow(pcrel));
            }
            write32(data, at, encode_j(read32(data, at), pcrel))
        }
        _ => {
            return Err(LinkError::UnsupportedRelocation {
                kind: f.kind,
                object: String::new(),
            })
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (instruction, value, expected) for each encoding, checked against the RISC-V spec's formats
    /// (expected words assembled with llvm-mc-19).
    #[test]
    fn encodings() {
        // lui a0, 0x12345 ; value 0x12345678 -> hi20 0x12345 (0x678 < 0x800)
        assert_eq!(encode_u(0x0000_0537, 0x1234_5678), 0x1234_5537);
        // hi20 rounds up when the low part is negative as a signed 12-bit value.
        assert_eq!(hi20(0x1234_5800), 0x12346);
        assert_eq!(hi20(-4), 0);
        // addi a0, a0, 0x678
        assert_eq!(encode_i(0x0005_0513, 0x1234_5678), 0x6785_0513);
        // sw a1, -1(a0): imm 0xfff
        assert_eq!(encode_s(0x00b5_2023, -1), 0xfeb5_2fa3);
        // beq a0, a1, +8
        assert_eq!(encode_b(0x00b5_0063, 8), 0x00b5_0463);
        // beq a0, a1, -4
        assert_eq!(encode_b(0x00b5_0063, -4), 0xfeb5_0ee3);
        // jal ra, +2048
        assert_eq!(encode_j(0x0000_00ef, 2048), 0x0010_00ef);
        // jal ra, -2
        assert_eq!(encode_j(0x0000_00ef, -2), 0xfffff0ef);
    }

    #[test]
    fn call_pair_and_overflow() {
        let mut code = [0x97, 0x00, 0x00, 0x00, 0xe7, 0x80, 0x00, 0x00]; // auipc ra,0; jalr ra,0(ra)
        let f = Fixup {
            kind: elf::R_RISCV_CALL_PLT.0,
            place: 0x1000,
            symbol: 0x2ffc,
            addend: 0,
        };
        apply(&mut code, 0, &f, &[]).unwrap();
        assert_eq!(read32(&code, 0), 0x0000_2097); // auipc ra, 2
        assert_eq!(read32(&code, 4), 0xffc0_80e7); // jalr ra, -4(ra)
        let mut b = 0x00b5_0063u32.to_le_bytes();
        let far = Fixup {
            kind: elf::R_RISCV_BRANCH.0,
            place: 0,
            symbol: 8192,
            addend: 0,
        };
        assert!(matches!(
            apply(&mut b, 0, &far, &[]),
            Err(LinkError::Overflow { .. })
        ));
        let odd = Fixup {
            kind: 1000,
            place: 0,
            symbol: 0,
            addend: 0,
        };
        assert!(matches!(
            apply(&mut b, 0, &odd, &[]),
            Err(LinkError::UnsupportedRelocation { .. })
        ));
    }

    #[test]
    fn label_differences() {
        let mut d = [0x10, 0x00, 0x05, 0xc1];
        let at = |kind: object::elf::RelocationType, symbol: i64| Fixup {
            kind: kind.0,
            place: 0,
            symbol,
            addend: 0,
        };
        apply(&mut d, 0, &at(elf::R_RISCV_ADD16, 0x120), &[]).unwrap();
        apply(&mut d, 0, &at(elf::R_RISCV_SUB16, 0x100), &[]).unwrap();
        assert_eq!(u16::from_le_bytes([d[0], d[1]]), 0x30);
        apply(&mut d, 2, &at(elf::R_RISCV_ADD8, 3), &[]).unwrap();
        apply(&mut d, 2, &at(elf::R_RISCV_SUB8, 1), &[]).unwrap();
        assert_eq!(d[2], 7);
        apply(&mut d, 3, &at(elf::R_RISCV_SET6, 0x7f), &[]).unwrap();
        assert_eq!(d[3], 0xff, "SET6 keeps the top two bits");
        assert!(
            apply(&mut d, 3, &at(elf::R_RISCV_ADD16, 1), &[]).is_err(),
            "a half-word past the end"
        );
    }

    #[test]
    fn pcrel_lo_uses_its_hi() {
        let mut code = 0x0005_0513u32.to_le_bytes(); // addi a0, a0, 0
        let his = [PcrelHi {
            address: 0x100,
            value: 0x1234,
        }];
        let f = Fixup {
            kind: elf::R_RISCV_PCREL_LO12_I.0,
            place: 0x104,
            symbol: 0x100,
            addend: 0,
        };
        apply(&mut code, 0, &f, &his).unwrap();
        assert_eq!(read32(&code, 0), 0x2345_0513);
        let missing = Fixup {
            kind: elf::R_RISCV_PCREL_LO12_I.0,
            place: 0x104,
            symbol: 0x200,
            addend: 0,
        };
        assert!(apply(&mut code, 0, &missing, &his).is_err());
    }
}
