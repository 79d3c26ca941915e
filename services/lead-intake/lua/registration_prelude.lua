-- Helpers of the partner-registration scripts (after lead_prelude.lua).
-- Protection entries: "{li}:prot:<account>" hash, registration id -> "<partner>|<until ms>|<lines>"
-- with lines packed as "|erp|pos|"; only approved registrations have one.

-- Whether two packed product-line lists share a line.
local function lines_overlap(a, b)
  for line in string.gmatch(a, '[^|]+') do
    if string.find(b, '|' .. line .. '|', 1, true) then return true end
  end
  return false
end

-- The protection in force over `account` for any of `lines` held by a registration other than
-- `except_reg`: returns registration id, partner, until (ms) or nil.
local function protection_over(account, lines, now, except_reg)
  local prot = redis.call('HGETALL', P .. 'prot:' .. account)
  for i = 1, #prot, 2 do
    local holder, untl, held = string.match(prot[i + 1], '^([^|]*)|(%d+)|(.*)$')
    if holder and prot[i] ~= except_reg and tonumber(untl) > now and lines_overlap(lines, held) then
      return prot[i], holder, tonumber(untl)
    end
  end
  return nil
end

local function protect(reg_id, account, partner, untl, lines)
  redis.call('HSET', P .. 'prot:' .. account, reg_id, partner .. '|' .. untl .. '|' .. lines)
  redis.call('ZADD', P .. 'regdue', untl, reg_id)
end

local function unprotect(reg_id, account)
  redis.call('HDEL', P .. 'prot:' .. account, reg_id)
  redis.call('ZREM', P .. 'regdue', reg_id)
  redis.call('ZREM', P .. 'review', reg_id)
end

-- RegistrationStatus enum numbers.
local REG_STATUS = { approved = 1, pending = 2, rejected = 3, withdrawn = 4, expired = 5 }
