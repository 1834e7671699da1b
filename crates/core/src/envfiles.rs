//! `.env.<env>` files: the non-secret variables of an environment, written
//! atomically, the previous file kept as a backup, the user's edits kept.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use crate::Diagnostic;

/// Why an env file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct EnvFileError {
    /// What was being done.
    pub action: &'static str,
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

impl Diagnostic for EnvFileError {
    fn code(&self) -> &'static str {
        "EnvFileUnwritable"
    }

    fn hint(&self) -> Option<String> {
        Some("check the folder's permissions and free space".into())
    }
}

/// What writing an env file did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EnvFileUpdate {
    /// The file written.
    pub path: PathBuf,
    /// The previous version, when there was one.
    pub backup: Option<PathBuf>,
    /// Keys added.
    pub added: Vec<String>,
    /// Keys whose value changed.
    pub changed: Vec<String>,
}

/// The `KEY=value` pairs of an env file, in file order (comments and blank lines skipped).
pub fn parse(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.trim();
            let unquoted = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            Some((key.trim().to_owned(), unquoted.to_owned()))
        })
        .collect()
}

/// Reads an env file's pairs; a missing file has none.
pub fn read(path: &Path) -> Result<Vec<(String, String)>, EnvFileError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(EnvFileError { action: "read", path: path.to_owned(), source }),
    }
}

fn quote(value: &str) -> String {
    if value.chars().all(|c| c.is_ascii_alphanumeric() || "._-/:@+,".contains(c)) {
        value.to_owned()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Adds the `missing` keys (and replaces the values of `set`) in an env file,
/// keeping every other line as the user wrote it. The old file is copied to
/// `<file>.bak` first; the new one replaces it atomically.
pub fn update(path: &Path, missing: &[(String, String)], set: &[(String, String)]) -> Result<EnvFileUpdate, EnvFileError> {
    let err = |action: &'static str| move |source| EnvFileError { action, path: path.to_owned(), source };
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(EnvFileError { action: "read", path: path.to_owned(), source }),
    };
    let present: Vec<String> = existing.as_deref().map(parse).unwrap_or_default().into_iter().map(|(k, _)| k).collect();
    let mut update = EnvFileUpdate { path: path.to_owned(), ..EnvFileUpdate::default() };
    let mut lines: Vec<String> = Vec::new();
    for line in existing.as_deref().unwrap_or("").lines() {
        let key = parse(line).into_iter().next().map(|(k, _)| k);
        match key.and_then(|k| set.iter().find(|(s, _)| *s == k)) {
            Some((k, v)) => {
                lines.push(format!("{k}={}", quote(v)));
                update.changed.push(k.clone());
            }
            None => lines.push(line.to_owned()),
        }
    }
    if existing.is_none() {
        lines.push("# Non-secret variables of this environment, written by Stackpilot.".into());
        lines.push("# Edit freely: your values and extra keys are kept. Secrets live in the OS keychain.".into());
    }
    for (k, v) in missing.iter().chain(set.iter()) {
        if !present.contains(k) && !update.added.contains(k) {
            lines.push(format!("{k}={}", quote(v)));
            update.added.push(k.clone());
        }
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    if let Some(text) = &existing {
        let backup = path.with_file_name(format!(
            "{}.bak",
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        std::fs::write(&backup, text).map_err(err("back up"))?;
        update.backup = Some(backup);
    }
    let mut temp = tempfile_in(dir).map_err(err("write"))?;
    let mut body = lines.join("\n");
    body.push('\n');
    temp.1.write_all(body.as_bytes()).map_err(err("write"))?;
    temp.1.sync_all().map_err(err("write"))?;
    std::fs::rename(&temp.0, path).map_err(err("replace"))?;
    Ok(update)
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
    use super::{parse, update};

    #[test]
    fn parses_quotes_comments_and_export() {
        let pairs = parse("# c\nA=1\nexport B=\"two words\"\n\nC='x'\n");
        assert_eq!(pairs, [("A".into(), "1".into()), ("B".into(), "two words".into()), ("C".into(), "x".into())]);
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
}
