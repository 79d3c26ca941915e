-- A worker declines a pending offer: the reservation is released and, once the item has no
-- live offer left, it goes back to routing (the engine offers it to the next candidate).
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, offer_id, worker, reason
-- Returns {item_id, live_offers_left}
local now = tonumber(ARGV[1])
local ctx = { now = now, producer = ARGV[2], trace = ARGV[3], topic = ARGV[4], id_base = ARGV[5], seq = 0 }
local offer_id, worker_id, reason = ARGV[6], ARGV[7], ARGV[8]
local offer = P .. 'offer:' .. offer_id
local o = redis.call('HMGET', offer, 'item', 'worker', 'state', 'day')
if o[1] == false then return redis.error_reply('NOT_FOUND offer ' .. offer_id .. ' does not exist') end
if o[2] ~= worker_id then
  return redis.error_reply('PERMISSION_DENIED offer ' .. offer_id .. ' was made to another worker')
end
if o[3] ~= 'pending' then
  return redis.error_reply('FAILED_PRECONDITION offer ' .. offer_id .. ' is ' .. o[3])
end
local item_id = o[1]
local it = redis.call('HMGET', P .. 'item:' .. item_id, 'kind', 'account')
redis.call('HSET', offer, 'state', 'declined')
redis.call('PEXPIRE', offer, OFFER_RETENTION_MS)
redis.call('ZREM', P .. 'due', offer_id)
redis.call('SREM', P .. 'io:' .. item_id, offer_id)
release(worker_id, o[4])
emit(ctx, it[2], 'WorkItemDeclined', 12,
  item_ref(it[1], item_id, it[2]) .. pb_str(2, offer_id) .. pb_str(3, worker_id) .. pb_str(4, reason))
local left = redis.call('SCARD', P .. 'io:' .. item_id)
if left == 0 then redis.call('HSET', P .. 'item:' .. item_id, 'state', 'routing') end
return { item_id, left }
