//! Email through the real queue into the `.eml` outbox, permanent vs retried failures, and an
//! SMTP server that rejects the credentials (535) without the password leaking into errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::{path::Path, time::Duration};

use comms::email::{self, EmailJob, Mailer, Template};
use jobs::{JobError, JobSpec};
use kernel::config::Env;
use serde_json::json;
use testkit::spawn_app;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

fn eml_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[tokio::test]
async fn an_otp_job_is_rendered_into_the_outbox() {
    let app = spawn_app().await;
    let outbox = app.config.comms.email.outbox_dir.clone();
    let bg = common::consume(&app).await;

    let id = email::queue_email(
        &app.jobs,
        "mr-hire",
        EmailJob::new(
            Template::Otp,
            "asha@example.com",
            json!({"code": "482913", "name": "Asha"}),
        ),
    )
    .await
    .unwrap();
    assert!(!id.is_empty());
    let mail = common::eventually(10, || {
        let files = eml_files(&outbox);
        async move { files.into_iter().next() }
    })
    .await
    .expect("no .eml file appeared in MAIL_OUTBOX_DIR");
    assert!(mail.contains("To: asha@example.com"), "{mail}");
    assert!(
        mail.contains("Subject: 482913 is your Mr. Hire verification code"),
        "{mail}"
    );
    assert!(mail.contains("Mr. Hire"), "branded From: {mail}");
    assert!(mail.contains("Hi Asha,"), "{mail}");
    assert!(mail.contains("text/html"), "{mail}");

    // The Node monolith's shape: no platform (default platform), `type`/`to`/`data`.
    app.jobs
        .add_raw(
            EmailJob::QUEUE,
            EmailJob::NAME,
            json!({"type": "password_reset", "to": "ravi@example.com", "data": {"resetLink": "https://app.example.com/r/1"}}),
            None,
            0,
        )
        .await
        .unwrap();
    let reset = common::eventually(10, || {
        let files = eml_files(&outbox);
        async move { files.into_iter().find(|m| m.contains("ravi@example.com")) }
    })
    .await
    .expect("the Node-shaped job was not delivered");
    assert!(
        reset.contains("Subject: Reset your Mr. Mentor password"),
        "{reset}"
    );
    bg.close(Duration::from_secs(5)).await;
}

/// A mailer built from the configuration the gateway would read from these variables.
fn mailer_with(pairs: &[(&str, &str)]) -> Mailer {
    let env = Env::from_pairs(pairs);
    let base = kernel::Config::read(&env).unwrap();
    let config = comms::CommsConfig::from_env(&env, &base).unwrap();
    Mailer::from_config(&config.email, &base.public_base_url).unwrap()
}

fn outbox_mailer() -> (Mailer, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("comms-outbox-{}", uuid::Uuid::now_v7()));
    let mailer = mailer_with(&[("MAIL_OUTBOX_DIR", &dir.display().to_string())]);
    assert!(!mailer.is_smtp());
    (mailer, dir)
}

#[tokio::test]
async fn bad_jobs_fail_permanently() {
    let (mailer, dir) = outbox_mailer();
    let job = |kind: &str, to: &str, data| EmailJob {
        kind: kind.into(),
        to: to.into(),
        data,
    };
    for (j, why) in [
        (
            job("newsletter", "a@example.com", json!({})),
            "unknown email template",
        ),
        (
            job("otp", "not-an-address", json!({"code": "1"})),
            "invalid recipient",
        ),
        (
            job("otp", "a@example.com", json!({"name": "x"})),
            "missing required field data.code",
        ),
    ] {
        match email::deliver(&mailer, "mr-mentor", &j).await {
            Err(JobError::Permanent(e)) => assert!(e.to_string().contains(why), "{e}"),
            other => panic!("{j:?}: expected a permanent failure, got {other:?}"),
        }
    }
    assert!(eml_files(&dir).is_empty());
    email::deliver(
        &mailer,
        "mr-mentor",
        &job("otp", "a@example.com", json!({"code": "1"})),
    )
    .await
    .unwrap();
    assert!(dir.is_dir(), "the outbox directory is created on first use");
    assert_eq!(eml_files(&dir).len(), 1);
    std::fs::remove_dir_all(dir).ok();
}

