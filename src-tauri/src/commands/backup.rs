//! Volume backups: list, back up, restore (after the page shows the plan), delete; and the
//! volumes a destructive action would lose, for the page to offer a backup first. Backups
//! are named as listed (in Stackpilot's data folder), never by a path from the page.

use stackpilot_core::{
    backup::{self, BackupEntry, BackupEvent, BackupOptions, BackupReport, RestoreEvent, RestoreOptions, RestorePlan, RestoreReport},
    ErrorReport,
};
use tauri::{ipc::Channel, State};

use crate::session::Session;

/// The backups of `env`, newest first.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn list_backups(session: State<'_, Session>, env: String) -> Result<Vec<BackupEntry>, ErrorReport> {
    let workspace = session.environment(&env)?;
    backup::list(super::env(&workspace, &env)?, None).map_err(|e| ErrorReport::of(&e))
}

/// Backs up `volumes` of `env` (all when empty), progress into `on_event`.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_event))]
pub async fn backup_environment(session: State<'_, Session>, env: String, volumes: Vec<String>, on_event: Channel<BackupEvent>) -> Result<BackupReport, ErrorReport> {
    let workspace = session.environment(&env)?;
    let options = BackupOptions { volumes, dir: None, ..BackupOptions::default() };
    backup::backup(super::env(&workspace, &env)?, &options, |event| {
        let _ = on_event.send(event);
    })
    .await
    .map_err(|e| ErrorReport::of(&e))
}

/// A restore's plan and the lines its confirmation shows.
#[derive(serde::Serialize)]
pub struct RestorePreview {
    plan: RestorePlan,
    lines: Vec<String>,
}

/// Checks the backup `name` of `env` end to end and says what a restore would replace
/// (nothing is touched); refused while the environment runs.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_event))]
pub async fn plan_restore(session: State<'_, Session>, env: String, name: String, on_event: Channel<RestoreEvent>) -> Result<RestorePreview, ErrorReport> {
    let workspace = session.environment(&env)?;
    let env = super::env(&workspace, &env)?;
    let dir = listed(env, &name)?.path;
    let plan = backup::plan_restore(env, &dir, &[], |event| {
        let _ = on_event.send(event);
    })
    .await
    .map_err(|e| ErrorReport::of(&e))?;
    Ok(RestorePreview { lines: plan.describe(), plan })
}

/// Restores the backup `name` into `env` (the page showed the plan and the person
/// confirmed); the data replaced is backed up first.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session, on_event))]
pub async fn restore_backup(session: State<'_, Session>, env: String, name: String, on_event: Channel<RestoreEvent>) -> Result<RestoreReport, ErrorReport> {
    let workspace = session.environment(&env)?;
    let env = super::env(&workspace, &env)?;
    let dir = listed(env, &name)?.path;
    let options = RestoreOptions { keep_current: true, dir: None };
    backup::restore(env, &dir, &[], &options, |event| {
        let _ = on_event.send(event);
    })
    .await
    .map_err(|e| ErrorReport::of(&e))
}

/// Deletes the backup `name` of `env` (the page asked).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn delete_backup(session: State<'_, Session>, env: String, name: String) -> Result<(), ErrorReport> {
    let workspace = session.environment(&env)?;
    let env = super::env(&workspace, &env)?;
    backup::remove(&listed(env, &name)?).map_err(|e| ErrorReport::of(&e))
}

/// The volumes of `env` that would be lost: all it has (`secrets` null, before deleting
/// volumes) or those mounted by services that receive one of `secrets` (before a rotation).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn volumes_at_risk(session: State<'_, Session>, env: String, secrets: Option<Vec<String>>) -> Result<Vec<String>, ErrorReport> {
    let workspace = session.environment(&env)?;
    let env = super::env(&workspace, &env)?;
    match secrets {
        None => backup::existing_volumes(env).await,
        Some(names) => backup::baked_volumes(env, &names).await,
    }
    .map_err(|e| ErrorReport::of(&e))
}

/// The backup of `env` listed as `name` (the page never names a path).
fn listed(env: stackpilot_core::Env<'_>, name: &str) -> Result<BackupEntry, ErrorReport> {
    backup::list(env, None).map_err(|e| ErrorReport::of(&e))?.into_iter().find(|b| b.name == name).ok_or_else(|| ErrorReport {
        code: stackpilot_core::Code::BackupNotFound,
        message: format!("no backup named {name}"),
        hint: Some("choose one from the list of backups".into()),
    })
}

/// The backups of `env` that keeping only the newest `keep` would delete (the page asks,
/// then deletes each with `delete_backup`).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn plan_prune(session: State<'_, Session>, env: String, keep: usize) -> Result<Vec<BackupEntry>, ErrorReport> {
    let workspace = session.environment(&env)?;
    let listed = backup::list(super::env(&workspace, &env)?, None).map_err(|e| ErrorReport::of(&e))?;
    Ok(backup::prune_plan(&listed, backup::Keep { newest: Some(keep), within: None }, stackpilot_core::time::now()))
}
