//! Known secret values, replaced by `<redacted>` wherever text leaves the process
//! (log lines, error messages, panic messages).

use std::sync::{OnceLock, RwLock};

use super::Sensitive;

fn known() -> &'static RwLock<Vec<String>> {
    static KNOWN: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    KNOWN.get_or_init(|| RwLock::new(Vec::new()))
}

/// Remembers a value so later output hides it: the value itself, whatever its length,
/// and its base64 forms (standard, unpadded and URL-safe), as a container may print them.
pub fn remember(value: &Sensitive<String>) {
    use base64::{engine::general_purpose, Engine as _};
    let value = value.expose();
    if value.is_empty() {
        return;
    }
    let bytes = value.as_bytes();
    let forms = [
        value.clone(),
        general_purpose::STANDARD.encode(bytes),
        general_purpose::STANDARD_NO_PAD.encode(bytes),
        general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    ];
    if let Ok(mut values) = known().write() {
        for form in forms {
            if !values.contains(&form) {
                values.push(form);
            }
        }
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }
}

/// `text` with every remembered secret replaced by `<redacted>`.
pub fn redact(text: &str) -> String {
    let mut out = text.to_owned();
    if let Ok(values) = known().read() {
        for value in values.iter() {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), "<redacted>");
            }
        }
    }
    out
}

/// Installs a panic hook that redacts known secrets from panic messages.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        if message.is_empty() {
            previous(info);
        } else {
            let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            eprintln!("stackpilot panicked{location}: {}", redact(&message));
        }
    }));
}

/// A `tracing` writer that redacts known secrets before writing to stderr.
#[derive(Clone, Copy, Default)]
pub struct RedactingStderr;

impl std::io::Write for RedactingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{redact, remember};
    use crate::secrets::Sensitive;

    #[test]
    fn remembered_values_are_hidden() {
        remember(&Sensitive::new("s3cr3t-value-123".to_owned()));
        assert_eq!(redact("password=s3cr3t-value-123;"), "password=<redacted>;");
        assert_eq!(redact("nothing here"), "nothing here");
    }

    #[test]
    fn short_values_and_base64_forms_are_hidden_too() {
        remember(&Sensitive::new("Qz7!x".to_owned()));
        assert_eq!(redact("pin Qz7!x"), "pin <redacted>");
        remember(&Sensitive::new("hunter2-but-longer".to_owned()));
        // echo -n hunter2-but-longer | base64
        assert_eq!(redact("Authorization: Basic aHVudGVyMi1idXQtbG9uZ2Vy"), "Authorization: Basic <redacted>");
    }
}
