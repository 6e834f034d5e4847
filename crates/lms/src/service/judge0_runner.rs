//! The production [`CodeRunner`]: Judge0 through `integrations::judge0` (each case one
//! submission with its `expected_output`, Judge0 deciding `accepted`). Registered by the
//! gateway with [`crate::Lms::with_code_runner`] when `JUDGE0_URL` is set.
//!
//! Cases run one after another through [`Judge0::submit`] (a program that does not compile
//! stops at the first case, the rest fail as `compilation_error`): `Judge0::run_cases` runs
//! them concurrently, but its future cannot be proven `Send` behind a boxed trait object
//! (rustc's higher-ranked closure limitation), which the sweeper's job handler needs.

use futures::future::BoxFuture;
use integrations::judge0::{Judge0, RunLimits, Submission, Verdict};
use kernel::AppError;

use crate::service::code_runner::{CaseResult, CodeRunner, TestCase};

fn verdict_name(v: Verdict) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl CodeRunner for Judge0 {
    fn supports(&self, language_id: i32) -> bool {
        u32::try_from(language_id)
            .is_ok_and(|id| self.config().allowed_languages().iter().any(|l| l.id == id))
    }

    fn run_cases<'a>(
        &'a self,
        language_id: i32,
        source: &'a str,
        cases: &'a [TestCase],
    ) -> BoxFuture<'a, Result<Vec<CaseResult>, AppError>> {
        Box::pin(async move {
            let language_id = u32::try_from(language_id)
                .map_err(|_| AppError::invalid_field("language_id", "must be positive"))?;
            let submission = |case: &'a TestCase| Submission {
                language_id,
                source_code: source,
                stdin: Some(case.stdin.as_str()),
                expected_output: Some(case.expected_output.as_str()),
                limits: RunLimits::default(),
            };
            for case in cases {
                self.check(&submission(case))?;
            }
            let mut results = Vec::with_capacity(cases.len());
            for case in cases {
                let run = self.submit(&submission(case)).await?;
                let compiled = run.status != Verdict::CompilationError;
                results.push(CaseResult {
                    passed: run.status == Verdict::Accepted,
                    status: verdict_name(run.status),
                });
                if !compiled {
                    break;
                }
            }
            while results.len() < cases.len() {
                results.push(CaseResult {
                    passed: false,
                    status: verdict_name(Verdict::CompilationError),
                });
            }
            Ok(results)
        })
    }
}
