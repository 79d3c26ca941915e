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
-- Per call, not per reminder: one ZADD per owner's task list, one outbox entry for all the
-- events (outbox_emit_batch), and each event handed over in pieces (no copy of the stored
-- reminder per event). Each reminder is read and written in one go while its hash is in
-- the cache: a second pass over a thousand cold hashes costs more than it saves.
local owner_of = { sales = {}, service = {} }
local tasks_of, batch, fired = {}, {}, 0
local time_of, tail_of = {}, {}  -- encoded due times and owner+state tails, shared in the call
local STATE_DUE = pb_int(8, STATE_NUM.due)
local PAYLOAD_TAG = pb_varint(310 * 8 + 2)  -- Envelope.reminder_due
for _, id in ipairs(ids) do
  local key = rkey(id)
  local r = redis.call('HMGET', key, 'state', 'role', 'account', 'owner', 'due', 'doc')
  if r[1] == 'scheduled' or r[1] == 'snoozed' then
    local owner = r[4]
    if owner == false or owner == '' then
      local role = r[2] == 'service' and 'service' or 'sales'
      owner = owner_of[role][r[3]]
      if owner == nil then
        owner = redis.call('HGET', P .. 'owners:' .. role, r[3]) or ''
        owner_of[role][r[3]] = owner
      end
    end
    redis.call('HSET', key, 'state', 'due', 'owner', owner)
    local tasks = tasks_of[owner]
    if tasks == nil then
      tasks = {}
      tasks_of[owner] = tasks
    end
    tasks[#tasks + 1] = r[5]
    tasks[#tasks + 1] = id
    fired = fired + 1
    local event = event_id(ARGV[3], fired)
    -- The ReminderDue payload: the stored Reminder, then its due time, owner and state.
    local due = time_of[r[5]]
    if due == nil then
      due = pb_time(6, r[5])
      time_of[r[5]] = due
    end
    local tail = tail_of[owner]
    if tail == nil then
      tail = pb_str(7, owner) .. STATE_DUE
      tail_of[owner] = tail
    end
    local doc = r[6] or ''
    local reminder_len = #doc + #due + #tail
    local reminder_len_bytes = pb_varint(reminder_len)
    local head = pb_str(1, event) .. header_tail .. pb_str(5, r[3]) .. PAYLOAD_TAG ..
        pb_varint(1 + #reminder_len_bytes + reminder_len) .. '\10' .. reminder_len_bytes
    outbox_batch_add(batch, r[3], event, 'ReminderDue', head, doc, due, tail)
    -- A due inspection also becomes a ticket in ticket-dispatch (raised by the service, retried
    -- until it answers).
    if string.sub(id, 1, 11) == 'inspection:' then redis.call('RPUSH', P .. 'inspections', id) end
  end
end
for owner, tasks in pairs(tasks_of) do
  -- unpack() is bounded by Lua's C stack (about 8,000 values): add in slices.
  for from = 1, #tasks, 2000 do
    redis.call('ZADD', task_key(owner), unpack(tasks, from, math.min(from + 1999, #tasks)))
  end
  nudge(owner)
end
outbox_emit_batch(OUTBOX, REMINDERS_TOPIC, fired, batch)
return fired
