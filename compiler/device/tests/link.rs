//! The host driver against the device's session code (the firmware's own protocol logic, run on the
//! host with a test board): over a pty pair as a serial line, and over TCP as to the simulator.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;
use strobe_device::{
    Device, DeviceError, FaultReport, KernelRun, Outcome, RpcAnswer, SerialTransport, TcpTransport,
};
use strobe_protocol::{ErrorCode, Message, StopReason};
use strobe_session::test_board::{TestBoard, BASE};
use strobe_session::{Link, Poll, Session};

/// The device's link: replies go to `W`; a running kernel's RPC answers are read from `R`.
struct Writer<W: Write, R: Read>(W, R);

impl<W: Write, R: Read> Link for Writer<W, R> {
    fn send(&mut self, bytes: &[u8]) {
        let _ = self.0.write_all(bytes);
        let _ = self.0.flush();
    }

    fn poll(&mut self) -> Poll {
        let mut b = [0u8; 1];
        match self.1.read(&mut b) {
            Ok(1) => Poll::Byte(b[0]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Poll::Empty
            }
            _ => Poll::Closed,
        }
    }
}

/// Serves the session on every accepted connection, as the firmware serves its UART.
fn serve_tcp(listener: TcpListener) {
    let mut session = Session::new(TestBoard::new(64 * 1024));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { return };
        let mut reader = stream.try_clone().expect("clone");
        let mut link = Writer(stream.try_clone().expect("clone"), stream);
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => session.receive(&buf[..n], &mut link),
            }
        }
        session.disconnected();
    }
}

fn image(first: u8, len: usize) -> Vec<u8> {
    std::iter::once(first)
        .chain((1..len).map(|i| (i * 7) as u8))
        .collect()
}

/// Puts `bytes` into the store as the unit at the region's start; returns the run of it.
fn put(device: &mut Device, bytes: &[u8]) -> KernelRun {
    device.put_image(bytes, BASE).expect("upload")
}

/// A run of a unit that is not in the store.
fn absent() -> KernelRun {
    KernelRun {
        entry: BASE,
        table: 0,
        units: vec![[0xee; 16]],
        fresh_timeline: false,
    }
}

#[test]
fn serial_link_over_a_pty_pair() {
    let (master, slave) = serialport::TTYPort::pair().expect("pty pair");
    let path = serialport::SerialPort::name(&slave).expect("pty name");
    // The device end: the session reading the master side.
    thread::spawn(move || {
        let mut reader = master.try_clone_native().expect("clone");
        let input = master.try_clone_native().expect("clone");
        let mut link = Writer(master, input);
        let mut session = Session::new(TestBoard::new(64 * 1024));
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => session.receive(&buf[..n], &mut link),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                Err(_) => break,
            }
        }
    });
    let transport = SerialTransport::open(&path, 115_200).expect("open the pty as a serial port");
    let mut device = Device::connect(Box::new(transport)).expect("handshake");
    assert_eq!(device.info().map(|i| i.kernel_base), Some(BASE));
    let kernel = image(0, 40_000); // several chunks
    let run = put(&mut device, &kernel);
    let mut streamed = String::new();
    let result = device.run(&run, |s| streamed.push_str(s)).expect("run");
    assert_eq!(result.outcome, Outcome::Finished { cycles: 1234 });
    assert_eq!(result.output, "hello from the kernel\n");
    assert_eq!(streamed, result.output);
    let run = put(&mut device, &image(1, 64));
    let raised = device.run(&run, |_| {}).expect("run");
    assert!(matches!(raised.outcome, Outcome::Exception { ref name, .. } if name == "ValueError"));
}

#[test]
fn tcp_link_recovers_from_a_mid_upload_disconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || serve_tcp(listener));

    // A host that dies in the middle of an upload, even in the middle of a frame.
    {
        let mut raw = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let mut buf = vec![0u8; 20_000];
        let n = Message::UnitBegin {
            key: [0xee; 16],
            offset: 0,
            len: 8192,
            crc: 0,
            base: None,
        }
        .encode(1, &mut buf)
        .unwrap();
        raw.write_all(&buf[..n]).unwrap();
        let n = Message::UnitChunk {
            at: 0,
            data: &[0; 4096],
        }
        .encode(2, &mut buf)
        .unwrap();
        raw.write_all(&buf[..n / 2]).unwrap();
    }
    let mut device = Device::connect(Box::new(
        TcpTransport::connect("127.0.0.1", port).expect("connect"),
    ))
    .expect("handshake");
    // The half upload was discarded: nothing to run.
    match device.run(&absent(), |_| {}) {
        Err(DeviceError::Refused {
            code: ErrorCode::NoKernel,
            ..
        }) => {}
        other => panic!("expected NoKernel, got {other:?}"),
    }
    let run = put(&mut device, &image(0, 10_000));
    assert_eq!(
        device.run(&run, |_| {}).expect("run").outcome,
        Outcome::Finished { cycles: 1234 }
    );
    // The link drops; the driver reconnects and the resident kernel is still there.
    device.recover().expect("recover");
    assert_eq!(device.store_listing().expect("listing").len(), 1);
    assert_eq!(
        device.run(&run, |_| {}).expect("run").outcome,
        Outcome::Finished { cycles: 1234 }
    );
    // A faulting kernel is reported (the store is emptied) and the device takes the next one.
    let faulting = put(&mut device, &image(2, 16));
    assert!(matches!(
        device.run(&faulting, |_| {}).expect("run").outcome,
        Outcome::Fault(FaultReport { cause: 2, .. })
    ));
    assert_eq!(device.store_listing().expect("listing"), []);
    let run = put(&mut device, &image(0, 16));
    assert_eq!(
        device.run(&run, |_| {}).expect("run").outcome,
        Outcome::Finished { cycles: 1234 }
    );
}

