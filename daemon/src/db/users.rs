//! Organizations and operators.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use procura_common::user::{NewUser, Role, User};
use uuid::Uuid;

use super::models::UserRow;
use super::schema::{organizations, users};
use super::{Database, DbError, DbResult};

pub const DEFAULT_ORGANIZATION: &str = "default";

impl Database {
    /// On first run (no organization yet) creates the default organization
    /// with the daemon's own uid and root as its admins. Safe to race: the
    /// organization name is unique and both inserts ignore conflicts.
    pub async fn bootstrap_admins(&self, daemon_uid: u32) -> DbResult<()> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let existing: i64 = organizations::table.count().get_result(conn).await?;
            if existing > 0 {
                return Ok(());
            }
            let org_id = Uuid::new_v4();
            diesel::insert_into(organizations::table)
                .values((
                    organizations::id.eq(org_id),
                    organizations::name.eq(DEFAULT_ORGANIZATION),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            let org_id: Uuid = organizations::table
                .filter(organizations::name.eq(DEFAULT_ORGANIZATION))
                .select(organizations::id)
                .first(conn)
                .await?;
            let mut admins = vec![(daemon_uid, login_name(daemon_uid))];
            if daemon_uid != 0 {
                admins.push((0, "root".to_string()));
            }
            for (uid, name) in admins {
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(Uuid::new_v4()),
                        users::organization_id.eq(org_id),
                        users::name.eq(name),
                        users::unix_uid.eq(uid as i32),
                        users::role.eq(Role::Admin.as_str()),
                    ))
                    .on_conflict_do_nothing()
                    .execute(conn)
                    .await?;
                tracing::info!(uid, "bootstrapped admin operator");
            }
            Ok(())
        })
        .await
    }

    /// The operator behind a unix uid, if any.
    pub async fn user_by_uid(&self, uid: u32) -> DbResult<Option<User>> {
        let mut conn = self.conn().await?;
        let row: Option<(UserRow, String)> = users::table
            .inner_join(organizations::table)
            .filter(users::unix_uid.eq(uid as i32))
            .select((UserRow::as_select(), organizations::name))
            .first(&mut conn)
            .await
            .optional()?;
        row.map(|(u, org)| u.into_user(org)).transpose()
    }

    pub async fn add_user(
        &self,
        organization_id: Uuid,
        new: &NewUser,
    ) -> DbResult<Result<User, String>> {
        let mut conn = self.conn().await?;
        let taken: Option<String> = users::table
            .filter(users::unix_uid.eq(new.uid as i32))
            .select(users::name)
            .first(&mut conn)
            .await
            .optional()?;
        if let Some(name) = taken {
            return Ok(Err(format!(
                "uid {} already belongs to operator {name}",
                new.uid
            )));
        }
        let same_name: i64 = users::table
            .filter(users::organization_id.eq(organization_id))
            .filter(users::name.eq(&new.name))
            .count()
            .get_result(&mut conn)
            .await?;
        if same_name > 0 {
            return Ok(Err(format!(
                "an operator named {} already exists",
                new.name
            )));
        }
        let id = Uuid::new_v4();
        diesel::insert_into(users::table)
            .values((
                users::id.eq(id),
                users::organization_id.eq(organization_id),
                users::name.eq(&new.name),
                users::unix_uid.eq(new.uid as i32),
                users::role.eq(new.role.as_str()),
            ))
            .execute(&mut conn)
            .await?;
        let org: String = organizations::table
            .find(organization_id)
            .select(organizations::name)
            .first(&mut conn)
            .await?;
        Ok(Ok(User {
            id,
            name: new.name.clone(),
            uid: Some(new.uid),
            role: new.role,
            organization_id,
            organization: org,
        }))
    }

    pub async fn list_users(&self, organization_id: Uuid) -> DbResult<Vec<User>> {
        let mut conn = self.conn().await?;
        let rows: Vec<(UserRow, String)> = users::table
            .inner_join(organizations::table)
            .filter(users::organization_id.eq(organization_id))
            .order(users::name.asc())
            .select((UserRow::as_select(), organizations::name))
            .load(&mut conn)
            .await?;
        rows.into_iter().map(|(u, org)| u.into_user(org)).collect()
    }
}

/// The login name of a uid, from the password database; `uid-N` if none.
pub fn login_name(uid: u32) -> String {
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd = std::mem::MaybeUninit::<libc::passwd>::uninit();
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to live, correctly sized local storage;
    // getpwuid_r writes only within `buf` and `pwd` and reports via `result`.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            pwd.as_mut_ptr(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() {
        return format!("uid-{uid}");
    }
    // SAFETY: on success `result` points at `pwd`, whose pw_name points into
    // `buf` as a NUL-terminated string.
    let name = unsafe { std::ffi::CStr::from_ptr((*result).pw_name) };
    name.to_string_lossy().into_owned()
}
