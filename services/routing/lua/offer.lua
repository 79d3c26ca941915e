-- Pick-and-reserve: chooses worker(s) for an item by the target's strategy among the
-- candidates that passed the static filters, checks each one's live state (status, presence,
-- capacity, daily cap) and reserves atomically: an offer with a deadline, the worker's load,
-- the strategy state, the receipt and the WorkItemOffered events, all in one step.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, item, kind, account, rule, target,
--   strategy, timeout_ms, broadcast_n, max_offers, policy_version, presence_ms, owner_kind,
--   static_exclusions_json, offer_id_base, pool, sla_ms, roster_version, item_json,
--   only_if_parked (1: leave the item alone unless it still waits in the parked queue),
--   then (worker, weight, local day)*
-- Returns {'offered', worker, offer_id, ...} | {'none'} | {'exhausted'} | {'stale', version}
--   | {'taken'} (only_if_parked, and someone else already moved the item on)
-- ('stale': the caller's roster is older than the stored one; reload and call again)
local now = tonumber(ARGV[1])
local ctx = { now = now, producer = ARGV[2], trace = ARGV[3], topic = ARGV[4], id_base = ARGV[5], seq = 0 }
local item_id, kind, account = ARGV[6], ARGV[7], ARGV[8]
local rule, target, strategy = ARGV[9], ARGV[10], ARGV[11]
local timeout_ms, broadcast_n, max_offers = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local policy_version, presence_ms, owner_kind = ARGV[15], tonumber(ARGV[16]), ARGV[17]
local static_exclusions, offer_base, pool, sla_ms = ARGV[18], ARGV[19], ARGV[20], tonumber(ARGV[21])

if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[22] then
  return { 'stale', redis.call('GET', KEYS[1]) or '0' }
end
local item = P .. 'item:' .. item_id
if ARGV[24] == '1' and redis.call('ZSCORE', P .. 'parked', item_id) == false then
  return { 'taken' }
end
local state = redis.call('HGET', item, 'state')
if state == 'assigned' or state == 'closed' then
  return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is already ' .. state)
end
if redis.call('SCARD', P .. 'io:' .. item_id) > 0 then
  return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' has a live offer')
end
if state == false then
  redis.call('HSET', item, 'state', 'routing', 'kind', kind, 'account', account, 'created', now,
    'doc', ARGV[23])
  if sla_ms > 0 then redis.call('HSET', item, 'sla_deadline', now + sla_ms) end
end
if redis.call('HGET', item, 'rule') ~= rule or redis.call('HGET', item, 'target') ~= target then
  redis.call('HSET', item, 'rule', rule, 'target', target, 'tcount', 0)
end
if tonumber(redis.call('HGET', item, 'tcount') or '0') >= max_offers then return { 'exhausted' } end

