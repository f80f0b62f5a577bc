//! The recording file (`.strobe`), version 1; docs/recording.md describes it byte by byte.
//!
//! `STROBREC`, the format version (u16), then entries, each `tag: u8`, `length: u32`, payload; the
//! last is the end entry, whose payload is the CRC-32 of every byte before it. Integers are little
//! endian; a blob is a u32 length and that many bytes; text is a UTF-8 blob.

use crate::{Event, Header, ImageMap, Recording, RpcRecord, RunRecord, UnitRef};
use strobe_device::journal::{records, Record, RecordKind};
use strobe_device::{Edge, FaultReport, Outcome, RpcAnswer, RpcCall};
use strobe_link::LineRow;
use strobe_protocol::crc::Crc32;
use strobe_protocol::StopReason;

pub const MAGIC: &[u8; 8] = b"STROBREC";
pub const FORMAT_VERSION: u16 = 1;

pub(crate) const TAG_HEADER: u8 = 1;
pub(crate) const TAG_IMAGE: u8 = 2;
pub(crate) const TAG_RUN: u8 = 3;
pub(crate) const TAG_DEVICE: u8 = 4;
pub(crate) const TAG_RPC: u8 = 5;
pub(crate) const TAG_RUN_END: u8 = 6;
pub(crate) const TAG_TRACE: u8 = 7;
pub(crate) const TAG_END: u8 = 0xff;

/// Why a recording cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    #[error("not a Strobe recording (it does not start with `STROBREC`)")]
    NotARecording,
    #[error("recording format version {0}; this Strobe reads version {FORMAT_VERSION}")]
    Version(u16),
    #[error("the recording is truncated: it ends at byte {0}, inside an entry")]
    Truncated(usize),
    #[error(
        "the recording is truncated: it has no end entry (the run that wrote it did not finish)"
    )]
    Unfinished,
    #[error("the recording is corrupt: its checksum does not match its contents")]
    Checksum,
    #[error("the recording is corrupt: {what} (entry at byte {at})")]
    Malformed { at: usize, what: String },
}

/// Bytes of one entry's payload, written field by field.
#[derive(Default)]
pub(crate) struct Payload(pub Vec<u8>);

impl Payload {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(v);
        self
    }
    pub fn blob(&mut self, v: &[u8]) -> &mut Self {
        self.u32(v.len() as u32).bytes(v)
    }
}

/// Writes entries and keeps the running checksum.
pub(crate) struct EntryWriter {
    crc: Crc32,
}

impl EntryWriter {
    /// The file's start.
    pub fn start(out: &mut Vec<u8>) -> EntryWriter {
        let mut w = EntryWriter { crc: Crc32::new() };
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        w.put(out, &head);
        w
    }

    fn put(&mut self, out: &mut Vec<u8>, bytes: &[u8]) {
        self.crc.update(bytes);
        out.extend_from_slice(bytes);
    }

    pub fn entry(&mut self, out: &mut Vec<u8>, tag: u8, payload: &Payload) {
        let mut head = vec![tag];
        head.extend_from_slice(&(payload.0.len() as u32).to_le_bytes());
        self.put(out, &head);
        self.put(out, &payload.0);
    }

