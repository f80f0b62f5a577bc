//! The session against a test board: uploads, runs and every refusal.

extern crate std;

use super::*;
use std::string::String;
use std::vec::Vec;
use strobe_protocol::crc::crc32;
use strobe_protocol::frame::decode;

use crate::test_board::{TestBoard, BASE};
use strobe_protocol::journal::{Record, RecordKind};

/// Replies are captured; bytes queued in the second field are what the host sends while a kernel
/// runs; once they are read, the link is closed, or with the third field set, silent.
#[derive(Default)]
struct Captured(Vec<u8>, std::collections::VecDeque<u8>, bool);

impl Link for Captured {
    fn send(&mut self, bytes: &[u8]) {
        crate::test_board::EVENTS.with(|e| e.borrow_mut().push("sent"));
        self.0.extend_from_slice(bytes);
    }

    fn poll(&mut self) -> Poll {
        match self.1.pop_front() {
            Some(b) => Poll::Byte(b),
            None if self.2 => Poll::Empty,
            None => Poll::Closed,
        }
    }
}

impl Captured {
    /// Every reply as (kind, a short rendering).
    fn replies(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < self.0.len() {
            let (f, n) = decode(&self.0[at..]).expect("device sends valid frames");
            let m = Message::decode(&f).expect("device sends valid messages");
            out.push(match m {
                Message::Error { code, .. } => std::format!("Error({code:?})"),
                Message::Ack { .. } => "Ack".into(),
                Message::HelloReply(i) => std::format!("HelloReply(base={:#x})", i.kernel_base),
                Message::Log { text } => std::format!("Log({text:?})"),
                Message::Finished { cycles } => std::format!("Finished({cycles})"),
                Message::Exception(e) => std::format!("Exception({})", e.name),
                Message::Fault(f) => std::format!("Fault({})", f.cause),
                other => std::format!("{other:?}"),
            });
            at += n;
        }
        self.0.clear();
        out
    }
}

