-- Records one day's spend of a channel, campaign and keyword; a later record replaces the
-- earlier one, so only the difference reaches the aggregates.
-- KEYS[1] "{ca}:spend"
-- ARGV: record field ("<channel>\x1f<campaign>\x1f<keyword>\x1f<day>"), amount (minor units),
--   then (aggregate key, field) pairs that carry the spend; each gets an entry appended.
-- Returns 1 when an earlier record was replaced, else 0.
local previous = redis.call('HGET', KEYS[1], ARGV[1])
local amount = tonumber(ARGV[2])
local change = amount - tonumber(previous or '0')
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if change ~= 0 then
  for k = 3, #ARGV, 2 do
    append_tally(ARGV[k], tally_entry(ARGV[k + 1], change))
  end
end
if previous then return 1 end
return 0
