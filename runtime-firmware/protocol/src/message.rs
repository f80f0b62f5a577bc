//! Messages and their payloads. Host -> device: `Hello`, the function store's `StoreQuery`,
//! `UnitBegin`/`UnitChunk`/`UnitEnd` (one link unit into the store, whole or as a patch of a resident
//! one) and `UnitPin`, `Run` (an entry and the resident units it needs), `Stop`. Device -> host:
//! `HelloReply`, `StoreListing`, `Ack`, `Error`, `Log`, `Heartbeat` (a running kernel is alive),
//! and how a run ended: `Finished`, `Exception`, `Fault`, `Stopped`.
//! RPC: `RpcCall` (device -> host; `RpcCallStart` + `RpcCallPart`s when the arguments exceed a frame),
//! `RpcReturn` and `RpcException` (host -> device), their values checked against their type signature
//! on decoding ([`crate::rpc`]; split arguments once reassembled); large results come as
//! `RpcReturnStart` + `RpcReturnPart`s.

use crate::frame::{self, Frame};
use crate::journal::{self, Consumer, JournalMode};
use crate::rpc;
use crate::wire::{Reader, Writer};
use crate::Error;

wire_enum! {
    pub enum MessageKind: u8, unknown = Error::UnknownKind; {
        Hello = 1,
        HelloReply = 2,
        Run = 6,
        Stop = 7,
        Ack = 8,
        Error = 9,
        Log = 10,
        Finished = 11,
        Exception = 12,
        Fault = 13,
        Heartbeat = 14,
        Stopped = 15,
        RpcCall = 20,
        RpcReturn = 21,
        RpcException = 22,
        RpcCallStart = 23,
        RpcCallPart = 24,
        RpcReturnStart = 25,
        RpcReturnPart = 26,
        UnitBegin = 27,
        UnitChunk = 28,
        UnitEnd = 29,
        StoreQuery = 30,
        StoreListing = 31,
        UnitPin = 32,
        LogQuery = 33,
        LogText = 34,
        LogClear = 35,
        Journal = 36,
        JournalNeed = 37,
        Diverged = 38,
        ReplayShift = 39,
    }
}

wire_enum! {
    /// Why a running kernel was stopped.
    pub enum StopReason: u8, unknown = |_| Error::BadField; {
        /// The host sent `Stop` (Ctrl-C).
        Request = 1,
        /// A host's `Hello` arrived: a new client takes the device (the kernel's own host is gone,
        /// or it is taken over); the `HelloReply` follows.
        Handshake = 2,
        /// A replayed kernel did not do what the journal recorded next (a `Diverged` message
        /// preceded the stop).
        Divergence = 3,
    }
}

wire_enum! {
    /// Why the device refused a request.
    pub enum ErrorCode: u16, unknown = |_| Error::BadField; {
        BadFrame = 1,
        BadCrc = 2,
        Truncated = 3,
        BadVersion = 4,
        TooLong = 5,
        UnknownMessage = 6,
        BadPayload = 7,
        /// A message arrived that the session's state does not allow (e.g. a chunk without `UnitBegin`).
        OutOfOrder = 8,
        /// The unit does not fit the kernel region.
        ImageTooLarge = 9,
        /// `UnitEnd` found missing bytes or a CRC mismatch: the unit is discarded.
        IncompleteImage = 10,
        /// `Run` names no unit, or one the store does not hold (verified).
        NoKernel = 11,
        /// The entry point lies outside the run's units, or the data table is not one of them.
        BadEntry = 12,
        /// A kernel is waiting for an RPC reply: only `RpcReturn`, `RpcException` or `Stop` are served.
        Busy = 13,
        /// A new unit would overwrite a pinned one.
        UnitPinned = 14,
        /// The store's table of units is full.
        StoreFull = 15,
        /// The unit named (as a patch's base, or to pin) is not resident.
        UnknownUnit = 16,
    }
}

/// What the device tells the host in the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    pub protocol_version: u8,
    /// `strobe_abi::ABI_VERSION` of the firmware's kernel runtime.
    pub abi_version: u32,
    /// Hash of the firmware's kernel ABI table; the host refuses a mismatch.
    pub abi_hash: [u8; 32],
    /// Where kernel images are loaded, and how much room there is.
    pub kernel_base: u32,
    pub kernel_size: u32,
    /// RTIO / CPU clock, for seconds <-> machine units.
    pub clock_hz: u32,
    /// 1 = rv32im.
    pub isa: u8,
    /// The RTIO channels: TTL outputs `0..outputs`, clock generators after them, inputs
    /// `0..inputs` (their own numbering).
    pub rtio: RtioChannels,
}

