-- Owed holds, incoming deliveries and bundles on the SKU read side. Rows written before this
-- version belong to ordinary SKUs with nothing owed and nothing incoming, which the defaults say.
-- One column per statement, a form that both vendors read the same way.

ALTER TABLE sku_summary ADD COLUMN backordered BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN preordered BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN incoming BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN is_bundle BOOLEAN DEFAULT FALSE NOT NULL;

-- What one unit of each bundle is made of, kept by the sku-summary projection. A bundle's
-- available is worked out from its components' rows when it is read, so a change to a component
-- never has to touch the bundles that use it.
CREATE TABLE sku_components (
  tenant_id VARCHAR(255) NOT NULL,
  bundle_sku VARCHAR(255) NOT NULL,
  component_sku VARCHAR(255) NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, bundle_sku, component_sku)
);
