-- Explicit, audited transfer of an account's owner.
-- KEYS[1] "<tag>:ver"
-- ARGV: now, producer, trace, topic, event_id_base, owner_kind, account, new_owner, by, reason,
--   only_if_none (1: leave an existing owner alone, e.g. an owner set from a contract event)
local ctx = event_context()
local now = ctx.now
local kind, account, owner, by, reason = ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local status = redis.call('HGET', P .. 'w:' .. owner, 'status')
if status == false or status == 'removed' then
  return redis.error_reply('NOT_FOUND worker ' .. owner .. ' is not on the roster')
end
local key = P .. 'own:' .. kind .. ':' .. account
local previous = redis.call('GET', key) or ''
if ARGV[11] == '1' and previous ~= '' then return previous end
redis.call('SET', key, owner)
redis.call('RPUSH', P .. 'audit:owner:' .. account,
  cjson.encode({ at = now, kind = kind, from = previous, to = owner, by = by, reason = reason }))
emit(ctx, account, 'AccountOwnerChanged', 16,
  pb_str(1, account) .. pb_int(2, kind == 'sales' and 1 or 2) .. pb_str(3, previous) ..
  pb_str(4, owner) .. pb_str(5, redis.call('HGET', P .. 'w:' .. owner, 'org')) ..
  pb_int(6, 1) .. pb_str(7, by) .. pb_str(8, reason))
return previous
