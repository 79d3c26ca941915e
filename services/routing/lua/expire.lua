-- Claims up to ARGV[6] offers whose deadline passed and expires them: reservation released,
-- event emitted, item back to routing once it has no live offer. Safe with any number of
-- engine instances: an offer is claimed by exactly one call.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, limit
-- Returns the ids of items that need routing again.
local ctx = event_context()
local now = ctx.now
local due = redis.call('ZRANGEBYSCORE', P .. 'due', '-inf', now, 'LIMIT', 0, tonumber(ARGV[6]))
local reroute = {}
for _, offer_id in ipairs(due) do
  redis.call('ZREM', P .. 'due', offer_id)
  local offer = P .. 'offer:' .. offer_id
  local o = redis.call('HMGET', offer, 'item', 'worker', 'state', 'day')
  if o[3] == 'pending' then
    local item_id = o[1]
    local it = redis.call('HMGET', P .. 'item:' .. item_id, 'kind', 'account')
    redis.call('HSET', offer, 'state', 'expired')
    redis.call('PEXPIRE', offer, OFFER_RETENTION_MS)
    redis.call('SREM', P .. 'io:' .. item_id, offer_id)
    offer_closed(offer_id, o[2])
    free_capacity(o[2], o[4])
    emit(ctx, it[2], 'WorkItemOfferExpired', 13,
      item_ref(it[1], item_id, it[2]) .. pb_str(2, offer_id) .. pb_str(3, o[2]))
    if redis.call('SCARD', P .. 'io:' .. item_id) == 0 then
      redis.call('HSET', P .. 'item:' .. item_id, 'state', 'routing')
      reroute[#reroute + 1] = item_id
    end
  end
end
return reroute
