-- Changes one registration: extend (once, before expiry), withdraw, approve or reject (review).
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now ms, 2 registration id, 3 op, 4 acting partner ('' for operators),
--   5 protection ms, 6 reason, 7 topic, 8-12 event template (OpportunityExtended for extend,
--   OpportunityRegistered for approve, OpportunityEnded otherwise)
-- Returns {status, until}.
local now, id, op = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local reg = P .. 'reg:' .. id
local r = redis.call('HMGET', reg, 'partner', 'account', 'lines', 'status', 'until', 'extended')
if not r[1] then return redis.error_reply('NOT_FOUND registration ' .. id .. ' does not exist') end
if ARGV[4] ~= '' and ARGV[4] ~= r[1] then
  return redis.error_reply('PERMISSION_DENIED registration ' .. id .. ' belongs to another organisation')
end
local partner, account, lines, status, untl = r[1], r[2], r[3], r[4], tonumber(r[5])
local function refuse(why) return redis.error_reply('FAILED_PRECONDITION registration ' .. id .. ' ' .. why) end
local protection = tonumber(ARGV[5])
if op == 'extend' then
  if status ~= 'approved' then return refuse('is ' .. status .. ': only approved registrations extend') end
  if r[6] == '1' then return refuse('was already extended once') end
  if untl <= now then return refuse('has expired') end
  untl = untl + protection
  redis.call('HSET', reg, 'until', untl, 'extended', 1)
  protect(id, account, partner, untl, lines)
  outbox_emit_template(OUTBOX, ARGV[7], account, 8, pb_time(4, untl))
elseif op == 'withdraw' then
  if status ~= 'approved' and status ~= 'pending' then return refuse('is ' .. status) end
  status = 'withdrawn'
  redis.call('HSET', reg, 'status', status)
  unprotect(id, account)
  outbox_emit_template(OUTBOX, ARGV[7], account, 8, pb_int(4, REG_STATUS.withdrawn))
elseif op == 'approve' or op == 'reject' then
  if status ~= 'pending' then return refuse('is ' .. status .. ': only pending registrations are reviewed') end
  if op == 'approve' then
    local other, _, other_until = protection_over(account, lines, now, id)
    if other then
      return refuse('overlaps a protection in force until ' .. other_until .. ' ms; reject it or wait')
    end
    status, untl = 'approved', now + protection
    redis.call('HSET', reg, 'status', status, 'until', untl)
    redis.call('ZREM', P .. 'review', id)
    protect(id, account, partner, untl, lines)
    outbox_emit_template(OUTBOX, ARGV[7], account, 8,
      pb_int(6, REG_STATUS.approved) .. pb_time(7, untl))
  else
    status = 'rejected'
    redis.call('HSET', reg, 'status', status, 'reason', ARGV[6])
    unprotect(id, account)
    outbox_emit_template(OUTBOX, ARGV[7], account, 8, pb_int(4, REG_STATUS.rejected))
  end
else
  return redis.error_reply('INVALID_ARGUMENT unknown registration change ' .. op)
end
return { status, untl }
