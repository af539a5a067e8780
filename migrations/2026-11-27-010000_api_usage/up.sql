-- Usage accounting, budgets and rate limits for model calls.

-- api_usage has been here since the initial migration, unused until now.
-- Every model call (and every call the budget or the rate limit refused)
-- is one row; cost is NULL when the model has no price in the price table,
-- whose currency the row carries.
ALTER TABLE api_usage RENAME COLUMN ts TO created_at;
ALTER TABLE api_usage RENAME COLUMN cost_currency TO currency;
ALTER TABLE api_usage ALTER COLUMN cost DROP NOT NULL;
ALTER TABLE api_usage ALTER COLUMN cost DROP DEFAULT;
ALTER TABLE api_usage ADD COLUMN task text NOT NULL DEFAULT '';
ALTER TABLE api_usage ADD COLUMN outcome text NOT NULL DEFAULT 'ok'
    CHECK (outcome IN ('ok', 'error', 'refused_budget', 'refused_rate'));
ALTER TABLE api_usage ADD CONSTRAINT api_usage_tokens_check
    CHECK (tokens_in >= 0 AND tokens_out >= 0);
DROP INDEX api_usage_org_service_ts_idx;
-- The usage report: an organization's rows in a time range, newest first.
CREATE INDEX api_usage_org_created_idx ON api_usage (organization_id, created_at);
-- Its rows of one job.
DROP INDEX api_usage_job_idx;
CREATE INDEX api_usage_org_job_idx ON api_usage (organization_id, job_id, created_at)
    WHERE job_id IS NOT NULL;

-- What each organization spent per calendar month (UTC) and currency,
-- kept in the transaction that inserts the api_usage row, so the budget
-- check before every call reads one row per currency rather than summing
-- the month.
CREATE TABLE llm_monthly_spend (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    month           date NOT NULL,
    currency        text NOT NULL,
    spent           numeric(20, 8) NOT NULL DEFAULT 0,
    calls           bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, month, currency)
);

-- Per-organization overrides of the [llm] defaults in procurad's config;
-- a NULL column takes the default.
CREATE TABLE llm_limits (
    organization_id     uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    monthly_budget      numeric(20, 4) CHECK (monthly_budget >= 0),
    budget_currency     text CHECK (budget_currency ~ '^[A-Z]{3}$'),
    requests_per_minute integer CHECK (requests_per_minute > 0),
    on_budget_exhausted text CHECK (on_budget_exhausted IN ('offline', 'pause')),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- The requests-per-minute token bucket of each organization, shared by
-- every daemon on the database: one atomic UPDATE refills it by the time
-- since refilled_at (on the database's clock) and takes a token.
CREATE TABLE llm_rate_buckets (
    organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    tokens          double precision NOT NULL,
    refilled_at     timestamptz NOT NULL
);
