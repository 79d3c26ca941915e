-- An engineer moves its ticket on: en route, on site, resolved, or unable to resolve (back to
-- dispatch, flagged for escalation). Emits TicketStatusChanged (and TicketResolved).
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 now ms, 2 ticket, 3 new status (en_route | on_site | resolved | reopen),
--   4 engineer (the caller), 5 notes, 6 topic, 7-11 TicketStatusChanged template,
--   12-16 TicketResolved template (used when resolving)
-- Returns {status before, account, fencing version, routing item id}.
local now, id, after = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local t = P .. 't:' .. id
local f = redis.call('HMGET', t, 'status', 'account', 'engineer', 'fence', 'rid', 'rounds')
if not f[1] then return redis.error_reply('NOT_FOUND ticket ' .. id .. ' does not exist') end
local before = f[1]
local function refuse(why) return redis.error_reply('FAILED_PRECONDITION ticket ' .. id .. ' ' .. why) end
if before == after then return { before, f[2], f[4] or '0', f[5] } end  -- a retry
local working = { assigned = 1, en_route = 2, on_site = 3 }
if working[before] == nil then return refuse('is ' .. before .. ': accept it first') end
if f[3] ~= ARGV[4] then return refuse('is assigned to another engineer') end
if after == 'en_route' or after == 'on_site' then
  if working[after] <= working[before] then return refuse('cannot go back from ' .. before .. ' to ' .. after) end
  redis.call('HSET', t, 'status', after, 'status_at', now)
  if after == 'on_site' then disarm(id, 'on_site') end
elseif after == 'resolved' then
  redis.call('HSET', t, 'status', 'resolved', 'status_at', now, 'notes', ARGV[5], 'resolved_at', now)
  disarm(id, 'on_site')
  disarm(id, 'resolve')
  closed_at(id, now)
  outbox_emit_template(OUTBOX, ARGV[6], f[2], 12, '')
elseif after == 'reopen' then
  -- Unable to resolve: a new routing round under a new item id, flagged for escalation; the
  -- engineer who gave up ("|a|b|") is never offered it again.
  local rounds = tonumber(f[6] or '1') + 1
  local rid = id .. '-r' .. rounds  -- engine item ids hold no ':'
  local handed = redis.call('HGET', t, 'handed') or '|'
  redis.call('HSET', t, 'status', 'new', 'status_at', now, 'engineer', '', 'offered', '',
    'rid', rid, 'rounds', rounds, 'flagged', 1, 'rts', 0, 'notes', ARGV[5],
    'handed', handed .. ARGV[4] .. '|')
  redis.call('ZREM', P .. 'et:' .. ARGV[4], id)
  redis.call('ZADD', P .. 'unrouted', now, id)
  after = 'new'
else
  return redis.error_reply('INVALID_ARGUMENT unknown ticket status ' .. after)
end
outbox_emit_template(OUTBOX, ARGV[6], f[2], 7,
  pb_str(1, id) .. pb_str(2, f[2]) .. pb_int(3, STATUS_NUM[before]) .. pb_int(4, STATUS_NUM[after]))
return { before, f[2], f[4] or '0', f[5] }
