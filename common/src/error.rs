use serde::{Deserialize, Serialize};

/// An error a call returns to its client. Every variant names what was wrong
/// so that the client can show it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApiError {
    #[error(
        "not authorised: unix uid {uid} is not a Procura operator (an admin can add it with `procura admin users add NAME --uid {uid} --role operator`)"
    )]
    NotAuthorised { uid: u32 },
    #[error("forbidden: {action} needs the {needed} role, and {user} is {role}")]
    Forbidden {
        action: String,
        needed: String,
        user: String,
        role: String,
    },
    #[error("{what} {id} not found")]
    NotFound { what: String, id: String },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error(
        "protocol mismatch: this client speaks protocol {client} and procurad {daemon_version} speaks protocol {daemon}; install matching versions"
    )]
    ProtocolMismatch {
        client: u32,
        daemon: u32,
        daemon_version: String,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("procurad is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error in procurad: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn not_found(what: &str, id: impl ToString) -> Self {
        ApiError::NotFound {
            what: what.to_string(),
            id: id.to_string(),
        }
    }
}