fn frame(m: Message<'_>, seq: u16) -> Vec<u8> {
    let mut buf = std::vec![0u8; FRAME_BUFFER];
    let n = m.encode(seq, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn session() -> (Session<TestBoard>, Captured) {
    (Session::new(TestBoard::new(4096)), Captured::default())
}

/// Uploads `bytes` as unit `key` at `offset`, whole (in 100-byte chunks); returns the replies.
fn put(
    s: &mut Session<TestBoard>,
    link: &mut Captured,
    key: u8,
    offset: u32,
    bytes: &[u8],
) -> Vec<String> {
    send(
        s,
        link,
        Message::UnitBegin {
            key: [key; 16],
            offset,
            len: bytes.len() as u32,
            crc: crc32(bytes),
            base: None,
        },
    );
    for (i, chunk) in bytes.chunks(100).enumerate() {
        send(
            s,
            link,
            Message::UnitChunk {
                at: i as u32 * 100,
                data: chunk,
            },
        );
    }
    send(s, link, Message::UnitEnd);
    link.replies()
}

fn send(s: &mut Session<TestBoard>, link: &mut Captured, m: Message<'_>) {
    s.receive(&frame(m, 7), link);
}

/// Runs from `entry` naming units `keys` (one byte each, repeated), data table `table`.
fn run_units(s: &mut Session<TestBoard>, link: &mut Captured, entry: u32, table: u32, keys: &[u8]) {
    let units: Vec<u8> = keys.iter().flat_map(|&k| [k; 16]).collect();
    send(
        s,
        link,
        Message::Run {
            entry,
            table,
            units: &units,
            fresh_timeline: false,
            journal: strobe_protocol::journal::JournalMode::Off,
        },
    );
}

/// The store's listing as (key byte, offset, len, pinned).
fn listing(s: &mut Session<TestBoard>, link: &mut Captured) -> Vec<(u8, u32, u32, bool)> {
    send(s, link, Message::StoreQuery);
    let (f, _) = decode(&link.0).expect("a reply");
    let Ok(Message::StoreListing { entries }) = Message::decode(&f) else {
        panic!("not a listing");
    };
    let mut out: Vec<_> = strobe_protocol::message::store_entries(entries)
        .map(|e| (e.key[0], e.offset, e.len, e.pinned))
        .collect();
    link.0.clear();
    out.sort();
    out
}

#[test]
fn handshake_upload_run() {
    let (mut s, mut link) = session();
    s.receive(
        &frame(
            Message::Hello {
                host_version: PROTOCOL_VERSION,
            },
            0,
        ),
        &mut link,
    );
    assert_eq!(link.replies(), ["HelloReply(base=0x40000000)"]);
    let image: Vec<u8> = std::iter::once(0)
        .chain((1..300).map(|i| i as u8))
        .collect();
    assert!(put(&mut s, &mut link, 1, 0, &image)
        .iter()
        .all(|r| r == "Ack"));
    assert_eq!(&s.board().memory[..300], &image[..]);
    assert_eq!(listing(&mut s, &mut link), [(1, 0, 300, false)]);
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    assert_eq!(
        link.replies(),
        ["Ack", "Log(\"hello from the kernel\\n\")", "Finished(1234)"]
    );
    // The arena starts after every resident unit.
    assert_eq!(s.board().last_run.unwrap().arena_start, 300);
    s.board().memory[0] = 1;
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    assert_eq!(link.replies()[2], "Exception(ValueError)");
}

#[test]
fn never_runs_a_partial_or_corrupt_upload() {
    let (mut s, mut link) = session();
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    run_units(&mut s, &mut link, BASE, 0, &[]);
    assert_eq!(link.replies(), ["Error(NoKernel)", "Error(NoKernel)"]);
    // Missing last chunk.
    let begin = |len, crc| Message::UnitBegin {
        key: [1; 16],
        offset: 0,
        len,
        crc,
        base: None,
    };
    send(&mut s, &mut link, begin(200, crc32(&[0; 200])));
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 0,
            data: &[0; 100],
        },
    );
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(IncompleteImage)"]);
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    assert_eq!(link.replies(), ["Error(NoKernel)"]);
    // Wrong CRC.
    send(&mut s, &mut link, begin(4, 12345));
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 0,
            data: &[0; 4],
        },
    );
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(IncompleteImage)"]);
    // Out-of-order chunk, chunk without a begin, a unit past the region or misaligned.
    send(&mut s, &mut link, begin(8, 0));
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 4,
            data: &[0; 4],
        },
    );
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 0,
            data: &[0; 4],
        },
    );
    send(&mut s, &mut link, begin(1 << 20, 0));
    send(
        &mut s,
        &mut link,
        Message::UnitBegin {
            key: [1; 16],
            offset: 2,
            len: 4,
            crc: 0,
            base: None,
        },
    );
    assert_eq!(
        link.replies(),
        [
            "Ack",
            "Error(OutOfOrder)",
            "Error(OutOfOrder)",
            "Error(ImageTooLarge)",
            "Error(ImageTooLarge)"
        ]
    );
    assert_eq!(s.board().runs, 0);
    // A disconnect in the middle of an upload discards it.
    send(&mut s, &mut link, begin(8, crc32(&[0; 8])));
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 0,
            data: &[0; 8],
        },
    );
    s.disconnected();
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(OutOfOrder)"]);
    assert_eq!(listing(&mut s, &mut link), []);
}

