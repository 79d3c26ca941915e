-- Takes a worker off the roster. Its assigned items stay assigned; pending offers expire.
-- KEYS[1] "<tag>:ver"; ARGV: worker
if redis.call('HDEL', P .. 'roster', ARGV[1]) == 0 then
  return redis.error_reply('NOT_FOUND worker ' .. ARGV[1] .. ' is not on the roster')
end
redis.call('HSET', P .. 'w:' .. ARGV[1], 'status', 'removed')
for pool in string.gmatch(redis.call('HGET', P .. 'w:' .. ARGV[1], 'pools') or '', '[^|]+') do
  redis.call('ZREM', P .. 'idle:' .. pool, ARGV[1])
  redis.call('ZREM', P .. 'pass:' .. pool, ARGV[1])
  redis.call('ZREM', P .. 'spare:' .. pool, ARGV[1])
end
return redis.call('INCR', KEYS[1])
