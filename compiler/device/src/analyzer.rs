//! The RTIO analyzer, as ARTIQ's: what the RTIO core did, in order (every output event it queued,
//! every late one it refused, every input timestamp the CPU took), each with the RTIO counter at
//! that moment. The simulated core device logs these (`rtio_analyzer ...` lines); the host keeps
//! the latest [`Analyzer::CAPACITY`] and hands them out as a dump in ARTIQ's analyzer format
//! (`artiq.coredevice.comm_analyzer.decode_dump` reads it), which also empties the buffer.

use std::collections::VecDeque;
use strobe_abi::rtio;

/// One analyzer record. Times are machine units (1 ns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Output {
        counter: u64,
        timestamp: u64,
        channel: u32,
        data: u64,
    },
    Input {
        counter: u64,
        timestamp: u64,
        channel: u32,
        data: u64,
    },
    /// A late output event, refused (ARTIQ's `o_underflow` exception record).
    Underflow { counter: u64, channel: u32 },
}

impl Record {
    /// Parses one line of simulator output, if it is an analyzer record.
    pub fn parse(line: &str) -> Option<Record> {
        let mut words = line.split_whitespace();
        if words.next()? != "rtio_analyzer" {
            return None;
        }
        let kind = words.next()?;
        let mut number = || words.next()?.parse::<u64>().ok();
        match kind {
            "output" | "input" => {
                let (counter, timestamp) = (number()?, number()?);
                let channel = u32::try_from(number()?).ok()?;
                let data = number()?;
                Some(if kind == "output" {
                    Record::Output {
                        counter,
                        timestamp,
                        channel,
                        data,
                    }
                } else {
                    Record::Input {
                        counter,
                        timestamp,
                        channel,
                        data,
                    }
                })
            }
            "underflow" => Some(Record::Underflow {
                counter: number()?,
                channel: u32::try_from(number()?).ok()?,
            }),
            _ => None,
        }
    }

    fn counter(&self) -> u64 {
        match *self {
            Record::Output { counter, .. }
            | Record::Input { counter, .. }
            | Record::Underflow { counter, .. } => counter,
        }
    }

    /// ARTIQ's 32-byte message, big-endian: its fields, then `channel << 2 | type` in the last word.
    fn message(&self) -> [u8; MESSAGE_BYTES] {
        let mut m = [0u8; MESSAGE_BYTES];
        let (channel, kind) = match *self {
            Record::Output {
                counter,
                timestamp,
                channel,
                data,
            }
            | Record::Input {
                counter,
                timestamp,
                channel,
                data,
            } => {
                // data (8), address (4), rtio_counter (8), timestamp (8)
                m[0..8].copy_from_slice(&data.to_be_bytes());
                m[8..12].copy_from_slice(&rtio::rtio_address(channel).to_be_bytes());
                m[12..20].copy_from_slice(&counter.to_be_bytes());
                m[20..28].copy_from_slice(&timestamp.to_be_bytes());
                let kind = if matches!(self, Record::Output { .. }) {
                    TYPE_OUTPUT
                } else {
                    TYPE_INPUT
                };
                (channel, kind)
            }
            Record::Underflow { counter, channel } => {
                m[11] = EXCEPTION_O_UNDERFLOW;
                m[12..20].copy_from_slice(&counter.to_be_bytes());
                (channel, TYPE_EXCEPTION)
            }
        };
        m[28..32].copy_from_slice(&(rtio::rtio_channel(channel) << 2 | kind).to_be_bytes());
        m
    }
}

const MESSAGE_BYTES: usize = 32;
const TYPE_OUTPUT: u32 = 0b00;
const TYPE_INPUT: u32 = 0b01;
const TYPE_EXCEPTION: u32 = 0b10;
const TYPE_STOPPED: u32 = 0b11;
/// ARTIQ's exception type for an output underflow.
const EXCEPTION_O_UNDERFLOW: u8 = 0b010100;

/// The records since the last dump: the latest [`Analyzer::CAPACITY`] of them, as ARTIQ's ring
/// buffer keeps the latest.
#[derive(Debug, Default)]
pub struct Analyzer {
    records: VecDeque<Record>,
    /// Records since the last dump, kept or not.
    total: u64,
    /// The RTIO counter at the latest record ever (a dump's "stopped" message carries it).
    latest_counter: u64,
}

impl Analyzer {
    pub const CAPACITY: usize = 1 << 16;

    pub fn push(&mut self, record: Record) {
        if self.records.len() == Self::CAPACITY {
            self.records.pop_front();
        }
        self.latest_counter = self.latest_counter.max(record.counter());
        self.records.push_back(record);
        self.total += 1;
    }