#[test]
fn corrupt_frames_get_error_replies() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || serve_tcp(listener));
    let mut raw = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    raw.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 64];
    let n = Message::Hello { host_version: 1 }
        .encode(5, &mut buf)
        .unwrap();
    buf[n - 1] ^= 0xff; // break the CRC
    raw.write_all(&buf[..n]).unwrap();
    let mut reply = [0u8; 64];
    let mut got = 0;
    while got < 18 {
        got += raw.read(&mut reply[got..]).expect("error reply");
    }
    let (frame, _) = strobe_protocol::frame::decode(&reply[..got]).expect("a valid frame");
    assert_eq!(
        Message::decode(&frame).unwrap(),
        Message::Error {
            code: ErrorCode::BadCrc,
            of_seq: 5
        }
    );
    // Garbage followed by a good handshake still works on the same connection.
    raw.write_all(b"\xff\x00noise").unwrap();
    drop(raw);
    let device = Device::connect(Box::new(
        TcpTransport::connect("127.0.0.1", port).expect("connect"),
    ));
    assert!(device.is_ok());
}

#[test]
fn a_kernel_rpc_is_served_by_the_host() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || serve_tcp(listener));
    let mut device = Device::connect(Box::new(
        TcpTransport::connect("127.0.0.1", port).expect("connect"),
    ))
    .expect("handshake");
    let run = put(&mut device, &image(3, 16));
    let mut calls = Vec::new();
    let result = device
        .run_with_rpc(
            &run,
            |_| {},
            |call| {
                calls.push(call.clone());
                RpcAnswer::Return {
                    tags: b"i".to_vec(),
                    value: 42i32.to_le_bytes().to_vec(),
                }
            },
            || false,
        )
        .expect("run");
    // The test board reports the answer as its cycle count.
    assert_eq!(result.outcome, Outcome::Finished { cycles: 42 });
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].service, calls[0].is_async), (7, false));
    assert_eq!(calls[0].args, 5i32.to_le_bytes());
    // Without an RPC server, the kernel's call raises in the kernel (reported as 1_000_001).
    let result = device.run(&run, |_| {}).expect("run");
    assert_eq!(result.outcome, Outcome::Finished { cycles: 1_000_001 });
}

#[test]
fn a_new_hosts_handshake_ends_an_orphaned_kernel() {
    // A device whose kernel still runs for a host that went away: the new host's `Hello` stops it;
    // the kernel's end comes first, then the reply to the `Hello`. Complaints about an earlier
    // host's frames do not fail the handshake.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let device = thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut decoder = strobe_protocol::FrameDecoder::<20_000>::new();
        let mut out = [0u8; 256];
        let mut byte = [0u8; 1];
        while stream.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
            if !matches!(decoder.push(byte[0]), strobe_protocol::frame::Step::Ready) {
                continue;
            }
            let frame = decoder.frame().expect("frame");
            let Ok(Message::Hello { .. }) = Message::decode(&frame) else {
                panic!("expected a Hello");
            };
            let info = strobe_session::Board::info(&TestBoard::new(16));
            for reply in [
                // A complaint about a frame an earlier host left unfinished: not about this Hello.
                Message::Error {
                    code: ErrorCode::BadCrc,
                    of_seq: frame.seq.wrapping_add(9),
                },
                Message::Heartbeat { cycles: 5 },
                Message::Stopped {
                    pc: BASE + 8,
                    reason: StopReason::Handshake,
                },
                Message::HelloReply(info),
            ] {
                let n = reply.encode(frame.seq, &mut out).expect("encode");
                stream.write_all(&out[..n]).expect("write");
            }
            return;
        }
    });
    let device_end = Device::connect(Box::new(
        TcpTransport::connect("127.0.0.1", port).expect("connect"),
    ))
    .expect("handshake after stopping the orphaned kernel");
    assert_eq!(device_end.info().map(|i| i.kernel_base), Some(BASE));
    device.join().expect("device thread");
}

/// A device served over TCP whose link reads time out (so a computing kernel's polls find nothing).
fn computing_device() -> Device {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut session = Session::new(TestBoard::new(64 * 1024));
        let (stream, _) = listener.accept().expect("accept");
        stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .expect("timeout");
        let mut link = Writer(stream.try_clone().expect("clone"), stream);
        loop {
            match link.poll() {
                Poll::Byte(b) => session.receive(&[b], &mut link),
                Poll::Empty => {}
                Poll::Closed => return,
            }
        }
    });
    Device::connect(Box::new(
        TcpTransport::connect("127.0.0.1", port).expect("connect"),
    ))
    .expect("handshake")
}

#[test]
fn an_interrupted_run_stops_the_kernel_and_heartbeats_are_not_output() {
    let mut device = computing_device();
    let run = put(&mut device, &image(4, 16));
    // The test board's computing kernel sends three heartbeats, polling the host between them.
    let result = device.run(&run, |_| {}).expect("run");
    assert_eq!(result.outcome, Outcome::Finished { cycles: 3 });
    assert_eq!(result.output, "hello from the kernel\n");
    let mut asked = 0;
    let result = device
        .run_with_rpc(
            &run,
            |_| {},
            strobe_device::no_host_functions,
            || {
                asked += 1;
                true
            },
        )
        .expect("run");
    assert_eq!(
        result.outcome,
        Outcome::Stopped {
            pc: BASE,
            reason: StopReason::Request
        }
    );
    assert_eq!(asked, 1, "asked until the Stop went out");
    // The device serves the next request as usual.
    assert!(device.store_listing().is_ok());
}
