-- Schedules reminders that belong to no contract: follow-ups, care calls, inspections,
-- greetings, at-risk tasks. An id already known keeps its state, so planning the same
-- reminders again (a redelivered event, an overlapping cadence window) is harmless.
-- KEYS[1] "{rr}:outbox"
-- ARGV: count, then per reminder: id, doc, due_ms, role, account (5 each)
-- Returns the number newly scheduled.
local count, scheduled = tonumber(ARGV[1]), 0
for i = 0, count - 1 do
  local a = 2 + i * 5
  local id, due, account = ARGV[a], tonumber(ARGV[a + 2]), ARGV[a + 4]
  if redis.call('HSETNX', rkey(id), 'state', 'scheduled') == 1 then
    redis.call('HSET', rkey(id), 'doc', ARGV[a + 1], 'due', due, 'role', ARGV[a + 3],
      'account', account)
    redis.call('ZADD', P .. 'due', due, id)
    redis.call('ZADD', P .. 'upcoming:' .. account, due, id)
    scheduled = scheduled + 1
  end
end
return scheduled
