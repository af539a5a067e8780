//! Lexical product search (Postgres full text) and the shortlists the rank
//! node writes.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, Float4, Integer, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use procura_common::job::JobId;
use procura_common::product::Product;
use procura_common::rank::{Money, Shortlist, ShortlistEntry};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::products::{ProductRow, to_product};
use super::schema::{products, shortlist_entries, vendors};
use super::{Database, DbError, DbResult};

/// Most words of a query used for the lexical match.
const MAX_WORDS: usize = 24;

/// The words of `text` joined as an OR query for `to_tsquery`: only letters
/// and digits survive, so no input can break the query syntax.
pub fn or_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect();
    (!words.is_empty()).then(|| words.join(" | "))
}

#[derive(QueryableByName)]
struct LexicalHit {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Float4)]
    rank: f32,
}

/// One row of a shortlist, as the rank node hands it over.
#[derive(Debug, Clone)]
pub struct NewShortlistEntry {
    pub product_id: Uuid,
    pub position: Option<u32>,
    pub excluded: bool,
    pub score: f32,
    pub reason: String,
    pub group: Option<u32>,
    pub compare_price: Option<Money>,
    pub rate_day: Option<NaiveDate>,
}

impl Database {
    /// The organization's products (of one job, or all) whose words match
    /// `text`, best first, with Postgres' rank.
    pub async fn lexical_search(
        &self,
        organization_id: Uuid,
        job: Option<JobId>,
        vendors: &[String],
        brands: &[String],
        text: &str,
        limit: usize,
    ) -> DbResult<Vec<(Uuid, f32)>> {
        let Some(query) = or_query(text) else {
            return Ok(Vec::new());
        };
        let mut conn = self.conn().await?;
        let vendors: Vec<String> = vendors.iter().map(|v| v.to_lowercase()).collect();
        let brands: Vec<String> = brands.iter().map(|b| b.to_lowercase()).collect();
        let hits: Vec<LexicalHit> = diesel::sql_query(
            "WITH q AS (SELECT to_tsquery('english', $2) || to_tsquery('german', $2) \
                        || to_tsquery('simple', $2) AS q) \
             SELECT p.id, ts_rank(p.search_vector, q.q)::real AS rank \
             FROM products p CROSS JOIN q LEFT JOIN vendors v ON v.id = p.vendor_id \
             WHERE p.organization_id = $1 AND p.search_vector @@ q.q \
               AND ($3::uuid IS NULL OR p.job_id = $3) \
               AND (cardinality($4::text[]) = 0 OR lower(v.name) = ANY($4)) \
               AND (cardinality($5::text[]) = 0 OR lower(p.brand) = ANY($5)) \
             ORDER BY rank DESC, p.id LIMIT $6",
        )
        .bind::<SqlUuid, _>(organization_id)
        .bind::<Text, _>(&query)
        .bind::<Nullable<SqlUuid>, _>(job)
        .bind::<Array<Text>, _>(&vendors)
        .bind::<Array<Text>, _>(&brands)
        .bind::<Integer, _>(limit.min(10_000) as i32)
        .load(&mut conn)
        .await?;
        Ok(hits.into_iter().map(|h| (h.id, h.rank)).collect())
    }

    /// The organization's products with these ids (others are left out).
    pub async fn products_by_ids(
        &self,
        organization_id: Uuid,
        ids: &[Uuid],
    ) -> DbResult<Vec<Product>> {
        let mut conn = self.conn().await?;
        let rows: Vec<(ProductRow, Option<String>)> = products::table
            .left_join(vendors::table)
            .filter(products::organization_id.eq(organization_id))
            .filter(products::id.eq_any(ids))
            .select((ProductRow::as_select(), vendors::name.nullable()))
            .load(&mut conn)
            .await?;
        Ok(rows.into_iter().map(to_product).collect())
    }

    /// Organizations that have products, for re-indexing.
    pub async fn organizations_with_products(&self) -> DbResult<Vec<Uuid>> {
        let mut conn = self.conn().await?;
        Ok(products::table
            .select(products::organization_id)
            .distinct()
            .load(&mut conn)
            .await?)
    }

