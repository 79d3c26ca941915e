-- Withdraws an item from its current offers: `cancel` closes it for good (an assigned item
-- frees its worker's capacity), `escalate` (an SLA breach) moves it on to the rule's next
-- target. Live offers are rescinded with events; nothing else about the item is lost.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, item, mode (cancel | escalate)
-- Returns {state_before, rule, next_target}
local ctx = event_context()
local now = ctx.now
local item_id, mode = ARGV[6], ARGV[7]
local item = P .. 'item:' .. item_id
local it = redis.call('HMGET', item, 'state', 'kind', 'account', 'rule', 'target', 'assignee')
local state = it[1]
if state == false then return redis.error_reply('NOT_FOUND item ' .. item_id .. ' does not exist') end
if state == 'closed' then return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is closed') end
if mode == 'escalate' and state == 'assigned' then
  return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is already assigned')
end
local kind, account = it[2], it[3]
rescind_live_offers(ctx, item_id, kind, account)
redis.call('ZREM', P .. 'parked', item_id)
local next_target = (tonumber(it[5]) or -1) + 1
if mode == 'cancel' then
  if state == 'assigned' then free_capacity(it[6]) end
  redis.call('HSET', item, 'state', 'closed', 'closed_reason', 'cancelled')
  redis.call('PEXPIRE', item, ITEM_RETENTION_MS)
  redis.call('DEL', P .. 'tried:' .. item_id)
elseif mode == 'escalate' then
  redis.call('HSET', item, 'state', 'routing', 'target', next_target, 'tcount', 0, 'escalated', now)
else
  return redis.error_reply('INVALID_ARGUMENT unknown withdraw mode ' .. mode)
end
return { state, it[4] or '', next_target }
