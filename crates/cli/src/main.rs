//! `stackpilot`: validate, start and watch the environments of a Compose stack.

/// Prints a line on stdout; a closed pipe (`stackpilot envs | head`) ends the program quietly.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::output::closed(e)
        }
    }};
}

/// Prints on stdout without a newline, flushed; a closed pipe ends the program quietly.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = write!(stdout, $($arg)*).and_then(|_| stdout.flush()) {
            $crate::output::closed(e)
        }
    }};
}

mod commands;
mod failure;
mod output;
mod paint;
mod progress;
mod prompt;

use std::{path::PathBuf, process::ExitCode};

use clap::{CommandFactory as _, Parser, Subcommand};

use crate::failure::Failure;

/// Pick an environment of a multi-environment Compose stack, check the workstation, start it
#[derive(Debug, Parser)]
#[command(name = "stackpilot", version, about, long_about = None)]
pub(crate) struct Cli {
    /// Workspace folder or schema file (default: $STACKPILOT_WORKSPACE, the nearest
    /// folder with a schema, else the built-in multimodal stack)
    #[arg(long, global = true, value_name = "DIR")]
    workspace: Option<PathBuf>,

    /// Docker context to use (`docker context ls`), above DOCKER_HOST, DOCKER_CONTEXT and
    /// the docker CLI's current context
    #[arg(long, short = 'c', global = true, value_name = "NAME", conflicts_with = "host")]
    context: Option<String>,

    /// Docker engine to use: unix:///path, tcp://HOST:PORT, ssh://USER@HOST
    #[arg(long, short = 'H', global = true, value_name = "URL")]
    host: Option<String>,

    /// When to colour the output: on a terminal (auto, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_enum, default_value_t = paint::ColorChoice::Auto, value_name = "WHEN")]
    color: paint::ColorChoice,

    /// Say more of what happens on stderr (-v info, -vv debug, -vvv trace); RUST_LOG or
    /// STACKPILOT_LOG set a filter of their own
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,

    /// Say only errors on stderr
    #[arg(long, short = 'q', global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Envs(commands::envs::EnvsArgs),
    Init(commands::init::InitArgs),
    Check(commands::check::CheckArgs),
    Diff(commands::diff::DiffArgs),
    Guide(commands::guide::GuideArgs),
    Up(commands::up::UpArgs),
    Status(commands::status::StatusArgs),
    Logs(commands::logs::LogsArgs),
    Restart(commands::lifecycle::RestartArgs),
    Stop(commands::lifecycle::StopArgs),
    Down(commands::lifecycle::DownArgs),
    Backup(commands::backup::BackupArgs),
    Restore(commands::backup::RestoreArgs),
    Backups(commands::backup::BackupsArgs),
    #[command(subcommand)]
    Schema(commands::schema::SchemaCommand),
    #[command(subcommand)]
    Secrets(commands::secrets::SecretsCommand),
    Completions(commands::completions::CompletionsArgs),
    Man(commands::completions::ManArgs),
}

impl Command {
    /// Whether the command was asked for JSON: its failure is then JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Envs(a) => a.json,
            Command::Init(a) => a.json,
            Command::Check(a) => a.format() == commands::check::Format::Json,
            Command::Diff(a) => a.json,
            Command::Up(a) => a.json,
            Command::Status(a) => a.json,
            Command::Logs(a) => a.json,
            Command::Restart(a) => a.json,
            Command::Stop(a) => a.json,
            Command::Down(a) => a.json,
            Command::Backup(a) => a.json,
            Command::Restore(a) => a.json,
            Command::Backups(a) => a.json,
            Command::Schema(c) => c.json(),
            Command::Secrets(c) => c.json(),
            Command::Guide(_) | Command::Completions(_) | Command::Man(_) => false,
        }
    }
}

fn main() -> ExitCode {
    // A shell asking for completions (the script of `stackpilot completions SHELL`): answer and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command).var(commands::completions::COMPLETE_VAR).complete();
    let cli = Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STACKPILOT_LOG")
                .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(|| stackpilot_core::secrets::redact::RedactingStderr)
        .with_ansi(cli.color.applies(std::io::IsTerminal::is_terminal(&std::io::stderr())))
        .init();
    stackpilot_core::secrets::redact::install_panic_hook();
    paint::init(cli.color);
    use stackpilot_core::engine::endpoint::{choose, Choice};
    choose(cli.context.clone().map(Choice::Context).or_else(|| cli.host.clone().map(Choice::Host)));
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return Failure::internal(format!("cannot start the async runtime: {e}")).report(false),
    };
    let json = cli.command.json();
    let result = runtime.block_on(async {
        match cli.command {
            Command::Up(args) => commands::up::cmd_up(cli.workspace.as_deref(), args).await,
            Command::Status(args) => commands::status::cmd_status(cli.workspace.as_deref(), args).await,
            Command::Logs(args) => commands::logs::cmd_logs(cli.workspace.as_deref(), args).await,
            Command::Restart(args) => commands::lifecycle::cmd_restart(cli.workspace.as_deref(), args).await,
            Command::Stop(args) => commands::lifecycle::cmd_stop(cli.workspace.as_deref(), args).await,
            Command::Down(args) => commands::lifecycle::cmd_down(cli.workspace.as_deref(), args).await,
            Command::Backup(args) => commands::backup::cmd_backup(cli.workspace.as_deref(), args).await,
            Command::Restore(args) => commands::backup::cmd_restore(cli.workspace.as_deref(), args).await,
            Command::Backups(args) => commands::backup::cmd_backups(cli.workspace.as_deref(), args),
            Command::Check(args) => commands::check::cmd_check(cli.workspace.as_deref(), args).await,
            Command::Diff(args) => commands::diff::cmd_diff(cli.workspace.as_deref(), args).await,
            Command::Guide(args) => commands::guide::cmd_guide(cli.workspace.as_deref(), args).await,
            Command::Envs(args) => commands::envs::cmd_envs(cli.workspace.as_deref(), args).await,
            Command::Init(args) => commands::init::cmd_init(args).await,
            Command::Secrets(command) => commands::secrets::cmd_secrets(cli.workspace.as_deref(), command).await,
            Command::Schema(command) => commands::schema::cmd_schema(cli.workspace.as_deref(), command),
            Command::Completions(args) => commands::completions::cmd_completions(args),
            Command::Man(args) => commands::completions::cmd_man(args),
        }
    });
    match result {
        Ok(code) => code,
        Err(failure) => failure.report(json),
    }
}
