-- Orders imported from marketplaces (webhooks and polling): their lines as the marketplace named
-- them, which a shipment report needs (a Rakuten basket, an Amazon order item, a Shopify
-- fulfillment order). No buyer data is kept here; the order itself holds it.
CREATE TABLE marketplace_orders (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  channel_order_id VARCHAR(255) NOT NULL,
  lines_json VARCHAR(20000) NOT NULL,
  unmapped_lines INT NOT NULL,
  imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, channel_id, channel_order_id)
);

-- How far each channel's order pull has read: orders placed from this time on are pulled next.
CREATE TABLE order_pull_marks (
  tenant_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  pulled_since TIMESTAMP WITH TIME ZONE NOT NULL,
  pulled_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (tenant_id, channel_id)
);
