//! The Tauri host: a window, the app's state, and thin commands over `stackpilot-core`.

mod commands;
mod session;

use session::{LaunchArgs, Session};
use tauri::{Emitter, Manager};

/// The app's log file in the platform's log folder (Linux: `~/.local/share/dev.stackpilot.desktop/logs/`,
/// macOS: `~/Library/Logs/dev.stackpilot.desktop/`, Windows: `%LOCALAPPDATA%\\dev.stackpilot.desktop\\logs\\`),
/// without its `.log`.
const LOG_FILE: &str = "stackpilot";

/// The log plugin: every tracing event of the app and core (through `tracing`'s `log-always`)
/// at info and above into [`LOG_FILE`], secrets redacted as on stderr, rotated at 5 MB with
/// the three newest kept.
fn log_plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::LogDir { file_name: Some(LOG_FILE.into()) }))
        .max_file_size(5_000_000)
        .rotation_strategy(RotationStrategy::KeepSome(3))
        .level(tauri_plugin_log::log::LevelFilter::Info)
        // Spans entered and left, and the D-Bus library's chatter, are not the app's story.
        .level_for("tracing::span", tauri_plugin_log::log::LevelFilter::Off)
        .level_for("tracing::span::active", tauri_plugin_log::log::LevelFilter::Off)
        .level_for("zbus", tauri_plugin_log::log::LevelFilter::Warn)
        .format(|out, message, record| {
            let time = stackpilot_core::time::format_timestamp(stackpilot_core::time::now());
            let line = stackpilot_core::secrets::redact::redact(&message.to_string());
            out.finish(format_args!("{time} {} {}: {line}", record.level(), record.target()))
        })
        .build()
}

/// Writes the windows' size and position half a second after the last of a burst of moves
/// and resizes.
fn save_window_state_soon(app: tauri::AppHandle) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    static LATEST: AtomicU64 = AtomicU64::new(0);
    let this = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if LATEST.load(Ordering::SeqCst) == this {
            if let Err(error) = app.save_window_state(StateFlags::all()) {
                tracing::warn!(%error, "the window's size and position could not be saved");
            }
        }
    });
}

/// A second launch of the app: its window comes to the front, and a folder given on the
/// second launch's command line (resolved against where it was started) opens in it.
fn second_launch(app: &tauri::AppHandle, argv: Vec<String>, cwd: String) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Some(folder) = LaunchArgs::parse(argv.into_iter().skip(1).map(Into::into)).workspace {
        let folder = std::path::Path::new(&cwd).join(folder);
        tracing::info!(folder = %folder.display(), "a second launch asked to open a folder");
        let _ = app.emit_to("main", "open-folder", folder.display().to_string());
    }
}

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    // Not `init()`: that would also make itself the `log` crate's logger, which is the log
    // plugin's place (tracing's events reach it through `log-always`).
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STACKPILOT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(|| stackpilot_core::secrets::redact::RedactingStderr)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
    stackpilot_core::secrets::redact::install_panic_hook();
    let session = Session::from_args(std::env::args_os().skip(1));
    let result = tauri::Builder::default()
        // First, so that a second launch goes no further than handing over its command line.
        .plugin(tauri_plugin_single_instance::init(second_launch))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // The plugin writes the size and position at the app's exit; written half a second
        // after each move or resize too, they survive an end that skips the exit (a crash,
        // a session manager's kill).
        .on_window_event(|window, event| {
            if matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
                save_window_state_soon(window.app_handle().clone());
            }
        })
        .plugin(log_plugin())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .setup(|app| {
            let engine = stackpilot_core::engine::endpoint::resolve().map(|e| format!("{} (context {})", e.host, e.context)).unwrap_or_else(|e| e.to_string());
            tracing::info!(version = env!("CARGO_PKG_VERSION"), identifier = %app.config().identifier, %engine, "Stackpilot started");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace::app_info,
            commands::workspace::list_environments,
            commands::workspace::open_workspace,
            commands::workspace::open_url,
            commands::workspace::open_log_folder,
            commands::workspace::compare_environments,
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
            commands::backup::list_backups,
            commands::backup::backup_environment,
            commands::backup::plan_restore,
            commands::backup::restore_backup,
            commands::backup::delete_backup,
            commands::backup::volumes_at_risk,
            commands::backup::plan_prune,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the desktop app stopped with an error");
        std::process::exit(1);
    }
}
