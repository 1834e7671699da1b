//! Service logs: the last lines, or followed live across restarts of the service's container.

use std::time::Duration;

use bollard::{container::LogOutput, query_parameters::LogsOptionsBuilder};
use futures_util::{stream, Stream, StreamExt};
use serde::Serialize;

use crate::{
    engine::{Engine, EngineError},
    secrets::redact::redact,
    time::epoch_seconds,
};

/// How often a follower looks for its service's container again after its log ended.
const RECHECK: Duration = Duration::from_millis(500);

/// How serious a line reads: from its words, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Level {
    /// It reports an error (`error`, `fatal`, `panic`, `exception`, `critical`).
    Error,
    /// It warns (`warn`, `warning`).
    Warning,
}

impl Level {
    /// The level of a line, if it reads as an error or a warning.
    pub fn of(text: &str) -> Option<Self> {
        let lower = text.to_ascii_lowercase();
        let word = |w: &str| {
            lower.match_indices(w).any(|(at, _)| {
                let before = lower[..at].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric());
                let after = lower[at + w.len()..].chars().next().is_none_or(|c| !c.is_ascii_alphabetic());
                before && after
            })
        };
        if ["error", "fatal", "panic", "exception", "critical", "err"].iter().any(|w| word(w)) {
            Some(Self::Error)
        } else if ["warn", "warning"].iter().any(|w| word(w)) {
            Some(Self::Warning)
        } else {
            None
        }
    }
}

/// One log line of one service.
#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    /// Compose service.
    pub service: String,
    /// The line, with the engine's timestamp first when asked for; known secrets redacted.
    pub text: String,
    /// Whether it reads as an error or a warning.
    pub level: Option<Level>,
}

impl LogLine {
    /// A line of `service`, its level read from its words.
    pub fn new(service: &str, text: &str) -> Self {
        Self { service: service.to_owned(), text: text.to_owned(), level: Level::of(text) }
    }
}

async fn containers(engine: &Engine, project: &str, service: Option<&str>) -> Result<Vec<(String, String)>, EngineError> {
    Ok(engine
        .project_containers(project, service, true)
        .await?
        .into_iter()
        .filter_map(|c| {
            let service = c.labels.as_ref()?.get("com.docker.compose.service")?.clone();
            Some((c.id?, service))
        })
        .collect())
}

fn text(output: LogOutput) -> String {
    redact(String::from_utf8_lossy(&output.into_bytes()).trim_end())
}

/// The last `lines` lines of a service's (or every service's) logs.
pub async fn tail(engine: &Engine, project: &str, service: Option<&str>, lines: usize) -> Result<Vec<LogLine>, EngineError> {
    let mut out = Vec::new();
    for (id, service) in containers(engine, project, service).await? {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).tail(&lines.to_string()).build();
        let mut logs = engine.docker().logs(&id, Some(options));
        while let Some(chunk) = logs.next().await {
            for line in text(chunk?).lines() {
                out.push(LogLine::new(&service, line));
            }
        }
    }
    Ok(out)
}

/// A timestamp the engine puts first on a line (`2026-11-27T20:11:12.5Z`), as a key that
/// orders correctly (the engine trims trailing zeros of the nanoseconds).
fn time_key(line: &str) -> Option<String> {
    let stamp = line.split_once(' ').map_or(line, |(s, _)| s);
    let (seconds, rest) = stamp.split_once('.').unwrap_or((stamp.trim_end_matches('Z'), "Z"));
    let fraction = rest.strip_suffix('Z')?;
    (seconds.len() == 19 && fraction.chars().all(|c| c.is_ascii_digit())).then(|| format!("{seconds}.{fraction:0<9}"))
}

/// Follows one replica of a service: its container's log, and on across restarts and
/// recreations (a new container with the same service and number is picked up), from where
/// it stopped, with no line twice and none dropped.
struct Follower {
    engine: Engine,
    project: String,
    service: String,
    /// `com.docker.compose.container-number` of the replica followed.
    number: Option<String>,
    /// Time key and text of the newest line sent, once one was.
    last: Option<(String, String)>,
    /// After a reopen: the replay of what was sent before is skipped up to this line.
    resume_after: Option<(String, String)>,
    /// Seconds since the epoch of the first opening, once the log was opened: later openings
    /// never start from the tail again, and start there when no line came.
    opened_at: Option<i32>,
    /// Lines to start with, the first time.
    tail: usize,
    live: Option<stream::BoxStream<'static, Result<LogOutput, bollard::errors::Error>>>,
    /// Whether the live stream gave a line since it was opened.
    live_gave: bool,
    pending: std::collections::VecDeque<LogLine>,
}

