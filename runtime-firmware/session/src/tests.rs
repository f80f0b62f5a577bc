//! The session against a test board: uploads, runs and every refusal.

extern crate std;

use super::*;
use std::string::String;
use std::vec::Vec;
use strobe_protocol::crc::crc32;
use strobe_protocol::frame::decode;

use crate::test_board::{TestBoard, BASE};

/// Replies are captured; bytes queued in `incoming` are what the host sends while a kernel runs.
#[derive(Default)]
struct Captured(Vec<u8>, std::collections::VecDeque<u8>);

impl Link for Captured {
    fn send(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn poll(&mut self) -> Poll {
        self.1.pop_front().map(Poll::Byte).unwrap_or(Poll::Closed)
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

fn upload(s: &mut Session<TestBoard>, link: &mut Captured, image: &[u8]) {
    s.receive(
        &frame(
            Message::LoadBegin {
                image_len: image.len() as u32,
            },
            1,
        ),
        link,
    );
    for (i, chunk) in image.chunks(100).enumerate() {
        s.receive(
            &frame(
                Message::LoadChunk {
                    offset: i as u32 * 100,
                    data: chunk,
                },
                2 + i as u16,
            ),
            link,
        );
    }
    s.receive(
        &frame(
            Message::LoadEnd {
                image_crc: crc32(image),
            },
            99,
        ),
        link,
    );
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
    upload(&mut s, &mut link, &image);
    assert!(link.replies().iter().all(|r| r == "Ack"));
    assert!(s.has_kernel());
    assert_eq!(&s.board().memory[..300], &image[..]);
    s.receive(&frame(Message::Run { entry: BASE }, 100), &mut link);
    assert_eq!(
        link.replies(),
        ["Ack", "Log(\"hello from the kernel\\n\")", "Finished(1234)"]
    );
    s.board().memory[0] = 1;
    s.receive(&frame(Message::Run { entry: BASE }, 101), &mut link);
    assert_eq!(link.replies()[2], "Exception(ValueError)");
}

#[test]
fn never_runs_a_partial_or_corrupt_upload() {
    let (mut s, mut link) = session();
    s.receive(&frame(Message::Run { entry: BASE }, 1), &mut link);
    assert_eq!(link.replies(), ["Error(NoKernel)"]);
    // Missing last chunk.
    s.receive(&frame(Message::LoadBegin { image_len: 200 }, 1), &mut link);
    s.receive(
        &frame(
            Message::LoadChunk {
                offset: 0,
                data: &[0; 100],
            },
            2,
        ),
        &mut link,
    );
    s.receive(
        &frame(
            Message::LoadEnd {
                image_crc: crc32(&[0; 200]),
            },
            3,
        ),
        &mut link,
    );
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(IncompleteImage)"]);
    s.receive(&frame(Message::Run { entry: BASE }, 4), &mut link);
    assert_eq!(link.replies(), ["Error(NoKernel)"]);
    // Wrong CRC.
    s.receive(&frame(Message::LoadBegin { image_len: 4 }, 5), &mut link);
    s.receive(
        &frame(
            Message::LoadChunk {
                offset: 0,
                data: &[0; 4],
            },
            6,
        ),
        &mut link,
    );
    s.receive(&frame(Message::LoadEnd { image_crc: 12345 }, 7), &mut link);
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(IncompleteImage)"]);
    // Out-of-order chunk, chunk without LoadBegin, oversized image.
    s.receive(&frame(Message::LoadBegin { image_len: 8 }, 8), &mut link);
    s.receive(
        &frame(
            Message::LoadChunk {
                offset: 4,
                data: &[0; 4],
            },
            9,
        ),
        &mut link,
    );
    s.receive(
        &frame(
            Message::LoadChunk {
                offset: 0,
                data: &[0; 4],
            },
            10,
        ),
        &mut link,
    );
    s.receive(
        &frame(Message::LoadBegin { image_len: 1 << 20 }, 11),
        &mut link,
    );
    assert_eq!(
        link.replies(),
        [
            "Ack",
            "Error(OutOfOrder)",
            "Error(OutOfOrder)",
            "Error(ImageTooLarge)"
        ]
    );
    assert_eq!(s.board().runs, 0);
    // A disconnect in the middle of an upload discards it.
    s.receive(&frame(Message::LoadBegin { image_len: 8 }, 12), &mut link);
    s.receive(
        &frame(
            Message::LoadChunk {
                offset: 0,
                data: &[0; 8],
            },
            13,
        ),
        &mut link,
    );
    s.disconnected();
    s.receive(
        &frame(
            Message::LoadEnd {
                image_crc: crc32(&[0; 8]),
            },
            14,
        ),
        &mut link,
    );
    assert_eq!(link.replies(), ["Ack", "Ack", "Error(OutOfOrder)"]);
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
    upload(&mut s, &mut link, &[0; 8]);
    link.replies();
    s.receive(&frame(Message::Run { entry: BASE + 2 }, 11), &mut link);
    s.receive(&frame(Message::Run { entry: BASE + 8 }, 12), &mut link);
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
    upload(&mut s, &mut link, &[3, 0, 0, 0]);
    link.replies();
    for f in host_sends {
        link.1.extend(f.iter().copied());
    }
    s.receive(&frame(Message::Run { entry: BASE }, 9), &mut link);
    link.replies()
}

#[test]
fn a_synchronous_rpc_waits_for_its_answer_and_refuses_other_requests() {
    let hello = frame(
        Message::Hello {
            host_version: PROTOCOL_VERSION,
        },
        10,
    );
    let answer = frame(
        Message::RpcReturn {
            tags: b"i",
            value: &[42, 0, 0, 0],
        },
        11,
    );
    assert_eq!(
        run_rpc_kernel(&[hello, answer]),
        [
            "Ack",
            "Log(\"hello from the kernel\\n\")",
            "RpcCall { service: 7, is_async: false, tags: [105], args: [5, 0, 0, 0], ret_tags: [105] }",
            "Error(Busy)",
            "Finished(42)"
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
    let replies = run_rpc_kernel(&[stop]);
    assert_eq!(replies[replies.len() - 2..], ["Ack", "Finished(1000002)"]);
    assert_eq!(run_rpc_kernel(&[]).last().unwrap(), "Finished(1000002)");
}

#[test]
fn patches_change_a_loaded_image_and_never_run_half_done() {
    let (mut s, mut link) = session();
    upload(&mut s, &mut link, &[1, 0, 0, 0, 9, 9]);
    link.replies();
    let patch = |s: &mut Session<TestBoard>, link: &mut Captured, offset, data: &[u8], seq| {
        s.receive(&frame(Message::LoadPatch { offset, data }, seq), link)
    };
    let run = |s: &mut Session<TestBoard>, link: &mut Captured| {
        s.receive(&frame(Message::Run { entry: BASE }, 50), link)
    };
    // Byte 0 goes from 1 (raises) to 0 (finishes); a run in between is refused.
    patch(&mut s, &mut link, 0, &[0], 10);
    run(&mut s, &mut link);
    s.receive(
        &frame(
            Message::PatchEnd {
                patch_crc: crc32(&[0]),
                image_len: 6,
            },
            11,
        ),
        &mut link,
    );
    run(&mut s, &mut link);
    assert_eq!(
        link.replies(),
        [
            "Ack",
            "Error(NoKernel)",
            "Ack",
            "Ack",
            "Log(\"hello from the kernel\\n\")",
            "Finished(1234)"
        ]
    );
    assert_eq!(s.board().memory[..6], [0, 0, 0, 0, 9, 9]);
    // A wrong patch CRC discards the image; a patch past its end, or without an image, is refused.
    patch(&mut s, &mut link, 4, &[1], 12);
    s.receive(
        &frame(
            Message::PatchEnd {
                patch_crc: 0,
                image_len: 6,
            },
            13,
        ),
        &mut link,
    );
    run(&mut s, &mut link);
    patch(&mut s, &mut link, 0, &[1], 14);
    assert_eq!(
        link.replies(),
        [
            "Ack",
            "Error(IncompleteImage)",
            "Error(NoKernel)",
            "Error(OutOfOrder)"
        ]
    );
    // A patch may continue the image past its end (quoted data grows at the tail), and shorten it.
    upload(&mut s, &mut link, &[0, 0]);
    patch(&mut s, &mut link, 1, &[5, 7, 7], 20);
    s.receive(
        &frame(
            Message::PatchEnd {
                patch_crc: crc32(&[5, 7, 7]),
                image_len: 4,
            },
            21,
        ),
        &mut link,
    );
    assert_eq!(link.replies()[..2], ["Ack", "Ack"]);
    assert_eq!(s.board().memory[..4], [0, 5, 7, 7]);
    patch(&mut s, &mut link, 0, &[1], 22);
    s.receive(
        &frame(
            Message::PatchEnd {
                patch_crc: crc32(&[1]),
                image_len: 5,
            },
            23,
        ),
        &mut link,
    );
    assert_eq!(
        link.replies()[..2],
        ["Ack", "Error(IncompleteImage)"],
        "byte 4 was never sent"
    );
    upload(&mut s, &mut link, &[0, 0]);
    // A gap after the image's end is refused (the bytes in it would be stale).
    patch(&mut s, &mut link, 3, &[1, 2], 15);
    // A dropped link in the middle of a patch discards the image too.
    upload(&mut s, &mut link, &[0, 0]);
    patch(&mut s, &mut link, 1, &[1], 16);
    s.disconnected();
    run(&mut s, &mut link);
    let replies = link.replies();
    assert_eq!(
        replies[replies.len() - 6..],
        [
            "Error(OutOfOrder)",
            "Ack",
            "Ack",
            "Ack",
            "Ack",
            "Error(NoKernel)"
        ]
    );
}
