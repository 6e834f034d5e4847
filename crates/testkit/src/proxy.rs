//! A TCP proxy a test controls, to take a dependency away from the app without touching the
//! machine's shared servers: `cut()` drops live connections and refuses new ones, `stall()`
//! accepts connections but forwards nothing, `restore()` forwards again.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU8, Ordering},
    },
};

use tokio::{
    io::copy_bidirectional,
    net::{TcpListener, TcpStream},
    sync::watch,
};

const FORWARD: u8 = 0;
const CUT: u8 = 1;
const STALL: u8 = 2;

/// A proxy from a local port to a target.
pub struct TcpProxy {
    /// The local address to give the app.
    pub addr: SocketAddr,
    mode: Arc<AtomicU8>,
    generation: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    /// Starts forwarding `127.0.0.1:<random>` to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(FORWARD));
        let (generation, _) = watch::channel(0u64);
        let task = {
            let mode = mode.clone();
            let generation = generation.clone();
            tokio::spawn(async move {
                loop {
                    let Ok((inbound, _)) = listener.accept().await else {
                        continue;
                    };
                    match mode.load(Ordering::SeqCst) {
                        CUT => drop(inbound),
                        STALL => {
                            let mut cut = generation.subscribe();
                            tokio::spawn(async move {
                                let _held = inbound;
                                let _ = cut.changed().await;
                            });
                        }
                        _ => {
                            let mut cut = generation.subscribe();
                            tokio::spawn(async move {
                                let Ok(mut outbound) = TcpStream::connect(target).await else {
                                    return;
                                };
                                let mut inbound = inbound;
                                tokio::select! {
                                    _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                                    _ = cut.changed() => {}
                                }
                            });
                        }
                    }
                }
            })
        };
        Self {
            addr,
            mode,
            generation,
            task,
        }
    }

    /// `host:port` of the proxy.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// Drops every live connection and refuses new ones.
    pub fn cut(&self) {
        self.mode.store(CUT, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    /// Drops live connections; new ones are accepted but nothing is forwarded.
    pub fn stall(&self) {
        self.mode.store(STALL, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    /// Forwards again.
    pub fn restore(&self) {
        self.mode.store(FORWARD, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
