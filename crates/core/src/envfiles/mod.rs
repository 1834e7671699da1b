//! Env files: read exactly as Compose reads them ([`dotenv`]), and edited line by
//! line for the fixes that write `.env.<env>`: comments, order and every other key
//! kept, no key appended twice, the change shown before it is written, the previous
//! file kept as `<file>.bak`, the new one put in place atomically.

pub mod dotenv;

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use serde::Serialize;

use crate::Diagnostic;

/// Why an env file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// Reading or writing failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Compose would refuse the file too.
    #[error("{}:{}: {}", path.display(), error.line, error.message)]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line and reason.
        error: dotenv::DotenvError,
    },
    /// A variable name that Compose cannot read back (refused rather than written).
    #[error("`{}` cannot be written to {}: not a variable name", name.escape_debug(), path.display())]
    BadName {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
    },
}

impl Diagnostic for EnvFileError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Io { .. } => crate::Code::EnvFileUnwritable,
            Self::Invalid { .. } => crate::Code::EnvFileInvalid,
            Self::BadName { .. } => crate::Code::EnvFileInvalid,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Self::Io { .. } => "check the folder's permissions and free space".into(),
            Self::Invalid { .. } => "fix the line named above: Compose reads the file the same way".into(),
            Self::BadName { .. } => "use letters, digits and `_`, not starting with a digit".into(),
        })
    }
}

/// A planned or done change of an env file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnvFileUpdate {
    /// The file.
    pub path: PathBuf,
    /// The previous version, once written, when there was one.
    pub backup: Option<PathBuf>,
    /// Keys added.
    pub added: Vec<String>,
    /// Keys whose value changed.
    pub changed: Vec<String>,
    /// The change as lines: `- old line`, `+ new line`.
    pub diff: Vec<String>,
    /// Whether the file does not exist yet.
    pub creates: bool,
    #[serde(skip)]
    text: String,
}

/// The values of an env file as Compose reads them (interpolated from `lookup` and
/// from earlier lines), one pair per key.
pub fn parse(path: &Path, text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<(String, String)>, EnvFileError> {
    dotenv::parse(text, lookup).map_err(|error| EnvFileError::Invalid { path: path.to_owned(), error })
}

fn os_lookup(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

fn read_text(path: &Path) -> Result<Option<String>, EnvFileError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EnvFileError::Io { action: "read", path: path.to_owned(), source }),
    }
}

/// Reads an env file's pairs as Compose would (the process environment for `${X}`);
/// a missing file has none.
pub fn read(path: &Path) -> Result<Vec<(String, String)>, EnvFileError> {
    match read_text(path)? {
        Some(text) => parse(path, &text, &os_lookup),
        None => Ok(Vec::new()),
    }
}

/// The keys an env file sets; none when it is missing or unreadable (Compose then
/// reports the file itself).
pub fn keys(path: &Path) -> Vec<String> {
    read(path).unwrap_or_default().into_iter().map(|(k, _)| k).collect()
}

/// The pairs of several env files as Compose merges them (`--env-file a --env-file b`):
/// each file interpolated from `lookup` (the process environment), then from the files
/// before it; a later file's value replaces an earlier one.
pub fn resolved(files: &[PathBuf], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> = Vec::new();
    for file in files {
        let Ok(Some(text)) = read_text(file) else { continue };
        let Ok(pairs) = dotenv::parse_after(&text, lookup, &merged) else { continue };
        for (key, value) in pairs {
            match merged.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => merged.push((key, value)),
            }
        }
    }
    merged
}

