//! The files of a backup: the manifest, writing a volume's tar stream compressed with its
//! checksum, and checking a volume's archive end to end before anything is replaced.

use std::{
    io::{Read, Write},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BackupError;

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The backup format this Stackpilot writes and reads.
pub const FORMAT: u32 = 1;
/// The most a manifest may weigh: anything larger is not one of ours.
const MANIFEST_LIMIT: u64 = 1 << 20;

/// What a backup holds, written last, beside the volumes' archives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// The backup format (1).
    pub format: u32,
    /// The Stackpilot version that wrote it.
    pub stackpilot: String,
    /// The Compose project of the environment.
    pub project: String,
    /// The environment.
    pub environment: String,
    /// When the backup began, RFC 3339 UTC.
    pub created: String,
    /// The engine the volumes were read from.
    pub engine: String,
    /// One entry per volume.
    pub volumes: Vec<VolumeArchive>,
    /// Set on the backup a restore takes of the data it replaces: the name of the backup
    /// restored. `latest` never means such a backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_restoring: Option<String>,
}

/// One volume in a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct VolumeArchive {
    /// The volume's name in the Compose files.
    pub volume: String,
    /// The engine's name for it (`<project>_<volume>` unless the files name it).
    pub engine_volume: String,
    /// The archive's file name in the backup folder.
    pub file: String,
    /// The container and path it was read through, e.g. `db:/var/lib/data`.
    pub read_through: String,
    /// The size of the tar stream (the volume's files and their headers), in bytes.
    pub bytes: u64,
    /// The size of the compressed archive, in bytes.
    pub archive_bytes: u64,
    /// SHA-256 of the compressed archive, hex.
    pub sha256: String,
}

