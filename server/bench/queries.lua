-- wrk script: GET /api/search for each line of the file in $HERALD_QUERIES, round robin
-- (each wrk thread starts at a different line).
local queries = {}
local counter = 0

local function encode(s)
  return (s:gsub("[^%w%-%._~ ]", function(c) return string.format("%%%02X", string.byte(c)) end)
           :gsub(" ", "+"))
end

local file = assert(io.open(os.getenv("HERALD_QUERIES"), "r"))
for line in file:lines() do
  if line ~= "" then queries[#queries + 1] = "/api/search?q=" .. encode(line) end
end
file:close()

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 379)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("GET", queries[(n + (offset or 0)) % #queries + 1])
end

local non2xx = 0
function response(status)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
