-- wrk script: POST /api/orders through the proxy with the body in order.json (a ₦2,700 order),
-- a unique Idempotency-Key per request (the proxy requires one).
local f = assert(io.open(os.getenv("ORDER_BODY") or "order.json", "r"))
local body = f:read("*a")
f:close()

local made = 0
function setup(thread)
  made = made + 1
  thread:set("tid", made)
end

local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/api/orders", {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), tid, n),
  }, body)
end

