//! Compose's progress, read into per-service steps: its `--progress json` lines (Compose
//! 2.29.1 and later, with the bytes of each layer pulled) or, from older ones, its
//! `--progress plain` lines.

use std::collections::BTreeMap;

use serde::Serialize;

/// A step Compose reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", content = "detail", rename_all = "camelCase")]
pub enum ComposeStep {
    /// Pulling the service's image.
    Pulling,
    /// The image is pulled.
    Pulled,
    /// Building the image.
    Building,
    /// Creating the container.
    Creating,
    /// Starting the container.
    Starting,
    /// Compose waits for this service's condition.
    Waiting,
    /// Compose says the service failed, with its words.
    Error(String),
    /// The service's image is being downloaded: bytes so far of the layers announced so far.
    Downloading {
        /// Bytes downloaded.
        current: u64,
        /// Bytes to download (grows while Compose announces layers).
        total: u64,
    },
}

/// The bytes of every image pulled during one start, per service and in all.
#[derive(Debug, Default)]
pub struct Pulls {
    by_service: BTreeMap<String, (u64, u64)>,
}

impl Pulls {
    /// Records `service`'s bytes so far; returns the bytes so far and to pull of all images.
    pub fn update(&mut self, service: &str, current: u64, total: u64) -> (u64, u64) {
        self.by_service.insert(service.to_owned(), (current, total));
        self.by_service.values().fold((0, 0), |(c, t), (sc, st)| (c + sc, t + st))
    }
}

/// `12.3 MB of 40.0 MB (30 %)`.
pub fn pulled_words(current: u64, total: u64) -> String {
    let percent = if total == 0 { 100 } else { current.saturating_mul(100) / total };
    format!("{} of {} ({percent} %)", crate::checks::human_bytes(current), crate::checks::human_bytes(total))
}

/// The first Compose version whose JSON progress has byte counts.
pub const JSON_PROGRESS_SINCE: (u32, u32, u32) = (2, 29, 1);

/// Whether Compose `version` (`2.40.3`) writes JSON progress with byte counts.
pub fn has_json_progress(version: &str) -> bool {
    let mut parts = version.trim_start_matches('v').split(['.', '-', '+']).map(|p| p.parse::<u32>().unwrap_or(0));
    let found = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    found >= JSON_PROGRESS_SINCE
}

/// Reads Compose's `--progress json` lines; keeps each service's layers to add their bytes up.
#[derive(Debug, Default)]
pub struct JsonProgress {
    /// Per service, per layer: bytes downloaded and layer size.
    layers: BTreeMap<String, BTreeMap<String, (u64, u64)>>,
}

impl JsonProgress {
    /// The step a line reports, if any, and the line's words for people (for the end of
    /// Compose's output kept to explain a failure).
    pub fn read(&mut self, line: &str, project: &str) -> (Option<ProgressLine>, String) {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else {
            return (parse(line, project), line.trim().to_owned());
        };
        let field = |name: &str| event.get(name).and_then(|v| v.as_str()).unwrap_or_default();
        let (id, text, status) = (field("id"), field("text"), field("status"));
        let words = if event.get("error").and_then(|v| v.as_bool()) == Some(true) {
            field("message").to_owned()
        } else {
            [id, text, status].iter().filter(|w| !w.is_empty()).copied().collect::<Vec<_>>().join(" ")
        };
        let parent = field("parent_id");
        if !parent.is_empty() {
            return (self.layer(parent, id, text, &event), words);
        }
        let step = if let Some(container) = id.strip_prefix("Container ") {
            // Compose's word is in `status` (`Creating`), except for an error: `text` says
            // `Error` and `status` holds what went wrong.
            let (action, detail) = if text == "Error" { (text, status) } else if status.is_empty() { (text, "") } else { (status, "") };
            container_service(container, project).zip(container_step(action, detail)).map(|(service, step)| ProgressLine { service: service.to_owned(), step })
        } else if id.is_empty() || id.starts_with("Network ") || id.starts_with("Volume ") || id.starts_with("Image ") {
            None
        } else {
            image_step(text, status).map(|step| ProgressLine { service: id.to_owned(), step })
        };
        (step, words)
    }

    /// A layer of `service`'s image moved on: the service's bytes so far, when known.
    fn layer(&mut self, service: &str, layer: &str, text: &str, event: &serde_json::Value) -> Option<ProgressLine> {
        let number = |name: &str| event.get(name).and_then(|v| v.as_u64());
        let layers = self.layers.entry(service.to_owned()).or_default();
        let entry = layers.entry(layer.to_owned()).or_insert((0, 0));
        match text {
            "Downloading" => {
                if let (Some(current), Some(total)) = (number("current"), number("total")) {
                    *entry = (current.min(total), total);
                }
            }
            "Download complete" | "Extracting" | "Pull complete" => entry.0 = entry.1,
            _ => return None,
        }
        let (current, total) = layers.values().fold((0, 0), |(c, t), (lc, lt)| (c + lc, t + lt));
        (total > 0).then(|| ProgressLine { service: service.to_owned(), step: ComposeStep::Downloading { current, total } })
    }
}

/// One parsed line: the service it is about, and the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressLine {
    /// Compose service.
    pub service: String,
    /// The step.
    pub step: ComposeStep,
}

/// The service of a container Compose names `<project>-<service>-<n>`.
fn container_service<'a>(name: &'a str, project: &str) -> Option<&'a str> {
    Some(name.strip_prefix(project)?.strip_prefix('-')?.rsplit_once('-')?.0)
}

