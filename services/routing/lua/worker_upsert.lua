-- Creates or updates workers, all in one script so a roster change of many workers (a day's
-- shift roster) is applied whole or not at all: each worker's roster entry (JSON, read by
-- every engine instance) and live hash. Live counters (load, today's count) survive an update.
-- Bumps the roster version once per worker, so every instance reloads the roster before its
-- next decision and this instance can patch its copy worker by worker.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, then per worker: id, roster_json, org, capacity, daily_cap, weight,
--       pools ("a|b|c")
local now = ARGV[1]
local version = 0
for i = 2, #ARGV, 7 do
  local id, pool_list = ARGV[i], ARGV[i + 6]
  local w = P .. 'w:' .. id
  local old_pools = redis.call('HGET', w, 'pools') or ''
  redis.call('HSET', P .. 'roster', id, ARGV[i + 1])
  redis.call('HSET', w, 'org', ARGV[i + 2], 'cap', ARGV[i + 3], 'dcap', ARGV[i + 4],
    'weight', ARGV[i + 5], 'pools', pool_list)
  if redis.call('HSETNX', w, 'status', 'offline') == 1 or redis.call('HGET', w, 'status') == 'removed' then
    redis.call('HSET', w, 'status', 'offline', 'idle', now)
  end
  redis.call('HSETNX', w, 'load', 0)
  -- Keep the per-pool idle order in step with the worker's pools.
  for pool in string.gmatch(old_pools, '[^|]+') do redis.call('ZREM', P .. 'idle:' .. pool, id) end
  touch_idle(id, pool_list, tonumber(redis.call('HGET', w, 'idle') or now))
  -- And the weighted order (see offer.lua): a worker joins a pool at the pool's virtual time,
  -- so it neither waits behind nor overtakes the others; one that stays keeps its pass.
  local pools = {}
  for pool in string.gmatch(pool_list, '[^|]+') do pools[pool] = true end
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
  version = redis.call('INCR', KEYS[1])
end
return version
