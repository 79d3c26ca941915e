-- Moves an assigned lead through its working states; emits LeadStatusChanged.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now ms, 2 lead, 3 new status (contacted | qualified | disqualified | converted),
--   4 reason, 5 actor, 6 actor is an operator (1/0), 7 topic, 8-12 LeadStatusChanged template
-- Returns {status before, account, fencing version, worker}.
local lead = P .. 'lead:' .. ARGV[2]
local l = redis.call('HMGET', lead, 'status', 'account', 'worker', 'fence')
if not l[1] then return redis.error_reply('NOT_FOUND lead ' .. ARGV[2] .. ' does not exist') end
if ARGV[6] ~= '1' and l[3] ~= ARGV[5] then
  return redis.error_reply('PERMISSION_DENIED lead ' .. ARGV[2] .. ' is not assigned to you')
end
local before, after = l[1], ARGV[3]
-- Forward only: assigned -> contacted -> qualified -> converted; disqualified from any of them.
local rank = { assigned = 1, contacted = 2, qualified = 3, converted = 4 }
if before == after then return { before, l[2], l[4] or '0', l[3] or '' } end  -- a retry
if rank[before] == nil then
  return redis.error_reply('FAILED_PRECONDITION lead ' .. ARGV[2] .. ' is ' .. before ..
    ': only assigned leads move on')
end
if after ~= 'disqualified' and rank[after] <= rank[before] then
  return redis.error_reply('FAILED_PRECONDITION lead ' .. ARGV[2] .. ' cannot go back from ' ..
    before .. ' to ' .. after)
end
redis.call('HSET', lead, 'status', after, 'status_at', ARGV[1])
if after == 'disqualified' then redis.call('HSET', lead, 'reason', ARGV[4]) end
-- The converting rep may become the account's owner when its contract arrives.
if after == 'converted' then redis.call('HSET', P .. 'acct:' .. l[2], 'converted_by', l[3]) end
-- A closed lead is archived (lead_archive.lua) once its retention has passed.
if after == 'converted' or after == 'disqualified' then
  redis.call('ZADD', P .. 'closed', ARGV[1], ARGV[2])
end
outbox_emit_template(OUTBOX, ARGV[7], l[2], 8,
  pb_str(1, ARGV[2]) .. pb_str(2, l[2]) .. pb_int(3, STATUS_NUM[before]))
return { before, l[2], l[4] or '0', l[3] or '' }
