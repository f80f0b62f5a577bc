//! The run journal: what a kernel consumed from the outside world on the device, in the order it
//! consumed it, so that a recorded run can be replayed (see `docs/recording.md`).
//!
//! The firmware writes one [`Record`] at each point where a kernel takes a value it could not have
//! computed: an RTIO counter read, an input timestamp or level (or the overflow raised instead), an
//! output that the RTIO core refused as late, a DMA playback that underflowed, and the timeline
//! cursor a run starts with. RPC answers are not here: the host sees them and journals them itself.
//! While recording, the firmware sends its records to the host in `Journal` messages; while
//! replaying, the host sends them back and the firmware hands each value to the kernel instead of
//! reading the hardware.
//!
//! A record is `kind: u8`, `site: u32` (little endian: the return address of the kernel's call, 0
//! for the run's start), then `value` and, for kinds that have one, `extra`, each as a zigzag
//! LEB128 varint (1 to 10 bytes).

use crate::Error;

wire_enum! {
    /// What the firmware does with the journal during a run.
    pub enum JournalMode: u8, unknown = |_| Error::BadField; {
        /// Nothing is journaled: the hardware answers.
        Off = 0,
        /// The hardware answers and every value consumed is sent to the host.
        Record = 1,
        /// The host's records answer (inputs and the counter are not read); output events go to
        /// the RTIO core shifted by a fixed offset (`JournalNeed::shift`).
        Replay = 2,
    }
}

wire_enum! {
    /// What a [`Record`] holds.
    pub enum RecordKind: u8, unknown = |_| Error::BadField; {
        /// `value`: the timeline cursor (`now_mu`) the run started with; `extra`: the RTIO counter
        /// then (a replay starts each run as far behind its timeline as the recorded run was).
        TimelineStart = 1,
        /// `value`: an RTIO counter read (`rtio_get_counter`).
        Counter = 2,
        /// `value`: an input timestamp (-1: none before the deadline).
        InputTimestamp = 3,
        /// `value`: an input's level or sample (-1: none before the deadline).
        InputData = 4,
        /// `value`: the input channel whose FIFO overflowed (RTIOOverflow raised instead of a
        /// timestamp or level).
        InputOverflow = 5,
        /// `value`: the late output event's timestamp; `extra`: the slack the RTIO core reported
        /// (RTIOUnderflow raised). Outputs in time are not journaled.
        Underflow = 6,
        /// `value`: the playback's timestamp; `extra`: the late event's offset from it (machine
        /// units) times 65536 plus the event's channel (RTIOUnderflow raised by a DMA playback).
        DmaUnderflow = 7,
        /// Only in a replay's records to the device: the kernel calls host function `value` here
        /// (the records after it follow the call, so the device need not ask again after each
        /// RPC). Recordings keep RPCs apart.
        Rpc = 8,
    }
}

impl RecordKind {
    /// Whether records of this kind carry `extra`.
    pub fn has_extra(self) -> bool {
        matches!(
            self,
            RecordKind::TimelineStart | RecordKind::Underflow | RecordKind::DmaUnderflow
        )
    }

    /// What the kernel was doing, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            RecordKind::TimelineStart => "starts its timeline",
            RecordKind::Counter => "reads the RTIO counter",
            RecordKind::InputTimestamp => "reads an input timestamp",
            RecordKind::InputData => "reads an input level",
            RecordKind::InputOverflow => "reads an overflowed input",
            RecordKind::Underflow => "writes an output event that was late",
            RecordKind::DmaUnderflow => "plays a DMA trace that underflowed",
            RecordKind::Rpc => "calls a host function",
        }
    }
}

wire_enum! {
    /// What a replaying kernel was doing when the journal's next record did not fit it.
    pub enum Consumer: u8, unknown = |_| Error::BadField; {
        /// Starting its run (it needs the run's [`RecordKind::TimelineStart`]).
        Start = 1,
        Counter = 2,
        InputTimestamp = 3,
        InputData = 4,
        /// An output event the recording made in time was late on this device: the replay fell
        /// behind the recorded timeline.
        LateOutput = 5,
        /// Calling a host function (the journal has something else next).
        Rpc = 6,
        /// Ending its run (the journal has records left).
        End = 7,
    }
}

impl Consumer {
    /// Whether a record of `kind` answers this consumer.
    pub fn accepts(self, kind: RecordKind) -> bool {
        matches!(
            (self, kind),
            (Consumer::Start, RecordKind::TimelineStart)
                | (Consumer::Counter, RecordKind::Counter)
                | (
                    Consumer::InputTimestamp,
                    RecordKind::InputTimestamp | RecordKind::InputOverflow
                )
                | (
                    Consumer::InputData,
                    RecordKind::InputData | RecordKind::InputOverflow
                )
                | (Consumer::Rpc, RecordKind::Rpc)
        )
    }

    /// What the kernel was doing, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Consumer::Start => "starts its run",
            Consumer::Counter => "reads the RTIO counter",
            Consumer::InputTimestamp => "reads an input timestamp",
            Consumer::InputData => "reads an input level",
            Consumer::LateOutput => "writes an output event that is late on this device (the replay fell behind the recorded timeline)",
            Consumer::Rpc => "calls a host function",
            Consumer::End => "ends its run",
        }
    }
}

