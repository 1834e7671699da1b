//! `docker compose config --format json`: the canonical model of an environment.

use super::{ComposeCli, ComposeError, ComposeModel, ProjectSpec};

/// Asks Compose for the fully resolved model of a project.
pub async fn config(cli: &ComposeCli, spec: &ProjectSpec) -> Result<ComposeModel, ComposeError> {
    let output = run(cli, spec, &["config", "--format", "json"]).await?;
    serde_json::from_slice(&output).map_err(|source| ComposeError::Output { project: spec.name.clone(), source })
}

/// Runs a Compose subcommand for a project and returns its standard output.
pub(super) async fn run(cli: &ComposeCli, spec: &ProjectSpec, args: &[&str]) -> Result<Vec<u8>, ComposeError> {
    let mut command = cli.command();
    spec.apply(&mut command);
    command.args(args);
    let output = command
        .output()
        .await
        .map_err(|source| ComposeError::Spawn { program: cli.program().clone(), source })?;
    if !output.status.success() {
        return Err(ComposeError::Rejected {
            project: spec.name.clone(),
            message: first_error(&String::from_utf8_lossy(&output.stderr)),
        });
    }
    Ok(output.stdout)
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
    use super::first_error;

    #[test]
    fn keeps_errors_and_drops_warnings() {
        let stderr = "time=\"x\" level=warning msg=\"version is obsolete\"\nerror while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value\n";
        assert_eq!(
            first_error(stderr),
            "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value"
        );
    }
}
