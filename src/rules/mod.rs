//! The rules. Each rule has its own module, `rules/<id>.rs` (`-` written `_`): its `INFO` (the
//! documentation, as data) and the functions that word its findings and propose their fixes.
//! `check` decides when they apply. This module is the registry: one module and one `INFO` per
//! rule of [`crate::rule::with_rules!`], so the registry cannot miss a rule.

pub mod info;

pub use info::RuleInfo;

use crate::rule::Rule;

/// Declares each rule's module and maps each rule to its `INFO`.
macro_rules! registry {
    ($($variant:ident $module:ident $id:literal,)*) => {
        $(pub mod $module;)*

        /// What the registry knows of `rule`.
        pub fn info(rule: Rule) -> &'static RuleInfo {
            match rule {
                $(Rule::$variant => &$module::INFO,)*
            }
        }
    };
}
crate::rule::with_rules!(registry);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_in_the_registry_under_its_own_name() {
        for &rule in Rule::ALL {
            let info = info(rule);
            assert_eq!(info.rule, rule, "{rule}: INFO belongs to another rule");
            assert!(
                !info.summary.is_empty() && !info.explanation.is_empty(),
                "{rule}"
            );
        }
    }
}
