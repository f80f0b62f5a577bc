//! The device side of a link session, independent of the board: it turns decoded frames into actions
//! on a [`Board`] and replies through a [`Link`]. The firmware runs it over its UART; host tests run the
//! very same code over a pty or TCP socket.
//!
//! Kernels are link units in the device's function store ([`store`]), run by naming them.
//! Guarantees: a kernel never runs a unit from a partial or corrupt upload (every byte must arrive
//! and the CRC-32 match before the unit is listed, and `Run` accepts only listed units); every bad
//! frame or out-of-order message gets an error reply, never a panic; a new `UnitBegin` or `Hello`,
//! or a dropped link, discards a half-finished upload.
#![no_std]

pub use strobe_protocol::frame::BodyRoom;
use strobe_protocol::frame::{FrameDecoder, Step};
use strobe_protocol::journal::{Consumer, JournalMode};
use strobe_protocol::message::{unit_keys, DeviceInfo};
use strobe_protocol::{ErrorCode, Message, FRAME_OVERHEAD, MAX_PAYLOAD, PROTOCOL_VERSION};
pub use strobe_protocol::{ExceptionReport, FaultReport, StopReason};

pub mod core_log;
pub mod store;
pub use core_log::{CoreLog, RtioError};
use store::Store;

/// Frame buffer size: the largest frame plus room.
pub const FRAME_BUFFER: usize = MAX_PAYLOAD as usize + FRAME_OVERHEAD + 64;

/// Bytes of RPC arguments per `RpcCallPart` (a frame's payload less the length prefix).
const RPC_PART: usize = MAX_PAYLOAD as usize - 4;

/// How a kernel run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome<'a> {
    Finished {
        cycles: u64,
    },
    Exception(ExceptionReport<'a>),
    Fault(FaultReport),
    /// Stopped at `pc` (kernel code, or the return address of the call it was in).
    Stopped {
        pc: u32,
        reason: StopReason,
    },
}

/// What the session needs from the hardware (or from a test double).
pub trait Board {
    fn info(&self) -> DeviceInfo;
    /// The memory kernels are loaded into (`info().kernel_base` onwards).
    fn kernel_region(&mut self) -> &mut [u8];
    /// The core log (RTIO sequence errors, collisions).
    fn core_log(&mut self) -> &mut CoreLog;
    /// Runs a kernel from `entry` (in resident units), its quoted-data table at `table` (0: none),
    /// its arena from `arena_start` (an offset in the kernel region, past every resident unit) to the
    /// region's end; `host` carries its output and its RPCs to the host.
    fn run<'b>(&'b mut self, run: RunSetup, host: &mut dyn KernelHost) -> RunOutcome<'b>;
}

/// Where a run starts and what memory it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSetup {
    pub entry: u32,
    pub table: u32,
    pub arena_start: u32,
    /// Start the timeline a fixed slack ahead of the RTIO counter (else: where it was left); in
    /// a replay, start a new replay.
    pub fresh_timeline: bool,
    /// Whether the run is recorded or replayed.
    pub journal: JournalMode,
}

/// A kernel's calls to the host (its output and its RPCs), while it runs.
pub trait KernelHost {
    /// Kernel output, sent as it is produced.
    fn log(&mut self, text: &str);
    /// Sends an RPC; for a synchronous one, waits for the host's answer and hands it to `reply`.
    fn rpc(&mut self, call: RpcRequest<'_>, reply: &mut dyn FnMut(RpcReply<'_>));
    /// Reads what the host has sent, without waiting (called periodically while the kernel
    /// computes): requests are refused as `Busy`, but a `Stop`, or a new client's `Hello`, asks for
    /// the kernel to stop.
    fn poll(&mut self) -> Option<StopReason>;
    /// Tells the host that the kernel, silent for a while, still runs (`cycles` since it started).
    fn heartbeat(&mut self, cycles: u64);
    /// Sends journal records (whole ones) of a recorded run.
    fn journal(&mut self, records: &[u8]);
    /// A replayed run needs the next journal records: asks the host and hands what comes to
    /// `records` (nothing: the journal has no more before its next RPC or the run's end). Err when
    /// the kernel is to stop instead.
    fn journal_need(&mut self, records: &mut dyn FnMut(&[u8])) -> Result<(), StopReason>;
    /// A replayed run shifts the recorded timeline by `shift` on the RTIO core, from RTIO counter
    /// value `from` on.
    fn replay_shift(&mut self, shift: i64, from: i64);
    /// A replayed kernel did `wanted` at `site` after `consumed` records: not what the journal says.
    fn diverged(&mut self, consumed: u32, wanted: Consumer, site: u32);
}

