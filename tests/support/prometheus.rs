//! Checking exposition text with the real Prometheus parser (`promtool check metrics`).

use std::io::Write;
use std::process::{Command, Stdio};

/// Fails the test, loudly, when promtool is missing or rejects `text`.
pub fn promtool_accepts(text: &str) {
    let mut child = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => panic!(
            "promtool is needed to parse the /metrics output ({err}); install Debian's `prometheus` \
             package (`apt-get install prometheus`), as .ci/run does"
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool rejected the exposition:\n{}{}\n--- text ---\n{text}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
