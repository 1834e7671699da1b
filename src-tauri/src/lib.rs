//! The Tauri host: a window, the app's state, and thin commands over `stackpilot-core`.

mod commands;
mod session;

use session::Session;

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STACKPILOT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(|| stackpilot_core::secrets::redact::RedactingStderr)
        .init();
    stackpilot_core::secrets::redact::install_panic_hook();
    let session = Session::from_args(std::env::args_os().skip(1));
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .invoke_handler(tauri::generate_handler![
            commands::workspace::app_info,
            commands::workspace::list_environments,
            commands::workspace::open_workspace,
            commands::workspace::open_url,
            commands::workspace::recent_projects,
            commands::workspace::pick_folder,
            commands::workspace::engine_overview,
            commands::workspace::choose_engine,
            commands::workspace::propose_adoption,
            commands::workspace::adopt_project,
            commands::checks::run_checks,
            commands::checks::preview_reclaim,
            commands::checks::preview_env_file_change,
            commands::checks::apply_fix,
            commands::secrets::secrets_status,
            commands::secrets::generate_secrets,
            commands::secrets::rotate_secret,
            commands::secrets::reveal_secret,
            commands::stack::start_environment,
            commands::stack::cancel_task,
            commands::stack::environment_status,
            commands::stack::stop_environment,
            commands::stack::down_environment,
            commands::stack::restart_service,
            commands::stack::follow_logs,
            commands::stack::follow_stats,
            commands::stack::watch_environment,
            commands::stack::environment_links,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the desktop app stopped with an error");
        std::process::exit(1);
    }
}
