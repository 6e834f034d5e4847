//! Judge0's answer read into a typed outcome: its status id mapped to a [`Verdict`] (and a
//! [`RuntimeSignal`] for runtime errors), its base64 texts decoded.

use base64::{Engine, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Ran to the end (and matched the expected output, when one was given). Judge0 status 3.
    Accepted,
    /// Ran to the end, but its output differs from the expected output. Status 4.
    WrongAnswer,
    /// Ran over its CPU time limit. Status 5.
    TimeLimitExceeded,
    /// Did not compile (`compile_output` says why). Status 6.
    CompilationError,
    /// Crashed or exited non-zero (`signal` says how). Statuses 7-12.
    RuntimeError,
    /// Judge0 failed to run it. Status 13 (and any status Judge0 adds later).
    InternalError,
    /// The compiled program is not executable. Status 14.
    ExecFormatError,
}

/// How a program with a runtime error ended (Judge0 statuses 7-12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum RuntimeSignal {
    /// Segmentation fault (status 7).
    #[serde(rename = "SIGSEGV")]
    Sigsegv,
    /// Output file too large (status 8).
    #[serde(rename = "SIGXFSZ")]
    Sigxfsz,
    /// Floating-point error, e.g. division by zero (status 9).
    #[serde(rename = "SIGFPE")]
    Sigfpe,
    /// Aborted (status 10).
    #[serde(rename = "SIGABRT")]
    Sigabrt,
    /// Non-zero exit code (status 11).
    #[serde(rename = "NZEC")]
    Nzec,
    /// Any other runtime error (status 12).
    #[serde(rename = "other")]
    Other,
}

