//! The environment's secrets in the keychain. Keychain calls block: they run off the UI thread.

use serde::Serialize;
use stackpilot_core::{
    secrets::{Generated, Keychain, SecretStatus, SecretStore},
    ErrorReport,
};
use tauri::State;

use super::task_failed;
use crate::session::Session;

/// The secrets screen's data.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretsView {
    keychain: &'static str,
    secrets: Vec<SecretStatus>,
    /// Why the keychain cannot be used now (not reachable, no provider, locked), when the
    /// environment has secrets: generating them and the start both need it.
    keychain_error: Option<ErrorReport>,
}

async fn with_store<T: Send + 'static>(
    session: &Session,
    env: &str,
    op: impl FnOnce(&SecretStore, &str) -> Result<T, stackpilot_core::secrets::SecretsError> + Send + 'static,
) -> Result<T, ErrorReport> {
    let workspace = session.environment(env)?;
    let env = env.to_owned();
    tokio::task::spawn_blocking(move || {
        let store = SecretStore::open(&workspace).map_err(|e| ErrorReport::of(&e))?;
        op(&store, &env).map_err(|e| ErrorReport::of(&e))
    })
    .await
    .map_err(task_failed)?
}

/// Which secrets the environment uses and whether they exist (no value is read).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn secrets_status(session: State<'_, Session>, env: String) -> Result<SecretsView, ErrorReport> {
    let secrets = with_store(&session, &env, |store, env| store.status(env)).await?;
    let keychain_error = if secrets.is_empty() {
        None
    } else {
        tokio::task::spawn_blocking(Keychain::probe).await.map_err(task_failed)?.err().map(|e| ErrorReport::of(&e))
    };
    Ok(SecretsView { keychain: Keychain::display_name(), secrets, keychain_error })
}

/// Generates the missing secrets.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn generate_secrets(session: State<'_, Session>, env: String) -> Result<Vec<Generated>, ErrorReport> {
    with_store(&session, &env, |store, env| store.generate_missing(env)).await
}

/// Rotates one secret (the page has shown the warning and asked).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn rotate_secret(session: State<'_, Session>, env: String, name: String) -> Result<(), ErrorReport> {
    with_store(&session, &env, move |store, env| store.rotate(env, &[name]).map(|_| ())).await
}

/// One secret's value, on explicit request (the page hides it again after a few seconds).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(session))]
pub async fn reveal_secret(session: State<'_, Session>, env: String, name: String) -> Result<String, ErrorReport> {
    with_store(&session, &env, move |store, env| store.reveal(env, &name).map(|v| v.expose().clone())).await
}
