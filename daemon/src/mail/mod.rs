//! Negotiation email out: composing approved messages ([`compose`]),
//! delivering them ([`transport`]) and the sender task that drains the
//! transactional outbox ([`sender`]).

pub mod compose;
pub mod crash;
pub mod inbox;
pub mod sender;
pub mod transport;
