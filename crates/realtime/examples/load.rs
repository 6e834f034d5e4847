//! The load generator of the real-time benchmark (`bench/realtime.sh`): the scenario of
//! `bench/realtime/load.mjs`, spoken directly as Engine.IO v4 / Socket.IO v5 over WebSocket
//! from a multi-threaded Tokio runtime, so that it is not the bottleneck.
//!
//! SOCKETS connections in SOCKETS/2 rooms of two (`room-{j/2}`), each one: open (`0{..}`),
//! CONNECT (`40`), `join {room}` with an ack (`420[..]` -> `430[..]`); then every socket
//! sends RATE `relay {room, t, payload}` per second for SECONDS (`t` = microseconds on this
//! process's monotonic clock; the senders are spread evenly over the first interval); every
//! delivery's latency is taken from its `t`. Pings (`2`) are answered (`3`).
//!
//! With several URLs (comma-separated), socket `j` connects to `urls[j % n]`, so both
//! sockets of a room sit on different servers (two replicas through Redis). With several pids
//! (comma-separated), the servers' resident memory is summed.
//!
//! Prints one JSON line with the keys of `load.mjs` plus `sent_per_sec`, `errors`, and the
//! CPU used during the sending phase by the generator and by the servers (percent of one
//! core), which shows which side ran out.
//!
//! usage: `load <url[,url]> <pid[,pid]> [sockets=2000] [rate=2] [seconds=20]`
//! (`LOAD_THREADS`, default 2: the generator's worker threads).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use futures::{SinkExt, StreamExt};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio_tungstenite::tungstenite::{Message, protocol::WebSocketConfig};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the main task tells the connections.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connect,
    Send,
    Stop,
}

struct Shared {
    epoch: Instant,
    measuring: AtomicBool,
    payload: String,
    period: Duration,
}

impl Shared {
    fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
}

#[derive(Default)]
struct Stats {
    sent: u64,
    delivered: u64,
    /// Latencies in microseconds, one per delivery in the measuring window.
    latencies: Vec<u32>,
    error: bool,
}

