//! The device side of a link session, independent of the board: it turns decoded frames into actions
//! on a [`Board`] and replies through a [`Link`]. The firmware runs it over its UART; host tests run the
//! very same code over a pty or TCP socket.
//!
//! Guarantees: a kernel never starts from a partial or corrupt upload (every byte must arrive and the
//! image's CRC-32 must match before `Run` is accepted); every bad frame or out-of-order message gets
//! an error reply, never a panic; a new `LoadBegin` or `Hello` discards a half-finished upload.
#![no_std]

use strobe_protocol::crc::Crc32;
use strobe_protocol::frame::{FrameDecoder, Step};
use strobe_protocol::message::DeviceInfo;
use strobe_protocol::{ErrorCode, Message, FRAME_OVERHEAD, MAX_PAYLOAD, PROTOCOL_VERSION};
pub use strobe_protocol::{ExceptionReport, FaultReport};

/// Frame buffer size: the largest frame plus room.
pub const FRAME_BUFFER: usize = MAX_PAYLOAD as usize + FRAME_OVERHEAD + 64;

/// How a kernel run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome<'a> {
    Finished { cycles: u64 },
    Exception(ExceptionReport<'a>),
    Fault(FaultReport),
}

/// What the session needs from the hardware (or from a test double).
pub trait Board {
    fn info(&self) -> DeviceInfo;
    /// The memory kernels are loaded into (`info().kernel_base` onwards).
    fn kernel_region(&mut self) -> &mut [u8];
    /// Runs the loaded kernel from `entry`; `log` sends kernel output to the host as it is produced.
    fn run<'b>(&'b mut self, entry: u32, log: &mut dyn FnMut(&str)) -> RunOutcome<'b>;
}

/// Where replies go (the UART, a socket).
pub trait Link {
    fn send(&mut self, bytes: &[u8]);
}

enum Upload {
    None,
    /// `received` bytes of `len` have arrived, in order.
    InProgress {
        len: u32,
        received: u32,
        crc: Crc32,
    },
    Complete {
        len: u32,
    },
}

pub struct Session<B: Board> {
    board: B,
    decoder: FrameDecoder<FRAME_BUFFER>,
    upload: Upload,
    out_seq: u16,
    out: [u8; 1024],
}

impl<B: Board> Session<B> {
    pub fn new(board: B) -> Self {
        Session {
            board,
            decoder: FrameDecoder::new(),
            upload: Upload::None,
            out_seq: 0,
            out: [0; 1024],
        }
    }

    pub fn board(&mut self) -> &mut B {
        &mut self.board
    }

    /// The connection dropped: forget any partial frame and any unfinished upload.
    pub fn disconnected(&mut self) {
        self.decoder.reset();
        if let Upload::InProgress { .. } = self.upload {
            self.upload = Upload::None;
        }
    }

    /// True while part of a frame has arrived.
    pub fn in_frame(&self) -> bool {
        self.decoder.in_frame()
    }

    /// True when a complete, verified image is loaded.
    pub fn has_kernel(&self) -> bool {
        matches!(self.upload, Upload::Complete { .. })
    }

    fn reply(&mut self, link: &mut dyn Link, m: &Message<'_>) {
        self.out_seq = self.out_seq.wrapping_add(1);
        if let Ok(n) = m.encode(self.out_seq, &mut self.out) {
            link.send(&self.out[..n]);
        }
    }

    fn error(&mut self, link: &mut dyn Link, code: ErrorCode, of_seq: u16) {
        self.reply(link, &Message::Error { code, of_seq });
    }

    /// Feeds received bytes; handles every frame they complete.
    pub fn receive(&mut self, bytes: &[u8], link: &mut dyn Link) {
        for &b in bytes {
            match self.decoder.push(b) {
                Step::Pending => {}
                Step::Rejected(e) => {
                    let seq = self.decoder.rejected_seq();
                    self.error(link, e.code(), seq);
                }
                Step::Ready => self.handle_frame(link),
            }
        }
    }

