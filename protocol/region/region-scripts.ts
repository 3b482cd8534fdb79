// Lua scripts RegionClient runs (Redis EVAL, atomic per call): compare-and-set revision allocation with the
// XADD it guards, and the event dedup claim. Every key a script touches is passed in KEYS and shares one hash tag.

/**
 * KEYS: revision, config stream, snapshot head, snapshot entry id, new body, old body, epoch.
 * ARGV: expected revision, 'delta' | 'snapshot', old-body grace ms, epoch signed into the entry, then the entry's
 * field/value pairs. Returns {1, entry id, stream length}; {0, current} when another writer got there first (or
 * the epoch changed); {-1, current} for a delta when no snapshot exists yet.
 */
export const PUBLISH_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local epoch = redis.call('GET', KEYS[7])
if current ~= tonumber(ARGV[1]) or (epoch and epoch ~= ARGV[4]) or (not epoch and current ~= 0) then
  return {0, current}
end
local snapshot = ARGV[2] == 'snapshot'
if not snapshot and redis.call('EXISTS', KEYS[3]) == 0 then return {-1, current} end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('SET', KEYS[1], current + 1)
if not epoch then redis.call('SET', KEYS[7], ARGV[4]) end
if snapshot then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], unpack(fields))
  redis.call('SET', KEYS[4], id)
  redis.call('PERSIST', KEYS[5])
  if KEYS[6] ~= KEYS[5] then redis.call('PEXPIRE', KEYS[6], ARGV[3]) end
  redis.call('XTRIM', KEYS[2], 'MINID', id)
end
return {1, id, redis.call('XLEN', KEYS[2])}
`;

/**
 * KEYS: one dedup mark per event. ARGV: mark TTL ms, then one owner (`<entry id>#<index>`) per key.
 * Returns 1 per event this entry owns (first sight, or a redelivery of the same entry), 0 per duplicate.
 */
export const CLAIM_EVENTS_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local owner = ARGV[i + 1]
  if redis.call('SET', key, owner, 'NX', 'PX', ARGV[1]) then
    out[i] = 1
  elseif redis.call('GET', key) == owner then
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;
