-- Raises a ticket atomically: idempotency, the record, indexes, deadline timers and the
-- prebuilt events (TicketCreated, OutOfEntitlement when billable).
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 now ms, 2 idempotency key (scoped), 3 fingerprint, 4 ticket id, 5 account,
--   6 document (Ticket protobuf), 7 accept due ms, 8 on-site due ms (0: none),
--   9 resolve due ms, 10 covered (1/0), 11 idempotency ttl ms, 12 event count, 13.. events
-- Returns {'new', id} | {'replay', id}
local now = tonumber(ARGV[1])
local idem = P .. 'idem:' .. ARGV[2]
local seen = redis.call('HMGET', idem, 'fp', 'ticket')
if seen[1] then
  if seen[1] ~= ARGV[3] then
    return redis.error_reply('FAILED_PRECONDITION idempotency_key was already used for a different ticket')
  end
  return { 'replay', seen[2] }
end
local id, account = ARGV[4], ARGV[5]
redis.call('HSET', P .. 't:' .. id, 'doc', ARGV[6], 'account', account, 'status', 'new',
  'created', now, 'rid', id, 'rounds', 1, 'rts', 0, 'flagged', 0, 'breached', '',
  'accept_due', ARGV[7], 'onsite_due', ARGV[8], 'resolve_due', ARGV[9], 'covered', ARGV[10])
redis.call('ZADD', P .. 'tickets', now, id)
redis.call('ZADD', P .. 'at:' .. account, now, id)
redis.call('ZADD', P .. 'unrouted', now, id)
arm(id, 'accept', ARGV[7])
arm(id, 'on_site', ARGV[8])
arm(id, 'resolve', ARGV[9])
redis.call('HSET', idem, 'fp', ARGV[3], 'ticket', id)
redis.call('PEXPIRE', idem, tonumber(ARGV[11]))
append_events(13, tonumber(ARGV[12]))
return { 'new', id }
