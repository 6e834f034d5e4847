//! Grading: a program run against test cases ([`Judge0::run_cases`]), for the quiz engine.

use futures::{StreamExt, TryStreamExt, stream};
use serde::{Deserialize, Serialize};

use super::{Execution, Judge0, Judge0Error, RunLimits, Submission, Verdict};

/// Test cases [`Judge0::run_cases`] runs at once (after the first).
pub const CASE_CONCURRENCY: usize = 3;

/// One test case of a graded program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCase {
    /// The input.
    pub stdin: String,
    /// The output that passes.
    pub expected_output: String,
}

/// The result of one test case (serializable, so a grader can keep it with the answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    /// Whether the case passed (`accepted`).
    pub passed: bool,
    /// How it ended (`compilation_error` for the cases not run after a failed compile).
    pub verdict: Verdict,
    /// The run; `None` for a case not run because the program did not compile.
    pub execution: Option<Execution>,
}

impl From<Execution> for CaseResult {
    fn from(run: Execution) -> Self {
        Self {
            passed: run.status == Verdict::Accepted,
            verdict: run.status,
            execution: Some(run),
        }
    }
}

/// The submission of one test case.
fn case_submission<'a>(
    language_id: u32,
    source_code: &'a str,
    case: &'a TestCase,
    limits: RunLimits,
) -> Submission<'a> {
    Submission {
        language_id,
        source_code,
        stdin: Some(&case.stdin),
        expected_output: Some(&case.expected_output),
        limits,
    }
}

impl Judge0 {
    /// Runs `source` against each case (the first alone, then [`CASE_CONCURRENCY`] at a
    /// time), one result per case in order. A program that does not compile stops after the
    /// first case; the others are `compilation_error` without a run. Every case is checked
    /// against the limits before anything is sent. Not rate-limited: graders call it once per
    /// graded answer.
    pub async fn run_cases(
        &self,
        language_id: u32,
        source: &str,
        cases: &[TestCase],
    ) -> Result<Vec<CaseResult>, Judge0Error> {
        self.run_cases_with(language_id, source, cases, RunLimits::default())
            .await
    }

    /// [`Judge0::run_cases`] with resource limits for every run.
    pub async fn run_cases_with(
        &self,
        language_id: u32,
        source: &str,
        cases: &[TestCase],
        limits: RunLimits,
    ) -> Result<Vec<CaseResult>, Judge0Error> {
        let submission = |case| case_submission(language_id, source, case, limits);
        for case in cases {
            self.check(&submission(case))?;
        }
        let Some((first, rest)) = cases.split_first() else {
            return Ok(Vec::new());
        };
        let first = self.submit(&submission(first)).await?;
        let compiled = first.status != Verdict::CompilationError;
        let mut results = vec![CaseResult::from(first)];
        if !compiled {
            results.extend(rest.iter().map(|_| CaseResult {
                passed: false,
                verdict: Verdict::CompilationError,
                execution: None,
            }));
            return Ok(results);
        }
        let others: Vec<CaseResult> = stream::iter(rest)
            .map(|case| async move { self.submit(&submission(case)).await.map(CaseResult::from) })
            .buffered(CASE_CONCURRENCY)
            .try_collect()
            .await?;
        results.extend(others);
        Ok(results)
    }
}