impl Manifest {
    /// Reads and checks the manifest of the backup folder `dir`.
    pub fn read(dir: &Path) -> Result<Self, BackupError> {
        let path = dir.join(MANIFEST);
        let corrupt = |detail: String| BackupError::Corrupt {
            path: path.clone(),
            detail,
        };
        let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BackupError::NotFound {
                path: dir.to_path_buf(),
            },
            _ => corrupt(format!("it cannot be read: {e}")),
        })?;
        if !meta.is_file() {
            return Err(corrupt("it is not a file (a folder, a device or a pipe)".into()));
        }
        let file = std::fs::File::open(&path).map_err(|e| corrupt(format!("it cannot be read: {e}")))?;
        let mut text = String::new();
        file.take(MANIFEST_LIMIT + 1)
            .read_to_string(&mut text)
            .map_err(|e| corrupt(e.to_string()))?;
        if text.len() as u64 > MANIFEST_LIMIT {
            return Err(corrupt(
                "the manifest is larger than 1 MiB: it is not a Stackpilot backup's".into(),
            ));
        }
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| corrupt(format!("the manifest cannot be read: {e}")))?;
        if manifest.format != FORMAT {
            return Err(corrupt(format!("backup format {} is not one this Stackpilot reads (it reads {FORMAT}); use the Stackpilot that wrote it ({})", manifest.format, manifest.stackpilot)));
        }
        for (i, volume) in manifest.volumes.iter().enumerate() {
            if !is_plain_name(&volume.file) {
                return Err(corrupt(format!(
                    "the manifest names the file `{}`, outside the backup's folder",
                    volume.file.escape_debug()
                )));
            }
            let twice = manifest.volumes[..i].iter().any(|v| v.volume == volume.volume || v.file == volume.file);
            if twice {
                return Err(corrupt(format!("the manifest names volume `{}` or its file twice", volume.volume.escape_debug())));
            }
        }
        Ok(manifest)
    }

    /// Writes the manifest into `dir` (private to this user).
    pub(super) fn write(&self, dir: &Path) -> Result<(), BackupError> {
        let path = dir.join(MANIFEST);
        let text = serde_json::to_vec_pretty(self).map_err(|e| BackupError::Unwritable {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        let mut file = private_file(&path).map_err(super::unwritable(&path))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(super::unwritable(&path))
    }

    /// The sum of the volumes' tar streams, in bytes.
    pub fn bytes(&self) -> u64 {
        self.volumes.iter().map(|v| v.bytes).sum()
    }

    /// The sum of the archives on disk, in bytes.
    pub fn archive_bytes(&self) -> u64 {
        self.volumes.iter().map(|v| v.archive_bytes).sum()
    }
}

/// A file name with no folder in it (a manifest never points outside its backup).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

/// Creates `path` for writing, readable by this user only.
pub(super) fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Counts and hashes what goes through it to the file.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A volume's archive being written: the tar stream goes in, compressed, counted and hashed.
pub(super) struct VolumeWriter {
    path: PathBuf,
    encoder: flate2::write::GzEncoder<Hashing<std::io::BufWriter<std::fs::File>>>,
    bytes: u64,
}

/// What a finished archive measures.
pub(super) struct Written {
    pub bytes: u64,
    pub archive_bytes: u64,
    pub sha256: String,
}

impl VolumeWriter {
    /// Creates the archive file at `path`.
    pub fn create(path: &Path) -> Result<Self, BackupError> {
        let file = private_file(path).map_err(super::unwritable(path))?;
        let hashing = Hashing {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            hash: Sha256::new(),
            bytes: 0,
        };
        Ok(Self {
            path: path.to_path_buf(),
            encoder: flate2::write::GzEncoder::new(hashing, flate2::Compression::fast()),
            bytes: 0,
        })
    }

    /// Adds the next piece of the tar stream.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), BackupError> {
        self.bytes += chunk.len() as u64;
        self.encoder
            .write_all(chunk)
            .map_err(super::unwritable(&self.path))
    }

    /// Ends the archive, flushed to the disk.
    pub fn finish(self) -> Result<Written, BackupError> {
        let path = self.path;
        let hashing = self.encoder.finish().map_err(super::unwritable(&path))?;
        let Hashing {
            inner,
            hash,
            bytes: archive_bytes,
        } = hashing;
        let file = inner.into_inner().map_err(|e| BackupError::Unwritable {
            path: path.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(super::unwritable(&path))?;
        Ok(Written {
            bytes: self.bytes,
            archive_bytes,
            sha256: hex(&hash.finalize()),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a volume's archive end to end, in one pass over the file: its size against the
/// manifest first, then, while its SHA-256 is computed, every entry of the tar inside (a
/// path that would leave the volume is refused) and the stream's length. A checksum that
/// differs is the error reported, whatever else broke. `progress` gets the bytes of the
/// archive read so far.
pub fn verify(dir: &Path, volume: &VolumeArchive, mut progress: impl FnMut(u64)) -> Result<(), BackupError> {
    let path = dir.join(&volume.file);
    let corrupt = |detail: String| BackupError::Corrupt { path: path.clone(), detail };
    let meta = std::fs::symlink_metadata(&path).map_err(|e| corrupt(format!("the archive of {} cannot be read: {e}", volume.volume)))?;
    if !meta.is_file() {
        return Err(corrupt("it is not a plain file (a link, a folder, a device or a pipe)".into()));
    }
    if meta.len() != volume.archive_bytes {
        return Err(corrupt(format!("it has {} bytes, the manifest says {}: it was cut short or changed", meta.len(), volume.archive_bytes)));
    }
    let file = std::fs::File::open(&path).map_err(|e| corrupt(e.to_string()))?;
    // Never more than the file measured: one that grows meanwhile is not read forever.
    let mut hashed = Hashed { inner: std::io::BufReader::with_capacity(1 << 20, file.take(meta.len())), hash: Sha256::new(), read: 0, progress: &mut progress };
    let structure = (|| {
        let mut counted = Counting { inner: flate2::read::GzDecoder::new(&mut hashed), bytes: 0, limit: volume.bytes };
        let mut archive = tar::Archive::new(&mut counted);
        let entries = archive.entries().map_err(|e| corrupt(format!("it is not a tar archive: {e}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| corrupt(format!("an entry cannot be read: {e}")))?;
            let name = entry.path().map_err(|e| corrupt(format!("an entry's name cannot be read: {e}")))?.into_owned();
            if name.is_absolute() || name.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
                return Err(corrupt(format!("the entry `{}` would be written outside the volume", name.display())));
            }
            std::io::copy(&mut entry, &mut std::io::sink()).map_err(|e| corrupt(format!("{} cannot be read: {e}", name.display())))?;
        }
        // The tar reader stops at the end-of-archive marker; the rest of the stream is padding.
        std::io::copy(&mut counted, &mut std::io::sink()).map_err(|e| corrupt(format!("the end of the archive cannot be read: {e}")))?;
        Ok(counted.bytes)
    })();
    // What the reading above left (after an error, or past the gzip stream) is hashed too.
    std::io::copy(&mut hashed, &mut std::io::sink()).map_err(|e| corrupt(e.to_string()))?;
    let sha = hex(&hashed.hash.finalize());
    if sha != volume.sha256 {
        return Err(corrupt(format!("its SHA-256 is {sha}, the manifest says {}: it was damaged or changed", volume.sha256)));
    }
    let bytes = structure?;
    if bytes != volume.bytes {
        return Err(corrupt(format!("it holds {bytes} bytes of data, the manifest says {}", volume.bytes)));
    }
    Ok(())
}

/// Hashes and counts what is read through it, saying how far it is.
struct Hashed<'p, R> {
    inner: R,
    hash: Sha256,
    read: u64,
    progress: &'p mut dyn FnMut(u64),
}

impl<R: Read> Read for Hashed<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.read += n as u64;
        (self.progress)(self.read);
        Ok(n)
    }
}

/// Counts what is read through it, and refuses to go past `limit` (an archive that
/// unpacks to more than its manifest says is not read to its end).
struct Counting<R> {
    inner: R,
    bytes: u64,
    limit: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        if self.bytes > self.limit {
            return Err(std::io::Error::other(format!("it unpacks to more than the {} bytes the manifest says", self.limit)));
        }
        Ok(n)
    }
}

/// Reads a volume's tar stream out of its archive, in pieces of at most 1 MiB, into
/// `send` (which says false when the receiver has gone).
pub(super) fn unpack(path: &Path, mut send: impl FnMut(std::io::Result<Vec<u8>>) -> bool) {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => {
            send(Err(e));
            return;
        }
    };
    let mut decoder = flate2::read::GzDecoder::new(std::io::BufReader::new(file));
    loop {
        let mut chunk = vec![0u8; 1 << 20];
        match decoder.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => {
                chunk.truncate(n);
                if !send(Ok(chunk)) {
                    return;
                }
            }
            Err(e) => {
                send(Err(e));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A backup folder with one volume archive holding `files`.
    fn backup_with(files: &[(&str, &[u8])]) -> (tempfile::TempDir, VolumeArchive) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut tar = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, name, *data).expect("tar");
        }
        let volume = archived(dir.path(), &tar.into_inner().expect("tar"));
        (dir, volume)
    }

    /// `stream` written as `data.tar.gz` in `dir` (in pieces, as the engine sends it), and
    /// its manifest entry.
    fn archived(dir: &Path, stream: &[u8]) -> VolumeArchive {
        let mut writer = VolumeWriter::create(&dir.join("data.tar.gz")).expect("create");
        for chunk in stream.chunks(1000) {
            writer.write(chunk).expect("write");
        }
        let written = writer.finish().expect("finish");
        VolumeArchive {
            volume: "data".into(),
            engine_volume: "p_data".into(),
            file: "data.tar.gz".into(),
            read_through: "db:/data".into(),
            bytes: written.bytes,
            archive_bytes: written.archive_bytes,
            sha256: written.sha256,
        }
    }

    #[test]
    fn an_archive_as_written_verifies_and_unpacks_to_the_same_stream() {
        let (dir, volume) = backup_with(&[("./a.txt", b"hello"), ("./sub/b.bin", &[7u8; 5000])]);
        let mut seen = 0;
        verify(dir.path(), &volume, |n| seen = n).expect("sound");
        assert_eq!(seen, volume.archive_bytes);
        let mut out = Vec::new();
        unpack(&dir.path().join("data.tar.gz"), |chunk| {
            out.extend(chunk.expect("chunk"));
            true
        });
        assert_eq!(out.len() as u64, volume.bytes);
    }

    #[test]
    fn a_truncated_archive_is_refused_by_its_size() {
        let (dir, volume) = backup_with(&[("./a.txt", b"hello")]);
        let path = dir.path().join("data.tar.gz");
        let bytes = std::fs::read(&path).expect("read");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("cut");
        let error = verify(dir.path(), &volume, |_| {}).expect_err("refused");
        assert!(error.to_string().contains("cut short"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_an_archive_is_refused_unread() {
        let (dir, volume) = backup_with(&[("./a.txt", b"hello")]);
        let path = dir.path().join("data.tar.gz");
        std::fs::rename(&path, dir.path().join("elsewhere")).expect("move");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), &path).expect("link");
        let error = verify(dir.path(), &volume, |_| {}).expect_err("refused");
        assert!(error.to_string().contains("not a plain file"), "{error}");
    }

    #[test]
    fn a_flipped_byte_is_refused_by_the_checksum() {
        let (dir, volume) = backup_with(&[("./a.txt", b"hello")]);
        let path = dir.path().join("data.tar.gz");
        let mut bytes = std::fs::read(&path).expect("read");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x40;
        std::fs::write(&path, &bytes).expect("flip");
        let error = verify(dir.path(), &volume, |_| {}).expect_err("refused");
        assert!(error.to_string().contains("SHA-256"), "{error}");
    }

    #[test]
    fn an_entry_that_leaves_the_volume_is_refused_even_with_a_matching_checksum() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The tar crate refuses to write `..`; write the name into the header by hand.
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..12].copy_from_slice(b"../../escape");
        header.set_size(2);
        header.set_mode(0o644);
        header.set_cksum();
        let mut tar = tar::Builder::new(Vec::new());
        tar.append(&header, &b"hi"[..]).expect("append");
        let volume = archived(dir.path(), &tar.into_inner().expect("tar"));
        let error = verify(dir.path(), &volume, |_| {}).expect_err("refused");
        assert!(error.to_string().contains("outside the volume"), "{error}");
    }

    #[test]
    fn a_manifest_naming_a_file_outside_its_folder_or_of_another_format_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut manifest = Manifest {
            format: FORMAT,
            stackpilot: "0".into(),
            project: "p".into(),
            environment: "dev".into(),
            created: "2026-11-28T02:00:00Z".into(),
            engine: "default".into(),
            volumes: vec![VolumeArchive {
                volume: "data".into(),
                engine_volume: "p_data".into(),
                file: "../../etc/passwd".into(),
                read_through: "db:/data".into(),
                bytes: 1,
                archive_bytes: 1,
                sha256: String::new(),
            }],
            before_restoring: None,
        };
        std::fs::write(
            dir.path().join(MANIFEST),
            serde_json::to_vec(&manifest).expect("json"),
        )
        .expect("write");
        assert!(Manifest::read(dir.path())
            .expect_err("refused")
            .to_string()
            .contains("outside"));
        manifest.volumes[0].file = "data.tar.gz".into();
        manifest.volumes.push(manifest.volumes[0].clone());
        std::fs::write(dir.path().join(MANIFEST), serde_json::to_vec(&manifest).expect("json")).expect("write");
        assert!(Manifest::read(dir.path()).expect_err("refused").to_string().contains("twice"));
        manifest.volumes.clear();
        manifest.format = 9;
        std::fs::write(
            dir.path().join(MANIFEST),
            serde_json::to_vec(&manifest).expect("json"),
        )
        .expect("write");
        assert!(Manifest::read(dir.path())
            .expect_err("refused")
            .to_string()
            .contains("format 9"));
        std::fs::write(dir.path().join(MANIFEST), "{not json").expect("write");
        assert!(matches!(
            Manifest::read(dir.path()),
            Err(BackupError::Corrupt { .. })
        ));
        assert!(matches!(
            Manifest::read(&dir.path().join("nowhere")),
            Err(BackupError::NotFound { .. })
        ));
    }
}
