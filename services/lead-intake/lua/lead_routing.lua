-- Records where routing put a lead. Decisions may be recorded out of order by concurrent
-- callers: an older decision (rts) never overwrites a newer one, and once assigned a lead
-- only moves on through UpdateLeadStatus.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 decided_at ms, 2 lead, 3 status (offered | parked | assigned), 4 worker, 5 org,
--   6 rule, 7 offer id, 8 first-response due ms (0: none), 9 fencing version,
--   10 idempotency key and 11 answer of the intake being answered ('' when none): stored only
--   when this decision is applied, so a retry gets exactly the answer this call gives
-- Returns the status now stored.
local lead = P .. 'lead:' .. ARGV[2]
local l = redis.call('HMGET', lead, 'status', 'rts', 'worker', 'due')
if not l[1] then return redis.error_reply('NOT_FOUND lead ' .. ARGV[2] .. ' does not exist') end
local at, status = tonumber(ARGV[1]), ARGV[3]
local routable = l[1] == 'new' or l[1] == 'offered' or l[1] == 'parked'
if status == 'assigned' then
  if not routable then
    if l[1] == 'assigned' and l[3] == ARGV[4] then return 'assigned' end  -- a retry
    return redis.error_reply('FAILED_PRECONDITION lead ' .. ARGV[2] .. ' is already ' .. l[1])
  end
  redis.call('HSET', lead, 'status', 'assigned', 'worker', ARGV[4], 'org', ARGV[5], 'offer', '',
    'fence', ARGV[9], 'rts', at, 'assigned_at', at)
  if ARGV[6] ~= '' then redis.call('HSET', lead, 'rule', ARGV[6]) end
  redis.call('ZADD', P .. 'wl:' .. ARGV[4], at, ARGV[2])
  if ARGV[5] ~= '' then redis.call('ZADD', P .. 'ol:' .. ARGV[5], at, ARGV[2]) end
  redis.call('ZREM', P .. 'sla', ARGV[2])
  redis.call('ZREM', P .. 'unrouted', ARGV[2])
  return 'assigned'
end
if not routable or at < tonumber(l[2] or '0') then return l[1] end
-- The first-response deadline is set once, by the first decision that has one.
local fields = { 'status', status, 'worker', ARGV[4], 'org', ARGV[5], 'rule', ARGV[6],
  'offer', ARGV[7], 'rts', at }
local due = tonumber(ARGV[8])
if due > 0 and l[4] == false then
  fields[#fields + 1] = 'due'
  fields[#fields + 1] = due
  redis.call('ZADD', P .. 'sla', due, ARGV[2])
end
redis.call('HSET', lead, unpack(fields))
redis.call('ZREM', P .. 'unrouted', ARGV[2])
if (ARGV[10] or '') ~= '' and redis.call('EXISTS', P .. 'idem:' .. ARGV[10]) == 1 then
  redis.call('HSET', P .. 'idem:' .. ARGV[10], 'answer', ARGV[11])
end
return status
