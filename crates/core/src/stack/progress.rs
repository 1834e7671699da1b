//! Compose's `--progress plain` lines, read into per-service steps.

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
}

/// One parsed line: the service it is about, and the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressLine {
    /// Compose service.
    pub service: String,
    /// The step.
    pub step: ComposeStep,
}

/// Reads ` Container <project>-<service>-<n>  Creating` and ` <service> Pulling` lines.
pub fn parse(line: &str, project: &str) -> Option<ProgressLine> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("Container ") {
        let (name, action) = rest.split_once(char::is_whitespace)?;
        let service = name.strip_prefix(&format!("{project}-"))?.rsplit_once('-')?.0.to_owned();
        let step = match action.trim() {
            "Creating" | "Recreate" | "Recreating" => ComposeStep::Creating,
            "Starting" => ComposeStep::Starting,
            "Waiting" => ComposeStep::Waiting,
            "Error" => ComposeStep::Error("failed".into()),
            _ => return None,
        };
        return Some(ProgressLine { service, step });
    }
    let (service, rest) = line.split_once(' ')?;
    if service.starts_with("Network") || service.starts_with("Volume") || service.contains(':') {
        return None;
    }
    let step = match rest.trim() {
        r if r.starts_with("Pulling") => ComposeStep::Pulling,
        r if r.starts_with("Pulled") => ComposeStep::Pulled,
        r if r.starts_with("Building") => ComposeStep::Building,
        r if r.starts_with("Error") => ComposeStep::Error(r.trim_start_matches("Error").trim().to_owned()),
        _ => return None,
    };
    Some(ProgressLine { service: service.to_owned(), step })
}

#[cfg(test)]
mod tests {
    use super::{parse, ComposeStep};

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
