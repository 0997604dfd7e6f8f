-- Fulfilment: shipments (parcels of one or more orders), the orders in them, waves of shipments
-- labelled together, and each tenant's fulfilment settings. Shipments are plain rows changed in
-- transactions at the version they were read (optimistic concurrency), because merging and
-- splitting move orders between several shipments at once, and lists filter them many ways.

CREATE TABLE fulfillment_settings (
  tenant_id VARCHAR(255) NOT NULL PRIMARY KEY,
  auto_create BOOLEAN NOT NULL,
  merge_mode VARCHAR(32) NOT NULL,
  merge_window_minutes INT NOT NULL,
  shipper_name VARCHAR(200),
  shipper_phone VARCHAR(40),
  shipper_postal_code VARCHAR(16),
  shipper_address1 VARCHAR(200),
  shipper_address2 VARCHAR(200),
  yamato_billing_customer_code VARCHAR(12),
  yamato_billing_class_code VARCHAR(3),
  yamato_freight_number VARCHAR(2),
  sagawa_customer_code VARCHAR(12),
  item_name VARCHAR(100),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per shipment. A shipment whose orders were merged into another stays as MERGED (it is
-- its home order's home shipment, where a split sends the order back). The ship-to is the one
-- printed on the label; buyer_key and address_key are the normalised forms merges compare.
CREATE TABLE shipments (
  tenant_id VARCHAR(255) NOT NULL,
  shipment_id VARCHAR(16) NOT NULL,
  home_order_id VARCHAR(255) NOT NULL,
  status VARCHAR(16) NOT NULL,
  wave_id VARCHAR(128),
  carrier VARCHAR(32),
  tracking_number VARCHAR(32),
  ship_to_name VARCHAR(200),
  ship_to_postal_code VARCHAR(200),
  ship_to_prefecture VARCHAR(200),
  ship_to_city VARCHAR(200),
  ship_to_address1 VARCHAR(200),
  ship_to_address2 VARCHAR(200),
  ship_to_phone VARCHAR(200),
  buyer_key VARCHAR(500),
  address_key VARCHAR(1000),
  parcel_count INT NOT NULL,
  delivery_date DATE,
  time_slot VARCHAR(16),
  gift_wrap BOOLEAN NOT NULL,
  note VARCHAR(2000),
  attention VARCHAR(1000),
  merged_into VARCHAR(16),
  version BIGINT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  labeled_at TIMESTAMP WITH TIME ZONE,
  shipped_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (tenant_id, shipment_id)
);

-- Lists: all shipments or one status, oldest first; the shipments of a wave; open shipments at
-- one address (automatic merges); shipments with a tracking number whose orders still ship.
CREATE INDEX shipments_created_idx ON shipments (tenant_id, created_at, shipment_id);
CREATE INDEX shipments_status_idx ON shipments (tenant_id, status, created_at, shipment_id);
CREATE INDEX shipments_wave_idx ON shipments (tenant_id, wave_id);
CREATE INDEX shipments_address_idx ON shipments (tenant_id, address_key, status);
-- A tracking number names one parcel of one carrier.
CREATE UNIQUE INDEX shipments_tracking_idx ON shipments (tenant_id, carrier, tracking_number);

-- Which shipment each order travels in (one at a time: the primary key), the lines it brings and
-- how far its own shipment command has got (OPEN, SHIPPED, REFUSED).
CREATE TABLE shipment_orders (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  shipment_id VARCHAR(16) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  channel_order_id VARCHAR(255) NOT NULL,
  placed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  lines_json VARCHAR(20000) NOT NULL,
  gift_wrap BOOLEAN NOT NULL,
  note VARCHAR(1000),
  delivery_date DATE,
  ship_state VARCHAR(16) NOT NULL,
  ship_error VARCHAR(500),
  PRIMARY KEY (tenant_id, order_id)
);

CREATE INDEX shipment_orders_shipment_idx ON shipment_orders (tenant_id, shipment_id);
CREATE INDEX shipment_orders_state_idx ON shipment_orders (ship_state, tenant_id);

-- A wave: shipments picked and labelled together with one carrier.
CREATE TABLE shipment_waves (
  tenant_id VARCHAR(255) NOT NULL,
  wave_id VARCHAR(128) NOT NULL,
  carrier VARCHAR(32) NOT NULL,
  request_hash VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  labeled_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (tenant_id, wave_id)
);

-- Allocated orders not yet in a shipment are found from the order read side by status.
CREATE INDEX orders_status_placed_idx ON orders (status, placed_at);

-- One row per tenant and address (a hash of its normalised key) where orders may be merged:
-- creating a shipment there locks the row first, so two orders of one buyer arriving at once on
-- two nodes see each other and share a parcel instead of each starting one.
CREATE TABLE shipment_locks (
  tenant_id VARCHAR(255) NOT NULL,
  lock_key CHAR(64) NOT NULL,
  PRIMARY KEY (tenant_id, lock_key)
);
