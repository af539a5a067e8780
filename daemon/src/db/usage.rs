//! Model usage: the `api_usage` rows, each organization's spend per month
//! (`llm_monthly_spend`, kept in the same transaction as the row), and the
//! queries of the usage report. Limits and the rate bucket are in
//! [`super::llm_limits`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::usage::{CallOutcome, UsageAggregate, UsageRow};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{api_usage, llm_monthly_spend};
use super::{Database, DbError, DbResult};

/// A call to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUsage {
    pub organization_id: Uuid,
    pub job: Option<JobId>,
    pub service: String,
    pub task: String,
    pub model: String,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// `None` when the model has no price.
    pub cost: Option<Decimal>,
    /// The price table's currency.
    pub currency: String,
    pub outcome: CallOutcome,
    /// When the call was made; `None` is now, on the database's clock.
    /// Tests date rows in the past.
    pub at: Option<DateTime<Utc>>,
}

/// Which rows a report covers: `[since, until)` and one job, each optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageRange {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub job: Option<JobId>,
}

/// What a report's sums are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Total,
    Day,
    Service,
    Model,
    Job,
}

impl GroupBy {
    /// The key expression and the ordering. Fixed text, never input.
    fn sql(self) -> (&'static str, &'static str) {
        let costliest = "cost DESC, calls DESC, key";
        match self {
            GroupBy::Total => ("'total'", "currency"),
            GroupBy::Day => (
                "to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                "key DESC, currency",
            ),
            GroupBy::Service => ("u.service", costliest),
            GroupBy::Model => ("u.model", costliest),
            GroupBy::Job => ("coalesce(u.job_id::text, '')", costliest),
        }
    }
}

/// The first day of `at`'s calendar month, in UTC.
pub fn month_of(at: DateTime<Utc>) -> NaiveDate {
    let day = at.date_naive();
    day.with_day(1).unwrap_or(day)
}

#[derive(Queryable)]
struct RowTuple {
    id: i64,
    created_at: DateTime<Utc>,
    job_id: Option<Uuid>,
    service: String,
    task: String,
    model: String,
    tokens_in: i64,
    tokens_out: i64,
    cost: Option<Decimal>,
    currency: String,
    outcome: String,
}

impl RowTuple {
    fn into_row(self) -> DbResult<UsageRow> {
        let outcome = self
            .outcome
            .parse()
            .map_err(|e| DbError::Corrupt(format!("api_usage {}: {e}", self.id)))?;
        Ok(UsageRow {
            id: self.id,
            at: self.created_at,
            day: self.created_at.date_naive(),
            job: self.job_id,
            service: self.service,
            task: self.task,
            model: self.model,
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
            cost: self.cost.map(|c| c.normalize()),
            currency: self.currency,
            outcome,
        })
    }
}

#[derive(QueryableByName)]
struct SumRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Nullable<Text>)]
    label: Option<String>,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    refused: i64,
    #[diesel(sql_type = BigInt)]
    tokens_in: i64,
    #[diesel(sql_type = BigInt)]
    tokens_out: i64,
    #[diesel(sql_type = Numeric)]
    cost: Decimal,
    #[diesel(sql_type = BigInt)]
    unpriced: i64,
}

#[derive(QueryableByName)]
struct MonthSpend {
    #[diesel(sql_type = diesel::sql_types::Date)]
    month: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = Nullable<Numeric>)]
    spent: Option<Decimal>,
}

impl Database {
    /// Inserts the row and, when it has a cost, adds the cost to its
    /// organization's spend for the row's month, in one transaction.
    /// Returns the row's id.
    pub async fn insert_usage(&self, u: &NewUsage) -> DbResult<i64> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let (id, at): (i64, DateTime<Utc>) = diesel::insert_into(api_usage::table)
                .values((
                    api_usage::organization_id.eq(u.organization_id),
                    api_usage::job_id.eq(u.job),
                    api_usage::service.eq(&u.service),
                    api_usage::task.eq(&u.task),
                    api_usage::model.eq(&u.model),
                    api_usage::tokens_in.eq(u.tokens_in),
                    api_usage::tokens_out.eq(u.tokens_out),
                    api_usage::cost.eq(u.cost),
                    api_usage::currency.eq(&u.currency),
                    api_usage::outcome.eq(u.outcome.as_str()),
                    u.at.map(|at| api_usage::created_at.eq(at)),
                ))
                .returning((api_usage::id, api_usage::created_at))
                .get_result(conn)
                .await?;
            if let Some(cost) = u.cost {
                use llm_monthly_spend::dsl as s;
                diesel::insert_into(s::llm_monthly_spend)
                    .values((
                        s::organization_id.eq(u.organization_id),
                        s::month.eq(month_of(at)),
                        s::currency.eq(&u.currency),
                        s::spent.eq(cost),
                        s::calls.eq(1_i64),
                    ))
                    .on_conflict((s::organization_id, s::month, s::currency))
                    .do_update()
                    .set((
                        s::spent.eq(s::spent + diesel::upsert::excluded(s::spent)),
                        s::calls.eq(s::calls + 1_i64),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(id)
        })
        .await
    }

