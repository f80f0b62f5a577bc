//! The host side of a link session: handshake, the function store (listing, units uploaded in
//! acknowledged chunks, whole or as a patch of a resident one, pins), runs with streamed output.

use crate::transport::Transport;
use std::io;
use std::time::{Duration, Instant};
use strobe_abi::ExceptionId;
use strobe_protocol::frame::{FrameDecoder, Step};
use strobe_protocol::message::{store_entries, DeviceInfo, StoreEntry, UnitKey};
use strobe_protocol::{
    ErrorCode, ExceptionReport, FaultReport, Message, StopReason, FRAME_OVERHEAD, MAX_PAYLOAD,
    PROTOCOL_VERSION,
};

const BUFFER: usize = MAX_PAYLOAD as usize + FRAME_OVERHEAD + 64;
/// Units or patches of at most this many bytes go as back-to-back messages (within what a device's
/// receive FIFO holds: the simulated device's is 1 KiB).
const PIPELINED_BYTES: usize = 256;
/// Unit bytes per `UnitChunk`: within the simulated device's 1 KiB receive FIFO.
pub const CHUNK: usize = 1024;
/// How long the host waits for any one reply.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
/// While a kernel runs the link is read in slices this long, asking between them whether the run
/// is to be interrupted.
const RUN_POLL: Duration = Duration::from_millis(100);
/// A running kernel sends a heartbeat when it has been quiet for a while (a few milliseconds of
/// device time, about a second of the simulator's): this much silence means the device is gone.
const RUN_SILENCE: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("link: {0}")]
    Io(#[from] io::Error),
    #[error("no reply from the device while {0}")]
    Timeout(&'static str),
    #[error("the device refused {during}: {code:?}")]
    Refused {
        code: ErrorCode,
        during: &'static str,
    },
    #[error("undecodable reply from the device: {0:?}")]
    Protocol(strobe_protocol::Error),
    #[error("unexpected reply while {during}: {reply}")]
    Unexpected { during: &'static str, reply: String },
    #[error("incompatible device: {0}")]
    Incompatible(String),
}

/// How a kernel run ended, as the device reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Finished {
        cycles: u64,
    },
    Exception {
        type_id: u32,
        name: String,
        message: String,
        traceback: String,
    },
    Fault(FaultReport),
    /// Stopped at `pc` (kernel code, or the return address of the call it was in), by this host's
    /// `Stop` or by another client's handshake.
    Stopped {
        pc: u32,
        reason: StopReason,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// Everything the kernel printed.
    pub output: String,
    pub outcome: Outcome,
}

/// Changed runs of bytes closer than this are sent as one range.
const GAP: usize = 16;

/// The byte ranges where `new` differs from `old`, runs closer than [`GAP`] bytes merged.
pub fn changed_ranges(old: &[u8], new: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for i in (0..new.len().min(old.len())).filter(|&i| old[i] != new[i]) {
        match ranges.last_mut() {
            Some((_, end)) if i <= *end + GAP => *end = i + 1,
            _ => ranges.push((i, i + 1)),
        }
    }
    ranges
}

/// What a patch from `old` to `new` sends: the changed ranges of their common length, then whatever
/// `new` has beyond `old` (a shorter `new` just ends earlier).
pub fn patch_ranges(old: &[u8], new: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = changed_ranges(old, new);
    if new.len() > old.len() {
        match ranges.last_mut() {
            Some((_, end)) if *end + GAP >= old.len() => *end = new.len(),
            _ => ranges.push((old.len(), new.len())),
        }
    }
    ranges
}

/// What a `Run` names: the entry, the quoted-data table's address (0: none) and every resident unit
/// the kernel uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelRun {
    pub entry: u32,
    pub table: u32,
    pub units: Vec<UnitKey>,
    /// Start the timeline a fixed slack ahead of the RTIO counter instead of where the previous
    /// kernel left it (standalone programs).
    pub fresh_timeline: bool,
}

