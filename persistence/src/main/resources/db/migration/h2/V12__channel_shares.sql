-- Units set aside in channels' shares of a SKU's last units: on show at one marketplace each, or
-- sold there and not yet placed as orders. They are not available, like owed holds.
ALTER TABLE sku_summary ADD COLUMN shared BIGINT DEFAULT 0 NOT NULL;
