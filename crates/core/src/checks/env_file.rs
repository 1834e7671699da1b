//! env.file

use super::{CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::envfiles;

pub async fn env_file(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "env.file";
    let title = "Environment file";
    let path = ctx.env.workspace.env_file(ctx.env.name);
    let shown = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let expected = ctx.env.workspace.schema.variables_for(ctx.env.environment);
    if !path.exists() && expected.is_empty() {
        return CheckResult::new(id, title, Pass, format!("the schema gives {} no variables to write", ctx.env.environment.title));
    }
    if !path.exists() {
        // Compose gets the schema's values anyway: the file would only repeat them.
        return CheckResult::new(id, title, Warn, format!("{shown} does not exist"))
            .with_details([
                format!("{} would hold the environment's {} non-secret variable(s), for you to edit", path.display(), expected.len()),
                "until then Compose gets the schema's values directly; the project's own .env is read either way".to_owned(),
            ])
            .with_fix(Fix::GenerateEnvFile);
    }
    let pairs = match envfiles::read(&path) {
        Ok(pairs) => pairs,
        Err(e) => return CheckResult::new(id, title, Fail, e.to_string()),
    };
    let secrets = ctx.env.workspace.schema.secret_names(ctx.env.environment);
    let leaked: Vec<String> = pairs.iter().filter(|(k, _)| secrets.contains(&k.as_str())).map(|(k, _)| k.clone()).collect();
    if !leaked.is_empty() {
        return CheckResult::new(id, title, Fail, format!("{shown} holds secrets in plaintext: {}", leaked.join(", ")))
            .with_details(["remove those lines: Stackpilot keeps secrets in the OS keychain and passes them at start".to_owned()]);
    }
    let missing: Vec<String> =
        expected.iter().filter(|(k, _)| !pairs.iter().any(|(p, _)| p == k)).map(|(k, _)| k.clone()).collect();
    if expected.is_empty() {
        CheckResult::new(id, title, Pass, format!("{shown} holds {} value(s) of your own; the schema adds none", pairs.len()))
    } else if missing.is_empty() {
        CheckResult::new(id, title, Pass, format!("{shown} has all {} variable(s)", expected.len()))
    } else {
        CheckResult::new(id, title, Warn, format!("{shown} lacks {} variable(s): {}", missing.len(), missing.join(", ")))
            .with_details(["the schema's values are used for them until they are written".to_owned()])
            .with_fix(Fix::GenerateEnvFile)
    }
}
