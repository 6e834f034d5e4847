//! The `http_webhook` step's call: an SSRF guard, then one POST with a timeout, no redirects
//! and the effect ledger's key as `Idempotency-Key`.
//!
//! The guard resolves the URL's host once and refuses it when any address is loopback,
//! private (RFC 1918, unique-local), link-local (cloud metadata at 169.254.169.254), carrier
//! NAT, unspecified, multicast or documentation space, unless the host is on
//! `CRM_WEBHOOK_ALLOW_HOSTS`; the request then goes to exactly the address checked
//! (`reqwest`'s `resolve`), so a DNS answer that changes between check and call
//! (rebinding) cannot redirect it.

use std::net::{IpAddr, SocketAddr};

/// Where webhooks may go and how long they may take.
#[derive(Debug, Clone, Default)]
pub struct WebhookPolicy {
    /// Hosts allowed although they resolve to non-public addresses.
    pub allow_hosts: Vec<String>,
    /// Timeout of one call.
    pub timeout: std::time::Duration,
}

/// Why a call did not happen or failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Refused by the guard (a visible `blocked` outcome, not retried).
    #[error("ssrf: {0}")]
    Refused(String),
    /// The call failed or answered non-2xx (retried by the queue).
    #[error("webhook: {0}")]
    Failed(String),
}

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x64 && s[1] == 0xff9b))
        }
    }
}

/// Resolves `url`'s host and picks the address to call, or refuses.
pub async fn vet(url: &reqwest::Url, policy: &WebhookPolicy) -> Result<SocketAddr, WebhookError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(WebhookError::Refused("only http and https".into()));
    }
    let host = url
        .host_str()
        .ok_or_else(|| WebhookError::Refused("no host".into()))?
        .trim_matches(|c| c == '[' || c == ']')
        .to_ascii_lowercase();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| WebhookError::Failed(format!("resolving the host: {e}")))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| WebhookError::Failed("the host has no address".into()))?;
    let allowed = policy.allow_hosts.contains(&host);
    if !allowed && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(WebhookError::Refused(format!(
            "{host} resolves to a non-public address"
        )));
    }
    Ok(first)
}

/// POSTs `body` to `url` (vetted) with `Idempotency-Key: key`; answers the status.
pub async fn post(
    url: &str,
    body: &serde_json::Value,
    key: &str,
    policy: &WebhookPolicy,
) -> Result<u16, WebhookError> {
    let url = reqwest::Url::parse(url).map_err(|e| WebhookError::Refused(e.to_string()))?;
    let addr = vet(&url, policy).await?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = reqwest::Client::builder()
        .timeout(policy.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, addr)
        .user_agent(concat!("mas-crm-webhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| WebhookError::Failed(e.to_string()))?;
    let res = client
        .post(url)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .map_err(|e| WebhookError::Failed(e.without_url().to_string()))?;
    let status = res.status().as_u16();
    if !res.status().is_success() {
        return Err(WebhookError::Failed(format!("answered {status}")));
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_metadata_addresses_are_not_public() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(
                !is_public(bad.parse().unwrap_or_else(|e| panic!("{e}"))),
                "{bad}"
            );
        }
        for good in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(
                is_public(good.parse().unwrap_or_else(|e| panic!("{e}"))),
                "{good}"
            );
        }
    }

    #[tokio::test]
    async fn the_guard_refuses_loopback_unless_the_host_is_allowed() {
        let url = reqwest::Url::parse("http://127.0.0.1:9/hook").unwrap_or_else(|e| panic!("{e}"));
        let strict = WebhookPolicy::default();
        assert!(matches!(
            vet(&url, &strict).await,
            Err(WebhookError::Refused(_))
        ));
        let open = WebhookPolicy {
            allow_hosts: vec!["127.0.0.1".into()],
            ..Default::default()
        };
        assert!(vet(&url, &open).await.is_ok());
    }
}