    /// The end entry: the checksum of everything before it.
    pub fn end(self, out: &mut Vec<u8>) {
        let crc = self.crc.finish();
        out.push(TAG_END);
        out.extend_from_slice(&4u32.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
    }
}

pub(crate) fn header(h: &Header) -> Payload {
    let mut p = Payload::default();
    p.blob(h.strobe_version.as_bytes())
        .blob(h.experiment.as_bytes())
        .u32(h.arguments.len() as u32);
    for a in &h.arguments {
        p.blob(a.as_bytes());
    }
    p.bytes(&h.abi_hash).u32(h.kernel_base).u32(h.clock_hz);
    p
}

pub(crate) fn image(map: &ImageMap) -> Payload {
    let mut p = Payload::default();
    p.u32(map.lines.len() as u32);
    for r in &map.lines {
        p.u32(r.address)
            .u32(r.line)
            .u8(r.end as u8)
            .blob(r.file.as_bytes());
    }
    p.u32(map.symbols.len() as u32);
    for (address, name) in &map.symbols {
        p.u32(*address).blob(name.as_bytes());
    }
    p
}

/// A run's start: `image` is the index of its image map (the file's `TAG_IMAGE` entries, counted).
pub(crate) fn run(r: &RunRecord) -> Payload {
    let mut p = Payload::default();
    p.u32(r.entry)
        .u32(r.table)
        .u8(r.fresh_timeline as u8)
        .u32(r.image as u32)
        .u32(r.units.len() as u32);
    for u in &r.units {
        p.bytes(&u.key)
            .u32(u.offset)
            .u32(u.len)
            .blob(u.name.as_bytes());
        match &u.data {
            Some(d) => p.u8(1).blob(d),
            None => p.u8(0),
        };
    }
    p
}

pub(crate) fn rpc(call: &RpcCall, answer: Option<&RpcAnswer>) -> Payload {
    let mut p = Payload::default();
    p.u32(call.site)
        .u32(call.service)
        .u8(call.is_async as u8)
        .blob(&call.tags)
        .blob(&call.args)
        .blob(&call.ret_tags);
    match answer {
        None => p.u8(0),
        Some(RpcAnswer::Return { tags, value }) => p.u8(1).blob(tags).blob(value),
        Some(RpcAnswer::Exception {
            type_id,
            name,
            message,
        }) => p
            .u8(2)
            .u32(*type_id)
            .blob(name.as_bytes())
            .blob(message.as_bytes()),
    };
    p
}

pub(crate) fn run_end(output: &str, outcome: &Outcome) -> Payload {
    let mut p = Payload::default();
    p.blob(output.as_bytes());
    match outcome {
        Outcome::Finished { cycles } => p.u8(0).u64(*cycles),
        Outcome::Exception {
            type_id,
            name,
            message,
            traceback,
        } => p
            .u8(1)
            .u32(*type_id)
            .blob(name.as_bytes())
            .blob(message.as_bytes())
            .blob(traceback.as_bytes()),
        Outcome::Fault(f) => p.u8(2).u32(f.cause).u32(f.pc).u32(f.value),
        Outcome::Stopped { pc, reason } => p.u8(3).u32(*pc).u8(*reason as u8),
    };
    p
}

pub(crate) fn trace(edges: &[Edge]) -> Payload {
    let mut p = Payload::default();
    p.u32(edges.len() as u32);
    for e in edges {
        p.u64(e.timestamp).u32(e.channel).u32(e.value);
    }
    p
}

impl Recording {
    /// The recording as a file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = EntryWriter::start(&mut out);
        w.entry(&mut out, TAG_HEADER, &header(&self.header));
        for map in &self.images {
            w.entry(&mut out, TAG_IMAGE, &image(map));
        }
        for r in &self.runs {
            w.entry(&mut out, TAG_RUN, &run(r));
            let mut device = Vec::new();
            let flush = |device: &mut Vec<u8>, w: &mut EntryWriter, out: &mut Vec<u8>| {
                if !device.is_empty() {
                    w.entry(out, TAG_DEVICE, &Payload(std::mem::take(device)));
                }
            };
            for e in &r.events {
                match e {
                    Event::Device(rec) => {
                        let mut buf = [0u8; strobe_device::journal::MAX_RECORD_LEN];
                        let n = rec.write(&mut buf).expect("room for one record");
                        device.extend_from_slice(&buf[..n]);
                    }
                    Event::Rpc(rpc_record) => {
                        flush(&mut device, &mut w, &mut out);
                        w.entry(
                            &mut out,
                            TAG_RPC,
                            &rpc(&rpc_record.call, rpc_record.answer.as_ref()),
                        );
                    }
                }
            }
            flush(&mut device, &mut w, &mut out);
            w.entry(&mut out, TAG_RUN_END, &run_end(&r.output, &r.outcome));
        }
        if let Some(edges) = &self.trace {
            w.entry(&mut out, TAG_TRACE, &trace(edges));
        }
        w.end(&mut out);
        out
    }

