-- Forgets tickets that were closed (resolved or cancelled) before a cutoff: the record and its
-- entries in every ticket index (every organisation it was ever assigned to, from "orgs"), all
-- at once, so no listing ever points at half a ticket. Open tickets are never archived.
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 cutoff ms (closed at or before it), 2 batch size
-- Returns the number of tickets forgotten.
local closed = P .. 'closed'
local ids = redis.call('ZRANGEBYSCORE', closed, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local t = P .. 't:' .. id
  local f = redis.call('HMGET', t, 'account', 'engineer', 'orgs', 'org')
  redis.call('DEL', t)
  redis.call('ZREM', P .. 'tickets', id)
  if f[1] then redis.call('ZREM', P .. 'at:' .. f[1], id) end
  if f[2] and f[2] ~= '' then redis.call('ZREM', P .. 'et:' .. f[2], id) end
  for org in string.gmatch(f[3] or '', '[^|]+') do redis.call('ZREM', P .. 'ot:' .. org, id) end
  -- A ticket assigned before "orgs" was kept names its organisation only in "org".
  if f[4] and f[4] ~= '' then redis.call('ZREM', P .. 'ot:' .. f[4], id) end
end
if #ids > 0 then redis.call('ZREM', closed, unpack(ids)) end
return #ids
