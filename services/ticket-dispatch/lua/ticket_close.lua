-- Cancels an open ticket, or records the satisfaction of a resolved one (once).
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 now ms, 2 ticket, 3 op (cancel | satisfaction), 4 reason or satisfaction bytes,
--   5 topic, 6-10 event template (SatisfactionRecorded; TicketStatusChanged for cancel)
-- Returns {status before, routing item id}.
local now, id, op = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local t = P .. 't:' .. id
local f = redis.call('HMGET', t, 'status', 'account', 'rid', 'sat')
if not f[1] then return redis.error_reply('NOT_FOUND ticket ' .. id .. ' does not exist') end
if op == 'cancel' then
  if f[1] == 'resolved' or f[1] == 'cancelled' then
    return redis.error_reply('FAILED_PRECONDITION ticket ' .. id .. ' is already ' .. f[1])
  end
  redis.call('HSET', t, 'status', 'cancelled', 'status_at', now, 'notes', ARGV[4])
  for _, kind in ipairs({ 'accept', 'on_site', 'resolve' }) do disarm(id, kind) end
  redis.call('ZREM', P .. 'unrouted', id)
  closed_at(id, now)
  outbox_emit_template(OUTBOX, ARGV[5], f[2], 6,
    pb_int(3, STATUS_NUM[f[1]]) .. pb_int(4, STATUS_NUM.cancelled))
elseif op == 'satisfaction' then
  if f[1] ~= 'resolved' then
    return redis.error_reply('FAILED_PRECONDITION ticket ' .. id .. ' is ' .. f[1] .. ': satisfaction follows resolution')
  end
  if f[4] then return redis.error_reply('ALREADY_EXISTS ticket ' .. id .. ' already has its satisfaction') end
  redis.call('HSET', t, 'sat', ARGV[4])
  outbox_emit_template(OUTBOX, ARGV[5], f[2], 6, '')
else
  return redis.error_reply('INVALID_ARGUMENT unknown op ' .. op)
end
return { f[1], f[3] }
