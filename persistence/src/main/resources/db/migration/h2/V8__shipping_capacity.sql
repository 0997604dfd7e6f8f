-- The shipping capacity guard (出荷キャパ): a tenant's daily shipping capacity, and the channels it
-- pauses when the open orders exceed what can ship within their SLA.
CREATE TABLE shipping_capacity (
  tenant_id VARCHAR(255) NOT NULL,
  orders_per_day INT NOT NULL,
  resume_below_percent INT NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id)
);

CREATE TABLE shipping_capacity_channels (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  PRIMARY KEY (tenant_id, channel_id)
);

-- A pause the guard made, which only the guard lifts; an operator's pause or resume clears it, so
-- the guard never resumes a channel an operator paused.
ALTER TABLE channels ADD COLUMN auto_paused BOOLEAN DEFAULT FALSE NOT NULL;
