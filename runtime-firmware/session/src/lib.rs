//! The device side of a link session, independent of the board: it turns decoded frames into actions
//! on a [`Board`] and replies through a [`Link`]. The firmware runs it over its UART; host tests run the
//! very same code over a pty or TCP socket.
//!
//! Guarantees: a kernel never starts from a partial or corrupt upload (every byte must arrive and the
//! image's CRC-32 must match before `Run` is accepted) or a partial patch (the patches' CRC must
//! match at `PatchEnd`); every bad frame or out-of-order message gets an error reply, never a panic;
//! a new `LoadBegin` or `Hello`, or a dropped link, discards a half-finished upload or patch.
#![no_std]

use strobe_protocol::crc::Crc32;
use strobe_protocol::frame::{FrameDecoder, Step};
use strobe_protocol::message::DeviceInfo;
use strobe_protocol::{ErrorCode, Message, FRAME_OVERHEAD, MAX_PAYLOAD, PROTOCOL_VERSION};
pub use strobe_protocol::{ExceptionReport, FaultReport};

/// Frame buffer size: the largest frame plus room.
pub const FRAME_BUFFER: usize = MAX_PAYLOAD as usize + FRAME_OVERHEAD + 64;

/// Bytes of RPC arguments per `RpcCallPart` (a frame's payload less the length prefix).
const RPC_PART: usize = MAX_PAYLOAD as usize - 4;

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
    /// Runs the loaded kernel (`image_len` bytes at the region's start) from `entry`; `host` carries
    /// its output and its RPCs to the host.
    fn run<'b>(
        &'b mut self,
        entry: u32,
        image_len: u32,
        host: &mut dyn KernelHost,
    ) -> RunOutcome<'b>;
}

/// A kernel's calls to the host (its output and its RPCs), while it runs.
pub trait KernelHost {
    /// Kernel output, sent as it is produced.
    fn log(&mut self, text: &str);
    /// Sends an RPC; for a synchronous one, waits for the host's answer and hands it to `reply`.
    fn rpc(&mut self, call: RpcRequest<'_>, reply: &mut dyn FnMut(RpcReply<'_>));
}

/// An RPC as the kernel makes it: arguments already encoded (see `strobe_protocol::rpc`).
#[derive(Clone, Copy, Debug)]
pub struct RpcRequest<'a> {
    pub service: u32,
    pub is_async: bool,
    pub tags: &'a [u8],
    pub args: &'a [u8],
    pub ret_tags: &'a [u8],
}

/// The host's answer to a synchronous RPC. A value too large for one frame comes as
/// `ReturnStart`, then `ReturnPart`s in order, then `ReturnEnd` (the reply callback sees each).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RpcReply<'a> {
    Return {
        tags: &'a [u8],
        value: &'a [u8],
    },
    ReturnStart {
        tags: &'a [u8],
        len: u32,
    },
    ReturnPart {
        data: &'a [u8],
    },
    ReturnEnd,
    Exception(ExceptionReport<'a>),
    /// No answer will come: the host sent `Stop` or the link closed.
    Stopped,
}

/// What a [`Link`] has for the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poll {
    Byte(u8),
    /// Nothing yet.
    Empty,
    /// Nothing will ever come (host tests; a UART never closes).
    Closed,
}

/// Where replies go (the UART, a socket), and where a running kernel's RPC answers come from.
pub trait Link {
    fn send(&mut self, bytes: &[u8]);
    fn poll(&mut self) -> Poll;
}

/// Polls without a byte after which a half-received frame is dropped (the host went away).
pub const IDLE_RESET_POLLS: u32 = 50_000;

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
    /// A complete image being patched: it may not run until `PatchEnd` confirms every patch. `grown_to`:
    /// how far from the start the image is valid (its old length, extended by patches that continue
    /// it), so a patch may lengthen the image but never leave a gap of stale bytes.
    Patching {
        grown_to: u32,
        crc: Crc32,
    },
}

pub struct Session<B: Board> {
    board: B,
    decoder: FrameDecoder<FRAME_BUFFER>,
    upload: Upload,
    out_seq: u16,
    out: [u8; FRAME_BUFFER],
}

impl<B: Board> Session<B> {
    pub fn new(board: B) -> Self {
        Session {
            board,
            decoder: FrameDecoder::new(),
            upload: Upload::None,
            out_seq: 0,
            out: [0; FRAME_BUFFER],
        }
    }

