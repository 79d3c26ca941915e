-- Commits one folded batch atomically: nothing is written unless every journey is still at
-- the version it was read at (journeys remember the events folded into them, so this also
-- keeps a redelivered event from landing twice). All keys live under the hash tag "{ca}".
-- KEYS[1] "{ca}:outbox"
-- ARGV: compact_min_bytes,
--   n_journeys, (journey key, version head read ('' when absent), value to write ('' deletes
--   it))...,
--   n_tallies, (aggregate key, entries)...,   APPEND (layout: tally.h)
--   n_outbox, (topic, partition_key, event_id, type, envelope bytes)...
-- Returns {'ok', keys to compact...} or {'conflict', journey keys...} (changed since read: the
-- caller reloads them and folds again). A key is due for compaction when it has grown to
-- twice its size at the last compaction ("{ca}:tally" field <key> = "<generation> <bytes>")
-- and to at least compact_min_bytes, so rewriting it costs O(1) per appended byte.
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{ca}:"
local compact_min = tonumber(ARGV[1])
local i = 2
local function take()
  local v = ARGV[i]
  i = i + 1
  return v
end

-- Journeys are read straight from ARGV, three arguments each, without a table per journey:
-- this loop runs for every account of the batch and was the script's largest cost. A journey
-- is "<version, 12 digits><StoredJourney>"; one still kept as a hash (v, d) from before that
-- layout is compared by its v and replaced by the SET.
local n = tonumber(take())
local first = i
i = first + 3 * n
local conflicts = {}
for at = first, i - 1, 3 do
  local head = redis.pcall('GETRANGE', ARGV[at], 0, 11)
  if type(head) ~= 'string' then
    head = string.format('%012d', tonumber(redis.call('HGET', ARGV[at], 'v') or '0'))
  end
  if head ~= ARGV[at + 1] then conflicts[#conflicts + 1] = ARGV[at] end
end
if #conflicts > 0 then return { 'conflict', unpack(conflicts) } end

for at = first, i - 1, 3 do
  if ARGV[at + 2] == '' then
    redis.call('DEL', ARGV[at])
  else
    redis.call('SET', ARGV[at], ARGV[at + 2])
  end
end
local compact = { 'ok' }
n = tonumber(take())
for _ = 1, n do
  local key, entries = take(), take()
  local size = append_tally(key, entries)
  if size >= compact_min then
    local last = redis.call('HGET', P .. 'tally', key)
    local base = tonumber(last and string.match(last, ' (%d+)$') or '0')
    if size >= 2 * base then compact[#compact + 1] = key end
  end
end
n = tonumber(take())
for _ = 1, n do
  local topic, pkey, id, type_name, bytes = take(), take(), take(), take(), take()
  redis.call('XADD', KEYS[1], '*', 't', topic, 'k', pkey, 'i', id, 'y', type_name, 'v', bytes)
end
return compact
