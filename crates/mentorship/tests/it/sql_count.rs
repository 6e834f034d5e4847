//! `GET /api/mentors` runs a constant number of SQL statements, whatever the page size.
//!
//! How the statements are counted, without trusting the app: the app's database URL points
//! at a proxy in this test that forwards to PostgreSQL and reads the frontend protocol the
//! app sends. Every statement reaches the server either as a simple `Query` ('Q') or as
//! `Parse` ('P', SQL text under a statement name) + `Bind` ('B', statement -> portal) +
//! `Execute` ('E', the portal); the proxy records the SQL text of each `Query` and each
//! `Execute`. Whatever the ORM or a cache does, a statement the server runs goes over this
//! wire. (The proxy answers the client's SSLRequest with 'N' itself, so the stream stays
//! readable; the pool is sized 1 so nothing overlaps.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use common::*;
use testkit::{TestOptions, spawn_app_with};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

type Log = Arc<Mutex<Vec<String>>>;

fn cstr(buf: &[u8]) -> (String, &[u8]) {
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    (
        String::from_utf8_lossy(&buf[..end]).into_owned(),
        buf.get(end + 1..).unwrap_or_default(),
    )
}

async fn serve(mut client: TcpStream, log: Log) {
    // startup: SSL/GSS requests are refused here, the startup message goes on
    let startup = loop {
        let len = client.read_i32().await.unwrap();
        let mut body = vec![0; usize::try_from(len - 4).unwrap()];
        client.read_exact(&mut body).await.unwrap();
        let code = i32::from_be_bytes(body[..4].try_into().unwrap());
        if code == 80_877_103 || code == 80_877_104 {
            client.write_all(b"N").await.unwrap();
            continue;
        }
        let mut msg = len.to_be_bytes().to_vec();
        msg.extend(body);
        break msg;
    };
    let mut server = TcpStream::connect("127.0.0.1:5432").await.unwrap();
    server.write_all(&startup).await.unwrap();
    let (mut client_rd, mut client_wr) = client.into_split();
    let (mut server_rd, mut server_wr) = server.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_rd, &mut client_wr).await;
    });
    let mut statements: HashMap<String, String> = HashMap::new();
    let mut portals: HashMap<String, String> = HashMap::new();
    loop {
        let Ok(kind) = client_rd.read_u8().await else {
            return;
        };
        let len = client_rd.read_i32().await.unwrap();
        let mut body = vec![0; usize::try_from(len - 4).unwrap()];
        client_rd.read_exact(&mut body).await.unwrap();
        match kind {
            b'Q' => log.lock().unwrap().push(cstr(&body).0),
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
                log.lock().unwrap().push(sql);
            }
            _ => {}
        }
        let mut msg = vec![kind];
        msg.extend(len.to_be_bytes());
        msg.extend(body);
        if server_wr.write_all(&msg).await.is_err() {
            return;
        }
    }
}

async fn proxy(log: Log) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(serve(conn, log.clone()));
        }
    });
    addr.to_string()
}

/// The statements of one request, less transaction control and the outbox relay's sweeps
/// (a background task of the app that shares the pool).
fn of_request(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
        .into_iter()
        .filter(|s| {
            let head = s.trim_start().to_ascii_uppercase();
            !(head.starts_with("BEGIN")
                || head.starts_with("COMMIT")
                || head.starts_with("ROLLBACK")
                || head.starts_with("START TRANSACTION")
                || s.contains("\"outbox\"")
                || s.contains(" outbox "))
        })
        .collect()
}

#[tokio::test]
async fn the_mentor_list_is_a_constant_number_of_statements() {
    let log: Log = Arc::default();
    let hp = proxy(log.clone()).await;
    let app = spawn_app_with(
        TestOptions {
            database_host_port: Some(hp),
            ..Default::default()
        }
        .env("DB_POOL_MAX", "1"),
    )
    .await;
    // 20 approved mentors with 3 open slots each, written directly (the API path is tested
    // elsewhere)
    exec(
        &app,
        "WITH p AS (
            INSERT INTO mentor_profiles (id, platform_id, user_id, headline, bio, expertise,
                                         price_tokens, status)
            SELECT gen_random_uuid(), (SELECT id FROM platforms WHERE slug = 'mr-mentor'),
                   gen_random_uuid(), 'Mentor ' || i, '', '[\"sql\"]', 10, 'approved'
              FROM generate_series(1, 20) i
            RETURNING id, platform_id)
         INSERT INTO mentor_slots (id, platform_id, mentor_id, starts_at, ends_at, status)
         SELECT gen_random_uuid(), p.platform_id, p.id, now() + make_interval(hours => 24 + h),
                now() + make_interval(hours => 24 + h, mins => 30), 'open'
           FROM p, generate_series(1, 3) h",
        vec![],
    )
    .await;
    // warm up: tenant cache, the pool's connection
    assert_eq!(app.get("/api/mentors").await.status, 200);
    of_request(&log);

    let mut seen = Vec::new();
    for limit in [1, 5, 10, 20, 100] {
        let res = app.get(&format!("/api/mentors?limit={limit}")).await;
        assert_eq!(res.status, 200, "{}", res.text);
        let items = res.json()["items"].as_array().unwrap().len();
        assert_eq!(items, limit.min(20));
        assert!(res.json()["items"][0]["next_open_slot"].is_object());
        let statements = of_request(&log);
        let mentor_reads = statements
            .iter()
            .filter(|s| s.contains("mentor_profiles") || s.contains("mentor_slots"))
            .count();
        assert_eq!(mentor_reads, 1, "limit {limit}: {statements:#?}");
        seen.push(statements.len());
    }
    // at most a tenant-cache refresh besides the one statement, whatever the page size
    assert!(seen.iter().all(|n| (1..=2).contains(n)), "{seen:?}");
    // the counting is real: a page of 20 mentors' details costs one statement each
    for id in app.get("/api/mentors?limit=3").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
    {
        assert_eq!(app.get(&format!("/api/mentors/{id}")).await.status, 200);
    }
    let details = of_request(&log);
    eprintln!(
        "statements per page size [1, 5, 10, 20, 100]: {seen:?}; list + 3 details: {}",
        details.len()
    );
    // the list, then a profile read and a slot read per detail (and perhaps a tenant-cache
    // refresh)
    assert!((7..=8).contains(&details.len()), "{details:#?}");
}
