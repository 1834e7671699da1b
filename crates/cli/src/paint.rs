//! Colour on a terminal only: `--color auto|always|never`, and `NO_COLOR` (auto then means
//! never). Output to a file or a pipe carries no escape codes.

use std::sync::atomic::{AtomicBool, Ordering};

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set
    #[default]
    Auto,
    /// Always, even into a pipe
    Always,
    /// Never
    Never,
}

static ON: AtomicBool = AtomicBool::new(false);

impl ColorChoice {
    /// Whether output on a stream that `is_terminal` is coloured.
    pub fn applies(self, is_terminal: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Decides once, for stdout, at start.
pub fn init(choice: ColorChoice) {
    ON.store(choice.applies(std::io::IsTerminal::is_terminal(&std::io::stdout())), Ordering::Relaxed);
}

/// `text` in SGR colour `code` (`31` red, `2` dim…) when colour is on.
pub fn paint(code: &str, text: &str) -> String {
    if ON.load(Ordering::Relaxed) {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}
