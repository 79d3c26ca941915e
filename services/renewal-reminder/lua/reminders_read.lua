-- Reads reminders as they stand (state and owner worked out, see the prelude); changes
-- nothing.
-- KEYS[1] "{rr}:outbox"
-- ARGV: ids
-- Returns per id its Reminder bytes, or '' for an id that does not exist.
local out = {}
for i, id in ipairs(ARGV) do
  local r = reminder_view(id)
  out[i] = r and reminder_bytes(r) or ''
end
return out
