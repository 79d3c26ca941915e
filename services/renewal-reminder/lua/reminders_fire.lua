-- Claims up to `limit` reminders whose time has come and makes each a task for its owner (the
-- account's sales or service owner as of now; the operators' queue without one), with its
-- ReminderDue event. A claimed reminder leaves the timer set in the same step, so however
-- many instances fire, each reminder is delivered once, and a restart loses none.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, limit, event_id_base, producer, trace
-- Returns the number fired.
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', P .. 'due', '-inf', now, 'LIMIT', 0, limit)
if #ids == 0 then return 0 end
-- They are the set's first #ids by rank: removed by rank, not looked up one by one (and the
-- AOF gets one short command instead of every id).
redis.call('ZREMRANGEBYRANK', P .. 'due', 0, #ids - 1)
-- Thousands per call: what is the same for every event is built once.
local header_tail = pb_str(2, 'ReminderDue') .. pb_time(3, now) .. pb_str(4, ARGV[4]) ..
    pb_str(6, ARGV[5])
local owners_of, nudged, fired = {}, {}, 0
for _, id in ipairs(ids) do
  local key = rkey(id)
  local r = redis.call('HMGET', key, 'state', 'role', 'account', 'owner', 'due', 'doc')
  if r[1] == 'scheduled' or r[1] == 'snoozed' then
    local role = r[2] == 'service' and 'service' or 'sales'
    local owner = r[4]
    if owner == false or owner == '' then
      local cached = owners_of[r[3]]
      if cached == nil then
        cached = redis.call('HMGET', P .. 'acct:' .. r[3], 'sales', 'service')
        owners_of[r[3]] = cached
      end
      if role == 'service' then owner = cached[2] else owner = cached[1] end
      owner = owner or ''
    end
    redis.call('HSET', key, 'state', 'due', 'owner', owner)
    redis.call('ZADD', task_key(owner), r[5], id)
    fired = fired + 1
    local event = event_id(ARGV[3], fired)
    local reminder = r[6] .. pb_time(6, r[5]) .. pb_str(7, owner) .. pb_int(8, STATE_NUM.due)
    redis.call('XADD', OUTBOX, '*', 't', REMINDERS_TOPIC, 'k', r[3], 'i', event, 'y', 'ReminderDue',
      'v', pb_str(1, event) .. header_tail .. pb_str(5, r[3]) .. pb_msg(310, pb_msg(1, reminder)))
    nudged[owner] = true
    -- A due inspection also becomes a ticket in ticket-dispatch (raised by the service, retried
    -- until it answers).
    if string.sub(id, 1, 11) == 'inspection:' then redis.call('RPUSH', P .. 'inspections', id) end
  end
end
for owner in pairs(nudged) do nudge(owner) end
return fired
