-- Replies read from IMAP, the offers read out of them, purchase orders
-- with gapless numbers per organization, and attachments on outbound mail
-- (a purchase order's PDF).

ALTER TABLE negotiation_messages
    -- The reply's sender, as its From header says.
    ADD COLUMN sender text,
    -- procura_common::negotiation::Offer read from an inbound message.
    ADD COLUMN offer jsonb,
    -- A blob sent as an attachment, and its file name.
    ADD COLUMN attachment_blob text,
    ADD COLUMN attachment_name text;

-- Where the IMAP reader is in each mailbox: the next UID to read, valid
-- while the mailbox keeps its UIDVALIDITY.
CREATE TABLE mail_cursors (
    mailbox       text PRIMARY KEY,
    uid_validity  bigint NOT NULL,
    next_uid      bigint NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The last purchase-order number given in each organization; taken with
-- the row lock in the transaction that stores the order, so numbers have
-- no gaps and no duplicates.
CREATE TABLE po_counters (
    organization_id  uuid PRIMARY KEY REFERENCES organizations (id),
    last_number      bigint NOT NULL
);

ALTER TABLE purchase_orders
    ADD COLUMN document jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN message_id uuid REFERENCES negotiation_messages (id);
CREATE UNIQUE INDEX purchase_orders_negotiation_idx ON purchase_orders (negotiation_id);
