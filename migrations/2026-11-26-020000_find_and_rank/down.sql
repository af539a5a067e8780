DROP TABLE shortlist_entries;
DROP INDEX products_search_idx;
ALTER TABLE products DROP COLUMN search_vector;
DROP FUNCTION procura_product_text(text, text, text, jsonb);
