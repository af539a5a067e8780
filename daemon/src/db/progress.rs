//! Counters a running job bumps as it goes.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use procura_common::job::JobId;

use super::schema::search_jobs;
use super::{Database, DbResult};

impl Database {
    pub async fn add_pages_visited(&self, job: JobId, pages: i32) -> DbResult<()> {
        let mut conn = self.conn().await?;
        diesel::update(search_jobs::table.find(job))
            .set(search_jobs::pages_visited.eq(search_jobs::pages_visited + pages))
            .execute(&mut conn)
            .await?;
        Ok(())
    }
}
