//! The default workspace (the multimodal AI stack of `configs/`), built into the binaries.

use std::path::{Path, PathBuf};

/// Every file of `configs/`, relative path and contents.
pub const FILES: &[(&str, &str)] = &[
    ("allure-results/.gitkeep", include_str!("../../../configs/allure-results/.gitkeep")),
    ("docker-compose.allure.yml", include_str!("../../../configs/docker-compose.allure.yml")),
    ("docker-compose.development.override.yml", include_str!("../../../configs/docker-compose.development.override.yml")),
    ("docker-compose.elk.yml", include_str!("../../../configs/docker-compose.elk.yml")),
    ("docker-compose.jmeter.yml", include_str!("../../../configs/docker-compose.jmeter.yml")),
    ("docker-compose.optimized.override.yml", include_str!("../../../configs/docker-compose.optimized.override.yml")),
    ("docker-compose.production.override.yml", include_str!("../../../configs/docker-compose.production.override.yml")),
    ("docker-compose.staging.override.yml", include_str!("../../../configs/docker-compose.staging.override.yml")),
    ("docker-compose.yml", include_str!("../../../configs/docker-compose.yml")),
    ("environment_schema.yaml", include_str!("../../../configs/environment_schema.yaml")),
    ("jmeter/smoke.jmx", include_str!("../../../configs/jmeter/smoke.jmx")),
    ("litellm_config.yaml", include_str!("../../../configs/litellm_config.yaml")),
    ("litellm_optimized.yaml", include_str!("../../../configs/litellm_optimized.yaml")),
    ("logstash/pipeline.conf", include_str!("../../../configs/logstash/pipeline.conf")),
    ("nginx/nginx.conf", include_str!("../../../configs/nginx/nginx.conf")),
    ("prometheus/prometheus.yml", include_str!("../../../configs/prometheus/prometheus.yml")),
];

/// What writing the default workspace out did.
#[derive(Debug, Clone, Default)]
pub struct Materialized {
    /// The folder written to.
    pub dir: PathBuf,
    /// Files that were missing and were written.
    pub written: Vec<String>,
    /// Files that differ from the built-in version and were left as the user edited them.
    pub kept_edits: Vec<String>,
}

/// Where the default workspace lives for this user.
pub fn default_dir() -> Option<PathBuf> {
    crate::paths::app_data_dir().map(|d| d.join("default-workspace"))
}

/// Writes the built-in files into `dir`: missing files are written, edited ones are kept.
pub fn materialize(dir: &Path) -> std::io::Result<Materialized> {
    let mut report = Materialized { dir: dir.to_path_buf(), ..Materialized::default() };
    for (relative, contents) in FILES {
        let path = dir.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == *contents => {}
            Ok(_) => report.kept_edits.push((*relative).to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, contents)?;
                report.written.push((*relative).to_owned());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{materialize, FILES};

    fn files_under(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("configs/ is readable") {
            let path = entry.expect("entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with(".env.") || name == ".stackpilot" {
                continue; // generated per machine, git-ignored
            }
            if path.is_dir() {
                files_under(&path, base, out);
            } else {
                out.push(path.strip_prefix(base).expect("inside").to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn embeds_every_file_of_configs() {
        let configs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
        let mut on_disk = Vec::new();
        files_under(&configs, &configs, &mut on_disk);
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded, "update FILES in default_workspace.rs when configs/ changes");
    }

    #[test]
    fn keeps_user_edits_and_writes_missing_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = materialize(dir.path()).expect("written");
        assert_eq!(first.written.len(), FILES.len());
        let schema = dir.path().join("environment_schema.yaml");
        std::fs::write(&schema, "# edited\n").expect("edit");
        std::fs::remove_file(dir.path().join("docker-compose.yml")).expect("remove");
        let second = materialize(dir.path()).expect("written");
        assert_eq!(second.written, vec!["docker-compose.yml".to_owned()]);
        assert_eq!(second.kept_edits, vec!["environment_schema.yaml".to_owned()]);
        assert_eq!(std::fs::read_to_string(schema).expect("read"), "# edited\n");
    }
}