    /// Reads a recording file's bytes, checking all of it first.
    pub fn from_bytes(bytes: &[u8]) -> Result<Recording, FormatError> {
        if bytes.len() < 10 || &bytes[..8] != MAGIC {
            return Err(FormatError::NotARecording);
        }
        let version = u16::from_le_bytes([bytes[8], bytes[9]]);
        if version != FORMAT_VERSION {
            return Err(FormatError::Version(version));
        }
        let mut entries = Vec::new();
        let mut at = 10;
        let mut crc = Crc32::new();
        crc.update(&bytes[..10]);
        loop {
            if at == bytes.len() {
                return Err(FormatError::Unfinished);
            }
            let Some(head) = bytes.get(at..at + 5) else {
                return Err(FormatError::Truncated(bytes.len()));
            };
            let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
            let Some(payload) = bytes.get(at + 5..at + 5 + len) else {
                return Err(FormatError::Truncated(bytes.len()));
            };
            if head[0] == TAG_END {
                if payload.len() != 4 || at + 9 != bytes.len() {
                    return Err(FormatError::Checksum);
                }
                let stored = u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]);
                if stored != crc.finish() {
                    return Err(FormatError::Checksum);
                }
                break;
            }
            crc.update(&bytes[at..at + 5 + len]);
            entries.push((at, head[0], payload));
            at += 5 + len;
        }
        parse_entries(&entries)
    }
}

/// A reader over one entry's payload.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
    entry: usize,
}

impl<'a> Fields<'a> {
    fn malformed(&self, what: &str) -> FormatError {
        FormatError::Malformed {
            at: self.entry,
            what: what.to_string(),
        }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let s = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or_else(|| self.malformed("a field runs past its entry"))?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, FormatError> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }
    fn blob(&mut self) -> Result<&'a [u8], FormatError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn text(&mut self) -> Result<String, FormatError> {
        let b = self.blob()?;
        String::from_utf8(b.to_vec()).map_err(|_| self.malformed("text that is not UTF-8"))
    }
    fn count(&mut self, each: usize) -> Result<usize, FormatError> {
        let n = self.u32()? as usize;
        // Every element takes at least `each` bytes: a count the entry cannot hold is refused
        // before anything is allocated for it.
        if n.saturating_mul(each) > self.bytes.len() - self.at {
            return Err(self.malformed("a count larger than its entry"));
        }
        Ok(n)
    }
    fn done(&self) -> Result<(), FormatError> {
        if self.at != self.bytes.len() {
            return Err(self.malformed("bytes left over after its fields"));
        }
        Ok(())
    }
}