    pub fn board(&mut self) -> &mut B {
        &mut self.board
    }

    /// The connection dropped: forget any partial frame and any unfinished upload.
    pub fn disconnected(&mut self) {
        self.decoder.reset();
        if let Upload::InProgress { .. } | Upload::Patching { .. } = self.upload {
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
                if let Upload::InProgress { .. } | Upload::Patching { .. } = self.upload {
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
            Message::LoadEnd { image_crc } => {
                let verdict = match self.upload {
                    Upload::InProgress { len, received, crc } => {
                        Some((received == len && crc.finish() == image_crc).then_some(len))
                    }
                    _ => None,
                };
                self.end_transfer(link, seq, verdict);
            }
            Message::LoadPatch { offset, data } => {
                let (mut grown_to, mut crc) = match self.upload {
                    Upload::Complete { len } => (len, Crc32::new()),
                    Upload::Patching { grown_to, crc } => (grown_to, crc),
                    _ => {
                        self.error(link, ErrorCode::OutOfOrder, seq);
                        return;
                    }
                };
                let end = offset as u64 + data.len() as u64;
                // Within the kernel region, and not past the valid bytes (a patch may continue them).
                if end > self.board.kernel_region().len() as u64 || offset > grown_to {
                    self.upload = Upload::None;
                    self.error(link, ErrorCode::OutOfOrder, seq);
                    return;
                }
                self.board.kernel_region()[offset as usize..end as usize].copy_from_slice(data);
                crc.update(data);
                grown_to = grown_to.max(end as u32);
                self.upload = Upload::Patching { grown_to, crc };
                self.reply(link, &Message::Ack { of_seq: seq });
            }
            Message::PatchEnd {
                patch_crc,
                image_len,
            } => {
                let verdict = match self.upload {
                    Upload::Patching { grown_to, crc } => Some(
                        (crc.finish() == patch_crc && image_len <= grown_to).then_some(image_len),
                    ),
                    _ => None,
                };
                self.end_transfer(link, seq, verdict);
            }
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
                self.run(entry, len, link);
            }
            Message::Stop => self.reply(link, &Message::Ack { of_seq: seq }),
            // Device-to-host messages are not requests.
            _ => self.error(link, ErrorCode::UnknownMessage, seq),
        }
    }

    /// Ends an upload or a patch: `None` when none is under way (out of order), `Some(None)` when
    /// bytes are missing or the CRC differs (the image is discarded), `Some(Some(len))` when the
    /// image of `len` bytes is complete and may run.
    fn end_transfer(&mut self, link: &mut dyn Link, seq: u16, verdict: Option<Option<u32>>) {
        match verdict {
            Some(Some(len)) => {
                self.upload = Upload::Complete { len };
                self.reply(link, &Message::Ack { of_seq: seq });
            }
            Some(None) => {
                self.upload = Upload::None;
                self.error(link, ErrorCode::IncompleteImage, seq);
            }
            None => self.error(link, ErrorCode::OutOfOrder, seq),
        }
    }

    fn run(&mut self, entry: u32, image_len: u32, link: &mut dyn Link) {
        let mut host = LinkHost {
            link,
            decoder: &mut self.decoder,
            seq: self.out_seq,
            out: &mut self.out,
        };
        let outcome = self.board.run(entry, image_len, &mut host);
        let m = match outcome {
            RunOutcome::Finished { cycles } => Message::Finished { cycles },
            RunOutcome::Exception(e) => Message::Exception(e),
            RunOutcome::Fault(f) => Message::Fault(f),
        };
        if !host.send(&m) {
            // Too long for one frame: keep the class and the start of the message.
            if let Message::Exception(e) = m {
                host.send(&Message::Exception(ExceptionReport {
                    type_id: e.type_id,
                    name: prefix(e.name, 64),
                    message: prefix(e.message, 256),
                    traceback: "",
                }));
            }
        }
        self.out_seq = host.seq;
    }
}

/// The session's side of a running kernel: output and RPC calls go out on the link, RPC answers
/// come back through the session's frame decoder.
struct LinkHost<'s> {
    link: &'s mut dyn Link,
    decoder: &'s mut FrameDecoder<FRAME_BUFFER>,
    seq: u16,
    out: &'s mut [u8; FRAME_BUFFER],
}