/// An RPC as the kernel makes it: arguments already encoded (see `strobe_protocol::rpc`).
#[derive(Clone, Copy, Debug)]
pub struct RpcRequest<'a> {
    pub service: u32,
    /// The return address of the kernel's call.
    pub site: u32,
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
    /// No answer will come: the host sent `Stop` (or the link closed), or a new client's `Hello`
    /// arrived. The kernel is to stop.
    Stopped(StopReason),
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

/// Where replies go (the link's FIFOs, a socket), and where a running kernel's RPC answers come
/// from. The bulk methods let a link with its own CRC unit move frames without the CPU touching
/// every byte twice; their defaults go byte by byte and compute CRCs in software.
pub trait Link {
    fn send(&mut self, bytes: &[u8]);
    fn poll(&mut self) -> Poll;

    /// Sends a frame whose last four bytes are still to be its CRC ([`Message::encode_unsealed`]).
    fn send_frame(&mut self, frame: &mut [u8]) {
        strobe_protocol::frame::seal(frame);
        self.send(frame);
    }

    /// Moves what has arrived of a frame's body into `room`: the number of bytes placed, or None
    /// when this link takes bytes only one at a time ([`Link::poll`]).
    fn receive_body(&mut self, room: BodyRoom<'_>) -> Option<usize> {
        let _ = room;
        None
    }

    /// The CRC of a frame [`Link::receive_body`] completed, as the link computed it (None:
    /// computed by the decoder).
    fn body_crc(&mut self) -> Option<u32> {
        None
    }
}

/// What a link had for the frame decoder.
enum Pulled {
    Step(Step),
    Empty,
    Closed,
}

/// Hands what the link has to the decoder: a frame's body in bulk where the link can, else one
/// byte.
fn pull(link: &mut dyn Link, decoder: &mut FrameDecoder<FRAME_BUFFER>) -> Pulled {
    if let Some(room) = decoder.body_room() {
        match link.receive_body(room) {
            Some(0) => return Pulled::Empty,
            Some(n) => return Pulled::Step(decoder.body_received(n, || link.body_crc())),
            None => {}
        }
    }
    match link.poll() {
        Poll::Byte(b) => Pulled::Step(decoder.push(b)),
        Poll::Empty => Pulled::Empty,
        Poll::Closed => Pulled::Closed,
    }
}

/// Polls without a byte after which a half-received frame is dropped (the host went away).
pub const IDLE_RESET_POLLS: u32 = 50_000;

pub struct Session<B: Board> {
    board: B,
    decoder: FrameDecoder<FRAME_BUFFER>,
    store: Store,
    out_seq: u16,
    out: [u8; FRAME_BUFFER],
}

