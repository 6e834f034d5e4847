//! A PDF resume's text, read in a child process with its memory and CPU capped (ADR 0094).
//!
//! Anyone may upload a resume. A PDF of a few kilobytes can hold a stream compressed twice
//! (`/Filter [/FlateDecode /FlateDecode]`) that inflates to gigabytes, and the PDF parser
//! inflates object, cross-reference and content streams without a limit: read in the server,
//! such a file would take the whole process down (every queue and, under `serve`, the API).
//! So the gateway binary reads each PDF in a child of itself (`gateway resume-text`, PDF on
//! stdin, text on stdout) whose address space and CPU time are capped before it parses
//! anything: a bomb ends that child, and the application's screening fails like any
//! unreadable file. Processes that were not started as the gateway (tests of one crate, tools)
//! read in-process, as before.

use std::{
    io::{Read, Write},
    path::PathBuf,
    process::{ExitCode, Stdio},
    sync::OnceLock,
    time::Duration,
};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The argument that runs [`child_main`].
pub const CHILD_COMMAND: &str = "resume-text";
/// The child's address space: far above what a real resume needs (tens of MiB), far below
/// what a bomb inflates to.
pub const CHILD_MEMORY_BYTES: u64 = 1 << 30;
/// The child's CPU time, in seconds.
pub const CHILD_CPU_SECS: u64 = 20;
/// How long the parent waits for the child.
pub const CHILD_TIMEOUT: Duration = Duration::from_secs(30);
/// Most bytes of PDF the child reads from stdin (resumes are smaller: see the upload limit).
pub const MAX_PDF_BYTES: u64 = 32 << 20;
/// Most bytes of text kept from a child.
pub const MAX_TEXT_BYTES: u64 = 4 << 20;

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Reads PDFs in children of `program` (the gateway binary) from now on. Called once by the
/// gateway's `main`; later calls are ignored.
pub fn read_in_children_of(program: PathBuf) {
    let _ = PROGRAM.set(program);
}

/// The text of `pdf`: in a child process when [`read_in_children_of`] was called, else on
/// the blocking pool of this one.
pub async fn pdf_text(pdf: Vec<u8>) -> Result<String, String> {
    match PROGRAM.get() {
        Some(program) => in_child(program, pdf).await,
        None => tokio::task::spawn_blocking(move || extract(&pdf))
            .await
            .unwrap_or_else(|_| Err("the resume's text could not be extracted".into())),
    }
}

fn extract(pdf: &[u8]) -> Result<String, String> {
    pdf_extract::extract_text_from_mem(pdf).map_err(|e| format!("unreadable PDF: {e}"))
}

async fn in_child(program: &PathBuf, pdf: Vec<u8>) -> Result<String, String> {
    let mut child = tokio::process::Command::new(program)
        .arg(CHILD_COMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start the PDF reader: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("cannot talk to the PDF reader".into());
    };
    let run = async move {
        // the child may stop reading early (it failed): its exit status says why
        let write = async move {
            let _ = stdin.write_all(&pdf).await;
            drop(stdin);
        };
        let mut text = Vec::new();
        let read = async {
            let mut limited = stdout.take(MAX_TEXT_BYTES);
            limited.read_to_end(&mut text).await
        };
        let ((), read) = tokio::join!(write, read);
        read.map_err(|e| format!("reading the PDF reader's output: {e}"))?;
        let status = child
            .wait()
            .await
            .map_err(|e| format!("waiting for the PDF reader: {e}"))?;
        if !status.success() {
            return Err(format!("unreadable PDF (the reader ended: {status})"));
        }
        Ok(String::from_utf8_lossy(&text).into_owned())
    };
    // on a time-out the child is dropped, which kills it (`kill_on_drop`)
    tokio::time::timeout(CHILD_TIMEOUT, run)
        .await
        .unwrap_or_else(|_| Err("unreadable PDF (the reader took too long)".into()))
}

/// `gateway resume-text`: caps this process's address space and CPU time, reads a PDF from
/// stdin and writes its text to stdout. Exits 0 with the text, 2 on an unreadable PDF, 3 when
/// the limits cannot be set (nothing is parsed then). Past the memory cap an allocation fails
/// and the process aborts; past the CPU cap the kernel ends it.
pub fn child_main() -> ExitCode {
    if let Err(err) =
        rlimit::setrlimit(rlimit::Resource::AS, CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES)
            .and_then(|()| rlimit::setrlimit(rlimit::Resource::CPU, CHILD_CPU_SECS, CHILD_CPU_SECS))
    {
        eprintln!("cannot limit the PDF reader: {err}");
        return ExitCode::from(3);
    }
    let mut pdf = Vec::new();
    if let Err(err) = std::io::stdin()
        .lock()
        .take(MAX_PDF_BYTES)
        .read_to_end(&mut pdf)
    {
        eprintln!("reading the PDF: {err}");
        return ExitCode::from(2);
    }
    match extract(&pdf) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
            {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
