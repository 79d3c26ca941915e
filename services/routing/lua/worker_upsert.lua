-- Creates or updates a worker: the roster entry (JSON, read by every engine instance) and the
-- live hash. Live counters (load, today's count) survive an update. Bumps the roster version
-- so every instance reloads the roster before its next decision.
-- KEYS[1] "<tag>:ver"
-- ARGV: worker, roster_json, org, capacity, daily_cap, weight, now
local w = P .. 'w:' .. ARGV[1]
redis.call('HSET', P .. 'roster', ARGV[1], ARGV[2])
redis.call('HSET', w, 'org', ARGV[3], 'cap', ARGV[4], 'dcap', ARGV[5], 'weight', ARGV[6])
if redis.call('HSETNX', w, 'status', 'offline') == 1 or redis.call('HGET', w, 'status') == 'removed' then
  redis.call('HSET', w, 'status', 'offline', 'idle', ARGV[7])
end
redis.call('HSETNX', w, 'load', 0)
return redis.call('INCR', KEYS[1])