#[test]
fn units_are_evicted_by_overlap_pinned_ones_never() {
    let (mut s, mut link) = session();
    put(&mut s, &mut link, 1, 0, &[0; 64]);
    put(&mut s, &mut link, 2, 64, &[0; 64]);
    put(&mut s, &mut link, 3, 128, &[0; 64]);
    assert_eq!(listing(&mut s, &mut link).len(), 3);
    // Unit 4 over the end of 1 and the start of 2 evicts both.
    assert!(put(&mut s, &mut link, 4, 32, &[0; 64])
        .iter()
        .all(|r| r == "Ack"));
    assert_eq!(
        listing(&mut s, &mut link),
        [(3, 128, 64, false), (4, 32, 64, false)]
    );
    // A pinned unit is never overwritten; unpinned, it is.
    send(
        &mut s,
        &mut link,
        Message::UnitPin {
            key: [3; 16],
            pinned: true,
        },
    );
    send(
        &mut s,
        &mut link,
        Message::UnitPin {
            key: [9; 16],
            pinned: true,
        },
    );
    assert_eq!(link.replies(), ["Ack", "Error(UnknownUnit)"]);
    assert_eq!(
        put(&mut s, &mut link, 5, 160, &[0; 8]),
        [
            "Error(UnitPinned)",
            "Error(OutOfOrder)",
            "Error(OutOfOrder)"
        ]
    );
    assert_eq!(listing(&mut s, &mut link)[0], (3, 128, 64, true));
    // A new host session releases the pins.
    send(
        &mut s,
        &mut link,
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
    );
    link.replies();
    assert_eq!(listing(&mut s, &mut link)[0], (3, 128, 64, false));
    assert!(put(&mut s, &mut link, 5, 160, &[0; 8])
        .iter()
        .all(|r| r == "Ack"));
    // A run names units: the entry must be in one, the table at one's start.
    put(&mut s, &mut link, 6, 512, &[0; 16]);
    run_units(&mut s, &mut link, BASE + 32, BASE + 512, &[4, 6]);
    assert_eq!(link.replies().last().unwrap(), "Finished(1234)");
    assert_eq!(s.board().last_run.unwrap().table, BASE + 512);
    run_units(&mut s, &mut link, BASE + 32, BASE + 516, &[4, 6]);
    run_units(&mut s, &mut link, BASE + 512 + 16, 0, &[4, 6]);
    run_units(&mut s, &mut link, BASE + 32, 0, &[4, 7]);
    assert_eq!(
        link.replies(),
        ["Error(BadEntry)", "Error(BadEntry)", "Error(NoKernel)"]
    );
    // Used units are the most recently used.
    send(&mut s, &mut link, Message::StoreQuery);
    let (f, _) = decode(&link.0).unwrap();
    let Ok(Message::StoreListing { entries }) = Message::decode(&f) else {
        panic!()
    };
    let used: Vec<_> = strobe_protocol::message::store_entries(entries)
        .map(|e| (e.key[0], e.last_used))
        .collect();
    assert!(
        used.contains(&(4, 1)) && used.contains(&(6, 1)) && used.contains(&(5, 0)),
        "{used:?}"
    );
    link.0.clear();
}

#[test]
fn the_core_log_is_read_and_cleared() {
    let (mut s, mut link) = session();
    s.board()
        .log
        .line(format_args!("RTIO sequence error involving channel {}", 2));
    send(&mut s, &mut link, Message::LogQuery);
    send(&mut s, &mut link, Message::LogClear);
    send(&mut s, &mut link, Message::LogQuery);
    assert_eq!(
        link.replies(),
        [
            "LogText { text: \"RTIO sequence error involving channel 2\\n\" }",
            "Ack",
            "LogText { text: \"\" }"
        ]
    );
}

#[test]
fn a_fault_empties_the_store() {
    let (mut s, mut link) = session();
    put(&mut s, &mut link, 1, 0, &[2, 0, 0, 0]);
    put(&mut s, &mut link, 2, 64, &[0, 0, 0, 0]);
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    assert_eq!(link.replies().last().unwrap(), "Fault(2)");
    assert_eq!(listing(&mut s, &mut link), []);
}