/// How many RTIO channels of each kind a core device has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RtioChannels {
    pub outputs: u8,
    pub inputs: u8,
    pub clock_generators: u8,
}

/// A resident unit's key: the first bytes of the BLAKE3 hash of what it is (its object and where it
/// and everything it calls live, or its data) and its address; the host computes it, the device
/// compares it.
pub type UnitKey = [u8; 16];

/// Bytes of one [`StoreEntry`] in a `StoreListing`.
pub const STORE_ENTRY_LEN: usize = 16 + 4 + 4 + 4 + 1;

/// One verified unit the device's function store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreEntry {
    pub key: UnitKey,
    /// From the kernel region's start.
    pub offset: u32,
    pub len: u32,
    /// The store's run counter when a run last used it (least recently used goes first).
    pub last_used: u32,
    /// Pinned by the current host session (a bundle): never overwritten.
    pub pinned: bool,
}

impl StoreEntry {
    pub fn write(&self, out: &mut [u8; STORE_ENTRY_LEN]) {
        out[..16].copy_from_slice(&self.key);
        out[16..20].copy_from_slice(&self.offset.to_le_bytes());
        out[20..24].copy_from_slice(&self.len.to_le_bytes());
        out[24..28].copy_from_slice(&self.last_used.to_le_bytes());
        out[28] = self.pinned as u8;
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(StoreEntry {
            key: unit_key(r)?,
            offset: r.u32()?,
            len: r.u32()?,
            last_used: r.u32()?,
            pinned: flag(r)?,
        })
    }
}

/// The entries of a `StoreListing` payload (checked whole when the message was decoded).
pub fn store_entries(listing: &[u8]) -> impl Iterator<Item = StoreEntry> + '_ {
    listing
        .chunks_exact(STORE_ENTRY_LEN)
        .filter_map(|c| StoreEntry::read(&mut Reader::new(c)).ok())
}

/// The keys of a `Run`'s unit list.
pub fn unit_keys(list: &[u8]) -> impl Iterator<Item = UnitKey> + Clone + '_ {
    list.chunks_exact(16).map(|c| {
        let mut k = [0u8; 16];
        k.copy_from_slice(c);
        k
    })
}

