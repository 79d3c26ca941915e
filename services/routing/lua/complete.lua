-- Closes an assigned item, freeing the worker's capacity. The caller must present the
-- assignment's fencing version: a stale writer (an older assignment) is refused.
-- KEYS[1] "<tag>:ver"
-- ARGV: item, fencing_version
local item = P .. 'item:' .. ARGV[1]
local it = redis.call('HMGET', item, 'state', 'assignee', 'fence')
if it[1] == false then return redis.error_reply('NOT_FOUND item ' .. ARGV[1] .. ' does not exist') end
if it[1] ~= 'assigned' then return redis.error_reply('FAILED_PRECONDITION item ' .. ARGV[1] .. ' is ' .. it[1]) end
if it[3] ~= ARGV[2] then
  return redis.error_reply('ABORTED fencing version ' .. ARGV[2] .. ' is stale (current ' .. it[3] .. ')')
end
redis.call('HSET', item, 'state', 'closed')
redis.call('PEXPIRE', item, ITEM_RETENTION_MS)
free_capacity(it[2])
return it[2]
