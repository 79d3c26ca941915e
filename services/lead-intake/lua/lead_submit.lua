-- Takes in one lead atomically: idempotency, duplicate merge, account match or creation, the
-- lead record and its indexes, and the LeadReceived or LeadMerged event.
-- KEYS[1] "{li}:outbox"
-- ARGV: 1 now_ms, 2 idempotency key (scoped by caller), 3 request fingerprint, 4 new lead id,
--   5 new account id (used when nothing matches), 6 phone key, 7 e-mail key, 8 domain key,
--   9 company key, 10 duplicate window ms, 11 lead document (serialized Lead), 12 topic,
--   13 idempotency ttl ms, 14-18 LeadReceived template, 19-23 LeadMerged template
-- Returns {'new', lead, account, new_account, customer, partner}
--   | {'merged', lead, account, touches, assignee} | {'replay', lead, stored answer, merged}
local now = tonumber(ARGV[1])
local idem = P .. 'idem:' .. ARGV[2]
local seen = redis.call('HMGET', idem, 'fp', 'lead', 'answer', 'merged')
if seen[1] then
  if seen[1] ~= ARGV[3] then
    return redis.error_reply('FAILED_PRECONDITION idempotency_key was already used for a different lead')
  end
  return { 'replay', seen[2], seen[3] or '', seen[4] or '0' }
end
local idem_ttl, window = tonumber(ARGV[13]), tonumber(ARGV[10])
local dedup_keys = {}
if ARGV[6] ~= '' then dedup_keys[#dedup_keys + 1] = P .. 'dd:p:' .. ARGV[6] end
if ARGV[7] ~= '' then dedup_keys[#dedup_keys + 1] = P .. 'dd:e:' .. ARGV[7] end

for _, key in ipairs(dedup_keys) do
  local open_id = redis.call('GET', key)
  if open_id then
    local lead = P .. 'lead:' .. open_id
    local l = redis.call('HMGET', lead, 'status', 'account', 'worker')
    if l[1] and OPEN[l[1]] then
      local touches = redis.call('HINCRBY', lead, 'touches', 1)
      redis.call('RPUSH', lead .. ':touches', ARGV[11])
      redis.call('LTRIM', lead .. ':touches', -100, -1)
      for _, k in ipairs(dedup_keys) do redis.call('SET', k, open_id, 'PX', window) end
      redis.call('HSET', idem, 'fp', ARGV[3], 'lead', open_id, 'merged', '1')
      redis.call('PEXPIRE', idem, idem_ttl)
      outbox_emit_template(OUTBOX, ARGV[12], l[2], 19,
        pb_str(1, open_id) .. pb_str(2, l[2]) .. pb_int(4, touches) .. pb_str(5, l[3] or ''))
      return { 'merged', open_id, l[2], touches, l[3] or '' }
    end
  end
end

local account, new_account = resolve_account(ARGV[8], ARGV[9], ARGV[5], now)
-- An account this lead just created is no customer yet and has no protection to read.
local customer, partner = '0', ''
if not new_account then
  customer = redis.call('HGET', P .. 'acct:' .. account, 'customer') or '0'
  partner = protecting_partner(account, now)
end

local id = ARGV[4]
redis.call('HSET', P .. 'lead:' .. id, 'doc', ARGV[11], 'account', account, 'status', 'new',
  'received', now, 'touches', 0, 'rts', 0)
redis.call('ZADD', P .. 'leads', now, id)
redis.call('ZADD', P .. 'al:' .. account, now, id)
redis.call('ZADD', P .. 'unrouted', now, id)
for _, k in ipairs(dedup_keys) do redis.call('SET', k, id, 'PX', window) end
redis.call('HSET', idem, 'fp', ARGV[3], 'lead', id, 'merged', '0')
redis.call('PEXPIRE', idem, idem_ttl)
local new_flag = ''
if new_account then new_flag = pb_int(3, 1) end
outbox_emit_template(OUTBOX, ARGV[12], account, 14, pb_str(1, id) .. pb_str(2, account) .. new_flag)
return { 'new', id, account, new_account and 1 or 0, customer, partner }
