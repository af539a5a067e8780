ALTER TABLE products DROP COLUMN delivery;