    fn handle_frame(&mut self, link: &mut dyn Link) {
        // Copy what we need out of the decoder's buffer before replying.
        let Some(frame) = self.decoder.frame() else {
            return;
        };
        let seq = frame.seq;
        let message = match Message::decode(&frame) {
            Ok(m) => m,
            Err(e) => {
                let code = e.code();
                self.error(link, code, seq);
                return;
            }
        };
        match message {
            Message::Hello { host_version } => {
                if host_version != PROTOCOL_VERSION {
                    self.error(link, ErrorCode::BadVersion, seq);
                    return;
                }
                if let Upload::InProgress { .. } = self.upload {
                    self.upload = Upload::None;
                }
                let info = self.board.info();
                self.reply(link, &Message::HelloReply(info));
            }
            Message::LoadBegin { image_len } => {
                if image_len as usize > self.board.kernel_region().len() {
                    self.upload = Upload::None;
                    self.error(link, ErrorCode::ImageTooLarge, seq);
                    return;
                }
                self.upload = Upload::InProgress {
                    len: image_len,
                    received: 0,
                    crc: Crc32::new(),
                };
                self.reply(link, &Message::Ack { of_seq: seq });
            }
            Message::LoadChunk { offset, data } => {
                let Upload::InProgress {
                    len,
                    received,
                    mut crc,
                } = self.upload
                else {
                    self.error(link, ErrorCode::OutOfOrder, seq);
                    return;
                };
                let end = offset as u64 + data.len() as u64;
                if offset != received || end > len as u64 {
                    // Chunks arrive in order; anything else means something was lost.
                    self.upload = Upload::None;
                    self.error(link, ErrorCode::OutOfOrder, seq);
                    return;
                }
                let region = self.board.kernel_region();
                region[offset as usize..end as usize].copy_from_slice(data);
                crc.update(data);
                self.upload = Upload::InProgress {
                    len,
                    received: end as u32,
                    crc,
                };
                self.reply(link, &Message::Ack { of_seq: seq });
            }
            Message::LoadEnd { image_crc } => match self.upload {
                Upload::InProgress { len, received, crc }
                    if received == len && crc.finish() == image_crc =>
                {
                    self.upload = Upload::Complete { len };
                    self.reply(link, &Message::Ack { of_seq: seq });
                }
                Upload::InProgress { .. } => {
                    self.upload = Upload::None;
                    self.error(link, ErrorCode::IncompleteImage, seq);
                }
                _ => self.error(link, ErrorCode::OutOfOrder, seq),
            },
            Message::Run { entry } => {
                let Upload::Complete { len } = self.upload else {
                    self.error(link, ErrorCode::NoKernel, seq);
                    return;
                };
                let base = self.board.info().kernel_base;
                if entry < base || entry - base >= len || entry % 4 != 0 {
                    self.error(link, ErrorCode::BadEntry, seq);
                    return;
                }
                self.reply(link, &Message::Ack { of_seq: seq });
                self.run(entry, link);
            }
            Message::Stop => self.reply(link, &Message::Ack { of_seq: seq }),
            // Device-to-host messages are not requests.
            _ => self.error(link, ErrorCode::UnknownMessage, seq),
        }
    }

    fn run(&mut self, entry: u32, link: &mut dyn Link) {
        let mut out_seq = self.out_seq;
        let mut out = [0u8; 1024];
        let outcome = {
            let mut log = |text: &str| {
                // Long output goes in several messages.
                for piece in text.as_bytes().chunks(out.len() - FRAME_OVERHEAD - 8) {
                    let Ok(piece) = core::str::from_utf8(piece) else {
                        continue;
                    };
                    out_seq = out_seq.wrapping_add(1);
                    if let Ok(n) = (Message::Log { text: piece }).encode(out_seq, &mut out) {
                        link.send(&out[..n]);
                    }
                }
            };
            let outcome = self.board.run(entry, &mut log);
            out_seq = out_seq.wrapping_add(1);
            let m = match outcome {
                RunOutcome::Finished { cycles } => Message::Finished { cycles },
                RunOutcome::Exception(e) => Message::Exception(e),
                RunOutcome::Fault(f) => Message::Fault(f),
            };
            m.encode(out_seq, &mut out).ok().or_else(|| {
                // Too long for one frame: keep the class and the start of the message.
                let Message::Exception(e) = m else {
                    return None;
                };
                Message::Exception(ExceptionReport {
                    type_id: e.type_id,
                    name: prefix(e.name, 64),
                    message: prefix(e.message, 256),
                    traceback: "",
                })
                .encode(out_seq, &mut out)
                .ok()
            })
        };
        if let Some(n) = outcome {
            link.send(&out[..n]);
        }
        self.out_seq = out_seq;
    }
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(any(test, feature = "test-board"))]
pub mod test_board;

#[cfg(test)]
mod tests;
