-- Schedules reminders that belong to no contract: follow-ups, care calls, inspections,
-- greetings, at-risk tasks. An id already known keeps its state, so planning the same
-- reminders again (a redelivered event, an overlapping cadence window) is harmless.
-- KEYS[1] "{rr}:outbox"
-- ARGV: count, then per reminder: id, doc, due_ms, role, account (5 each)
-- Returns the number newly scheduled.
local count, scheduled = tonumber(ARGV[1]), 0
for i = 0, count - 1 do
  local a = 2 + i * 5
  local id = ARGV[a]
  if redis.call('EXISTS', rkey(id)) == 0 then
    schedule_reminder(id, ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], '', 'scheduled')
    scheduled = scheduled + 1
  end
end
return scheduled
