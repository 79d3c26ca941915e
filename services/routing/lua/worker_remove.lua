-- Takes a worker off the roster. Its assigned items stay assigned; its pending offers fall due
-- at once (the next sweep expires them and moves their items on, with events) and can no
-- longer be accepted.
-- KEYS[1] "<tag>:ver"; ARGV: worker, now (ms)
if redis.call('HDEL', P .. 'roster', ARGV[1]) == 0 then
  return redis.error_reply('NOT_FOUND worker ' .. ARGV[1] .. ' is not on the roster')
end
redis.call('HSET', P .. 'w:' .. ARGV[1], 'status', 'removed')
for pool in string.gmatch(redis.call('HGET', P .. 'w:' .. ARGV[1], 'pools') or '', '[^|]+') do
  redis.call('ZREM', P .. 'idle:' .. pool, ARGV[1])
  redis.call('ZREM', P .. 'pass:' .. pool, ARGV[1])
  redis.call('ZREM', P .. 'spare:' .. pool, ARGV[1])
end
for _, offer_id in ipairs(redis.call('SMEMBERS', P .. 'wo:' .. ARGV[1])) do
  redis.call('HSET', P .. 'offer:' .. offer_id, 'deadline', ARGV[2])
  redis.call('ZADD', P .. 'due', ARGV[2], offer_id)
end
return redis.call('INCR', KEYS[1])
