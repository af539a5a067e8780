// The diesel view of migrations/; keep the two in step.

diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        unix_uid -> Nullable<Int4>,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    search_jobs (id) {
        id -> Uuid,
        organization_id -> Uuid,
        created_by -> Uuid,
        request_text -> Text,
        spec -> Nullable<Jsonb>,
        sources -> Jsonb,
        max_results -> Int4,
        budget_amount -> Nullable<Numeric>,
        budget_currency -> Nullable<Text>,
        deadline -> Nullable<Date>,
        enable_negotiation -> Bool,
        status -> Text,
        progress -> Float4,
        current_node -> Nullable<Text>,
        error -> Nullable<Text>,
        attempts -> Int4,
        cancel_requested -> Bool,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamptz>,
        last_log_seq -> Int8,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        execution_seconds -> Nullable<Float8>,
        products_found -> Int4,
        pages_visited -> Int4,
        negotiation_max_vendors -> Int4,
    }
}

diesel::table! {
    job_checkpoints (job_id, node) {
        job_id -> Uuid,
        node -> Text,
        state -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    agent_logs (job_id, seq) {
        job_id -> Uuid,
        seq -> Int8,
        ts -> Timestamptz,
        level -> Text,
        node -> Text,
        message -> Text,
        data -> Jsonb,
        step_key -> Nullable<Text>,
    }
}

diesel::table! {
    vendors (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        base_url -> Text,
        contact_email -> Nullable<Text>,
        default_currency -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Uuid,
        organization_id -> Uuid,
        job_id -> Uuid,
        vendor_id -> Nullable<Uuid>,
        url -> Text,
        title -> Nullable<Text>,
        brand -> Nullable<Text>,
        sku -> Nullable<Text>,
        gtin -> Nullable<Text>,
        mpn -> Nullable<Text>,
        price -> Nullable<Numeric>,
        currency -> Nullable<Text>,
        availability -> Nullable<Text>,
        specs -> Jsonb,
        screenshot_blob -> Nullable<Text>,
        html_blob -> Nullable<Text>,
        extraction_method -> Nullable<Text>,
        extraction_confidence -> Nullable<Float4>,
        vector_id -> Nullable<Uuid>,
        content_hash -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        list_price -> Nullable<Numeric>,
        image_url -> Nullable<Text>,
        description -> Nullable<Text>,
        field_methods -> Jsonb,
        delivery -> Nullable<Jsonb>,
    }
}

diesel::table! {
    offers (id) {
        id -> Uuid,
        product_id -> Uuid,
        price -> Numeric,
        currency -> Text,
        availability -> Nullable<Text>,
        observed_at -> Timestamptz,
    }
}

diesel::table! {
    negotiations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        job_id -> Uuid,
        vendor_id -> Uuid,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        brief -> Jsonb,
    }
}

diesel::table! {
    negotiation_messages (id) {
        id -> Uuid,
        negotiation_id -> Uuid,
        direction -> Text,
        status -> Text,
        subject -> Text,
        body -> Text,
        message_id -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        approved_by -> Nullable<Uuid>,
        approved_at -> Nullable<Timestamptz>,
        sent_at -> Nullable<Timestamptz>,
        error -> Nullable<Text>,
        created_at -> Timestamptz,
        recipient -> Nullable<Text>,
        drafted_by -> Nullable<Jsonb>,
        rejected_reason -> Nullable<Text>,
        updated_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        claimed_by -> Nullable<Text>,
        claim_expires_at -> Nullable<Timestamptz>,
        delivered_by -> Nullable<Text>,
        handed_over_at -> Nullable<Timestamptz>,
        sender -> Nullable<Text>,
        offer -> Nullable<Jsonb>,
        attachment_blob -> Nullable<Text>,
        attachment_name -> Nullable<Text>,
    }
}

diesel::table! {
    purchase_orders (id) {
        id -> Uuid,
        organization_id -> Uuid,
        negotiation_id -> Nullable<Uuid>,
        po_number -> Int8,
        total_amount -> Numeric,
        currency -> Text,
        status -> Text,
        pdf_blob -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        document -> Jsonb,
        message_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    mail_cursors (mailbox) {
        mailbox -> Text,
        uid_validity -> Int8,
        next_uid -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    po_counters (organization_id) {
        organization_id -> Uuid,
        last_number -> Int8,
    }
}

diesel::table! {
    api_usage (id) {
        id -> Int8,
        organization_id -> Uuid,
        service -> Text,
        model -> Text,
        tokens_in -> Int8,
        tokens_out -> Int8,
        cost -> Nullable<Numeric>,
        currency -> Text,
        job_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        task -> Text,
        outcome -> Text,
    }
}

diesel::table! {
    llm_monthly_spend (organization_id, month, currency) {
        organization_id -> Uuid,
        month -> Date,
        currency -> Text,
        spent -> Numeric,
        calls -> Int8,
    }
}

diesel::table! {
    llm_limits (organization_id) {
        organization_id -> Uuid,
        monthly_budget -> Nullable<Numeric>,
        budget_currency -> Nullable<Text>,
        requests_per_minute -> Nullable<Int4>,
        on_budget_exhausted -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    llm_rate_buckets (organization_id) {
        organization_id -> Uuid,
        tokens -> Float8,
        refilled_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        organization_id -> Uuid,
        user_id -> Nullable<Uuid>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        data -> Jsonb,
        ts -> Timestamptz,
    }
}

diesel::table! {
    shortlist_entries (job_id, product_id) {
        job_id -> Uuid,
        product_id -> Uuid,
        position -> Nullable<Int4>,
        score -> Float4,
        excluded -> Bool,
        reason -> Text,
        match_group -> Nullable<Int4>,
        compare_price -> Nullable<Numeric>,
        compare_currency -> Nullable<Text>,
        rate_day -> Nullable<Date>,
    }
}

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(search_jobs -> organizations (organization_id));
diesel::joinable!(search_jobs -> users (created_by));
diesel::joinable!(job_checkpoints -> search_jobs (job_id));
diesel::joinable!(agent_logs -> search_jobs (job_id));
diesel::joinable!(products -> search_jobs (job_id));
diesel::joinable!(products -> vendors (vendor_id));
diesel::joinable!(offers -> products (product_id));
diesel::joinable!(shortlist_entries -> products (product_id));
diesel::joinable!(shortlist_entries -> search_jobs (job_id));
diesel::joinable!(negotiation_messages -> negotiations (negotiation_id));
diesel::joinable!(negotiations -> vendors (vendor_id));
diesel::joinable!(audit_events -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    search_jobs,
    job_checkpoints,
    agent_logs,
    vendors,
    products,
    offers,
    negotiations,
    negotiation_messages,
    purchase_orders,
    api_usage,
    audit_events,
    mail_cursors,
    po_counters,
    shortlist_entries,
    llm_monthly_spend,
    llm_limits,
    llm_rate_buckets,
);
