-- Commits one folded batch atomically: nothing is written unless every event is new and every
-- journey is still at the version it was read at. All keys live under the hash tag "{ca}".
-- KEYS[1] "{ca}:outbox"
-- ARGV: seen_retention_seconds,
--   n_events, event ids...,
--   n_journeys, (account, expected_version, op 'w'|'d', record)...,
--   n_count_keys, (key, n_fields, (field, integer)...)...,   HINCRBY
--   n_credit_keys, (key, n_fields, (field, number)...)...,   HINCRBYFLOAT
--   n_outbox, (topic, partition_key, event_id, type, envelope bytes)...
-- Returns {'ok'}, {'seen', ids...} (already applied: the caller folds again without them) or
-- {'conflict', accounts...} (changed since read: the caller reloads them and folds again).
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{ca}:"
local retention = tonumber(ARGV[1])
local i = 2
local function take()
  local v = ARGV[i]
  i = i + 1
  return v
end

local n = tonumber(take())
local ids = {}
local seen = {}
for k = 1, n do
  ids[k] = take()
  if redis.call('EXISTS', P .. 'seen:' .. ids[k]) == 1 then seen[#seen + 1] = ids[k] end
end
if #seen > 0 then return { 'seen', unpack(seen) } end

n = tonumber(take())
local journeys = {}
local conflicts = {}
for k = 1, n do
  local j = { account = take(), version = tonumber(take()), op = take(), record = take() }
  journeys[k] = j
  local key = P .. 'j:' .. j.account
  local stored = tonumber(redis.call('HGET', key, 'v') or '0')
  if stored ~= j.version then conflicts[#conflicts + 1] = j.account end
end
if #conflicts > 0 then return { 'conflict', unpack(conflicts) } end

for _, j in ipairs(journeys) do
  local key = P .. 'j:' .. j.account
  if j.op == 'd' then
    redis.call('DEL', key)
  else
    redis.call('HSET', key, 'v', j.version + 1, 'd', j.record)
  end
end
local function increments(command)
  local keys = tonumber(take())
  for _ = 1, keys do
    local key, fields = take(), tonumber(take())
    for _ = 1, fields do
      local field, by = take(), take()
      redis.call(command, key, field, by)
    end
  end
end
increments('HINCRBY')
increments('HINCRBYFLOAT')
n = tonumber(take())
for _ = 1, n do
  local topic, pkey, id, type_name, bytes = take(), take(), take(), take(), take()
  redis.call('XADD', KEYS[1], '*', 't', topic, 'k', pkey, 'i', id, 'y', type_name, 'v', bytes)
end
for _, id in ipairs(ids) do
  redis.call('SET', P .. 'seen:' .. id, 1, 'EX', retention)
end
return { 'ok' }
