-- wrk script: a mix of queries like bench/soak.sh's (words, phrases, operators, wildcards, dates,
-- filters, a NEAR shape, paragraph mode, facets), cycled; prints p50/p99/max and error counts.
-- Usage: wrk -t2 -c64 -d20s -s bench/wrk-mix.lua http://127.0.0.1:8080/
local qs = {"oil", "crude+oil", "%22crude+oil%22+prices", "cocoa+Bahia", "oil+OR+gas", "oil+-gas",
  "sanct*", "oil+1987-03-01..1987-03-31", "source:reuters+wheat", "oil+NEAR+prices",
  "-a+NEAR+b+c", "title:cocoa", "gold&within=paragraph", "oil&facets=person,place&sort=date"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. qs[(i % #qs) + 1] .. "&limit=5")
end
local codes = {}
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("p50 %.1f ms p99 %.1f ms max %.1f ms\n", latency:percentile(50)/1000, latency:percentile(99)/1000, latency.max/1000))
  for k, v in pairs(summary.errors) do io.write(k .. "=" .. v .. " ") end
  io.write("\n")
end