#[test]
fn bad_frames_get_error_replies_and_the_session_recovers() {
    let (mut s, mut link) = session();
    let mut corrupt = frame(
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
        7,
    );
    corrupt[11] ^= 0xff;
    s.receive(&corrupt, &mut link);
    assert_eq!(link.replies(), ["Error(BadCrc)"]);
    // Garbage, then a truncated frame followed by a disconnect, then a good frame.
    s.receive(b"\x00\x01garbage", &mut link);
    let good = frame(
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
        8,
    );
    s.receive(&good[..6], &mut link);
    s.disconnected();
    s.receive(&good, &mut link);
    assert_eq!(link.replies(), ["HelloReply(base=0x40000000)"]);
    s.receive(&frame(Message::Hello { host_version: 99 }, 9), &mut link);
    s.receive(&frame(Message::Finished { cycles: 1 }, 10), &mut link);
    put(&mut s, &mut link, 1, 0, &[0; 8]);
    run_units(&mut s, &mut link, BASE + 2, 0, &[1]);
    run_units(&mut s, &mut link, BASE + 8, 0, &[1]);
    assert_eq!(link.replies(), ["Error(BadEntry)", "Error(BadEntry)"]);
}

#[test]
fn rpc_replies_without_a_pending_call_are_refused() {
    let (mut s, mut link) = session();
    s.receive(
        &frame(
            Message::RpcReturn {
                tags: b"i",
                value: &[1, 0, 0, 0],
            },
            1,
        ),
        &mut link,
    );
    s.receive(
        &frame(
            Message::RpcException(ExceptionReport {
                type_id: 0,
                name: "ValueError",
                message: "late",
                traceback: "",
            }),
            2,
        ),
        &mut link,
    );
    // A return whose value does not match its type is refused before anything looks at it.
    s.receive(
        &frame(
            Message::RpcReturn {
                tags: b"i",
                value: &[1, 0],
            },
            3,
        ),
        &mut link,
    );
    assert_eq!(
        link.replies(),
        [
            "Error(UnknownMessage)",
            "Error(UnknownMessage)",
            "Error(Truncated)"
        ]
    );
}

/// Runs the test board's RPC kernel (byte 3) with `host_sends` queued as the host's side.
fn run_rpc_kernel(host_sends: &[Vec<u8>]) -> Vec<String> {
    let (mut s, mut link) = session();
    put(&mut s, &mut link, 1, 0, &[3, 0, 0, 0]);
    for f in host_sends {
        link.1.extend(f.iter().copied());
    }
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    link.replies()
}

#[test]
fn a_synchronous_rpc_waits_for_its_answer_and_refuses_other_requests() {
    let query = frame(Message::StoreQuery, 10);
    let answer = frame(
        Message::RpcReturn {
            tags: b"i",
            value: &[42, 0, 0, 0],
        },
        11,
    );
    assert_eq!(
        run_rpc_kernel(&[query, answer]),
        [
            "Ack",
            "Log(\"hello from the kernel\\n\")",
            "RpcCall { service: 7, site: 1073741828, is_async: false, tags: [105], args: [5, 0, 0, 0], ret_tags: [105] }",
            "Error(Busy)",
            "Finished(42)"
        ]
    );
}

#[test]
fn a_computing_kernel_sends_heartbeats_and_stops_on_stop_or_a_new_hello() {
    let computing = |host_sends: &[Vec<u8>]| {
        let (mut s, mut link) = session();
        link.2 = true;
        put(&mut s, &mut link, 1, 0, &[4, 0, 0, 0]);
        for f in host_sends {
            link.1.extend(f.iter().copied());
        }
        run_units(&mut s, &mut link, BASE, 0, &[1]);
        link.replies()
    };
    assert_eq!(
        computing(&[]),
        [
            "Ack",
            "Log(\"hello from the kernel\\n\")",
            "Heartbeat { cycles: 0 }",
            "Heartbeat { cycles: 1 }",
            "Heartbeat { cycles: 2 }",
            "Finished(3)"
        ]
    );
    // Requests are refused as busy; Stop ends the kernel where it was.
    let query = frame(Message::StoreQuery, 10);
    let stop = frame(Message::Stop, 11);
    assert_eq!(
        computing(&[query, stop])[2..],
        ["Error(Busy)", "Stopped { pc: 1073741824, reason: Request }"]
    );
    // A new client's Hello stops the kernel and is answered; one of another version is refused.
    let old = frame(Message::Hello { host_version: 1 }, 10);
    let hello = frame(
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
        11,
    );
    assert_eq!(
        computing(&[old, hello])[2..],
        [
            "Error(BadVersion)",
            "Stopped { pc: 1073741824, reason: Handshake }",
            "HelloReply(base=0x40000000)"
        ]
    );
}

