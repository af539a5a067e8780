-- What extraction reads beyond the first model: the struck-through list
-- price, the image, a description, which layer found each field, and the
-- source a vendor row came from.
ALTER TABLE products
    ADD COLUMN list_price numeric(20, 4),
    ADD COLUMN image_url text,
    ADD COLUMN description text,
    ADD COLUMN field_methods jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE INDEX products_job_idx ON products (job_id, price);
CREATE INDEX products_job_sku_idx ON products (job_id, sku) WHERE sku IS NOT NULL;

-- Browse progress, for the progress gauge.
ALTER TABLE search_jobs ADD COLUMN pages_visited integer NOT NULL DEFAULT 0;
