-- Owed holds, incoming deliveries and bundles on the SKU read side. Rows written before this
-- version belong to ordinary SKUs with nothing owed and nothing incoming, which the defaults say.
-- A constant default is stored once in the catalogue, so adding these columns does not rewrite
-- the table.

ALTER TABLE sku_summary ADD COLUMN backordered BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN preordered BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN incoming BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE sku_summary ADD COLUMN is_bundle BOOLEAN DEFAULT FALSE NOT NULL;

-- What one unit of each bundle is made of, kept by the sku-summary projection. A bundle's
-- available is worked out from its components' rows when it is read, so a change to a component
-- never has to touch the bundles that use it. SKU codes use the C collation, as in sku_summary.
CREATE TABLE sku_components (
  tenant_id VARCHAR(255) NOT NULL,
  bundle_sku VARCHAR(255) COLLATE "C" NOT NULL,
  component_sku VARCHAR(255) COLLATE "C" NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, bundle_sku, component_sku)
);