impl Follower {
    /// The next line; waits through a restart; `None` never (the caller stops it). An error
    /// only when the engine itself does not answer.
    async fn next(&mut self) -> Option<Result<LogLine, EngineError>> {
        loop {
            if let Some(line) = self.pending.pop_front() {
                return Some(Ok(line));
            }
            if let Some(live) = self.live.as_mut() {
                match live.next().await {
                    Some(Ok(output)) => {
                        self.live_gave = true;
                        for line in text(output).lines() {
                            self.take(line);
                        }
                        continue;
                    }
                    // The container went away under the request (removed, recreated): look again.
                    Some(Err(_)) | None => {
                        self.live = None;
                        if !std::mem::take(&mut self.live_gave) {
                            // Ended at once (a container waiting to be restarted): do not spin.
                            tokio::time::sleep(RECHECK).await;
                        }
                    }
                }
            }
            match self.reopen().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(RECHECK).await,
                Err(e) => {
                    tokio::time::sleep(RECHECK).await;
                    return Some(Err(e));
                }
            }
        }
    }

    /// A line read: queued, unless it is the replay of one sent before the last reopen.
    fn take(&mut self, line: &str) {
        let Some(key) = time_key(line) else {
            self.pending.push_back(LogLine::new(&self.service, line));
            return;
        };
        if let Some((after, text)) = &self.resume_after {
            if key < *after || (key == *after && line == text.as_str()) {
                return; // sent before the reopen
            }
            if key > *after {
                self.resume_after = None;
            }
        }
        self.last = Some((key, line.to_owned()));
        self.pending.push_back(LogLine::new(&self.service, line));
    }

    /// Opens the log of the replica's running container (the newest), from the last line
    /// sent; false when none runs yet.
    async fn reopen(&mut self) -> Result<bool, EngineError> {
        let opened = self.opened_at.is_some();
        let mut found = self.engine.project_containers(&self.project, Some(&self.service), !opened).await?;
        found.retain(|c| {
            let labels = c.labels.as_ref();
            let label = |name: &str| labels.and_then(|l| l.get(name)).map(String::as_str);
            let running = !opened || c.state == Some(bollard::models::ContainerSummaryStateEnum::RUNNING);
            running && label("com.docker.compose.oneoff") != Some("True") && label("com.docker.compose.container-number") == self.number.as_deref()
        });
        found.sort_by_key(|c| std::cmp::Reverse(c.created.unwrap_or(0)));
        let Some(id) = found.into_iter().find_map(|c| c.id) else { return Ok(false) };
        let mut options = LogsOptionsBuilder::new().stdout(true).stderr(true).follow(true).timestamps(true);
        options = match self.opened_at {
            None => {
                self.opened_at = Some(i32::try_from(crate::time::now()).unwrap_or(0));
                options.tail(&self.tail.to_string())
            }
            Some(opened_at) => {
                // Whole seconds: the replay of that second is skipped line by line in `take`.
                self.resume_after = self.last.clone();
                options.since(self.last.as_ref().and_then(|(key, _)| epoch_seconds(key)).unwrap_or(opened_at))
            }
        };
        self.live = Some(self.engine.docker().logs(&id, Some(options.build())).boxed());
        Ok(true)
    }
}

/// Follows the logs of one service or all, with timestamps, starting from the last `lines`
/// of each; a service's log goes on after its container restarts or is recreated, with
/// neither a gap nor a line twice. Ends only when the caller stops reading.
pub async fn follow(
    engine: &Engine,
    project: &str,
    service: Option<&str>,
    lines: usize,
) -> Result<impl Stream<Item = Result<LogLine, EngineError>> + 'static, EngineError> {
    let mut replicas: Vec<(String, Option<String>)> = engine
        .project_containers(project, service, true)
        .await?
        .into_iter()
        .filter_map(|c| {
            let labels = c.labels?;
            if labels.get("com.docker.compose.oneoff").map(String::as_str) == Some("True") {
                return None; // `compose run` containers are not the service's own
            }
            Some((labels.get("com.docker.compose.service")?.clone(), labels.get("com.docker.compose.container-number").cloned()))
        })
        .collect();
    replicas.sort();
    replicas.dedup();
    let followers = replicas.into_iter().map(|(service, number)| {
        let follower = Follower {
            engine: engine.clone(),
            project: project.to_owned(),
            service,
            number,
            last: None,
            resume_after: None,
            opened_at: None,
            tail: lines,
            live: None,
            live_gave: false,
            pending: Default::default(),
        };
        stream::unfold(follower, |mut f| async move { f.next().await.map(|item| (item, f)) }).boxed()
    });
    Ok(stream::select_all(followers))
}

#[cfg(test)]
mod tests {
    use super::{time_key, Level};
    use crate::time::epoch_seconds;

    #[test]
    fn time_keys_order_as_the_times_do() {
        let a = time_key("2026-11-27T20:11:12.5Z first").expect("key");
        let b = time_key("2026-11-27T20:11:12.50001Z second").expect("key");
        let c = time_key("2026-11-27T20:11:13Z third").expect("key");
        assert!(a < b && b < c, "{a} {b} {c}");
        assert_eq!(time_key("no timestamp here"), None);
        assert_eq!(epoch_seconds(&c), Some(1_795_810_273));
        assert_eq!(epoch_seconds("1970-01-01T00:00:00.000000000"), Some(0));
    }

    #[test]
    fn errors_and_warnings_are_read_from_their_words() {
        assert_eq!(Level::of("2026-11-27T20:11:12Z ERROR: connection refused"), Some(Level::Error));
        assert_eq!(Level::of("fatal: cannot open /etc/worker.conf"), Some(Level::Error));
        assert_eq!(Level::of("[WARN] slow query"), Some(Level::Warning));
        assert_eq!(Level::of("0 errors, all good"), None, "a plural count is not an error line");
        assert_eq!(Level::of("terror and mirrors"), None);
        assert_eq!(Level::of("listening on :8080"), None);
    }
}
