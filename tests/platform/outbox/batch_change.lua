-- Test sweep: appends many events of one topic as a single batch entry (outbox_emit_batch).
-- KEYS[1] outbox stream
-- ARGV[1] topic, then per event: partition key, event id, type, envelope bytes (4 each)
-- Each id and value is handed over in parts, as a script with prebuilt pieces does.
local batch, count, n = {}, 0, 0
for i = 2, #ARGV, 4 do
  local id, value = ARGV[i + 1], ARGV[i + 3]
  local half = math.floor(#value / 2)
  n = outbox_batch_add(batch, n, ARGV[i], pb_varint(#id), string.sub(id, 1, 3), string.sub(id, 4),
    outbox_batch_type(ARGV[i + 2]), #value, string.sub(value, 1, half),
    string.sub(value, half + 1))
  count = count + 1
end
outbox_emit_batch(KEYS[1], ARGV[1], count, batch)
return count
