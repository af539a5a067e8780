-- Find and rank: lexical search over products, and each job's shortlist.

-- Words of a product for full-text search, in English and German stems (the
-- languages the shops here write in) and unstemmed, so "chairs" finds
-- "chair", "Stühle" finds "Stuhl" and model names match as written.
CREATE FUNCTION procura_product_text(title text, brand text, description text, specs jsonb)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(title, '') || ' ' || coalesce(brand, '') || ' '
        || coalesce(description, '') || ' '
        || coalesce((SELECT string_agg(key || ' ' || value, ' ')
                     FROM jsonb_each_text(specs)), '')
$$;

ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(brand, '')), 'A')
    || setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('german', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', procura_product_text(NULL, NULL, description, specs)), 'C')
    || setweight(to_tsvector('german', procura_product_text(NULL, NULL, description, specs)), 'C')
    || setweight(to_tsvector('simple', procura_product_text(NULL, NULL, NULL, specs)), 'B')
) STORED;
CREATE INDEX products_search_idx ON products USING gin (search_vector);

-- The ranked shortlist of a job, with the reason for every place and every
-- exclusion. Rewritten whole when the rank node runs again.
CREATE TABLE shortlist_entries (
    job_id        uuid NOT NULL REFERENCES search_jobs (id) ON DELETE CASCADE,
    product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position      integer,
    score         real NOT NULL,
    excluded      boolean NOT NULL,
    reason        text NOT NULL,
    match_group   integer,
    -- The price per unit in the budget's (or the base) currency, and the
    -- day of the rate used.
    compare_price numeric(20, 4),
    compare_currency text,
    rate_day      date,
    PRIMARY KEY (job_id, product_id)
);
CREATE INDEX shortlist_entries_job_idx ON shortlist_entries (job_id, excluded, position);
