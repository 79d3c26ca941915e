-- Raises a ticket atomically: idempotency, the entitlement from the account's contracts, the
-- record, indexes, deadline timers and the events (TicketCreated, OutOfEntitlement when
-- billable). The entitlement is decided here, from "{td}:c:<account>" (contract_apply.lua), so
-- that a ticket costs no round trip for its contracts: the caller sends the ticket without its
-- entitlement and SLA, both SLA variants, and the events as templates; this script completes
-- them (protobuf merges a repeated embedded message, so appended fields land in the ticket).
-- KEYS[1] "{td}:outbox"
-- ARGV: 1 now ms, 2 idempotency key (scoped), 3 fingerprint, 4 ticket id, 5 account,
--   6 document (Ticket protobuf without entitlement and sla), 7 product line, 8 on-site due ms
--   (0: none), 9 accept due ms if covered, 10 resolve due ms if covered, 11 accept due ms if
--   billable, 12 resolve due ms if billable, 13 TicketSla protobuf if covered, 14 the same if
--   billable, 15 idempotency ttl ms, 16 topic, 17-21 TicketCreated template (the ticket as in
--   6), 22-26 OutOfEntitlement template (ticket, account and product line)
-- Returns {'new', id, covered 1/0, contract id or '', service end ms or ''} | {'replay', id}
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

-- Covered: the active contract for the product line whose service ends last, if it has not
-- ended. Billable otherwise, naming the contract that ended last (if any).
local covering, covering_end, newest, newest_end = false, -1, false, -1
local contracts = redis.call('HGETALL', P .. 'c:' .. account)
local line = '|' .. ARGV[7] .. '|'
for i = 1, #contracts, 2 do
  local service_end, active, lines = string.match(contracts[i + 1], '^(-?%d+)|[^|]*|([^|]*)|(.*)$')
  service_end = tonumber(service_end)
  if service_end and string.find(lines, line, 1, true) then
    if service_end > newest_end then newest, newest_end = contracts[i], service_end end
    if active == '1' and service_end > now and service_end > covering_end then
      covering, covering_end = contracts[i], service_end
    end
  end
end
local covered = covering ~= false
local contract, service_end = covering, covering_end
if not covered then contract, service_end = newest, newest_end end
local entitlement = ''
if covered then entitlement = pb_int(1, 1) end
if contract then entitlement = entitlement .. pb_str(2, contract) .. pb_time(3, service_end) end
if not covered then entitlement = entitlement .. pb_int(4, 1) end
local accept_due, resolve_due, sla = ARGV[9], ARGV[10], ARGV[13]
if not covered then accept_due, resolve_due, sla = ARGV[11], ARGV[12], ARGV[14] end
local completed = pb_msg(13, entitlement) .. pb_msg(14, sla)

redis.call('HSET', P .. 't:' .. id, 'doc', ARGV[6] .. completed, 'account', account,
  'status', 'new', 'created', now, 'rid', id, 'rounds', 1, 'rts', 0, 'flagged', 0,
  'breached', '', 'accept_due', accept_due, 'onsite_due', ARGV[8], 'resolve_due', resolve_due,
  'covered', covered and '1' or '0')
redis.call('ZADD', P .. 'tickets', now, id)
redis.call('ZADD', P .. 'at:' .. account, now, id)
redis.call('ZADD', P .. 'unrouted', now, id)
arm(id, 'accept', accept_due)
arm(id, 'on_site', ARGV[8])
arm(id, 'resolve', resolve_due)
redis.call('HSET', idem, 'fp', ARGV[3], 'ticket', id)
redis.call('PEXPIRE', idem, tonumber(ARGV[15]))
outbox_emit_template(OUTBOX, ARGV[16], account, 17, pb_msg(1, completed))
if not covered then
  local expired = ''
  if contract then expired = pb_str(4, contract) .. pb_time(5, service_end) end
  outbox_emit_template(OUTBOX, ARGV[16], account, 22, expired)
end
return { 'new', id, covered and 1 or 0, contract or '', contract and tostring(service_end) or '' }
