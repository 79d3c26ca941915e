-- Completes, snoozes or reassigns a reminder, with its event.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, id, op (complete|snooze|reassign), caller, caller_is_operator (1|0),
--   value (outcome number | until ms | new owner), notes, event_id_base, producer, trace,
--   how long a done reminder is kept (ms)
-- Returns the reminder's bytes after the change.
local now, id, op, caller = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local r = reminder_view(id)
if r == nil then return redis.error_reply('NOT_FOUND reminder ' .. id .. ' does not exist') end
if ARGV[5] ~= '1' and r.owner ~= caller then
  return redis.error_reply('PERMISSION_DENIED reminder ' .. id .. ' is not a task of ' .. caller)
end
if op ~= 'complete' and op ~= 'snooze' and op ~= 'reassign' then
  return redis.error_reply('INVALID_ARGUMENT unknown reminder operation ' .. op)
end
if op == 'complete' and r.state ~= 'due' then
  return redis.error_reply('FAILED_PRECONDITION reminder ' .. id .. ' is ' .. r.state .. ', not due')
end
if not LIVE[r.state] then
  return redis.error_reply('FAILED_PRECONDITION reminder ' .. id .. ' is ' .. r.state)
end
local was_owner = r.owner
if op == 'complete' then
  unschedule(r)
  -- Its owner is written now: once done, nothing works it out any more.
  redis.call('HSET', rkey(id), 'state', 'done', 'owner', r.owner, 'outcome', ARGV[6],
    'notes', ARGV[7], 'done_at', now)
  -- Kept while anything could plan its stable id again (see ReminderBook), then forgotten.
  redis.call('PEXPIRE', rkey(id), ARGV[11])
  r.state, r.outcome, r.notes = 'done', ARGV[6], ARGV[7]
  emit(REMINDERS_TOPIC, r.account, event_id(ARGV[8], 1), 'ReminderCompleted', now, ARGV[9],
    ARGV[10], 311, pb_msg(1, reminder_bytes(r)) .. pb_str(2, caller))
elseif op == 'snooze' then
  unschedule(r)
  r.state, r.due = 'snoozed', ARGV[6]
  r.member = schedule_reminder(id, r.doc, r.due, r.role, r.account, r.assigned, 'snoozed')
  r.owner = r.assigned
else  -- reassign: a due task moves to the new owner's list, a pending one fires to it
  if r.state == 'due' then
    redis.call('ZREM', task_key(r.owner), id)
    redis.call('ZADD', task_key(ARGV[6]), r.due, id)
  else
    redis.call('ZREM', TIMERS, r.member)
    r.member = timer_member(id, r.account, r.role, ARGV[6], r.doc, r.due)
    redis.call('ZADD', TIMERS, r.due, r.member)
  end
  redis.call('HSET', rkey(id), 'owner', ARGV[6])
  r.assigned, r.owner = ARGV[6], ARGV[6]
  nudge(ARGV[6])
end
nudge(was_owner)
return reminder_bytes(r)
