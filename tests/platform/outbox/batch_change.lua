-- Test sweep: appends many events of one topic as a single batch entry (outbox_emit_batch).
-- KEYS[1] outbox stream
-- ARGV[1] topic, then per event: partition key, event id, type, envelope bytes (4 each)
-- Each value is handed over in two parts, as a script with a prebuilt prefix does.
local batch, count = {}, 0
for i = 2, #ARGV, 4 do
  local value = ARGV[i + 3]
  local half = math.floor(#value / 2)
  outbox_batch_add(batch, ARGV[i], ARGV[i + 1], ARGV[i + 2], string.sub(value, 1, half),
    string.sub(value, half + 1))
  count = count + 1
end
outbox_emit_batch(KEYS[1], ARGV[1], count, batch)
return count
