//! Sending deliveries over HTTP: a signed webhook (Standard Webhooks) or a
//! CDN purge by surrogate key. Redirects are not followed, and addresses
//! inside the network (loopback, private, link-local) are refused unless
//! allowed, both in the URL and wherever a name resolves, so an endpoint
//! cannot be used to reach what sits behind the server.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::super::newsdesk::{PurgeTarget, WebhookPolicy};
use super::super::outbox::Event;
use super::deliveries::message_id;
use crate::crypto::signature::webhook_signature;
use crate::db::entities::webhook_endpoints;

/// How one try went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the receiver took it: a 2xx answer, a mail server's acceptance.
    pub succeeded: bool,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub excerpt: String,
    /// What a 429 or 503 asked for in `Retry-After`.
    pub retry_after: Option<Duration>,
}

impl Outcome {
    /// A try that could not be made.
    pub fn refused(why: &str) -> Outcome {
        Outcome {
            error: Some(why.to_owned()),
            ..Outcome::default()
        }
    }
}

impl super::super::newsdesk::Newsdesk {
    /// A sender with this node's delivery settings.
    pub fn delivery_sender(&self) -> Sender {
        Sender::new(&self.outbound().webhooks)
    }
}

/// Sends deliveries. Cloning shares one connection pool.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    pub fn new(policy: &WebhookPolicy) -> Sender {
        let client = reqwest::Client::builder()
            .timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Newsdesk-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(PublicOnly {
                allow_private: policy.allow_private_targets,
            }))
            .build()
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "the webhook client could not be built with its settings; using defaults");
                reqwest::Client::new()
            });
        Sender {
            client,
            allow_private: policy.allow_private_targets,
        }
    }

    /// Sends event `event` to `endpoint`, signed with its secret.
    pub async fn webhook(&self, endpoint: &webhook_endpoints::Model, event: &Event) -> Outcome {
        let id = message_id(event.seq);
        let body = event.body();
        let timestamp = chrono::Utc::now().timestamp();
        let Some(signature) = webhook_signature(&endpoint.secret, &id, timestamp, &body) else {
            return Outcome::refused("the endpoint's secret is not a whsec_ secret");
        };
        let request = self
            .client
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body);
        self.send(&endpoint.url, request).await
    }

    /// Asks the CDN to purge what event `event` changed.
    pub async fn purge(&self, target: &PurgeTarget, event: &Event) -> Outcome {
        let keys = event.surrogate_keys().join(" ");
        let url = target
            .url_template
            .replace("{keys}", &encode_component(&keys));
        let mut request = self
            .client
            .post(&url)
            .header("surrogate-key", keys)
            .header("content-type", "application/json")
            .body(event.body());
        if let Some((name, value)) = &target.header {
            request = request.header(name.as_str(), value.expose());
        }
        self.send(&url, request).await
    }

    async fn send(&self, url: &str, request: reqwest::RequestBuilder) -> Outcome {
        if let Err(why) = literal_address_allowed(url, self.allow_private) {
            return Outcome::refused(&why);
        }
        let started = Instant::now();
        let answer = request.send().await;
        let mut outcome = match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = if matches!(status, 429 | 503) {
                    response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(retry_after)
                } else {
                    None
                };
                let excerpt = response.text().await.unwrap_or_default();
                Outcome {
                    succeeded: (200..300).contains(&status),
                    status: Some(status),
                    excerpt,
                    retry_after,
                    ..Outcome::default()
                }
            }
            Err(e) => Outcome::refused(&describe(&e)),
        };
        outcome.latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        outcome
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        // The resolver's refusal of an inside address shows up here.
        let mut why = String::from("could not connect");
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            why = format!("could not connect: {cause}");
            source = cause.source();
        }
        why
    } else {
        e.to_string()
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
}

/// Everything but RFC 3986's unreserved characters is escaped, so the keys fit any part of
/// the purge URL.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode_component(raw: &str) -> String {
    utf8_percent_encode(raw, COMPONENT).to_string()
}

/// Whether `ip` lies inside a network rather than on the internet.
pub fn is_inside(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_inside(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Whether a URL may be a delivery target: http(s), with a host that is
/// not an inside address (unless allowed). Names are checked as they resolve.
pub fn check_target(url: &str, policy: &WebhookPolicy) -> Result<(), String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|_| "must be an absolute http(s) URL".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err("must be an absolute http(s) URL".into());
    }
    if url.len() > 2000 {
        return Err("must be at most 2000 characters".into());
    }
    literal_address_allowed(url, policy.allow_private_targets)?;
    if !policy.allow_private_targets
        && parsed
            .host_str()
            .is_some_and(|h| h.eq_ignore_ascii_case("localhost") || h.ends_with(".localhost"))
    {
        return Err(PRIVATE_REFUSED.into());
    }
    Ok(())
}

const PRIVATE_REFUSED: &str = "points inside the network (loopback, private or link-local address); NEWSDESK_WEBHOOK_ALLOW_PRIVATE_TARGETS allows it";

fn literal_address_allowed(url: &str, allow_private: bool) -> Result<(), String> {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    let Some(ip) = host.and_then(|h| {
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok()
    }) else {
        return Ok(());
    };
    if !allow_private && is_inside(ip) {
        return Err(PRIVATE_REFUSED.into());
    }
    Ok(())
}

/// Resolves names as the system does, then drops inside addresses.
struct PublicOnly {
    allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !is_inside(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no address outside the network").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> WebhookPolicy {
        WebhookPolicy {
            retry_schedule: vec![],
            timeout: Duration::from_secs(1),
            allow_private_targets: false,
        }
    }

    #[test]
    fn inside_addresses_are_refused_as_targets() {
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://10.1.2.3/",
            "http://192.168.0.5/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:8080/",
            "http://100.64.0.1/",
        ] {
            assert!(check_target(url, &strict()).is_err(), "{url} was accepted");
        }
        assert!(check_target("https://hooks.example.com/in", &strict()).is_ok());
        assert!(check_target("https://93.184.216.34/in", &strict()).is_ok());
    }

    #[test]
    fn only_absolute_http_urls_are_targets() {
        for url in ["ftp://example.com/", "/relative", "example.com", "https://"] {
            assert!(check_target(url, &strict()).is_err(), "{url} was accepted");
        }
    }

    #[test]
    fn allowing_private_targets_allows_loopback() {
        let open = WebhookPolicy {
            allow_private_targets: true,
            ..strict()
        };
        assert!(check_target("http://127.0.0.1:9000/hook", &open).is_ok());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(retry_after("soon"), None);
    }
}
