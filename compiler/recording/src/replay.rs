//! A recorded run fed back to a device: the device's journal records in order, each RPC answered
//! with the recorded answer once the call is checked against the recorded one, and the first
//! divergence described in source terms.

use crate::{describe, Event, RunRecord, SiteMap};
use strobe_device::journal::{
    Consumer, JournalMode, Record, RecordKind, JOURNAL_CHUNK, MAX_RECORD_LEN,
};
use strobe_device::{Edge, Outcome, RpcAnswer, RpcCall, RunJournal, RunResult};
use strobe_link::LineRow;

/// The first point where a replay did not do what the recording did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// Counted from 1.
    pub run: usize,
    pub recorded: String,
    pub replayed: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the replay diverged in kernel run {}:\n  recorded: the kernel {}\n  replayed: the kernel {}",
            self.run, self.recorded, self.replayed
        )
    }
}

/// One run's replay (see the module's documentation).
pub struct RunReplay<'a> {
    run: &'a RunRecord,
    lines: &'a [LineRow],
    number: usize,
    /// The next event not yet handed to the device (device records, and markers of the RPCs
    /// between them).
    next: usize,
    /// The events handed to the device, in order.
    sent: Vec<usize>,
    /// The next event that may be the kernel's next RPC (none before it is unanswered).
    next_rpc: usize,
    /// The shift the device chose for this run, and the RTIO counter value from which it holds.
    pub shift: Option<(i64, i64)>,
    pub divergence: Option<Divergence>,
    /// Where the recorded sites are in the replayed code (the same place on the same device).
    sites: SiteMap,
}

impl<'a> RunReplay<'a> {
    /// Replays `run` (run `number`, from 1) whose code lines are `lines`.
    pub fn new(run: &'a RunRecord, lines: &'a [LineRow], number: usize) -> Self {
        RunReplay {
            run,
            lines,
            number,
            next: 0,
            sent: Vec::new(),
            next_rpc: 0,
            shift: None,
            divergence: None,
            sites: SiteMap::default(),
        }
    }

    /// The replay runs the recorded code linked elsewhere: `sites` translates call sites.
    pub fn with_sites(self, sites: SiteMap) -> Self {
        RunReplay { sites, ..self }
    }

    fn diverge(&mut self, recorded: String, replayed: String) {
        if self.divergence.is_none() {
            self.divergence = Some(Divergence {
                run: self.number,
                recorded,
                replayed,
            });
        }
    }

    /// What the recording does next after the events the device consumed.
    fn recorded_next(&self, consumed: usize) -> String {
        let next = self.sent.get(consumed).copied().unwrap_or(self.next);
        match self.run.events.get(next) {
            Some(e) => describe::event(self.lines, e),
            None => format!(
                "{} (nothing else was recorded)",
                describe::outcome(&self.run.outcome)
            ),
        }
    }

    /// The recorded answer to the kernel's RPC `call`. A call that is not the recording's next
    /// event is a divergence, answered with a RuntimeError (the run is being stopped).
    fn answer(&mut self, call: &RpcCall) -> RpcAnswer {
        let call = RpcCall {
            site: self.sites.to_recorded(call.site),
            ..call.clone()
        };
        let replayed = describe::event(
            self.lines,
            &Event::Rpc(crate::RpcRecord {
                call: call.clone(),
                answer: None,
            }),
        );
        // The device checked that the journal's next event is this call, at this site.
        let next = (self.next_rpc..self.run.events.len())
            .find(|&i| matches!(self.run.events[i], Event::Rpc(_)));
        match next.map(|i| (i, &self.run.events[i])) {
            Some((i, Event::Rpc(r))) if r.call == call => {
                self.next_rpc = i + 1;
                if let Some(answer) = &r.answer {
                    return answer.clone();
                }
            }
            Some((i, e)) => {
                self.next_rpc = i + 1;
                let recorded = describe::event(self.lines, e);
                self.diverge(recorded, replayed);
            }
            None => {
                let recorded = self.recorded_next(self.sent.len());
                self.diverge(recorded, replayed);
            }
        }
        RpcAnswer::Exception {
            type_id: strobe_abi::ExceptionId::RuntimeError as u32,
            name: "RuntimeError".into(),
            message: "the replay diverged".into(),
        }
    }

