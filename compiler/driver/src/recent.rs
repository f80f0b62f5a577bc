//! The last few programs a [`crate::Compiler`] compiled, by their exact source text: compiling one of
//! them again returns its output without parsing, typing, lowering or linking anything.

use crate::CompileOutput;
use std::collections::VecDeque;
use strobe_syntax::SourceFile;

/// How many programs are kept (a host process alternates between a few kernels).
const KEEP: usize = 8;

/// What a compile's output depends on besides the compiler's fixed target and platform: the source
/// (its name, text and map of where its lines came from) and whether host calls are allowed.
#[derive(PartialEq, Eq)]
struct Input {
    file: SourceFile,
    host_calls: bool,
}

#[derive(Default)]
pub(crate) struct Recent {
    /// Most recently used first.
    entries: VecDeque<(Input, CompileOutput)>,
}

impl Recent {
    /// The output of an earlier compile of exactly this source, if it is still kept.
    pub(crate) fn get(&mut self, file: &SourceFile, host_calls: bool) -> Option<CompileOutput> {
        let position = self
            .entries
            .iter()
            .position(|(input, _)| input.host_calls == host_calls && input.file == *file)?;
        let entry = self.entries.remove(position)?;
        let output = entry.1.clone();
        self.entries.push_front(entry);
        Some(output)
    }

    /// Keeps `output` of a source [`Recent::get`] did not find.
    pub(crate) fn put(&mut self, file: &SourceFile, host_calls: bool, output: &CompileOutput) {
        let input = Input {
            file: file.clone(),
            host_calls,
        };
        self.entries.push_front((input, output.clone()));
        self.entries.truncate(KEEP);
    }
}
