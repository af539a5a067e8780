//! Each organization's model limits: its overrides of the configured
//! defaults (`llm_limits`) and its requests-per-minute token bucket
//! (`llm_rate_buckets`), shared by every daemon on the database.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{Double, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use procura_common::usage::OnBudgetExhausted;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::llm_limits;
use super::{Database, DbError, DbResult};

/// An organization's overrides; `None` takes the configured default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitOverrides {
    pub monthly_budget: Option<Decimal>,
    pub budget_currency: Option<String>,
    pub requests_per_minute: Option<u32>,
    pub on_budget_exhausted: Option<OnBudgetExhausted>,
}

/// What taking a token from a bucket came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Take {
    /// Taken; this many are left.
    Taken { left: f64 },
    /// The bucket is empty; a token will be there after this long.
    Empty { retry_after: Duration },
}

#[derive(QueryableByName)]
struct Tokens {
    #[diesel(sql_type = Double)]
    tokens: f64,
}

/// The bucket's tokens now: what was left, refilled at `$2` per minute for
/// the time since (never negative time, should clocks disagree), at most
/// `$2`. `b` is the bucket's row.
const REFILLED: &str = "LEAST($2, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.refilled_at))::float8 * $2 / 60.0)";

impl Database {
    pub async fn llm_limits(&self, organization_id: Uuid) -> DbResult<LimitOverrides> {
        let mut conn = self.conn().await?;
        type Row = (Option<Decimal>, Option<String>, Option<i32>, Option<String>);
        let row: Option<Row> = llm_limits::table
            .find(organization_id)
            .select((
                llm_limits::monthly_budget,
                llm_limits::budget_currency,
                llm_limits::requests_per_minute,
                llm_limits::on_budget_exhausted,
            ))
            .first(&mut conn)
            .await
            .optional()?;
        let Some((budget, currency, rpm, on_exhausted)) = row else {
            return Ok(LimitOverrides::default());
        };
        let corrupt = |what: &str, e: &dyn std::fmt::Display| {
            DbError::Corrupt(format!("llm_limits of {organization_id}: {what}: {e}"))
        };
        Ok(LimitOverrides {
            monthly_budget: budget,
            budget_currency: currency,
            requests_per_minute: rpm
                .map(u32::try_from)
                .transpose()
                .map_err(|e| corrupt("requests_per_minute", &e))?,
            on_budget_exhausted: on_exhausted
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| corrupt("on_budget_exhausted", &e))?,
        })
    }

    /// Replaces the organization's overrides (all `None` removes them).
    pub async fn set_llm_limits(
        &self,
        organization_id: Uuid,
        limits: &LimitOverrides,
    ) -> DbResult<()> {
        let mut conn = self.conn().await?;
        if *limits == LimitOverrides::default() {
            diesel::delete(llm_limits::table.find(organization_id))
                .execute(&mut conn)
                .await?;
            return Ok(());
        }
        let rpm = limits
            .requests_per_minute
            .map(i32::try_from)
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("requests_per_minute: {e}")))?;
        let values = (
            llm_limits::monthly_budget.eq(limits.monthly_budget),
            llm_limits::budget_currency.eq(limits.budget_currency.as_deref()),
            llm_limits::requests_per_minute.eq(rpm),
            llm_limits::on_budget_exhausted.eq(limits.on_budget_exhausted.map(|o| o.as_str())),
            llm_limits::updated_at.eq(diesel::dsl::now),
        );
        diesel::insert_into(llm_limits::table)
            .values((llm_limits::organization_id.eq(organization_id), values))
            .on_conflict(llm_limits::organization_id)
            .do_update()
            .set(values)
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// Takes one token from the organization's bucket of
    /// `requests_per_minute` tokens, refilled continuously at that rate.
    ///
    /// One statement, atomic across every daemon on the database: the row
    /// lock of the upsert orders concurrent takers, each sees the tokens the
    /// one before it left, and the time is the database's. A new bucket
    /// starts full.
    pub async fn take_rate_token(
        &self,
        organization_id: Uuid,
        requests_per_minute: u32,
    ) -> DbResult<Take> {
        let capacity = f64::from(requests_per_minute.max(1));
        let mut conn = self.conn().await?;
        let taken: Option<Tokens> = diesel::sql_query(format!(
            "INSERT INTO llm_rate_buckets AS b (organization_id, tokens, refilled_at) \
             VALUES ($1, $2 - 1, clock_timestamp()) \
             ON CONFLICT (organization_id) DO UPDATE \
             SET tokens = {REFILLED} - 1, refilled_at = clock_timestamp() \
             WHERE {REFILLED} >= 1 \
             RETURNING tokens"
        ))
        .bind::<SqlUuid, _>(organization_id)
        .bind::<Double, _>(capacity)
        .get_result(&mut conn)
        .await
        .optional()?;
        if let Some(t) = taken {
            return Ok(Take::Taken { left: t.tokens });
        }
        drop(conn);
        let available = self
            .rate_tokens(organization_id, requests_per_minute)
            .await?;
        // Seconds until the bucket holds one whole token again; at least a
        // millisecond, so a caller never spins.
        let per_second = capacity / 60.0;
        let wait = ((1.0 - available) / per_second).clamp(0.001, 60.0);
        Ok(Take::Empty {
            retry_after: Duration::from_secs_f64(wait),
        })
    }

    /// The tokens in the organization's bucket now (a bucket not used yet
    /// is full). Takes none.
    pub async fn rate_tokens(
        &self,
        organization_id: Uuid,
        requests_per_minute: u32,
    ) -> DbResult<f64> {
        let capacity = f64::from(requests_per_minute.max(1));
        let mut conn = self.conn().await?;
        let now: Option<Tokens> = diesel::sql_query(format!(
            "SELECT {REFILLED} AS tokens FROM llm_rate_buckets b WHERE b.organization_id = $1"
        ))
        .bind::<SqlUuid, _>(organization_id)
        .bind::<Double, _>(capacity)
        .get_result(&mut conn)
        .await
        .optional()?;
        Ok(now.map_or(capacity, |t| t.tokens))
    }
}
