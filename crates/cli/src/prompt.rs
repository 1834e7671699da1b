//! Asking before anything destructive.

use std::io::{BufRead, IsTerminal, Write};

/// Asks `question` on the terminal; `yes` answers it in advance. Without a terminal
/// (scripts, CI) the answer is no, with a word on how to say yes.
pub fn confirm(question: &str, yes: bool) -> bool {
    if yes {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("{question} Not confirmed: rerun with --yes to proceed without a terminal.");
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes")
}

/// Asks `question` on the terminal (the caller made sure there is one); the answer is yes
/// unless the person says no.
pub fn confirm_default_yes(question: &str) -> bool {
    eprint!("{question} [Y/n] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    !matches!(answer.trim(), "n" | "N" | "no")
}
