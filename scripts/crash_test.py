#!/usr/bin/env python3
"""Crash-safety driver for amigo-proxy (issue #13 section 4), Python standard library only.

Run through scripts/crash-test.sh, which builds the binaries and passes their paths. Steps:

1. Starts amigo-sandbox (a separate process, so it outlives the proxy's kill) and amigo-proxy
   on a fresh SQLite file, with the sandbox as its upstream.
2. Sends WEBHOOKS signed webhooks (HMAC-SHA256 over "{timestamp}.{body}", the spec's scheme)
   and ORDERS orders (each with its own Idempotency-Key) concurrently, and sends SIGKILL to the
   proxy once KILL_AFTER of them have been answered, while the rest are in flight or queued.
3. Restarts the proxy on the same database file and checks, reading the SQLite file directly:
   every webhook answered 2xx is in `webhook_deliveries` and applied (its timeline entry is
   there); every order answered 201 is in `orders`.
4. Redelivers ALL webhooks (the platform's retry): every acknowledged one must come back as a
   duplicate, every other one is applied now; then all of them are in the database, applied.
   Retries every unanswered order with its same Idempotency-Key, then checks the sandbox holds
   exactly one order per key (no double debit) and the proxy's database holds all of them.

5. With --paystack (issue 21): the payment path. Starts paystack-sandbox as its own process and
   the proxy in `--payment paystack` mode on a fixed port (Paystack's webhooks go there), makes
   PAYMENTS checkouts, pays each on Paystack (whose signed `charge.success` makes the proxy
   verify, mark paid and place the Amigo order) and sends SIGKILL to the proxy half-way through
   the payments, while webhooks and placements are in flight. Restarts it on the same database
   and port; Paystack retries its webhooks and each shopper comes back through the return URL.
   Then every paid checkout must be placed, with exactly one Amigo order each.

Prints one summary line per phase and exits 0 only when lost = 0 and duplicates = 0.
"""

import argparse
import concurrent.futures
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

WEBHOOK_SECRET = "whsec_crash_test_0123456789abcdef"
TOKEN = "amg_test_CrashTest" + str(os.getpid())


def log(msg):
    print(f"crash-test: {msg}", file=sys.stderr, flush=True)


def http(method, url, body=None, headers=None, timeout=30):
    """(status, parsed JSON or None); status 0 when the connection failed."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        raw = e.read()
        status = e.code
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def start(cmd, env=None):
    """Starts `cmd` and returns (process, base URL) from its `listening on http://…` banner."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"crash-test: {cmd[0]} exited before listening")
        if "listening on http://" in line:
            url = line.split("listening on ", 1)[1].split()[0]
            # keep draining stdout so the child never blocks on a full pipe
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, url
    raise SystemExit(f"crash-test: {cmd[0]} did not start")


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_paystack_proxy(args, sandbox_url, db_url, port, paystack_url, secret, public):
    env = dict(os.environ)
    env.update(
        {
            "AMIGO_API_KEY": TOKEN,
            "AMIGO_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "AMIGO_PAYMENT": "paystack",
            "AMIGO_PAYSTACK_SECRET_KEY": secret,
            "AMIGO_PAYSTACK_PUBLIC_KEY": public,
            "AMIGO_PAYSTACK_API_BASE": paystack_url,
            "RUST_LOG": "warn",
        }
    )
    return start(
        [
            args.proxy,
            "--listen", f"127.0.0.1:{port}",
            "--api-base", sandbox_url + "/api",
            "--database-url", db_url,
            "--order-rate-per-ip", "100000",
            "--order-rate-per-phone", "100000",
        ],
        env,
    )


