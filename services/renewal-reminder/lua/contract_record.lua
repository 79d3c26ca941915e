-- Records a contract version and reschedules its renewal reminders in one step: the contract,
-- its event, the stale reminders superseded (never delivered) and the new ones scheduled.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, contract, account, version, contract_doc, event_id_base, producer, trace,
--   reward guard (a referred account whose referral this change rewards, once; '' for none),
--   how long a superseded reminder is kept (ms),
--   prebuilt event count at 11, then per event: topic, key, id, type, value (5 each),
--   then the planned count, then per planned reminder: id, doc, due_ms, role (4 each).
-- Returns {'applied', scheduled, superseded} | {'ignored', stored_version}
local now, cid, account, version = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4])
local ckey = P .. 'contract:' .. cid
local stored = tonumber(redis.call('HGET', ckey, 'version') or '-1')
if stored == version then return { 'ignored', stored } end
if stored > version then
  return redis.error_reply('FAILED_PRECONDITION contract.version: ' .. version ..
    ' is older than the recorded version ' .. stored)
end
local old_account = redis.call('HGET', ckey, 'account')
if old_account and old_account ~= account then
  return redis.error_reply('FAILED_PRECONDITION contract.account_id: contract ' .. cid ..
    ' belongs to account ' .. old_account)
end
if ARGV[9] ~= '' and redis.call('HSETNX', P .. 'referral:' .. ARGV[9], 'rewarded', cid) == 0 then
  return { 'ignored', stored }  -- this referral was rewarded already
end
redis.call('HSET', ckey, 'version', version, 'doc', ARGV[5], 'account', account)
redis.call('SADD', P .. 'contracts:' .. account, cid)
local retention = ARGV[10]
local events = tonumber(ARGV[11])
for i = 0, events - 1 do
  local a = 12 + i * 5
  redis.call('XADD', OUTBOX, '*', 't', ARGV[a], 'k', ARGV[a + 1], 'i', ARGV[a + 2],
    'y', ARGV[a + 3], 'v', ARGV[a + 4])
end

local first = 12 + events * 5
local count = tonumber(ARGV[first])
local planned = {}
for i = 0, count - 1 do planned[ARGV[first + 1 + i * 4]] = true end
-- The contract's reminder ids: a sorted set (by due time), not a set, because Redis keeps a
-- small one as a listpack, about half the memory per id.
local by_contract = P .. 'by-contract:' .. cid
local superseded, seq = 0, 0
for _, id in ipairs(redis.call('ZRANGE', by_contract, 0, -1)) do
  local r = not planned[id] and reminder_view(id)  -- planned ones are seen to below
  if r == nil then
    redis.call('ZREM', by_contract, id)  -- finished and forgotten after its retention
  elseif r and LIVE[r.state] then
    unschedule(r)
    -- Never delivered, so if a later version plans it again it is simply scheduled anew.
    redis.call('HSET', rkey(id), 'state', 'superseded')
    redis.call('PEXPIRE', rkey(id), retention)
    superseded = superseded + 1
    seq = seq + 1
    emit(REMINDERS_TOPIC, account, event_id(ARGV[6], seq), 'ReminderSuperseded', now, ARGV[7],
      ARGV[8], 312, pb_str(1, id) .. pb_str(2, account) .. pb_str(3, cid) .. pb_int(4, version))
  end
end
local scheduled = 0
for i = 0, count - 1 do
  local a = first + 1 + i * 4
  local id = ARGV[a]
  local r = reminder_view(id)
  -- A reminder already due, snoozed or done keeps its state; a new or superseded one is
  -- (re)scheduled, and a pending one takes the new version's doc and time (a new member).
  if r == nil or r.state == 'superseded' or r.state == 'scheduled' then
    if r ~= nil and r.state == 'scheduled' then redis.call('ZREM', TIMERS, r.member) end
    schedule_reminder(id, ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], account,
      r and r.assigned or '', 'scheduled')
    if r ~= nil and r.state == 'superseded' then redis.call('PERSIST', rkey(id)) end  -- live again
    redis.call('ZADD', by_contract, ARGV[a + 2], id)
    if r == nil or r.state ~= 'scheduled' then scheduled = scheduled + 1 end
  end
end
return { 'applied', scheduled, superseded }
