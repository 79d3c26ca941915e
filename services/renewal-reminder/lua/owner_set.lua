-- Records an account's sales or service owner. The account's due tasks of that role that no
-- one reassigned move to the new owner's list (they are the account owner's tasks); pending
-- ones will fire to it.
-- KEYS[1] "{rr}:outbox"
-- ARGV: account, role (sales|service), owner ('' for none: the operators' queue)
-- Returns the number of tasks moved.
local account, role, owner = ARGV[1], ARGV[2], ARGV[3]
local owners = P .. 'owners:' .. role
local before = redis.call('HGET', owners, account) or ''
if before == owner then return 0 end
local moved = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'upcoming:' .. account, 0, -1)) do
  local r = reminder_view(id)
  if r ~= nil and r.state == 'due' and r.role == role and r.assigned == '' then
    moved[#moved + 1] = r
  end
end
if owner == '' then redis.call('HDEL', owners, account) else redis.call('HSET', owners, account, owner) end
for _, r in ipairs(moved) do
  redis.call('ZREM', task_key(before), r.id)
  redis.call('ZADD', task_key(owner), r.due, r.id)
end
if #moved > 0 then
  nudge(before)
  nudge(owner)
end
return #moved
