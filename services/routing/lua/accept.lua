-- Accepts an offer: the item is assigned to the worker with a new fencing version, the other
-- live offers of the item are rescinded, and if the account has no owner of this kind yet the
-- acceptor becomes its owner (first-inquiry responsibility).
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, offer_id, worker, owner_kind
-- Returns {fencing_version, owner_became (0/1), item_id, account}
local now = tonumber(ARGV[1])
local ctx = { now = now, producer = ARGV[2], trace = ARGV[3], topic = ARGV[4], id_base = ARGV[5], seq = 0 }
local offer_id, worker_id, owner_kind = ARGV[6], ARGV[7], ARGV[8]
local offer = P .. 'offer:' .. offer_id
local o = redis.call('HMGET', offer, 'item', 'worker', 'deadline', 'state', 'day', 'pool')
if o[1] == false then return redis.error_reply('NOT_FOUND offer ' .. offer_id .. ' does not exist') end
if o[2] ~= worker_id then
  return redis.error_reply('PERMISSION_DENIED offer ' .. offer_id .. ' was made to another worker')
end
if o[4] ~= 'pending' then
  return redis.error_reply('FAILED_PRECONDITION offer ' .. offer_id .. ' is ' .. o[4])
end
if tonumber(o[3]) <= now then
  return redis.error_reply('FAILED_PRECONDITION offer ' .. offer_id .. ' has expired')
end
local item_id = o[1]
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
local wf = redis.call('HMGET', P .. 'w:' .. worker_id, 'org', 'pools')
local org = wf[1] or ''
redis.call('HSET', P .. 'w:' .. worker_id, 'idle', now)
touch_idle(worker_id, wf[2] or '', now)
-- Broadcast: the first acceptor wins, every other live offer is withdrawn.
rescind_live_offers(ctx, item_id, kind, account)
redis.call('DEL', P .. 'tried:' .. item_id)
-- Assignment log for fairness reports; older than 30 days is dropped as it grows.
local asg = P .. 'asg:' .. (o[6] or '')
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
return { fence, became, item_id, account }
