-- What offer feeds need, read in one step (read only): each worker's pending offers with their
-- item and deadline, and the state of each offer a feed knew of, to tell how it ended. One
-- atomic read instead of a set read, then detail reads, then state reads: nothing can end
-- between them, and a feed's poll is one round trip.
-- KEYS[1] "<tag>:ver"
-- ARGV: n_workers, worker ids..., known offer ids...
-- Returns { per worker: { offer, item, deadline, ... } (pending only, in any order),
--   then one state per known offer ("" once forgotten) }
local n = tonumber(ARGV[1])
local out = {}
local is_pending = {}  -- known offers still pending need no second read
for w = 1, n do
  local pending = {}
  for _, offer_id in ipairs(redis.call('SMEMBERS', P .. 'wo:' .. ARGV[1 + w])) do
    local o = redis.call('HMGET', P .. 'offer:' .. offer_id, 'item', 'deadline', 'state')
    if o[3] == 'pending' then
      is_pending[offer_id] = true
      pending[#pending + 1] = offer_id
      pending[#pending + 1] = o[1]
      pending[#pending + 1] = o[2]
    end
  end
  out[w] = pending
end
local states = {}
for i = n + 2, #ARGV do
  local id = ARGV[i]
  states[#states + 1] = is_pending[id] and 'pending' or
      (redis.call('HGET', P .. 'offer:' .. id, 'state') or '')
end
out[n + 1] = states
return out
