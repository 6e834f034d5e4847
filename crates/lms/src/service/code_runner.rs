//! Running code answers: the small trait the grader calls for `code` questions. The gateway
//! plugs an implementation into [`crate::Lms::with_code_runner`] (Judge0 through
//! `integrations`, [`super::judge0_runner`], when `JUDGE0_URL` is set); without one, quizzes with code questions answer 503
//! `provider_not_configured` when an attempt starts or is submitted.

use futures::future::BoxFuture;
use kernel::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One test case of a code question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TestCase {
    /// Standard input given to the program.
    #[serde(default)]
    #[schema(max_length = 65536)]
    pub stdin: String,
    /// What the program must print (compared after trimming trailing whitespace).
    #[schema(max_length = 65536)]
    pub expected_output: String,
    /// Hidden cases are never shown to learners.
    #[serde(default)]
    pub hidden: bool,
}

/// What running one case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The output matched.
    pub passed: bool,
    /// The runner's status (`Accepted`, `Wrong Answer`, `Time Limit Exceeded`, …).
    pub status: String,
}

/// Runs a program against test cases (Judge0 in production, a fake in tests).
pub trait CodeRunner: Send + Sync + 'static {
    /// Runs `source` in `language_id` once per case, answering one result per case in order.
    fn run_cases<'a>(
        &'a self,
        language_id: i32,
        source: &'a str,
        cases: &'a [TestCase],
    ) -> BoxFuture<'a, Result<Vec<CaseResult>, AppError>>;

    /// Whether the runner runs `language_id` (code questions in other languages are refused
    /// with 422 on `language_id` when they are written). Default: every language.
    fn supports(&self, _language_id: i32) -> bool {
        true
    }
}

/// Whether a program's output matches the expected output (trailing whitespace of each line
/// and of the whole output ignored, `\r\n` taken as `\n`).
pub fn output_matches(actual: &str, expected: &str) -> bool {
    fn norm(s: &str) -> String {
        s.replace("\r\n", "\n")
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_owned()
    }
    norm(actual) == norm(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_comparison_ignores_trailing_whitespace_only() {
        assert!(output_matches("3\r\n", "3"));
        assert!(output_matches("a  \nb\n\n", "a\nb"));
        assert!(!output_matches(" 3", "3"));
        assert!(!output_matches("4", "3"));
    }
}
