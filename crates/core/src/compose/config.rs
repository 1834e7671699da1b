//! `docker compose config --format json`: the canonical model of an environment.

use std::time::Duration;

use super::{ComposeCli, ComposeError, ComposeModel, ProjectSpec};

/// The longest a Compose call that only reads the files (`config`) may take.
pub const CONFIG_DEADLINE: Duration = Duration::from_secs(60);

/// The deadline of `config` calls: [`CONFIG_DEADLINE`], or less with
/// `STACKPILOT_CONFIG_TIMEOUT` (e.g. `10s`).
pub fn config_deadline() -> Duration {
    std::env::var("STACKPILOT_CONFIG_TIMEOUT")
        .ok()
        .and_then(|text| crate::schema::Timeout::parse(&text).ok())
        .map_or(CONFIG_DEADLINE, |t| t.0.min(CONFIG_DEADLINE))
}

/// How long `up`, `stop`, `restart` and `down` may take by default: 120 s, or
/// `STACKPILOT_COMPOSE_TIMEOUT` (e.g. `10m`) for a slow engine.
pub fn lifecycle_deadline() -> Duration {
    std::env::var("STACKPILOT_COMPOSE_TIMEOUT")
        .ok()
        .and_then(|text| crate::schema::Timeout::parse(&text).ok())
        .map_or(Duration::from_secs(120), |t| t.0)
}

/// Asks Compose for the fully resolved model of a project. Variables Compose
/// warns are unset (it substitutes an empty string) are kept in `unset_variables`.
/// Services' environments are not resolved (`--no-env-resolution`): they never shape
/// the model the checks read.
pub async fn config(cli: &ComposeCli, spec: &ProjectSpec) -> Result<ComposeModel, ComposeError> {
    let (stdout, stderr) = config_output(cli, spec).await?;
    parse_config(spec, &stdout, &stderr)
}

/// What `docker compose config` printed for `spec` (its model, its warnings).
pub(crate) async fn config_output(cli: &ComposeCli, spec: &ProjectSpec) -> Result<(Vec<u8>, Vec<u8>), ComposeError> {
    run(cli, spec, &["config", "--no-env-resolution", "--format", "json"]).await
}

/// The model in `docker compose config`'s output.
pub(crate) fn parse_config(spec: &ProjectSpec, stdout: &[u8], stderr: &[u8]) -> Result<ComposeModel, ComposeError> {
    let mut model: ComposeModel = serde_json::from_slice(stdout).map_err(|source| ComposeError::Output { project: spec.label(), source })?;
    model.unset_variables = unset_variables(&String::from_utf8_lossy(stderr));
    Ok(model)
}

/// Names from Compose's `The "X" variable is not set. Defaulting to a blank string.` warnings.
fn unset_variables(stderr: &str) -> Vec<String> {
    let mut names: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains("variable is not set"))
        .filter_map(|l| l.split("The \\\"").nth(1).or_else(|| l.split("The \"").nth(1)))
        .filter_map(|rest| rest.split(['\\', '"']).next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Runs a Compose subcommand that reads the files, within [`config_deadline`].
pub async fn run(cli: &ComposeCli, spec: &ProjectSpec, args: &[&str]) -> Result<(Vec<u8>, Vec<u8>), ComposeError> {
    run_within(cli, spec, args, config_deadline()).await
}

/// Runs a Compose subcommand for a project (secrets in the child's environment only) and
/// returns its standard output and error. Past `deadline` the child is killed and the
/// call fails with `TimedOut`; a failure becomes `Rejected` with Compose's message and
/// warnings (known secrets redacted), or `EngineUnreachable` when Compose could not
/// reach the Docker engine.
pub async fn run_within(
    cli: &ComposeCli,
    spec: &ProjectSpec,
    args: &[&str],
    deadline: Duration,
) -> Result<(Vec<u8>, Vec<u8>), ComposeError> {
    let mut command = spec.command(cli)?;
    command.args(args);
    let verb = args.first().copied().unwrap_or("compose").to_owned();
    // `kill_on_drop`: when the deadline drops the future, the child is killed.
    let output = tokio::time::timeout(deadline, command.output())
        .await
        .map_err(|_| ComposeError::TimedOut { project: spec.label(), verb, after: deadline })?
        .map_err(|source| ComposeError::Spawn { program: cli.program().clone(), source })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if is_engine_unreachable(&stderr) {
            return Err(ComposeError::EngineUnreachable {
                project: spec.label(),
                message: crate::secrets::redact::redact(&first_error(&stderr)),
            });
        }
        return Err(ComposeError::Rejected {
            project: spec.label(),
            message: crate::secrets::redact::redact(&first_error(&stderr)),
            warnings: warnings(&stderr).iter().map(|w| crate::secrets::redact::redact(w)).collect(),
        });
    }
    Ok((output.stdout, output.stderr))
}

/// Whether Compose failed because it could not talk to the Docker engine.
fn is_engine_unreachable(stderr: &str) -> bool {
    ["Cannot connect to the Docker daemon", "Is the docker daemon running", "error during connect", "connection refused", "dial unix"]
        .iter()
        .any(|needle| stderr.contains(needle))
}

/// The messages of Compose's `level=warning` lines, each once.
fn warnings(stderr: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in stderr.lines().filter(|l| l.contains("level=warning")) {
        let message = line
            .split_once("msg=\"")
            .map(|(_, rest)| rest.strip_suffix('"').unwrap_or(rest).replace("\\\"", "\""))
            .unwrap_or_else(|| line.trim().to_owned());
        if !found.contains(&message) {
            found.push(message);
        }
    }
    found
}

/// Compose's stderr without warnings and blank lines, as one message.
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains("level=warning"))
        .collect();
    if lines.is_empty() {
        "Compose exited with an error and printed nothing".into()
    } else {
        lines.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::{first_error, unset_variables, warnings};

    #[test]
    fn keeps_each_warning_once_without_its_log_fields() {
        let stderr = "time=\"x\" level=warning msg=\"The \\\"PLEX_MEDIA_PATH\\\" variable is not set. Defaulting to a blank string.\"\nlevel=warning msg=\"The \\\"PLEX_MEDIA_PATH\\\" variable is not set. Defaulting to a blank string.\"\ninvalid spec: :/media/:\n";
        assert_eq!(warnings(stderr), ["The \"PLEX_MEDIA_PATH\" variable is not set. Defaulting to a blank string."]);
    }

    #[test]
    fn reads_unset_variables_from_warnings() {
        let stderr = "time=\"2026-11-26T17:37:11Z\" level=warning msg=\"The \\\"POSTGRES_PASSWORD\\\" variable is not set. Defaulting to a blank string.\"\nlevel=warning msg=\"The \\\"A\\\" variable is not set. Defaulting to a blank string.\"\n";
        assert_eq!(unset_variables(stderr), ["A", "POSTGRES_PASSWORD"]);
    }

    #[test]
    fn keeps_errors_and_drops_warnings() {
        let stderr = "time=\"x\" level=warning msg=\"version is obsolete\"\nerror while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value\n";
        assert_eq!(
            first_error(stderr),
            "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value"
        );
    }
}
