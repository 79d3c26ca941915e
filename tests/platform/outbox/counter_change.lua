-- Test state change with its event: increments a per-account counter and appends the event
-- to the shard's outbox in the same atomic step.
-- KEYS[1] counter key, KEYS[2] outbox stream (same hash tag)
-- ARGV[1..5] outbox event: topic, partition key, event id, type, envelope bytes
local n = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], '*', 't', ARGV[1], 'k', ARGV[2], 'i', ARGV[3], 'y', ARGV[4],
  'v', ARGV[5])
return n
