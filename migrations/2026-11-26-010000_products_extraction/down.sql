ALTER TABLE search_jobs DROP COLUMN pages_visited;
DROP INDEX products_job_sku_idx;
DROP INDEX products_job_idx;
ALTER TABLE products
    DROP COLUMN field_methods,
    DROP COLUMN description,
    DROP COLUMN image_url,
    DROP COLUMN list_price;