def payment_phase(args, sandbox_url, product_id, procs):
    """Step 5: kill -9 between payment and Amigo order. Returns (ok, summary line)."""
    secret = "sk_test_" + hashlib.sha256(f"crash{os.getpid()}".encode()).hexdigest()[:40]
    public = "pk_test_" + hashlib.sha256(f"crashpk{os.getpid()}".encode()).hexdigest()[:40]
    port = free_port()
    proxy_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env["PAYSTACK_SANDBOX_SECRET_KEY"] = secret
    paystack, paystack_url = start(
        [
            args.paystack, "--listen", "127.0.0.1:0",
            "--webhook-url", f"{proxy_url}/webhooks/paystack",
            "--public-key", public,
            # Paystack's hourly test-mode retries every 3.6 s
            "--webhook-time-scale", "0.001",
            "--webhook-timeout-secs", "5",
        ],
        env,
    )
    procs.append(paystack)
    db_path = os.path.join(args.workdir, "crash-pay.db")
    db_url = f"sqlite://{db_path}"
    proxy, _ = start_paystack_proxy(args, sandbox_url, db_url, port, paystack_url, secret, public)
    procs.append(proxy)
    before = set(sandbox_orders(sandbox_url))

    checkouts = []
    for i in range(args.payments):
        body = {"order": order_body(5000 + i, product_id), "return_url": f"{proxy_url}/"}
        status, resp = http(
            "POST", f"{proxy_url}/api/checkouts", body, {"Idempotency-Key": f"crash-pay-{i:04d}"}
        )
        if status != 201:
            raise SystemExit(f"crash-test: checkout {i} answered {status} {resp}")
        checkouts.append(resp["data"]["reference"])
    auth = {"Authorization": f"Bearer {secret}"}
    kill_at = args.payments // 2
    paid = 0
    lock = threading.Lock()

    def pay(reference):
        nonlocal paid
        status, resp = http(
            "POST", f"{paystack_url}/_sandbox/transactions/{reference}/pay", {"channel": "card"}, auth
        )
        if status != 200:
            raise SystemExit(f"crash-test: paying {reference} answered {status} {resp}")
        with lock:
            paid += 1
            if paid == kill_at:
                os.kill(proxy.pid, signal.SIGKILL)
        # paced, so the kill finds checkouts in every state: placed, paid, unheard of
        time.sleep(0.1)

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(pay, checkouts))
    proxy.wait()
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    placed_at_kill = db.execute("SELECT count(*) FROM checkouts WHERE status = 'placed'").fetchone()[0]
    paid_at_kill = db.execute("SELECT count(*) FROM checkouts WHERE status = 'paid'").fetchone()[0]
    db.close()

    # restart on the same database and port: Paystack retries its webhooks, shoppers come back
    proxy, _ = start_paystack_proxy(args, sandbox_url, db_url, port, paystack_url, secret, public)
    procs.append(proxy)
    for reference in checkouts:
        http("GET", f"{proxy_url}/pay/{reference}/return?reference={reference}")
    deadline = time.monotonic() + 90
    statuses = {}
    while time.monotonic() < deadline:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        statuses = dict(db.execute("SELECT reference, status FROM checkouts"))
        db.close()
        if all(statuses.get(r) == "placed" for r in checkouts):
            break
        time.sleep(0.5)
    unplaced = [r for r in checkouts if statuses.get(r) != "placed"]
    upstream = [r for r in sandbox_orders(sandbox_url) if r not in before]
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    order_refs = [r[0] for r in db.execute("SELECT order_reference FROM checkouts WHERE status = 'placed'")]
    db.close()
    duplicates = max(0, len(upstream) - len(checkouts)) + (len(order_refs) - len(set(order_refs)))
    lost = len(unplaced)
    line = (
        f"crash-test payments: checkouts={len(checkouts)} paid={paid} killed_after_paid={kill_at} "
        f"placed_at_kill={placed_at_kill} paid_unplaced_at_kill={paid_at_kill} placed={len(checkouts) - lost} "
        f"upstream_orders={len(upstream)} lost={lost} duplicates={duplicates}"
    )
    if unplaced:
        log(f"paid but not placed: {[(r, statuses.get(r)) for r in unplaced[:5]]}")
    return lost == 0 and duplicates == 0, line


def start_proxy(args, sandbox_url, db_url):
    env = dict(os.environ)
    env.update(
        {
            "AMIGO_API_KEY": TOKEN,
            "AMIGO_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "RUST_LOG": "warn",
        }
    )
    return start(
        [
            args.proxy,
            "--listen", "127.0.0.1:0",
            "--api-base", sandbox_url + "/api",
            "--database-url", db_url,
            "--order-rate-per-ip", "100000",
            "--order-rate-per-phone", "100000",
        ],
        env,
    )


def signed(body, delivery):
    ts = str(int(time.time()))
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256)
    return {
        "X-Amigo-Signature": "sha256=" + mac.hexdigest(),
        "X-Amigo-Timestamp": ts,
        "X-Amigo-Delivery": delivery,
        "X-Amigo-Event": json.loads(body)["event"],
    }


def webhooks(template, count):
    """`count` deliveries over count/2 orders placed elsewhere: `order.created` (paid) then
    `order.accepted` for each, every one a full documented order body."""
    out = []
    for i in range(count):
        n, status = divmod(i, 2)
        data = dict(template)
        data["id"] = 900000 + n
        data["reference"] = f"AMG-COM-TEST-20261129-CR{n:04d}"
        data["status"] = "paid" if status == 0 else "accepted"
        body = json.dumps(
            {
                "event": "order.created" if status == 0 else "order.accepted",
                "livemode": False,
                "created_at": "2026-11-29 10:00:0%d" % status,
                "data": data,
            }
        ).encode()
        out.append((f"crash-wh-{i:04d}", data["reference"], data["status"], body))
    return out


