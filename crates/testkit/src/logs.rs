//! Capturing the app's log lines in a test (the app runs in the test's process): one global
//! `tracing` subscriber writing every line, at `debug` and above, into a shared buffer, so a
//! test can assert that a secret never reaches a log line. Installed once per test binary;
//! unavailable when `TEST_LOG` already sent the logs to the terminal.

use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

type Buffer = Arc<Mutex<Vec<u8>>>;

static CAPTURED: OnceLock<Option<Buffer>> = OnceLock::new();

/// The captured log text of this test binary (every test's lines, interleaved).
#[derive(Debug, Clone)]
pub struct Logs(Buffer);

impl Logs {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[derive(Clone)]
struct Sink(Buffer);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts capturing (call before spawning the app); `None` when another subscriber is
/// installed (`TEST_LOG`).
pub fn capture() -> Option<Logs> {
    CAPTURED
        .get_or_init(|| {
            let buffer: Buffer = Arc::default();
            let sink = Sink(buffer.clone());
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(move || sink.clone());
            tracing_subscriber::registry()
                .with(EnvFilter::new(
                    "debug,sqlx=warn,h2=info,hyper=info,hyper_util=info",
                ))
                .with(layer)
                .try_init()
                .ok()
                .map(|()| buffer)
        })
        .clone()
        .map(Logs)
}
