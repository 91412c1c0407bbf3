-- wrk script: order creation, one ₦2,700 order (ORDER_BODY, default order.json beside this
-- script: one ₦1,200 cable plus ₦1,500 delivery to Zaria) per request. The one order script of
-- every benchmark (bench/throughput.mjs, bench/proxy-wrk.sh, the sandbox's order runs in
-- BENCHMARKS.md).
--
-- TARGET=proxy (the default): POST /api/orders through amigo-proxy with a new Idempotency-Key
--   on every request (the proxy requires one).
-- TARGET=sandbox: POST /api/commerce/orders/ on amigo-sandbox. Each test token is its own
--   merchant with ₦1,000,000, so every wrk thread moves to a fresh token after PER_TOKEN orders
--   (default 300 × ₦2,700 = ₦810,000) and no wallet runs dry; IDEMPOTENCY=1 adds a key.
-- Keys are "<KEY_PREFIX>-<thread>-<n>" (KEY_PREFIX defaults to "bench-<start time>"), so a
-- warm-up and the measured run never share a key.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local f = assert(io.open(os.getenv("ORDER_BODY") or (here .. "order.json"), "r"))
local body = f:read("*a")
f:close()
local sandbox = os.getenv("TARGET") == "sandbox"
local with_keys = not sandbox or os.getenv("IDEMPOTENCY") == "1"
local per_token = tonumber(os.getenv("PER_TOKEN") or "300")
local prefix = os.getenv("KEY_PREFIX") or string.format("bench-%d", os.time())

local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end

local n = 0
function request()
  n = n + 1
  local headers = { ["Content-Type"] = "application/json" }
  if with_keys then
    headers["Idempotency-Key"] = string.format("%s-%d-%d", prefix, tid, n)
  end
  if sandbox then
    headers["X-API-Key"] = string.format("amg_test_bench%02d%08d", tid, math.floor(n / per_token))
    return wrk.format("POST", "/api/commerce/orders/", headers, body)
  end
  return wrk.format("POST", "/api/orders", headers, body)
end
