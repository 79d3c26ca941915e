-- Claims up to `limit` reminders whose time has come and makes each a task for its owner (the
-- reassigned one, else the account's sales or service owner as of now; the operators' queue
-- without one), with its ReminderDue event. A claimed reminder leaves the timer set in the
-- same step, so however many instances fire, each reminder is delivered once, and a restart
-- loses none.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, limit, event_id_base, producer, trace
-- Returns the number fired.
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local claimed = redis.call('ZRANGEBYSCORE', TIMERS, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
if #claimed == 0 then return 0 end
-- Thousands per call: what is the same for every event is built once, what is the same for
-- every event of one owner once per owner, and the rest came with the timer member. One
-- ZADD per owner's task list, one outbox entry for all the events (outbox_emit_batch).
local base = ARGV[3]
local id_head = pb_varint(1 * 8 + 2) .. pb_varint(#base + 4) .. base  -- Envelope.event_id
local header_tail = pb_str(2, 'ReminderDue') .. pb_time(3, now) .. pb_str(4, ARGV[4]) ..
    pb_str(6, ARGV[5])
local STATE_DUE = pb_int(8, STATE_NUM.due)
-- The claimed reminders, parsed; then every owner they need, one HMGET per role.
local ids, accounts, roles, owners, fragments, dues = {}, {}, {}, {}, {}, {}
local unreadable, n = {}, 0
local to_look_up, seen = { sales = {}, service = {} }, { sales = {}, service = {} }
for i = 1, #claimed, 2 do
  local id, account, role, owner, fragment = string.match(claimed[i], MEMBER)
  if id == nil then
    -- Not written by these scripts: set aside for an operator rather than left to block every
    -- fire behind it.
    unreadable[#unreadable + 1] = claimed[i + 1]
    unreadable[#unreadable + 1] = claimed[i]
  else
    if role ~= 'service' then role = 'sales' end
    n = n + 1
    ids[n], accounts[n], roles[n], owners[n], fragments[n], dues[n] =
      id, account, role, owner, fragment, claimed[i + 1]
    if owner == '' and not seen[role][account] then
      seen[role][account] = true
      local list = to_look_up[role]
      list[#list + 1] = account
    end
  end
end
local owner_of = {}
for role, list in pairs(to_look_up) do
  local found, got = {}, call_sliced('HMGET', P .. 'owners:' .. role, list)
  for k = 1, #list do found[list[k]] = got[k] or '' end
  owner_of[role] = found
end
-- Each event's id is base .. seq and its value id_head .. seq .. header_tail .. fragment ..
-- due_part, handed over in those pieces. seq is the event's number in 4 hex digits:
-- string.format per event cost as much as all the rest of the event, so it runs once per 16
-- and the last digit comes from a table.
local ID_LEN_PIECE, TYPE = pb_varint(#base + 4), outbox_batch_type('ReminderDue')
local HEAD_LEN = #id_head + 4 + #header_tail
local HEX = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f' }
local seq_head = ''
local tasks_of, task_count, due_part_of, batch, inspections, b = {}, {}, {}, {}, {}, 0
for fired = 1, n do
  local id, account, owner = ids[fired], accounts[fired], owners[fired]
  if owner == '' then owner = owner_of[roles[fired]][account] end
  local tasks, t = tasks_of[owner], (task_count[owner] or 0) + 2
  if tasks == nil then
    tasks = {}
    tasks_of[owner] = tasks
  end
  tasks[t - 1], tasks[t] = dues[fired], id
  task_count[owner] = t
  -- Owner and state, merged by the reader into the reminder the fragment began.
  local due_part = due_part_of[owner]
  if due_part == nil then
    due_part = pb_msg(310, pb_msg(1, pb_str(7, owner) .. STATE_DUE))
    due_part_of[owner] = due_part
  end
  local k = fired % 65536
  if fired == 1 or k % 16 == 0 then seq_head = string.format('%03x', math.floor(k / 16)) end
  local seq, fragment = seq_head .. HEX[k % 16 + 1], fragments[fired]
  b = outbox_batch_add(batch, b, account, ID_LEN_PIECE, base, seq, TYPE,
    HEAD_LEN + #fragment + #due_part, id_head, seq, header_tail, fragment, due_part)
  -- A due inspection also becomes a ticket in ticket-dispatch (raised by the service, retried
  -- until it answers). The first byte is checked first: a substring per reminder is not free.
  if string.byte(id, 1) == 105 and string.sub(id, 1, 11) == 'inspection:' then
    inspections[#inspections + 1] = id
  end
end
-- They are the set's first by rank: removed by rank, not looked up one by one (and the AOF
-- gets one short command instead of every member).
redis.call('ZREMRANGEBYRANK', TIMERS, 0, #claimed / 2 - 1)
call_sliced('ZADD', P .. 'due-unreadable', unreadable)
call_sliced('RPUSH', P .. 'inspections', inspections)
for owner, tasks in pairs(tasks_of) do
  call_sliced('ZADD', task_key(owner), tasks)
  nudge(owner)
end
outbox_emit_batch(OUTBOX, REMINDERS_TOPIC, n, batch)
return n
