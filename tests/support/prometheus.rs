//! Checking exposition text with the real Prometheus parser (`promtool check metrics`).

use std::io::Write;
use std::process::{Command, Stdio};

/// What promtool's linter reports that the crate accepts, by metric, each with its reason.
/// Any other finding fails [`promtool_accepts`].
pub const ACCEPTED_LINT: &[(&str, &str)] = &[(
    "db_client_connection_count",
    "the semantic conventions' db.client.connection.count, which dashboards and collectors \
     built on the conventions look for; its only earlier name (db.client.connections.usage) is \
     deprecated, so no rendering satisfies both the conventions and the linter",
)];

/// Runs `command` with `text` on its standard input; its output, or why it could not start.
fn piped(command: &mut Command, text: &str) -> std::io::Result<std::process::Output> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(text.as_bytes())?;
    child.wait_with_output()
}

/// Fails the test, loudly, when promtool is missing, cannot parse `text`, or lints anything
/// outside [`ACCEPTED_LINT`]; returns the accepted findings.
pub fn promtool_accepts(text: &str) -> Vec<String> {
    let output =
        piped(Command::new("promtool").args(["check", "metrics"]), text).unwrap_or_else(|err| {
            panic!(
                "promtool is needed to parse the /metrics output ({err}); install Debian's \
                 `prometheus` package (`apt-get install prometheus`), as .ci/run does"
            )
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // promtool exits 3 for lint findings alone, 1 for text it cannot parse.
    let linted = output.status.code() == Some(3);
    assert!(
        output.status.success() || linted,
        "promtool rejected the exposition:\n{report}\n--- text ---\n{text}"
    );
    let findings: Vec<String> = report
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    for finding in &findings {
        assert!(
            ACCEPTED_LINT
                .iter()
                .any(|(metric, _)| finding.starts_with(&format!("{metric} "))),
            "promtool lints {finding:?}, which is not an accepted exception"
        );
    }
    findings
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

/// The Python interpreter that has `prometheus_client`, the OpenMetrics reference parser:
/// `$OPENMETRICS_PYTHON`, else the virtualenv scripts/test.sh makes.
fn open_metrics_python() -> std::path::PathBuf {
    if let Some(python) = std::env::var_os("OPENMETRICS_PYTHON") {
        return python.into();
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools/venv/bin/python")
}

/// Parses `text` with the OpenMetrics reference parser (`prometheus_client.openmetrics`,
/// strict: `# EOF`, `_total` on counters, bucket order, exemplars inside their buckets);
/// fails the test, loudly, when the parser is missing or rejects the text. Returns the
/// number of exemplars it read.
pub fn open_metrics_parser_accepts(text: &str) -> usize {
    const PARSE: &str = "import sys\n\
        from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
        families = list(text_string_to_metric_families(sys.stdin.read()))\n\
        print(sum(1 for f in families for s in f.samples if s.exemplar))\n";
    let python = open_metrics_python();
    let output = piped(Command::new(&python).args(["-c", PARSE]), text).unwrap_or_else(|err| {
        panic!(
            "{} is needed to parse OpenMetrics ({err}): run scripts/test.sh, which installs \
             `prometheus-client` (PyPI) into target/test-tools/venv, or point \
             OPENMETRICS_PYTHON at a Python that has it",
            python.display()
        )
    });
    assert!(
        output.status.success(),
        "the OpenMetrics parser rejected the text:\n{}\n--- text ---\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
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
