//! Turning the client library's errors into [`KubeError`]s worded like client-go's.

use super::KubeError;

/// Maps a request error: API statuses keep their code, reason and message (what client-go's
/// `StatusError` prints); transport failures read like Go's `net/http` errors.
pub(crate) fn from_kube(err: kube::Error, method: &str, url: &str) -> KubeError {
    match err {
        kube::Error::Api(status) => KubeError::Api {
            code: status.code,
            reason: status.reason.clone(),
            message: if status.message.is_empty() {
                status.reason.clone()
            } else {
                status.message.clone()
            },
        },
        other => KubeError::Other(format!(
            "{} \"{}\": {}",
            go_method(method),
            url,
            transport_text(&other, url)
        )),
    }
}

/// Go prints request methods capitalised (`Get "https://…/version": …`).
fn go_method(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// The innermost cause of a transport error, phrased as Go's dialer phrases the common ones.
fn transport_text(err: &kube::Error, url: &str) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut last = err.to_string();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return format!(
                        "dial tcp {}: connect: connection refused",
                        dial_address(url)
                    );
                }
                std::io::ErrorKind::TimedOut => {
                    return format!("dial tcp {}: i/o timeout", dial_address(url));
                }
                _ => {}
            }
        }
        last = e.to_string();
        source = e.source();
    }
    last
}

/// `host:port` as Go's dialer reports it (default ports filled in, localhost resolved).
fn dial_address(url: &str) -> String {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return url.to_string();
    };
    let host = match uri.host().unwrap_or("") {
        "localhost" => "127.0.0.1",
        h => h,
    };
    let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("http") => 80,
        _ => 443,
    });
    format!("{host}:{port}")
}

/// Prefixes an API error's message (Helm wraps errors with context but callers still need
/// the status code, e.g. to tell NotFound apart).
pub(crate) fn wrap(err: KubeError, prefix: &str) -> KubeError {
    match err {
        KubeError::Api {
            code,
            reason,
            message,
        } => KubeError::Api {
            code,
            reason,
            message: format!("{prefix}{message}"),
        },
        KubeError::Config(m) => KubeError::Config(format!("{prefix}{m}")),
        KubeError::Timeout(m) => KubeError::Timeout(format!("{prefix}{m}")),
        KubeError::Other(m) => KubeError::Other(format!("{prefix}{m}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_print_like_go() {
        assert_eq!(go_method("GET"), "Get");
        assert_eq!(go_method("PATCH"), "Patch");
    }

    #[test]
    fn dial_addresses() {
        assert_eq!(
            dial_address("http://localhost:8080/version"),
            "127.0.0.1:8080"
        );
        assert_eq!(dial_address("https://10.0.0.1/version"), "10.0.0.1:443");
    }

    #[test]
    fn wrap_keeps_the_status_code() {
        let e = wrap(
            KubeError::Api {
                code: 404,
                reason: "NotFound".into(),
                message: "gone".into(),
            },
            "failed: ",
        );
        assert!(e.is_not_found());
        assert_eq!(e.to_string(), "failed: gone");
    }
}