/// One value a kernel consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub kind: RecordKind,
    /// The return address of the kernel's call (the instruction after it); 0 for the run's start.
    pub site: u32,
    pub value: i64,
    /// Only for kinds that [`RecordKind::has_extra`]; 0 otherwise.
    pub extra: i64,
}

/// The most bytes one record takes.
pub const MAX_RECORD_LEN: usize = 1 + 4 + 10 + 10;

/// The most record bytes one `Journal` message to a replaying device carries: the size of its
/// buffer. (A recording device sends as many whole records as a frame holds.)
pub const JOURNAL_CHUNK: usize = 1024;

impl Record {
    /// Encodes the record at the start of `out`; its length, or None when it does not fit.
    pub fn write(&self, out: &mut [u8]) -> Option<usize> {
        if let Some(room) = out.get_mut(..MAX_RECORD_LEN) {
            return Some(self.encode(room.try_into().expect("MAX_RECORD_LEN bytes")));
        }
        let mut scratch = [0u8; MAX_RECORD_LEN];
        let n = self.encode(&mut scratch);
        out.get_mut(..n)?.copy_from_slice(&scratch[..n]);
        Some(n)
    }

    /// Encodes the record into room for the longest one; its length.
    fn encode(&self, out: &mut [u8; MAX_RECORD_LEN]) -> usize {
        out[0] = self.kind as u8;
        out[1..5].copy_from_slice(&self.site.to_le_bytes());
        let mut n = 5 + write_varint(self.value, &mut out[5..]);
        if self.kind.has_extra() {
            n += write_varint(self.extra, &mut out[n..]);
        }
        n
    }

    /// Decodes the record at the start of `bytes`, and its length.
    pub fn read(bytes: &[u8]) -> Result<(Record, usize), Error> {
        let (&kind, rest) = bytes.split_first().ok_or(Error::Truncated)?;
        let kind = RecordKind::from_wire(kind)?;
        let site = rest.get(..4).ok_or(Error::Truncated)?;
        let site = u32::from_le_bytes([site[0], site[1], site[2], site[3]]);
        let (value, n) = read_varint(&bytes[5..])?;
        let mut len = 5 + n;
        let mut extra = 0;
        if kind.has_extra() {
            let (e, n) = read_varint(&bytes[len..])?;
            extra = e;
            len += n;
        }
        Ok((
            Record {
                kind,
                site,
                value,
                extra,
            },
            len,
        ))
    }
}

/// Every record of `bytes` in order; an error for bytes that are not whole records.
pub fn records(bytes: &[u8]) -> impl Iterator<Item = Result<Record, Error>> + '_ {
    let mut at = 0;
    core::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        match Record::read(&bytes[at..]) {
            Ok((r, n)) => {
                at += n;
                Some(Ok(r))
            }
            Err(e) => {
                at = bytes.len();
                Some(Err(e))
            }
        }
    })
}

fn write_varint(v: i64, out: &mut [u8]) -> usize {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 0;
    // Seven bits at a time, in 32-bit steps while the value fits one (the core device is rv32).
    while z >> 32 != 0 {
        out[n] = (z as u8 & 0x7f) | 0x80;
        z >>= 7;
        n += 1;
    }
    let mut w = z as u32;
    while w >= 0x80 {
        out[n] = (w as u8 & 0x7f) | 0x80;
        w >>= 7;
        n += 1;
    }
    out[n] = w as u8;
    n + 1
}

fn read_varint(bytes: &[u8]) -> Result<(i64, usize), Error> {
    let mut z: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        let bits = (b & 0x7f) as u64;
        if i == 9 && bits > 1 {
            return Err(Error::BadField);
        }
        z |= bits << (7 * i);
        if b & 0x80 == 0 {
            return Ok((((z >> 1) as i64) ^ -((z & 1) as i64), i + 1));
        }
    }
    Err(if bytes.len() < 10 {
        Error::Truncated
    } else {
        Error::BadField
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_at_every_size() {
        let values = [0, 1, -1, 63, -64, 64, 1 << 40, i64::MAX, i64::MIN];
        for kind in RecordKind::ALL {
            for &value in &values {
                let r = Record {
                    kind: *kind,
                    site: 0x4000_1234,
                    value,
                    extra: if kind.has_extra() { value / 3 } else { 0 },
                };
                let mut out = [0u8; MAX_RECORD_LEN];
                let n = r.write(&mut out).unwrap();
                assert_eq!(Record::read(&out[..n]), Ok((r, n)));
                // Every shorter prefix is refused, never misread.
                for cut in 0..n {
                    assert!(Record::read(&out[..cut]).is_err(), "{r:?} cut at {cut}");
                }
                assert_eq!(r.write(&mut out[..n - 1]), None);
            }
        }
    }

    #[test]
    fn small_values_are_small() {
        let r = Record {
            kind: RecordKind::InputTimestamp,
            site: 4,
            value: -1,
            extra: 0,
        };
        assert_eq!(r.write(&mut [0u8; MAX_RECORD_LEN]), Some(6));
    }

    #[test]
    fn garbage_is_an_error() {
        assert_eq!(Record::read(&[0, 0, 0, 0, 0, 0]), Err(Error::BadField));
        assert_eq!(
            Record::read(&[
                2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
            ]),
            Err(Error::BadField)
        );
        let mut stream = records(&[2, 0, 0, 0, 0, 2, 9]);
        assert!(matches!(stream.next(), Some(Ok(_))));
        assert!(matches!(stream.next(), Some(Err(_))));
        assert!(stream.next().is_none());
    }
}
