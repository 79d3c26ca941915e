-- Forgets leads that were closed (converted or disqualified) before a cutoff: the record, its
-- merged touches and its entries in every lead index, all at once, so no listing ever points
-- at half a lead. Open leads are never archived, however old.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 cutoff ms (closed at or before it), 2 batch size
-- Returns the number of leads forgotten.
local closed = P .. 'closed'
local ids = redis.call('ZRANGEBYSCORE', closed, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local lead = P .. 'lead:' .. id
  local l = redis.call('HMGET', lead, 'account', 'worker', 'org')
  redis.call('DEL', lead, lead .. ':touches')
  redis.call('ZREM', P .. 'leads', id)
  if l[1] then redis.call('ZREM', P .. 'al:' .. l[1], id) end
  if l[2] and l[2] ~= '' then redis.call('ZREM', P .. 'wl:' .. l[2], id) end
  if l[3] and l[3] ~= '' then redis.call('ZREM', P .. 'ol:' .. l[3], id) end
end
if #ids > 0 then redis.call('ZREM', closed, unpack(ids)) end
return #ids