fn main() -> anyhow::Result<()> {
    let threads = std::env::var("LOAD_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?
        .block_on(run())
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

async fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(urls), Some(pids)) = (args.first(), args.get(1)) else {
        bail!("usage: load <url[,url]> <pid[,pid]> [sockets] [rate] [seconds]");
    };
    let urls: Vec<String> = urls
        .split(',')
        .map(|u| {
            let u = u.trim_end_matches('/');
            let u = u
                .strip_prefix("http://")
                .map_or_else(|| u.to_owned(), |rest| format!("ws://{rest}"));
            format!("{u}/socket.io/?EIO=4&transport=websocket")
        })
        .collect();
    let pids: Vec<u32> = pids
        .split(',')
        .map(|p| p.parse().context("pid"))
        .collect::<anyhow::Result<_>>()?;
    let sockets: usize = arg(&args, 2, 2000);
    let rate: f64 = arg(&args, 3, 2.0);
    let seconds: f64 = arg(&args, 4, 20.0);

    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        measuring: AtomicBool::new(false),
        payload: "x".repeat(64),
        period: Duration::from_secs_f64(1.0 / rate),
    });
    let rss_before: u64 = pids.iter().map(|p| rss_kib(*p)).sum();
    let (phase_tx, phase_rx) = watch::channel(Phase::Connect);
    let (ready_tx, mut ready_rx) = mpsc::channel::<bool>(sockets.max(1));
    // At most 100 handshakes in flight, as load.mjs connects in batches of 100.
    let handshakes = Arc::new(Semaphore::new(100));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(sockets);
    for j in 0..sockets {
        let url = urls[j % urls.len()].clone();
        tasks.push(tokio::spawn(client(
            j,
            url,
            shared.clone(),
            phase_rx.clone(),
            ready_tx.clone(),
            handshakes.clone(),
        )));
    }
    drop(ready_tx);
    let mut connected = 0;
    let mut failed = 0;
    while connected + failed < sockets {
        match ready_rx.recv().await {
            Some(true) => connected += 1,
            Some(false) => failed += 1,
            None => break,
        }
    }
    let connect_ms = started.elapsed().as_millis();
    if failed > 0 {
        eprintln!("{failed} of {sockets} sockets failed to connect or join");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected: u64 = pids.iter().map(|p| rss_kib(*p)).sum();

    let cpu0: (u64, u64) = (
        cpu_ticks("self"),
        pids.iter().map(|p| cpu_ticks(&p.to_string())).sum(),
    );
    shared.measuring.store(true, Ordering::Release);
    let t0 = Instant::now();
    let _ = phase_tx.send(Phase::Send);
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    shared.measuring.store(false, Ordering::Release);
    let elapsed = t0.elapsed().as_secs_f64();
    let cpu1: (u64, u64) = (
        cpu_ticks("self"),
        pids.iter().map(|p| cpu_ticks(&p.to_string())).sum(),
    );
    let _ = phase_tx.send(Phase::Stop);

    let mut total = Stats::default();
    let mut errors = failed as u64;
    for task in tasks {
        if let Ok(Ok(stats)) = tokio::time::timeout(Duration::from_secs(10), task).await {
            total.sent += stats.sent;
            total.delivered += stats.delivered;
            total.latencies.extend_from_slice(&stats.latencies);
            errors += u64::from(stats.error);
        } else {
            errors += 1;
        }
    }
    total.latencies.sort_unstable();
    let q = |p: f64| -> Option<f64> {
        let n = total.latencies.len();
        if n == 0 {
            return None;
        }
        let i = ((p * n as f64) as usize).min(n - 1);
        Some((f64::from(total.latencies[i]) / 10.0).round() / 100.0)
    };
    let mib = |kib: u64| (kib as f64 / 1024.0 * 10.0).round() / 10.0;
    let per_1000 = (rss_connected as f64 - rss_before as f64) / 1024.0 * (1000.0 / sockets as f64);
    let ticks = 100.0; // USER_HZ
    let pct = |a: u64, b: u64| ((b.saturating_sub(a)) as f64 / ticks / elapsed * 100.0).round();
    println!(
        "{}",
        serde_json::json!({
            "generator": "rust",
            "servers": urls.len(),
            "sockets": sockets,
            "rooms": sockets / 2,
            "offered_per_sec": (sockets as f64 * rate).round(),
            "sent_per_sec": (total.sent as f64 / elapsed).round(),
            "delivered_per_sec": (total.delivered as f64 / elapsed).round(),
            "p50_ms": q(0.5),
            "p99_ms": q(0.99),
            "connect_ms": connect_ms,
            "errors": errors,
            "rss_idle_mib": mib(rss_before),
            "rss_connected_mib": mib(rss_connected),
            "rss_per_1000_sockets_mib": (per_1000 * 10.0).round() / 10.0,
            "generator_cpu_pct": pct(cpu0.0, cpu1.0),
            "server_cpu_pct": pct(cpu0.1, cpu1.1),
        })
    );
    // The sockets are dropped with the runtime; the servers see them close.
    std::process::exit(0);
}

/// `VmRSS` of a process, KiB (0 when it cannot be read).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// utime + stime of a process (`self` or a pid), in clock ticks.
fn cpu_ticks(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // Fields after the command name, which ends with the last ')'.
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split(' ').collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0)
}

async fn next_text(ws: &mut Ws) -> anyhow::Result<String> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                if t.as_str() == "2" {
                    ws.send(Message::text("3")).await?;
                    continue;
                }
                return Ok(t.as_str().to_owned());
            }
            Some(Ok(Message::Close(_))) | None => bail!("closed"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
        }
    }
}

