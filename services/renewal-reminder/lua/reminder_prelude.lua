-- Helpers prepended to every renewal-reminder script (after platform/outbox/outbox_pb.lua).
-- All renewal-reminder keys live under the hash tag "{rr}": KEYS[1] is always "{rr}:outbox".
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{rr}:"
local OUTBOX = KEYS[1]
local REMINDERS_TOPIC = 'firstline.reminders.v1'
-- Reminder states, with their ReminderState enum numbers. "due" is never stored (see below).
local STATE_NUM = { scheduled = 1, due = 2, snoozed = 3, done = 4, superseded = 5 }
local LIVE = { scheduled = true, due = true, snoozed = true }
local OPS = '-ops'  -- task list of reminders without an owner: the operators' queue
local TIMERS = P .. 'due'

-- Reminder hash "{rr}:r:<id>": doc (Reminder without due_at, owner, state, outcome, notes),
-- state (scheduled|snoozed|done|superseded), due (ms), role (sales|service), account,
-- owner (set by a reassignment, and when done), outcome, notes.
--
-- A live (scheduled or snoozed) reminder is pending while its member is in the timer set
-- TIMERS and due once a fire has taken it out; its owner is then the reassigned one or the
-- account's owner of its role, and its task sits in that owner's list (owner_set.lua moves
-- it when the account changes hands). So a fire writes nothing per reminder but the task:
-- on a dataset bigger than the CPU caches, every reminder hash touched costs more than all
-- the rest of the fire.
local function rkey(id) return P .. 'r:' .. id end
local function task_key(owner)
  if owner == nil or owner == false or owner == '' then return P .. 'tasks:' .. OPS end
  return P .. 'tasks:' .. owner
end

-- The ReminderDue event's part fixed when the reminder is scheduled: Envelope.partition_key
-- and reminder_due.reminder with the stored doc and due_at. The fire appends owner and state
-- as a second reminder_due.reminder, which protobuf parsers merge into the first.
local function due_fragment(account, doc, due)
  return pb_str(5, account) .. pb_msg(310, pb_msg(1, doc .. pb_time(6, due)))
end
-- A timer-set member carries all a fire needs, so a fire reads no reminder hash: id,
-- account, role and reassigned owner, NUL-separated (ReminderBook refuses ids holding NUL),
-- then the fragment. Its sort order is its id's, as when members were bare ids.
local MEMBER = '^(%Z+)%z(%Z*)%z(%Z*)%z(%Z*)%z(.*)$'
local function timer_member(id, account, role, owner, doc, due)
  return id .. '\0' .. account .. '\0' .. role .. '\0' .. owner .. '\0' ..
      due_fragment(account, doc, due)
end

-- A reminder as it stands (nil if unknown): its fields, its state and owner with "due" worked
-- out as described above, and while it is pending its timer member.
local function reminder_view(id)
  local f = redis.call('HMGET', rkey(id), 'doc', 'state', 'due', 'role', 'account', 'owner',
    'outcome', 'notes')
  if f[2] == false then return nil end
  local r = { id = id, doc = f[1] or '', state = f[2], due = f[3] or '0', role = f[4] or 'sales',
    account = f[5] or '', assigned = f[6] or '', outcome = f[7], notes = f[8] }
  r.owner = r.assigned
  if r.state == 'scheduled' or r.state == 'snoozed' then
    r.member = timer_member(id, r.account, r.role, r.assigned, r.doc, r.due)
    if redis.call('ZSCORE', TIMERS, r.member) == false then
      r.state, r.member = 'due', nil
      if r.owner == '' then r.owner = redis.call('HGET', P .. 'owners:' .. r.role, r.account) or '' end
    end
  end
  return r
end

-- The Reminder message of a view, as the API and events carry it.
local function reminder_bytes(r)
  return r.doc .. pb_time(6, r.due) .. pb_str(7, r.owner) .. pb_int(8, STATE_NUM[r.state] or 0) ..
      pb_int(9, r.outcome) .. pb_str(10, r.notes)
end

-- Stores a reminder as pending (its hash, timer and account's upcoming list). Returns its
-- timer member.
local function schedule_reminder(id, doc, due, role, account, owner, state)
  redis.call('HSET', rkey(id), 'doc', doc, 'state', state, 'due', due, 'role', role,
    'account', account)
  local member = timer_member(id, account, role, owner, doc, due)
  redis.call('ZADD', TIMERS, due, member)
  redis.call('ZADD', P .. 'upcoming:' .. account, due, id)
  return member
end

-- Schedules a reminder unless its id is known: a known one keeps its state, so planning the
-- same reminder again (a redelivered event, an overlapping window) is harmless. Returns
-- whether it was new.
local function schedule_if_new(id, doc, due, role, account)
  if redis.call('EXISTS', rkey(id)) == 1 then return false end
  schedule_reminder(id, doc, due, role, account, '', 'scheduled')
  return true
end

-- Calls `command` on `key` with the items of `list` as arguments, 2,000 at a time (unpack()
-- is bounded by Lua's C stack, about 8,000 values); returns the replies joined in order.
local function call_sliced(command, key, list)
  local replies = {}
  for from = 1, #list, 2000 do
    local got = redis.call(command, key, unpack(list, from, math.min(from + 1999, #list)))
    if type(got) == 'table' then
      for k = 1, #got do replies[from + k - 1] = got[k] end
    end
  end
  return replies
end

-- Takes a live reminder out of every schedule: its timer or its owner's task list, and its
-- account's upcoming list. The hash stays (its state tells what happened).
local function unschedule(r)
  if r.state == 'due' then
    redis.call('ZREM', task_key(r.owner), r.id)
  else
    redis.call('ZREM', TIMERS, r.member)
  end
  redis.call('ZREM', P .. 'upcoming:' .. r.account, r.id)
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
