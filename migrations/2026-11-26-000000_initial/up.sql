-- The whole data model of Procura. Later features add columns, not tables.
-- Money is NUMERIC plus an ISO 4217 code; every time is timestamptz (UTC).

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    name             text NOT NULL,
    unix_uid         integer UNIQUE,
    role             text NOT NULL CHECK (role IN ('viewer', 'operator', 'approver', 'admin')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE search_jobs (
    id                  uuid PRIMARY KEY,
    organization_id     uuid NOT NULL REFERENCES organizations (id),
    created_by          uuid NOT NULL REFERENCES users (id),
    request_text        text NOT NULL,
    spec                jsonb,
    sources             jsonb NOT NULL DEFAULT '[]'::jsonb,
    max_results         integer NOT NULL CHECK (max_results > 0),
    budget_amount       numeric(20, 4),
    budget_currency     text CHECK (budget_currency ~ '^[A-Z]{3}$'),
    deadline            date,
    enable_negotiation  boolean NOT NULL DEFAULT false,
    status              text NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress            real NOT NULL DEFAULT 0,
    current_node        text,
    error               text,
    attempts            integer NOT NULL DEFAULT 0,
    cancel_requested    boolean NOT NULL DEFAULT false,
    lease_owner         text,
    lease_expires_at    timestamptz,
    -- The last agent_logs.seq handed out for this job; appends bump it under
    -- the row lock so seqs have no gaps and no duplicates.
    last_log_seq        bigint NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    execution_seconds   double precision,
    products_found      integer NOT NULL DEFAULT 0
);
-- Claiming takes the oldest queued job, or a running one whose lease expired.
CREATE INDEX search_jobs_queued_idx ON search_jobs (created_at) WHERE status = 'queued';
CREATE INDEX search_jobs_lease_idx ON search_jobs (lease_expires_at) WHERE status = 'running';
CREATE INDEX search_jobs_org_created_idx ON search_jobs (organization_id, created_at DESC);

CREATE TABLE job_checkpoints (
    job_id      uuid NOT NULL REFERENCES search_jobs (id) ON DELETE CASCADE,
    node        text NOT NULL,
    state       jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, node)
);

CREATE TABLE agent_logs (
    job_id    uuid NOT NULL REFERENCES search_jobs (id) ON DELETE CASCADE,
    seq       bigint NOT NULL,
    ts        timestamptz NOT NULL DEFAULT now(),
    level     text NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    node      text NOT NULL,
    message   text NOT NULL,
    data      jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- A deterministic node names each of its steps; a node re-run after a
    -- crash skips the steps already logged instead of logging them twice.
    step_key  text,
    PRIMARY KEY (job_id, seq)
);
CREATE UNIQUE INDEX agent_logs_step_key_idx ON agent_logs (job_id, step_key) WHERE step_key IS NOT NULL;

CREATE TABLE vendors (
    id                uuid PRIMARY KEY,
    organization_id   uuid NOT NULL REFERENCES organizations (id),
    name              text NOT NULL,
    base_url          text NOT NULL,
    contact_email     text,
    default_currency  text CHECK (default_currency ~ '^[A-Z]{3}$'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, name)
);

CREATE TABLE products (
    id                     uuid PRIMARY KEY,
    organization_id        uuid NOT NULL REFERENCES organizations (id),
    job_id                 uuid NOT NULL REFERENCES search_jobs (id) ON DELETE CASCADE,
    vendor_id              uuid REFERENCES vendors (id),
    url                    text NOT NULL,
    title                  text,
    brand                  text,
    sku                    text,
    gtin                   text,
    mpn                    text,
    price                  numeric(20, 4),
    currency               text CHECK (currency ~ '^[A-Z]{3}$'),
    availability           text,
    specs                  jsonb NOT NULL DEFAULT '{}'::jsonb,
    screenshot_blob        text,
    html_blob              text,
    extraction_method      text,
    extraction_confidence  real,
    vector_id              uuid,
    content_hash           text,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, url)
);
CREATE INDEX products_org_idx ON products (organization_id, created_at DESC);
CREATE INDEX products_vendor_idx ON products (vendor_id);
CREATE INDEX products_gtin_idx ON products (gtin) WHERE gtin IS NOT NULL;
CREATE INDEX products_content_hash_idx ON products (content_hash);

CREATE TABLE offers (
    id            uuid PRIMARY KEY,
    product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    price         numeric(20, 4) NOT NULL,
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    availability  text,
    observed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_product_idx ON offers (product_id, observed_at DESC);

CREATE TABLE negotiations (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    job_id           uuid NOT NULL REFERENCES search_jobs (id),
    vendor_id        uuid NOT NULL REFERENCES vendors (id),
    status           text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, vendor_id)
);
CREATE INDEX negotiations_org_status_idx ON negotiations (organization_id, status);

CREATE TABLE negotiation_messages (
    id              uuid PRIMARY KEY,
    negotiation_id  uuid NOT NULL REFERENCES negotiations (id) ON DELETE CASCADE,
    direction       text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    status          text NOT NULL
                    CHECK (status IN ('draft', 'approved', 'rejected', 'sending', 'sent', 'failed', 'received')),
    subject         text NOT NULL,
    body            text NOT NULL,
    message_id      text UNIQUE,
    in_reply_to     text,
    approved_by     uuid REFERENCES users (id),
    approved_at     timestamptz,
    sent_at         timestamptz,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX negotiation_messages_thread_idx ON negotiation_messages (negotiation_id, created_at);
CREATE INDEX negotiation_messages_outbox_idx ON negotiation_messages (status) WHERE status IN ('approved', 'sending');

CREATE TABLE purchase_orders (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    negotiation_id   uuid REFERENCES negotiations (id),
    po_number        bigint NOT NULL,
    total_amount     numeric(20, 4) NOT NULL,
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status           text NOT NULL,
    pdf_blob         text,
    created_by       uuid REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, po_number)
);

CREATE TABLE api_usage (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    service          text NOT NULL,
    model            text NOT NULL,
    tokens_in        bigint NOT NULL DEFAULT 0,
    tokens_out       bigint NOT NULL DEFAULT 0,
    cost             numeric(20, 8) NOT NULL DEFAULT 0,
    cost_currency    text NOT NULL DEFAULT 'USD',
    job_id           uuid REFERENCES search_jobs (id) ON DELETE SET NULL,
    ts               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_usage_org_service_ts_idx ON api_usage (organization_id, service, ts);
CREATE INDEX api_usage_job_idx ON api_usage (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE audit_events (
    id               bigserial PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organizations (id),
    user_id          uuid REFERENCES users (id),
    action           text NOT NULL,
    subject_type     text NOT NULL,
    subject_id       text NOT NULL,
    data             jsonb NOT NULL DEFAULT '{}'::jsonb,
    ts               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_org_ts_idx ON audit_events (organization_id, ts DESC);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id);
