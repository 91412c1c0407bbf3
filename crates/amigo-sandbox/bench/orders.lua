-- wrk script: POST /api/commerce/orders/ with the body in order.json (a ₦2,700 order).
-- Each test token is its own merchant with ₦1,000,000, so every wrk thread rotates to a fresh
-- token after PER_TOKEN orders (default 300 × ₦2,700 = ₦810,000) and no wallet runs dry.
-- IDEMPOTENCY=1 adds a unique Idempotency-Key to every request.
local f = assert(io.open(os.getenv("ORDER_BODY") or "order.json", "r"))
local body = f:read("*a")
f:close()
local per_token = tonumber(os.getenv("PER_TOKEN") or "300")
local with_keys = os.getenv("IDEMPOTENCY") == "1"

local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end

local n = 0
function request()
  n = n + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-API-Key"] = string.format("amg_test_bench%02d%08d", tid, math.floor(n / per_token)),
  }
  if with_keys then
    headers["Idempotency-Key"] = string.format("bench-%d-%d", tid, n)
  end
  return wrk.format("POST", "/api/commerce/orders/", headers, body)
end
