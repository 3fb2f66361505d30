-- wrk script for the bench's random-id mode (bench/random_ids.py writes the list, bench/run.py runs wrk).
-- BENCH_PATHS names a file of lines "<path>\t<Cookie header value>": every request takes a random line, so
-- both the object and the signed-in user change from one request to the next, as in real traffic.
-- Any answer other than 200 is counted and printed, since wrk itself counts only 4xx and 5xx: a redirect
-- to the sign-in page would otherwise pass for a fast page.

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

local lines = {}
not_200 = 0
-- By class, so a report tells a redirect (a session lost) from an error: 3xx, 4xx, 5xx.
not_200_3xx, not_200_4xx, not_200_5xx = 0, 0, 0

function init(args)
   local name = os.getenv("BENCH_PATHS")
   local file = assert(io.open(name, "r"), "BENCH_PATHS: cannot open " .. tostring(name))
   for line in file:lines() do
      local path, cookie = line:match("^([^\t]+)\t([^\t]*)$")
      if path then
         lines[#lines + 1] = { path, cookie }
      end
   end
   file:close()
   assert(#lines > 0, "BENCH_PATHS: no path in " .. name)
   -- Each thread its own sequence: the same seed in every thread would send them down the same paths.
   math.randomseed(os.time() * 1000 + id)
end

function request()
   local line = lines[math.random(#lines)]
   return wrk.format("GET", line[1], { ["Cookie"] = line[2] })
end

function response(status, headers, body)
   if status ~= 200 then
      not_200 = not_200 + 1
      if status >= 500 then
         not_200_5xx = not_200_5xx + 1
      elseif status >= 400 then
         not_200_4xx = not_200_4xx + 1
      else
         not_200_3xx = not_200_3xx + 1
      end
   end
end

function done(summary, latency, requests)
   local total, redirects, refused, failed = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      total = total + (thread:get("not_200") or 0)
      redirects = redirects + (thread:get("not_200_3xx") or 0)
      refused = refused + (thread:get("not_200_4xx") or 0)
      failed = failed + (thread:get("not_200_5xx") or 0)
   end
   io.write(string.format("Not 200 responses: %d (3xx %d, 4xx %d, 5xx %d)\n", total, redirects, refused, failed))
end
