-- One row per order, kept by the order-summary projection: where the order came from, where it
-- stands and when it must ship. Lines, buyer and address stay in the journal; the order entity
-- answers for them.
CREATE TABLE orders (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  channel_order_id VARCHAR(255) NOT NULL,
  status VARCHAR(32) NOT NULL,
  placed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  ship_by TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, order_id)
);

-- The order list walks ship_by then order_id, with or without a ship-by bound.
CREATE INDEX orders_ship_by_idx ON orders (tenant_id, ship_by, order_id);
-- The order list for one status ("what is still awaiting stock"), most urgent first.
CREATE INDEX orders_status_ship_by_idx ON orders (tenant_id, status, ship_by);

-- Each channel's shipping promise, from which new orders get their ship-by time. A channel with
-- no row here uses the engine's default promise.
CREATE TABLE channel_slas (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  ship_within_hours INT NOT NULL,
  cutoff VARCHAR(8) NOT NULL,
  time_zone VARCHAR(64) NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, channel_id)
);
