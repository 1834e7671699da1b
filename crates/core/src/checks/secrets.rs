//! secrets: every secret the environment uses is in the keychain (names only, no value read).

use super::{CheckContext, CheckResult, CheckStatus::*, Fix};
use crate::{secrets::SecretStore, Diagnostic};

pub async fn secrets(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "secrets";
    let title = "Secrets";
    if ctx.env.workspace.schema.secret_names(ctx.env.environment).is_empty() {
        // No keychain is touched, so a headless runner without a Secret Service checks fine.
        return CheckResult::new(id, title, Pass, format!("{} uses no secrets", ctx.env.environment.title));
    }
    let workspace = ctx.env.workspace.clone();
    let env = ctx.env.name.to_owned();
    let status = tokio::task::spawn_blocking(move || SecretStore::open(&workspace)?.status(&env)).await;
    let status = match status {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => return CheckResult::new(id, title, Fail, e.to_string()).with_details(e.hint()),
        Err(e) => return CheckResult::new(id, title, Fail, format!("the keychain lookup stopped: {e}")),
    };
    if status.is_empty() {
        return CheckResult::new(id, title, Pass, format!("{} uses no secrets", ctx.env.environment.title));
    }
    let missing: Vec<String> = status.iter().filter(|s| !s.present).map(|s| s.name.clone()).collect();
    if missing.len() < status.len() {
        // The manifest says they exist; the start needs their values: can they be read now?
        let workspace = ctx.env.workspace.clone();
        let env = ctx.env.name.to_owned();
        match tokio::task::spawn_blocking(move || SecretStore::open(&workspace)?.missing_values(&env)).await {
            Ok(Ok(gone)) if !gone.is_empty() => {
                return CheckResult::new(id, title, Fail, format!("{} secret(s) are recorded but not in the {}: {}", gone.len(), crate::secrets::Keychain::display_name(), gone.join(", ")))
                    .with_details(["they were removed from the keychain outside Stackpilot; generating them again gives new values".to_owned()])
                    .with_fix(Fix::GenerateSecrets)
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                return CheckResult::new(id, title, Fail, format!("the secrets cannot be read: {e}"))
                    .with_details(e.hint())
                    .with_details(["the start passes them to Compose, so it would fail the same way".to_owned()])
            }
            Err(e) => return CheckResult::new(id, title, Fail, format!("the keychain lookup stopped: {e}")),
        }
    }
    if !missing.is_empty() {
        // Generating them needs the keychain: say now, in red, when it cannot be reached,
        // rather than offer a fix that would fail at the start.
        if let Ok(Err(e)) = tokio::task::spawn_blocking(crate::secrets::Keychain::probe).await {
            return CheckResult::new(id, title, Fail, format!("{} of {} secret(s) are not generated yet, and {e}", missing.len(), status.len()))
                .with_details(e.hint())
                .with_details([format!("missing: {}", missing.join(", "))]);
        }
    }
    if missing.is_empty() {
        CheckResult::new(id, title, Pass, format!("all {} secret(s) are in the {}", status.len(), crate::secrets::Keychain::display_name()))
    } else {
        CheckResult::new(id, title, Fail, format!("{} of {} secret(s) are not generated yet: {}", missing.len(), status.len(), missing.join(", ")))
            .with_details([format!("they are generated into the {} and never written to a file", crate::secrets::Keychain::display_name())])
            .with_fix(Fix::GenerateSecrets)
    }
}
