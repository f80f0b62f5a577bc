//! What every core device (the firmware, and the replaying device under qemu) reports the same
//! way: the RTIO exceptions its kernel ABI raises, and an uncaught exception as the host gets it.

use crate::exceptions::{self, raise_builtin_fmt};
use core::fmt::Write;
use strobe_abi::rtio::rtio_channel;
use strobe_abi::ExceptionId;

/// A late output event on event channel `channel` (an address of an RTIO channel, which the
/// message names): RTIOUnderflow with its channel, timestamp and slack.
pub fn raise_rtio_underflow(channel: u32, timestamp: i64, slack: i64) {
    let channel = rtio_channel(channel);
    raise_builtin_fmt(
        ExceptionId::RTIOUnderflow,
        "RTIOUnderflow",
        format_args!("RTIO underflow at {timestamp} mu, channel {channel}, slack {slack} mu"),
    );
}

/// A DMA playback's late event (on event channel `channel`).
pub fn raise_dma_underflow(channel: u32, at: i64) {
    let channel = rtio_channel(channel);
    raise_builtin_fmt(
        ExceptionId::RTIOUnderflow,
        "RTIOUnderflow",
        format_args!("RTIO underflow at channel {channel}, {at} mu (DMA playback)"),
    );
}

/// Entries lost to a full input FIFO (as ARTIQ's RTIOOverflow).
pub fn raise_rtio_overflow(channel: u32) {
    raise_builtin_fmt(
        ExceptionId::RTIOOverflow,
        "RTIOOverflow",
        format_args!("RTIO input overflow on channel {channel}"),
    );
}

/// A traceback's text; one too long for it keeps its whole first lines.
pub struct TracebackText {
    bytes: [u8; 4096],
    len: usize,
    full: bool,
}

impl Default for TracebackText {
    fn default() -> Self {
        TracebackText {
            bytes: [0; 4096],
            len: 0,
            full: false,
        }
    }
}

impl Write for TracebackText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        if self.full {
            return Ok(());
        }
        let Some(room) = self.bytes.get_mut(self.len..self.len + s.len()) else {
            // Cut after the last whole line.
            self.full = true;
            self.len = self.bytes[..self.len]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            return Ok(());
        };
        room.copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// The pending exception of a kernel that returned, as the host is told of it: (class id, name,
/// message, traceback written into `text`); None when nothing is pending.
pub fn uncaught(text: &mut TracebackText) -> Option<(u32, &str, &str, &str)> {
    let exc = exceptions::pending()?;
    let (name, message) = exceptions::describe(exc);
    text.len = 0;
    text.full = false;
    exceptions::write_traceback(&mut |b| {
        let _ = text.write_str(core::str::from_utf8(b).unwrap_or("?"));
    });
    Some((
        exc.type_id,
        core::str::from_utf8(name).unwrap_or("Exception"),
        core::str::from_utf8(message).unwrap_or(""),
        core::str::from_utf8(&text.bytes[..text.len]).unwrap_or(""),
    ))
}
