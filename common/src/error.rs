use serde::{Deserialize, Serialize};

/// An error a call returns to its client. Every variant names what was wrong
/// so that the client can show it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
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

#[cfg(test)]
mod tests {
    use super::ApiError;

    #[test]
    fn every_variant_survives_the_wire() {
        let all = [
            ApiError::NotAuthorised { uid: 7 },
            ApiError::Forbidden {
                action: "a".into(),
                needed: "admin".into(),
                user: "u".into(),
                role: "viewer".into(),
            },
            ApiError::not_found("job", 3),
            ApiError::InvalidRequest("bad".into()),
            ApiError::ProtocolMismatch {
                client: 1,
                daemon: 2,
                daemon_version: "0.2.0".into(),
            },
            ApiError::Conflict("c".into()),
            ApiError::Unavailable("u".into()),
            ApiError::Internal("i".into()),
        ];
        for e in all {
            let json = serde_json::to_string(&e).expect("serializes");
            let back: ApiError = serde_json::from_str(&json).expect("deserializes");
            assert_eq!(back, e);
        }
    }
}
