-- Ends protections whose time is up (each claimed by exactly one instance), with an
-- OpportunityEnded (EXPIRED) event each.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now ms, 2 batch size (at most 255), 3 topic, 4 producer, 5 event id base (30 hex)
-- Returns the expired registration ids.
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', P .. 'regdue', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local expired = {}
for i, id in ipairs(due) do
  local reg = P .. 'reg:' .. id
  local r = redis.call('HMGET', reg, 'partner', 'account', 'status')
  unprotect(id, r[2] or '')
  if r[3] == 'approved' then
    redis.call('HSET', reg, 'status', 'expired')
    local event_id = ARGV[5] .. string.format('%02x', i % 256)
    outbox_emit(OUTBOX, ARGV[3], r[2], event_id, 'OpportunityEnded',
      outbox_header(event_id, 'OpportunityEnded', now, ARGV[4], ''), 112,
      pb_str(1, id) .. pb_str(2, r[1]) .. pb_str(3, r[2]) .. pb_int(4, REG_STATUS.expired))
    expired[#expired + 1] = id
  end
end
return expired
