"""The requests of scripts/abuse.sh (issue 23), against the proxy it started on loopback.

Reads ABUSE_PID, ABUSE_INFO (the --sandbox-info-file JSON), ABUSE_PASSWORD (the console's) and
ABUSE_SECRET (a webhook secret the proxy accepts). Prints one line per figure; exits non-zero
when an outcome is not what the issue asks for.
"""

import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

info = json.load(open(os.environ["ABUSE_INFO"]))
PID = os.environ["ABUSE_PID"]
PASSWORD = os.environ["ABUSE_PASSWORD"]
SECRET = os.environ["ABUSE_SECRET"].encode()
url = urllib.parse.urlparse(info["proxy_url"])
HOST, PORT = url.hostname, url.port
assert HOST in ("127.0.0.1", "localhost", "::1"), f"not loopback: {HOST}"
ORIGIN = info["proxy_url"].rstrip("/")
PHONE = "08031234567"
failures = []


def conn():
    return http.client.HTTPConnection(HOST, PORT, timeout=30)


def call(method, path, body=None, headers=None, c=None):
    own = c is None
    c = c or conn()
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    c.request(method, path, body=data, headers=headers or {})
    r = c.getresponse()
    raw = r.read()
    if own:
        c.close()
    return r.status, r.getheaders(), raw


def rss_kib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def check(ok, what):
    if not ok:
        failures.append(what)


# 1. padded Origin headers
before = rss_kib()
c = conn()
statuses = {}
start = time.monotonic()
for i in range(3000):
    padded = ORIGIN + "/" * (1 + i % 97) + "x" * (i // 97)
    s, _, _ = call("GET", "/api/catalog/categories", headers={"Origin": padded}, c=c)
    statuses[s] = statuses.get(s, 0) + 1
c.close()
after = rss_kib()
print(f"padded origins: 3000 reads in {time.monotonic() - start:.1f} s, statuses {statuses}; "
      f"RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after "
      f"({(after - before) / 1024:+.1f} MiB)")
check(statuses.get(200, 0) == 0, "a padded Origin was served")

# 3a. the merchant's Amigo quota: 400 distinct searches from one client
searches = {}
c = conn()
for n in range(400):
    s, _, _ = call("GET", f"/api/catalog/products?q=junk{n}",
                   headers={"X-Forwarded-For": "203.0.113.9"}, c=c)
    searches[s] = searches.get(s, 0) + 1
c.close()
s, _, _ = call("GET", "/api/catalog/products?sort=name&limit=7",
               headers={"X-Forwarded-For": "198.51.100.7"})
print(f"catalog quota: 400 distinct searches from one client, statuses {searches}; "
      f"the shop's own catalog read then: {s}")
check(searches.get(429, 0) > 0 and s == 200, "one client's searches were not limited")

# 3b. junk orders, then the merchant's own
_, _, raw = call("GET", "/api/catalog/products?in_stock=true&sort=price_asc&limit=1")
product = json.loads(raw)["data"][0]["id"]


def order_body(items, phone=PHONE):
    return {
        "customer": {"name": "Aisha Bello", "phone": phone, "email": "aisha@example.com"},
        "delivery": {"address": "Plot 12, Sabon Gari", "state_code": "KD",
                     "lga_name": "Zaria", "tier": "standard"},
        "items": items,
    }


junk = {}
start = time.monotonic()
for o in range(10):
    items = [{"product_id": 500_000 + o * 50 + i, "quantity": 1} for i in range(50)]
    # a phone per junk order, as an attacker would vary it (one phone meets the per-phone limit)
    s, _, _ = call("POST", "/api/orders", order_body(items, f"080555000{o:02d}"), {
        "Content-Type": "application/json", "Idempotency-Key": f"junk-{o}-{time.time_ns()}",
        "X-Forwarded-For": "203.0.113.66"})
    junk[s] = junk.get(s, 0) + 1
junk_secs = time.monotonic() - start
s, _, raw = call("POST", "/api/orders", order_body([{"product_id": product, "quantity": 1}]), {
    "Content-Type": "application/json", "Idempotency-Key": f"merchant-{time.time_ns()}",
    "X-Forwarded-For": "198.51.100.7"})
order = json.loads(raw).get("data", {}) if s in (200, 201) else {}
print(f"junk orders: 10 of 50 unknown ids in {junk_secs:.2f} s, statuses {junk}; "
      f"the merchant's own order then: {s}")
check(s == 201, "the merchant's order after the junk orders failed")
reference = order.get("reference", "")

# 2. event streams held open by one client
streams = []
opened = {}
for _ in range(20):
    sock = socket.create_connection((HOST, PORT), timeout=10)
    sock.sendall((f"GET /api/orders/{reference}/events?phone={PHONE} HTTP/1.1\r\n"
                  f"Host: {HOST}:{PORT}\r\nAccept: text/event-stream\r\n"
                  f"X-Forwarded-For: 192.0.2.44\r\n\r\n").encode())
    head = sock.recv(4096).decode(errors="replace")
    status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
    opened[status] = opened.get(status, 0) + 1
    streams.append(sock)
print(f"event streams: one client asked for 20, statuses {opened} "
      f"(held open: {opened.get(200, 0)})")
check(0 < opened.get(200, 0) < 20, "one client's streams were not capped")
for sock in streams:
    sock.close()

# 5. a captured delivery replayed under the next ids, then the real one
def delivery(status, delivery_id):
    data = dict(order, status=status)
    body = json.dumps({"event": f"order.{status}", "livemode": False,
                       "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "data": data}).encode()
    ts = int(time.time())
    sig = "sha256=" + hmac.new(SECRET, f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    s, _, raw = call("POST", "/webhooks/amigo", body, {
        "Content-Type": "application/json", "X-Amigo-Event": f"order.{status}",
        "X-Amigo-Delivery": delivery_id, "X-Amigo-Timestamp": str(ts),
        "X-Amigo-Signature": sig})
    return s, json.loads(raw) if raw else {}


base = f"abuse-{time.time_ns()}"
captured = delivery("accepted", f"{base}-1")
replays = [delivery("accepted", f"{base}-{n}")[0] for n in range(2, 7)]
s, real = delivery("shipped", f"{base}-2")
_, _, raw = call("GET", f"/api/orders/{reference}?phone={PHONE}")
tracked = json.loads(raw).get("data", {}).get("status")
print(f"webhook replay: captured delivery {captured[0]}, replayed under 5 next ids {replays}; "
      f"the real delivery under a replayed id: {s}, duplicate={real.get('data', {}).get('duplicate')}; "
      f"the order now reads '{tracked}'")
check(tracked == "shipped", "the real delivery was swallowed")

# 4. the console after 60 wrong guesses from 20 other addresses
def sign_in(ip, password):
    s, headers, raw = call("GET", "/admin/login", headers={"X-Forwarded-For": ip})
    cookies = [v.split(";")[0] for k, v in headers if k.lower() == "set-cookie"]
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', raw.decode())
    form = urllib.parse.urlencode({"csrf": m.group(1) if m else "", "password": password})
    s, _, _ = call("POST", "/admin/login", form.encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies),
        "X-Forwarded-For": ip})
    return s


guesses = {}
for n in range(60):
    s = sign_in(f"10.23.{n % 20}.{1 + n % 20}", "not the password at all")
    guesses[s] = guesses.get(s, 0) + 1
s = sign_in("10.99.0.1", PASSWORD)
print(f"console: 60 wrong guesses from 20 addresses, statuses {guesses}; "
      f"the merchant's sign-in from their own address: {s}")
check(s == 303, "the merchant could not sign in")

if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("abuse run: every outcome as issue 23 asks")
