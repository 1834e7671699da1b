//! Standard output that ends quietly when the reader goes away.

/// Ends the program after a failed write to stdout: quietly (exit 0) when the reader
/// closed the pipe, as `head` does; with a message otherwise.
pub fn closed(error: std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {error}");
    std::process::exit(i32::from(stackpilot_core::Kind::System.exit_code()));
}
