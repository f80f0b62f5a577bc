//! Kernel runs: the `Run` request, then the running kernel served until it ends (its output, its
//! RPCs, and when the run is recorded or replayed, its journal).

use super::*;
use strobe_protocol::journal::{Consumer, JournalMode};

/// What a recorded or replayed run does with the device's journal (`strobe_protocol::journal`).
pub trait RunJournal {
    /// `Record` or `Replay`.
    fn mode(&self) -> JournalMode;
    /// Recording: records the device sent, in order.
    fn records(&mut self, records: &[u8]);
    /// Replay: the device's next records (whole ones, at most `JOURNAL_CHUNK` bytes); none when
    /// the journal has no more before its next RPC or the run's end.
    fn next_records(&mut self) -> Vec<u8>;
    /// Replay: the device shifts the recorded timeline by `shift` on its RTIO core, from RTIO
    /// counter value `from` on.
    fn shift(&mut self, shift: i64, from: i64);
    /// Replay: the kernel did `wanted` at `site` after `consumed` of the run's records.
    fn diverged(&mut self, consumed: u32, wanted: Consumer, site: u32);
    /// The answer to the kernel's RPC `call` (dropped for an async one): recording, `host`'s,
    /// recorded; replay, the recorded one.
    fn rpc(&mut self, call: &RpcCall, host: &mut dyn FnMut(&RpcCall) -> RpcAnswer) -> RpcAnswer;
    /// Whether the run is to be stopped (a replay that diverged).
    fn stop_requested(&self) -> bool;
}

/// The run's journal, which a journal message (`what`) needs in `mode`; else the device sent it
/// out of turn.
fn in_mode<'j>(
    journal: Option<&'j mut (dyn RunJournal + '_)>,
    mode: JournalMode,
    what: &str,
) -> Result<&'j mut (dyn RunJournal + 'j), DeviceError> {
    match journal {
        Some(j) if j.mode() == mode => Ok(j),
        _ => Err(DeviceError::Unexpected {
            during: "the kernel runs",
            reply: format!("{what} from a run not in {mode:?} mode"),
        }),
    }
}

impl Device {
    /// Runs kernel `run`, passing its output to `on_output` as it arrives. A kernel that calls the
    /// host gets an exception: use [`Device::run_with_rpc`] to serve its calls.
    pub fn run(
        &mut self,
        run: &KernelRun,
        on_output: impl FnMut(&str),
    ) -> Result<RunResult, DeviceError> {
        self.run_with_rpc(run, on_output, no_host_functions, || false)
    }

    /// An RPC result too large for one frame: announced, then sent in acknowledged parts.
    fn return_in_parts(&mut self, tags: &[u8], value: &[u8]) -> Result<(), DeviceError> {
        self.transport.set_read_timeout(REPLY_TIMEOUT)?;
        let sent = self.send_parts(tags, value);
        self.transport.set_read_timeout(RUN_POLL)?;
        sent
    }

    fn send_parts(&mut self, tags: &[u8], value: &[u8]) -> Result<(), DeviceError> {
        let seq = self.send(&Message::RpcReturnStart {
            tags,
            value_len: value.len() as u32,
        })?;
        self.expect_ack(seq, "sending a large RPC result")?;
        for data in value.chunks(MAX_PAYLOAD as usize - 64) {
            let seq = self.send(&Message::RpcReturnPart { data })?;
            self.expect_ack(seq, "sending a large RPC result")?;
        }
        Ok(())
    }