/// A fake SMTP server speaking just enough of the protocol: greeting, EHLO with AUTH, then
/// `auth_reply` to AUTH, and (after a 235) `rcpt_reply` to RCPT TO.
async fn fake_smtp(auth_reply: &'static str, rcpt_reply: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake.smtp ESMTP\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: String = match verb.as_str() {
                        "EHLO" | "HELO" => {
                            "250-fake.smtp\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n".into()
                        }
                        "AUTH" => format!("{auth_reply}\r\n"),
                        "MAIL" => "250 OK\r\n".into(),
                        "RCPT" => format!("{rcpt_reply}\r\n"),
                        "RSET" | "NOOP" => "250 OK\r\n".into(),
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.ok();
                            break;
                        }
                        _ => "500 unrecognised\r\n".into(),
                    };
                    if write.write_all(reply.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

fn smtp_mailer(port: u16) -> Mailer {
    let url = format!("smtp://user:secret@127.0.0.1:{port}");
    let mailer = mailer_with(&[("SMTP_URL", &url)]);
    assert!(mailer.is_smtp());
    assert!(
        !mailer.describe().contains("secret"),
        "{}",
        mailer.describe()
    );
    mailer
}

fn otp() -> EmailJob {
    EmailJob::new(Template::Otp, "asha@example.com", json!({"code": "482913"}))
}

#[tokio::test]
async fn rejected_credentials_retry_without_leaking_the_password() {
    let port = fake_smtp("535 5.7.8 Username and Password not accepted", "250 OK").await;
    let mailer = smtp_mailer(port);
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        email::deliver(&mailer, "mr-mentor", &otp()),
    )
    .await
    .expect("the SMTP exchange hung");
    match err {
        Err(JobError::Retry(e)) => {
            let message = format!("{e:#} {e:?}");
            assert!(message.contains("535"), "{message}");
            assert!(!message.contains("secret"), "{message}");
        }
        other => panic!("expected a retry, got {other:?}"),
    }
}

#[tokio::test]
async fn smtp_answers_decide_between_retry_and_dead_letter() {
    let busy = smtp_mailer(fake_smtp("235 2.7.0 Accepted", "451 4.3.0 Try again later").await);
    assert!(matches!(
        email::deliver(&busy, "mr-mentor", &otp()).await,
        Err(JobError::Retry(_))
    ));
    let unknown = smtp_mailer(fake_smtp("235 2.7.0 Accepted", "550 5.1.1 No such user").await);
    assert!(matches!(
        email::deliver(&unknown, "mr-mentor", &otp()).await,
        Err(JobError::Permanent(_))
    ));
    // nobody listening: a connection error retries
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    assert!(matches!(
        email::deliver(&smtp_mailer(closed), "mr-mentor", &otp()).await,
        Err(JobError::Retry(_))
    ));
}

#[tokio::test]
async fn attachments_go_into_a_mixed_message_after_the_text() {
    let (mailer, dir) = outbox_mailer();
    let rendered = email::render(
        "generic",
        "mr-mentor",
        &json!({"subject": "Your invoice", "body": "Attached."}),
        mailer.base_url(),
    )
    .unwrap();
    let pdf = email::Attachment {
        filename: "MM-26-27-00001.pdf".into(),
        content_type: "application/pdf".into(),
        // binary, as a PDF is: sent base64
        body: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
    };
    mailer
        .send_with("buyer@example.com", &rendered, std::slice::from_ref(&pdf))
        .await
        .unwrap();
    let files = eml_files(&dir);
    assert_eq!(files.len(), 1);
    let eml = &files[0];
    assert!(eml.contains("multipart/mixed"), "{eml}");
    assert!(eml.contains("multipart/alternative"), "{eml}");
    assert!(
        eml.contains("Content-Disposition: attachment; filename=\"MM-26-27-00001.pdf\""),
        "{eml}"
    );
    assert!(eml.contains("Content-Type: application/pdf"), "{eml}");
    // the bytes, base64
    assert!(eml.contains("JVBERi0xLjcKJeLjz9MK"), "{eml}");
    // a bad content type is refused for good, nothing written
    let bad = email::Attachment {
        content_type: "not a type".into(),
        ..pdf
    };
    assert!(matches!(
        mailer
            .send_with("buyer@example.com", &rendered, &[bad])
            .await,
        Err(email::SendError::Rejected(_))
    ));
    assert_eq!(eml_files(&dir).len(), 1);
    std::fs::remove_dir_all(dir).ok();
}