impl Verdict {
    /// The verdict and signal of a Judge0 status id, or `None` while it is queued (1) or
    /// processing (2).
    pub fn from_status_id(id: u64) -> Option<(Self, Option<RuntimeSignal>)> {
        let runtime = |signal| Some((Self::RuntimeError, Some(signal)));
        match id {
            1 | 2 => None,
            3 => Some((Self::Accepted, None)),
            4 => Some((Self::WrongAnswer, None)),
            5 => Some((Self::TimeLimitExceeded, None)),
            6 => Some((Self::CompilationError, None)),
            7 => runtime(RuntimeSignal::Sigsegv),
            8 => runtime(RuntimeSignal::Sigxfsz),
            9 => runtime(RuntimeSignal::Sigfpe),
            10 => runtime(RuntimeSignal::Sigabrt),
            11 => runtime(RuntimeSignal::Nzec),
            12 => runtime(RuntimeSignal::Other),
            14 => Some((Self::ExecFormatError, None)),
            _ => Some((Self::InternalError, None)),
        }
    }
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Execution {
    /// How it ended.
    pub status: Verdict,
    /// For `runtime_error`: the signal or `NZEC` (non-zero exit code).
    pub signal: Option<RuntimeSignal>,
    /// Judge0's status id (3-14).
    pub status_id: u64,
    /// Judge0's description of the status.
    pub description: String,
    /// Standard output (UTF-8; invalid bytes replaced).
    pub stdout: Option<String>,
    /// Standard error.
    pub stderr: Option<String>,
    /// The compiler's output.
    pub compile_output: Option<String>,
    /// Judge0's note on the run (e.g. the exit status).
    pub message: Option<String>,
    /// CPU time in seconds.
    pub time: Option<f64>,
    /// Memory in KB.
    pub memory: Option<u64>,
}

/// What is wrong with a Judge0 body.
pub(crate) type BodyError = String;

/// The status id of a Judge0 answer.
pub(crate) fn status_id(body: &Value) -> Result<u64, BodyError> {
    body.pointer("/status/id")
        .and_then(Value::as_u64)
        .ok_or_else(|| "no status.id".to_owned())
}

/// A finished Judge0 answer (`base64_encoded=true`) read into an [`Execution`]; `None` while
/// it is still queued or processing.
pub(crate) fn read(body: &Value) -> Result<Option<Execution>, BodyError> {
    let id = status_id(body)?;
    let Some((status, signal)) = Verdict::from_status_id(id) else {
        return Ok(None);
    };
    let text = |name: &str| decode(body.get(name), name);
    Ok(Some(Execution {
        status,
        signal,
        status_id: id,
        description: body
            .pointer("/status/description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        stdout: text("stdout")?,
        stderr: text("stderr")?,
        compile_output: text("compile_output")?,
        message: text("message")?,
        time: number(body.get("time")),
        memory: body.get("memory").and_then(Value::as_u64),
    }))
}

/// A base64 text (Judge0 wraps it in lines) decoded; invalid UTF-8 is replaced.
fn decode(value: Option<&Value>, name: &str) -> Result<Option<String>, BodyError> {
    let Some(raw) = value.and_then(Value::as_str) else {
        return Ok(None);
    };
    let compact: String = raw.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|_| format!("{name} is not base64"))?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A number Judge0 may send as a string (`"0.002"`) or a number.
fn number(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Base64 of a text, as Judge0 reads it with `base64_encoded=true`.
pub(crate) fn encode(text: &str) -> String {
    STANDARD.encode(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_status_id_has_its_verdict() {
        let v = |id| Verdict::from_status_id(id);
        assert_eq!(v(1), None);
        assert_eq!(v(2), None);
        assert_eq!(v(3), Some((Verdict::Accepted, None)));
        assert_eq!(v(4), Some((Verdict::WrongAnswer, None)));
        assert_eq!(v(5), Some((Verdict::TimeLimitExceeded, None)));
        assert_eq!(v(6), Some((Verdict::CompilationError, None)));
        assert_eq!(
            v(7),
            Some((Verdict::RuntimeError, Some(RuntimeSignal::Sigsegv)))
        );
        assert_eq!(
            v(9),
            Some((Verdict::RuntimeError, Some(RuntimeSignal::Sigfpe)))
        );
        assert_eq!(
            v(11),
            Some((Verdict::RuntimeError, Some(RuntimeSignal::Nzec)))
        );
        assert_eq!(
            v(12),
            Some((Verdict::RuntimeError, Some(RuntimeSignal::Other)))
        );
        assert_eq!(v(13), Some((Verdict::InternalError, None)));
        assert_eq!(v(14), Some((Verdict::ExecFormatError, None)));
        assert_eq!(v(99), Some((Verdict::InternalError, None)));
        assert_eq!(
            serde_json::to_value(RuntimeSignal::Sigsegv).unwrap(),
            json!("SIGSEGV")
        );
        assert_eq!(
            serde_json::to_value(Verdict::TimeLimitExceeded).unwrap(),
            json!("time_limit_exceeded")
        );
    }

    #[test]
    fn answers_are_decoded_including_wrapped_lines_and_any_bytes() {
        // Judge0 wraps base64 at 60 characters; bytes that are not UTF-8 are replaced
        let long = "x".repeat(100);
        let wrapped = encode(&long);
        let wrapped = format!("{}\n{}\n", &wrapped[..60], &wrapped[60..]);
        let body = json!({
            "stdout": wrapped, "stderr": STANDARD.encode([0xff, b'a']), "compile_output": null,
            "message": encode("Exited with error status 1"),
            "time": "0.012", "memory": 3136, "token": "t-1",
            "status": {"id": 11, "description": "Runtime Error (NZEC)"}
        });
        let run = read(&body).unwrap().unwrap();
        assert_eq!(run.stdout.as_deref(), Some(long.as_str()));
        assert_eq!(run.stderr.as_deref(), Some("\u{fffd}a"));
        assert_eq!(run.compile_output, None);
        assert_eq!(run.message.as_deref(), Some("Exited with error status 1"));
        assert_eq!((run.time, run.memory), (Some(0.012), Some(3136)));
        assert_eq!(run.signal, Some(RuntimeSignal::Nzec));
        assert_eq!(run.description, "Runtime Error (NZEC)");
    }

    #[test]
    fn unfinished_and_unreadable_answers() {
        assert_eq!(
            read(&json!({"status": {"id": 2, "description": "Processing"}})).unwrap(),
            None
        );
        assert!(read(&json!({"stdout": "aGk="})).is_err());
        assert!(read(&json!({"status": {"id": 3}, "stdout": "not base64!"})).is_err());
        assert_eq!(
            read(&json!({"status": {"id": 3}, "time": 1, "memory": null}))
                .unwrap()
                .unwrap()
                .time,
            Some(1.0)
        );
    }
}
