-- Helpers prepended to every renewal-reminder script (after platform/outbox/outbox_pb.lua).
-- All renewal-reminder keys live under the hash tag "{rr}": KEYS[1] is always "{rr}:outbox".
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{rr}:"
local OUTBOX = KEYS[1]
local REMINDERS_TOPIC = 'firstline.reminders.v1'
-- Reminder states as stored, with their ReminderState enum numbers.
local STATE_NUM = { scheduled = 1, due = 2, snoozed = 3, done = 4, superseded = 5 }
local LIVE = { scheduled = true, due = true, snoozed = true }
local OPS = '-ops'  -- task list of reminders without an owner: the operators' queue

-- Reminder hash "{rr}:r:<id>": doc (Reminder without due_at, owner, state, outcome, notes),
-- state, due (ms), role (sales|service), owner (once due), account, outcome, notes.
local function rkey(id) return P .. 'r:' .. id end
local function task_key(owner)
  if owner == nil or owner == false or owner == '' then return P .. 'tasks:' .. OPS end
  return P .. 'tasks:' .. owner
end

-- The stored Reminder message completed with its live fields (a Timestamp appended once).
local function reminder_bytes(id)
  local f = redis.call('HMGET', rkey(id), 'doc', 'state', 'due', 'owner', 'outcome', 'notes')
  return (f[1] or '') .. pb_time(6, f[3] or 0) .. pb_str(7, f[4]) .. pb_int(8, STATE_NUM[f[2]] or 0) ..
      pb_int(9, f[5]) .. pb_str(10, f[6])
end

-- Takes a live reminder out of every schedule: its timer, its owner's task list and its
-- account's upcoming list. The hash stays (its state tells what happened).
local function unschedule(id)
  local f = redis.call('HMGET', rkey(id), 'owner', 'account', 'state')
  redis.call('ZREM', P .. 'due', id)
  if f[3] == 'due' then redis.call('ZREM', task_key(f[1]), id) end
  redis.call('ZREM', P .. 'upcoming:' .. (f[2] or ''), id)
end

-- Event ids: a 28-character base from the caller and a 4-digit hex sequence.
local function event_id(base, seq) return base .. string.format('%04x', seq % 65536) end

local function emit(topic, key, id, type_name, now, producer, trace, field, body)
  outbox_emit(OUTBOX, topic, key, id, type_name, outbox_header(id, type_name, now, producer, trace),
    field, body)
end

-- Tells every instance's reminder feeds that an owner's task list changed.
local function nudge(owner)
  redis.call('PUBLISH', P .. 'feed', (owner == nil or owner == false or owner == '') and OPS or owner)
end
