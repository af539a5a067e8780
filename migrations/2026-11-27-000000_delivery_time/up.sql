-- The delivery time a product's page states, as
-- {"min_days": 2, "max_days": 3, "business_days": true}; NULL when the page
-- states none. The rank node holds it against the request's deadline.
ALTER TABLE products ADD COLUMN delivery jsonb;