/// Opens the session, connects to `/` and joins the room (acked).
async fn handshake(url: &str, room: &str) -> anyhow::Result<Ws> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    let open = next_text(&mut ws).await?;
    if !open.starts_with('0') {
        bail!("expected the open packet, got {open}");
    }
    ws.send(Message::text("40")).await?;
    let connect = next_text(&mut ws).await?;
    if !connect.starts_with("40") {
        bail!("expected CONNECT, got {connect}");
    }
    ws.send(Message::text(format!(r#"420["join",{{"room":"{room}"}}]"#)))
        .await?;
    loop {
        let text = next_text(&mut ws).await?;
        if text.starts_with("430") {
            return Ok(ws);
        }
    }
}

async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// The microseconds after `"t":` in a relayed message.
fn timestamp(text: &[u8]) -> Option<u64> {
    let at = text.windows(4).position(|w| w == b"\"t\":")? + 4;
    let mut v: u64 = 0;
    let mut any = false;
    for &b in &text[at..] {
        if !b.is_ascii_digit() {
            break;
        }
        v = v * 10 + u64::from(b - b'0');
        any = true;
    }
    any.then_some(v)
}

async fn client(
    j: usize,
    url: String,
    shared: Arc<Shared>,
    mut phase: watch::Receiver<Phase>,
    ready: mpsc::Sender<bool>,
    handshakes: Arc<Semaphore>,
) -> Stats {
    let mut stats = Stats::default();
    let room = format!("room-{}", j / 2);
    let ws = {
        let _permit = handshakes.acquire().await;
        tokio::time::timeout(Duration::from_secs(20), handshake(&url, &room)).await
    };
    let mut ws = match ws {
        Ok(Ok(ws)) => {
            let _ = ready.send(true).await;
            ws
        }
        Ok(Err(e)) => {
            eprintln!("socket {j}: {e:#}");
            let _ = ready.send(false).await;
            stats.error = true;
            return stats;
        }
        Err(_) => {
            eprintln!("socket {j}: handshake timed out");
            let _ = ready.send(false).await;
            stats.error = true;
            return stats;
        }
    };
    drop(ready);
    // Everything of the frame but the timestamp, built once.
    let prefix = format!(
        r#"42["relay",{{"room":"{room}","payload":"{}","t":"#,
        shared.payload
    );
    // Spread the senders evenly over the first interval (golden-ratio sequence).
    let offset = shared.period.mul_f64((j as f64 * 0.618_033_988_75).fract());
    let mut ticker: Option<tokio::time::Interval> = None;
    let mut latencies = Vec::new();
    loop {
        tokio::select! {
            changed = phase.changed() => {
                if changed.is_err() {
                    break;
                }
                let now = *phase.borrow_and_update();
                match now {
                    Phase::Send => {
                        let mut t = tokio::time::interval_at(
                            tokio::time::Instant::now() + offset,
                            shared.period,
                        );
                        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                        ticker = Some(t);
                    }
                    Phase::Stop => break,
                    Phase::Connect => {}
                }
            }
            () = tick(&mut ticker) => {
                if !shared.measuring.load(Ordering::Acquire) {
                    continue;
                }
                let mut frame = String::with_capacity(prefix.len() + 24);
                frame.push_str(&prefix);
                frame.push_str(itoa(shared.now_us()).as_str());
                frame.push_str("}]");
                if ws.send(Message::text(frame)).await.is_err() {
                    stats.error = true;
                    break;
                }
                stats.sent += 1;
            }
            msg = ws.next() => match msg {
                Some(Ok(Message::Text(text))) => {
                    let bytes = text.as_bytes();
                    if bytes == b"2" {
                        if ws.send(Message::text("3")).await.is_err() {
                            stats.error = true;
                            break;
                        }
                    } else if bytes.starts_with(b"42[\"relay\"")
                        && shared.measuring.load(Ordering::Acquire)
                    {
                        stats.delivered += 1;
                        if let Some(t) = timestamp(bytes) {
                            let us = shared.now_us().saturating_sub(t);
                            latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    if *phase.borrow() != Phase::Stop {
                        stats.error = true;
                    }
                    break;
                }
                Some(Ok(_)) => {}
            },
        }
    }
    stats.latencies = latencies;
    stats
}

/// A small decimal formatter (no allocation beyond the returned inline buffer).
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("0")
    }
}

fn itoa(mut v: u64) -> Digits {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    Digits { buf, start: i }
}
