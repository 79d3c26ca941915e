-- Records where dispatch put a ticket (offered / parked / assigned). An older decision never
-- overwrites a newer one; once assigned, only status changes move the ticket on.
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 decided_at ms, 2 ticket, 3 status, 4 offered-to (comma list) or the assignee,
--   5 organisation, 6 rule, 7 fencing version, 8.. the ticket fields to answer with
--   (TicketBook's kTicketFields)
-- Returns those fields as they stand after the write, so the caller needs no read-back.
local t = P .. 't:' .. ARGV[2]
local function stored() return redis.call('HMGET', t, unpack(ARGV, 8)) end
local f = redis.call('HMGET', t, 'status', 'rts', 'engineer', 'orgs')
if not f[1] then return redis.error_reply('NOT_FOUND ticket ' .. ARGV[2] .. ' does not exist') end
local at, status = tonumber(ARGV[1]), ARGV[3]
if status == 'assigned' then
  if not ROUTABLE[f[1]] then
    if f[1] == 'assigned' and f[3] == ARGV[4] then return stored() end
    return redis.error_reply('FAILED_PRECONDITION ticket ' .. ARGV[2] .. ' is already ' .. f[1])
  end
  redis.call('HSET', t, 'status', 'assigned', 'engineer', ARGV[4], 'org', ARGV[5], 'offered', '',
    'fence', ARGV[7], 'rts', at, 'assigned_at', at)
  redis.call('ZADD', P .. 'et:' .. ARGV[4], at, ARGV[2])
  if ARGV[5] ~= '' then
    redis.call('ZADD', P .. 'ot:' .. ARGV[5], at, ARGV[2])
    -- Every organisation the ticket was assigned to ("|a|b|"), so archiving finds its entries.
    local orgs = f[4] or '|'
    if not string.find(orgs, '|' .. ARGV[5] .. '|', 1, true) then
      redis.call('HSET', t, 'orgs', orgs .. ARGV[5] .. '|')
    end
  end
  disarm(ARGV[2], 'accept')
  redis.call('ZREM', P .. 'unrouted', ARGV[2])
  return stored()
end
if not ROUTABLE[f[1]] or at < tonumber(f[2] or '0') then return stored() end
redis.call('HSET', t, 'status', status, 'offered', ARGV[4], 'rule', ARGV[6], 'rts', at)
redis.call('ZREM', P .. 'unrouted', ARGV[2])
return stored()
