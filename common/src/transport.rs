//! Framing for the unix socket: length-delimited JSON frames with a size cap,
//! and where the socket lives.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tarpc::serde_transport::Transport;
use tarpc::tokio_serde::formats::Json;
use tarpc::tokio_util::codec::length_delimited::LengthDelimitedCodec;
use tarpc::{ClientMessage, Response, client, context};
use tokio::net::UnixStream;

use crate::api::{Hello, ProcuraClient, Welcome};
use crate::error::ApiError;
use crate::{PROTOCOL_VERSION, VERSION};

/// The largest frame either side accepts. A peer that sends more is
/// disconnected; nothing else is affected.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

pub type ServerTransport<Req, Resp> = Transport<
    UnixStream,
    ClientMessage<Req>,
    Response<Resp>,
    Json<ClientMessage<Req>, Response<Resp>>,
>;

fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME_BYTES)
        .new_codec()
}

/// Wraps an accepted or connected stream in the framed JSON transport.
pub fn frame<Item, SinkItem>(
    stream: UnixStream,
) -> Transport<UnixStream, Item, SinkItem, Json<Item, SinkItem>>
where
    Item: for<'de> serde::Deserialize<'de>,
    SinkItem: serde::Serialize,
{
    tarpc::serde_transport::new(
        tarpc::tokio_util::codec::Framed::new(stream, codec()),
        Json::default(),
    )
}

/// Where `procurad` listens when nothing says otherwise: the systemd
/// runtime directory for a service, else `$XDG_RUNTIME_DIR/procura`, else a
/// per-uid directory under `/tmp`.
pub fn default_socket_path() -> PathBuf {
    if let Some(dir) = systemd_directory("RUNTIME_DIRECTORY") {
        return dir.join("procurad.sock");
    }
    if let Some(dir) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        return Path::new(&dir).join("procura").join("procurad.sock");
    }
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    if uid == 0 {
        return PathBuf::from("/run/procura/procurad.sock");
    }
    PathBuf::from(format!("/tmp/procura-{uid}/procurad.sock"))
}

/// The first directory systemd names in `var` (`RUNTIME_DIRECTORY`,
/// `STATE_DIRECTORY`, …), which may list several separated by ':'.
pub fn systemd_directory(var: &str) -> Option<PathBuf> {
    let value = std::env::var_os(var)?;
    let first = value.to_string_lossy().split(':').next()?.to_string();
    (!first.is_empty()).then(|| PathBuf::from(first))
}

/// The socket a client should use: an explicit path, else `PROCURA_SOCKET`,
/// else the user daemon's default if it exists, else the system service's.
pub fn client_socket_path(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("PROCURA_SOCKET").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let user_default = default_socket_path();
    let system = PathBuf::from("/run/procura/procurad.sock");
    if !user_default.exists() && system.exists() {
        return system;
    }
    user_default
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "cannot connect to procurad at {path}: {source} (is procurad running? start it with `procurad`, or point PROCURA_SOCKET at its socket)"
    )]
    Socket { path: PathBuf, source: io::Error },
    #[error("procurad at {path} did not answer hello: {source}")]
    Rpc {
        path: PathBuf,
        source: tarpc::client::RpcError,
    },
    #[error(transparent)]
    Refused(#[from] ApiError),
}

/// A connected, greeted client.
pub struct Connection {
    pub client: ProcuraClient,
    pub welcome: Welcome,
}

/// A context whose deadline is `timeout` from now.
pub fn context_with_timeout(timeout: Duration) -> context::Context {
    let mut ctx = context::current();
    ctx.deadline = Instant::now() + timeout;
    ctx
}

/// Connects to the socket and performs the `hello` handshake, so a version
/// mismatch or an unknown uid is reported before anything else is tried.
pub async fn connect(path: &Path) -> Result<Connection, ConnectError> {
    let stream = UnixStream::connect(path)
        .await
        .map_err(|source| ConnectError::Socket {
            path: path.to_path_buf(),
            source,
        })?;
    let client = ProcuraClient::new(client::Config::default(), frame(stream)).spawn();
    let hello = Hello {
        protocol: PROTOCOL_VERSION,
        client_version: VERSION.to_string(),
    };
    let welcome = client
        .hello(context_with_timeout(Duration::from_secs(10)), hello)
        .await
        .map_err(|source| ConnectError::Rpc {
            path: path.to_path_buf(),
            source,
        })??;
    Ok(Connection { client, welcome })
}
