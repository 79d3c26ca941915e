-- Bench state change with its event, shaped like a service's write: one hash update and one
-- outbox append in one atomic step.
-- KEYS[1] aggregate hash, KEYS[2] outbox stream (same hash tag)
-- ARGV[1..5] outbox event: topic, partition key, event id, type, envelope bytes
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('XADD', KEYS[2], '*', 't', ARGV[1], 'k', ARGV[2], 'i', ARGV[3], 'y', ARGV[4],
  'v', ARGV[5])
return 1
