//! Unified diff between a payload as captured and its conformant form.

use similar::TextDiff;

/// Lines of context around each change; long unchanged stretches collapse into hunk headers.
const CONTEXT: usize = 3;

pub fn unified(path: &str, captured: &str, conformant: &str) -> String {
    TextDiff::from_lines(captured, conformant)
        .unified_diff()
        .context_radius(CONTEXT)
        .header(
            &format!("{path} (as captured)"),
            &format!("{path} (conformant)"),
        )
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn shows_only_changed_lines_with_context() {
        let a = "{\n  \"groupID\": \"x\"\n}\n";
        let b = "{\n  \"groupId\": \"x\"\n}\n";
        let d = super::unified("p.json", a, b);
        assert!(
            d.starts_with("--- p.json (as captured)\n+++ p.json (conformant)\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-  \"groupID\": \"x\"\n+  \"groupId\": \"x\"\n"));
        assert_eq!(super::unified("p", a, a), "");
    }
}
