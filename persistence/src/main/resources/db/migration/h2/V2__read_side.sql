-- The engine's own tables. Names are unquoted on both vendors, so the application's SQL can be
-- the same text everywhere.

CREATE TABLE tenants (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Only a SHA-256 of each API key is kept; the key itself is shown once when issued.
CREATE TABLE api_keys (
  key_id VARCHAR(64) NOT NULL PRIMARY KEY,
  tenant_id VARCHAR(255) NOT NULL REFERENCES tenants (tenant_id),
  key_hash CHAR(64) NOT NULL UNIQUE,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at TIMESTAMP WITH TIME ZONE
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

-- One row per SKU, kept by the sku-summary projection. H2 compares strings character by
-- character with no locale, as the C collation on PostgreSQL does, so keyset pages agree.
CREATE TABLE sku_summary (
  tenant_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  on_hand BIGINT NOT NULL,
  reserved BIGINT NOT NULL,
  safety_stock BIGINT NOT NULL,
  available BIGINT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, sku)
);
