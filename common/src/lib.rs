//! Types and the wire protocol shared by `procurad` and `procura`.
//!
//! Everything a client can see travels through the [`api::Procura`] tarpc
//! service defined here, framed by [`transport`].

pub mod api;
pub mod delivery;
pub mod error;
pub mod job;
pub mod log;
pub mod money;
pub mod negotiation;
pub mod product;
pub mod rank;
pub mod source;
pub mod spec;
pub mod text;
pub mod transport;
pub mod usage;
pub mod user;

/// Bumped whenever a call or a type on the wire changes incompatibly.
pub const PROTOCOL_VERSION: u32 = 5;

/// The version of the crates, reported by `hello` and `status`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
