-- Records an account's recomputed health. A band change emits AccountHealthChanged; crossing
-- into red also emits AccountAtRisk and schedules an at-risk task for the sales owner (the
-- operators' queue without one). Red accounts are kept in "{rr}:at-risk" by score.
-- KEYS[1] "{rr}:outbox"
-- ARGV: now, account, score, band (1 red, 2 yellow, 3 green), health (AccountHealth bytes),
--   event_id_base, producer, trace, at-risk task: id, doc, due_ms
-- Returns the previous band (0: none).
local now, account, score, band = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local key = P .. 'health:' .. account
local previous = tonumber(redis.call('HGET', key, 'band') or '0')
redis.call('HSET', key, 'band', band, 'score', score, 'doc', ARGV[5])
if band == 1 then
  redis.call('ZADD', P .. 'at-risk', score, account)
else
  redis.call('ZREM', P .. 'at-risk', account)
end
if previous ~= band then
  local topic = 'firstline.accounts.v1'
  emit(topic, account, event_id(ARGV[6], 1), 'AccountHealthChanged', now, ARGV[7], ARGV[8], 313,
    pb_msg(1, ARGV[5]) .. pb_int(2, previous))
  if band == 1 then
    local owner = redis.call('HGET', P .. 'owners:sales', account) or ''
    emit(topic, account, event_id(ARGV[6], 2), 'AccountAtRisk', now, ARGV[7], ARGV[8], 314,
      pb_msg(1, ARGV[5]) .. pb_str(2, owner))
    schedule_if_new(ARGV[9], ARGV[10], ARGV[11], 'sales', account)
  end
end
return previous
