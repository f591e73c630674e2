//! The example GitHub Actions workflow (`docs/github-actions.yml`): its `run:` steps are run as
//! the runner runs them (`bash -e -c`, GitHub's default shell on Linux) with a stand-in `paylint`
//! that exits 0, 1 or 2, so the gate fails on findings and on paylint failing, the SARIF step lets
//! only exit 1 through to the upload, and nothing swallows exit 2. The file has no YAML parser
//! here: its steps are one-line `run:` commands, read line by line.

use std::path::Path;
use std::process::Command;

fn workflow() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/github-actions.yml"))
        .unwrap()
}

/// `(step name, its run: command)` for every step that runs paylint.
fn paylint_steps(text: &str) -> Vec<(String, String)> {
    let mut steps = Vec::new();
    let mut name = String::new();
    for line in text.lines() {
        let t = line.trim_start().trim_start_matches("- ");
        if let Some(n) = t.strip_prefix("name: ") {
            name = n.to_string();
        } else if let Some(run) = t.strip_prefix("run: ") {
            assert_ne!(
                run.trim(),
                "|",
                "keep run: steps on one line, or teach this test blocks"
            );
            if run.starts_with("paylint ") {
                steps.push((name.clone(), run.to_string()));
            }
        }
    }
    steps
}

/// Runs `command` as a workflow step, with a `paylint` that prints a line and exits `status`.
fn step_status(command: &str, status: i32) -> i32 {
    let dir = tempfile::TempDir::new().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let fake = bin.join("paylint");
    std::fs::write(&fake, format!("#!/bin/sh\necho '{{}}'\nexit {status}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-e", "-c", command])
        .current_dir(dir.path())
        .env("PATH", path)
        .status()
        .expect("bash runs")
        .code()
        .unwrap_or(-1)
}

#[test]
fn nothing_in_the_workflow_swallows_a_failure() {
    let text = workflow();
    assert!(!text.contains("|| true"), "`|| true` also passes exit 2");
    assert!(!text.contains("continue-on-error"), "it passes exit 2 too");
}

#[cfg(unix)]
#[test]
fn the_gate_fails_on_findings_and_the_sarif_step_only_on_paylint_failing() {
    let steps = paylint_steps(&workflow());
    assert_eq!(steps.len(), 2, "{steps:?}");
    let (gate, sarif) = (&steps[0], &steps[1]);
    assert!(gate.1.contains("--format github"), "{gate:?}");
    assert!(sarif.1.contains("--format sarif"), "{sarif:?}");
    assert_eq!(step_status(&gate.1, 0), 0);
    assert_ne!(step_status(&gate.1, 1), 0, "findings fail the job");
    assert_ne!(step_status(&gate.1, 2), 0);
    assert_eq!(step_status(&sarif.1, 0), 0);
    assert_eq!(
        step_status(&sarif.1, 1),
        0,
        "findings still reach the upload"
    );
    assert_ne!(
        step_status(&sarif.1, 2),
        0,
        "paylint failing fails the step"
    );
}

#[test]
fn the_upload_runs_only_after_a_sarif_step_that_passed_and_the_build_is_cached() {
    let text = workflow();
    let upload = text
        .split("- uses: github/codeql-action/upload-sarif")
        .nth(1)
        .expect("an upload step");
    let condition = upload
        .lines()
        .find(|l| l.trim_start().starts_with("if:"))
        .unwrap();
    assert!(
        condition.contains("steps.sarif.outcome == 'success'"),
        "{condition}"
    );
    assert!(text.contains("id: sarif"));
    assert!(
        text.contains("uses: actions/cache@v4"),
        "the build is cached"
    );
    assert!(text.contains("~/.cargo/bin/paylint"));
    let install = text.split("name: Install paylint").nth(1).unwrap();
    assert!(
        install
            .lines()
            .take(3)
            .any(|l| l.contains("steps.cache.outputs.cache-hit != 'true'")),
        "a cached binary is not rebuilt"
    );
}
