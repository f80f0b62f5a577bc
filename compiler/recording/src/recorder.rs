//! Writes a recording as the runs go: each entry reaches the file when it is complete, so an
//! interrupted experiment leaves a file that reads as truncated, never as a shorter recording.

use crate::format::{self, EntryWriter, Payload};
use crate::{Header, ImageMap, RunRecord, UnitStore};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use strobe_device::journal::{Consumer, JournalMode};
use strobe_device::{Edge, Outcome, RpcAnswer, RpcCall, RunJournal, UnitKey};

/// A code unit a recorded run uses: its key, its bytes as linked on the device, and the object it
/// was linked from (none for the runtime's support unit).
pub struct CodeUnit<'a> {
    pub key: strobe_device::UnitKey,
    pub linked: &'a [u8],
    pub object: Option<&'a [u8]>,
}

pub struct Recorder {
    file: std::fs::File,
    path: PathBuf,
    writer: Option<EntryWriter>,
    /// Bytes not yet written to the file.
    pending: Vec<u8>,
    /// Image maps already in the file, by the code units (keys) the image is made of: equal keys
    /// are equal code at equal places, so an equal image.
    images: HashMap<Vec<UnitKey>, usize>,
    /// Units already kept in the unit store.
    stored: HashSet<UnitKey>,
    units: UnitStore,
    /// Device records and RPCs so far, and the device records' bytes.
    pub events: usize,
    pub device_bytes: usize,
}

impl Recorder {
    /// Starts the recording at `path`; code units go to `units`.
    pub fn create(path: &Path, header: &Header, units: UnitStore) -> std::io::Result<Recorder> {
        let file = std::fs::File::create(path)?;
        let mut pending = Vec::new();
        let mut writer = EntryWriter::start(&mut pending);
        writer.entry(&mut pending, format::TAG_HEADER, &format::header(header));
        let mut r = Recorder {
            file,
            path: path.to_path_buf(),
            writer: Some(writer),
            pending,
            images: HashMap::new(),
            stored: HashSet::new(),
            units,
            events: 0,
            device_bytes: 0,
        };
        r.write_out()?;
        Ok(r)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn entry(&mut self, tag: u8, payload: &Payload) {
        if let Some(w) = self.writer.as_mut() {
            w.entry(&mut self.pending, tag, payload);
        }
    }

    fn write_out(&mut self) -> std::io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.file.write_all(&pending)?;
        self.file.flush()
    }

    /// A run starts: its units (the code ones' linked bytes and, when it has one, their object
    /// kept in the unit store, by key), its image's map (`image` is called only for an image the
    /// recording does not have yet). `run.events` and its end are recorded as they come.
    pub fn begin_run(
        &mut self,
        run: &RunRecord,
        image: impl FnOnce() -> ImageMap,
        code: &[CodeUnit<'_>],
    ) -> std::io::Result<()> {
        for unit in code {
            if self.stored.contains(&unit.key) {
                continue;
            }
            self.units.put(&unit.key, unit.linked)?;
            if let Some(object) = unit.object {
                self.units.put_object(&unit.key, object)?;
            }
            self.stored.insert(unit.key);
        }
        let code_keys: Vec<UnitKey> = code.iter().map(|u| u.key).collect();
        let index = match self.images.get(&code_keys) {
            Some(&index) => index,
            None => {
                let index = self.images.len();
                self.images.insert(code_keys, index);
                self.entry(format::TAG_IMAGE, &format::image(&image()));
                index
            }
        };
        let run = RunRecord {
            image: index,
            ..run.clone()
        };
        self.entry(format::TAG_RUN, &format::run(&run));
        Ok(())
    }

    /// The run ended: what it printed and how it ended. The file has everything so far.
    pub fn end_run(&mut self, output: &str, outcome: &Outcome) -> std::io::Result<()> {
        self.entry(format::TAG_RUN_END, &format::run_end(output, outcome));
        self.write_out()
    }

    /// Ends the recording with the pins' trace (the simulated device's).
    pub fn finish(mut self, trace: Option<&[Edge]>) -> std::io::Result<()> {
        if let Some(edges) = trace {
            self.entry(format::TAG_TRACE, &format::trace(edges));
        }
        if let Some(w) = self.writer.take() {
            w.end(&mut self.pending);
        }
        self.write_out()
    }
}

impl RunJournal for Recorder {
    fn mode(&self) -> JournalMode {
        JournalMode::Record
    }

    fn records(&mut self, records: &[u8]) {
        self.events += strobe_device::journal::records(records).count();
        self.device_bytes += records.len();
        self.entry(format::TAG_DEVICE, &Payload(records.to_vec()));
    }

    // A recording device never asks for records or diverges.
    fn next_records(&mut self) -> Vec<u8> {
        Vec::new()
    }

    fn shift(&mut self, _: i64, _: i64) {}

    fn diverged(&mut self, _: u32, _: Consumer, _: u32) {}

    /// The host answers; the call and the answer (none for an async call) are recorded.
    fn rpc(&mut self, call: &RpcCall, host: &mut dyn FnMut(&RpcCall) -> RpcAnswer) -> RpcAnswer {
        let answer = host(call);
        self.events += 1;
        let kept = (!call.is_async).then_some(&answer);
        self.entry(format::TAG_RPC, &format::rpc(call, kept));
        answer
    }

    fn stop_requested(&self) -> bool {
        false
    }
}
