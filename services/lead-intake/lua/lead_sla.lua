-- Claims leads whose first-response deadline passed (atomically: each is claimed by exactly
-- one instance) and emits LeadSlaBreached for each.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now ms, 2 batch size, 3 topic, 4 producer, 5 event id base (30 hex)
-- Returns the claimed lead ids.
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', P .. 'sla', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for i, id in ipairs(due) do
  redis.call('ZREM', P .. 'sla', id)
  local l = redis.call('HMGET', P .. 'lead:' .. id, 'account', 'worker', 'rule', 'due')
  local event_id = ARGV[5] .. string.format('%02x', i % 256)
  local header = outbox_header(event_id, 'LeadSlaBreached', now, ARGV[4], '')
  outbox_emit(OUTBOX, ARGV[3], l[1] or '', event_id, 'LeadSlaBreached', header, 103,
    pb_str(1, id) .. pb_str(2, l[1]) .. pb_str(3, l[2]) .. pb_str(4, l[3]) ..
    pb_time(5, l[4] or now))
end
return due