/// A container's step from Compose's word for it; an error's detail when Compose gave one.
fn container_step(action: &str, detail: &str) -> Option<ComposeStep> {
    Some(match action {
        "Creating" | "Recreate" | "Recreating" => ComposeStep::Creating,
        "Starting" => ComposeStep::Starting,
        "Waiting" => ComposeStep::Waiting,
        "Error" => ComposeStep::Error(if detail.is_empty() { "failed".into() } else { detail.to_owned() }),
        _ => return None,
    })
}

/// A service's image step from Compose's word for it, with the detail of an error.
fn image_step(word: &str, detail: &str) -> Option<ComposeStep> {
    Some(match word {
        "Pulling" => ComposeStep::Pulling,
        "Pulled" => ComposeStep::Pulled,
        "Building" => ComposeStep::Building,
        "Error" => ComposeStep::Error(detail.to_owned()),
        _ => return None,
    })
}

/// Reads ` Container <project>-<service>-<n>  Creating` and ` <service> Pulling` lines.
pub fn parse(line: &str, project: &str) -> Option<ProgressLine> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("Container ") {
        let (name, action) = rest.split_once(char::is_whitespace)?;
        let step = container_step(action.trim(), "")?;
        return Some(ProgressLine { service: container_service(name, project)?.to_owned(), step });
    }
    let (service, rest) = line.split_once(' ')?;
    if service.starts_with("Network") || service.starts_with("Volume") || service.contains(':') {
        return None;
    }
    let rest = rest.trim();
    let word = ["Pulling", "Pulled", "Building", "Error"].into_iter().find(|w| rest.starts_with(w))?;
    Some(ProgressLine { service: service.to_owned(), step: image_step(word, rest[word.len()..].trim())? })
}

#[cfg(test)]
mod tests {
    use super::{has_json_progress, parse, ComposeStep, JsonProgress};

    #[test]
    fn reads_json_progress_adding_up_the_layers_of_a_pull() {
        let mut progress = JsonProgress::default();
        let mut read = |line: &str| progress.read(line, "pj").0.map(|l| (l.service, l.step));
        assert_eq!(read(r#"{"id":"a","text":"Pulling"}"#), Some(("a".into(), ComposeStep::Pulling)));
        assert_eq!(read(r#"{"id":"l1","parent_id":"a","text":"Pulling fs layer"}"#), None);
        let step = |current, total| Some(("a".to_owned(), ComposeStep::Downloading { current, total }));
        assert_eq!(read(r#"{"id":"l1","parent_id":"a","text":"Downloading","current":100,"total":1000,"percent":10}"#), step(100, 1000));
        assert_eq!(read(r#"{"id":"l2","parent_id":"a","text":"Downloading","current":50,"total":500}"#), step(150, 1500));
        assert_eq!(read(r#"{"id":"l1","parent_id":"a","text":"Download complete","percent":100}"#), step(1050, 1500));
        assert_eq!(read(r#"{"id":"l2","parent_id":"a","text":"Pull complete","percent":100}"#), step(1500, 1500));
        assert_eq!(read(r#"{"id":"a","text":"Pulled"}"#), Some(("a".into(), ComposeStep::Pulled)));
        assert_eq!(read(r#"{"id":"Network pj_default","status":"Created"}"#), None);
        assert_eq!(read(r#"{"id":"Container pj-my-db-1","status":"Creating"}"#), Some(("my-db".into(), ComposeStep::Creating)));
        let failed = r#"{"id":"Container pj-my-db-1","text":"Error","status":"port is already allocated"}"#;
        assert_eq!(read(failed), Some(("my-db".into(), ComposeStep::Error("port is already allocated".into()))));
        let error = r#"{"id":"hub","text":"Error","status":"Get \"https://registry-1.docker.io/v2/\": no such host"}"#;
        assert_eq!(read(error), Some(("hub".into(), ComposeStep::Error("Get \"https://registry-1.docker.io/v2/\": no such host".into()))));
        let (step, words) = progress.read(r#"{"error":true,"message":"Error response from daemon: no such host"}"#, "pj");
        assert_eq!((step, words.as_str()), (None, "Error response from daemon: no such host"));
    }

    #[test]
    fn json_progress_with_bytes_came_with_compose_2_29_1() {
        assert!(has_json_progress("2.40.3") && has_json_progress("2.29.1") && has_json_progress("v3.0.0"));
        assert!(!has_json_progress("2.29.0") && !has_json_progress("2.20.2-desktop.1"));
    }

    #[test]
    fn reads_container_and_image_lines() {
        let line = parse(" Container fx-db-1  Creating", "fx").expect("parsed");
        assert_eq!((line.service.as_str(), line.step), ("db", ComposeStep::Creating));
        let line = parse(" Container fx-my-app-2  Starting", "fx").expect("parsed");
        assert_eq!(line.service, "my-app");
        assert_eq!(parse(" missing Pulling ", "fx").expect("parsed").step, ComposeStep::Pulling);
        let error = parse(" missing Error Get \"https://x/v2/\": no such host", "fx").expect("parsed");
        assert_eq!(error.step, ComposeStep::Error("Get \"https://x/v2/\": no such host".into()));
        assert!(parse(" Network fx_default  Creating", "fx").is_none());
        assert!(parse(" Container fx-db-1  Started", "fx").is_none());
    }
}
