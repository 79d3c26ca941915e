-- Stores the answer of a finished submission, so a retry with the same idempotency key gets
-- the same answer. KEYS[1] "{li}:outbox"; ARGV: 1 idempotency key, 2 answer bytes.
local idem = P .. 'idem:' .. ARGV[1]
if redis.call('EXISTS', idem) == 1 then redis.call('HSET', idem, 'answer', ARGV[2]) end
return 1