/// The answer to every RPC of a kernel run without host functions: a RuntimeError in the kernel.
pub fn no_host_functions(call: &RpcCall) -> RpcAnswer {
    RpcAnswer::Exception {
        type_id: ExceptionId::RuntimeError as u32,
        name: "RuntimeError".into(),
        message: format!("no host function for RPC service {}", call.service),
    }
}

/// A kernel's call of a host function, as the device sent it (see `strobe_protocol::rpc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcCall {
    pub service: u32,
    /// The return address of the kernel's call.
    pub site: u32,
    pub is_async: bool,
    /// Types of the arguments, and the arguments.
    pub tags: Vec<u8>,
    pub args: Vec<u8>,
    /// The type of result the kernel expects (one type).
    pub ret_tags: Vec<u8>,
}

/// The host's answer to a synchronous RPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcAnswer {
    Return {
        tags: Vec<u8>,
        value: Vec<u8>,
    },
    /// Raised in the kernel as class `type_id` (a builtin id or one of the kernel's own classes).
    Exception {
        type_id: u32,
        name: String,
        message: String,
    },
}

/// A device reply, owned (decoded messages borrow the receive buffer).
#[derive(Debug)]
enum Reply {
    Hello(DeviceInfo),
    Listing(Vec<StoreEntry>),
    CoreLog(String),
    Ack(u16),
    /// A refusal, and the sequence number of the frame it refuses.
    Error(ErrorCode, u16),
    Log(String),
    Rpc(RpcCall),
    Heartbeat,
    Journal(Vec<u8>),
    JournalNeed,
    ReplayShift {
        shift: i64,
        from: i64,
    },
    Diverged {
        consumed: u32,
        wanted: strobe_protocol::journal::Consumer,
        site: u32,
    },
    Done(Outcome),
    Other(String),
}

#[path = "run.rs"]
mod run;
pub use run::RunJournal;

pub struct Device {
    transport: Box<dyn Transport>,
    decoder: Box<FrameDecoder<BUFFER>>,
    out: Vec<u8>,
    seq: u16,
    info: Option<DeviceInfo>,
    /// An RPC whose arguments arrive in parts, and how many bytes they total.
    partial_rpc: Option<(RpcCall, usize)>,
    /// When the last byte came from the device.
    heard: Instant,
}

/// The largest RPC arguments a device may announce (the host allocates them).
const MAX_RPC_ARGS: u32 = 1 << 30;

impl Device {
    /// Opens a session over `transport` and performs the handshake.
    pub fn connect(transport: Box<dyn Transport>) -> Result<Self, DeviceError> {
        let mut d = Device {
            transport,
            decoder: Box::new(FrameDecoder::new()),
            out: vec![0; BUFFER],
            seq: 0,
            info: None,
            partial_rpc: None,
            heard: Instant::now(),
        };
        d.handshake()?;
        Ok(d)
    }

    pub fn info(&self) -> Option<DeviceInfo> {
        self.info
    }

    pub fn set_timeout(&mut self, timeout: Duration) -> Result<(), DeviceError> {
        Ok(self.transport.set_read_timeout(timeout)?)
    }

    fn send(&mut self, m: &Message<'_>) -> Result<u16, DeviceError> {
        self.seq = self.seq.wrapping_add(1);
        let n = m
            .encode(self.seq, &mut self.out)
            .map_err(DeviceError::Protocol)?;
        self.transport.write_all(&self.out[..n])?;
        self.transport.flush()?;
        Ok(self.seq)
    }

    /// The next reply, waiting at most the transport's read timeout.
    fn receive(&mut self, during: &'static str) -> Result<Reply, DeviceError> {
        self.poll_reply(during)?.ok_or(DeviceError::Timeout(during))
    }

