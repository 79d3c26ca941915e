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
--   candidate count, the WorkItemOffered event template (5 arguments, event_template.h),
--   owner_probe (an owner kind, or ''; see below)
-- Returns per decision {'offered', worker, offer_id, organisation, ...} | {'none'} | {'exhausted'}
--   | {'owner', worker} (owner_probe: the account has an owner of that kind, nothing was done)
--   | {'stale', version} | {'taken'} (only_if_parked, and someone else already moved the item
--   on) | {'error', reply} (a refusal, e.g. "FAILED_PRECONDITION item ... has a live offer",
--   or "offer decision for item ... failed: <the Lua error>" when it failed while it ran)
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
-- A pool order's size, read once a call (the decisions of a call mostly share a pool, and the
-- size only steers how to read the order).
local order_sizes = {}
local function order_size(key)
  local n = order_sizes[key]
  if n == nil then
    n = redis.call('ZCARD', key)
    order_sizes[key] = n
  end
  return n
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
  -- A decision for the target after an owner target, sent before the engine knows whether the
  -- account has an owner (most new items' accounts have none): it stands only if there is none,
  -- so the owner check costs the engine no round trip of its own.
  if ARGV[32] ~= '' then
    local owner_id = redis.call('GET', P .. 'own:' .. ARGV[32] .. ':' .. account)
    if owner_id then return { 'owner', owner_id } end
  end
  local it = redis.call('HMGET', item, 'state', 'rule', 'target', 'tcount', 'rn')
  local item_state = it[1]
  if item_state == 'assigned' or item_state == 'closed' then
    return redis.error_reply('FAILED_PRECONDITION item ' .. item_id .. ' is already ' .. item_state)
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
  if item_state == false then
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
  -- Every candidate with its static facts in one pass, for the strategies that weigh them all.
  local function all_candidates()
    local ids = {}
    for id, day, weight in string.gmatch(packed, '|([^:|]+):([^:|]+):([^|]+)') do
      ids[#ids + 1] = id
      if static_cache[id] == nil then static_cache[id] = { day = day, weight = tonumber(weight) } end
    end
    return ids
  end
  -- The receipt is JSON written piece by piece after the client's head (rule, target, static
  -- exclusions): what was seen live, the pick and the strategy state. Pieces go into tables
  -- joined once at the end, and a string (a worker id, a reason) is encoded once however often
  -- it appears: weighted round robin and least loaded note every candidate in three places.
  local json_of = {}
  local function jstr(s)
    local hit = json_of[s]
    if hit then return hit end
    hit = tostring(s)
    if string.find(hit, '[%c"\\\128-\255]') then hit = cjson.encode(hit) else hit = '"' .. hit .. '"' end
    json_of[s] = hit
    return hit
  end
  local notes, notes_n = {}, 0
  local function note(id, reason)
    local excluded = 'false'
    if reason then excluded = jstr(reason) end
    local n = notes_n
    if n > 0 then
      n = n + 1
      notes[n] = ','
    end
    notes[n + 1] = '{"id":'
    notes[n + 2] = jstr(id)
    notes[n + 3] = ',"excluded":'
    notes[n + 4] = excluded
    notes[n + 5] = '}'
    notes_n = n + 5
  end
  -- The strategy state before and after the pick, per worker: JSON object members as pieces.
  local before, after = {}, {}
  local function strategy_state(parts, id, value)
    local n = #parts
    if n > 0 then
      n = n + 1
      parts[n] = ','
    end
    parts[n + 1] = jstr(id)
    parts[n + 2] = ':'
    parts[n + 3] = value  -- a number: table.concat writes it as %.14g
  end
  -- Live check of one statically fitting candidate: its state, or nil after noting why not.
  local function check(id)
    if strategy == 'owner' and id ~= owner then return note(id, 'not the account owner') end
    if already[id] then return note(id, 'already offered this item') end
    local st = static_of(id)
    local live = worker_state(P .. 'w:' .. id, id, st)
    local reason = ineligible_reason(live, now, presence_ms, st.day)
    if reason then return note(id, reason) end
    return live
  end

  -- `ids` in the order of their scores in `key` (a sorted set), then by id: one ZMSCORE a
  -- thousand. An id missing from the order gets `place(id)` (nil: it goes last).
  local function by_score(key, ids, place)
    local order = {}
    for first = 1, #ids, 1000 do
      local last = math.min(first + 999, #ids)
      local scores = redis.call('ZMSCORE', key, unpack(ids, first, last))
      for i = first, last do
        local score = tonumber(scores[i - first + 1])
        if score == nil then score = place(ids[i]) end
        order[i] = { id = ids[i], score = score }
      end
    end
    table.sort(order, function(x, y)
      local sx, sy = x.score or math.huge, y.score or math.huge
      if sx ~= sy then return sx < sy end
      return x.id < y.id
    end)
    return order
  end

  -- Walks the pool's order `key` (a sorted set, lowest score first) over the fitting candidates,
  -- checking each live, until `want` are eligible: `on_visit(id, score, live)` sees each visited
  -- candidate (score nil: not in the order yet, or `scored` false; live nil: not eligible).
  -- Round robin and weighted round robin thus read the few workers at the front, not the pool.
  local function walk(key, want, scored, on_visit)
    local visited, checked, found = {}, 0, 0
    local function visit(id, score)
      if found >= want or visited[id] or not static_of(id) then return end
      visited[id] = true
      checked = checked + 1
      local live = check(id)
      if live then found = found + 1 end
      on_visit(id, score, live)
    end
    local page_start = 0
    if candidate_count == 0 then
      page_start = -1
    elseif candidate_count <= 1000 and candidate_count * 8 < order_size(key) then
      -- Few fit (a region or skill of a large pool): read their scores instead of walking the
      -- whole pool's order.
      for _, o in ipairs(by_score(key, all_candidates(), function() return nil end)) do
        visit(o.id, o.score)
      end
      page_start = -1  -- done: no walk
    end
    -- The first page is short: the worker at the front is usually free.
    local page_size = math.max(want, 4)
    while found < want and page_start >= 0 do
      local last = page_start + page_size - 1
      if scored then
        local page = redis.call('ZRANGE', key, page_start, last, 'WITHSCORES')
        if #page == 0 then break end
        for i = 1, #page, 2 do visit(page[i], tonumber(page[i + 1])) end
      else
        local page = redis.call('ZRANGE', key, page_start, last)
        if #page == 0 then break end
        for _, id in ipairs(page) do visit(id, nil) end
      end
      page_start = last + 1
      page_size = 16
    end
    if found < want and checked < candidate_count then
      for _, id in ipairs(all_candidates()) do visit(id, nil) end  -- fitting, not in the order yet
    end
    return checked
  end

  local picked = {}
  if strategy == 'round_robin' or strategy == 'broadcast' then
    -- Longest idle first: the pool's idle order.
    local want = 1
    if strategy == 'broadcast' then want = broadcast_n end
    local checked = walk(P .. 'idle:' .. pool, want, false, function(id, _, live)
      if live then
        picked[#picked + 1] = live
        strategy_state(before, id, live.idle)
        strategy_state(after, id, now)
      end
    end)
    if candidate_count > checked then
      note('', (candidate_count - checked) .. ' more fitting worker(s) not needed: longer-idle workers were free')
    end
  elseif strategy == 'weighted_round_robin' then
    -- Weighted round robin by virtual time (stride scheduling): each worker of the pool has a
    -- pass in "<tag>:pass:<pool>"; the eligible worker with the lowest pass wins and its pass
    -- advances by 1/weight, so over time each gets its weight's share, interleaved. The pool's
    -- virtual time ("<tag>:passv", per pool) is the winner's pass. Workers found ineligible on
    -- the way are lifted to it, so time away earns no burst on return; a worker joins a pool
    -- at it (worker_upsert.lua). One decision reads the few workers at the front, as round robin.
    local key = P .. 'pass:' .. pool
    local skipped = {}
    local checked = walk(key, 1, true, function(id, score, live)
      if live then
        live.pass = score
        picked[1] = live
      else
        skipped[#skipped + 1] = { id = id, pass = score }
      end
    end)
    if #picked > 0 then
      local e = picked[1]
      local vt = e.pass
      if vt == nil then vt = tonumber(redis.call('HGET', P .. 'passv', pool) or '0') end
      local next_pass = vt + 1 / e.weight
      local moves = { next_pass, e.id }
      strategy_state(before, e.id, vt)
      strategy_state(after, e.id, next_pass)
      for _, sk in ipairs(skipped) do
        if sk.pass == nil or sk.pass < vt then
          moves[#moves + 1] = vt
          moves[#moves + 1] = sk.id
          strategy_state(before, sk.id, sk.pass or vt)
          strategy_state(after, sk.id, vt)
        end
      end
      redis.call('ZADD', key, unpack(moves))
      redis.call('HSET', P .. 'passv', pool, vt)
    end
    if candidate_count > checked then
      note('', (candidate_count - checked) .. ' more fitting worker(s) not needed: a worker with a lower pass was free')
    end
  elseif strategy == 'least_loaded' then
    -- Most spare capacity, then longest idle: the candidates in the pool's spare order, checked
    -- live in that order until one is free. A candidate missing from the order (met for the
    -- first time) is placed now and kept there from now on.
    local order = by_score(P .. 'spare:' .. pool, all_candidates(),
      function(id) return resort_spare(id, true) end)
    local checked = 0
    for _, o in ipairs(order) do
      checked = checked + 1
      local live = check(o.id)
      if live then
        picked[1] = live
        strategy_state(before, o.id, live.cap - live.load)
        strategy_state(after, o.id, live.cap - live.load - 1)
        break
      end
    end
    if candidate_count > checked then
      note('', (candidate_count - checked) .. ' more fitting worker(s) not needed: one with more spare capacity was free')
    end
  else  -- owner: check notes every other candidate as not the owner, so at most one passes
    for _, id in ipairs(all_candidates()) do
      local live = check(id)
      if live then
        picked[1] = live
        strategy_state(before, id, live.cap - live.load)
        strategy_state(after, id, live.cap - live.load - 1)
      end
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
    if e.spared then touch_spare(e.id, e.pools, e.cap, e.load + 1, now) end
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
    if item_state == 'parked' then redis.call('ZREM', P .. 'parked', item_id) end
  end
  local picked_json = {}
  for i, id in ipairs(receipt_picked) do picked_json[i] = jstr(id) end
  local sep = ''
  if notes_n > 0 and string.sub(receipt_head, -1) ~= '[' then sep = ',' end
  local receipt = receipt_head .. sep .. table.concat(notes) .. '],"picked":[' ..
    table.concat(picked_json, ',') .. '],"state_before":{' .. table.concat(before) ..
    '},"state_after":{' .. table.concat(after) .. '}}'
  -- Receipts are fields of the item's hash ("r:<n>", the last 50; "rn" counts them): written
  -- with its other fields in one HSET, kept as long as the item.
  local rn = tonumber(it[5] or '0') + 1
  item_set('rn', rn)
  item_set('r:' .. rn, receipt)
  if rn > 50 then redis.call('HDEL', item, 'r:' .. (rn - 50)) end
  redis.call('HSET', item, unpack(item_writes))
  return result
end

local results, at = {}, 2
for k = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[at])
  local args = { unpack(ARGV, at + 1, at + n) }
  -- A decision that fails while it runs (bad data, a bug) fails alone: the others keep their
  -- answers, and Redis never undoes a script's writes. Its own writes (a weighted pass, then the
  -- reservation) stay if it fails after it began them.
  local ok, r = pcall(decide, args)
  if not ok then
    local why = r
    if type(r) == 'table' then why = r.err or cjson.encode(r) end
    r = { 'error', 'offer decision for item ' .. tostring(args[6]) .. ' failed: ' .. tostring(why) }
  elseif r.err then
    r = { 'error', r.err }
  end
  results[k] = r
  at = at + n + 1
end
for topic, b in pairs(batches) do outbox_emit_batch(P .. 'outbox', topic, b.count, b.pieces) end
if #nudges > 0 then redis.call('PUBLISH', P .. 'feed', table.concat(nudges, '|')) end
return results