fn parse_entries(entries: &[(usize, u8, &[u8])]) -> Result<Recording, FormatError> {
    let mut header = None;
    let mut images = Vec::new();
    let mut runs: Vec<RunRecord> = Vec::new();
    let mut open = false;
    let mut trace = None;
    for &(entry, tag, bytes) in entries {
        let mut f = Fields {
            bytes,
            at: 0,
            entry,
        };
        let in_run = |open: bool, f: &Fields<'_>| match open {
            true => Ok(()),
            false => Err(f.malformed("an entry of a run outside any run")),
        };
        match tag {
            TAG_HEADER if header.is_none() => header = Some(read_header(&mut f)?),
            TAG_IMAGE => images.push(read_image(&mut f)?),
            TAG_RUN if !open => {
                runs.push(read_run(&mut f, images.len())?);
                open = true;
            }
            TAG_DEVICE => {
                in_run(open, &f)?;
                let run = runs.last_mut().expect("an open run");
                for r in records(bytes) {
                    let r: Record = r.map_err(|e| f.malformed(&format!("device record: {e:?}")))?;
                    if r.kind == RecordKind::Rpc {
                        return Err(f.malformed("an RPC marker among the device records"));
                    }
                    run.events.push(Event::Device(r));
                }
                f.at = bytes.len();
            }
            TAG_RPC => {
                in_run(open, &f)?;
                let rpc = read_rpc(&mut f)?;
                runs.last_mut()
                    .expect("an open run")
                    .events
                    .push(Event::Rpc(rpc));
            }
            TAG_RUN_END => {
                in_run(open, &f)?;
                let run = runs.last_mut().expect("an open run");
                run.output = f.text()?;
                run.outcome = read_outcome(&mut f)?;
                open = false;
            }
            TAG_TRACE if !open && trace.is_none() => {
                let n = f.count(16)?;
                let mut edges = Vec::with_capacity(n);
                for _ in 0..n {
                    edges.push(Edge {
                        timestamp: f.u64()?,
                        channel: f.u32()?,
                        value: f.u32()?,
                    });
                }
                trace = Some(edges);
            }
            _ => return Err(f.malformed(&format!("an unexpected entry (tag {tag})"))),
        }
        f.done()?;
    }
    if open {
        return Err(FormatError::Malformed {
            at: entries.last().map_or(0, |e| e.0),
            what: "the last run has no end".into(),
        });
    }
    let header = header.ok_or(FormatError::Malformed {
        at: 10,
        what: "no header".into(),
    })?;
    Ok(Recording {
        header,
        images,
        runs,
        trace,
    })
}

fn read_header(f: &mut Fields<'_>) -> Result<Header, FormatError> {
    let strobe_version = f.text()?;
    let experiment = f.text()?;
    let n = f.count(4)?;
    let arguments = (0..n).map(|_| f.text()).collect::<Result<_, _>>()?;
    Ok(Header {
        strobe_version,
        experiment,
        arguments,
        abi_hash: f.take(32)?.try_into().expect("32 bytes"),
        kernel_base: f.u32()?,
        clock_hz: f.u32()?,
    })
}

fn read_image(f: &mut Fields<'_>) -> Result<ImageMap, FormatError> {
    let n = f.count(13)?;
    let mut lines = Vec::with_capacity(n);
    for _ in 0..n {
        lines.push(LineRow {
            address: f.u32()?,
            line: f.u32()?,
            end: f.u8()? != 0,
            file: f.text()?,
        });
    }
    let n = f.count(8)?;
    let mut symbols = Vec::with_capacity(n);
    for _ in 0..n {
        symbols.push((f.u32()?, f.text()?));
    }
    Ok(ImageMap { lines, symbols })
}

fn read_run(f: &mut Fields<'_>, images: usize) -> Result<RunRecord, FormatError> {
    let entry = f.u32()?;
    let table = f.u32()?;
    let fresh_timeline = f.u8()? != 0;
    let image = f.u32()? as usize;
    if image >= images {
        return Err(f.malformed("a run whose image map is not in the file before it"));
    }
    let n = f.count(29)?;
    let mut units = Vec::with_capacity(n);
    for _ in 0..n {
        let key = f.take(16)?.try_into().expect("16 bytes");
        let offset = f.u32()?;
        let len = f.u32()?;
        let name = f.text()?;
        let data = match f.u8()? {
            0 => None,
            _ => Some(f.blob()?.to_vec()),
        };
        units.push(UnitRef {
            name,
            key,
            offset,
            len,
            data,
        });
    }
    Ok(RunRecord {
        entry,
        table,
        fresh_timeline,
        image,
        units,
        events: Vec::new(),
        output: String::new(),
        outcome: Outcome::Finished { cycles: 0 },
    })
}

