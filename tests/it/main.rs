//! End-to-end tests across crates, against real components started by scripts/test.sh:
//! a Docker Engine with Compose v2, a Secret Service keychain, and the app window through WebDriver.

mod backup;
mod checks;
mod docker;
mod engines;
mod keychain;
mod secrets;
mod stack;
mod support;
mod window;
