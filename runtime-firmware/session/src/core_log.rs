//! The core log: lines the device writes about what went wrong outside any kernel's control flow
//! (RTIO sequence errors and collisions, as ARTIQ's core log), read and cleared by the host
//! (`LogQuery`, `LogClear`). A fixed buffer: when full, the oldest lines go.

use core::fmt::Write;

/// Bytes the log keeps (a listing fits one frame).
pub const CORE_LOG_BYTES: usize = 4096;

/// RTIO errors noted while a kernel runs, before they are written out as lines.
const PENDING: usize = 64;

/// What went wrong with an RTIO event (noted in O(1) while a kernel runs: formatting a line costs a
/// kernel thousands of cycles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtioError {
    SequenceError,
    Collision,
    /// An event of the fast window found late by the RTIO core: the window's own check of its
    /// time failed (the event was dropped without an exception). Never expected; never silent.
    LateFastEvent,
}

pub struct CoreLog {
    bytes: [u8; CORE_LOG_BYTES],
    len: usize,
    pending: [(RtioError, u8); PENDING],
    pending_len: usize,
    /// Errors beyond what `pending` holds, until the next flush.
    unnoted: u32,
}

impl Default for CoreLog {
    fn default() -> Self {
        CoreLog::new()
    }
}

impl CoreLog {
    pub const fn new() -> Self {
        CoreLog {
            bytes: [0; CORE_LOG_BYTES],
            len: 0,
            pending: [(RtioError::SequenceError, 0); PENDING],
            pending_len: 0,
            unnoted: 0,
        }
    }

    /// The log's text (whole lines), the noted RTIO errors written out first.
    pub fn text(&mut self) -> &str {
        self.flush();
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    pub fn clear(&mut self) {
        self.len = 0;
        self.pending_len = 0;
        self.unnoted = 0;
    }

    /// Notes an RTIO error on `channel` (written out as a line later, by [`CoreLog::flush`]).
    pub fn rtio_error(&mut self, error: RtioError, channel: u8) {
        match self.pending.get_mut(self.pending_len) {
            Some(slot) => {
                *slot = (error, channel);
                self.pending_len += 1;
            }
            None => self.unnoted = self.unnoted.saturating_add(1),
        }
    }

    /// Writes the noted RTIO errors out as lines (ARTIQ's wording).
    pub fn flush(&mut self) {
        let pending = self.pending;
        for &(error, channel) in &pending[..self.pending_len] {
            match error {
                RtioError::SequenceError => {
                    self.line(format_args!("RTIO sequence error involving channel {channel}"))
                }
                RtioError::Collision => {
                    self.line(format_args!("RTIO collision involving channel {channel}"))
                }
                RtioError::LateFastEvent => self.line(format_args!(
                    "RTIO underflow on channel {channel} not raised: a late event passed the fast path"
                )),
            }
        }
        self.pending_len = 0;
        if self.unnoted > 0 {
            let n = self.unnoted;
            self.unnoted = 0;
            self.line(format_args!("{n} more RTIO errors not noted"));
        }
    }

    /// Appends one line (a newline is added); the oldest lines make room.
    pub fn line(&mut self, args: core::fmt::Arguments<'_>) {
        let mut line = Line {
            bytes: [0; 256],
            len: 0,
        };
        let _ = line.write_fmt(args);
        let _ = line.write_str("\n");
        let new = &line.bytes[..line.len];
        if self.len + new.len() > CORE_LOG_BYTES {
            // Drop whole lines from the front until the new one fits.
            let need = self.len + new.len() - CORE_LOG_BYTES;
            let cut = self.bytes[..self.len]
                .iter()
                .enumerate()
                .skip(need.saturating_sub(1))
                .find(|(_, &b)| b == b'\n')
                .map_or(self.len, |(i, _)| i + 1);
            self.bytes.copy_within(cut..self.len, 0);
            self.len -= cut;
        }
        self.bytes[self.len..self.len + new.len()].copy_from_slice(new);
        self.len += new.len();
    }
}

/// One line being formatted (cut at 255 bytes, at a character boundary).
struct Line {
    bytes: [u8; 256],
    len: usize,
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self.bytes.len() - 1 - self.len;
        let mut n = s.len().min(room);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn keeps_the_newest_whole_lines() {
        let mut log = CoreLog::new();
        log.line(format_args!("RTIO sequence error involving channel {}", 3));
        assert_eq!(log.text(), "RTIO sequence error involving channel 3\n");
        for i in 0..500 {
            log.line(format_args!("line {i:04}"));
        }
        let text = log.text();
        assert!(text.len() <= CORE_LOG_BYTES);
        assert!(
            text.starts_with("line ") && text.ends_with("line 0499\n"),
            "{text}"
        );
        assert!(!text.contains("sequence"));
        log.clear();
        assert_eq!(log.text(), "");
        for _ in 0..PENDING + 2 {
            log.rtio_error(RtioError::Collision, 3);
        }
        let text = log.text();
        assert_eq!(
            text.matches("RTIO collision involving channel 3\n").count(),
            PENDING
        );
        assert!(text.ends_with("2 more RTIO errors not noted\n"), "{text}");
    }
}
