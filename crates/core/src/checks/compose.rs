//! compose, compose.files, images

use std::collections::BTreeSet;

use super::{CheckContext, CheckResult, CheckStatus::*};
use crate::Diagnostic;

pub async fn compose(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "compose";
    let title = "Docker Compose v2";
    match ctx.compose().await {
        Ok(cli) => CheckResult::new(id, title, Pass, format!("Docker Compose {} ({})", cli.version, cli.program().display())),
        Err(e) => CheckResult::new(id, title, Fail, e.to_string()).with_details(e.hint()),
    }
}

pub async fn files(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "compose.files";
    let title = "Compose files";
    let files = ctx.env.workspace.compose_files(ctx.env.environment);
    let names: Vec<String> = ctx.env.environment.compose.clone();
    let problems: Vec<String> = ctx.env.workspace.schema.problems_of(ctx.env.name).map(ToString::to_string).collect();
    if !problems.is_empty() {
        return CheckResult::new(id, title, Fail, format!("{} cannot be used as the schema writes it", ctx.env.environment.title))
            .with_details(problems);
    }
    let model = match ctx.model().await {
        Ok(model) => model,
        Err(e) => {
            if matches!(**e, crate::compose::ComposeError::Missing | crate::compose::ComposeError::Version1 { .. }) {
                return CheckResult::new(id, title, Skipped, super::context::Missing::Compose.reason());
            }
            // Name the files Compose names; only when it names none, list them all.
            let message = e.to_string();
            let named: Vec<String> = ctx
                .spec()
                .inputs()
                .filter(|path| message.contains(&*path.to_string_lossy()) || path.file_name().is_some_and(|n| message.contains(&*n.to_string_lossy())))
                .map(|path| format!("file at fault: {}", path.display()))
                .collect();
            let listed: Vec<String> =
                if named.is_empty() { names.iter().map(|n| format!("files of this environment: {n}")).collect() } else { named };
            let mut result = CheckResult::new(id, title, Fail, message.clone()).with_details(listed);
            // A refusal about a service the schema's `services:` sets comes from the
            // generated override: point at the schema line that wrote it.
            for (service, _) in ctx.env.environment.services.iter() {
                let named = [format!("services.{service}"), format!("service \"{service}\""), format!("service {service} ")];
                if named.iter().any(|n| message.contains(n.as_str())) {
                    let at = ctx.env.workspace.schema_line(&["environments", ctx.env.name, "services", service]);
                    result.details.push(format!("caused by the schema's environments.{}.services.{service} at {at}", ctx.env.name));
                }
            }
            if let Some(variable) = missing_required(&e.to_string()) {
                result.details.push(format!("{variable} is required (used in {})", used_in(&files, &names, variable)));
            }
            return result.with_details(e.hint());
        }
    };
    let summary = format!("{} service(s) from {}", model.services.len(), names.join(" + "));
    if model.unset_variables.is_empty() {
        return CheckResult::new(id, title, Pass, format!("Compose accepts {summary}"));
    }
    let unset: Vec<String> = model
        .unset_variables
        .iter()
        .map(|v| format!("{v} (used in {})", used_in(&files, &names, v)))
        .collect();
    CheckResult::new(id, title, Warn, format!("{} variable(s) have no value and will be empty: {summary}", unset.len()))
        .with_details(unset)
        .with_details(["set them in the schema's `variables`, in the env file, or as secrets".to_owned()])
}

/// The variable named in Compose's "required variable X is missing a value".
fn missing_required(message: &str) -> Option<&str> {
    message.split("required variable ").nth(1)?.split_whitespace().next()
}

/// The environment's compose files that mention `${name` or `$name`.
fn used_in(files: &[std::path::PathBuf], names: &[String], name: &str) -> String {
    let users: Vec<&str> = files
        .iter()
        .zip(names)
        .filter(|(path, _)| {
            std::fs::read_to_string(path).is_ok_and(|text| text.contains(&format!("${{{name}")) || text.contains(&format!("${name}")))
        })
        .map(|(_, n)| n.as_str())
        .collect();
    if users.is_empty() {
        "no file directly".into()
    } else {
        users.join(", ")
    }
}

pub async fn images(ctx: &CheckContext<'_>) -> CheckResult {
    let id = "images";
    let title = "Images";
    let model = match ctx.model_or_skip().await {
        Ok(model) => model,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let engine = match ctx.engine_or_skip().await {
        Ok(engine) => engine,
        Err(missing) => return CheckResult::new(id, title, Skipped, missing.reason()),
    };
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    let mut built = Vec::new();
    for (name, service) in &model.services {
        match (&service.image, service.is_built()) {
            (_, true) => built.push(name.clone()),
            (Some(image), false) => {
                wanted.insert(image.as_str());
            }
            (None, false) => {}
        }
    }
    let checks = wanted.iter().map(|image| async move { (*image, engine.docker().inspect_image(image).await.is_ok()) });
    let found = futures_util::future::join_all(checks).await;
    let missing: Vec<String> = found.iter().filter(|(_, ok)| !ok).map(|(i, _)| (*i).to_owned()).collect();
    let mut details: Vec<String> = built.iter().map(|s| format!("{s}: built from source at start")).collect();
    details.extend(missing.iter().map(|i| format!("{i}: not present, will be pulled")));
    if wanted.is_empty() {
        CheckResult::new(id, title, Pass, "every image is built from source at start").with_details(details)
    } else if missing.is_empty() {
        CheckResult::new(id, title, Pass, format!("all {} image(s) are present", wanted.len())).with_details(details)
    } else {
        CheckResult::new(
            id,
            title,
            Warn,
            format!("{} of {} image(s) must be pulled first: this may take long, and fails offline", missing.len(), wanted.len()),
        )
        .with_details(details)
    }
}
