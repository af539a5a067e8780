//! The listening socket: safe takeover of a stale socket file, 0660
//! permissions, and one tarpc channel per connection.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use procura_common::api::Procura;
use procura_common::transport::frame;
use tarpc::server::{BaseChannel, Channel};
use tokio::net::{UnixListener, UnixStream};
use tokio_util::sync::CancellationToken;

use crate::server::{Session, Shared};

#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error(
        "another procurad is already answering on {0}; stop it first or choose another --socket"
    )]
    InUse(PathBuf),
    #[error("cannot prepare socket {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SocketError + '_ {
    move |source| SocketError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Binds the socket. An existing socket file is removed only if nothing
/// answers on it (a daemon that crashed left it behind).
pub async fn bind(path: &Path) -> Result<UnixListener, SocketError> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o750))
            .map_err(io_err(parent))?;
    }
    if std::fs::symlink_metadata(path).is_ok() {
        match UnixStream::connect(path).await {
            Ok(_) => return Err(SocketError::InUse(path.to_path_buf())),
            Err(_) => {
                tracing::warn!(socket = %path.display(), "removing a stale socket file nobody answers on");
                std::fs::remove_file(path).map_err(io_err(path))?;
            }
        }
    }
    let listener = UnixListener::bind(path).map_err(io_err(path))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660)).map_err(io_err(path))?;
    Ok(listener)
}

/// Accepts connections until `shutdown`. A connection that sends garbage or
/// an oversized frame is closed; the others go on.
pub async fn serve(listener: UnixListener, shared: Arc<Shared>, shutdown: CancellationToken) {
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                continue;
            }
        };
        let uid = match stream.peer_cred() {
            Ok(cred) => cred.uid(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the peer's credentials; closing");
                continue;
            }
        };
        let session = Session::new(shared.clone(), uid);
        let conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let channel = BaseChannel::with_defaults(frame(stream));
            let requests = channel.execute(session.serve()).for_each(|response| async {
                tokio::spawn(response);
            });
            tokio::select! {
                _ = requests => tracing::debug!(uid, "client disconnected"),
                _ = conn_shutdown.cancelled() => {}
            }
        });
    }
}