    /// After the run: the first divergence, else whether the run ended as recorded (the same
    /// output, outcome, and every event consumed).
    pub fn finish(mut self, result: &RunResult) -> Result<(), Divergence> {
        if let Some(d) = self.divergence.take() {
            return Err(d);
        }
        let ended = describe::outcome(&result.outcome);
        let rpcs_left = self.run.events[self.next_rpc..]
            .iter()
            .any(|e| matches!(e, Event::Rpc(_)));
        if self.next < self.run.events.len() || rpcs_left {
            let recorded = self.recorded_next(self.sent.len());
            self.diverge(recorded, ended);
        } else if let Err(replayed) = compare_outcomes(&self.run.outcome, &result.outcome) {
            self.diverge(describe::outcome(&self.run.outcome), replayed);
        } else if self.run.output != result.output {
            self.diverge(
                format!("printed {:?}", self.run.output),
                format!("printed {:?}", result.output),
            );
        }
        self.divergence.map_or(Ok(()), Err)
    }
}

impl RunJournal for RunReplay<'_> {
    fn mode(&self) -> JournalMode {
        JournalMode::Replay
    }

    fn records(&mut self, _: &[u8]) {}

    fn next_records(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(e) = self.run.events.get(self.next) {
            // An RPC goes to the device as a marker: the records after it follow the call.
            let r = match e {
                Event::Device(r) => *r,
                Event::Rpc(rpc) => Record {
                    kind: RecordKind::Rpc,
                    site: rpc.call.site,
                    value: rpc.call.service as i64,
                    extra: 0,
                },
            };
            let r = Record {
                site: self.sites.to_replayed(r.site),
                ..r
            };
            let mut buf = [0u8; MAX_RECORD_LEN];
            let n = r.write(&mut buf).expect("room for one record");
            if out.len() + n > JOURNAL_CHUNK {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            self.sent.push(self.next);
            self.next += 1;
        }
        out
    }

    fn shift(&mut self, shift: i64, from: i64) {
        self.shift = Some((shift, from));
    }

    /// No host function runs: the recorded answer.
    fn rpc(&mut self, call: &RpcCall, _: &mut dyn FnMut(&RpcCall) -> RpcAnswer) -> RpcAnswer {
        self.answer(call)
    }

    fn stop_requested(&self) -> bool {
        self.divergence.is_some()
    }

    fn diverged(&mut self, consumed: u32, wanted: Consumer, site: u32) {
        let recorded = self.recorded_next(consumed as usize);
        let site = self.sites.to_recorded(site);
        let replayed = format!(
            "{} at {}",
            wanted.describe(),
            describe::site(self.lines, site)
        );
        self.diverge(recorded, replayed);
    }
}

/// Whether a run ended as recorded (cycles aside); else how it ended.
pub fn compare_outcomes(recorded: &Outcome, replayed: &Outcome) -> Result<(), String> {
    let same = match (recorded, replayed) {
        (Outcome::Finished { .. }, Outcome::Finished { .. }) => true,
        (a, b) => a == b,
    };
    match same {
        true => Ok(()),
        false => Err(describe::outcome(replayed)),
    }
}

/// Whether the replay's pins (shifted back by `shift`) are the recording's; else the first edge
/// that differs.
pub fn compare_traces(recorded: &[Edge], replayed: &[Edge], shift: i64) -> Result<(), String> {
    let unshift = |e: &Edge| Edge {
        timestamp: (e.timestamp as i64 - shift) as u64,
        ..*e
    };
    let show = |e: Option<&Edge>| match e {
        Some(e) => format!("channel {} to {} at {} mu", e.channel, e.value, e.timestamp),
        None => "no edge".into(),
    };
    for i in 0..recorded.len().max(replayed.len()) {
        let (a, b) = (recorded.get(i), replayed.get(i).map(unshift));
        if a != b.as_ref() {
            return Err(format!(
                "the pins differ at edge {}: recorded {}, replayed {}",
                i + 1,
                show(a),
                show(b.as_ref())
            ));
        }
    }
    Ok(())
}