    /// ARTIQ's dump (`e`: a little-endian header of sent bytes (u32), total bytes (u64), error,
    /// log channel and DDS one-hot flags (one byte each); then the messages, the last a "stopped"
    /// one at the counter of the latest record yet), and an empty buffer.
    pub fn dump(&mut self) -> Vec<u8> {
        let stopped_at = self.latest_counter;
        let mut messages: Vec<[u8; MESSAGE_BYTES]> =
            self.records.drain(..).map(|r| r.message()).collect();
        let mut stopped = [0u8; MESSAGE_BYTES];
        stopped[12..20].copy_from_slice(&stopped_at.to_be_bytes());
        stopped[28..32].copy_from_slice(&TYPE_STOPPED.to_be_bytes());
        messages.push(stopped);
        let sent = (messages.len() * MESSAGE_BYTES) as u32;
        let total = (self.total + 1) * MESSAGE_BYTES as u64;
        self.total = 0;
        let mut out = vec![b'e'];
        out.extend_from_slice(&sent.to_le_bytes());
        out.extend_from_slice(&total.to_le_bytes());
        // No error, the log channel (`rtio_log` text), no DDS one-hot selection.
        out.extend_from_slice(&[0, rtio::LOG_CHANNEL as u8, 0]);
        for m in &messages {
            out.extend_from_slice(m);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_artiq_messages() {
        let mut a = Analyzer::default();
        for line in [
            "rtio_analyzer output 800 1000 3 1",
            "rtio 1000 3 1",
            "rtio_analyzer underflow 900 5",
            "rtio_analyzer input 1200 1040 0 1",
        ] {
            if let Some(r) = Record::parse(line) {
                a.push(r);
            }
        }
        let dump = a.dump();
        assert_eq!(dump[0], b'e');
        assert_eq!(u32::from_le_bytes(dump[1..5].try_into().unwrap()), 4 * 32);
        assert_eq!(dump.len(), 16 + 4 * 32);
        let m = |i: usize| &dump[16 + 32 * i..16 + 32 * (i + 1)];
        // output: data 1, address 0, counter 800, timestamp 1000, channel 3
        assert_eq!(&m(0)[0..8], &1u64.to_be_bytes());
        assert_eq!(&m(0)[12..20], &800u64.to_be_bytes());
        assert_eq!(&m(0)[20..28], &1000u64.to_be_bytes());
        assert_eq!(&m(0)[28..32], &(3u32 << 2).to_be_bytes());
        // underflow on channel 5 at counter 900
        assert_eq!(m(1)[11], 0b010100);
        assert_eq!(&m(1)[28..32], &(5u32 << 2 | 2).to_be_bytes());
        assert_eq!(&m(2)[28..32], &1u32.to_be_bytes());
        // stopped, at the last record's counter
        assert_eq!(&m(3)[12..20], &1200u64.to_be_bytes());
        assert_eq!(&m(3)[28..32], &3u32.to_be_bytes());
        // The dump empties the buffer; the stopped message keeps the latest counter.
        let empty = a.dump();
        assert_eq!(empty.len(), 16 + 32);
        assert_eq!(&empty[16 + 12..16 + 20], &1200u64.to_be_bytes());
    }

    #[test]
    fn an_input_output_channel_s_events_name_the_channel_and_their_address() {
        let mut a = Analyzer::default();
        // Output enable, gate and sample events of channel 9, and its output level.
        for event_channel in [
            rtio::OUTPUT_ENABLE_CHANNEL_BASE + 9,
            rtio::INPUT_SENSITIVITY_CHANNEL_BASE + 9,
            rtio::INPUT_SAMPLE_CHANNEL_BASE + 9,
            9,
        ] {
            a.push(Record::Output {
                counter: 1,
                timestamp: 2,
                channel: event_channel,
                data: 1,
            });
        }
        let dump = a.dump();
        let m = |i: usize| &dump[16 + 32 * i..16 + 32 * (i + 1)];
        for (i, address) in [1u32, 2, 3, 0].into_iter().enumerate() {
            assert_eq!(&m(i)[8..12], &address.to_be_bytes(), "message {i}");
            assert_eq!(&m(i)[28..32], &(9u32 << 2).to_be_bytes(), "message {i}");
        }
    }

    #[test]
    fn the_latest_records_are_kept() {
        let mut a = Analyzer::default();
        for i in 0..Analyzer::CAPACITY as u64 + 10 {
            a.push(Record::Underflow {
                counter: i,
                channel: 0,
            });
        }
        let dump = a.dump();
        let total = u64::from_le_bytes(dump[5..13].try_into().unwrap());
        assert_eq!(total, (Analyzer::CAPACITY as u64 + 11) * 32);
        assert_eq!(&dump[16 + 12..16 + 20], &10u64.to_be_bytes());
    }
}
