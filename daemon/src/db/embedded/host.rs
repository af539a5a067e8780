//! What the private cluster needs from the host: the server binaries,
//! an unprivileged user to run them as, and file ownership.

use super::*;

pub(super) fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub(super) fn has_server_binaries(dir: &Path) -> bool {
    let executable = |name: &&str| {
        fs::metadata(dir.join(name)).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
    };
    SERVER_BINARIES.iter().all(executable)
}

/// `<root>/<version>/bin`, `prefer` first, then newest first by numeric
/// version (16 > 15 > 9.6); names that are not versions are ignored.
pub(super) fn versioned_bindirs(root: &Path, prefer: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(bool, Vec<u64>, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<u64>>>()?;
            Some((
                prefer == Some(name.as_str()),
                version,
                entry.path().join("bin"),
            ))
        })
        .collect();
    found.sort_by(|a, b| (&b.0, &b.1).cmp(&(&a.0, &a.1)));
    found.into_iter().map(|(_, _, dir)| dir).collect()
}

pub(super) fn find_bindir(cluster_version: Option<&str>) -> Result<PathBuf> {
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = std::env::split_paths(&path_var).filter(|d| d.is_absolute());
    if let Some(dir) = dirs.find(|d| has_server_binaries(d)) {
        return Ok(dir);
    }
    let mut searched = vec![format!("PATH ({})", path_var.to_string_lossy())];
    let mut pg_config = Command::new("pg_config");
    pg_config
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    match pg_config.output() {
        Ok(out) if out.status.success() => {
            let dir = PathBuf::from(lossy(&out.stdout));
            if has_server_binaries(&dir) {
                return Ok(dir);
            }
            searched.push(format!("{} (from `pg_config --bindir`)", dir.display()));
        }
        _ => searched.push("`pg_config --bindir` (no pg_config)".into()),
    }
    let debian = versioned_bindirs(Path::new(DEBIAN_PG_ROOT), cluster_version);
    if let Some(dir) = debian.into_iter().find(|d| has_server_binaries(d)) {
        return Ok(dir);
    }
    searched.push(format!("{DEBIAN_PG_ROOT}/*/bin"));
    Err(EmbeddedPgError::BinariesNotFound {
        searched: searched.join("; "),
    })
}

/// `getpwnam_r`, safely: `Ok(None)` if there is no such user.
pub(super) fn lookup_user(name: &str) -> io::Result<Option<RunAs>> {
    let c_name = CString::new(name).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut buf_len = 1024;
    loop {
        let mut buf = vec![0 as libc::c_char; buf_len];
        // SAFETY: `passwd` is plain data (integers and pointers); all-zero is valid.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the duration of the call and
        // `buf.len()` is `buf`'s true size; we only read `pwd`'s integer
        // fields, and only when `result` points to it.
        let rc = unsafe {
            libc::getpwnam_r(
                c_name.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        match rc {
            libc::ERANGE if buf_len < 1 << 20 => buf_len *= 4,
            0 if !result.is_null() => {
                let (uid, gid) = (pwd.pw_uid, pwd.pw_gid);
                return Ok(Some(RunAs {
                    name: name.to_string(),
                    uid,
                    gid,
                }));
            }
            0 | libc::ENOENT | libc::ESRCH => return Ok(None),
            errno => return Err(io::Error::from_raw_os_error(errno)),
        }
    }
}

pub(super) fn pick_user(candidates: &[&str]) -> Result<RunAs> {
    for &name in candidates {
        match lookup_user(name) {
            Ok(Some(user)) if user.uid != 0 => return Ok(user),
            Ok(_) => {}
            Err(source) => {
                return Err(EmbeddedPgError::UserLookup {
                    user: name.to_string(),
                    source,
                });
            }
        }
    }
    Err(EmbeddedPgError::NoUnprivilegedUser {
        tried: candidates.join(", "),
    })
}

/// Chowns `path` and everything below it (not following symlinks) to
/// `user`, touching only what differs. Returns how many entries changed.
pub(super) fn chown_tree(path: &Path, user: &RunAs) -> Result<usize> {
    let meta = fs::symlink_metadata(path).map_err(io_err(path))?;
    let mut changed = 0;
    if meta.uid() != user.uid || meta.gid() != user.gid {
        lchown(path, Some(user.uid), Some(user.gid)).map_err(io_err(path))?;
        changed += 1;
    }
    if meta.is_dir() {
        for entry in fs::read_dir(path).map_err(io_err(path))? {
            changed += chown_tree(&entry.map_err(io_err(path))?.path(), user)?;
        }
    }
    Ok(changed)
}