impl<B: Board> Session<B> {
    pub fn new(board: B) -> Self {
        Session {
            board,
            decoder: FrameDecoder::new(),
            store: Store::new(),
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
        self.store.abandon_upload();
    }

    /// True while part of a frame has arrived.
    pub fn in_frame(&self) -> bool {
        self.decoder.in_frame()
    }

    fn reply(&mut self, link: &mut dyn Link, m: &Message<'_>) {
        self.out_seq = self.out_seq.wrapping_add(1);
        if let Ok(n) = m.encode_unsealed(self.out_seq, &mut self.out) {
            link.send_frame(&mut self.out[..n]);
        }
    }

    fn error(&mut self, link: &mut dyn Link, code: ErrorCode, of_seq: u16) {
        self.reply(link, &Message::Error { code, of_seq });
    }

    /// Feeds received bytes; handles every frame they complete.
    pub fn receive(&mut self, bytes: &[u8], link: &mut dyn Link) {
        for &b in bytes {
            let step = self.decoder.push(b);
            self.take_step(step, link);
        }
    }

    /// Takes what the link has now (a frame's body in bulk where the link can, else a byte) and
    /// handles a frame it completes: false when the link had nothing.
    pub fn serve(&mut self, link: &mut dyn Link) -> bool {
        match pull(link, &mut self.decoder) {
            Pulled::Step(step) => {
                self.take_step(step, link);
                true
            }
            Pulled::Empty | Pulled::Closed => false,
        }
    }

    fn take_step(&mut self, step: Step, link: &mut dyn Link) {
        match step {
            Step::Pending => {}
            Step::Rejected(e) => {
                let seq = self.decoder.rejected_seq();
                self.error(link, e.code(), seq);
            }
            Step::Ready => self.handle_frame(link),
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
                self.store.new_session();
                let info = self.board.info();
                self.reply(link, &Message::HelloReply(info));
            }
            Message::StoreQuery => {
                let mut listing =
                    [0u8; store::STORE_CAPACITY * strobe_protocol::message::STORE_ENTRY_LEN];
                let n = self.store.listing(&mut listing);
                self.reply(
                    link,
                    &Message::StoreListing {
                        entries: &listing[..n],
                    },
                );
            }
            Message::UnitBegin {
                key,
                offset,
                len,
                crc,
                base,
            } => {
                let region = self.board.kernel_region().len();
                let r = self.store.begin(region, key, offset, len, crc, base);
                self.acknowledge(link, seq, r);
            }
            Message::UnitChunk { at, data } => {
                let r = self.store.chunk(self.board.kernel_region(), at, data);
                self.acknowledge(link, seq, r);
            }
            Message::UnitEnd => {
                let r = self.store.end();
                self.acknowledge(link, seq, r);
            }
            Message::LogQuery => {
                // Copied out: the reply is encoded into the session's own buffer.
                let mut text = [0u8; core_log::CORE_LOG_BYTES];
                let log = self.board.core_log().text().as_bytes();
                text[..log.len()].copy_from_slice(log);
                let text = core::str::from_utf8(&text[..log.len()]).unwrap_or("");
                self.reply(link, &Message::LogText { text });
            }
            Message::LogClear => {
                self.board.core_log().clear();
                self.reply(link, &Message::Ack { of_seq: seq });
            }
            Message::UnitPin { key, pinned } => {
                let r = self.store.pin(&key, pinned);
                self.acknowledge(link, seq, r);
            }
            Message::Run {
                entry,
                table,
                units,
                fresh_timeline,
                journal,
            } => {
                let base = self.board.info().kernel_base;
                match self.store.prepare_run(base, entry, table, unit_keys(units)) {
                    Ok(arena_start) => {
                        self.reply(link, &Message::Ack { of_seq: seq });
                        self.run(
                            RunSetup {
                                entry,
                                table,
                                arena_start,
                                fresh_timeline,
                                journal,
                            },
                            link,
                        );
                    }
                    Err(code) => self.error(link, code, seq),
                }
            }
            Message::Stop => self.reply(link, &Message::Ack { of_seq: seq }),
            // Device-to-host messages are not requests.
            _ => self.error(link, ErrorCode::UnknownMessage, seq),
        }
    }

    /// Acknowledges a request that succeeded, or refuses it with its error code.
    fn acknowledge(&mut self, link: &mut dyn Link, seq: u16, result: Result<(), ErrorCode>) {
        match result {
            Ok(()) => self.reply(link, &Message::Ack { of_seq: seq }),
            Err(code) => self.error(link, code, seq),
        }
    }

