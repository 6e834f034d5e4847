//! The crate's state: the context, the queues and its configuration section. Built once per
//! process by the gateway and registered as `web::Data<Finance>`. Cheap to clone.

use std::sync::Arc;

use jobs::Jobs;
use kernel::AppContext;
use storage::Storage;

use crate::FinanceConfig;

/// Finance's state.
#[derive(Clone)]
pub struct Finance {
    ctx: AppContext,
    jobs: Jobs,
    storage: Storage,
    config: Arc<FinanceConfig>,
    http: reqwest::Client,
    nic: Option<integrations::nic_irp::NicIrp>,
}

impl Finance {
    /// Builds the state.
    pub fn new(ctx: &AppContext, jobs: &Jobs, storage: &Storage, config: FinanceConfig) -> Self {
        let http = integrations::http_client().unwrap_or_default();
        let e = &config.einvoice;
        // EINVOICE_MODE=nic: the NIC IRP's envelope (ADR 0080); without a URL the IRN jobs
        // wait in their retries, as in the simple mode
        let nic = match (&e.nic, &e.irp_url) {
            (Some(c), Some(url)) => {
                let client = integrations::nic_irp::NicIrp::new(
                    ctx,
                    http.clone(),
                    integrations::nic_irp::NicIrpConfig {
                        base_url: url.clone(),
                        client_id: c.client_id.clone(),
                        client_secret: c.client_secret.clone(),
                        username: c.username.clone(),
                        password: c.password.clone(),
                        public_key_der: c.public_key_der.clone(),
                    },
                );
                match client {
                    Ok(c) => Some(c),
                    Err(e) => {
                        tracing::error!(error = %e, "the NIC IRP client could not be built");
                        None
                    }
                }
            }
            _ => None,
        };
        Self {
            ctx: ctx.clone(),
            jobs: jobs.clone(),
            storage: storage.clone(),
            config: Arc::new(config),
            http,
            nic,
        }
    }

    /// The client that asks the IRP: the NIC envelope when configured, else the simple one.
    pub fn irp(&self) -> crate::service::einvoices::Irp<'_> {
        match &self.nic {
            Some(nic) => crate::service::einvoices::Irp::Nic(nic),
            None => crate::service::einvoices::Irp::Simple(&self.http),
        }
    }

    /// The NIC IRP client (`EINVOICE_MODE=nic` with `EINVOICE_IRP_URL`).
    pub fn nic(&self) -> Option<&integrations::nic_irp::NicIrp> {
        self.nic.as_ref()
    }

    /// The HTTP client of the IRP/GSP calls.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The shared context.
    pub fn ctx(&self) -> &AppContext {
        &self.ctx
    }

    /// The queues handle.
    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// The object store (invoice PDFs).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The crate's configuration section.
    pub fn config(&self) -> &FinanceConfig {
        &self.config
    }
}
