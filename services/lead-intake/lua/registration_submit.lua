-- Registers a partner's opportunity atomically: idempotency, conflict with another partner's
-- protection (refused, with an internal conflict event), review when the account is direct
-- business, protection, indexes and the OpportunityRegistered event.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now ms, 2 idempotency key (scoped), 3 fingerprint, 4 registration id, 5 account,
--   6 partner, 7 product lines packed "|a|b|", 8 protection ms, 9 document (Registration),
--   10 topic, 11 idempotency ttl ms, 12 account owned by a direct rep (1/0),
--   13 vendor organisation (leads routed to it are direct), 14-18 OpportunityRegistered
--   template, 19-23 OpportunityConflict template
-- Returns {'ok', id, status, until} | {'replay', id} | {'own', id} | {'conflict', until}
local now = tonumber(ARGV[1])
local idem = P .. 'idem:' .. ARGV[2]
local seen = redis.call('HMGET', idem, 'fp', 'reg')
if seen[1] then
  if seen[1] ~= ARGV[3] then
    return redis.error_reply('FAILED_PRECONDITION idempotency_key was already used for a different registration')
  end
  return { 'replay', seen[2] }
end
local id, account, partner, lines = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local held_id, holder, held_until = protection_over(account, lines, now, '')
if held_id then
  if holder == partner then return { 'own', held_id } end
  outbox_emit_template(OUTBOX, ARGV[10], account, 19,
    pb_str(1, account) .. pb_str(3, holder) .. pb_time(5, held_until))
  return { 'conflict', held_until }
end

-- Direct business first: an owner, or an open lead not routed to a partner, means review.
local pending = ARGV[12] == '1'
if not pending then
  for _, lead_id in ipairs(redis.call('ZREVRANGE', P .. 'al:' .. account, 0, 99)) do
    local l = redis.call('HMGET', P .. 'lead:' .. lead_id, 'status', 'org')
    if l[1] and OPEN[l[1]] and (not l[2] or l[2] == '' or l[2] == ARGV[13]) then
      pending = true
      break
    end
  end
end
local status, untl = 'approved', now + tonumber(ARGV[8])
if pending then status, untl = 'pending', 0 end
redis.call('HSET', P .. 'reg:' .. id, 'doc', ARGV[9], 'partner', partner, 'account', account,
  'lines', lines, 'status', status, 'until', untl, 'extended', 0, 'created', now)
redis.call('ZADD', P .. 'pr:' .. partner, now, id)
if pending then
  redis.call('ZADD', P .. 'review', now, id)
else
  protect(id, account, partner, untl, lines)
end
redis.call('HSET', idem, 'fp', ARGV[3], 'reg', id)
redis.call('PEXPIRE', idem, tonumber(ARGV[11]))
local tail = pb_str(3, account) .. pb_int(6, REG_STATUS[status])
if untl > 0 then tail = tail .. pb_time(7, untl) end
outbox_emit_template(OUTBOX, ARGV[10], account, 14, tail)
return { 'ok', id, status, untl }
