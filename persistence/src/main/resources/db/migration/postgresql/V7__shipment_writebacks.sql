-- Shipments to report to the marketplace their order came from. The order projection writes a row
-- for every shipment with a tracking number of an order from a marketplace channel, in the same
-- transaction as the order's new status, so a shipment cannot be lost between the two; the
-- channel sends it through its throttle and marks it sent, or notes why the marketplace refused.
CREATE TABLE shipment_writebacks (
  tenant_id VARCHAR(255) NOT NULL,
  order_id VARCHAR(255) NOT NULL,
  shipment_id VARCHAR(255) NOT NULL,
  channel_id VARCHAR(255) NOT NULL,
  channel_order_id VARCHAR(255) NOT NULL,
  carrier VARCHAR(255),
  tracking_number VARCHAR(255) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  sent_at TIMESTAMP WITH TIME ZONE,
  attempts INT DEFAULT 0 NOT NULL,
  last_error VARCHAR(500),
  last_error_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (tenant_id, order_id, shipment_id)
);

-- What a channel still has to send, oldest first.
CREATE INDEX shipment_writebacks_pending_idx
  ON shipment_writebacks (tenant_id, channel_id, sent_at, created_at);
