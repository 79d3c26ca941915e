-- Applies a contract event to the entitlement table: "{td}:c:<account>" hash, contract id ->
-- "<service end ms>|<version>|<active 1/0>|<lines packed |a|b|>". Older versions are ignored.
-- KEYS[1] "{td}:outbox"; ARGV: 1 account, 2 contract, 3 end ms, 4 version, 5 active, 6 lines
-- Returns 1 when applied, 0 when older than what is stored.
local key = P .. 'c:' .. ARGV[1]
local cur = redis.call('HGET', key, ARGV[2])
if cur then
  local version = tonumber(string.match(cur, '^%d+|(%d+)|'))
  if version and version > tonumber(ARGV[4]) then return 0 end
end
redis.call('HSET', key, ARGV[2], ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. ARGV[6])
return 1
