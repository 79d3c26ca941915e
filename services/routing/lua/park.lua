-- Every target is exhausted: the item waits in the unassigned queue until a fitting worker
-- frees up or comes online. It is never dropped.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, item, kind, account, rule, reason, item_json
local ctx = event_context()
local now = ctx.now
local item_id, kind, account, rule, reason = ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local item = P .. 'item:' .. item_id
local state = redis.call('HGET', item, 'state')
if state == 'assigned' or state == 'closed' or state == 'offered' then return 0 end
redis.call('HSET', item, 'state', 'parked', 'kind', kind, 'account', account, 'rule', rule,
  'target', -1, 'tcount', 0)
if redis.call('HEXISTS', item, 'doc') == 0 then redis.call('HSET', item, 'doc', ARGV[11]) end
redis.call('DEL', P .. 'tried:' .. item_id)
if redis.call('ZADD', P .. 'parked', 'NX', now, item_id) == 1 then
  emit(ctx, account, 'WorkItemParked', 15,
    item_ref(kind, item_id, account) .. pb_str(2, rule) .. pb_str(3, reason))
end
return 1