    /// Runs the loaded kernel, serving its RPCs with `on_rpc` (whose answer to an async call is
    /// dropped) while they arrive, in order. When `interrupted()` (asked about every
    /// [`RUN_POLL`]) says so, the kernel is stopped: its outcome is then `Stopped`.
    pub fn run_with_rpc(
        &mut self,
        run: &KernelRun,
        on_output: impl FnMut(&str),
        on_rpc: impl FnMut(&RpcCall) -> RpcAnswer,
        interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult, DeviceError> {
        self.run_journaled(run, None, on_output, on_rpc, interrupted)
    }

    /// [`Device::run_with_rpc`], the run recorded or replayed through `journal` (none: neither).
    pub fn run_journaled(
        &mut self,
        run: &KernelRun,
        journal: Option<&mut dyn RunJournal>,
        on_output: impl FnMut(&str),
        on_rpc: impl FnMut(&RpcCall) -> RpcAnswer,
        interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult, DeviceError> {
        let units: Vec<u8> = run.units.iter().flatten().copied().collect();
        let seq = self.send(&Message::Run {
            entry: run.entry,
            table: run.table,
            units: &units,
            fresh_timeline: run.fresh_timeline,
            journal: journal.as_ref().map_or(JournalMode::Off, |j| j.mode()),
        })?;
        self.expect_ack(seq, "starting the kernel")?;
        // Parts of an RPC an earlier, abandoned run started are not this run's.
        self.partial_rpc = None;
        self.transport.set_read_timeout(RUN_POLL)?;
        let result = self.serve_run(journal, on_output, on_rpc, interrupted);
        self.transport.set_read_timeout(REPLY_TIMEOUT)?;
        result
    }

    /// Serves a running kernel until it ends.
    fn serve_run(
        &mut self,
        mut journal: Option<&mut dyn RunJournal>,
        mut on_output: impl FnMut(&str),
        mut on_rpc: impl FnMut(&RpcCall) -> RpcAnswer,
        mut interrupted: impl FnMut() -> bool,
    ) -> Result<RunResult, DeviceError> {
        let mut output = String::new();
        self.heard = Instant::now();
        let mut stopping = false;
        loop {
            let journal_stops = journal.as_deref().is_some_and(|j| j.stop_requested());
            if !stopping && (journal_stops || interrupted()) {
                self.send(&Message::Stop)?;
                stopping = true;
                self.heard = Instant::now();
            }
            // Silence is measured from the last byte (a large RPC's parts take a while).
            let Some(reply) = self.poll_reply("the kernel runs")? else {
                if self.heard.elapsed() > RUN_SILENCE {
                    return Err(DeviceError::Timeout("the kernel runs"));
                }
                continue;
            };
            match reply {
                Reply::Heartbeat => {}
                Reply::Log(text) => {
                    on_output(&text);
                    output.push_str(&text);
                }
                // Once stopping, calls are left unanswered: the device ends the wait on the `Stop`.
                Reply::Rpc(_) if stopping => {}
                Reply::Rpc(call) => {
                    let answer = match journal.as_deref_mut() {
                        Some(j) => j.rpc(&call, &mut on_rpc),
                        None => on_rpc(&call),
                    };
                    // The host's own time serving it is not the device's silence.
                    self.heard = Instant::now();
                    if call.is_async {
                        continue;
                    }
                    match &answer {
                        RpcAnswer::Return { tags, value }
                            if tags.len() + value.len() + 8 > MAX_PAYLOAD as usize =>
                        {
                            self.return_in_parts(tags, value)?;
                            continue;
                        }
                        RpcAnswer::Return { tags, value } => {
                            self.send(&Message::RpcReturn { tags, value })?
                        }
                        RpcAnswer::Exception {
                            type_id,
                            name,
                            message,
                        } => self.send(&Message::RpcException(ExceptionReport {
                            type_id: *type_id,
                            name,
                            message,
                            traceback: "",
                        }))?,
                    };
                }
                Reply::Journal(records) => in_mode(
                    journal.as_deref_mut(),
                    JournalMode::Record,
                    "journal records",
                )?
                .records(&records),
                Reply::JournalNeed => {
                    let j = in_mode(
                        journal.as_deref_mut(),
                        JournalMode::Replay,
                        "a journal request",
                    )?;
                    let records = j.next_records();
                    self.send(&Message::Journal { records: &records })?;
                }
                Reply::ReplayShift { shift, from } => in_mode(
                    journal.as_deref_mut(),
                    JournalMode::Replay,
                    "a replay shift",
                )?
                .shift(shift, from),
                Reply::Diverged {
                    consumed,
                    wanted,
                    site,
                } => in_mode(journal.as_deref_mut(), JournalMode::Replay, "a divergence")?
                    .diverged(consumed, wanted, site),
                Reply::Done(outcome) => return Ok(RunResult { output, outcome }),
                Reply::Error(code, _) => {
                    return Err(DeviceError::Refused {
                        code,
                        during: "running the kernel",
                    })
                }
                other => {
                    return Err(DeviceError::Unexpected {
                        during: "the kernel runs",
                        reply: format!("{other:?}"),
                    })
                }
            }
        }
    }
}