    /// This calendar month (UTC, on the database's clock): its first day
    /// and the organization's spend in each currency.
    pub async fn month_spend(
        &self,
        organization_id: Uuid,
    ) -> DbResult<(NaiveDate, Vec<(String, Decimal)>)> {
        let mut conn = self.conn().await?;
        let rows: Vec<MonthSpend> = diesel::sql_query(
            "SELECT m.month, s.currency, s.spent \
             FROM (SELECT date_trunc('month', now() AT TIME ZONE 'UTC')::date AS month) m \
             LEFT JOIN llm_monthly_spend s ON s.organization_id = $1 AND s.month = m.month \
             ORDER BY s.currency",
        )
        .bind::<SqlUuid, _>(organization_id)
        .load(&mut conn)
        .await?;
        let month = <[MonthSpend]>::first(&rows)
            .map(|r| r.month)
            .ok_or_else(|| DbError::Corrupt("no current month".into()))?;
        let spend = rows
            .into_iter()
            .filter_map(|r| Some((r.currency?, r.spent?.normalize())))
            .collect();
        Ok((month, spend))
    }

    /// The organization's rows in `range`, newest first, at most `limit`;
    /// and whether more matched.
    pub async fn usage_rows(
        &self,
        organization_id: Uuid,
        range: &UsageRange,
        limit: usize,
    ) -> DbResult<(Vec<UsageRow>, bool)> {
        let mut conn = self.conn().await?;
        let mut query = api_usage::table
            .filter(api_usage::organization_id.eq(organization_id))
            .into_boxed();
        if let Some(since) = range.since {
            query = query.filter(api_usage::created_at.ge(since));
        }
        if let Some(until) = range.until {
            query = query.filter(api_usage::created_at.lt(until));
        }
        if let Some(job) = range.job {
            query = query.filter(api_usage::job_id.eq(job));
        }
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let rows: Vec<RowTuple> = query
            .order((api_usage::created_at.desc(), api_usage::id.desc()))
            .limit(fetch)
            .select((
                api_usage::id,
                api_usage::created_at,
                api_usage::job_id,
                api_usage::service,
                api_usage::task,
                api_usage::model,
                api_usage::tokens_in,
                api_usage::tokens_out,
                api_usage::cost,
                api_usage::currency,
                api_usage::outcome,
            ))
            .load(&mut conn)
            .await?;
        let truncated = rows.len() > limit;
        let rows = rows
            .into_iter()
            .take(limit)
            .map(RowTuple::into_row)
            .collect::<DbResult<_>>()?;
        Ok((rows, truncated))
    }

    /// The sums of the organization's rows in `range`, grouped by `by` and
    /// the currency.
    pub async fn usage_sums(
        &self,
        organization_id: Uuid,
        range: &UsageRange,
        by: GroupBy,
    ) -> DbResult<Vec<UsageAggregate>> {
        let (key, order) = by.sql();
        let (label, join) = match by {
            GroupBy::Job => (
                "max(j.request_text)",
                "LEFT JOIN search_jobs j ON j.id = u.job_id",
            ),
            _ => ("NULL::text", ""),
        };
        let sql = format!(
            "SELECT {key} AS key, {label} AS label, u.currency, \
                    count(*) AS calls, \
                    count(*) FILTER (WHERE u.outcome = 'error') AS errors, \
                    count(*) FILTER (WHERE u.outcome IN ('refused_budget', 'refused_rate')) AS refused, \
                    coalesce(sum(u.tokens_in), 0)::bigint AS tokens_in, \
                    coalesce(sum(u.tokens_out), 0)::bigint AS tokens_out, \
                    coalesce(sum(u.cost), 0) AS cost, \
                    count(*) FILTER (WHERE u.cost IS NULL AND u.outcome IN ('ok', 'error')) AS unpriced \
             FROM api_usage u {join} \
             WHERE u.organization_id = $1 \
               AND ($2::timestamptz IS NULL OR u.created_at >= $2) \
               AND ($3::timestamptz IS NULL OR u.created_at < $3) \
               AND ($4::uuid IS NULL OR u.job_id = $4) \
             GROUP BY 1, u.currency \
             ORDER BY {order}"
        );
        let mut conn = self.conn().await?;
        let rows: Vec<SumRow> = diesel::sql_query(sql)
            .bind::<SqlUuid, _>(organization_id)
            .bind::<Nullable<Timestamptz>, _>(range.since)
            .bind::<Nullable<Timestamptz>, _>(range.until)
            .bind::<Nullable<SqlUuid>, _>(range.job)
            .load(&mut conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| UsageAggregate {
                key: r.key,
                label: r.label,
                currency: r.currency,
                calls: r.calls,
                errors: r.errors,
                refused: r.refused,
                tokens_in: r.tokens_in,
                tokens_out: r.tokens_out,
                cost: r.cost.normalize(),
                unpriced: r.unpriced,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(
            month_of(at("2026-11-30T23:59:59Z")),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        // 00:30 on 1 December in Berlin is still November in UTC.
        assert_eq!(
            month_of(at("2026-12-01T00:30:00+01:00")),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(
            month_of(at("2026-12-01T00:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }
}
