-- bench/http/paced.lua - wrk at a fixed pace for the soak: each
-- connection waits PACE_MS between requests, so the rate is about
-- connections * 1000 / PACE_MS. The body is check.lua's.
dofile(os.getenv("BENCH_HTTP_DIR") .. "/check.lua")
local pace = tonumber(os.getenv("PACE_MS") or "10")
function delay()
  return pace
end
