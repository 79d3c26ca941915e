-- Replaces the channel catalogue as a whole.
-- KEYS[1] "{ca}:catalog"
-- ARGV: (channel, Channel bytes)...
-- Returns the number of channels stored.
redis.call('DEL', KEYS[1])
for k = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[k], ARGV[k + 1]) end
return #ARGV / 2
