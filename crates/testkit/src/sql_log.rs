//! Counting the SQL statements a request runs, without trusting the app: the app's database
//! URL points at a proxy that forwards to PostgreSQL and reads the frontend protocol the app
//! sends. Every statement reaches the server either as a simple `Query` ('Q') or as `Parse`
//! ('P', SQL text under a statement name) + `Bind` ('B', statement -> portal) + `Execute`
//! ('E', the portal); the proxy records the SQL text of each `Query` and each `Execute`.
//! Whatever the ORM or a cache does, a statement the server runs goes over this wire. (The
//! proxy answers the client's SSLRequest with 'N' itself, so the stream stays readable; size
//! the app's pool to 1 with `DB_POOL_MAX=1` so nothing overlaps.)

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::TestOptions;

type Log = Arc<Mutex<Vec<String>>>;

/// A statement-logging proxy in front of the test PostgreSQL.
#[derive(Clone)]
pub struct SqlLog {
    log: Log,
    host_port: String,
}

fn cstr(buf: &[u8]) -> (String, &[u8]) {
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    (
        String::from_utf8_lossy(&buf[..end]).into_owned(),
        buf.get(end + 1..).unwrap_or_default(),
    )
}

/// `host:port` of [`crate::postgres_server`].
fn server_host_port() -> String {
    let url = crate::postgres_server();
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split('/')
        .next()
        .unwrap_or("127.0.0.1:5432")
        .to_owned()
}

async fn serve(mut client: TcpStream, log: Log) -> std::io::Result<()> {
    // startup: SSL/GSS requests are refused here, the startup message goes on
    let startup = loop {
        let len = client.read_i32().await?;
        let mut body = vec![0; usize::try_from(len - 4).unwrap_or(0)];
        client.read_exact(&mut body).await?;
        let code = i32::from_be_bytes([body[0], body[1], body[2], body[3]]);
        if code == 80_877_103 || code == 80_877_104 {
            client.write_all(b"N").await?;
            continue;
        }
        let mut msg = len.to_be_bytes().to_vec();
        msg.extend(body);
        break msg;
    };
    let mut server = TcpStream::connect(server_host_port()).await?;
    server.write_all(&startup).await?;
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut server_rd, mut server_wr) = server.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_rd, &mut client_wr).await;
    });
    let mut statements: HashMap<String, String> = HashMap::new();
    let mut portals: HashMap<String, String> = HashMap::new();
    loop {
        let Ok(kind) = client_rd.read_u8().await else {
            return Ok(());
        };
        let len = client_rd.read_i32().await?;
        let mut body = vec![0; usize::try_from(len - 4).unwrap_or(0)];
        client_rd.read_exact(&mut body).await?;
        match kind {
            b'Q' => log
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(cstr(&body).0),
            b'P' => {
                let (name, rest) = cstr(&body);
                statements.insert(name, cstr(rest).0);
            }
            b'B' => {
                let (portal, rest) = cstr(&body);
                let sql = statements.get(&cstr(rest).0).cloned().unwrap_or_default();
                portals.insert(portal, sql);
            }
            b'E' => {
                let sql = portals.get(&cstr(&body).0).cloned().unwrap_or_default();
                log.lock().unwrap_or_else(|e| e.into_inner()).push(sql);
            }
            _ => {}
        }
        let mut msg = vec![kind];
        msg.extend(len.to_be_bytes());
        msg.extend(body);
        server_wr.write_all(&msg).await?;
    }
}

impl SqlLog {
    /// Starts the proxy.
    pub async fn start() -> std::io::Result<Self> {
        let log: Log = Arc::default();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let host_port = listener.local_addr()?.to_string();
        let shared = log.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve(conn, shared.clone()));
            }
        });
        Ok(Self { log, host_port })
    }

    /// Options for `spawn_app_with` whose database goes through this proxy, with a pool of
    /// one connection.
    pub fn options(&self) -> TestOptions {
        TestOptions {
            database_host_port: Some(self.host_port.clone()),
            ..Default::default()
        }
        .env("DB_POOL_MAX", "1")
    }

    /// The statements since the last call, less transaction control, the outbox relay's
    /// sweeps (a background task of the app that shares the pool) and outbox rows written on
    /// their own (a change's jobs written with its own rows in one statement count).
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
            .into_iter()
            .filter(|s| {
                let head = s.trim_start().to_ascii_uppercase();
                !(head.starts_with("BEGIN")
                    || head.starts_with("COMMIT")
                    || head.starts_with("ROLLBACK")
                    || head.starts_with("START TRANSACTION")
                    || s.contains("\"outbox\"")
                    || head.starts_with("INSERT INTO OUTBOX"))
            })
            .collect()
    }
}
