//! The usage report behind the `usage` call: an organization's rows in a
//! range of UTC days, their sums, this month's budget and the rate limit.

use chrono::{DateTime, NaiveDate, Utc};
use procura_common::usage::{
    MAX_USAGE_ROWS, RateLimitStatus, UsageAggregate, UsageQuery, UsageReport,
};
use uuid::Uuid;

use super::UsageGate;
use crate::db::DbError;
use crate::db::usage::{GroupBy, UsageRange};

/// Midnight (UTC) starting `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The rows a query covers: from the start of `since` to the end of
/// `until`.
pub fn range(query: &UsageQuery) -> UsageRange {
    UsageRange {
        since: query.since.map(start_of),
        until: query
            .until
            .map(|d| d.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, start_of)),
        job: query.job,
    }
}

impl UsageGate {
    /// The organization's usage for `query`. The budget and the rate limit
    /// are this month's and this moment's whatever the range.
    pub async fn report(
        &self,
        organization: Uuid,
        query: &UsageQuery,
    ) -> Result<UsageReport, DbError> {
        let r = range(query);
        let db = self.database();
        let rr = &r;
        let sums = move |by| db.usage_sums(organization, rr, by);
        let (rows, totals, by_day, by_service, by_model, by_job, limits) = tokio::try_join!(
            db.usage_rows(organization, rr, MAX_USAGE_ROWS),
            sums(GroupBy::Total),
            sums(GroupBy::Day),
            sums(GroupBy::Service),
            sums(GroupBy::Model),
            sums(GroupBy::Job),
            self.limits(organization),
        )?;
        let budget = self.budget_with(organization, &limits).await?;
        let available = match limits.requests_per_minute {
            Some(rpm) => Some(db.rate_tokens(organization, rpm).await?),
            None => None,
        };
        let (rows, truncated) = rows;
        Ok(UsageReport {
            query: query.clone(),
            rows,
            truncated,
            totals,
            by_day,
            by_service,
            by_model,
            by_job: by_job.into_iter().map(clip_label).collect(),
            budget,
            rate_limit: RateLimitStatus {
                requests_per_minute: limits.requests_per_minute,
                available,
            },
        })
    }
}

/// A job's request, at most 120 characters, is enough to name it.
fn clip_label(mut a: UsageAggregate) -> UsageAggregate {
    if let Some(label) = &a.label
        && label.chars().count() > 120
    {
        let mut short: String = label.chars().take(119).collect();
        short.push('…');
        a.label = Some(short);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_cover_whole_utc_days() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let r = range(&UsageQuery {
            since: Some(day(3)),
            until: Some(day(3)),
            job: None,
        });
        assert_eq!(r.since.unwrap().to_rfc3339(), "2026-11-03T00:00:00+00:00");
        assert_eq!(r.until.unwrap().to_rfc3339(), "2026-11-04T00:00:00+00:00");
        assert_eq!(range(&UsageQuery::default()), UsageRange::default());
    }
}
