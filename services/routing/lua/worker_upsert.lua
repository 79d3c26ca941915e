-- Creates or updates a worker: the roster entry (JSON, read by every engine instance) and the
-- live hash. Live counters (load, today's count) survive an update. Bumps the roster version
-- so every instance reloads the roster before its next decision.
-- KEYS[1] "<tag>:ver"
-- ARGV: worker, roster_json, org, capacity, daily_cap, weight, now, pools ("a|b|c")
local id = ARGV[1]
local w = P .. 'w:' .. id
local old_pools = redis.call('HGET', w, 'pools') or ''
redis.call('HSET', P .. 'roster', id, ARGV[2])
redis.call('HSET', w, 'org', ARGV[3], 'cap', ARGV[4], 'dcap', ARGV[5], 'weight', ARGV[6],
  'pools', ARGV[8])
if redis.call('HSETNX', w, 'status', 'offline') == 1 or redis.call('HGET', w, 'status') == 'removed' then
  redis.call('HSET', w, 'status', 'offline', 'idle', ARGV[7])
end
redis.call('HSETNX', w, 'load', 0)
-- Keep the per-pool idle order in step with the worker's pools.
for pool in string.gmatch(old_pools, '[^|]+') do redis.call('ZREM', P .. 'idle:' .. pool, id) end
touch_idle(id, ARGV[8], tonumber(redis.call('HGET', w, 'idle') or ARGV[7]))
-- And the weighted order (see offer.lua): a worker joins a pool at the pool's virtual time, so
-- it neither waits behind nor overtakes the others; one that stays keeps its pass.
local pools = {}
for pool in string.gmatch(ARGV[8], '[^|]+') do pools[pool] = true end
for pool in string.gmatch(old_pools, '[^|]+') do
  if not pools[pool] then
    redis.call('ZREM', P .. 'pass:' .. pool, id)
    redis.call('ZREM', P .. 'spare:' .. pool, id)
  end
end
resort_spare(id)  -- its capacity may have changed
for pool in pairs(pools) do
  redis.call('ZADD', P .. 'pass:' .. pool, 'NX', redis.call('HGET', P .. 'passv', pool) or 0, id)
end
return redis.call('INCR', KEYS[1])
