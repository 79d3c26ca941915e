-- Schedules reminders that belong to no contract: follow-ups, care calls, inspections,
-- greetings (schedule_if_new: an id already known keeps its state).
-- KEYS[1] "{rr}:outbox"
-- ARGV: count, then per reminder: id, doc, due_ms, role, account (5 each)
-- Returns the number newly scheduled.
local count, scheduled = tonumber(ARGV[1]), 0
for i = 0, count - 1 do
  local a = 2 + i * 5
  if schedule_if_new(ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]) then
    scheduled = scheduled + 1
  end
end
return scheduled
