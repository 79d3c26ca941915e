-- Pick-and-reserve: chooses worker(s) for an item by the target's strategy among the
-- candidates that passed the static filters, checks each one's live state (status, presence,
-- capacity, daily cap) and reserves atomically: an offer with a deadline, the worker's load,
-- the strategy state, the receipt and the WorkItemOffered events, all in one step.
-- Decides for several items in one call (OfferBatcher gathers concurrent decisions), each
-- one atomic on its own and seeing the ones before it.
-- KEYS[1] "<tag>:ver"
-- ARGV: the number of decisions, then per decision its argument count and its arguments:
--   now, producer, trace, topic, event_id_base, item, kind, account, rule, target,
--   strategy, timeout_ms, broadcast_n, max_offers, policy_version, presence_ms, owner_kind,
--   receipt_head (the receipt's JSON up to its static exclusions, left open), offer_id_base, pool, sla_ms, roster_version, item_json,
--   only_if_parked (1: leave the item alone unless it still waits in the parked queue),
--   candidates packed as "|worker:YYYY-MM-DD:weight|worker:...|" (local day of each worker),
--   candidate count, the WorkItemOffered event template (5 arguments, event_template.h)
-- Returns per decision {'offered', worker, offer_id, organisation, ...} | {'none'} | {'exhausted'}
--   | {'stale', version} | {'taken'} (only_if_parked, and someone else already moved the item
--   on) | {'error', reply} (a refusal, e.g. "FAILED_PRECONDITION item ... has a live offer")
local version = redis.call('GET', KEYS[1]) or '0'  -- no decision changes it

-- The call's events go out as one outbox batch entry per topic, and its offer-feed nudges as
-- one PUBLISH of the workers' ids joined by '|': per call, not per decision.
local batches, nudged, nudges = {}, {}, {}
local function add_event(topic, key, id, type_name, value)
  local b = batches[topic]
  if b == nil then
    b = { count = 0, size = 0, pieces = {} }
    batches[topic] = b
  end
  b.size = outbox_batch_add(b.pieces, b.size, key, pb_varint(#id), id, '',
    outbox_batch_type(type_name), #value, value)
  b.count = b.count + 1
end
local function nudge(worker_id)
  if nudged[worker_id] then return end
  nudged[worker_id] = true
  nudges[#nudges + 1] = worker_id
end

-- One decision; ARGV is its own arguments (shadowing the call's).
local function decide(ARGV)
  local ctx = event_context(ARGV)
  local now = ctx.now
  local item_id, kind, account = ARGV[6], ARGV[7], ARGV[8]
  local rule, target, strategy = ARGV[9], ARGV[10], ARGV[11]
  local timeout_ms, broadcast_n, max_offers = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
  local policy_version, presence_ms, owner_kind = ARGV[15], tonumber(ARGV[16]), ARGV[17]
  local receipt_head, offer_base, pool, sla_ms = ARGV[18], ARGV[19], ARGV[20], tonumber(ARGV[21])

  if version ~= ARGV[22] then return { 'stale', version } end
  local item = P .. 'item:' .. item_id
  if ARGV[24] == '1' and redis.call('ZSCORE', P .. 'parked', item_id) == false then
    return { 'taken' }
  end
  local it = redis.call('HMGET', item, 'state', 'rule', 'target', 'tcount')
  local state = it[1]
  if state == 'assigned' or state == 'closed' then
    return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is already ' .. state)
  end
  -- The item's writes are gathered and made in one HSET at the end: a Lua redis.call costs about
  -- a microsecond before its own work, and this script is the hot path of both services.
  local item_writes = {}
  local function item_set(field, value)
    item_writes[#item_writes + 1] = field
    item_writes[#item_writes + 1] = value
  end
  local tried = P .. 'tried:' .. item_id
  local already = {}
  if state == false then
    -- A new item: no offers and no tried set can exist yet (both go with the item), so neither
    -- is read.
    item_set('state', 'routing')
    item_set('kind', kind)
    item_set('account', account)
    item_set('created', now)
    item_set('doc', ARGV[23])
    if sla_ms > 0 then item_set('sla_deadline', now + sla_ms) end
  else
    if redis.call('SCARD', P .. 'io:' .. item_id) > 0 then
      return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' has a live offer')
    end
    for _, id in ipairs(redis.call('SMEMBERS', tried)) do already[id] = true end
  end
  local tcount = tonumber(it[4] or '0')
  if it[2] ~= rule or it[3] ~= target then
    tcount = 0
    item_set('rule', rule)
    item_set('target', target)
    item_set('tcount', 0)
  end
  if tcount >= max_offers then return { 'exhausted' } end

  local owner = false
  if strategy == 'owner' then owner = redis.call('GET', P .. 'own:' .. owner_kind .. ':' .. account) end
  -- Candidates travel packed in one argument: looking one up is a plain string search, so a
  -- round-robin pick that stops at the first free worker never unpacks the whole pool.
  local packed, candidate_count = ARGV[25], tonumber(ARGV[26])
  local static_cache = {}
  local function static_of(id)
    local hit = static_cache[id]
    if hit ~= nil then return hit end
    local _, e = string.find(packed, '|' .. id .. ':', 1, true)
    if not e then
      static_cache[id] = false
      return false
    end
    local weight_end = string.find(packed, '|', e + 12, true)
    hit = { day = string.sub(packed, e + 1, e + 10), weight = tonumber(string.sub(packed, e + 12, weight_end - 1)) }
    static_cache[id] = hit
    return hit
  end
  local function all_candidates()
    local ids = {}
    for id in string.gmatch(packed, '|([^:|]+):') do ids[#ids + 1] = id end
    return ids
  end
  -- The receipt is JSON written piece by piece after the client's head (rule, target, static
  -- exclusions): what was seen live, the pick and the strategy state.
  local function jstr(s)
    s = tostring(s)
    if string.find(s, '[%c"\\\128-\255]') then return cjson.encode(s) end
    return '"' .. s .. '"'
  end
  local receipt_candidates = {}
  local function note(id, reason)
    local excluded = 'false'
    if reason then excluded = jstr(reason) end
    receipt_candidates[#receipt_candidates + 1] = '{"id":' .. jstr(id) .. ',"excluded":' .. excluded .. '}'
  end
  -- Live check of one statically fitting candidate: its state, or nil after noting why not.
  local function check(id)
    if strategy == 'owner' and id ~= owner then return note(id, 'not the account owner') end
    if already[id] then return note(id, 'already offered this item') end
    local st = static_of(id)
    local live = worker_state(P .. 'w:' .. id)
    local reason = ineligible_reason(live, now, presence_ms, st.day)
    if reason then return note(id, reason) end
    live.id = id
    live.weight = st.weight
    live.cday = st.day  -- the worker's local day now (live.day: day of its count)
    return live
  end

  local picked = {}
  local before, after = {}, {}
  if strategy == 'round_robin' or strategy == 'broadcast' then
    -- Longest idle first: walk the pool's idle order and stop once enough workers are found.
    local want = 1
    if strategy == 'broadcast' then want = broadcast_n end
    local visited, checked = {}, 0
    local function visit(id)
      if visited[id] or not static_of(id) then return end
      visited[id] = true
      checked = checked + 1
      local live = check(id)
      if live then
        picked[#picked + 1] = live
        before[id] = live.idle
        after[id] = now
      end
    end
    local idle_key = P .. 'idle:' .. pool
    local page_start = 0
    if candidate_count == 0 then
      page_start = -1
    elseif candidate_count <= 1000 and candidate_count * 8 < redis.call('ZCARD', idle_key) then
      -- Few fit (a region or skill of a large pool): read their idle times instead of walking
      -- the whole pool's order.
      local ids = all_candidates()
      local scores = redis.call('ZMSCORE', idle_key, unpack(ids))
      local order = {}
      for i, id in ipairs(ids) do
        order[i] = { id = id, idle = tonumber(scores[i]) or math.huge }
      end
      table.sort(order, function(a, b)
        if a.idle ~= b.idle then return a.idle < b.idle end
        return a.id < b.id
      end)
      for _, o in ipairs(order) do
        if #picked >= want then break end
        visit(o.id)
      end
      page_start = -1  -- done: no walk
    end
    while #picked < want and page_start >= 0 do
      local page = redis.call('ZRANGE', idle_key, page_start, page_start + 15)
      if #page == 0 then break end
      for _, id in ipairs(page) do
        if #picked >= want then break end
        visit(id)
      end
      page_start = page_start + 16
    end
    if #picked < want and checked < candidate_count then
      for _, id in ipairs(all_candidates()) do  -- fitting workers not in the idle order yet
        if #picked >= want then break end
        visit(id)
      end
    end
    if candidate_count > checked then
      note('', (candidate_count - checked) .. ' more fitting worker(s) not needed: longer-idle workers were free')
    end
  else
    local eligible = {}
    for _, id in ipairs(all_candidates()) do
      local live = check(id)
      if live then eligible[#eligible + 1] = live end
    end
    if #eligible > 0 and strategy == 'weighted_round_robin' then
      -- Smooth weighted round robin; the current weights of the target live in one hash, read
      -- and written in one call each.
      local key = P .. 'wrr:' .. rule .. ':' .. target
      local current = {}
      local flat = redis.call('HGETALL', key)
      for i = 1, #flat, 2 do current[flat[i]] = tonumber(flat[i + 1]) end
      local total, best = 0, nil
      for _, e in ipairs(eligible) do
        local cw = current[e.id] or 0
        before[e.id] = cw
        e.cw = cw + e.weight
        total = total + e.weight
        if best == nil or e.cw > best.cw or (e.cw == best.cw and e.id < best.id) then best = e end
      end
      local updates = {}
      for _, e in ipairs(eligible) do
        local cw = e.cw
        if e == best then cw = cw - total end
        updates[#updates + 1] = e.id
        updates[#updates + 1] = cw
        after[e.id] = cw
      end
      redis.call('HSET', key, unpack(updates))
      picked = { best }
    elseif #eligible > 0 then  -- least_loaded (most spare capacity, then longest idle) and owner
      table.sort(eligible, function(a, b)
        local sa, sb = a.cap - a.load, b.cap - b.load
        if sa ~= sb then return sa > sb end
        if a.idle ~= b.idle then return a.idle < b.idle end
        return a.id < b.id
      end)
      for _, e in ipairs(eligible) do before[e.id] = e.cap - e.load end
      picked = { eligible[1] }
      after[eligible[1].id] = eligible[1].cap - eligible[1].load - 1
    end
    local is_picked = {}
    for _, e in ipairs(picked) do is_picked[e.id] = true end
    for _, e in ipairs(eligible) do
      if not is_picked[e.id] then note(e.id, 'eligible, not picked by ' .. strategy) end
    end
  end
  if strategy == 'owner' and not owner then note('', 'account has no ' .. owner_kind .. ' owner') end

  local result = { 'none' }
  local receipt_picked = {}
  if #picked > 0 then result = { 'offered' } end
  for i, e in ipairs(picked) do
    local offer_id = offer_base .. string.format('%02x', i)
    local deadline = now + timeout_ms
    redis.call('HSET', P .. 'offer:' .. offer_id, 'item', item_id, 'worker', e.id, 'deadline', deadline,
      'state', 'pending', 'day', e.cday, 'pool', pool)
    redis.call('ZADD', P .. 'due', deadline, offer_id)
    redis.call('SADD', P .. 'io:' .. item_id, offer_id)
    redis.call('SADD', P .. 'wo:' .. e.id, offer_id)
    nudge(e.id)
    redis.call('SADD', tried, e.id)
    local dcount = 0
    if e.day == e.cday then dcount = e.dcount end
    redis.call('HSET', P .. 'w:' .. e.id, 'load', e.load + 1, 'day', e.cday, 'dcount', dcount + 1,
      'idle', now)
    touch_idle(e.id, e.pools, now)
    -- The event template (ARGV[27..31]) holds all but what the pick decided; a broadcast's
    -- later events get ids of their own, which protobuf parsers take over the template's
    -- (the last value of a field wins).
    local event_id, header = ARGV[27], ARGV[29]
    if i > 1 then
      event_id = event_id .. '-' .. i
      header = header .. pb_str(1, event_id)
    end
    add_event(ctx.topic, account, event_id, ARGV[28], header .. pb_str(5, account) ..
      pb_msg(10, ARGV[31] .. pb_str(2, offer_id) .. pb_str(3, e.id) .. pb_str(4, e.org) ..
        pb_time(8, deadline)))
    receipt_picked[#receipt_picked + 1] = e.id
    note(e.id, false)
    result[#result + 1] = e.id
    result[#result + 1] = offer_id
    result[#result + 1] = e.org
  end
  if #picked > 0 then
    item_set('state', 'offered')
    item_set('policy', policy_version)
    item_set('tcount', tcount + 1)
    if state == 'parked' then redis.call('ZREM', P .. 'parked', item_id) end
  end
  if #item_writes > 0 then redis.call('HSET', item, unpack(item_writes)) end
  local function jmap(m)
    local parts = {}
    for id, v in pairs(m) do parts[#parts + 1] = jstr(id) .. ':' .. string.format('%.14g', v) end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  local picked_json = {}
  for i, id in ipairs(receipt_picked) do picked_json[i] = jstr(id) end
  local sep = ''
  if #receipt_candidates > 0 and string.sub(receipt_head, -1) ~= '[' then sep = ',' end
  local receipt = receipt_head .. sep .. table.concat(receipt_candidates, ',') .. '],"picked":[' ..
    table.concat(picked_json, ',') .. '],"state_before":' .. jmap(before) .. ',"state_after":' ..
    jmap(after) .. '}'
  local receipts = P .. 'rcpt:' .. item_id
  local n = redis.call('RPUSH', receipts, receipt)
  if n == 1 then redis.call('PEXPIRE', receipts, 30 * 24 * 3600 * 1000) end
  if n > 50 then redis.call('LTRIM', receipts, -50, -1) end
  return result
end

local results, at = {}, 2
for k = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[at])
  local r = decide({ unpack(ARGV, at + 1, at + n) })
  if r.err then r = { 'error', r.err } end
  results[k] = r
  at = at + n + 1
end
for topic, b in pairs(batches) do outbox_emit_batch(P .. 'outbox', topic, b.count, b.pieces) end
if #nudges > 0 then redis.call('PUBLISH', P .. 'feed', table.concat(nudges, '|')) end
return results
