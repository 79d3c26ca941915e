-- Shared prelude of every script that emits events: minimal protobuf wire encoding, so a script
-- can complete an event whose variable fields it decides itself, and the outbox append.
-- The C++ side prebuilds what it knows (see platform/outbox/event_template.h); protobuf
-- parsers accept fields in any order, so the script appends the rest.

local function pb_varint(n)
  if n < 128 then return string.char(n) end  -- tags and short lengths: the common case
  if n < 16384 then return string.char(n % 128 + 128, math.floor(n / 128)) end
  local out = {}
  repeat
    local b = n % 128
    n = math.floor(n / 128)
    if n > 0 then b = b + 128 end
    out[#out + 1] = string.char(b)
  until n == 0
  return table.concat(out)
end
local function pb_str(field, s)
  if s == nil or s == false or s == '' then return '' end
  return pb_varint(field * 8 + 2) .. pb_varint(#s) .. s
end
local function pb_int(field, n)
  n = tonumber(n) or 0
  if n == 0 then return '' end
  return pb_varint(field * 8) .. pb_varint(n)
end
local function pb_msg(field, body) return pb_varint(field * 8 + 2) .. pb_varint(#body) .. body end
local function pb_time(field, ms)
  ms = tonumber(ms)
  return pb_msg(field, pb_int(1, math.floor(ms / 1000)) .. pb_int(2, (ms % 1000) * 1000000))
end

-- An envelope header built in the script itself (events a sweep decides on its own).
local function outbox_header(id, type_name, now_ms, producer, trace)
  return pb_str(1, id) .. pb_str(2, type_name) .. pb_time(3, now_ms) .. pb_str(4, producer) ..
      pb_str(6, trace)
end

-- Appends an event to an outbox stream in the relay's format (t, k, i, y, v).
-- `header` is the envelope without partition key and payload (EventTemplate::header); the
-- partition key and the payload (`field`, `body`) are added here.
local function outbox_emit(stream, topic, key, id, type_name, header, field, body)
  redis.call('XADD', stream, '*', 't', topic, 'k', key, 'i', id, 'y', type_name,
    'v', header .. pb_str(5, key) .. pb_msg(field, body))
end

-- Completes the event template passed as ARGV[at .. at+4] (see event_template.h) with its
-- partition key and the payload fields only the script knows, and appends it.
local function outbox_emit_template(stream, topic, key, at, tail)
  outbox_emit(stream, topic, key, ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3]),
    ARGV[at + 4] .. (tail or ''))
end
