-- wrk script: GET /api/search for each line of the file in $HERALD_QUERIES, round robin
-- (each wrk thread starts at a different line). $HERALD_PARAMS, when set, is appended to
-- every request (e.g. "&op=or"). At the end it prints one JSON line (prefixed "wrk-json ")
-- with requests/s, latency percentiles in milliseconds and the non-2xx count.
local queries = {}
local counter = 0
local params = os.getenv("HERALD_PARAMS") or ""

local function encode(s)
  return (s:gsub("[^%w%-%._~ ]", function(c) return string.format("%%%02X", string.byte(c)) end)
           :gsub(" ", "+"))
end

local file = assert(io.open(os.getenv("HERALD_QUERIES"), "r"))
for line in file:lines() do
  if line ~= "" then queries[#queries + 1] = "/api/search?q=" .. encode(line) .. params end
end
file:close()

local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 379)
  thread:set("non2xx", 0)
  table.insert(threads, thread)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("GET", queries[(n + (offset or 0)) % #queries + 1])
end

function response(status)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'wrk-json {"requests":%d,"seconds":%.3f,"requests_per_s":%.1f,"mean_ms":%.3f,"p50_ms":%.3f,' ..
    '"p99_ms":%.3f,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
