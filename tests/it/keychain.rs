//! The OS keychain (a real Secret Service: gnome-keyring started by scripts/test.sh).

use std::process::Command;

use stackpilot_core::secrets::{Keychain, Sensitive};

fn keychain() -> Keychain {
    Keychain::open().unwrap_or_else(|e| panic!("a Secret Service must run (scripts/test.sh starts gnome-keyring): {e}"))
}

#[test]
fn stores_reads_back_and_deletes_an_entry() {
    let keychain = keychain();
    let service = format!("stackpilot:it-{}:dev", std::process::id());
    let value = format!("value-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    keychain.set(&service, "ROUND_TRIP", &Sensitive::new(value.clone())).expect("set");
    let read = keychain.get(&service, "ROUND_TRIP").expect("get").expect("present");
    assert_eq!(read.expose(), &value);

    // An independent client of the same Secret Service sees the entry too. secret-tool
    // reads each item it finds; an item that a test running beside this one deletes in
    // between makes it fail ("No such secret item"), so that answer is asked again.
    let mut listed = String::new();
    for _ in 0..5 {
        let lookup = Command::new("secret-tool")
            .args(["search", "--all", "service", &service])
            .output()
            .expect("secret-tool (libsecret-tools) runs");
        listed = String::from_utf8_lossy(&lookup.stdout).into_owned() + &String::from_utf8_lossy(&lookup.stderr);
        if !listed.contains("No such secret item") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(listed.contains("ROUND_TRIP"), "secret-tool lists the entry: {listed}");

    assert!(keychain.delete(&service, "ROUND_TRIP").expect("delete"));
    assert!(keychain.get(&service, "ROUND_TRIP").expect("get").is_none());
    assert!(!keychain.delete(&service, "ROUND_TRIP").expect("second delete"));
}

#[test]
fn two_services_do_not_collide() {
    let keychain = keychain();
    let dev = format!("stackpilot:it-{}:dev", std::process::id());
    let staging = format!("stackpilot:it-{}:staging", std::process::id());
    keychain.set(&dev, "SHARED_NAME", &Sensitive::new("dev-value".into())).expect("set dev");
    keychain.set(&staging, "SHARED_NAME", &Sensitive::new("staging-value".into())).expect("set staging");
    assert_eq!(keychain.get(&dev, "SHARED_NAME").expect("get").expect("present").expose(), "dev-value");
    assert_eq!(keychain.get(&staging, "SHARED_NAME").expect("get").expect("present").expose(), "staging-value");
    keychain.delete(&dev, "SHARED_NAME").expect("delete dev");
    keychain.delete(&staging, "SHARED_NAME").expect("delete staging");
}