    /// The next reply, or None when the transport's read timeout passed without one.
    fn poll_reply(&mut self, during: &'static str) -> Result<Option<Reply>, DeviceError> {
        let mut byte = [0u8; 1];
        loop {
            let n = match self.transport.read(&mut byte) {
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None)
                }
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the device closed the link",
                )
                .into());
            }
            self.heard = Instant::now();
            match self.decoder.push(byte[0]) {
                Step::Pending => continue,
                Step::Rejected(e) => return Err(DeviceError::Protocol(e)),
                Step::Ready => {}
            }
            let frame = self.decoder.frame().ok_or(DeviceError::Timeout(during))?;
            let m = Message::decode(&frame).map_err(DeviceError::Protocol)?;
            return Ok(Some(match m {
                Message::HelloReply(info) => Reply::Hello(info),
                Message::StoreListing { entries } => {
                    Reply::Listing(store_entries(entries).collect())
                }
                Message::LogText { text } => Reply::CoreLog(text.to_string()),
                Message::Ack { of_seq } => Reply::Ack(of_seq),
                Message::Error { code, of_seq } => Reply::Error(code, of_seq),
                Message::Log { text } => Reply::Log(text.to_string()),
                Message::Finished { cycles } => Reply::Done(Outcome::Finished { cycles }),
                Message::Exception(e) => Reply::Done(Outcome::Exception {
                    type_id: e.type_id,
                    name: e.name.to_string(),
                    message: e.message.to_string(),
                    traceback: e.traceback.to_string(),
                }),
                Message::Fault(f) => Reply::Done(Outcome::Fault(f)),
                Message::Stopped { pc, reason } => Reply::Done(Outcome::Stopped { pc, reason }),
                Message::Heartbeat { .. } => Reply::Heartbeat,
                Message::RpcCall {
                    service,
                    site,
                    is_async,
                    tags,
                    args,
                    ret_tags,
                } => Reply::Rpc(RpcCall {
                    service,
                    site,
                    is_async,
                    tags: tags.to_vec(),
                    args: args.to_vec(),
                    ret_tags: ret_tags.to_vec(),
                }),
                Message::RpcCallStart {
                    service,
                    site,
                    is_async,
                    tags,
                    ret_tags,
                    args_len,
                } => {
                    if args_len > MAX_RPC_ARGS {
                        return Err(DeviceError::Protocol(strobe_protocol::Error::TooLong(
                            args_len,
                        )));
                    }
                    let call = RpcCall {
                        service,
                        site,
                        is_async,
                        tags: tags.to_vec(),
                        args: Vec::with_capacity(args_len as usize),
                        ret_tags: ret_tags.to_vec(),
                    };
                    self.partial_rpc = Some((call, args_len as usize));
                    continue;
                }
                Message::RpcCallPart { data } => {
                    let Some((mut call, total)) = self.partial_rpc.take() else {
                        return Err(DeviceError::Protocol(strobe_protocol::Error::BadField));
                    };
                    call.args.extend_from_slice(data);
                    if call.args.len() > total {
                        return Err(DeviceError::Protocol(strobe_protocol::Error::TooLong(
                            call.args.len() as u32,
                        )));
                    }
                    if call.args.len() < total {
                        self.partial_rpc = Some((call, total));
                        continue;
                    }
                    // Whole: checked against its signature as a one-frame call is when decoded.
                    strobe_protocol::rpc::walk(&call.tags, &call.args, &mut |_| {})
                        .map_err(DeviceError::Protocol)?;
                    Reply::Rpc(call)
                }
                Message::Journal { records } => Reply::Journal(records.to_vec()),
                Message::JournalNeed => Reply::JournalNeed,
                Message::ReplayShift { shift, from } => Reply::ReplayShift { shift, from },
                Message::Diverged {
                    consumed,
                    wanted,
                    site,
                } => Reply::Diverged {
                    consumed,
                    wanted,
                    site,
                },
                other => Reply::Other(format!("{other:?}")),
            }));
        }
    }

    fn expect_ack(&mut self, seq: u16, during: &'static str) -> Result<(), DeviceError> {
        loop {
            match self.receive(during)? {
                Reply::Ack(s) if s == seq => return Ok(()),
                // Late replies to an earlier, abandoned exchange.
                Reply::Ack(_) | Reply::Hello(_) => continue,
                Reply::Error(code, _) => return Err(DeviceError::Refused { code, during }),
                other => {
                    return Err(DeviceError::Unexpected {
                        during,
                        reply: format!("{other:?}"),
                    })
                }
            }
        }
    }

    /// Exchanges versions; the device describes itself. A device in the middle of a frame that a
    /// previous host never finished swallows the first `Hello`; it drops such a frame after a short
    /// silence, so a second `Hello` gets through.
    /// A kernel still running for a host that went away is stopped by the `Hello` itself.
    pub fn handshake(&mut self) -> Result<DeviceInfo, DeviceError> {
        self.transport.set_read_timeout(Duration::from_secs(3))?;
        let first = self.hello(false);
        let result = match first {
            Err(DeviceError::Timeout(_)) => {
                self.transport.set_read_timeout(REPLY_TIMEOUT)?;
                self.hello(true)
            }
            other => other,
        };
        self.transport.set_read_timeout(REPLY_TIMEOUT)?;
        result
    }

    fn hello(&mut self, retry: bool) -> Result<DeviceInfo, DeviceError> {
        self.decoder.reset();
        let seq = self.send(&Message::Hello {
            host_version: PROTOCOL_VERSION,
        })?;
        loop {
            match self.receive("waiting for the handshake")? {
                // A complaint about a frame an earlier host left unfinished (which our `Hello`
                // may have completed, and then the retry's gets through).
                Reply::Error(_, of_seq) if retry || of_seq != seq => continue,
                Reply::Hello(info) => {
                    if info.protocol_version != PROTOCOL_VERSION {
                        return Err(DeviceError::Incompatible(format!(
                            "protocol version {} (host speaks {PROTOCOL_VERSION})",
                            info.protocol_version
                        )));
                    }
                    self.info = Some(info);
                    return Ok(info);
                }
                // Replies to an earlier, interrupted exchange.
                // (The end of a kernel the `Hello` stopped comes first.)
                Reply::Ack(_)
                | Reply::Log(_)
                | Reply::Heartbeat
                | Reply::Done(_)
                | Reply::Rpc(_)
                | Reply::Listing(_)
                | Reply::CoreLog(_)
                | Reply::Journal(_)
                | Reply::JournalNeed
                | Reply::ReplayShift { .. }
                | Reply::Diverged { .. } => continue,
                Reply::Error(code, _) => {
                    return Err(DeviceError::Refused {
                        code,
                        during: "the handshake",
                    })
                }
                Reply::Other(reply) => {
                    return Err(DeviceError::Unexpected {
                        during: "the handshake",
                        reply,
                    })
                }
            }
        }
    }

    /// After a dropped link: reconnect and handshake again (any partial upload is gone).
    pub fn recover(&mut self) -> Result<DeviceInfo, DeviceError> {
        self.transport.reconnect()?;
        self.handshake()
    }

    /// Sends a request and waits for its answer, the reply `pick` takes.
    fn query<T>(
        &mut self,
        m: &Message<'_>,
        during: &'static str,
        pick: impl Fn(Reply) -> Result<T, Reply>,
    ) -> Result<T, DeviceError> {
        self.send(m)?;
        loop {
            match pick(self.receive(during)?) {
                Ok(answer) => return Ok(answer),
                Err(Reply::Ack(_) | Reply::Hello(_)) => continue,
                Err(Reply::Error(code, _)) => return Err(DeviceError::Refused { code, during }),
                Err(other) => {
                    return Err(DeviceError::Unexpected {
                        during,
                        reply: format!("{other:?}"),
                    })
                }
            }
        }
    }

    /// The units the device's function store holds.
    pub fn store_listing(&mut self) -> Result<Vec<StoreEntry>, DeviceError> {
        self.query(
            &Message::StoreQuery,
            "reading the function store",
            |r| match r {
                Reply::Listing(entries) => Ok(entries),
                other => Err(other),
            },
        )
    }

    /// The device's core log (RTIO sequence errors and collisions, as ARTIQ's).
    pub fn core_log(&mut self) -> Result<String, DeviceError> {
        self.query(&Message::LogQuery, "reading the core log", |r| match r {
            Reply::CoreLog(text) => Ok(text),
            other => Err(other),
        })
    }

    /// Empties the device's core log.
    pub fn clear_core_log(&mut self) -> Result<(), DeviceError> {
        let seq = self.send(&Message::LogClear)?;
        self.expect_ack(seq, "clearing the core log")
    }

    /// Puts unit `key` (`bytes`) at `offset` of the kernel region; the device keeps it only if
    /// every byte arrived and the CRC matches. With `base` (a resident unit at the same offset and
    /// its bytes), only the bytes that differ from it are sent. Returns the unit bytes sent.
    pub fn put_unit(
        &mut self,
        key: UnitKey,
        offset: u32,
        bytes: &[u8],
        base: Option<(UnitKey, &[u8])>,
    ) -> Result<usize, DeviceError> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| DeviceError::Incompatible("unit over 4 GiB".into()))?;
        let ranges = match base {
            Some((_, old)) => patch_ranges(old, bytes),
            None => vec![(0, bytes.len())],
        };
        let mut crc = strobe_protocol::crc::Crc32::new();
        for &(start, end) in &ranges {
            crc.update(&bytes[start..end]);
        }
        let begin = Message::UnitBegin {
            key,
            offset,
            len,
            crc: crc.finish(),
            base: base.map(|(k, _)| k),
        };
        let total: usize = ranges.iter().map(|(a, b)| b - a).sum();
        if total <= PIPELINED_BYTES && ranges.len() <= 4 {
            // A small unit or patch: its few messages go back to back, then their replies are read
            // (one round trip instead of one per message).
            let mut messages = vec![begin];
            messages.extend(ranges.iter().map(|&(a, b)| Message::UnitChunk {
                at: a as u32,
                data: &bytes[a..b],
            }));
            messages.push(Message::UnitEnd);
            self.exchange_all(&messages, "uploading a unit")?;
            return Ok(total);
        }
        let seq = self.send(&begin)?;
        self.expect_ack(seq, "starting a unit's upload")?;
        let mut sent = 0;
        for (start, end) in ranges {
            for at in (start..end).step_by(CHUNK) {
                let data = &bytes[at..(at + CHUNK).min(end)];
                let seq = self.send(&Message::UnitChunk {
                    at: at as u32,
                    data,
                })?;
                self.expect_ack(seq, "uploading a unit")?;
                sent += data.len();
            }
        }
        let seq = self.send(&Message::UnitEnd)?;
        self.expect_ack(seq, "finishing a unit's upload")?;
        Ok(sent)
    }

    /// Puts a whole image linked at the kernel base into the store as one unit at the region's start
    /// (for tools and tests that link images themselves; its key is made from its CRC and length);
    /// returns the run of it from `entry`.
    pub fn put_image(&mut self, image: &[u8], entry: u32) -> Result<KernelRun, DeviceError> {
        let mut key = [0u8; 16];
        key[..4].copy_from_slice(&strobe_protocol::crc::crc32(image).to_le_bytes());
        key[4..8].copy_from_slice(&(image.len() as u32).to_le_bytes());
        self.put_unit(key, 0, image, None)?;
        Ok(KernelRun {
            entry,
            table: 0,
            units: vec![key],
            fresh_timeline: true,
        })
    }

    /// Sends `messages` back to back, then reads one reply to each: the first refusal is the error.
    fn exchange_all(
        &mut self,
        messages: &[Message<'_>],
        during: &'static str,
    ) -> Result<(), DeviceError> {
        for m in messages {
            self.send(m)?;
        }
        let mut refused = None;
        for _ in messages {
            match self.receive(during)? {
                Reply::Ack(_) => {}
                Reply::Error(code, _) => {
                    refused.get_or_insert(code);
                }
                other => {
                    return Err(DeviceError::Unexpected {
                        during,
                        reply: format!("{other:?}"),
                    })
                }
            }
        }
        match refused {
            Some(code) => Err(DeviceError::Refused { code, during }),
            None => Ok(()),
        }
    }

    /// Pins (or unpins) a resident unit for the rest of this session.
    pub fn pin(&mut self, key: UnitKey, pinned: bool) -> Result<(), DeviceError> {
        let seq = self.send(&Message::UnitPin { key, pinned })?;
        self.expect_ack(seq, "pinning a unit")
    }
}
