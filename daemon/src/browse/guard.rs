//! Where the browser may go. Navigation stays inside the job's source
//! hosts, over http(s) only; an address that is link-local, a cloud
//! metadata endpoint, multicast or unspecified is never allowed, and a
//! private or loopback one only when the source itself lives there (the
//! demo shops run on loopback). Redirects are checked the same way, on the
//! URL the browser ended at.

use std::net::IpAddr;

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("{url:?} is not a valid URL: {reason}")]
    Invalid { url: String, reason: String },
    #[error("{url} uses {scheme}:, and only http and https pages are visited")]
    Scheme { url: String, scheme: String },
    #[error("{url} is outside the job's sources ({host} is not one of their hosts)")]
    OffSite { url: String, host: String },
    #[error("{url} resolves to {ip}, a {kind} address, which is never visited")]
    Forbidden {
        url: String,
        ip: IpAddr,
        kind: &'static str,
    },
    #[error(
        "{url} resolves to {ip}, a private address, and its source is not on a private network"
    )]
    Private { url: String, ip: IpAddr },
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
}

#[derive(Debug, Clone)]
struct AllowedHost {
    host: String,
    private_ok: bool,
}

/// The hosts one job may visit.
#[derive(Debug, Clone, Default)]
pub struct NavigationGuard {
    hosts: Vec<AllowedHost>,
}

/// How an address is classed, for the decision and the message.
fn classify(ip: IpAddr) -> Option<(&'static str, bool)> {
    // (kind, forbidden even when the source is private)
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if o == [169, 254, 169, 254] || o == [100, 100, 100, 200] {
                Some(("cloud metadata", true))
            } else if v4.is_link_local() {
                Some(("link-local", true))
            } else if v4.is_unspecified() || v4.is_broadcast() || v4.is_multicast() {
                Some(("unroutable", true))
            } else if v4.is_loopback() {
                Some(("loopback", false))
            } else if v4.is_private() || (o[0] == 100 && (64..128).contains(&o[1])) {
                Some(("private", false))
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return classify(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            if seg[0] == 0xfd00 && seg[1] == 0x0ec2 {
                Some(("cloud metadata", true))
            } else if (seg[0] & 0xffc0) == 0xfe80 {
                Some(("link-local", true))
            } else if v6.is_unspecified() || v6.is_multicast() {
                Some(("unroutable", true))
            } else if v6.is_loopback() {
                Some(("loopback", false))
            } else if (seg[0] & 0xfe00) == 0xfc00 {
                Some(("private", false))
            } else {
                None
            }
        }
    }
}

fn host_of(url: &Url) -> Option<String> {
    url.host_str().map(|h| {
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase()
    })
}

async fn resolve(url: &Url, host: &str) -> Result<Vec<IpAddr>, GuardError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| GuardError::Resolve {
            host: host.to_string(),
            reason: e.to_string(),
        })?;
    Ok(addrs.map(|a| a.ip()).collect())
}

