//! The pin-level RTIO trace the simulation logs (`rtio <time_mu> <channel> <value>` per output edge,
//! machine units of 1 ns), written as text (`<timestamp_mu> <channel> <value>` per line) or as VCD
//! for GTKWave/Surfer (time in ns).

use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub timestamp: u64,
    pub channel: u32,
    pub value: u32,
}

impl Edge {
    /// Parses one line of simulator output, if it is an edge.
    pub fn parse(line: &str) -> Option<Edge> {
        let mut words = line.split_whitespace();
        if words.next()? != "rtio" {
            return None;
        }
        let timestamp = words.next()?.parse().ok()?;
        let channel = words.next()?.parse().ok()?;
        let value = words.next()?.parse().ok()?;
        Some(Edge {
            timestamp,
            channel,
            value,
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    pub edges: Vec<Edge>,
}

impl Trace {
    pub fn text(&self) -> String {
        let mut out = String::new();
        for e in &self.edges {
            let _ = writeln!(out, "{} {} {}", e.timestamp, e.channel, e.value);
        }
        out
    }

    /// VCD with one wire per channel that appears; time in nanoseconds.
    pub fn vcd(&self) -> String {
        let mut channels: Vec<u32> = self.edges.iter().map(|e| e.channel).collect();
        channels.sort_unstable();
        channels.dedup();
        let id = |ch: u32| char::from(b'!' + (ch % 90) as u8);
        let mut out =
            String::from("$date strobe $end\n$timescale 1ns $end\n$scope module rtio $end\n");
        for &ch in &channels {
            let _ = writeln!(out, "$var wire 1 {} ttl{} $end", id(ch), ch);
        }
        out.push_str("$upscope $end\n$enddefinitions $end\n$dumpvars\n");
        for &ch in &channels {
            let _ = writeln!(out, "0{}", id(ch));
        }
        out.push_str("$end\n");
        let ns_per_mu = 1_000_000_000 / strobe_abi::rtio::MU_PER_SECOND;
        let mut last = None;
        for e in &self.edges {
            if last != Some(e.timestamp) {
                let _ = writeln!(out, "#{}", e.timestamp * ns_per_mu);
                last = Some(e.timestamp);
            }
            let _ = writeln!(out, "{}{}", if e.value != 0 { 1 } else { 0 }, id(e.channel));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes() {
        assert_eq!(
            Edge::parse("rtio 1200 3 1"),
            Some(Edge {
                timestamp: 1200,
                channel: 3,
                value: 1
            })
        );
        assert_eq!(Edge::parse("ifetch 12"), None);
        assert_eq!(Edge::parse("rtio x 3 1"), None);
        let t = Trace {
            edges: vec![
                Edge {
                    timestamp: 10,
                    channel: 0,
                    value: 1,
                },
                Edge {
                    timestamp: 20,
                    channel: 0,
                    value: 0,
                },
            ],
        };
        assert_eq!(t.text(), "10 0 1\n20 0 0\n");
        let vcd = t.vcd();
        assert!(vcd.contains("$var wire 1 ! ttl0 $end"));
        assert!(vcd.contains("$timescale 1ns $end"));
        assert!(vcd.contains("#10\n1!\n#20\n0!\n"), "{vcd}");
    }
}
