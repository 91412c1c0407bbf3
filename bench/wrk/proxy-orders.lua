-- wrk script: POST /api/orders through amigo-proxy with the body in ORDER_BODY (default
-- proxy-order.json beside this script) and a new Idempotency-Key on every request:
-- "<KEY_PREFIX>-<thread>-<n>", so a warm-up and the measured run never share a key.
local f = assert(io.open(os.getenv("ORDER_BODY") or "proxy-order.json", "r"))
local body = f:read("*a")
f:close()
local prefix = os.getenv("KEY_PREFIX") or "bench"

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
    ["Idempotency-Key"] = string.format("%s-%d-%d", prefix, tid, n),
  }, body)
end
