-- Rewrites an aggregate (layout: tally.h) with the merged entries its caller read, keeping what
-- was appended since the read after them. Refused when another writer compacted it meanwhile.
-- KEYS[1] the aggregate, KEYS[2] "{ca}:tally" (field <aggregate> = "<generation> <bytes>")
-- ARGV: generation read, bytes read, merged entries
-- Returns 1 when rewritten, 0 when refused.
local state = redis.call('HGET', KEYS[2], KEYS[1])
local generation = tonumber(state and string.match(state, '^(%d+) ') or '0')
if generation ~= tonumber(ARGV[1]) then return 0 end
local read = tonumber(ARGV[2])
local size = redis.call('STRLEN', KEYS[1])
-- Only appends happen between compactions, so the key can only have grown since the read.
if size < read then
  return redis.error_reply('aggregate ' .. KEYS[1] .. ' shrank without a compaction')
end
local merged = ARGV[3]
if size > read then merged = merged .. redis.call('GETRANGE', KEYS[1], read, -1) end
redis.call('SET', KEYS[1], merged)
redis.call('HSET', KEYS[2], KEYS[1], (generation + 1) .. ' ' .. #ARGV[3])
return 1
