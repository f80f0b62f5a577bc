//! The replaying core device under `qemu-riscv32` (Linux user mode): a program linked from a
//! recording's kernel objects and [`crate::REPLAY_RT_ARCHIVE`], serving the link session over its
//! stdin and stdout (a [`Transport`]) and writing its output events on stderr, from which the pins'
//! edges are made.

use crate::trace::Edge;
use crate::transport::Transport;
use std::collections::VecDeque;
use std::io::{self, BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The output events a replaying device wrote, and whatever else it said on stderr.
#[derive(Clone, Default)]
pub struct QemuOutput(Arc<Mutex<(Vec<Edge>, String)>>);

impl QemuOutput {
    /// The pins: for each TTL output, its level changes, events taken in timestamp order (a later
    /// event at the same time replaces an earlier one), all sorted as the simulator's trace is.
    pub fn edges(&self) -> Vec<Edge> {
        let events = self.0.lock().expect("qemu output").0.clone();
        let mut channels: Vec<u32> = events.iter().map(|e| e.channel).collect();
        channels.sort_unstable();
        channels.dedup();
        let mut edges = Vec::new();
        for channel in channels {
            let mut mine: Vec<&Edge> = events.iter().filter(|e| e.channel == channel).collect();
            mine.sort_by_key(|e| e.timestamp);
            let mut settled: Vec<Edge> = Vec::new();
            for e in mine {
                match settled.last_mut() {
                    Some(last) if last.timestamp == e.timestamp => *last = *e,
                    _ => settled.push(*e),
                }
            }
            let mut level = 0;
            for e in settled {
                if e.value != level {
                    level = e.value;
                    edges.push(e);
                }
            }
        }
        edges.sort();
        edges
    }

    /// What it wrote on stderr that is not an event.
    pub fn messages(&self) -> String {
        self.0.lock().expect("qemu output").1.clone()
    }
}

pub struct QemuDevice {
    child: Child,
    stdin: Option<ChildStdin>,
    chunks: Receiver<Vec<u8>>,
    pending: VecDeque<u8>,
    timeout: Duration,
    stderr: Option<std::thread::JoinHandle<()>>,
    dir: std::path::PathBuf,
}

impl QemuDevice {
    /// Starts `qemu-riscv32` on the linked program `elf`; `output` collects its events.
    pub fn start(elf: &[u8], output: &QemuOutput) -> io::Result<QemuDevice> {
        use std::os::unix::fs::PermissionsExt;
        static STARTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("strobe-qemu-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("replay.elf");
        std::fs::write(&path, elf)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        let mut child = Command::new("qemu-riscv32")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot run qemu-riscv32 (Debian's qemu-user: `cargo xtask setup`): {e}"
                    ),
                )
            })?;
        let mut stdout = child.stdout.take().expect("piped");
        let (send, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                if send.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let stderr = std::io::BufReader::new(child.stderr.take().expect("piped"));
        let sink = output.0.clone();
        let stderr = std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let mut out = sink.lock().expect("qemu output");
                match Edge::parse(&line) {
                    Some(e) => out.0.push(e),
                    None => {
                        out.1.push_str(&line);
                        out.1.push('\n');
                    }
                }
            }
        });
        Ok(QemuDevice {
            stdin: child.stdin.take(),
            child,
            chunks,
            pending: VecDeque::new(),
            timeout: Duration::from_secs(10),
            stderr: Some(stderr),
            dir,
        })
    }
}

impl Read for QemuDevice {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            match self.chunks.recv_timeout(self.timeout) {
                Ok(chunk) => self.pending.extend(chunk),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "qemu is silent"))
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
            }
        }
        let n = buf.len().min(self.pending.len());
        for (slot, b) in buf.iter_mut().zip(self.pending.drain(..n)) {
            *slot = b;
        }
        Ok(n)
    }
}

/// A replaying program that ended (it stops at a divergence) reads no more: what the host still
/// sends it is dropped, and what it printed before it ended is still read (then the end), as from
/// a peer that closed its side. Under load the host may well be writing when it ends.
impl Write for QemuDevice {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Ok(buf.len());
        };
        match stdin.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stdin = None;
                Ok(buf.len())
            }
            result => result,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.stdin.as_mut().map_or(Ok(()), |s| s.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.stdin = None;
                Ok(())
            }
            result => result,
        }
    }
}

impl Transport for QemuDevice {
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.timeout = timeout;
        Ok(())
    }

    fn reconnect(&mut self) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a replaying qemu device cannot be reconnected",
        ))
    }
}

impl Drop for QemuDevice {
    /// Closes its input (the program ends), waits for it and for the last of its events.
    fn drop(&mut self) {
        self.stdin = None;
        let ended = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if !ended {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if let Some(t) = self.stderr.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