fn unit_key(r: &mut Reader<'_>) -> Result<UnitKey, Error> {
    let mut k = [0u8; 16];
    k.copy_from_slice(r.bytes(16)?);
    Ok(k)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    Hello {
        host_version: u8,
    },
    HelloReply(DeviceInfo),
    /// Asks for the store's verified units (answered by `StoreListing`).
    StoreQuery,
    /// `STORE_ENTRY_LEN` bytes per [`StoreEntry`] (see [`store_entries`]).
    StoreListing {
        entries: &'a [u8],
    },
    /// Starts unit `key` of `len` bytes at `offset` in the kernel region; unpinned units it overlaps
    /// are evicted. Without `base`, `UnitChunk`s bring every byte in order and `crc` is their CRC-32;
    /// with `base` (a resident unit at the same offset), the base's bytes stay and the chunks patch
    /// them (each starting within the bytes valid so far), `crc` being the CRC-32 of the chunks'
    /// data in the order sent.
    UnitBegin {
        key: UnitKey,
        offset: u32,
        len: u32,
        crc: u32,
        base: Option<UnitKey>,
    },
    /// Bytes of the unit being uploaded, at `at` from its start.
    UnitChunk {
        at: u32,
        data: &'a [u8],
    },
    /// Completes the unit: the device checks the bytes and the CRC, then holds it (or discards it).
    UnitEnd,
    /// Asks for the core log (answered by `LogText`).
    LogQuery,
    /// The core log's text: RTIO sequence errors, collisions (as ARTIQ's core log).
    LogText {
        text: &'a str,
    },
    /// Empties the core log.
    LogClear,
    /// Pins (a bundle's units, for the rest of this host session) or unpins a resident unit.
    UnitPin {
        key: UnitKey,
        pinned: bool,
    },
    /// Runs from `entry`, which lies in one of `units` (16-byte keys, all resident); `table` is the
    /// address of the run's quoted-data unit (one of them) or 0. The timeline continues where the
    /// previous kernel left it (ARTIQ's handover), or with `fresh_timeline` starts a fixed slack
    /// ahead of the RTIO counter (a standalone program's run).
    ///
    /// `journal` says whether the run is recorded or replayed (see [`crate::journal`]); a replayed
    /// run's timeline starts where the journal says, and `fresh_timeline` then starts a new
    /// replay (the shift between the recorded timeline and the RTIO core is chosen anew).
    Run {
        entry: u32,
        table: u32,
        units: &'a [u8],
        fresh_timeline: bool,
        journal: JournalMode,
    },
    Stop,
    Ack {
        of_seq: u16,
    },
    Error {
        code: ErrorCode,
        of_seq: u16,
    },
    /// Kernel `print` output, sent as it is produced.
    Log {
        text: &'a str,
    },
    Finished {
        cycles: u64,
    },
    Exception(ExceptionReport<'a>),
    Fault(FaultReport),
    /// The kernel was stopped at `pc` (an instruction of kernel code, or the return address of the
    /// call it was in).
    Stopped {
        pc: u32,
        reason: StopReason,
    },
    /// A kernel that has sent nothing for a while is still running (`cycles` since it started).
    Heartbeat {
        cycles: u64,
    },
    /// A kernel calls host function `service` with `args` of the types `tags`, expecting a result
    /// of type `ret_tags` (one type); an async call expects no reply. `site` is the return address
    /// of the kernel's call.
    RpcCall {
        service: u32,
        site: u32,
        is_async: bool,
        tags: &'a [u8],
        args: &'a [u8],
        ret_tags: &'a [u8],
    },
    /// The host function's result: one value of type `tags`.
    RpcReturn {
        tags: &'a [u8],
        value: &'a [u8],
    },
    /// The host function raised: the exception is re-raised in the kernel.
    RpcException(ExceptionReport<'a>),
    /// An `RpcCall` whose arguments do not fit one frame: the `args_len` bytes of arguments follow in
    /// `RpcCallPart`s, in order; the call is complete (and checked) when they have all arrived.
    RpcCallStart {
        service: u32,
        site: u32,
        is_async: bool,
        tags: &'a [u8],
        ret_tags: &'a [u8],
        args_len: u32,
    },
    /// The next bytes of the arguments an `RpcCallStart` announced.
    RpcCallPart {
        data: &'a [u8],
    },
    /// An `RpcReturn` whose value does not fit one frame: its `value_len` bytes follow in
    /// `RpcReturnPart`s, each acknowledged by the device.
    RpcReturnStart {
        tags: &'a [u8],
        value_len: u32,
    },
    /// The next bytes of the value an `RpcReturnStart` announced.
    RpcReturnPart {
        data: &'a [u8],
    },
    /// Journal records (whole, see [`crate::journal`]): from a recording device, what its kernel
    /// consumed since the last ones; to a replaying device, the answer to `JournalNeed`: the next
    /// records (none: the journal has none before its next RPC or the run's end).
    Journal {
        records: &'a [u8],
    },
    /// A replaying device needs the next records.
    JournalNeed,
    /// A replaying device starts a run: `shift` (machine units, a whole number of coarse cycles)
    /// is what it adds to the recorded timeline on the RTIO core from RTIO counter value `from` on,
    /// so that the recorded events are not in its past (the host subtracts it from the pins: every
    /// earlier run's events played before `from`).
    ReplayShift {
        shift: i64,
        from: i64,
    },
    /// A replaying kernel, after consuming `consumed` of this run's records, did `wanted` at
    /// `site` (a return address in kernel code), which is not what the next record says; the
    /// run ends `Stopped` with reason `Divergence`.
    Diverged {
        consumed: u32,
        wanted: Consumer,
        site: u32,
    },
}

/// Ends each earlier exception of a chain in an [`ExceptionReport`]'s traceback.
pub const CHAIN_SEPARATOR: &str =
    "\nDuring handling of the above exception, another exception occurred:\n";

/// An uncaught kernel exception: its class, message and traceback (`File "...", line N, in f`
/// lines, each followed by its source line). When it was raised while others were being handled,
/// the traceback starts with those, oldest first, each as its frames, a line `Name(id): message`
/// and [`CHAIN_SEPARATOR`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionReport<'a> {
    pub type_id: u32,
    pub name: &'a str,
    pub message: &'a str,
    pub traceback: &'a str,
}

impl<'a> ExceptionReport<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        Ok(ExceptionReport {
            type_id: r.u32()?,
            name: r.text()?,
            message: r.text()?,
            traceback: r.text()?,
        })
    }
}

