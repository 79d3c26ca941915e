-- Claims up to `limit` reminders whose time has come and makes each a task for its owner (the
-- account's sales or service owner as of now; the operators' queue without one), with its
-- ReminderDue event. A claimed reminder leaves the timer set in the same step, so however
-- many instances fire, each reminder is delivered once, and a restart loses none.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, limit, event_id_base, producer, trace
-- Returns the number fired.
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', P .. 'due', '-inf', now, 'LIMIT', 0, limit)
local fired = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', P .. 'due', id)
  local r = redis.call('HMGET', rkey(id), 'state', 'role', 'account', 'owner', 'due')
  if r[1] == 'scheduled' or r[1] == 'snoozed' then
    local owner = r[4]
    if owner == false or owner == '' then
      owner = redis.call('HGET', P .. 'acct:' .. r[3], r[2] == 'service' and 'service' or 'sales') or ''
    end
    redis.call('HSET', rkey(id), 'state', 'due', 'owner', owner)
    redis.call('ZADD', task_key(owner), r[5], id)
    fired = fired + 1
    emit(REMINDERS_TOPIC, r[3], event_id(ARGV[3], fired), 'ReminderDue', now, ARGV[4], ARGV[5],
      310, pb_msg(1, reminder_bytes(id)))
    nudge(owner)
  end
end
return fired
