-- Shared helpers prepended to every routing script at build time, after the platform's
-- platform/outbox/outbox_pb.lua (protobuf encoding), see CMakeLists.txt.
-- All keys live under one hash tag: KEYS[1] is always the domain's "<tag>:ver" key and every
-- other key is derived from its prefix, so a script never leaves that slot.
local P = string.sub(KEYS[1], 1, #KEYS[1] - 3)   -- "{rt:domain}:"

local KIND_NUM = { lead = 1, ticket = 2 }
local function item_ref(kind, item_id, account)
  return pb_msg(1, pb_int(1, KIND_NUM[kind] or 0) .. pb_str(2, item_id) .. pb_str(3, account))
end

-- Every event-emitting script takes now, producer, trace, topic, event_id_base as ARGV[1..5]
-- (`args`: a decision's own arguments in a script that makes several).
local function event_context(args)
  args = args or ARGV
  return { now = tonumber(args[1]), producer = args[2], trace = args[3], topic = args[4],
    id_base = args[5], seq = 0 }
end

-- The pending offer `offer_id` made to `worker_id`, or nil and the error reply saying why not.
local function pending_offer(offer_id, worker_id)
  local o = redis.call('HMGET', P .. 'offer:' .. offer_id, 'item', 'worker', 'deadline', 'state',
    'day', 'pool')
  if o[1] == false then return nil, redis.error_reply('NOT_FOUND offer ' .. offer_id .. ' does not exist') end
  if o[2] ~= worker_id then
    return nil, redis.error_reply('PERMISSION_DENIED offer ' .. offer_id .. ' was made to another worker')
  end
  if o[4] ~= 'pending' then
    return nil, redis.error_reply('FAILED_PRECONDITION offer ' .. offer_id .. ' is ' .. o[4])
  end
  return { item = o[1], worker = o[2], deadline = tonumber(o[3]), day = o[5], pool = o[6] or '' }
end

-- Appends one event (an Envelope with payload `field` = `body`) to the domain's outbox.
-- ctx: {now, producer, trace, topic, id_base, seq}
local function emit(ctx, account, type_name, field, body)
  ctx.seq = ctx.seq + 1
  local id = ctx.id_base .. string.format('%02x', ctx.seq % 256)
  local header = outbox_header(id, type_name, ctx.now, ctx.producer, ctx.trace)
  outbox_emit(P .. 'outbox', ctx.topic, account, id, type_name, header, field, body)
end

-- Live state of worker `id` (hash `w`) in one read, with its static facts `st` ({day, weight}:
-- its local day now, its weight). The table is built whole: adding fields later rehashes it.
local function worker_state(w, id, st)
  local f = redis.call('HMGET', w, 'status', 'streams', 'seen', 'load', 'cap', 'day', 'dcount',
    'dcap', 'idle', 'org', 'pools', 'spared')
  return { status = f[1], streams = tonumber(f[2] or '0'), seen = tonumber(f[3] or '0'),
    load = tonumber(f[4] or '0'), cap = tonumber(f[5] or '0'), day = f[6],
    dcount = tonumber(f[7] or '0'), dcap = tonumber(f[8] or '0'), idle = tonumber(f[9] or '0'),
    org = f[10] or '', pools = f[11] or '', spared = f[12] == '1', id = id, weight = st.weight,
    cday = st.day }
end

-- Each pool keeps its workers ordered by idle time ("<tag>:idle:<pool>", a sorted set), so
-- round robin finds the longest-idle worker without reading the whole pool.
local function touch_idle(worker_id, pools, now)
  for pool in string.gmatch(pools, '[^|]+') do
    redis.call('ZADD', P .. 'idle:' .. pool, now, worker_id)
  end
end

-- And by spare capacity, most first, then longest idle ("<tag>:spare:<pool>"), so least loaded
-- sorts its candidates by one read. The score is -(spare) plus the idle time in whole seconds
-- over 1e10 (below 1 until the year 2286, and far above a double's resolution at 1,000 spare).
-- Only workers a least-loaded decision has met are kept there (their hash says "spared"), so
-- pools routed otherwise pay nothing for it.
local function touch_spare(worker_id, pools, cap, load, idle_ms)
  local score = (load - cap) + math.floor(idle_ms / 1000) / 1e10
  for pool in string.gmatch(pools, '[^|]+') do
    redis.call('ZADD', P .. 'spare:' .. pool, score, worker_id)
  end
  return score
end

-- After a spared worker's load or capacity changed: its place in its pools' spare orders.
-- `meet` (a least-loaded decision met it) starts keeping it there. Returns the score, or nil.
local function resort_spare(worker_id, meet)
  local w = P .. 'w:' .. worker_id
  local f = redis.call('HMGET', w, 'cap', 'load', 'idle', 'pools', 'spared')
  if f[5] ~= '1' then
    if not meet then return nil end
    redis.call('HSET', w, 'spared', 1)
  end
  return touch_spare(worker_id, f[4] or '', tonumber(f[1] or '0'), tonumber(f[2] or '0'),
    tonumber(f[3] or '0'))
end

-- nil when the worker can take one more item now, else the reason it cannot.
local function ineligible_reason(s, now, presence_ms, day)
  if s.status == false or s.status == 'removed' then return 'not on the roster' end
  if s.status ~= 'available' then return 'status ' .. s.status end
  if s.streams <= 0 and now - s.seen > presence_ms then
    return 'no presence (no stream, no recent heartbeat)'
  end
  if s.load >= s.cap then return 'at capacity (' .. s.load .. '/' .. s.cap .. ')' end
  local dcount = 0
  if s.day == day then dcount = s.dcount end
  if dcount >= s.dcap then return 'daily cap reached (' .. dcount .. '/' .. s.dcap .. ')' end
  return nil
end

-- Each worker's pending offers ("<tag>:wo:<worker>", a set), so an offer stream can replay
-- them on reconnect. The offer script adds to it; every script that ends an offer takes it out.
-- Each change also nudges the offer feeds of every instance ("<tag>:feed" pub/sub, payload the
-- worker id, or several joined by '|' from the offer script, which nudges once a call) so an
-- open stream hears of it at once; feeds still reconcile periodically (pub/sub is at most once).
local function offer_closed(offer_id, worker_id)
  redis.call('SREM', P .. 'wo:' .. worker_id, offer_id)
  redis.call('PUBLISH', P .. 'feed', worker_id)
end

-- One open item fewer for the worker (an offer ended unanswered, or an assignment closed),
-- and, for an offer (`day`: the local day it counted in), one fewer in that day's count: read
-- and written once, and moved in the spare order if it is kept there.
local function free_capacity(worker_id, day)
  local w = P .. 'w:' .. worker_id
  local f = redis.call('HMGET', w, 'load', 'day', 'dcount', 'cap', 'idle', 'pools', 'spared')
  local load = math.max(tonumber(f[1] or '0') - 1, 0)
  local writes = { 'load', load }
  if day ~= nil and f[2] == day and tonumber(f[3] or '0') > 0 then
    writes[3] = 'dcount'
    writes[4] = tonumber(f[3]) - 1
  end
  redis.call('HSET', w, unpack(writes))
  if f[7] == '1' then
    touch_spare(worker_id, f[6] or '', tonumber(f[4] or '0'), load, tonumber(f[5] or '0'))
  end
end

-- Finished offers and closed items are kept a while for receipts and audits, then expire.
local OFFER_RETENTION_MS = 7 * 24 * 3600 * 1000
local ITEM_RETENTION_MS = 30 * 24 * 3600 * 1000

-- Withdraws every live offer of an item (releasing each reservation, with an event).
local function rescind_live_offers(ctx, item_id, kind, account)
  for _, offer_id in ipairs(redis.call('SMEMBERS', P .. 'io:' .. item_id)) do
    local offer = P .. 'offer:' .. offer_id
    local o = redis.call('HMGET', offer, 'worker', 'day')
    redis.call('HSET', offer, 'state', 'rescinded')
    redis.call('PEXPIRE', offer, OFFER_RETENTION_MS)
    redis.call('ZREM', P .. 'due', offer_id)
    offer_closed(offer_id, o[1])
    free_capacity(o[1], o[2])
    emit(ctx, account, 'WorkItemOfferRescinded', 14,
      item_ref(kind, item_id, account) .. pb_str(2, offer_id) .. pb_str(3, o[1]))
  end
  redis.call('DEL', P .. 'io:' .. item_id)
end
