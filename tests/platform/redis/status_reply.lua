-- Test script: answers with a typed error when ARGV[1] is "fail", else echoes ARGV[1].
-- KEYS[1] is touched so the script also proves single-tag key handling.
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[1] == 'fail' then
  return redis.error_reply('FAILED_PRECONDITION offer expired')
end
return ARGV[1]
