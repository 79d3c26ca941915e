-- A worker declines a pending offer: the reservation is released and, once the item has no
-- live offer left, it goes back to routing (the engine offers it to the next candidate).
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, offer_id, worker, reason
-- Returns {item_id, live_offers_left}
local ctx = event_context()
local now = ctx.now
local offer_id, worker_id, reason = ARGV[6], ARGV[7], ARGV[8]
local offer = P .. 'offer:' .. offer_id
local o, refused = pending_offer(offer_id, worker_id)
if not o then return refused end
local item_id = o.item
local it = redis.call('HMGET', P .. 'item:' .. item_id, 'kind', 'account')
redis.call('HSET', offer, 'state', 'declined')
redis.call('PEXPIRE', offer, OFFER_RETENTION_MS)
redis.call('ZREM', P .. 'due', offer_id)
redis.call('SREM', P .. 'io:' .. item_id, offer_id)
offer_closed(offer_id, worker_id)
free_capacity(worker_id, o.day)
emit(ctx, it[2], 'WorkItemDeclined', 12,
  item_ref(it[1], item_id, it[2]) .. pb_str(2, offer_id) .. pb_str(3, worker_id) .. pb_str(4, reason))
local left = redis.call('SCARD', P .. 'io:' .. item_id)
if left == 0 then redis.call('HSET', P .. 'item:' .. item_id, 'state', 'routing') end
return { item_id, left }
