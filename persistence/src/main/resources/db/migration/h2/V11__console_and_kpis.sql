-- Facts the operations reports are computed from, kept by the order-kpi and stock-kpi
-- projections from the journal. Each table says exactly what one figure needs, so a report reads
-- rows in its period instead of replaying events.

-- One row per order: when it was placed, how its first allocation went, when it waited for stock,
-- when it was held, when its last unit shipped and whether it was cancelled.
CREATE TABLE kpi_orders (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  placed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  first_outcome_at TIMESTAMP WITH TIME ZONE,
  waited_at TIMESTAMP WITH TIME ZONE,
  allocated_at TIMESTAMP WITH TIME ZONE,
  oversold_units BIGINT DEFAULT 0 NOT NULL,
  shipped_at TIMESTAMP WITH TIME ZONE,
  cancelled_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (tenant_id, order_id)
);

CREATE INDEX kpi_orders_placed_idx ON kpi_orders (tenant_id, placed_at);
CREATE INDEX kpi_orders_shipped_idx ON kpi_orders (tenant_id, shipped_at);

-- The units of each order line SKU (a bundle as itself), for units sold per SKU and channel.
CREATE TABLE kpi_order_lines (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  placed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, order_id, sku)
);

CREATE INDEX kpi_order_lines_placed_idx ON kpi_order_lines (tenant_id, placed_at);

-- What the order's latest allocation attempt asked of each component SKU.
CREATE TABLE kpi_order_demand (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, order_id, sku)
);

-- Units an order could not get from stock on its first attempt, per component SKU: refused
-- (the order had to wait) or taken as a backorder beyond stock.
CREATE TABLE kpi_oversold (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  placed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  units BIGINT NOT NULL,
  reason VARCHAR(16) NOT NULL,
  PRIMARY KEY (tenant_id, order_id, sku)
);

CREATE INDEX kpi_oversold_placed_idx ON kpi_oversold (tenant_id, placed_at);

-- Parcels out (shipments) and back (returns), in order line units, for the return rate and the
-- time an order's last unit left.
CREATE TABLE kpi_parcels (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  parcel_id VARCHAR(255) NOT NULL,
  happened_at TIMESTAMP WITH TIME ZONE NOT NULL,
  units BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, order_id, kind, parcel_id)
);

CREATE INDEX kpi_parcels_at_idx ON kpi_parcels (tenant_id, kind, happened_at);

-- Orders taken per minute. Each projection instance (one per journal tag) counts in its own
-- slice, so two instances never race for one row; readers add the slices up.
CREATE TABLE kpi_orders_per_minute (
  tenant_id VARCHAR(255) NOT NULL,
  minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
  slice VARCHAR(32) NOT NULL,
  orders BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, minute_start, slice)
);

-- Each SKU's on hand as the stock-kpi projection has followed it, and every change of it, with
-- the units that left by shipment. Average on hand over a period is worked out from these steps.
CREATE TABLE kpi_sku_on_hand (
  tenant_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  on_hand BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, sku)
);

CREATE TABLE kpi_stock_moves (
  tenant_id VARCHAR(255) NOT NULL,
  sku VARCHAR(255) NOT NULL,
  seq_nr BIGINT NOT NULL,
  happened_at TIMESTAMP WITH TIME ZONE NOT NULL,
  delta BIGINT NOT NULL,
  on_hand_after BIGINT NOT NULL,
  shipped BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, sku, seq_nr)
);

CREATE INDEX kpi_stock_moves_at_idx ON kpi_stock_moves (tenant_id, happened_at);

-- The console's overview lists sold-out SKUs every few seconds; without this it would read every
-- SKU of the tenant each time.
CREATE INDEX sku_summary_available_idx ON sku_summary (tenant_id, available);
