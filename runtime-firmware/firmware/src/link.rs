//! The host link: the gateware's link window (`strobe_abi::link`), word-wide FIFOs to and from the
//! host with a CRC-32 unit on each side. A frame's body moves four bytes per bus access straight
//! into the session's frame buffer, and no byte goes through a CRC in software.

use strobe_abi::link as reg;
use strobe_regmap::LINK;
use strobe_session::{BodyRoom, Poll};

#[inline(always)]
fn read(offset: u32) -> u32 {
    // SAFETY: a register of the link window (uncached I/O); reads have the effects documented in
    // strobe_abi::link and never fault.
    unsafe { core::ptr::read_volatile((LINK.base + offset as usize) as *const u32) }
}

#[inline(always)]
fn write(offset: u32, value: u32) {
    // SAFETY: as `read`.
    unsafe { core::ptr::write_volatile((LINK.base + offset as usize) as *mut u32, value) }
}

/// Reads that take bytes from the receive FIFO have an effect. An interrupt taken while such a load
/// is on the bus can make the CPU issue it again after `mret` (the instruction is flushed, its bus
/// access is not), taking more bytes, so those reads happen with interrupts masked (the kernel tick
/// waits for at most one FIFO's worth).
struct InterruptsMasked(bool);

impl InterruptsMasked {
    fn new() -> Self {
        let before: u32;
        // SAFETY: clears mstatus.MIE, returning the previous mstatus; restored on drop.
        unsafe { core::arch::asm!("csrrci {0}, mstatus, 8", out(reg) before) };
        InterruptsMasked(before & 8 != 0)
    }
}

impl Drop for InterruptsMasked {
    fn drop(&mut self) {
        if self.0 {
            // SAFETY: sets mstatus.MIE back, as it was.
            unsafe { core::arch::asm!("csrsi mstatus, 8") };
        }
    }
}

/// Bytes the host has sent that wait to be read.
pub fn waiting() -> u32 {
    read(reg::RX_LEVEL)
}

pub fn read_byte() -> Option<u8> {
    let _masked = InterruptsMasked::new();
    (waiting() != 0).then(|| read(reg::RX_BYTE) as u8)
}

/// Room in the send FIFO, in writes: waits until there is some.
fn send_room() -> u32 {
    loop {
        let room = read(reg::TX_SPACE);
        if room != 0 {
            return room;
        }
    }
}

/// Sends `data`, through the send CRC when `crc` (words while they are aligned, else bytes).
fn send_bytes(data: &[u8], crc: bool) {
    let (word, byte) = if crc {
        (reg::TX_WORD_CRC, reg::TX_BYTE_CRC)
    } else {
        (reg::TX_WORD, reg::TX_BYTE)
    };
    let mut rest = data;
    while !rest.is_empty() {
        let room = send_room() as usize;
        if rest.len() < 4 || !(rest.as_ptr() as usize).is_multiple_of(4) {
            write(byte, rest[0] as u32);
            rest = &rest[1..];
            continue;
        }
        let words = (rest.len() / 4).min(room);
        let p = rest[..4 * words].as_ptr() as *const u32;
        for i in 0..words {
            // SAFETY: within `rest[..4 * words]`, which starts aligned.
            write(word, unsafe { p.add(i).read() });
        }
        rest = &rest[4 * words..];
    }
}

/// The session's link.
pub struct HostLink;

impl strobe_session::Link for HostLink {
    fn send(&mut self, bytes: &[u8]) {
        send_bytes(bytes, false);
    }

    /// The magic goes outside the CRC, the rest of the header and the payload through the send
    /// unit's CRC (a word per write wherever the bytes are aligned), then the CRC it computed.
    fn send_frame(&mut self, frame: &mut [u8]) {
        use strobe_protocol::frame::{CRC_LEN, HEADER_LEN, MAGIC};
        let Some(end) = frame
            .len()
            .checked_sub(CRC_LEN)
            .filter(|&e| e >= HEADER_LEN)
        else {
            return;
        };
        write(reg::TX_CRC, 0);
        send_bytes(&frame[..MAGIC.len()], false);
        send_bytes(&frame[MAGIC.len()..end], true);
        send_bytes(&read(reg::TX_CRC).to_le_bytes(), false);
    }

    fn poll(&mut self) -> Poll {
        match read_byte() {
            Some(b) => Poll::Byte(b),
            None => Poll::Empty,
        }
    }

    fn receive_body(&mut self, room: BodyRoom<'_>) -> Option<usize> {
        let mut level = waiting() as usize;
        if level == 0 {
            return Some(0);
        }
        if let Some(header) = room.header {
            write(reg::RX_CRC, 0);
            for &b in header {
                write(reg::RX_CRC_FEED, b as u32);
            }
        }
        let dst = room.dst;
        let mut at = 0;
        let _masked = InterruptsMasked::new();
        while at < dst.len() && level > 0 {
            // Within the covered part or within the rest, never across the boundary.
            let (end, word, byte) = if at < room.covered {
                (room.covered, reg::RX_WORD_CRC, reg::RX_BYTE_CRC)
            } else {
                (dst.len(), reg::RX_WORD, reg::RX_BYTE)
            };
            let aligned = (dst.as_ptr() as usize + at).is_multiple_of(4);
            if !aligned || end - at < 4 || level < 4 {
                dst[at] = read(byte) as u8;
                at += 1;
                level -= 1;
                continue;
            }
            let words = ((end - at) / 4).min(level / 4);
            let p = dst[at..at + 4 * words].as_mut_ptr() as *mut u32;
            for i in 0..words {
                // SAFETY: within `dst[at..at + 4 * words]`, which starts aligned.
                unsafe { p.add(i).write(read(word)) };
            }
            at += 4 * words;
            level -= 4 * words;
        }
        Some(at)
    }

    fn body_crc(&mut self) -> Option<u32> {
        Some(read(reg::RX_CRC))
    }
}