/// A CPU trap in the kernel: `mcause`, `mepc`, `mtval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultReport {
    pub cause: u32,
    pub pc: u32,
    pub value: u32,
}

impl<'a> Message<'a> {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::Hello { .. } => MessageKind::Hello,
            Message::HelloReply(_) => MessageKind::HelloReply,
            Message::StoreQuery => MessageKind::StoreQuery,
            Message::StoreListing { .. } => MessageKind::StoreListing,
            Message::UnitBegin { .. } => MessageKind::UnitBegin,
            Message::UnitChunk { .. } => MessageKind::UnitChunk,
            Message::UnitEnd => MessageKind::UnitEnd,
            Message::UnitPin { .. } => MessageKind::UnitPin,
            Message::LogQuery => MessageKind::LogQuery,
            Message::LogText { .. } => MessageKind::LogText,
            Message::LogClear => MessageKind::LogClear,
            Message::Run { .. } => MessageKind::Run,
            Message::Stop => MessageKind::Stop,
            Message::Ack { .. } => MessageKind::Ack,
            Message::Error { .. } => MessageKind::Error,
            Message::Log { .. } => MessageKind::Log,
            Message::Finished { .. } => MessageKind::Finished,
            Message::Exception(_) => MessageKind::Exception,
            Message::Fault(_) => MessageKind::Fault,
            Message::Stopped { .. } => MessageKind::Stopped,
            Message::Heartbeat { .. } => MessageKind::Heartbeat,
            Message::RpcCall { .. } => MessageKind::RpcCall,
            Message::RpcCallStart { .. } => MessageKind::RpcCallStart,
            Message::RpcCallPart { .. } => MessageKind::RpcCallPart,
            Message::RpcReturnStart { .. } => MessageKind::RpcReturnStart,
            Message::RpcReturnPart { .. } => MessageKind::RpcReturnPart,
            Message::RpcReturn { .. } => MessageKind::RpcReturn,
            Message::RpcException(_) => MessageKind::RpcException,
            Message::Journal { .. } => MessageKind::Journal,
            Message::JournalNeed => MessageKind::JournalNeed,
            Message::ReplayShift { .. } => MessageKind::ReplayShift,
            Message::Diverged { .. } => MessageKind::Diverged,
        }
    }

    fn write_payload(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match *self {
            Message::Hello { host_version } => w.u8(host_version),
            Message::HelloReply(d) => {
                w.u8(d.protocol_version)?;
                w.u32(d.abi_version)?;
                w.bytes(&d.abi_hash)?;
                w.u32(d.kernel_base)?;
                w.u32(d.kernel_size)?;
                w.u32(d.clock_hz)?;
                w.u8(d.isa)?;
                w.u8(d.rtio.outputs)?;
                w.u8(d.rtio.inputs)?;
                w.u8(d.rtio.clock_generators)
            }
            Message::StoreQuery
            | Message::UnitEnd
            | Message::Stop
            | Message::LogQuery
            | Message::LogClear => Ok(()),
            Message::LogText { text } => w.blob(text.as_bytes()),
            Message::StoreListing { entries } => w.bytes(entries),
            Message::UnitBegin {
                key,
                offset,
                len,
                crc,
                base,
            } => {
                w.bytes(&key)?;
                w.u32(offset)?;
                w.u32(len)?;
                w.u32(crc)?;
                match base {
                    Some(b) => {
                        w.u8(1)?;
                        w.bytes(&b)
                    }
                    None => w.u8(0),
                }
            }
            Message::UnitChunk { at, data } => {
                w.u32(at)?;
                w.blob(data)
            }
            Message::UnitPin { key, pinned } => {
                w.bytes(&key)?;
                w.u8(pinned as u8)
            }
            Message::Run {
                entry,
                table,
                units,
                fresh_timeline,
                journal,
            } => {
                w.u32(entry)?;
                w.u32(table)?;
                w.blob(units)?;
                w.u8(fresh_timeline as u8)?;
                w.u8(journal as u8)
            }
            Message::Ack { of_seq } => w.u16(of_seq),
            Message::Error { code, of_seq } => {
                w.u16(code as u16)?;
                w.u16(of_seq)
            }
            Message::Log { text } => w.blob(text.as_bytes()),
            Message::Finished { cycles } | Message::Heartbeat { cycles } => w.u64(cycles),
            Message::Stopped { pc, reason } => {
                w.u32(pc)?;
                w.u8(reason as u8)
            }
            Message::Exception(e) | Message::RpcException(e) => {
                w.u32(e.type_id)?;
                w.blob(e.name.as_bytes())?;
                w.blob(e.message.as_bytes())?;
                w.blob(e.traceback.as_bytes())
            }
            Message::Fault(FaultReport { cause, pc, value }) => {
                w.u32(cause)?;
                w.u32(pc)?;
                w.u32(value)
            }
            Message::RpcCall {
                service,
                site,
                is_async,
                tags,
                args,
                ret_tags,
            } => {
                w.u32(service)?;
                w.u32(site)?;
                w.u8(is_async as u8)?;
                w.blob(tags)?;
                w.blob(args)?;
                w.blob(ret_tags)
            }
            Message::RpcReturn { tags, value } => {
                w.blob(tags)?;
                w.blob(value)
            }
            Message::RpcCallStart {
                service,
                site,
                is_async,
                tags,
                ret_tags,
                args_len,
            } => {
                w.u32(service)?;
                w.u32(site)?;
                w.u8(is_async as u8)?;
                w.blob(tags)?;
                w.blob(ret_tags)?;
                w.u32(args_len)
            }
            Message::RpcCallPart { data } | Message::RpcReturnPart { data } => w.blob(data),
            Message::RpcReturnStart { tags, value_len } => {
                w.blob(tags)?;
                w.u32(value_len)
            }
            Message::Journal { records } => w.blob(records),
            Message::JournalNeed => Ok(()),
            Message::ReplayShift { shift, from } => {
                w.u64(shift as u64)?;
                w.u64(from as u64)
            }
            Message::Diverged {
                consumed,
                wanted,
                site,
            } => {
                w.u32(consumed)?;
                w.u8(wanted as u8)?;
                w.u32(site)
            }
        }
    }

    /// Encodes this message as a whole frame with sequence number `seq`; returns its length.
    pub fn encode(&self, seq: u16, out: &mut [u8]) -> Result<usize, Error> {
        let n = self.encode_unsealed(seq, out)?;
        frame::seal(&mut out[..n]);
        Ok(n)
    }

    /// As [`Message::encode`], leaving the frame's CRC to [`frame::seal`] or to the link.
    pub fn encode_unsealed(&self, seq: u16, out: &mut [u8]) -> Result<usize, Error> {
        let room = out.get_mut(frame::HEADER_LEN..).ok_or(Error::BufferFull)?;
        let mut w = Writer::new(room);
        self.write_payload(&mut w)?;
        let len = w.len();
        frame::encode_unsealed(self.kind() as u8, seq, out, len)
    }

    pub fn decode(f: &Frame<'a>) -> Result<Message<'a>, Error> {
        let mut r = Reader::new(f.payload);
        let m = match MessageKind::from_wire(f.kind)? {
            MessageKind::Hello => Message::Hello {
                host_version: r.u8()?,
            },
            MessageKind::HelloReply => Message::HelloReply(DeviceInfo {
                protocol_version: r.u8()?,
                abi_version: r.u32()?,
                abi_hash: r.hash()?,
                kernel_base: r.u32()?,
                kernel_size: r.u32()?,
                clock_hz: r.u32()?,
                isa: r.u8()?,
                rtio: RtioChannels {
                    outputs: r.u8()?,
                    inputs: r.u8()?,
                    clock_generators: r.u8()?,
                },
            }),
            MessageKind::StoreQuery => Message::StoreQuery,
            MessageKind::StoreListing => {
                let entries = r.bytes(f.payload.len())?;
                if entries.len() % STORE_ENTRY_LEN != 0 {
                    return Err(Error::Truncated);
                }
                let mut each = Reader::new(entries);
                while !each.is_empty() {
                    StoreEntry::read(&mut each)?;
                }
                Message::StoreListing { entries }
            }
            MessageKind::UnitBegin => Message::UnitBegin {
                key: unit_key(&mut r)?,
                offset: r.u32()?,
                len: r.u32()?,
                crc: r.u32()?,
                base: match flag(&mut r)? {
                    true => Some(unit_key(&mut r)?),
                    false => None,
                },
            },
            MessageKind::UnitChunk => Message::UnitChunk {
                at: r.u32()?,
                data: r.blob()?,
            },
            MessageKind::UnitEnd => Message::UnitEnd,
            MessageKind::LogQuery => Message::LogQuery,
            MessageKind::LogText => Message::LogText { text: r.text()? },
            MessageKind::LogClear => Message::LogClear,
            MessageKind::UnitPin => Message::UnitPin {
                key: unit_key(&mut r)?,
                pinned: flag(&mut r)?,
            },
            MessageKind::Run => {
                let (entry, table, units) = (r.u32()?, r.u32()?, r.blob()?);
                if units.len() % 16 != 0 {
                    return Err(Error::Truncated);
                }
                Message::Run {
                    entry,
                    table,
                    units,
                    fresh_timeline: flag(&mut r)?,
                    journal: JournalMode::from_wire(r.u8()?)?,
                }
            }
            MessageKind::Stop => Message::Stop,
            MessageKind::Ack => Message::Ack { of_seq: r.u16()? },
            MessageKind::Error => Message::Error {
                code: ErrorCode::from_wire(r.u16()?)?,
                of_seq: r.u16()?,
            },
            MessageKind::Log => Message::Log { text: r.text()? },
            MessageKind::Finished => Message::Finished { cycles: r.u64()? },
            MessageKind::Heartbeat => Message::Heartbeat { cycles: r.u64()? },
            MessageKind::Stopped => Message::Stopped {
                pc: r.u32()?,
                reason: StopReason::from_wire(r.u8()?)?,
            },
            MessageKind::Exception => Message::Exception(ExceptionReport::read(&mut r)?),
            MessageKind::RpcException => Message::RpcException(ExceptionReport::read(&mut r)?),
            MessageKind::Fault => Message::Fault(FaultReport {
                cause: r.u32()?,
                pc: r.u32()?,
                value: r.u32()?,
            }),
            MessageKind::RpcCallStart => {
                let service = r.u32()?;
                let site = r.u32()?;
                let is_async = flag(&mut r)?;
                let (tags, ret_tags) = (r.blob()?, r.blob()?);
                rpc::single_type(ret_tags)?;
                Message::RpcCallStart {
                    service,
                    site,
                    is_async,
                    tags,
                    ret_tags,
                    args_len: r.u32()?,
                }
            }
            MessageKind::RpcCallPart => Message::RpcCallPart { data: r.blob()? },
            MessageKind::RpcReturnStart => {
                let tags = r.blob()?;
                rpc::single_type(tags)?;
                Message::RpcReturnStart {
                    tags,
                    value_len: r.u32()?,
                }
            }
            MessageKind::RpcReturnPart => Message::RpcReturnPart { data: r.blob()? },
            MessageKind::RpcCall => {
                let service = r.u32()?;
                let site = r.u32()?;
                let is_async = flag(&mut r)?;
                let (tags, args, ret_tags) = (r.blob()?, r.blob()?, r.blob()?);
                rpc::walk(tags, args, &mut |_| {})?;
                rpc::single_type(ret_tags)?;
                Message::RpcCall {
                    service,
                    site,
                    is_async,
                    tags,
                    args,
                    ret_tags,
                }
            }
            MessageKind::Journal => {
                let records = r.blob()?;
                journal::records(records).try_for_each(|r| r.map(|_| ()))?;
                Message::Journal { records }
            }
            MessageKind::JournalNeed => Message::JournalNeed,
            MessageKind::ReplayShift => Message::ReplayShift {
                shift: r.u64()? as i64,
                from: r.u64()? as i64,
            },
            MessageKind::Diverged => Message::Diverged {
                consumed: r.u32()?,
                wanted: Consumer::from_wire(r.u8()?)?,
                site: r.u32()?,
            },
            MessageKind::RpcReturn => {
                let (tags, value) = (r.blob()?, r.blob()?);
                rpc::single_type(tags)?;
                rpc::walk(tags, value, &mut |_| {})?;
                Message::RpcReturn { tags, value }
            }
        };
        r.finish()?;
        Ok(m)
    }
}

/// A one-byte boolean: 0 or 1, anything else refused.
fn flag(r: &mut Reader<'_>) -> Result<bool, Error> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::BadField),
    }
}

#[cfg(test)]
#[path = "message_tests.rs"]
mod tests;
