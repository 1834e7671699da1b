//! Stackpilot desktop: the window over the same engine the CLI uses.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    stackpilot_desktop::run();
}