/// A value written so that Compose reads back exactly `value`: bare when plain,
/// single-quoted (literal, no interpolation) when it can be, else double-quoted with escapes.
pub fn quote(value: &str) -> String {
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "._-/:@+,".contains(c)) {
        value.to_owned()
    } else if !value.contains(['\'', '\n', '\r']) {
        format!("'{value}'")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '$' => out.push_str("$$"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// The ` # comment` at the end of an assignment line, outside quotes.
fn inline_comment(line: &str) -> Option<&str> {
    let (mut single, mut double, mut previous) = (false, false, ' ');
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && previous != '\\' => double = !double,
            '#' if !single && !double && previous.is_whitespace() => {
                let start = line[..i].trim_end().len();
                return Some(&line[start..]);
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// Where the previous version of `path` is kept: `<file>.bak` the first time, then
/// `<file>.bak.1`, `.bak.2`, … so that no earlier version (the user's original
/// above all) is overwritten; past 20, the oldest numbered one is reused.
fn backup_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let candidates: Vec<PathBuf> = std::iter::once(path.with_file_name(format!("{name}.bak")))
        .chain((1..20).map(|n| path.with_file_name(format!("{name}.bak.{n}"))))
        .collect();
    if let Some(free) = candidates.iter().find(|p| !p.exists()) {
        return free.clone();
    }
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    candidates.iter().skip(1).min_by_key(|p| modified(p)).cloned().unwrap_or_else(|| candidates[1].clone())
}

/// Plans adding the `missing` keys (when absent) and setting the keys of `set`, without
/// writing: every other line stays as written; a key set twice in the file has its last
/// assignment (the one Compose uses) replaced; nothing is appended twice.
pub fn plan(path: &Path, missing: &[(String, String)], set: &[(String, String)]) -> Result<EnvFileUpdate, EnvFileError> {
    for (name, _) in missing.iter().chain(set) {
        if !crate::schema::is_variable_name(name) {
            return Err(EnvFileError::BadName { path: path.to_owned(), name: name.clone() });
        }
    }
    let existing = read_text(path)?;
    let old = existing.clone().unwrap_or_default();
    let entries =
        dotenv::entries(&old, &os_lookup).map_err(|error| EnvFileError::Invalid { path: path.to_owned(), error })?;
    let mut lines: Vec<String> = old.lines().map(str::to_owned).collect();
    let mut update = EnvFileUpdate { path: path.to_owned(), creates: existing.is_none(), ..EnvFileUpdate::default() };
    // Replace from the bottom up so earlier line numbers stay valid.
    let mut replacements: Vec<(&dotenv::Entry, &String, &String)> = set
        .iter()
        .filter_map(|(k, v)| entries.iter().rev().find(|e| &e.key == k).map(|e| (e, k, v)))
        .filter(|(e, _, v)| &e.value != *v)
        .collect();
    replacements.sort_by_key(|(e, _, _)| std::cmp::Reverse(e.first_line));
    for (entry, key, value) in replacements {
        let (first, last) = (entry.first_line.saturating_sub(1), entry.last_line.min(lines.len()));
        if first >= last {
            continue;
        }
        let export = lines.get(first).is_some_and(|l| l.trim_start().starts_with("export "));
        // A one-line assignment keeps its trailing comment.
        let comment = if last == first + 1 { lines.get(first).and_then(|l| inline_comment(l)).unwrap_or("") } else { "" };
        let new = format!("{}{key}={}{comment}", if export { "export " } else { "" }, quote(value));
        update.diff.extend(lines[first..last].iter().map(|l| format!("- {l}")));
        update.diff.push(format!("+ {new}"));
        lines.splice(first..last, [new]);
        update.changed.push(key.clone());
    }
    update.changed.reverse();
    if existing.is_none() {
        lines.push("# Non-secret variables of this environment, written by Stackpilot.".into());
        lines.push("# Edit freely: your values and extra keys are kept. Secrets live in the OS keychain.".into());
    }
    for (k, v) in missing.iter().chain(set) {
        if !entries.iter().any(|e| &e.key == k) && !update.added.contains(k) {
            let line = format!("{k}={}", quote(v));
            update.diff.push(format!("+ {line}"));
            lines.push(line);
            update.added.push(k.clone());
        }
    }
    // The file's own line ending is kept (CRLF from Windows editors included).
    let newline = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    text.push_str(newline);
    update.text = text;
    Ok(update)
}

/// Writes a planned change: the old file copied to `<file>.bak` first, the new one
/// renamed into place. A plan that changes nothing writes nothing.
pub fn write(mut update: EnvFileUpdate) -> Result<EnvFileUpdate, EnvFileError> {
    if update.added.is_empty() && update.changed.is_empty() {
        return Ok(update);
    }
    let path = update.path.clone();
    let err = |action: &'static str| {
        let path = path.clone();
        move |source| EnvFileError::Io { action, path, source }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    if let Ok(bytes) = std::fs::read(&path) {
        let backup = backup_path(&path);
        std::fs::write(&backup, bytes).map_err(err("back up"))?;
        update.backup = Some(backup);
    }
    let (temp, mut file) = tempfile_in(dir).map_err(err("write"))?;
    file.write_all(update.text.as_bytes()).map_err(err("write"))?;
    file.sync_all().map_err(err("write"))?;
    std::fs::rename(&temp, &path).map_err(err("replace"))?;
    Ok(update)
}

/// Plans and writes in one step.
pub fn update(path: &Path, missing: &[(String, String)], set: &[(String, String)]) -> Result<EnvFileUpdate, EnvFileError> {
    write(plan(path, missing, set)?)
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    for attempt in 0..100u32 {
        let path = dir.join(format!(".stackpilot-env-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary file name"))
}

#[cfg(test)]
mod tests {
    use super::{dotenv, plan, quote, update, EnvFileError};

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn keeps_user_edits_adds_missing_and_backs_up() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env.dev");
        std::fs::write(&path, "# mine\nLOG_LEVEL=trace\nEXTRA=kept\n").expect("write");
        let result = update(&path, &[("LOG_LEVEL".into(), "info".into()), ("PORT".into(), "5432".into())], &[])
            .expect("update");
        assert_eq!(result.added, ["PORT"]);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "# mine\nLOG_LEVEL=trace\nEXTRA=kept\nPORT=5432\n");
        let backup = result.backup.expect("backup");
        assert_eq!(std::fs::read_to_string(backup).expect("backup"), "# mine\nLOG_LEVEL=trace\nEXTRA=kept\n");
        let set = update(&path, &[], &[("PORT".into(), "5433".into())]).expect("set");
        assert_eq!(set.changed, ["PORT"]);
        assert!(std::fs::read_to_string(&path).expect("read").contains("PORT=5433\n"));
    }

    #[test]
    fn setting_a_key_replaces_its_last_assignment_and_keeps_comments_and_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env.dev");
        let before = "# top\nexport PORT=1 # first\nA: x\nPORT=\"2\nstill two\"\n# end\n";
        std::fs::write(&path, before).expect("write");
        let planned = plan(&path, &[], &[("PORT".into(), "3001".into())]).expect("plan");
        assert_eq!(planned.diff, ["- PORT=\"2", "- still two\"", "+ PORT=3001"]);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), before, "a plan writes nothing");
        update(&path, &[], &[("PORT".into(), "3001".into())]).expect("update");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "# top\nexport PORT=1 # first\nA: x\nPORT=3001\n# end\n");
        assert_eq!(dotenv::parse(&text, &none).expect("parse").iter().filter(|(k, _)| k == "PORT").count(), 1);
    }

    #[test]
    fn line_endings_trailing_comments_and_every_earlier_version_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env.dev");
        let original = "# mine\r\nWEB_PORT=8080   # the web UI\r\nB='x # not a comment'\r\n";
        std::fs::write(&path, original).expect("write");
        let first = update(&path, &[], &[("WEB_PORT".into(), "8081".into())]).expect("first");
        let second = update(&path, &[], &[("B".into(), "y".into())]).expect("second");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text, "# mine\r\nWEB_PORT=8081   # the web UI\r\nB=y\r\n");
        let (first, second) = (first.backup.expect("backup"), second.backup.expect("backup"));
        assert_ne!(first, second);
        assert_eq!(std::fs::read_to_string(first).expect("original kept"), original);
        assert!(std::fs::read_to_string(second).expect("second").contains("WEB_PORT=8081"));
    }

    #[test]
    fn a_key_is_never_appended_twice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env.dev");
        let planned = plan(&path, &[("A".into(), "1".into())], &[("A".into(), "2".into())]).expect("plan");
        assert_eq!(planned.added, ["A"]);
        assert!(planned.creates);
    }

    #[test]
    fn a_name_with_a_newline_is_refused_not_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".env.dev");
        let refused = plan(&path, &[("A\nprivileged=true".into(), "1".into())], &[]);
        assert!(matches!(refused, Err(EnvFileError::BadName { .. })));
        assert!(!path.exists());
    }

    #[test]
    fn quoted_values_read_back_unchanged() {
        for value in ["plain", "", "two words", "it's", "a\"b", "$HOME", "${X:-y}", "line\nbreak", "back\\slash", "#hash", "it's $5\n"] {
            let text = format!("K={}\n", quote(value));
            let pairs = dotenv::parse(&text, &none).expect("parse");
            assert_eq!(pairs, [("K".to_owned(), value.to_owned())], "{text:?}");
        }
    }
}
