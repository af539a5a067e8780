//! Products, their vendors and the prices seen for them (offers).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use procura_common::delivery::DeliveryTime;
use procura_common::job::JobId;
use procura_common::product::Product;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::schema::{offers, products, search_jobs, vendors};
use super::{Database, DbError, DbResult};

/// A product as the `normalise` node hands it over.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NewProduct {
    pub vendor: String,
    pub vendor_base_url: String,
    pub vendor_email: Option<String>,
    pub vendor_currency: Option<String>,
    /// Canonical URL: the page's canonical link, else the URL visited.
    pub url: String,
    pub title: Option<String>,
    pub brand: Option<String>,
    pub sku: Option<String>,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    pub price: Option<Decimal>,
    pub list_price: Option<Decimal>,
    pub currency: Option<String>,
    pub availability: Option<String>,
    pub image: Option<String>,
    pub description: Option<String>,
    pub specs: serde_json::Value,
    pub methods: BTreeMap<String, String>,
    pub confidence: Option<f32>,
    pub screenshot_blob: Option<String>,
    pub html_blob: Option<String>,
    pub content_hash: Option<String>,
    /// The delivery time the page states.
    #[serde(default)]
    pub delivery: Option<DeliveryTime>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    pub inserted: usize,
    /// Already stored for this job (same URL, GTIN or vendor SKU): merged.
    pub merged: usize,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = products)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(super) struct ProductRow {
    id: Uuid,
    job_id: Uuid,
    url: String,
    title: Option<String>,
    brand: Option<String>,
    sku: Option<String>,
    gtin: Option<String>,
    mpn: Option<String>,
    price: Option<Decimal>,
    list_price: Option<Decimal>,
    currency: Option<String>,
    availability: Option<String>,
    image_url: Option<String>,
    description: Option<String>,
    specs: serde_json::Value,
    field_methods: serde_json::Value,
    extraction_confidence: Option<f32>,
    screenshot_blob: Option<String>,
    html_blob: Option<String>,
    created_at: DateTime<Utc>,
    delivery: Option<serde_json::Value>,
}

impl Database {
    /// Stores a job's products in one transaction. Idempotent: a product the
    /// job already holds (same URL, or GTIN or SKU at the same vendor) is
    /// updated, not duplicated, and an offer is added only when its price or
    /// availability changed.
    pub async fn store_products(
        &self,
        organization_id: Uuid,
        job: JobId,
        items: &[NewProduct],
    ) -> DbResult<StoreOutcome> {
        let mut conn = self.conn().await?;
        conn.transaction::<_, DbError, _>(async |conn| {
            let mut outcome = StoreOutcome::default();
            for item in items {
                let vendor_id = upsert_vendor(conn, organization_id, item).await?;
                let existing = find_same(conn, job, vendor_id, item).await?;
                let methods = serde_json::to_value(&item.methods)
                    .map_err(|e| DbError::Corrupt(format!("methods: {e}")))?;
                let delivery = item
                    .delivery
                    .map(serde_json::to_value)
                    .transpose()
                    .map_err(|e| DbError::Corrupt(format!("delivery: {e}")))?;
                let id = match existing {
                    Some(id) => {
                        outcome.merged += 1;
                        diesel::update(products::table.find(id))
                            .set((
                                products::title.eq(&item.title),
                                products::brand.eq(&item.brand),
                                products::sku.eq(&item.sku),
                                products::gtin.eq(&item.gtin),
                                products::mpn.eq(&item.mpn),
                                products::price.eq(item.price),
                                products::list_price.eq(item.list_price),
                                products::currency.eq(&item.currency),
                                products::availability.eq(&item.availability),
                                products::specs.eq(&item.specs),
                                products::field_methods.eq(&methods),
                                products::delivery.eq(&delivery),
                                products::updated_at.eq(Utc::now()),
                            ))
                            .execute(conn)
                            .await?;
                        id
                    }
                    None => {
                        outcome.inserted += 1;
                        let id = Uuid::new_v4();
                        diesel::insert_into(products::table)
                            .values((
                                products::id.eq(id),
                                products::organization_id.eq(organization_id),
                                products::job_id.eq(job),
                                products::vendor_id.eq(vendor_id),
                                products::url.eq(&item.url),
                                products::title.eq(&item.title),
                                products::brand.eq(&item.brand),
                                products::sku.eq(&item.sku),
                                products::gtin.eq(&item.gtin),
                                products::mpn.eq(&item.mpn),
                                products::price.eq(item.price),
                                products::list_price.eq(item.list_price),
                                products::currency.eq(&item.currency),
                                products::availability.eq(&item.availability),
                                products::image_url.eq(&item.image),
                                products::description.eq(&item.description),
                                products::specs.eq(&item.specs),
                                products::field_methods.eq(&methods),
                                products::extraction_method.eq(item.methods.get("price")),
                                products::extraction_confidence.eq(item.confidence),
                                products::screenshot_blob.eq(&item.screenshot_blob),
                                products::html_blob.eq(&item.html_blob),
                                products::content_hash.eq(&item.content_hash),
                                products::delivery.eq(&delivery),
                            ))
                            .execute(conn)
                            .await?;
                        id
                    }
                };
                record_offer(conn, id, item).await?;
            }
            let count: i64 = products::table
                .filter(products::job_id.eq(job))
                .count()
                .get_result(conn)
                .await?;
            diesel::update(search_jobs::table.find(job))
                .set(search_jobs::products_found.eq(count as i32))
                .execute(conn)
                .await?;
            Ok(outcome)
        })
        .await
    }

