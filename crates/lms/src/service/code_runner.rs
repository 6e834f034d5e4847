//! Running code answers: the small trait the grader calls for `code` questions. The gateway
//! plugs an implementation into [`crate::Lms::with_code_runner`] (Judge0 through
//! `integrations`, [`super::judge0_runner`], when `JUDGE0_URL` is set); without one, quizzes with code questions answer 503
//! `provider_not_configured` when an attempt starts or is submitted.

use std::collections::HashMap;

use futures::future::BoxFuture;
use kernel::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// The code runs a grading uses. Grading happens in a transaction that holds the attempt's
/// row lock, and a code runner (Judge0) takes seconds per case, so the programs an attempt
/// will be graded on are run first, outside any transaction
/// ([`crate::service::attempts::run_code_ahead`]), and the grading takes their results from
/// here. A program that did not run ahead (an answer changed by a save in between) runs when
/// the grading asks for it.
pub struct CodeRuns<'r> {
    runner: Option<&'r dyn CodeRunner>,
    ahead: HashMap<Uuid, (String, Vec<CaseResult>)>,
}

impl<'r> CodeRuns<'r> {
    /// Nothing run yet; programs run through `runner` when asked (none: code answers cannot
    /// be graded).
    pub fn new(runner: Option<&'r dyn CodeRunner>) -> Self {
        Self {
            runner,
            ahead: HashMap::new(),
        }
    }

    /// Whether code answers can be graded.
    pub fn available(&self) -> bool {
        self.runner.is_some()
    }

    /// Runs `source` for `question` now and keeps what it gave.
    pub async fn run_ahead(
        &mut self,
        question: Uuid,
        language_id: i32,
        source: &str,
        cases: &[TestCase],
    ) -> Result<(), AppError> {
        let Some(runner) = self.runner else {
            return Ok(());
        };
        let results = runner.run_cases(language_id, source, cases).await?;
        self.ahead.insert(question, (source.to_owned(), results));
        Ok(())
    }

    /// The results of `source` for `question`: what it gave ahead when that program ran
    /// then, else run now (503 `provider_not_configured` without a runner).
    pub async fn results(
        &self,
        question: Uuid,
        language_id: i32,
        source: &str,
        cases: &[TestCase],
    ) -> Result<Vec<CaseResult>, AppError> {
        if let Some((ran, results)) = self.ahead.get(&question)
            && ran == source
        {
            return Ok(results.clone());
        }
        let runner = self
            .runner
            .ok_or_else(|| AppError::provider_not_configured("judge0"))?;
        runner.run_cases(language_id, source, cases).await
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
