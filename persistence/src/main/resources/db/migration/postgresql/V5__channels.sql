-- Channels (one shop on one marketplace) and what the engine keeps about each: how to reach it,
-- which of its listings are which SKU, how much of each SKU it may sell, what was last pushed to
-- it and which webhook deliveries it has already handled. SKU codes and channel ids use the C
-- collation, as in sku_summary, so lists come out in the same order as on H2.

-- How to reach each channel. The credentials are sealed (AES-256-GCM, see SecretBox) before they
-- get here, so a copy of the table does not give away the shops' API keys.
CREATE TABLE channels (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) COLLATE "C" NOT NULL,
  marketplace VARCHAR(32) NOT NULL,
  base_url VARCHAR(500) NOT NULL,
  credentials BYTEA NOT NULL,
  rate_limit DOUBLE PRECISION,
  burst INT,
  batch_size INT,
  paused BOOLEAN DEFAULT FALSE NOT NULL,
  pause_reason VARCHAR(200),
  credentials_expire_at TIMESTAMP WITH TIME ZONE,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, channel_id)
);

-- Which listing on a channel sells which SKU, with the marketplace's own ids for it (a JSON object
-- of strings, such as a product id and a variant id).
CREATE TABLE listings (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) COLLATE "C" NOT NULL,
  sku VARCHAR(255) COLLATE "C" NOT NULL,
  marketplace_ids VARCHAR(2000) NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, channel_id, sku)
);

-- Which channels list a SKU, asked on every stock change of that SKU.
CREATE INDEX listings_sku_idx ON listings (tenant_id, sku);

-- How much of a SKU each channel may sell. The SKU '*' holds the tenant's default for a channel,
-- which a SKU's own row overrides.
CREATE TABLE allocation_rules (
  tenant_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) COLLATE "C" NOT NULL,
  channel_id VARCHAR(255) COLLATE "C" NOT NULL,
  rule VARCHAR(32) NOT NULL,
  amount BIGINT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, sku, channel_id)
);

-- The last stock push of each SKU to each channel and the last error, if any. A SKU that failed
-- before it was ever sent has no sent quantity.
CREATE TABLE channel_pushes (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) COLLATE "C" NOT NULL,
  sku VARCHAR(255) COLLATE "C" NOT NULL,
  last_sent_quantity BIGINT,
  last_sent_at TIMESTAMP WITH TIME ZONE,
  last_error VARCHAR(500),
  last_error_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (tenant_id, channel_id, sku)
);

-- A channel's pushes, newest first, and its errors, newest first.
CREATE INDEX channel_pushes_sent_idx ON channel_pushes (tenant_id, channel_id, last_sent_at);
CREATE INDEX channel_pushes_error_idx ON channel_pushes (tenant_id, channel_id, last_error_at);

-- Webhook deliveries already handled. Marketplaces deliver a notification more than once, so the
-- primary key is what tells a repeat from a new one. Rows are kept for a while, then pruned.
CREATE TABLE webhook_deliveries (
  marketplace VARCHAR(32) NOT NULL,
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  delivery_id VARCHAR(200) NOT NULL,
  received_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (marketplace, tenant_id, channel_id, delivery_id)
);

CREATE INDEX webhook_deliveries_received_idx ON webhook_deliveries (received_at);
