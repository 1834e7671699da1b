//! What a check says: status, message, details and the fixes it offers.

use serde::Serialize;

use super::Fix;

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Works, but worth knowing.
    Warn,
    /// Stops the environment from starting.
    Fail,
    /// Not applicable, or not run because something it needs is missing (the message says which).
    Skipped,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// Stable id, e.g. `docker.daemon`.
    pub id: &'static str,
    /// Title for people.
    pub title: &'static str,
    /// Outcome.
    pub status: CheckStatus,
    /// One sentence a person understands (for skipped: why).
    pub message: String,
    /// Supporting facts, one per line.
    pub details: Vec<String>,
    /// What can be done about it; each sent with its words (`id`, `label`, `destructive`).
    #[serde(serialize_with = "fixes_with_words")]
    pub fixes: Vec<Fix>,
    /// How long the check took.
    pub elapsed_ms: u64,
}

/// Each fix as its fields plus the words a front end shows, defined here once.
fn fixes_with_words<S: serde::Serializer>(fixes: &[Fix], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error as _, SerializeSeq as _};
    let mut seq = serializer.serialize_seq(Some(fixes.len()))?;
    for fix in fixes {
        let mut value = serde_json::to_value(fix).map_err(S::Error::custom)?;
        if let Some(map) = value.as_object_mut() {
            map.insert("id".into(), fix.id().into());
            map.insert("label".into(), fix.label().into());
            map.insert("destructive".into(), fix.is_destructive().into());
        }
        seq.serialize_element(&value)?;
    }
    seq.end()
}

impl CheckResult {
    /// A result with no details or fixes.
    pub fn new(id: &'static str, title: &'static str, status: CheckStatus, message: impl Into<String>) -> Self {
        Self { id, title, status, message: message.into(), details: Vec::new(), fixes: Vec::new(), elapsed_ms: 0 }
    }

    /// Adds detail lines.
    pub fn with_details(mut self, details: impl IntoIterator<Item = String>) -> Self {
        self.details.extend(details);
        self
    }

    /// Adds a fix.
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
}

/// Counts by status.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    /// Passed.
    pub pass: usize,
    /// Warnings.
    pub warn: usize,
    /// Failures.
    pub fail: usize,
    /// Skipped.
    pub skipped: usize,
}

/// Every check of one run.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Environment checked.
    pub environment: String,
    /// Results in catalogue order.
    pub results: Vec<CheckResult>,
    /// Counts.
    pub summary: Summary,
    /// Wall time of the whole run.
    pub elapsed_ms: u64,
    /// The engine checked and the machine that runs its containers (none when it does not answer).
    pub engine: Option<crate::engine::EngineFacts>,
    /// The failed checks a start cannot resolve by itself: they need a person (the others
    /// are fixed by the start without asking: missing env keys, missing secrets).
    pub needs_person: Vec<&'static str>,
}

impl CheckReport {
    /// Builds the report, ordering results as the catalogue lists them.
    pub fn new(environment: String, mut results: Vec<CheckResult>, order: &[&str], elapsed_ms: u64) -> Self {
        results.sort_by_key(|r| order.iter().position(|id| *id == r.id).unwrap_or(usize::MAX));
        let mut summary = Summary::default();
        for r in &results {
            match r.status {
                CheckStatus::Pass => summary.pass += 1,
                CheckStatus::Warn => summary.warn += 1,
                CheckStatus::Fail => summary.fail += 1,
                CheckStatus::Skipped => summary.skipped += 1,
            }
        }
        let needs_person = results
            .iter()
            .filter(|r| r.status == CheckStatus::Fail && (r.fixes.is_empty() || !r.fixes.iter().all(super::Fix::applies_without_asking)))
            .map(|r| r.id)
            .collect();
        Self { environment, results, summary, elapsed_ms, engine: None, needs_person }
    }

    /// The result of check `id`.
    pub fn get(&self, id: &str) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.id == id)
    }
}
