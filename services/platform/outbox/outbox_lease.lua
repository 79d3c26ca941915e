-- Claims or renews the relay lease of one outbox stream, so one relay at a time publishes it
-- (publishing order = stream order = per-account event order).
-- KEYS[1] lease key (same hash tag as the stream)
-- ARGV[1] relay instance id, ARGV[2] lease time-to-live in milliseconds
-- Returns 1 when the caller holds the lease, 0 when another relay does.
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
