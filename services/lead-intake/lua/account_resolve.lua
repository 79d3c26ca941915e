-- Resolves the account of a company (creating it when nothing matches), for registrations.
-- KEYS[1] "{li}:outbox"; ARGV: 1 now ms, 2 domain key, 3 company key, 4 new account id
-- Returns {account, created (1/0)}.
local account, created = resolve_account(ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[1]))
return { account, created and 1 or 0 }
