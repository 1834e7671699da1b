//! Running the checks live and applying their fixes.

use stackpilot_core::{
    checks::{self, CheckContext, CheckReport, CheckResult, Fix, Offered},
    engine::disk::ReclaimItem,
    envfiles::EnvFileUpdate,
    stack::AppliedFix,
    ErrorReport,
};
use tauri::{ipc::Channel, State};

use crate::session::Session;

/// Runs every check of `env`; each result goes to `on_result` as it finishes.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_result))]
pub async fn run_checks(session: State<'_, Session>, env: String, on_result: Channel<CheckResult>) -> Result<CheckReport, ErrorReport> {
    let workspace = session.environment(&env)?;
    let ctx = CheckContext::new(super::env(&workspace, &env)?, &session.cache);
    let report = checks::run_checks(&ctx, |result| {
        let _ = on_result.send(result.clone());
    })
    .await;
    if let Ok(mut offered) = session.offered.lock() {
        offered.insert(env.clone(), Offered::from_report(&report));
    }
    Ok(report)
}

/// Exactly what the reclaim fix would remove, for the person to confirm.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn preview_reclaim(session: State<'_, Session>, env: String) -> Result<Vec<ReclaimItem>, ErrorReport> {
    let workspace = session.environment(&env)?;
    let ctx = CheckContext::new(super::env(&workspace, &env)?, &session.cache);
    let items = checks::reclaim_preview(&ctx).await.map_err(|e| ErrorReport::of(&e))?;
    if let Ok(mut offered) = session.offered.lock() {
        offered.entry(env.clone()).or_default().set_preview(items.clone());
    }
    Ok(items)
}

/// The exact change an env-file fix would make (`null` for other fixes), shown before it is written.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn preview_env_file_change(session: State<'_, Session>, env: String, fix: Fix) -> Result<Option<EnvFileUpdate>, ErrorReport> {
    let workspace = session.environment(&env)?;
    let ctx = CheckContext::new(super::env(&workspace, &env)?, &session.cache);
    checks::env_file_change(&ctx, &fix).map_err(|e| ErrorReport::of(&e))
}

/// Applies a fix; destructive ones take the confirmed preview.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, confirmed))]
pub async fn apply_fix(
    session: State<'_, Session>,
    env: String,
    fix: Fix,
    confirmed: Option<Vec<ReclaimItem>>,
) -> Result<AppliedFix, ErrorReport> {
    let workspace = session.environment(&env)?;
    // The page is not trusted: only what the latest check run offered is applied.
    let admitted = session.offered.lock().map(|o| o.get(&env).cloned().unwrap_or_default()).unwrap_or_default();
    admitted.admit(&fix, confirmed.as_deref()).map_err(|e| ErrorReport::of(&e))?;
    let ctx = CheckContext::new(super::env(&workspace, &env)?, &session.cache);
    let outcome = checks::apply(&ctx, &fix, confirmed.as_deref()).await.map_err(|e| ErrorReport::of(&e))?;
    Ok(AppliedFix { id: fix.id(), summary: outcome.summary(), ok: true })
}
