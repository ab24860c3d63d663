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

/// Runs a checker of the Prometheus project (`promtool`, `amtool`) with `args` in `dir` and
/// returns its report; fails loudly when the tool is missing (naming the Debian package) or
/// when it rejects what it checked.
pub fn checker_accepts(tool: &str, args: &[&str], dir: &std::path::Path, package: &str) -> String {
    let output = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|err| {
            panic!("{tool} is needed ({err}); install Debian's `{package}` package, as scripts/test.sh does")
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{tool} {args:?} in {} failed:\n{report}",
        dir.display()
    );
    report
}

/// Every sample of the metric `name` (that exact name) whose line carries all of `labels`.
pub fn samples<'a>(
    text: &'a str,
    name: &'a str,
    labels: &'a [&str],
) -> impl Iterator<Item = f64> + 'a {
    text.lines()
        .filter(move |line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(['{', ' ']))
                && labels.iter().all(|label| line.contains(label))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse().ok())
}

/// The first of [`samples`].
pub fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    samples(text, name, labels).next()
}
