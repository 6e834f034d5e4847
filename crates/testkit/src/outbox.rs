//! What a test reads back from the app's side effects: the `.eml` files of the mail outbox
//! and the completed jobs of a queue.

use std::time::Duration;

use crate::TestApp;

impl TestApp {
    /// Every `.eml` in the app's `MAIL_OUTBOX_DIR`, quoted-printable soft line breaks and
    /// `=3D` undone so a test can search the text.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.config.comms.email.outbox_dir) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .map(|p| {
                std::fs::read_to_string(p)
                    .unwrap()
                    .replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .collect()
    }

    /// Waits (up to 15 s) until `n` jobs named `name` of `queue` have completed.
    pub async fn wait_completed(&self, queue: &str, name: &str, n: usize) {
        let queue = self.jobs.queue(queue).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let done = queue
                .get_completed(0, -1)
                .await
                .unwrap()
                .iter()
                .filter(|j| j.name() == name)
                .count();
            if done >= n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{done} of {n} {name} jobs completed"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