    /// The screenshot key of an organization's product: `None` when there is
    /// no such product, `Some(None)` when it has no screenshot.
    pub async fn screenshot_key(
        &self,
        organization_id: Uuid,
        product: Uuid,
    ) -> DbResult<Option<Option<String>>> {
        let mut conn = self.conn().await?;
        Ok(products::table
            .filter(products::id.eq(product))
            .filter(products::organization_id.eq(organization_id))
            .select(products::screenshot_blob)
            .first(&mut conn)
            .await
            .optional()?)
    }

    /// A job's products, cheapest first (unpriced last); `None` when the job
    /// is not the organization's.
    pub async fn products(
        &self,
        organization_id: Uuid,
        job: JobId,
    ) -> DbResult<Option<Vec<Product>>> {
        let mut conn = self.conn().await?;
        if !super::jobs::owns_job(&mut conn, organization_id, job).await? {
            return Ok(None);
        }
        let rows: Vec<(ProductRow, Option<String>)> = products::table
            .left_join(vendors::table)
            .filter(products::job_id.eq(job))
            .order((
                products::price.asc().nulls_last(),
                products::created_at.asc(),
            ))
            .select((ProductRow::as_select(), vendors::name.nullable()))
            .load(&mut conn)
            .await?;
        Ok(Some(rows.into_iter().map(to_product).collect()))
    }
}

/// A stored row and its vendor's name, as the API shows it.
pub(super) fn to_product((r, vendor): (ProductRow, Option<String>)) -> Product {
    Product {
        id: r.id,
        job_id: r.job_id,
        vendor: vendor.unwrap_or_default(),
        url: r.url,
        title: r.title,
        brand: r.brand,
        sku: r.sku,
        gtin: r.gtin,
        mpn: r.mpn,
        price: r.price.map(|p| p.normalize()),
        list_price: r.list_price.map(|p| p.normalize()),
        currency: r.currency,
        availability: r.availability,
        image: r.image_url,
        description: r.description,
        specs: r.specs,
        methods: serde_json::from_value(r.field_methods).unwrap_or_default(),
        confidence: r.extraction_confidence,
        screenshot_blob: r.screenshot_blob,
        html_blob: r.html_blob,
        created_at: r.created_at,
        // A value this version cannot read is shown as unknown.
        delivery: r.delivery.and_then(|d| serde_json::from_value(d).ok()),
    }
}

async fn upsert_vendor(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
    item: &NewProduct,
) -> DbResult<Uuid> {
    diesel::insert_into(vendors::table)
        .values((
            vendors::id.eq(Uuid::new_v4()),
            vendors::organization_id.eq(organization_id),
            vendors::name.eq(&item.vendor),
            vendors::base_url.eq(&item.vendor_base_url),
            vendors::contact_email.eq(&item.vendor_email),
            vendors::default_currency.eq(&item.vendor_currency),
        ))
        .on_conflict((vendors::organization_id, vendors::name))
        .do_update()
        .set((
            vendors::base_url.eq(&item.vendor_base_url),
            vendors::contact_email.eq(&item.vendor_email),
        ))
        .returning(vendors::id)
        .get_result(conn)
        .await
        .map_err(Into::into)
}

async fn find_same(
    conn: &mut AsyncPgConnection,
    job: JobId,
    vendor_id: Uuid,
    item: &NewProduct,
) -> DbResult<Option<Uuid>> {
    let by_url: Option<Uuid> = products::table
        .filter(products::job_id.eq(job))
        .filter(products::url.eq(&item.url))
        .select(products::id)
        .first(conn)
        .await
        .optional()?;
    if by_url.is_some() {
        return Ok(by_url);
    }
    // The same model at two vendors is two offers, so GTIN and SKU fold
    // only within one vendor.
    if let Some(gtin) = &item.gtin {
        let by_gtin: Option<Uuid> = products::table
            .filter(products::job_id.eq(job))
            .filter(products::vendor_id.eq(vendor_id))
            .filter(products::gtin.eq(gtin))
            .select(products::id)
            .first(conn)
            .await
            .optional()?;
        if by_gtin.is_some() {
            return Ok(by_gtin);
        }
    }
    if let Some(sku) = &item.sku {
        return Ok(products::table
            .filter(products::job_id.eq(job))
            .filter(products::vendor_id.eq(vendor_id))
            .filter(products::sku.eq(sku))
            .select(products::id)
            .first(conn)
            .await
            .optional()?);
    }
    Ok(None)
}

async fn record_offer(
    conn: &mut AsyncPgConnection,
    product: Uuid,
    item: &NewProduct,
) -> DbResult<()> {
    let (Some(price), Some(currency)) = (item.price, item.currency.as_ref()) else {
        return Ok(());
    };
    let last: Option<(Decimal, String, Option<String>)> = offers::table
        .filter(offers::product_id.eq(product))
        .order(offers::observed_at.desc())
        .select((offers::price, offers::currency, offers::availability))
        .first(conn)
        .await
        .optional()?;
    if last.is_some_and(|(p, c, a)| p == price && &c == currency && a == item.availability) {
        return Ok(());
    }
    diesel::insert_into(offers::table)
        .values((
            offers::id.eq(Uuid::new_v4()),
            offers::product_id.eq(product),
            offers::price.eq(price),
            offers::currency.eq(currency),
            offers::availability.eq(&item.availability),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