fn read_rpc(f: &mut Fields<'_>) -> Result<RpcRecord, FormatError> {
    let call = RpcCall {
        site: f.u32()?,
        service: f.u32()?,
        is_async: f.u8()? != 0,
        tags: f.blob()?.to_vec(),
        args: f.blob()?.to_vec(),
        ret_tags: f.blob()?.to_vec(),
    };
    let answer = match f.u8()? {
        0 => None,
        1 => Some(RpcAnswer::Return {
            tags: f.blob()?.to_vec(),
            value: f.blob()?.to_vec(),
        }),
        2 => Some(RpcAnswer::Exception {
            type_id: f.u32()?,
            name: f.text()?,
            message: f.text()?,
        }),
        _ => return Err(f.malformed("an RPC answer of unknown kind")),
    };
    Ok(RpcRecord { call, answer })
}

fn read_outcome(f: &mut Fields<'_>) -> Result<Outcome, FormatError> {
    Ok(match f.u8()? {
        0 => Outcome::Finished { cycles: f.u64()? },
        1 => Outcome::Exception {
            type_id: f.u32()?,
            name: f.text()?,
            message: f.text()?,
            traceback: f.text()?,
        },
        2 => Outcome::Fault(FaultReport {
            cause: f.u32()?,
            pc: f.u32()?,
            value: f.u32()?,
        }),
        3 => Outcome::Stopped {
            pc: f.u32()?,
            reason: StopReason::from_wire(f.u8()?)
                .map_err(|_| f.malformed("a stop of unknown reason"))?,
        },
        _ => return Err(f.malformed("a run outcome of unknown kind")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strobe_device::journal::RecordKind;

    fn sample() -> Recording {
        let call = RpcCall {
            service: 2,
            site: 0x4000_0010,
            is_async: false,
            tags: b"i".to_vec(),
            args: vec![1, 0, 0, 0],
            ret_tags: b"i".to_vec(),
        };
        Recording {
            header: Header {
                strobe_version: "0.1.0".into(),
                experiment: "exp.py".into(),
                arguments: vec!["n=3".into()],
                abi_hash: [7; 32],
                kernel_base: 0x4000_0000,
                clock_hz: 125_000_000,
            },
            images: vec![ImageMap {
                lines: vec![LineRow {
                    address: 0x4000_0000,
                    file: "exp.py".into(),
                    line: 3,
                    end: false,
                }],
                symbols: vec![(0x4000_0000, "main".into())],
            }],
            runs: vec![RunRecord {
                entry: 0x4000_0000,
                table: 0x4000_1000,
                fresh_timeline: true,
                image: 0,
                units: vec![UnitRef {
                    name: "quoted host values".into(),
                    key: [3; 16],
                    offset: 0x1000,
                    len: 4,
                    data: Some(vec![1, 2, 3, 4]),
                }],
                events: vec![
                    Event::Device(Record {
                        kind: RecordKind::TimelineStart,
                        site: 0,
                        value: 125_000,
                        extra: 0,
                    }),
                    Event::Rpc(RpcRecord {
                        call,
                        answer: Some(RpcAnswer::Exception {
                            type_id: 4,
                            name: "ValueError".into(),
                            message: "no".into(),
                        }),
                    }),
                    Event::Device(Record {
                        kind: RecordKind::Underflow,
                        site: 0x4000_0020,
                        value: 9,
                        extra: -3,
                    }),
                ],
                output: "hello\n".into(),
                outcome: Outcome::Finished { cycles: 5 },
            }],
            trace: Some(vec![Edge {
                timestamp: 100,
                channel: 0,
                value: 1,
            }]),
        }
    }

    #[test]
    fn a_recording_reads_back_as_written() {
        let r = sample();
        assert_eq!(Recording::from_bytes(&r.to_bytes()), Ok(r));
    }

    #[test]
    fn every_cut_and_every_flipped_byte_is_refused() {
        let bytes = sample().to_bytes();
        for cut in 0..bytes.len() {
            assert!(
                Recording::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert!(Recording::from_bytes(&damaged).is_err(), "flipped at {at}");
        }
    }
}