fn parse(url: &str) -> Result<Url, GuardError> {
    let parsed = Url::parse(url).map_err(|e| GuardError::Invalid {
        url: url.chars().take(200).collect(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(GuardError::Scheme {
            url: parsed.to_string(),
            scheme: parsed.scheme().to_string(),
        });
    }
    Ok(parsed)
}

impl NavigationGuard {
    /// Allows the hosts of these URLs (a source's base and search URLs). A
    /// source whose host is itself private or loopback may be visited there.
    pub async fn for_urls<'a>(urls: impl IntoIterator<Item = &'a str>) -> Result<Self, GuardError> {
        let mut hosts: Vec<AllowedHost> = Vec::new();
        for url in urls {
            let parsed = parse(url)?;
            let Some(host) = host_of(&parsed) else {
                return Err(GuardError::Invalid {
                    url: url.to_string(),
                    reason: "no host".into(),
                });
            };
            let ips = resolve(&parsed, &host).await?;
            let private_ok = ips
                .iter()
                .any(|ip| matches!(classify(*ip), Some((_, false))));
            if let Some(existing) = hosts.iter_mut().find(|h| h.host == host) {
                existing.private_ok |= private_ok;
            } else {
                hosts.push(AllowedHost { host, private_ok });
            }
        }
        Ok(NavigationGuard { hosts })
    }

    /// The hosts allowed, for the browser's resolver rules.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.hosts.iter().map(|h| h.host.as_str())
    }

    /// The same decision without resolving names, for the browser to apply
    /// to redirects as they happen (its resolver only knows the allowed
    /// hosts anyway): scheme, host, and the class of an address literal.
    pub fn allows(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let host = host_of(url).unwrap_or_default();
        let Some(allowed) = self
            .hosts
            .iter()
            .find(|h| host == h.host || host.ends_with(&format!(".{}", h.host)))
        else {
            return false;
        };
        match host.parse::<IpAddr>().ok().and_then(classify) {
            Some((_, true)) => false,
            Some((_, false)) => allowed.private_ok,
            None => true,
        }
    }

    /// Whether `url` may be visited, resolving its host now (so a name that
    /// points at a metadata address is caught too).
    pub async fn check(&self, url: &str) -> Result<Url, GuardError> {
        let parsed = parse(url)?;
        let host = host_of(&parsed).unwrap_or_default();
        let Some(allowed) = self
            .hosts
            .iter()
            .find(|h| host == h.host || host.ends_with(&format!(".{}", h.host)))
        else {
            return Err(GuardError::OffSite {
                url: parsed.to_string(),
                host,
            });
        };
        for ip in resolve(&parsed, &host).await? {
            match classify(ip) {
                Some((kind, true)) => {
                    return Err(GuardError::Forbidden {
                        url: parsed.to_string(),
                        ip,
                        kind,
                    });
                }
                Some((_, false)) if !allowed.private_ok => {
                    return Err(GuardError::Private {
                        url: parsed.to_string(),
                        ip,
                    });
                }
                _ => {}
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stays_inside_the_sources() {
        let guard = NavigationGuard::for_urls(["http://127.0.0.1:8080/search?q={query}"])
            .await
            .unwrap();
        assert!(guard.check("http://127.0.0.1:8080/p/1").await.is_ok());
        // Another port on the same host is the same shop host.
        assert!(guard.check("http://127.0.0.1:9999/p/1").await.is_ok());
        for (url, want) in [
            ("file:///etc/passwd", "only http and https"),
            ("javascript:alert(1)", "only http and https"),
            (
                "http://169.254.169.254/latest/meta-data/",
                "outside the job's sources",
            ),
            ("http://10.0.0.1/", "outside the job's sources"),
            ("not a url", "not a valid URL"),
        ] {
            let err = guard.check(url).await.unwrap_err().to_string();
            assert!(err.contains(want), "{url}: {err}");
        }
    }

    #[tokio::test]
    async fn metadata_and_link_local_are_never_visited() {
        // Even a source that names such an address cannot be visited there.
        let guard = NavigationGuard::for_urls(["http://169.254.169.254/"])
            .await
            .unwrap();
        let err = guard
            .check("http://169.254.169.254/latest/meta-data/")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                GuardError::Forbidden {
                    kind: "cloud metadata",
                    ..
                }
            ),
            "{err}"
        );
        let guard = NavigationGuard::for_urls(["http://[fe80::1]/"])
            .await
            .unwrap();
        let err = guard.check("http://[fe80::1]/x").await.unwrap_err();
        assert!(
            matches!(
                err,
                GuardError::Forbidden {
                    kind: "link-local",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn classes() {
        let c = |s: &str| classify(s.parse().unwrap());
        assert_eq!(c("8.8.8.8"), None);
        assert_eq!(c("127.0.0.1"), Some(("loopback", false)));
        assert_eq!(c("192.168.1.4"), Some(("private", false)));
        assert_eq!(c("172.20.0.1"), Some(("private", false)));
        assert_eq!(c("100.64.0.1"), Some(("private", false)));
        assert_eq!(c("169.254.1.1"), Some(("link-local", true)));
        assert_eq!(c("0.0.0.0"), Some(("unroutable", true)));
        assert_eq!(c("::ffff:169.254.169.254"), Some(("cloud metadata", true)));
        assert_eq!(c("fd00:ec2::254"), Some(("cloud metadata", true)));
        assert_eq!(c("fc00::1"), Some(("private", false)));
        assert_eq!(c("2001:db8::1"), None);
    }
}
