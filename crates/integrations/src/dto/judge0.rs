//! Bodies of `POST /api/judge0/submissions` and `GET /api/judge0/languages`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::judge0::{Execution, RuntimeSignal, Verdict};

/// A program to run. The declared lengths are the largest any deployment allows; this
/// deployment's `JUDGE0_MAX_SOURCE_BYTES` / `JUDGE0_MAX_STDIN_BYTES` (default 65536 / 16384
/// bytes) may be lower (422 naming the field).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
pub struct SubmissionRequest {
    /// Judge0's language id; only the deployment's allow-list (`GET /api/judge0/languages`)
    /// is accepted.
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000, example = 71)]
    pub language_id: u32,
    /// The program.
    #[validate(length(min = 1, max = 262144))]
    #[schema(min_length = 1, max_length = 262144, example = "print(input())")]
    pub source_code: String,
    /// Its standard input.
    #[serde(default)]
    #[validate(length(max = 262144))]
    #[schema(max_length = 262144, example = "hello")]
    pub stdin: Option<String>,
    /// The output it must print to be `accepted` (else `wrong_answer`); without it a run
    /// that ends normally is `accepted`.
    #[serde(default)]
    #[validate(length(max = 262144))]
    #[schema(max_length = 262144, example = "hello")]
    pub expected_output: Option<String>,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionResult {
    /// How it ended.
    pub status: Verdict,
    /// For `runtime_error`: the signal, `NZEC` (non-zero exit code) or `other`.
    pub signal: Option<RuntimeSignal>,
    /// Judge0's status id (3-14).
    #[schema(example = 3)]
    pub status_id: u64,
    /// Judge0's description of the status.
    #[schema(example = "Accepted")]
    pub description: String,
    /// Standard output.
    pub stdout: Option<String>,
    /// Standard error.
    pub stderr: Option<String>,
    /// The compiler's output.
    pub compile_output: Option<String>,
    /// Judge0's note on the run (e.g. the exit status).
    pub message: Option<String>,
    /// CPU time in seconds.
    #[schema(example = 0.012)]
    pub time: Option<f64>,
    /// Memory in KB.
    #[schema(example = 3136)]
    pub memory: Option<u64>,
}

impl From<Execution> for SubmissionResult {
    fn from(run: Execution) -> Self {
        Self {
            status: run.status,
            signal: run.signal,
            status_id: run.status_id,
            description: run.description,
            stdout: run.stdout,
            stderr: run.stderr,
            compile_output: run.compile_output,
            message: run.message,
            time: run.time,
            memory: run.memory,
        }
    }
}
