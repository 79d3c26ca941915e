-- Shared prelude of every script that emits events: minimal protobuf wire encoding, so a script
-- can complete an event whose variable fields it decides itself, and the outbox append.
-- The C++ side prebuilds what it knows (see platform/outbox/event_template.h); protobuf
-- parsers accept fields in any order, so the script appends the rest.

local varint_bytes = {}  -- reused: a long varint is one string.char call, not one per byte
local function pb_varint(n)
  if n < 128 then return string.char(n) end  -- tags and short lengths: the common case
  if n < 16384 then return string.char(n % 128 + 128, math.floor(n / 128)) end
  local k = 0
  repeat
    local b = n % 128
    n = math.floor(n / 128)
    if n > 0 then b = b + 128 end
    k = k + 1
    varint_bytes[k] = b
  until n == 0
  return string.char(unpack(varint_bytes, 1, k))
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

-- A sweep that emits thousands of events of one topic appends them as one entry (t, n, b)
-- instead of one entry each: per event, `b` holds its partition key, event id, type and
-- value, each a varint length and then the bytes (DecodeOutboxBatch in outbox_event.h reads
-- it). Entries of this kind cost Redis and its AOF one stream entry per call.
-- A batch is a list of pieces that one table.concat joins at the end. A record's id and
-- value are given in pieces with their total lengths, so what a sweep builds once per call
-- is shared by every record, not concatenated (allocated, hashed, collected) into each;
-- `id_len_piece` is pb_varint of the id's length (event ids of one sweep share it) and
-- `type_piece` is outbox_batch_type(type_name), each built once. Returns the batch's new
-- length.
local function outbox_batch_type(type_name) return pb_varint(#type_name) .. type_name end
local function outbox_batch_add(batch, n, key, id_len_piece, id1, id2, type_piece, value_len, v1,
                                v2, v3, v4, v5)
  batch[n + 1] = pb_varint(#key)
  batch[n + 2] = key
  batch[n + 3] = id_len_piece
  batch[n + 4] = id1
  batch[n + 5] = id2 or ''
  batch[n + 6] = type_piece
  batch[n + 7] = pb_varint(value_len)
  batch[n + 8] = v1
  batch[n + 9] = v2 or ''
  batch[n + 10] = v3 or ''
  batch[n + 11] = v4 or ''
  batch[n + 12] = v5 or ''
  return n + 12
end
local function outbox_emit_batch(stream, topic, count, batch)
  if count == 0 then return end
  redis.call('XADD', stream, '*', 't', topic, 'n', count, 'b', table.concat(batch))
end

-- Completes the event template passed as ARGV[at .. at+4] (see event_template.h) with its
-- partition key and the payload fields only the script knows, and appends it.
local function outbox_emit_template(stream, topic, key, at, tail)
  outbox_emit(stream, topic, key, ARGV[at], ARGV[at + 1], ARGV[at + 2], tonumber(ARGV[at + 3]),
    ARGV[at + 4] .. (tail or ''))
end
