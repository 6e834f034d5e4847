//! A worker process of a [`TestApp`] inside the test process (`gateway worker`: queue workers,
//! schedules and the outbox relay, no HTTP) on the app's database, Redis and key prefixes:
//! start it, stop it and start another to see what a restart does (schedules rebuilt from
//! PostgreSQL rows at boot), or run two as replicas.

use gateway::startup::{Application, Role};
use tokio::{sync::oneshot, task::JoinHandle};

use crate::TestApp;

/// A running worker; [`Worker::stop`] shuts it down gracefully (dropping it stops it too).
pub struct Worker {
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// Boots a worker of this app (its boot syncs the row-defined schedules).
    pub async fn start_worker(&self) -> Worker {
        let app = Application::build(self.config.clone(), Role::Worker)
            .await
            .expect("building a worker");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        Worker {
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Deletes every BullMQ key of this app (its queues, jobs and job schedulers): what a
    /// `FLUSHALL` does to the app, without touching the other tests sharing the Redis server.
    pub async fn flush_queues(&self) {
        crate::database::clear_redis_prefix(&format!("{}:", self.config.kernel.bullmq_prefix))
            .await;
    }
}

impl Worker {
    /// Stops the worker and waits for it (active jobs finish or go back to waiting).
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("worker task").expect("worker result");
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