#[test]
fn a_large_rpc_result_arrives_in_acknowledged_parts() {
    let start = frame(
        Message::RpcReturnStart {
            tags: b"i",
            value_len: 4,
        },
        11,
    );
    let part = |data: &'static [u8], seq| frame(Message::RpcReturnPart { data }, seq);
    // A part beyond the announced length is refused; the kernel sees start, parts, end.
    crate::test_board::EVENTS.with(|e| e.borrow_mut().clear());
    let replies = run_rpc_kernel(&[
        start,
        part(&[5, 7], 12),
        part(&[1, 2, 3], 13),
        part(&[0, 0], 14),
    ]);
    assert_eq!(
        replies[replies.len() - 5..],
        [
            "Ack",
            "Ack",
            "Error(OutOfOrder)",
            "Ack",
            "Finished(2000012)"
        ]
    );
    // The value is decoded (long, for a large one) only after its last part's acknowledgement
    // went out: the host waits for that only so long.
    // (The last three things that happen: the acknowledgement, the decoding, `Finished`.)
    let events = crate::test_board::EVENTS.with(|e| e.borrow().clone());
    assert_eq!(events[events.len() - 3..], ["sent", "decoded", "sent"]);
    // A part without a start is out of order too.
    let stray = run_rpc_kernel(&[part(&[1], 12)]);
    assert!(stray.iter().any(|r| r == "Error(OutOfOrder)"), "{stray:?}");
}

#[test]
fn an_rpc_ends_on_an_exception_stop_or_closed_link() {
    let raised = frame(
        Message::RpcException(ExceptionReport {
            type_id: 4,
            name: "ValueError",
            message: "no",
            traceback: "",
        }),
        11,
    );
    assert_eq!(
        run_rpc_kernel(&[raised]).last().unwrap(),
        "Finished(1000001)"
    );
    let stop = frame(Message::Stop, 11);
    let stopped = "Stopped { pc: 1073741824, reason: Request }";
    assert_eq!(run_rpc_kernel(&[stop]).last().unwrap(), stopped);
    assert_eq!(run_rpc_kernel(&[]).last().unwrap(), stopped);
    let hello = frame(
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
        11,
    );
    assert_eq!(
        run_rpc_kernel(&[hello])[3..],
        [
            "Stopped { pc: 1073741824, reason: Handshake }",
            "HelloReply(base=0x40000000)"
        ]
    );
}

