//! Message encoding and decoding: round trips, exact bytes, and every refusal.
use super::*;
use crate::frame::decode;

fn round_trip(m: Message<'_>) {
    let mut buf = [0u8; 512];
    let n = m.encode(42, &mut buf).unwrap();
    let (f, used) = decode(&buf[..n]).unwrap();
    assert_eq!(used, n);
    assert_eq!(f.seq, 42);
    assert_eq!(Message::decode(&f).unwrap(), m);
}

#[test]
fn every_message_round_trips() {
    let info = DeviceInfo {
        protocol_version: 1,
        abi_version: 1,
        abi_hash: [7; 32],
        kernel_base: 0x4000_0000,
        kernel_size: 0x10_0000,
        clock_hz: 125_000_000,
        isa: 1,
        rtio: RtioChannels {
            outputs: 8,
            inputs: 3,
            clock_generators: 1,
        },
    };
    let mut listing = [0u8; 2 * STORE_ENTRY_LEN];
    for (i, out) in listing.chunks_exact_mut(STORE_ENTRY_LEN).enumerate() {
        StoreEntry {
            key: [i as u8; 16],
            offset: 64 * i as u32,
            len: 64,
            last_used: 3,
            pinned: i == 1,
        }
        .write(out.try_into().unwrap());
    }
    for m in [
        Message::Hello { host_version: 1 },
        Message::HelloReply(info),
        Message::StoreQuery,
        Message::StoreListing { entries: &listing },
        Message::UnitBegin {
            key: [3; 16],
            offset: 512,
            len: 4096,
            crc: 0xdead_beef,
            base: None,
        },
        Message::UnitBegin {
            key: [3; 16],
            offset: 512,
            len: 4096,
            crc: 7,
            base: Some([4; 16]),
        },
        Message::UnitChunk {
            at: 8,
            data: b"\x13\x05\x00\x00",
        },
        Message::UnitEnd,
        Message::LogQuery,
        Message::LogText {
            text: "RTIO collision involving channel 2\n",
        },
        Message::LogClear,
        Message::UnitPin {
            key: [5; 16],
            pinned: true,
        },
        Message::Run {
            entry: 0x4000_0010,
            table: 0x4000_0100,
            units: &[9; 32],
            fresh_timeline: true,
            journal: crate::journal::JournalMode::Replay,
        },
        Message::Stop,
        Message::Ack { of_seq: 3 },
        Message::Error {
            code: ErrorCode::NoKernel,
            of_seq: 9,
        },
        Message::Log { text: "hello\n" },
        Message::Finished { cycles: 1 << 40 },
        Message::Exception(ExceptionReport {
            type_id: 4,
            name: "ValueError",
            message: "bad",
            traceback: "k.py:3:main\n",
        }),
        Message::Fault(FaultReport {
            cause: 2,
            pc: 0x4000_0020,
            value: 0,
        }),
        Message::Stopped {
            pc: 0x4000_0040,
            reason: StopReason::Handshake,
        },
        Message::Heartbeat { cycles: 1 << 33 },
        Message::RpcCall {
            service: 3,
            site: 0x4000_0104,
            is_async: true,
            tags: b"is",
            args: &[5, 0, 0, 0, 2, 0, 0, 0, b'o', b'k'],
            ret_tags: b"n",
        },
        Message::RpcReturn {
            tags: b"b",
            value: &[1],
        },
        Message::RpcCallStart {
            service: 4,
            site: 8,
            is_async: false,
            tags: b"li",
            ret_tags: b"n",
            args_len: 100_000,
        },
        Message::RpcCallPart { data: &[1, 2, 3] },
        Message::RpcReturnStart {
            tags: b"lI",
            value_len: 800_004,
        },
        Message::RpcReturnPart { data: &[4, 5] },
        Message::Journal {
            records: &[2, 4, 0, 0, 0x40, 0x80, 0x01],
        },
        Message::JournalNeed,
        Message::ReplayShift {
            shift: -8,
            from: 1 << 40,
        },
        Message::Diverged {
            consumed: 3,
            wanted: crate::journal::Consumer::Rpc,
            site: 0x4000_0200,
        },
        Message::RpcException(ExceptionReport {
            type_id: 0,
            name: "ValueError",
            message: "from the host",
            traceback: "",
        }),
    ] {
        round_trip(m);
    }
}