    /// Every product of an organization, for re-indexing.
    pub async fn organization_products(&self, organization_id: Uuid) -> DbResult<Vec<Product>> {
        let mut conn = self.conn().await?;
        let rows: Vec<(ProductRow, Option<String>)> = products::table
            .left_join(vendors::table)
            .filter(products::organization_id.eq(organization_id))
            .select((ProductRow::as_select(), vendors::name.nullable()))
            .load(&mut conn)
            .await?;
        Ok(rows.into_iter().map(to_product).collect())
    }

    /// Replaces a job's shortlist.
    pub async fn store_shortlist(&self, job: JobId, entries: &[NewShortlistEntry]) -> DbResult<()> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            diesel::delete(shortlist_entries::table.filter(shortlist_entries::job_id.eq(job)))
                .execute(conn)
                .await?;
            for e in entries {
                diesel::insert_into(shortlist_entries::table)
                    .values((
                        shortlist_entries::job_id.eq(job),
                        shortlist_entries::product_id.eq(e.product_id),
                        shortlist_entries::position.eq(e.position.map(|p| p as i32)),
                        shortlist_entries::score.eq(e.score),
                        shortlist_entries::excluded.eq(e.excluded),
                        shortlist_entries::reason.eq(&e.reason),
                        shortlist_entries::match_group.eq(e.group.map(|g| g as i32)),
                        shortlist_entries::compare_price
                            .eq(e.compare_price.as_ref().map(|m| m.amount)),
                        shortlist_entries::compare_currency
                            .eq(e.compare_price.as_ref().map(|m| m.currency.clone())),
                        shortlist_entries::rate_day.eq(e.rate_day),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
        .await
    }

    /// A job's shortlist, ranked entries first; `None` when the job is not
    /// the organization's.
    pub async fn shortlist(
        &self,
        organization_id: Uuid,
        job: JobId,
    ) -> DbResult<Option<Shortlist>> {
        let mut conn = self.conn().await?;
        if !super::jobs::owns_job(&mut conn, organization_id, job).await? {
            return Ok(None);
        }
        type EntryRow = (
            Option<i32>,
            f32,
            bool,
            String,
            Option<i32>,
            Option<Decimal>,
            Option<String>,
            Option<NaiveDate>,
        );
        let rows: Vec<(EntryRow, (ProductRow, Option<String>))> = shortlist_entries::table
            .inner_join(products::table.left_join(vendors::table))
            .filter(shortlist_entries::job_id.eq(job))
            .order((
                shortlist_entries::excluded.asc(),
                shortlist_entries::position.asc().nulls_last(),
                shortlist_entries::score.desc(),
            ))
            .select((
                (
                    shortlist_entries::position,
                    shortlist_entries::score,
                    shortlist_entries::excluded,
                    shortlist_entries::reason,
                    shortlist_entries::match_group,
                    shortlist_entries::compare_price,
                    shortlist_entries::compare_currency,
                    shortlist_entries::rate_day,
                ),
                (ProductRow::as_select(), vendors::name.nullable()),
            ))
            .load(&mut conn)
            .await?;
        let entries = rows
            .into_iter()
            .map(|(e, product)| ShortlistEntry {
                position: e.0.map(|p| p as u32),
                score: e.1,
                excluded: e.2,
                reason: e.3,
                group: e.4.map(|g| g as u32),
                compare_price: match (e.5, e.6) {
                    (Some(amount), Some(currency)) => Some(Money {
                        amount: amount.normalize(),
                        currency,
                    }),
                    _ => None,
                },
                rate_day: e.7,
                product: to_product(product),
            })
            .collect();
        Ok(Some(Shortlist {
            job,
            entries,
            groups: Vec::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::or_query;

    #[test]
    fn queries_keep_only_words() {
        assert_eq!(
            or_query("27\" 4K monitor!"),
            Some("27 | 4k | monitor".into())
        );
        assert_eq!(
            or_query("Bürostuhl & (drop table)"),
            Some("bürostuhl | drop | table".into())
        );
        assert_eq!(or_query(" :*!' "), None);
    }
}
