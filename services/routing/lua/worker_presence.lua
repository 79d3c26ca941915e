-- Status and presence of a worker: status <available|away|offline>, heartbeat, stream_open,
-- stream_close. Returns 1 when the worker can now take items (the engine then offers it
-- parked ones), else 0.
-- KEYS[1] "<tag>:ver"; ARGV: worker, op, value, now, presence_ms
local w = P .. 'w:' .. ARGV[1]
local status = redis.call('HGET', w, 'status')
if status == false or status == 'removed' then
  return redis.error_reply('NOT_FOUND worker ' .. ARGV[1] .. ' is not on the roster')
end
local op, now = ARGV[2], tonumber(ARGV[4])
if op == 'status' then
  redis.call('HSET', w, 'status', ARGV[3])
elseif op == 'heartbeat' then
  redis.call('HSET', w, 'seen', now)
elseif op == 'stream_open' then
  redis.call('HINCRBY', w, 'streams', 1)
  redis.call('HSET', w, 'seen', now)
elseif op == 'stream_close' then
  if tonumber(redis.call('HGET', w, 'streams') or '0') > 0 then redis.call('HINCRBY', w, 'streams', -1) end
  redis.call('HSET', w, 'seen', now)
else
  return redis.error_reply('INVALID_ARGUMENT unknown presence operation ' .. op)
end
local st = redis.call('HGET', w, 'status')
local streams = tonumber(redis.call('HGET', w, 'streams') or '0')
local seen = tonumber(redis.call('HGET', w, 'seen') or '0')
if st == 'available' and (streams > 0 or now - seen <= tonumber(ARGV[5])) then return 1 end
return 0
