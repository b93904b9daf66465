-- The sample database of `make demo`: an online shop. The placeholder in
-- generate_series below is replaced by the number of analytics.events rows.
-- Run as the database owner (SET ROLE) so that the demo user owns, and may
-- change, everything.
SELECT setseed(0.42);

CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE SCHEMA analytics;
COMMENT ON SCHEMA sales IS 'Customers, their orders and what they bought';
COMMENT ON SCHEMA inventory IS 'Products, warehouses and stock levels';
COMMENT ON SCHEMA analytics IS 'Click-stream events and reporting views';

CREATE TYPE sales.order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');
COMMENT ON TYPE sales.order_status IS 'Life cycle of an order';

CREATE DOMAIN sales.email AS text
	CHECK (VALUE ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$');
COMMENT ON DOMAIN sales.email IS 'An e-mail address (roughly validated)';

CREATE DOMAIN inventory.quantity AS integer CHECK (VALUE >= 0);
COMMENT ON DOMAIN inventory.quantity IS 'A number of items on hand, never negative';

-- customers ---------------------------------------------------------------
CREATE TABLE sales.customers (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email        sales.email NOT NULL UNIQUE,
	full_name    text NOT NULL,
	country      char(2) NOT NULL,
	signed_up_at timestamptz NOT NULL,
	preferences  jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE sales.customers IS 'People who signed up to the shop';
COMMENT ON COLUMN sales.customers.country IS 'ISO 3166-1 alpha-2 country code';
COMMENT ON COLUMN sales.customers.preferences IS 'Newsletter, language and notification settings (JSON)';

INSERT INTO sales.customers (email, full_name, country, signed_up_at, preferences)
SELECT lower(f || '.' || l || i || '@example.com'),
	f || ' ' || l,
	(ARRAY['US','GB','DE','FR','NL','SE','ES','IT','PL','CA','AU','JP','BR','IN'])[1 + i % 14],
	now() - interval '3 years' + (i * interval '3 hours 7 minutes'),
	jsonb_build_object(
		'newsletter', i % 3 = 0,
		'language', (ARRAY['en','de','fr','nl','sv','es','it','pl','ja','pt'])[1 + i % 10],
		'notifications', jsonb_build_object('email', true, 'sms', i % 5 = 0, 'push', i % 2 = 0),
		'favourite_categories', jsonb_build_array(
			(ARRAY['books','garden','kitchen','toys','outdoor','office','electronics'])[1 + i % 7],
			(ARRAY['books','garden','kitchen','toys','outdoor','office','electronics'])[1 + (i * 3 + 1) % 7]))
FROM generate_series(1, 5000) AS i,
	LATERAL (SELECT (ARRAY['Ada','Alan','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Edsger','Radia','Donald','Hedy','John','Katherine','Niklaus','Sophie','Tim','Yukihiro','Guido'])[1 + i % 20] AS f,
		(ARRAY['Lovelace','Turing','Hopper','Torvalds','Hamilton','Thompson','Liskov','Ritchie','Allen','Dijkstra','Perlman','Knuth','Lamarr','Backus','Johnson','Wirth','Wilson','Berners-Lee','Matsumoto','van Rossum','Stonebraker'])[1 + (i * 7) % 21] AS l) AS n;

-- products, warehouses, stock ------------------------------------------------
CREATE TABLE inventory.products (
	id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sku        text NOT NULL UNIQUE,
	name       text NOT NULL,
	category   text NOT NULL,
	price      numeric(10,2) NOT NULL CHECK (price >= 0),
	attributes jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE inventory.products IS 'The catalogue';
COMMENT ON COLUMN inventory.products.sku IS 'Stock keeping unit, unique per product';
COMMENT ON COLUMN inventory.products.attributes IS 'Colour, weight, dimensions and tags (JSON)';

INSERT INTO inventory.products (sku, name, category, price, attributes, created_at)
SELECT upper(left(cat, 3)) || '-' || lpad(i::text, 4, '0'),
	adj || ' ' || noun,
	cat,
	round((5 + random() * 295)::numeric, 2),
	jsonb_build_object(
		'color', (ARRAY['red','green','blue','black','white','oak','steel'])[1 + i % 7],
		'weight_g', 100 + (i * 37) % 4900,
		'dimensions', jsonb_build_object('width_cm', 5 + i % 60, 'height_cm', 3 + (i * 3) % 40, 'depth_cm', 2 + (i * 5) % 30),
		'tags', CASE WHEN i % 4 = 0 THEN '["eco", "bestseller"]'::jsonb WHEN i % 4 = 1 THEN '["new"]'::jsonb
			WHEN i % 4 = 2 THEN '["eco"]'::jsonb ELSE '[]'::jsonb END,
		'supplier', jsonb_build_object('name', (ARRAY['Acme','Globex','Initech','Umbrella','Hooli'])[1 + i % 5], 'lead_time_days', 2 + i % 12)),
	now() - (i * interval '2 days')
FROM generate_series(1, 200) AS i,
	LATERAL (SELECT (ARRAY['books','garden','kitchen','toys','outdoor','office','electronics'])[1 + i % 7] AS cat,
		(ARRAY['Compact','Deluxe','Classic','Smart','Rugged','Tiny','Ultra','Vintage','Eco','Pro'])[1 + (i / 7) % 10] AS adj,
		(ARRAY['Lamp','Kettle','Backpack','Notebook','Drone','Chair','Puzzle','Speaker','Planter','Tent','Mug','Keyboard','Shovel','Blender','Kite'])[1 + i % 15] AS noun) AS n;

CREATE TABLE inventory.warehouses (
	id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code    text NOT NULL UNIQUE,
	city    text NOT NULL,
	country char(2) NOT NULL,
	address jsonb NOT NULL
);
COMMENT ON TABLE inventory.warehouses IS 'Where the stock is kept';

INSERT INTO inventory.warehouses (code, city, country, address) VALUES
	('AMS1', 'Amsterdam', 'NL', '{"street": "Keizersgracht 1", "postcode": "1015 CN", "geo": {"lat": 52.3676, "lon": 4.9041}, "dock_doors": 12}'),
	('BER1', 'Berlin', 'DE', '{"street": "Hauptstraße 5", "postcode": "10827", "geo": {"lat": 52.52, "lon": 13.405}, "dock_doors": 8}'),
	('LON1', 'London', 'GB', '{"street": "1 Canal Side", "postcode": "E14 5AB", "geo": {"lat": 51.5072, "lon": -0.1276}, "dock_doors": 16}'),
	('NYC1', 'Newark', 'US', '{"street": "100 Port St", "postcode": "07114", "geo": {"lat": 40.7357, "lon": -74.1724}, "dock_doors": 24}'),
	('TYO1', 'Tokyo', 'JP', '{"street": "1-1 Koto", "postcode": "135-0061", "geo": {"lat": 35.6762, "lon": 139.6503}, "dock_doors": 10}');

CREATE TABLE inventory.stock (
	warehouse_id integer NOT NULL REFERENCES inventory.warehouses,
	product_id   integer NOT NULL REFERENCES inventory.products,
	quantity     inventory.quantity NOT NULL,
	updated_at   timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (warehouse_id, product_id)
);
COMMENT ON TABLE inventory.stock IS 'Items on hand per warehouse and product';

INSERT INTO inventory.stock (warehouse_id, product_id, quantity, updated_at)
SELECT w.id, p.id, floor(random() * 500)::int, now() - random() * interval '30 days'
FROM inventory.warehouses w CROSS JOIN inventory.products p
WHERE (w.id + p.id) % 5 <> 0;

-- orders ----------------------------------------------------------------------
CREATE TABLE sales.orders (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id bigint NOT NULL,
	status      sales.order_status NOT NULL DEFAULT 'pending',
	ordered_at  timestamptz NOT NULL,
	shipping    jsonb NOT NULL,
	note        text
);
COMMENT ON TABLE sales.orders IS 'One row per checkout';
COMMENT ON COLUMN sales.orders.shipping IS 'Carrier, address and tracking (JSON)';

INSERT INTO sales.orders (customer_id, status, ordered_at, shipping, note)
SELECT c, s::sales.order_status, t,
	jsonb_build_object(
		'method', (ARRAY['standard','express','pickup'])[1 + i % 3],
		'carrier', (ARRAY['DHL','UPS','PostNL','Royal Mail','Yamato'])[1 + i % 5],
		'address', jsonb_build_object('street', (i % 300) || ' Main Street', 'city', (ARRAY['Springfield','Rivertown','Lakeside','Hill Valley','Gotham'])[1 + i % 5], 'postcode', lpad((i % 99999)::text, 5, '0')),
		'tracking', CASE WHEN s IN ('shipped', 'delivered') THEN jsonb_build_object('number', upper(substr(md5(i::text), 1, 12)), 'events', jsonb_build_array(
			jsonb_build_object('at', t + interval '1 day', 'what', 'picked up'),
			jsonb_build_object('at', t + interval '2 days', 'what', 'in transit'))) END),
	CASE WHEN i % 17 = 0 THEN 'Please leave at the door' WHEN i % 23 = 0 THEN 'Gift wrap, no invoice in the box' END
FROM generate_series(1, 50000) AS i,
	LATERAL (SELECT 1 + floor(random() * 5000)::bigint AS c,
		now() - random() * interval '730 days' AS t,
		CASE WHEN r < 0.05 THEN 'pending' WHEN r < 0.15 THEN 'paid' WHEN r < 0.30 THEN 'shipped'
			WHEN r < 0.90 THEN 'delivered' WHEN r < 0.96 THEN 'cancelled' ELSE 'refunded' END AS s
		FROM (SELECT random() AS r, i AS row_no) AS x) AS o;

CREATE TABLE sales.order_items (
	order_id   bigint NOT NULL,
	line_no    smallint NOT NULL,
	product_id integer NOT NULL,
	quantity   integer NOT NULL CHECK (quantity > 0),
	unit_price numeric(10,2) NOT NULL,
	PRIMARY KEY (order_id, line_no)
);
COMMENT ON TABLE sales.order_items IS 'The lines of an order';
COMMENT ON COLUMN sales.order_items.unit_price IS 'Price per item when the order was placed';

INSERT INTO sales.order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT o.id, n, p.id, 1 + (o.id + n) % 3, p.price
FROM sales.orders o
	CROSS JOIN LATERAL generate_series(1, 1 + (o.id % 4)::int) AS n
	JOIN inventory.products p ON p.id = 1 + (o.id * 7 + n * 31) % 200;

-- click stream ----------------------------------------------------------------
CREATE TABLE analytics.events (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	occurred_at timestamptz NOT NULL,
	customer_id bigint,
	kind        text NOT NULL,
	payload     jsonb NOT NULL
);
COMMENT ON TABLE analytics.events IS 'Click-stream events from the web shop';
COMMENT ON COLUMN analytics.events.customer_id IS 'NULL for visitors who were not signed in';
COMMENT ON COLUMN analytics.events.payload IS 'Session, device and page details (JSON)';

INSERT INTO analytics.events (occurred_at, customer_id, kind, payload)
SELECT now() - i * interval '30 seconds',
	CASE WHEN i % 5 = 0 THEN NULL ELSE 1 + (i::bigint * 7919) % 5000 END,
	k,
	jsonb_build_object(
		'session', substr(md5((i / 20)::text), 1, 16),
		'device', jsonb_build_object('type', (ARRAY['desktop','mobile','tablet'])[1 + i % 3], 'os', (ARRAY['Linux','macOS','Windows','iOS','Android'])[1 + i % 5]),
		'page', CASE k WHEN 'search' THEN '/search' WHEN 'checkout' THEN '/checkout' ELSE '/products/' || (1 + i % 200) END,
		'duration_ms', (i * 37) % 5000)
		|| CASE k WHEN 'search' THEN jsonb_build_object('query', (ARRAY['lamp','eco kettle','tent','gift','usb keyboard'])[1 + i % 5])
			WHEN 'add_to_cart' THEN jsonb_build_object('product_id', 1 + i % 200, 'quantity', 1 + i % 3)
			ELSE '{}'::jsonb END
FROM generate_series(1, {{events}}) AS i,
	LATERAL (SELECT (ARRAY['page_view','page_view','page_view','search','add_to_cart','login','checkout'])[1 + i % 7] AS k) AS e;

-- foreign keys, added after loading: one join each instead of a check per row
ALTER TABLE sales.orders ADD FOREIGN KEY (customer_id) REFERENCES sales.customers;
ALTER TABLE sales.order_items ADD FOREIGN KEY (order_id) REFERENCES sales.orders ON DELETE CASCADE;
ALTER TABLE sales.order_items ADD FOREIGN KEY (product_id) REFERENCES inventory.products;
ALTER TABLE analytics.events ADD FOREIGN KEY (customer_id) REFERENCES sales.customers;

-- indexes -----------------------------------------------------------------------
CREATE INDEX orders_customer_id_idx ON sales.orders (customer_id);
CREATE INDEX orders_ordered_at_idx ON sales.orders (ordered_at);
CREATE INDEX orders_open_idx ON sales.orders (ordered_at) WHERE status IN ('pending', 'paid');
CREATE INDEX order_items_product_id_idx ON sales.order_items (product_id);
CREATE INDEX products_attributes_idx ON inventory.products USING gin (attributes);
CREATE INDEX customers_country_idx ON sales.customers (country);
CREATE INDEX events_occurred_at_idx ON analytics.events (occurred_at);
CREATE INDEX events_customer_id_idx ON analytics.events (customer_id);

-- views and functions -----------------------------------------------------------
CREATE VIEW sales.order_totals AS
SELECT o.id AS order_id, o.customer_id, o.status, o.ordered_at,
	count(*) AS items, sum(i.quantity * i.unit_price) AS total
FROM sales.orders o JOIN sales.order_items i ON i.order_id = o.id
GROUP BY o.id;
COMMENT ON VIEW sales.order_totals IS 'Orders with their number of lines and total amount';

CREATE MATERIALIZED VIEW analytics.daily_revenue AS
SELECT ordered_at::date AS day, count(*) AS orders, sum(total) AS revenue
FROM sales.order_totals
WHERE status IN ('paid', 'shipped', 'delivered')
GROUP BY 1;
CREATE UNIQUE INDEX daily_revenue_day_idx ON analytics.daily_revenue (day);
COMMENT ON MATERIALIZED VIEW analytics.daily_revenue IS 'Revenue per day; REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.daily_revenue to update';

CREATE FUNCTION sales.customer_lifetime_value(customer bigint) RETURNS numeric
LANGUAGE sql STABLE
RETURN (SELECT coalesce(sum(total), 0) FROM sales.order_totals
	WHERE customer_id = customer AND status IN ('paid', 'shipped', 'delivered'));
COMMENT ON FUNCTION sales.customer_lifetime_value(bigint) IS 'What a customer has spent on orders that were not cancelled or refunded';

CREATE FUNCTION inventory.restock(product integer, warehouse integer, amount integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	on_hand integer;
BEGIN
	IF amount <= 0 THEN
		RAISE EXCEPTION 'restock amount must be positive, not %', amount
			USING HINT = 'To remove stock, record a sale instead.';
	END IF;
	INSERT INTO inventory.stock AS s (warehouse_id, product_id, quantity)
	VALUES (warehouse, product, amount)
	ON CONFLICT (warehouse_id, product_id)
		DO UPDATE SET quantity = s.quantity + excluded.quantity, updated_at = now()
	RETURNING s.quantity INTO on_hand;
	RETURN on_hand;
END
$$;
COMMENT ON FUNCTION inventory.restock(integer, integer, integer) IS 'Adds stock to a warehouse and returns the new quantity on hand';

ANALYZE;
