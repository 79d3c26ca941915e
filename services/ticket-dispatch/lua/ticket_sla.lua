-- Claims due deadline timers (each by exactly one instance): the ticket is flagged, the
-- breach recorded, TicketSlaBreached emitted. Returns "<ticket>|<kind>" for each claim.
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 now ms, 2 batch (at most 255), 3 topic, 4 producer, 5 event id base (30 hex)
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', P .. 'sla', '-inf', now, 'WITHSCORES', 'LIMIT', 0,
  tonumber(ARGV[2]))
local claimed = {}
for i = 1, #due, 2 do
  local member, at = due[i], due[i + 1]
  redis.call('ZREM', P .. 'sla', member)
  local id, kind = string.match(member, '^(.*)|([%a_]+)$')
  local t = P .. 't:' .. id
  local f = redis.call('HMGET', t, 'account', 'engineer', 'offered', 'breached', 'status')
  if f[5] and f[5] ~= 'resolved' and f[5] ~= 'cancelled' then
    redis.call('HSET', t, 'flagged', 1, 'breached', (f[4] or '') .. kind .. '|')
    local event_id = ARGV[5] .. string.format('%02x', ((i + 1) / 2) % 256)
    local holder = f[2]
    if holder == false or holder == '' then holder = string.match(f[3] or '', '^[^,]*') end
    outbox_emit(OUTBOX, ARGV[3], f[1], event_id, 'TicketSlaBreached',
      outbox_header(event_id, 'TicketSlaBreached', now, ARGV[4], ''), 202,
      pb_str(1, id) .. pb_str(2, f[1]) .. pb_str(3, kind) .. pb_time(4, at) .. pb_str(5, holder))
    claimed[#claimed + 1] = member
  end
end
return claimed
