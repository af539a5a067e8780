//! Postgres: the pool, the embedded migrations and the queries, one module
//! per table family.

pub mod embedded;
pub mod jobs;
pub mod llm_limits;
pub mod logs;
pub mod models;
pub mod negotiations;
pub mod orders;
pub mod outbox;
pub mod products;
pub mod progress;
pub mod replies;
pub mod runs;
pub mod schema;
pub mod search;
pub mod usage;
pub mod users;

use std::sync::Arc;
use std::time::Duration;

use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::bb8::{Pool, PooledConnection};
use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Any key will do as long as every procurad uses the same one.
const MIGRATION_LOCK_KEY: i64 = 0x0050_524f_4355_5241; // "PROCURA"

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("no database connection available: {0}")]
    Pool(String),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

pub type DbResult<T> = Result<T, DbError>;
pub type Conn<'a> = PooledConnection<'a, AsyncPgConnection>;

/// The daemon's handle on Postgres. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<AsyncPgConnection>,
    url: String,
    /// Names this daemon in NOTIFY payloads, so it can skip its own.
    origin: Arc<str>,
}

impl Database {
    /// Opens a pool on `url`, applies pending migrations under an advisory
    /// lock so that daemons starting together do not race, and returns.
    pub async fn open(url: &str, max_connections: u32) -> DbResult<Database> {
        migrate(url).await?;
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder()
            .max_size(max_connections)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .await
            .map_err(|e| DbError::Connect(e.to_string()))?;
        Ok(Database {
            pool,
            url: url.to_string(),
            origin: Arc::from(""),
        })
    }

    /// Sets the name this daemon's notifications carry.
    pub fn with_origin(mut self, origin: &str) -> Database {
        self.origin = Arc::from(origin);
        self
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub async fn conn(&self) -> DbResult<Conn<'_>> {
        self.pool
            .get()
            .await
            .map_err(|e| DbError::Pool(e.to_string()))
    }

    /// A dedicated connection outside the pool (for LISTEN).
    pub async fn dedicated(&self) -> DbResult<AsyncPgConnection> {
        AsyncPgConnection::establish(&self.url)
            .await
            .map_err(|e| DbError::Connect(e.to_string()))
    }
}

async fn migrate(url: &str) -> DbResult<()> {
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| DbError::Connect(e.to_string()))?;
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        .execute(&mut conn)
        .await?;
    // The harness blocks on the runtime internally, so it gets a thread of
    // its own rather than a worker.
    let outcome = tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        let applied = harness
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.len())
            .map_err(|e| DbError::Migration(e.to_string()));
        (harness.into_inner(), applied)
    })
    .await
    .map_err(|e| DbError::Migration(format!("migration task failed: {e}")))?;
    let (mut conn, applied) = outcome;
    diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
        .execute(&mut conn)
        .await?;
    let applied = applied?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    Ok(())
}

/// A URL fit for logs and `status`: the password, if any, masked.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparseable database url>".to_string();
    };
    match rest.split_once('@') {
        Some((auth, host)) => {
            let user = auth.split(':').next().unwrap_or("");
            if auth.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_password_only() {
        assert_eq!(
            redact_url("postgres://bob:secret@db:5432/procura"),
            "postgres://bob:***@db:5432/procura"
        );
        assert_eq!(
            redact_url("postgres://bob@db/procura"),
            "postgres://bob@db/procura"
        );
        assert_eq!(redact_url("garbage"), "<unparseable database url>");
    }
}
