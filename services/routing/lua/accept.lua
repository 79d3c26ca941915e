-- Accepts an offer: the item is assigned to the worker with a new fencing version, the other
-- live offers of the item are rescinded, and if the account has no owner of this kind yet the
-- acceptor becomes its owner (first-inquiry responsibility).
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, offer_id, worker, owner_kind
-- Returns {fencing_version, owner_became (0/1), item_id, account, worker's organisation}
local ctx = event_context()
local now = ctx.now
local offer_id, worker_id, owner_kind = ARGV[6], ARGV[7], ARGV[8]
local offer = P .. 'offer:' .. offer_id
local o, refused = pending_offer(offer_id, worker_id)
if not o then return refused end
if o.deadline <= now then
  return redis.error_reply('FAILED_PRECONDITION offer ' .. offer_id .. ' has expired')
end
local item_id = o.item
local item = P .. 'item:' .. item_id
local it = redis.call('HMGET', item, 'state', 'kind', 'account')
if it[1] == 'assigned' or it[1] == 'closed' then
  return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is already ' .. it[1])
end
local kind, account = it[2], it[3]
local fence = redis.call('HINCRBY', item, 'fence', 1)
redis.call('HSET', item, 'state', 'assigned', 'assignee', worker_id, 'assigned_at', now)
redis.call('HSET', offer, 'state', 'accepted')
redis.call('PEXPIRE', offer, OFFER_RETENTION_MS)
redis.call('ZREM', P .. 'due', offer_id)
redis.call('SREM', P .. 'io:' .. item_id, offer_id)
offer_closed(offer_id, worker_id)
local wf = redis.call('HMGET', P .. 'w:' .. worker_id, 'org', 'pools', 'cap', 'load', 'spared')
local org = wf[1] or ''
redis.call('HSET', P .. 'w:' .. worker_id, 'idle', now)
touch_idle(worker_id, wf[2] or '', now)
if wf[5] == '1' then
  touch_spare(worker_id, wf[2] or '', tonumber(wf[3] or '0'), tonumber(wf[4] or '0'), now)
end
-- Broadcast: the first acceptor wins, every other live offer is withdrawn.
rescind_live_offers(ctx, item_id, kind, account)
redis.call('DEL', P .. 'tried:' .. item_id)
-- Assignment log for fairness reports; older than 30 days is dropped as it grows.
local asg = P .. 'asg:' .. o.pool
redis.call('ZADD', asg, now, item_id .. '|' .. worker_id)
redis.call('ZREMRANGEBYSCORE', asg, '-inf', now - 30 * 24 * 3600 * 1000)
emit(ctx, account, 'WorkItemAssigned', 11,
  item_ref(kind, item_id, account) .. pb_str(2, offer_id) .. pb_str(3, worker_id) .. pb_str(4, org) ..
  pb_int(5, fence))
local owner_key = P .. 'own:' .. owner_kind .. ':' .. account
local became = 0
if redis.call('SETNX', owner_key, worker_id) == 1 then
  became = 1
  emit(ctx, account, 'AccountOwnerChanged', 16,
    pb_str(1, account) .. pb_int(2, owner_kind == 'sales' and 1 or 2) .. pb_str(4, worker_id) ..
    pb_str(5, org))
end
return { fence, became, item_id, account, org }
