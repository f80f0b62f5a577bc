//! The core device's register map (generated from the SoC's csr.json) and the only place that touches
//! raw CSR addresses: [`Csr::read`] / [`Csr::write`] over LiteX's 32-bit CSR bus, most significant word
//! first for wide registers.
#![no_std]

/// A CSR of `WORDS` 32-bit words at a fixed address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Csr<const WORDS: u64> {
    pub addr: usize,
}

/// A memory region of the SoC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub base: usize,
    pub size: usize,
}

impl<const WORDS: u64> Csr<WORDS> {
    pub const fn at(addr: usize) -> Self {
        Csr { addr }
    }

    #[inline(always)]
    pub fn read(self) -> u64 {
        let mut v = 0u64;
        for i in 0..WORDS as usize {
            // SAFETY: `addr` comes from the SoC's csr.json; CSR words are 4-byte aligned MMIO.
            let w = unsafe { core::ptr::read_volatile((self.addr + 4 * i) as *const u32) };
            v = (v << 32) | w as u64;
        }
        v
    }

    #[inline(always)]
    pub fn write(self, value: u64) {
        for i in 0..WORDS as usize {
            let shift = 32 * (WORDS as usize - 1 - i);
            // SAFETY: as in `read`.
            unsafe {
                core::ptr::write_volatile((self.addr + 4 * i) as *mut u32, (value >> shift) as u32)
            };
        }
    }
}

impl<const WORDS: u64> Csr<WORDS> {
    /// Writes the words in address order (most significant first). For a CSR whose write has an
    /// effect (a strobe), the effect happens with the last word.
    #[inline(always)]
    pub fn write_words(self, words: &[u32]) {
        debug_assert_eq!(words.len() as u64, WORDS);
        for (i, w) in words.iter().take(WORDS as usize).enumerate() {
            // SAFETY: as in `read`.
            unsafe { core::ptr::write_volatile((self.addr + 4 * i) as *mut u32, *w) };
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/regmap.rs"));