def order_body(i, product_id):
    return {
        "customer": {"name": "Crash Test", "phone": "0803%07d" % (1000000 + i), "email": "c@example.com"},
        "delivery": {"address": "Plot 12, Sabon Gari", "state_code": "KD", "lga_name": "Zaria", "tier": "standard"},
        "items": [{"product_id": product_id, "quantity": 1}],
    }


def sandbox_orders(sandbox_url):
    """Every order the sandbox holds for TOKEN, by reference."""
    refs = []
    while True:
        status, body = http(
            "GET",
            f"{sandbox_url}/api/commerce/orders/?limit=100&offset={len(refs)}",
            headers={"X-API-Key": TOKEN},
        )
        if status != 200:
            raise SystemExit(f"crash-test: listing sandbox orders answered {status}")
        refs += [o["reference"] for o in body["data"]]
        if not body["pagination"]["has_more"] or not body["data"]:
            return refs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--proxy", required=True, help="amigo-proxy binary")
    p.add_argument("--sandbox", required=True, help="amigo-sandbox binary")
    p.add_argument("--workdir", required=True, help="folder for the SQLite file")
    p.add_argument("--webhooks", type=int, default=500)
    p.add_argument("--orders", type=int, default=100)
    p.add_argument("--kill-after", type=int, default=None, help="answers before SIGKILL (default: half)")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--paystack", help="paystack-sandbox binary: also crash the payment path")
    p.add_argument("--payments", type=int, default=40)
    args = p.parse_args()
    total = args.webhooks + args.orders
    kill_after = args.kill_after if args.kill_after is not None else total // 2

    db_path = os.path.join(args.workdir, "crash.db")
    db_url = f"sqlite://{db_path}"
    sandbox, sandbox_url = start(
        [args.sandbox, "--listen", "127.0.0.1:0", "--rate-limit-per-minute", "100000"]
    )
    procs = [sandbox]
    try:
        proxy, proxy_url = start_proxy(args, sandbox_url, db_url)
        procs.append(proxy)

        # a product that exists, and a template order body for the webhooks
        status, body = http("GET", f"{proxy_url}/api/catalog/products?limit=100")
        if status != 200:
            raise SystemExit(f"crash-test: product list answered {status}")
        # the cheapest products first, so the test wallet pays for every order
        for product in sorted(body["data"], key=lambda p: p["price"]["amount"]):
            # the first product that ships to the test address (some schemes are regional)
            product_id = product["id"]
            status, body = http(
                "POST", f"{proxy_url}/api/orders", order_body(999, product_id),
                {"Idempotency-Key": f"crash-warmup-{product_id}"},
            )
            if status == 201:
                break
        else:
            raise SystemExit(f"crash-test: no warm-up order placed: {status} {body}")
        template = body["data"]

        hooks = webhooks(template, args.webhooks)
        orders = [(f"crash-order-{i:04d}", order_body(i, product_id)) for i in range(args.orders)]
        answered = 0
        lock = threading.Lock()
        killed = threading.Event()

        def done():
            nonlocal answered
            with lock:
                answered += 1
                if answered == kill_after and not killed.is_set():
                    os.kill(proxy.pid, signal.SIGKILL)
                    killed.set()

        def send_hook(h):
            delivery, _, _, body = h
            status, resp = http("POST", f"{proxy_url}/webhooks/amigo", body, signed(body, delivery))
            if status:
                done()
            return status

        def send_order(o):
            key, body = o
            status, resp = http("POST", f"{proxy_url}/api/orders", body, {"Idempotency-Key": key})
            if status:
                done()
            return status, (resp or {}).get("data", {}).get("reference") if status == 201 else None

        # interleave so both kinds are in flight when the kill lands
        jobs = []
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            per = max(1, args.webhooks // max(1, args.orders))
            hi = 0
            for o in orders:
                for h in hooks[hi : hi + per]:
                    jobs.append(("hook", h, pool.submit(send_hook, h)))
                hi += per
                jobs.append(("order", o, pool.submit(send_order, o)))
            for h in hooks[hi:]:
                jobs.append(("hook", h, pool.submit(send_hook, h)))
        if not killed.is_set():
            raise SystemExit("crash-test: every request was answered before the kill; lower --kill-after")
        proxy.wait()

        acked_hooks = {j[1][0]: j[1] for j in jobs if j[0] == "hook" and 200 <= j[2].result() < 300}
        acked_orders = {}
        other = {}
        for kind, item, fut in jobs:
            if kind == "order":
                status, ref = fut.result()
                if status == 201:
                    acked_orders[item[0]] = ref
                elif status not in (0,):
                    other[status] = other.get(status, 0) + 1
            elif fut.result() not in (0,) and not 200 <= fut.result() < 300:
                other[fut.result()] = other.get(fut.result(), 0) + 1
        if other:
            log(f"answers other than 2xx before the kill: {other}")
        log(f"killed after {kill_after} answers: {len(acked_hooks)} webhooks and {len(acked_orders)} orders acknowledged")

        # restart on the same file
        proxy, proxy_url = start_proxy(args, sandbox_url, db_url)
        procs.append(proxy)

        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        stored_deliveries = {r[0] for r in db.execute("SELECT delivery_id FROM webhook_deliveries")}
        timeline = set(db.execute("SELECT reference, status FROM order_timeline"))
        stored_orders = {r[0] for r in db.execute("SELECT reference FROM orders")}
        lost_hooks = [d for d, (_, ref, st, _) in acked_hooks.items() if d not in stored_deliveries or (ref, st) not in timeline]
        lost_orders = [k for k, ref in acked_orders.items() if ref not in stored_orders]

        # the platform redelivers every delivery; the client retries unanswered orders
        duplicates = 0
        newly_applied = 0
        failed_redeliveries = 0
        for delivery, ref, st, body in hooks:
            status, resp = http("POST", f"{proxy_url}/webhooks/amigo", body, signed(body, delivery))
            if not 200 <= status < 300:
                failed_redeliveries += 1
                continue
            dup = resp["data"].get("duplicate")
            if delivery in acked_hooks and not dup:
                duplicates += 1  # an acknowledged delivery applied a second time
            if not dup:
                newly_applied += 1
        retried_orders = 0
        for key, body in orders:
            if key in acked_orders:
                continue
            status, resp = http("POST", f"{proxy_url}/api/orders", body, {"Idempotency-Key": key})
            if status == 201:
                retried_orders += 1
                acked_orders[key] = resp["data"]["reference"]
            else:
                log(f"order {key} retried after the restart: {status} {resp}")
        unplaced = args.orders - len(acked_orders)

        stored_deliveries = {r[0] for r in db.execute("SELECT delivery_id FROM webhook_deliveries")}
        timeline = set(db.execute("SELECT reference, status FROM order_timeline"))
        stored_orders = {r[0] for r in db.execute("SELECT reference FROM orders")}
        missing_after = [d for d, ref, st, _ in hooks if d not in stored_deliveries or (ref, st) not in timeline]
        missing_orders_after = [k for k, ref in acked_orders.items() if ref not in stored_orders]
        upstream = [r for r in sandbox_orders(sandbox_url) if r != template["reference"]]
        # one upstream order per key plus the warm-up: anything more is a double debit
        double_orders = len(upstream) - len(set(upstream)) + max(0, len(set(upstream)) - args.orders)
        distinct_refs = len(set(acked_orders.values()))
        if distinct_refs != len(acked_orders):
            double_orders += len(acked_orders) - distinct_refs

        lost = len(lost_hooks) + len(lost_orders) + len(missing_after) + len(missing_orders_after)
        dup_total = duplicates + double_orders
        print(
            f"crash-test: webhooks={args.webhooks} orders={args.orders} killed_after={kill_after} "
            f"acked_webhooks={len(acked_hooks)} acked_orders={len(acked_orders) - retried_orders} "
            f"redelivered_applied={newly_applied} orders_retried={retried_orders} "
            f"upstream_orders={len(upstream)} lost={lost} duplicates={dup_total} "
            f"unplaced={unplaced} failed_redeliveries={failed_redeliveries}",
            flush=True,
        )
        if lost_hooks or lost_orders:
            log(f"acknowledged but missing after the restart: webhooks {lost_hooks[:5]} orders {lost_orders[:5]}")
        if missing_after or missing_orders_after:
            log(f"missing after the redelivery: webhooks {missing_after[:5]} orders {missing_orders_after[:5]}")
        ok = lost == 0 and dup_total == 0 and unplaced == 0 and failed_redeliveries == 0
        if args.paystack:
            pay_ok, line = payment_phase(args, sandbox_url, product_id, procs)
            print(line, flush=True)
            ok = ok and pay_ok
        return 0 if ok else 1
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    sys.exit(main())
