-- Aggregates are strings of entries [u32 field length LE][field][f64 value LE] (tally.h).
local function tally_entry(field, value)
  return struct.pack('<I4', #field) .. field .. struct.pack('<d', value)
end

-- Appends entries to an aggregate and returns its new size. An aggregate still kept as a hash
-- (written before tally.h) is turned into entries first, once, by whichever write meets it.
local function append_tally(key, entries)
  local size = redis.pcall('APPEND', key, entries)
  if type(size) == 'number' then return size end
  local flat = redis.call('HGETALL', key)
  local parts = {}
  for k = 1, #flat, 2 do parts[#parts + 1] = tally_entry(flat[k], tonumber(flat[k + 1])) end
  redis.call('DEL', key)
  return redis.call('APPEND', key, table.concat(parts) .. entries)
end
