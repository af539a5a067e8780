//! Exporting a purchase order: its PDF fetched from the daemon, decoded
//! and written to the file the operator gave. An existing file is never
//! replaced unless the export says `overwrite`; a new file is created
//! exclusively, so one that appears meanwhile is not replaced either.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use tarpc::context::Context;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::negotiations::connection_failed;
use crate::tui::format::order_file;
use crate::tui::msg::{Export, ExportError, Update};

/// The file `export` goes to: `~/` from `home`, a directory with the
/// order's default name in it, made absolute against the current
/// directory for the report.
pub fn target(export: &Export, home: Option<&Path>) -> PathBuf {
    let mut path = export.path.clone();
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home) {
        path = home.join(rest);
    }
    if path.is_dir() {
        path = path.join(order_file(&export.number));
    }
    std::path::absolute(&path).unwrap_or(path)
}

/// Writes `bytes` to `path`: a new file, or over an existing one only
/// with `overwrite`. A new file that could not be written whole is
/// removed. Returns the bytes written.
pub fn write_pdf(path: &Path, bytes: &[u8], overwrite: bool) -> Result<u64, ExportError> {
    let failed = |e: std::io::Error| ExportError::Failed(format!("{}: {e}", path.display()));
    let mut options = OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        ErrorKind::AlreadyExists => ExportError::Exists(path.to_path_buf()),
        _ => failed(e),
    })?;
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
        if !overwrite {
            let _ = std::fs::remove_file(path);
        }
        return Err(failed(e));
    }
    Ok(bytes.len() as u64)
}

async fn export_pdf(
    client: &ProcuraClient,
    ctx: Context,
    export: &Export,
) -> Result<(PathBuf, u64), ExportError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = target(export, home.as_deref());
    // Asked before fetching, so an existing file costs no download; the
    // write checks again.
    if !export.overwrite && std::fs::symlink_metadata(&path).is_ok() {
        return Err(ExportError::Exists(path));
    }
    let b64 = match client.purchase_order_pdf(ctx, export.order).await {
        Ok(Ok(b64)) => b64,
        Ok(Err(api)) => return Err(ExportError::Failed(api.to_string())),
        Err(rpc) => return Err(ExportError::Failed(connection_failed(&rpc))),
    };
    let overwrite = export.overwrite;
    tokio::task::spawn_blocking(move || {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| {
                ExportError::Failed(format!("the daemon sent a PDF that is not base64: {e}"))
            })?;
        let written = write_pdf(&path, &bytes, overwrite)?;
        Ok((path, written))
    })
    .await
    .unwrap_or_else(|e| Err(ExportError::Failed(format!("the export task failed: {e}"))))
}

/// Fetches, decodes and writes a purchase order's PDF in a task of its
/// own, and reports [`Update::Exported`].
pub(super) fn spawn_export(
    tasks: &mut JoinSet<Option<JobId>>,
    client: &ProcuraClient,
    updates: &UnboundedSender<Update>,
    ctx: Context,
    export: Export,
) {
    let (client, updates) = (client.clone(), updates.clone());
    tasks.spawn(async move {
        let result = export_pdf(&client, ctx, &export).await;
        if let Err(error) = &result {
            tracing::warn!(order = %export.order, ?error, "export");
        }
        let _ = updates.send(Update::Exported {
            export: Box::new(export),
            result,
        });
        None
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(path: &Path) -> Export {
        Export {
            order: uuid::Uuid::nil(),
            number: "PO-000001".into(),
            path: path.to_path_buf(),
            overwrite: false,
        }
    }

    #[test]
    fn a_new_file_is_written_and_an_old_one_kept_unless_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("po.pdf");
        assert_eq!(write_pdf(&path, b"%PDF-1.7 one", false), Ok(12));
        assert_eq!(
            write_pdf(&path, b"%PDF-1.7 two", false),
            Err(ExportError::Exists(path.clone()))
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 one");
        assert_eq!(write_pdf(&path, b"%PDF-2", true), Ok(6));
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-2");
        let missing = dir.path().join("no/such/dir/po.pdf");
        assert!(matches!(
            write_pdf(&missing, b"x", false),
            Err(ExportError::Failed(e)) if e.contains("no/such/dir")
        ));
    }

    #[test]
    fn home_and_directories_are_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        assert_eq!(
            target(&export(Path::new("~/orders/x.pdf")), Some(home)),
            home.join("orders/x.pdf")
        );
        assert_eq!(
            target(&export(Path::new("~")), Some(home)),
            home.join("PO-000001.pdf"),
            "a directory gets the order's name"
        );
        assert_eq!(
            target(&export(&home.join("a.pdf")), None),
            home.join("a.pdf")
        );
        let relative = target(&export(Path::new("./PO-000001.pdf")), None);
        assert!(relative.is_absolute(), "{}", relative.display());
        assert!(relative.ends_with("PO-000001.pdf"));
        assert_eq!(
            target(&export(Path::new("~nobody/x")), Some(home)),
            std::path::absolute("~nobody/x").unwrap(),
            "only ~/ is the home directory"
        );
    }
}
