-- Helpers prepended to every lead-intake script (after platform/outbox/outbox_pb.lua).
-- Every lead-intake key lives under the single hash tag "{li}": KEYS[1] is always
-- "{li}:outbox" and every other key is derived from its prefix, so a script never leaves
-- that slot (see docs/architecture.md for the catalogue and why one slot).
local P = string.sub(KEYS[1], 1, #KEYS[1] - 6)  -- "{li}:"
local OUTBOX = KEYS[1]

-- Lead statuses as stored, with their LeadStatus enum numbers (events carry the numbers).
local STATUS_NUM = { new = 1, offered = 2, assigned = 3, parked = 4, contacted = 5,
  qualified = 6, disqualified = 7, converted = 8 }
-- Open leads take duplicates as touches and keep their routing alive.
local OPEN = { new = true, offered = true, assigned = true, parked = true, contacted = true,
  qualified = true }

-- The partner protecting an account now (an approved registration still in force), or ''.
local function protecting_partner(account, now)
  local regs = redis.call('HGETALL', P .. 'prot:' .. account)
  for i = 2, #regs, 2 do
    local partner, untl = string.match(regs[i], '^([^|]*)|(%d+)')
    if partner and tonumber(untl) > now then return partner end
  end
  return ''
end

-- Lead (or registration) to account: by company domain, then by normalised company name and
-- region, else a new account `new_id`. Returns the account id and whether it was created.
local function resolve_account(domain, name_key, new_id, now)
  local account = false
  if domain ~= '' then account = redis.call('GET', P .. 'ax:d:' .. domain) end
  if not account and name_key ~= '' then account = redis.call('GET', P .. 'ax:n:' .. name_key) end
  local created = false
  if not account then
    account, created = new_id, true
    redis.call('HSET', P .. 'acct:' .. account, 'created', now, 'domain', domain, 'name', name_key)
  end
  -- Learn the other key too, so the next lead matches either way.
  if domain ~= '' then redis.call('SET', P .. 'ax:d:' .. domain, account, 'NX') end
  if name_key ~= '' then redis.call('SET', P .. 'ax:n:' .. name_key, account, 'NX') end
  return account, created
end
