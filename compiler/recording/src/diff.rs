//! The first point where two recordings of the same experiment differ, in source terms.

use crate::{describe, replay, Recording};

/// None when `a` and `b` recorded the same thing (the same code, values, answers, output,
/// outcomes and pins); else where they first differ.
pub fn first_difference(a: &Recording, b: &Recording) -> Option<String> {
    if (&a.header.experiment, &a.header.arguments) != (&b.header.experiment, &b.header.arguments) {
        return Some(format!(
            "the recordings are of different runs: {} {:?} and {} {:?}",
            a.header.experiment, a.header.arguments, b.header.experiment, b.header.arguments
        ));
    }
    for (i, (ra, rb)) in a.runs.iter().zip(&b.runs).enumerate() {
        let run = i + 1;
        let code = |r: &crate::RunRecord| -> Vec<_> {
            r.units
                .iter()
                .filter(|u| u.data.is_none())
                .map(|u| (u.key, u.offset))
                .collect()
        };
        if code(ra) != code(rb) || ra.entry != rb.entry {
            return Some(format!("kernel run {run} runs different code"));
        }
        let (la, lb) = (&a.images[ra.image].lines, &b.images[rb.image].lines);
        let data = |r: &crate::RunRecord| r.units.iter().find_map(|u| u.data.clone());
        if data(ra) != data(rb) {
            return Some(format!(
                "kernel run {run} got different quoted host values (its arguments and attributes)"
            ));
        }
        for (k, (ea, eb)) in ra.events.iter().zip(&rb.events).enumerate() {
            if ea != eb {
                return Some(format!(
                    "kernel run {run}, event {}:\n  a: the kernel {}\n  b: the kernel {}",
                    k + 1,
                    describe::event(la, ea),
                    describe::event(lb, eb)
                ));
            }
        }
        let (na, nb) = (ra.events.len(), rb.events.len());
        if na != nb {
            let (longer, lines, which) = if na > nb {
                (ra, la, "a")
            } else {
                (rb, lb, "b")
            };
            let k = na.min(nb);
            return Some(format!(
                "kernel run {run}, event {}: only {which} has it: the kernel {}",
                k + 1,
                describe::event(lines, &longer.events[k])
            ));
        }
        if ra.output != rb.output {
            return Some(format!(
                "kernel run {run} printed differently:\n  a: {:?}\n  b: {:?}",
                ra.output, rb.output
            ));
        }
        if replay::compare_outcomes(&ra.outcome, &rb.outcome).is_err() {
            return Some(format!(
                "kernel run {run} ended differently:\n  a: {}\n  b: {}",
                describe::outcome(&ra.outcome),
                describe::outcome(&rb.outcome)
            ));
        }
    }
    if a.runs.len() != b.runs.len() {
        return Some(format!(
            "a has {} kernel runs, b has {}",
            a.runs.len(),
            b.runs.len()
        ));
    }
    if let (Some(ta), Some(tb)) = (&a.trace, &b.trace) {
        if let Err(e) = replay::compare_traces(ta, tb, 0) {
            return Some(e.replace("recorded", "a").replace("replayed", "b"));
        }
    }
    None
}