#[test]
fn journal_messages_hold_whole_records() {
    let decode_one = |records| {
        let mut buf = [0u8; 64];
        let n = Message::Journal { records }.encode(1, &mut buf).unwrap();
        let (f, _) = decode(&buf[..n]).unwrap();
        Message::decode(&f).map(|_| ())
    };
    assert_eq!(decode_one(&[]), Ok(()));
    assert_eq!(decode_one(&[3, 0, 0, 0, 0, 1]), Ok(()));
    // Cut inside a record, or an unknown kind.
    assert_eq!(decode_one(&[3, 0, 0, 0, 0, 1, 2, 0]), Err(Error::Truncated));
    assert_eq!(decode_one(&[99, 0, 0, 0, 0, 1]), Err(Error::BadField));
}

#[test]
fn rpc_payloads_must_match_their_types() {
    let decode_one = |m: Message<'_>| {
        let mut buf = [0u8; 64];
        let n = m.encode(1, &mut buf).unwrap();
        let (f, _) = decode(&buf[..n]).unwrap();
        Message::decode(&f).map(|_| ())
    };
    let call = |tags, args| Message::RpcCall {
        service: 1,
        site: 0,
        is_async: false,
        tags,
        args,
        ret_tags: b"li",
    };
    assert_eq!(decode_one(call(b"i", &[1, 2])), Err(Error::Truncated));
    assert_eq!(decode_one(call(b"", &[1])), Err(Error::TrailingBytes));
    assert_eq!(decode_one(call(b"q", &[])), Err(Error::BadField));
    // The expected result is exactly one type.
    let bad_return = Message::RpcCall {
        service: 1,
        site: 0,
        is_async: false,
        tags: b"",
        args: &[],
        ret_tags: b"ii",
    };
    assert_eq!(decode_one(bad_return), Err(Error::BadField));
    // A return is exactly one value.
    let ret = |tags, value| Message::RpcReturn { tags, value };
    assert_eq!(decode_one(ret(b"bb", &[1, 0])), Err(Error::BadField));
    assert_eq!(decode_one(ret(b"", &[])), Err(Error::Truncated));
    assert_eq!(decode_one(ret(b"n", &[])), Ok(()));
}

#[test]
fn exact_bytes_of_a_message() {
    let mut buf = [0u8; 64];
    let n = Message::Error {
        code: ErrorCode::BadCrc,
        of_seq: 0x0203,
    }
    .encode(1, &mut buf)
    .unwrap();
    assert_eq!(
        &buf[..n - 4],
        &[b'S', b'B', 5, 9, 1, 0, 4, 0, 0, 0, 2, 0, 3, 2]
    );
}

#[test]
fn wire_values_round_trip() {
    for k in MessageKind::ALL {
        assert_eq!(MessageKind::from_wire(*k as u8), Ok(*k));
    }
    for c in ErrorCode::ALL {
        assert_eq!(ErrorCode::from_wire(*c as u16), Ok(*c));
    }
    assert_eq!(MessageKind::from_wire(0), Err(Error::UnknownKind(0)));
    assert_eq!(ErrorCode::from_wire(0), Err(Error::BadField));
}

#[test]
fn bad_payloads_are_rejected() {
    let frame = |kind, payload| Frame {
        kind,
        seq: 1,
        payload,
    };
    assert_eq!(
        Message::decode(&frame(99, &[])),
        Err(Error::UnknownKind(99))
    );
    assert_eq!(
        Message::decode(&frame(MessageKind::Run as u8, &[1, 2])),
        Err(Error::Truncated)
    );
    assert_eq!(
        Message::decode(&frame(MessageKind::Stopped as u8, &[0, 0, 0, 0, 9])),
        Err(Error::BadField)
    );
    assert_eq!(
        Message::decode(&frame(MessageKind::Stop as u8, &[0])),
        Err(Error::TrailingBytes)
    );
    assert_eq!(
        Message::decode(&frame(MessageKind::Error as u8, &[0xff, 0, 0, 0])),
        Err(Error::BadField)
    );
    // A chunk claiming more data than the frame holds.
    assert_eq!(
        Message::decode(&frame(
            MessageKind::UnitChunk as u8,
            &[0, 0, 0, 0, 0xff, 0xff, 0, 0, 1]
        )),
        Err(Error::Truncated)
    );
    // A listing that is not whole entries, a run whose unit list is not whole keys.
    assert_eq!(
        Message::decode(&frame(MessageKind::StoreListing as u8, &[0; 30])),
        Err(Error::Truncated)
    );
    assert_eq!(
        Message::decode(&frame(
            MessageKind::Run as u8,
            &[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0]
        )),
        Err(Error::Truncated)
    );
    // Log text that is not UTF-8.
    assert_eq!(
        Message::decode(&frame(MessageKind::Log as u8, &[1, 0, 0, 0, 0xff])),
        Err(Error::BadField)
    );
    let mut small = [0u8; 12];
    assert_eq!(
        Message::Log {
            text: "too long for this"
        }
        .encode(1, &mut small),
        Err(Error::BufferFull)
    );
}
