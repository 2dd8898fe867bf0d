-- One wrk load generator for both systems (bench/run). Settings come from the environment:
--   BENCH_SYS   raftlite | etcd
--   BENCH_OP    write | read-local | read-lin
--   BENCH_RUN   one letter, unique per write run: keys are <run letter><thread letter><8 digits>
--               (10 bytes), so no two write runs touch the same key and the end check can count them
--   BENCH_KEYS  reads pick a key at random among r000000000 .. r<BENCH_KEYS - 1> (preloaded)
-- Every value is 100 bytes. A response counts as an error unless it is a 200 whose body carries the
-- expected field ("results" without "error" for raftlite writes, "values" for its reads; "header"
-- without "error" for etcd puts, "kvs" for its ranges). done() prints one RESULT line.

local sys = os.getenv("BENCH_SYS") or "raftlite"
local op = os.getenv("BENCH_OP") or "write"
local run = os.getenv("BENCH_RUN") or "a"
local nkeys = tonumber(os.getenv("BENCH_KEYS") or "100")
local value = string.rep("x", 100)

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local c1 = math.floor(n / 262144) % 64
    local c2 = math.floor(n / 4096) % 64
    local c3 = math.floor(n / 64) % 64
    local c4 = n % 64
    out[#out + 1] = alphabet:sub(c1 + 1, c1 + 1) .. alphabet:sub(c2 + 1, c2 + 1)
      .. (b and alphabet:sub(c3 + 1, c3 + 1) or "=") .. (c and alphabet:sub(c4 + 1, c4 + 1) or "=")
  end
  return table.concat(out)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(ch) return string.format("%%%02X", ch:byte()) end))
end

-- setup runs in the main Lua state, once per thread: give each thread a letter, keep it for done()
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local json = { ["Content-Type"] = "application/json" }
local counter = 0
local prefix
local value64 = b64(value)
local reads = {}
local expect
local forbid

function init(args)
  errors = 0
  prefix = run .. string.char(64 + (tid or 1))
  if op == "write" then
    if sys == "raftlite" then expect, forbid = '"results"', '"error"' else expect, forbid = '"header"', '"error"' end
  else
    if sys == "raftlite" then expect = '"values"' else expect = '"kvs"' end
    local level = (op == "read-lin") and "linearizable" or "none"
    for i = 0, nkeys - 1 do
      local key = string.format("r%09d", i)
      if sys == "raftlite" then
        reads[#reads + 1] = wrk.format("GET", "/db/query?level=" .. level .. "&q="
          .. urlencode("SELECT v FROM kv WHERE k='" .. key .. "'"))
      else
        local body = '{"key":"' .. b64(key) .. '"' .. (op == "read-local" and ',"serializable":true' or "") .. '}'
        reads[#reads + 1] = wrk.format("POST", "/v3/kv/range", json, body)
      end
    end
  end
end

function request()
  if op ~= "write" then
    return reads[math.random(1, #reads)]
  end
  counter = counter + 1
  local key = string.format("%s%08d", prefix, counter)
  if sys == "raftlite" then
    return wrk.format("POST", "/db/execute", json,
      '[["INSERT OR REPLACE INTO kv(k,v) VALUES(?,?)","' .. key .. '","' .. value .. '"]]')
  end
  return wrk.format("POST", "/v3/kv/put", json, '{"key":"' .. b64(key) .. '","value":"' .. value64 .. '"}')
end

function response(status, headers, body)
  if status ~= 200 or not body:find(expect, 1, true) or (forbid and body:find(forbid, 1, true)) then
    errors = errors + 1
    if errors <= 3 then io.stderr:write(string.format("bad response %d: %s\n", status, body:sub(1, 200))) end
  end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + (t:get("errors") or 0) end
  local e = summary.errors
  local sock = e.connect + e.read + e.write + e.timeout
  local ok = summary.requests - errs
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT ok=%d errors=%d socket_errors=%d ops=%.1f p50=%.3f p99=%.3f\n",
    ok, errs, sock, ok / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