impl LinkHost<'_> {
    /// Sends `m` as the next frame; false when it does not fit one.
    fn send(&mut self, m: &Message<'_>) -> bool {
        self.seq = self.seq.wrapping_add(1);
        match m.encode(self.seq, &mut self.out[..]) {
            Ok(n) => {
                self.link.send(&self.out[..n]);
                true
            }
            Err(_) => false,
        }
    }

    fn refuse(&mut self, code: ErrorCode, of_seq: u16) {
        self.send(&Message::Error { code, of_seq });
    }

    /// Waits for the answer to a synchronous RPC. Other requests are refused as `Busy` (the kernel
    /// is still running), except `Stop`, which ends the wait.
    fn await_reply(&mut self, reply: &mut dyn FnMut(RpcReply<'_>)) {
        let mut idle: u32 = 0;
        // Bytes still to come of a value arriving in parts.
        let mut remaining: Option<u32> = None;
        loop {
            let b = match self.link.poll() {
                Poll::Byte(b) => b,
                Poll::Closed => return reply(RpcReply::Stopped),
                Poll::Empty => {
                    idle = idle.saturating_add(1);
                    if idle == IDLE_RESET_POLLS && self.decoder.in_frame() {
                        self.decoder.reset();
                    }
                    continue;
                }
            };
            idle = 0;
            match self.decoder.push(b) {
                Step::Pending => continue,
                Step::Rejected(e) => {
                    let seq = self.decoder.rejected_seq();
                    self.refuse(e.code(), seq);
                    continue;
                }
                Step::Ready => {}
            }
            let Some(frame) = self.decoder.frame() else {
                continue;
            };
            let seq = frame.seq;
            match Message::decode(&frame) {
                Ok(Message::RpcReturn { tags, value }) => {
                    return reply(RpcReply::Return { tags, value })
                }
                Ok(Message::RpcReturnStart { tags, value_len }) if remaining.is_none() => {
                    reply(RpcReply::ReturnStart {
                        tags,
                        len: value_len,
                    });
                    self.send(&Message::Ack { of_seq: seq });
                    if value_len == 0 {
                        return reply(RpcReply::ReturnEnd);
                    }
                    remaining = Some(value_len);
                }
                Ok(Message::RpcReturnPart { data }) => match remaining {
                    Some(left) if data.len() as u32 <= left => {
                        let left = left - data.len() as u32;
                        reply(RpcReply::ReturnPart { data });
                        self.send(&Message::Ack { of_seq: seq });
                        if left == 0 {
                            return reply(RpcReply::ReturnEnd);
                        }
                        remaining = Some(left);
                    }
                    _ => self.refuse(ErrorCode::OutOfOrder, seq),
                },
                Ok(Message::RpcException(e)) => return reply(RpcReply::Exception(e)),
                Ok(Message::Stop) => {
                    self.send(&Message::Ack { of_seq: seq });
                    return reply(RpcReply::Stopped);
                }
                Ok(_) => self.refuse(ErrorCode::Busy, seq),
                Err(e) => self.refuse(e.code(), seq),
            }
        }
    }
}

impl KernelHost for LinkHost<'_> {
    fn log(&mut self, text: &str) {
        // Long output goes in several messages.
        let room = self.out.len() - FRAME_OVERHEAD - 8;
        let mut rest = text;
        while !rest.is_empty() {
            let piece = prefix(rest, room);
            self.send(&Message::Log { text: piece });
            rest = &rest[piece.len()..];
        }
    }

    fn rpc(&mut self, call: RpcRequest<'_>, reply: &mut dyn FnMut(RpcReply<'_>)) {
        let whole = Message::RpcCall {
            service: call.service,
            is_async: call.is_async,
            tags: call.tags,
            args: call.args,
            ret_tags: call.ret_tags,
        };
        // Arguments larger than a frame go as a start and parts (the host reassembles and checks).
        let payload = 4 + 1 + 3 * 4 + call.tags.len() + call.args.len() + call.ret_tags.len();
        let sent = if payload <= MAX_PAYLOAD as usize {
            self.send(&whole)
        } else {
            self.send(&Message::RpcCallStart {
                service: call.service,
                is_async: call.is_async,
                tags: call.tags,
                ret_tags: call.ret_tags,
                args_len: call.args.len() as u32,
            }) && call
                .args
                .chunks(RPC_PART)
                .all(|data| self.send(&Message::RpcCallPart { data }))
        };
        if !sent {
            return reply(RpcReply::Stopped);
        }
        if !call.is_async {
            self.await_reply(reply);
        }
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
