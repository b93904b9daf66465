-- Welcome to Tusk!
--
-- This tab is connected to "Demo shop (local)": a throwaway PostgreSQL
-- database that `make demo` seeded and removes again when Tusk exits. Its
-- schemas sales, inventory and analytics hold an online shop: customers,
-- products, orders, stock and a million click-stream events.
--
--   Ctrl+Enter         run the statement under the cursor (or the selection)
--   Shift+Ctrl+Enter   run the whole tab, one statement after the other
--   Esc                cancel the running query
--   (Cmd instead of Ctrl on macOS)
--
-- Put the cursor in a query below and press Ctrl+Enter.

-- 1. Top customers: joins and aggregation
select c.id, c.full_name, c.country,
       count(distinct o.id) as orders,
       sum(i.quantity * i.unit_price) as spent
from sales.customers c
join sales.orders o on o.customer_id = c.id
join sales.order_items i on i.order_id = o.id
where o.status in ('paid', 'shipped', 'delivered')
group by c.id
order by spent desc
limit 20;

-- 2. JSON: dig into nested jsonb and filter with containment (@>)
select name,
       attributes ->> 'color' as color,
       (attributes -> 'dimensions' ->> 'width_cm')::int as width_cm,
       attributes #>> '{supplier,name}' as supplier,
       attributes -> 'tags' as tags
from inventory.products
where attributes @> '{"tags": ["eco"]}'
order by name;

-- 3. JSON in orders: where did the parcels go, and how far did they get?
select id, status, shipping #>> '{address,city}' as city,
       shipping -> 'tracking' ->> 'number' as tracking_number,
       jsonb_array_length(shipping -> 'tracking' -> 'events') as tracking_events
from sales.orders
where status = 'shipped'
order by ordered_at desc
limit 50;

-- 4. A window function: each customer's orders with a running total
select customer_id, order_id, ordered_at::date as day, total,
       row_number() over w as nth_order,
       sum(total) over w as running_total
from sales.order_totals
where customer_id between 1 and 5
window w as (partition by customer_id order by ordered_at)
order by customer_id, ordered_at;

-- 5. Functions: one in SQL, one in PL/pgSQL (restock adds 25 items)
select sales.customer_lifetime_value(42) as lifetime_value,
       inventory.restock(1, 1, 25) as on_hand;

-- 6. A materialized view (REFRESH MATERIALIZED VIEW updates it)
select * from analytics.daily_revenue order by day desc limit 30;

-- 7. One million rows: the grid streams them in, scroll as far as you like
select * from analytics.events;

-- 8. A slow query: run it, then press Esc to cancel it
select pg_sleep(10);

-- 9. An intentional mistake: the editor marks where the error is
select id, full_name, emial from sales.customers;