    fn run(&mut self, setup: RunSetup, link: &mut dyn Link) {
        let mut host = LinkHost {
            link,
            decoder: &mut self.decoder,
            seq: self.out_seq,
            out: &mut self.out,
        };
        let outcome = self.board.run(setup, &mut host);
        let m = match outcome {
            RunOutcome::Finished { cycles } => Message::Finished { cycles },
            RunOutcome::Exception(e) => Message::Exception(e),
            RunOutcome::Fault(f) => {
                // A wild store may have hit any resident unit.
                self.store.clear();
                Message::Fault(f)
            }
            RunOutcome::Stopped { pc, reason } => Message::Stopped { pc, reason },
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
        if let Message::Stopped {
            reason: StopReason::Handshake,
            ..
        } = m
        {
            // The `Hello` that stopped the kernel is answered now.
            self.store.new_session();
            let info = self.board.info();
            self.reply(link, &Message::HelloReply(info));
        }
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
        match m.encode_unsealed(self.seq, &mut self.out[..]) {
            Ok(n) => {
                self.link.send_frame(&mut self.out[..n]);
                true
            }
            Err(_) => false,
        }
    }

    fn refuse(&mut self, code: ErrorCode, of_seq: u16) {
        self.send(&Message::Error { code, of_seq });
    }

    /// Takes what the link has for the decoder: Ok(true) when it completes a frame (a frame it
    /// rejects is refused here), Ok(false) when nothing is complete yet, None when the link had
    /// nothing, Err when it closed.
    fn take_input(&mut self) -> Result<Option<bool>, StopReason> {
        match pull(self.link, self.decoder) {
            Pulled::Step(Step::Pending) => Ok(Some(false)),
            Pulled::Step(Step::Rejected(e)) => {
                let seq = self.decoder.rejected_seq();
                self.refuse(e.code(), seq);
                Ok(Some(false))
            }
            Pulled::Step(Step::Ready) => Ok(Some(true)),
            Pulled::Empty => Ok(None),
            Pulled::Closed => Err(StopReason::Request),
        }
    }

    /// Waits for the answer to a synchronous RPC (see [`LinkHost::await_message`]).
    fn await_reply(&mut self, reply: &mut dyn FnMut(RpcReply<'_>)) {
        // Bytes still to come of a value arriving in parts.
        let mut remaining: Option<u32> = None;
        // A value in parts is decoded (`ReturnEnd`, long for a large value) only once its last
        // part is acknowledged: the host waits for that acknowledgement only so long.
        let mut assembled = false;
        let waited = self.await_message(&mut |m| match m {
            Message::RpcReturn { tags, value } => {
                reply(RpcReply::Return { tags, value });
                Taken::Done
            }
            Message::RpcReturnStart { tags, value_len } if remaining.is_none() => {
                reply(RpcReply::ReturnStart {
                    tags,
                    len: value_len,
                });
                remaining = Some(value_len);
                if value_len == 0 {
                    assembled = true;
                    return Taken::AcknowledgeDone;
                }
                Taken::Acknowledge
            }
            Message::RpcReturnPart { data } => match remaining {
                Some(left) if data.len() as u32 <= left => {
                    let left = left - data.len() as u32;
                    reply(RpcReply::ReturnPart { data });
                    remaining = Some(left);
                    if left == 0 {
                        assembled = true;
                        return Taken::AcknowledgeDone;
                    }
                    Taken::Acknowledge
                }
                _ => Taken::OutOfOrder,
            },
            Message::RpcException(e) => {
                reply(RpcReply::Exception(e));
                Taken::Done
            }
            _ => Taken::NotMine,
        });
        match waited {
            Ok(()) if assembled => reply(RpcReply::ReturnEnd),
            Ok(()) => {}
            Err(reason) => reply(RpcReply::Stopped(reason)),
        }
    }

    /// Reads the host's messages, handing each to `take` until it says the wait is done. Requests
    /// it does not take are refused as `Busy` (the kernel is still running), except a `Stop` or a
    /// new client's `Hello`, which end the wait (Err; also when the link closes).
    fn await_message(
        &mut self,
        take: &mut dyn FnMut(Message<'_>) -> Taken,
    ) -> Result<(), StopReason> {
        let mut idle: u32 = 0;
        loop {
            match self.take_input()? {
                None => {
                    idle = idle.saturating_add(1);
                    if idle == IDLE_RESET_POLLS && self.decoder.in_frame() {
                        self.decoder.reset();
                    }
                    continue;
                }
                Some(complete) => {
                    idle = 0;
                    if !complete {
                        continue;
                    }
                }
            }
            let Some(frame) = self.decoder.frame() else {
                continue;
            };
            let seq = frame.seq;
            let m = match Message::decode(&frame) {
                Ok(m) => m,
                Err(e) => {
                    self.refuse(e.code(), seq);
                    continue;
                }
            };
            let (stop, refusal) = (stop_request(&m), busy_or_version(&m));
            match take(m) {
                Taken::Done => return Ok(()),
                Taken::Acknowledge => {
                    self.send(&Message::Ack { of_seq: seq });
                }
                Taken::AcknowledgeDone => {
                    self.send(&Message::Ack { of_seq: seq });
                    return Ok(());
                }
                Taken::OutOfOrder => self.refuse(ErrorCode::OutOfOrder, seq),
                Taken::NotMine => match stop {
                    Some(reason) => return Err(reason),
                    None => self.refuse(refusal, seq),
                },
            }
        }
    }
}

/// What a message a running kernel waits for does to the wait.
enum Taken {
    /// The wait is over.
    Done,
    /// Acknowledge it and wait on.
    Acknowledge,
    /// Acknowledge it; the wait is over.
    AcknowledgeDone,
    /// Refuse it as out of order and wait on.
    OutOfOrder,
    /// Not what is awaited: a stop request ends the wait, anything else is refused.
    NotMine,
}

/// Whether a request that arrives while a kernel runs stops it: `Stop`, or a `Hello` of this
/// protocol version (a new client: the kernel's own host went away, or is being taken over).
fn stop_request(m: &Message<'_>) -> Option<StopReason> {
    match m {
        Message::Stop => Some(StopReason::Request),
        Message::Hello { host_version } if *host_version == PROTOCOL_VERSION => {
            Some(StopReason::Handshake)
        }
        _ => None,
    }
}

/// The refusal of a request that does not stop a running kernel.
fn busy_or_version(m: &Message<'_>) -> ErrorCode {
    match m {
        Message::Hello { .. } => ErrorCode::BadVersion,
        _ => ErrorCode::Busy,
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
            site: call.site,
            is_async: call.is_async,
            tags: call.tags,
            args: call.args,
            ret_tags: call.ret_tags,
        };
        // Arguments larger than a frame go as a start and parts (the host reassembles and checks).
        let payload = 4 + 4 + 1 + 3 * 4 + call.tags.len() + call.args.len() + call.ret_tags.len();
        let sent = if payload <= MAX_PAYLOAD as usize {
            self.send(&whole)
        } else {
            self.send(&Message::RpcCallStart {
                service: call.service,
                site: call.site,
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
            return reply(RpcReply::Stopped(StopReason::Request));
        }
        if !call.is_async {
            self.await_reply(reply);
        }
    }

    fn poll(&mut self) -> Option<StopReason> {
        loop {
            match self.take_input() {
                Err(reason) => return Some(reason),
                Ok(None) => return None,
                Ok(Some(false)) => continue,
                Ok(Some(true)) => {}
            }
            let Some(frame) = self.decoder.frame() else {
                continue;
            };
            let seq = frame.seq;
            match Message::decode(&frame) {
                Ok(m) => match stop_request(&m) {
                    Some(reason) => return Some(reason),
                    None => self.refuse(busy_or_version(&m), seq),
                },
                Err(e) => self.refuse(e.code(), seq),
            }
        }
    }

    fn heartbeat(&mut self, cycles: u64) {
        self.send(&Message::Heartbeat { cycles });
    }

    fn journal(&mut self, records: &[u8]) {
        self.send(&Message::Journal { records });
    }

    fn replay_shift(&mut self, shift: i64, from: i64) {
        self.send(&Message::ReplayShift { shift, from });
    }

    fn journal_need(&mut self, records: &mut dyn FnMut(&[u8])) -> Result<(), StopReason> {
        if !self.send(&Message::JournalNeed) {
            return Err(StopReason::Request);
        }
        self.await_message(&mut |m| match m {
            Message::Journal { records: r } => {
                records(r);
                Taken::Done
            }
            _ => Taken::NotMine,
        })
    }

    fn diverged(&mut self, consumed: u32, wanted: Consumer, site: u32) {
        self.send(&Message::Diverged {
            consumed,
            wanted,
            site,
        });
    }
}

/// Kernel output bytes as `Log` text: valid UTF-8 as it is, each invalid byte as U+FFFD (a
/// character cut between two writes is not rejoined).
pub fn log_bytes(host: &mut dyn KernelHost, data: &[u8]) {
    let mut rest = data;
    while !rest.is_empty() {
        let (text, used) = match core::str::from_utf8(rest) {
            Ok(t) => (t, rest.len()),
            Err(e) if e.valid_up_to() > 0 => (
                // SAFETY: the validated prefix.
                unsafe { core::str::from_utf8_unchecked(&rest[..e.valid_up_to()]) },
                e.valid_up_to(),
            ),
            Err(_) => ("\u{fffd}", 1),
        };
        host.log(text);
        rest = &rest[used..];
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
