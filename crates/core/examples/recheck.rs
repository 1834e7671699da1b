//! Times a first check and the re-checks that follow in the same process (warm model cache),
//! as the desktop app does after a fix. Usage: recheck WORKSPACE ENV RUNS

use std::{path::PathBuf, time::Instant};

use stackpilot_core::{
    checks::{run_checks, CheckContext},
    compose::ModelCache,
    Workspace,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let workspace = Workspace::open(&PathBuf::from(args.next().unwrap_or_else(|| "configs".into())))?;
    let env_name = args.next().unwrap_or_else(|| "production".into());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(15);
    let environment = workspace.environment(&env_name)?;
    let cache = ModelCache::default();
    let mut times = Vec::new();
    for _ in 0..=runs {
        let ctx = CheckContext::new(stackpilot_core::Env { workspace: &workspace, name: &env_name, environment: environment }, &cache);
        let started = Instant::now();
        run_checks(&ctx, |_| {}).await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let first = times.remove(0);
    times.sort_by(f64::total_cmp);
    println!("in-process check of {env_name}: first {first:.1} ms, re-check median {:.1} ms over {runs} runs (min {:.1}, max {:.1})", times[times.len() / 2], times[0], times[times.len() - 1]);
    Ok(())
}
