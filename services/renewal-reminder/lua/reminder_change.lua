-- Completes, snoozes or reassigns a reminder, with its event.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, id, op (complete|snooze|reassign), caller, caller_is_operator (1|0),
--   value (outcome number | until ms | new owner), notes, event_id_base, producer, trace,
--   how long a done reminder is kept (ms)
-- Returns the reminder's bytes after the change.
local now, id, op, caller = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local r = redis.call('HMGET', rkey(id), 'state', 'owner', 'account')
if r[1] == false then return redis.error_reply('NOT_FOUND reminder ' .. id .. ' does not exist') end
if ARGV[5] ~= '1' and r[2] ~= caller then
  return redis.error_reply('PERMISSION_DENIED reminder ' .. id .. ' is not a task of ' .. caller)
end
if op == 'complete' then
  if r[1] ~= 'due' then
    return redis.error_reply('FAILED_PRECONDITION reminder ' .. id .. ' is ' .. r[1] .. ', not due')
  end
  unschedule(id)
  redis.call('HSET', rkey(id), 'state', 'done', 'outcome', ARGV[6], 'notes', ARGV[7], 'done_at', now)
  -- Kept while anything could plan its stable id again (see ReminderBook), then forgotten.
  redis.call('PEXPIRE', rkey(id), ARGV[11])
  emit(REMINDERS_TOPIC, r[3], event_id(ARGV[8], 1), 'ReminderCompleted', now, ARGV[9], ARGV[10],
    311, pb_msg(1, reminder_bytes(id)) .. pb_str(2, caller))
elseif op == 'snooze' then
  if not LIVE[r[1]] then
    return redis.error_reply('FAILED_PRECONDITION reminder ' .. id .. ' is ' .. r[1])
  end
  unschedule(id)
  redis.call('HSET', rkey(id), 'state', 'snoozed', 'due', ARGV[6])
  redis.call('ZADD', P .. 'due', ARGV[6], id)
  redis.call('ZADD', P .. 'upcoming:' .. r[3], ARGV[6], id)
elseif op == 'reassign' then
  if not LIVE[r[1]] then
    return redis.error_reply('FAILED_PRECONDITION reminder ' .. id .. ' is ' .. r[1])
  end
  if r[1] == 'due' then
    local due = redis.call('HGET', rkey(id), 'due')
    redis.call('ZREM', task_key(r[2]), id)
    redis.call('ZADD', task_key(ARGV[6]), due, id)
  end
  redis.call('HSET', rkey(id), 'owner', ARGV[6])
  nudge(ARGV[6])
else
  return redis.error_reply('INVALID_ARGUMENT unknown reminder operation ' .. op)
end
nudge(r[2])
return reminder_bytes(id)
