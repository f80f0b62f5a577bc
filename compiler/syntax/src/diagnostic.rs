//! The one diagnostic type shared by every stage: a message at a primary span, plus labelled
//! secondary spans (e.g. where the conflicting type came from).

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
    /// Shown under the caret of the primary span.
    pub label: Option<String>,
    /// Other locations that explain the error, each rendered as a `note:`.
    pub notes: Vec<Label>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            label: None,
            notes: Vec::new(),
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_note(mut self, span: Span, message: impl Into<String>) -> Self {
        self.notes.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}