local tried = P .. 'tried:' .. item_id
local already = {}
for _, id in ipairs(redis.call('SMEMBERS', tried)) do already[id] = true end
local owner = redis.call('GET', P .. 'own:' .. owner_kind .. ':' .. account)
local candidates = cjson.decode(static_exclusions)
local eligible = {}
for i = 25, #ARGV, 3 do
  local id, weight, day = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  local w = P .. 'w:' .. id
  local reason = nil
  local live = nil
  if strategy == 'owner' and id ~= owner then
    reason = 'not the account owner'
  elseif already[id] then
    reason = 'already offered this item'
  else
    live = worker_state(w)
    reason = ineligible_reason(live, now, presence_ms, day)
  end
  if reason then
    candidates[#candidates + 1] = { id = id, excluded = reason }
  else
    eligible[#eligible + 1] = { id = id, weight = weight, day = day, key = w, idle = live.idle,
      spare = live.cap - live.load }
  end
end
if strategy == 'owner' and not owner then
  candidates[#candidates + 1] = { id = '', excluded = 'account has no ' .. owner_kind .. ' owner' }
end

-- Strategy: order the eligible workers; the first `n` are picked.
local before, after = {}, {}
local picked = {}
local function by_idle(a, b)
  if a.idle ~= b.idle then return a.idle < b.idle end
  return a.id < b.id
end
if #eligible > 0 then
  if strategy == 'weighted_round_robin' then
    local key = P .. 'wrr:' .. rule .. ':' .. target
    local total, best, best_cw = 0, nil, nil
    for _, e in ipairs(eligible) do
      local cw = tonumber(redis.call('HGET', key, e.id) or '0')
      before[e.id] = cw
      cw = cw + e.weight
      total = total + e.weight
      e.cw = cw
      if best == nil or cw > best_cw or (cw == best_cw and e.id < best.id) then best, best_cw = e, cw end
    end
    for _, e in ipairs(eligible) do
      local cw = e.cw
      if e == best then cw = cw - total end
      redis.call('HSET', key, e.id, cw)
      after[e.id] = cw
    end
    picked = { best }
  elseif strategy == 'least_loaded' then
    table.sort(eligible, function(a, b)
      if a.spare ~= b.spare then return a.spare > b.spare end
      return by_idle(a, b)
    end)
    for _, e in ipairs(eligible) do before[e.id] = e.spare end
    picked = { eligible[1] }
    after[picked[1].id] = picked[1].spare - 1
  else
    table.sort(eligible, by_idle)
    for _, e in ipairs(eligible) do before[e.id] = e.idle end
    local n = 1
    if strategy == 'broadcast' then n = math.min(broadcast_n, #eligible) end
    for i = 1, n do
      picked[i] = eligible[i]
      after[eligible[i].id] = now
    end
  end
end
local is_picked = {}
for _, e in ipairs(picked) do is_picked[e.id] = true end
for _, e in ipairs(eligible) do
  if is_picked[e.id] then
    candidates[#candidates + 1] = { id = e.id, excluded = false }
  else
    candidates[#candidates + 1] = { id = e.id, excluded = 'eligible, not picked by ' .. strategy }
  end
end

local receipt = { at = now, rule = rule, target = tonumber(target), strategy = strategy,
  policy_version = policy_version, candidates = candidates, picked = {},
  state_before = before, state_after = after }
local result = { 'none' }
if #picked > 0 then result = { 'offered' } end
for i, e in ipairs(picked) do
  local offer_id = offer_base .. string.format('%02x', i)
  local deadline = now + timeout_ms
  local org = redis.call('HGET', e.key, 'org')
  redis.call('HSET', P .. 'offer:' .. offer_id, 'item', item_id, 'worker', e.id, 'deadline', deadline,
    'state', 'pending', 'day', e.day, 'pool', pool)
  redis.call('ZADD', P .. 'due', deadline, offer_id)
  redis.call('SADD', P .. 'io:' .. item_id, offer_id)
  redis.call('SADD', tried, e.id)
  redis.call('HINCRBY', e.key, 'load', 1)
  if redis.call('HGET', e.key, 'day') ~= e.day then redis.call('HSET', e.key, 'day', e.day, 'dcount', 0) end
  redis.call('HINCRBY', e.key, 'dcount', 1)
  redis.call('HSET', e.key, 'idle', now)
  emit(ctx, account, 'WorkItemOffered', 10,
    item_ref(kind, item_id, account) .. pb_str(2, offer_id) .. pb_str(3, e.id) .. pb_str(4, org) ..
    pb_str(5, rule) .. pb_int(6, target) .. pb_str(7, strategy) .. pb_time(8, deadline) ..
    pb_str(9, policy_version))
  receipt.picked[#receipt.picked + 1] = e.id
  result[#result + 1] = e.id
  result[#result + 1] = offer_id
end
if #picked > 0 then
  redis.call('HSET', item, 'state', 'offered', 'policy', policy_version)
  redis.call('HINCRBY', item, 'tcount', 1)
  redis.call('ZREM', P .. 'parked', item_id)
end
redis.call('RPUSH', P .. 'rcpt:' .. item_id, cjson.encode(receipt))
redis.call('LTRIM', P .. 'rcpt:' .. item_id, -50, -1)
redis.call('PEXPIRE', P .. 'rcpt:' .. item_id, 30 * 24 * 3600 * 1000)
return result
