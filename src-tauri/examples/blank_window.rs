//! A blank Tauri window built from the same dependencies as the app: the floor that
//! `bench/footprint.sh` compares the app's memory and start-up time against.

fn main() {
    let mut context: tauri::Context<tauri::Wry> = tauri::generate_context!();
    context.config_mut().app.windows.iter_mut().for_each(|w| w.title = "Blank".into());
    if let Err(error) = tauri::Builder::default().run(context) {
        eprintln!("blank window failed: {error}");
        std::process::exit(1);
    }
}
