//! Declares the app's commands so capabilities can grant them one by one.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["list_environments"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
