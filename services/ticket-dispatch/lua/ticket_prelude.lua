-- Helpers prepended to every ticket-dispatch script (after platform/outbox/outbox_pb.lua).
-- All ticket-dispatch keys live under the hash tag "{td}": KEYS[1] is always "{td}:outbox".
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{td}:"
local OUTBOX = KEYS[1]

-- Ticket statuses as stored, with their TicketStatus enum numbers.
local STATUS_NUM = { new = 1, offered = 2, assigned = 3, parked = 4, en_route = 5, on_site = 6,
  resolved = 7, cancelled = 8 }
local ROUTABLE = { new = true, offered = true, parked = true }

-- Appends the prebuilt events passed as ARGV[first ..] (5 arguments each, AppendOutboxArgs).
local function append_events(first, count)
  for i = 0, count - 1 do
    local a = first + i * 5
    redis.call('XADD', OUTBOX, '*', 't', ARGV[a], 'k', ARGV[a + 1], 'i', ARGV[a + 2],
      'y', ARGV[a + 3], 'v', ARGV[a + 4])
  end
end

-- Deadline timers: "{td}:sla" members "<ticket>|<kind>" (accept, on_site, resolve).
local function arm(ticket, kind, due)
  if tonumber(due) > 0 then redis.call('ZADD', P .. 'sla', due, ticket .. '|' .. kind) end
end
local function disarm(ticket, kind) redis.call('ZREM', P .. 'sla', ticket .. '|' .. kind) end

-- A resolved or cancelled ticket is archived (ticket_archive.lua) once its retention has passed.
local function closed_at(ticket, now) redis.call('ZADD', P .. 'closed', now, ticket) end