#[test]
fn a_patch_of_a_resident_unit_never_runs_half_done() {
    let (mut s, mut link) = session();
    put(&mut s, &mut link, 1, 0, &[1, 0, 0, 0, 9, 9]);
    let begin = |key: u8, len, crc| Message::UnitBegin {
        key: [key; 16],
        offset: 0,
        len,
        crc,
        base: Some([key - 1; 16]),
    };
    // Byte 0 goes from 1 (raises) to 0 (finishes); the base is gone, the patch not yet there.
    send(&mut s, &mut link, begin(2, 6, crc32(&[0])));
    send(&mut s, &mut link, Message::UnitChunk { at: 0, data: &[0] });
    run_units(&mut s, &mut link, BASE, 0, &[1]);
    run_units(&mut s, &mut link, BASE, 0, &[2]);
    send(&mut s, &mut link, Message::UnitEnd);
    run_units(&mut s, &mut link, BASE, 0, &[2]);
    assert_eq!(
        link.replies(),
        [
            "Ack",
            "Ack",
            "Error(NoKernel)",
            "Error(NoKernel)",
            "Ack",
            "Ack",
            "Log(\"hello from the kernel\\n\")",
            "Finished(1234)"
        ]
    );
    assert_eq!(s.board().memory[..6], [0, 0, 0, 0, 9, 9]);
    // A patch may continue the unit past its base's end (data grows at the tail) and shorten it.
    send(&mut s, &mut link, begin(3, 8, crc32(&[5, 7, 7])));
    send(
        &mut s,
        &mut link,
        Message::UnitChunk {
            at: 5,
            data: &[5, 7, 7],
        },
    );
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack", "Ack"]);
    assert_eq!(s.board().memory[..8], [0, 0, 0, 0, 9, 5, 7, 7]);
    let on_3 = |key, len, crc| Message::UnitBegin {
        key: [key; 16],
        offset: 0,
        len,
        crc,
        base: Some([3; 16]),
    };
    send(&mut s, &mut link, on_3(4, 2, crc32(&[])));
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack"]);
    assert_eq!(listing(&mut s, &mut link), [(4, 0, 2, false)]);
    // A gap after the valid bytes is refused (they would be stale), as is bytes never sent, a
    // wrong CRC, an unknown base or one at another offset.
    let on_4 = |key, len, crc| Message::UnitBegin {
        key: [key; 16],
        offset: 0,
        len,
        crc,
        base: Some([4; 16]),
    };
    send(&mut s, &mut link, on_4(5, 8, 0));
    send(&mut s, &mut link, Message::UnitChunk { at: 3, data: &[1] });
    assert_eq!(link.replies(), ["Ack", "Error(OutOfOrder)"]);
    put(&mut s, &mut link, 4, 0, &[0, 0]);
    send(&mut s, &mut link, on_4(5, 4, crc32(&[1])));
    send(&mut s, &mut link, Message::UnitChunk { at: 2, data: &[1] });
    send(&mut s, &mut link, Message::UnitEnd);
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(IncompleteImage)"]);
    put(&mut s, &mut link, 4, 0, &[0, 0]);
    send(&mut s, &mut link, on_4(5, 2, 99));
    send(&mut s, &mut link, Message::UnitEnd);
    send(&mut s, &mut link, on_3(6, 2, 0));
    assert_eq!(
        link.replies(),
        ["Ack", "Error(IncompleteImage)", "Error(UnknownUnit)"]
    );
    put(&mut s, &mut link, 4, 64, &[0, 0]);
    send(&mut s, &mut link, on_4(5, 2, 0));
    assert_eq!(link.replies(), ["Error(UnknownUnit)"]);
}

#[test]
fn a_replayed_kernel_waits_for_journal_records_and_reports_a_divergence() {
    let replay = |host_sends: &[Vec<u8>]| {
        let (mut s, mut link) = session();
        put(&mut s, &mut link, 1, 0, &[5, 0, 0, 0]);
        for f in host_sends {
            link.1.extend(f.iter().copied());
        }
        run_units(&mut s, &mut link, BASE, 0, &[1]);
        link.replies()
    };
    let record = |kind: RecordKind, value| {
        let mut out = [0u8; strobe_protocol::journal::MAX_RECORD_LEN];
        let n = Record {
            kind,
            site: BASE + 4,
            value,
            extra: 0,
        }
        .write(&mut out)
        .unwrap();
        out[..n].to_vec()
    };
    let counter = record(RecordKind::Counter, 77);
    let query = frame(Message::StoreQuery, 10);
    let journal = frame(Message::Journal { records: &counter }, 11);
    assert_eq!(
        replay(&[query, journal])[2..],
        [
            "ReplayShift { shift: -8, from: 16 }",
            "JournalNeed",
            "Error(Busy)",
            "Finished(77)"
        ]
    );
    let input = record(RecordKind::InputTimestamp, 5);
    let journal = frame(Message::Journal { records: &input }, 11);
    assert_eq!(
        replay(&[journal])[2..],
        [
            "ReplayShift { shift: -8, from: 16 }",
            "JournalNeed",
            "Diverged { consumed: 0, wanted: Counter, site: 1073741828 }",
            "Stopped { pc: 1073741824, reason: Divergence }"
        ]
    );
    // A Stop ends the wait.
    assert_eq!(
        replay(&[frame(Message::Stop, 11)])[2..],
        [
            "ReplayShift { shift: -8, from: 16 }",
            "JournalNeed",
            "Stopped { pc: 1073741824, reason: Request }"
        ]
    );
}
