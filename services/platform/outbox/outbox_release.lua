-- Releases the relay lease of one outbox stream if the caller still holds it.
-- KEYS[1] lease key; ARGV[1] relay instance id. Returns 1 when released.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
