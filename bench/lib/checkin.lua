-- Shared by bench/api-service.sh and bench/end-to-end.sh (wrk script; args: prefix queues [rate threads]).
-- Each request checks a new patient into one of many queues (implicitly created, capacity 100), with
-- the bearer token in BENCH_TOKEN (a receptionist's; the scripts mint it) when set.
-- With a rate, each thread sends on a fixed schedule (rate / threads per second): a connection
-- that comes back waits for the thread's next slot; a late thread does not burst to catch up.
local ffi = require("ffi")
ffi.cdef[[ struct bench_timespec { long tv_sec; long tv_nsec; };
           int clock_gettime(int clock, struct bench_timespec *now); ]]
local clock = ffi.new("struct bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("tid", thread_counter)
end
local headers = {["Content-Type"] = "application/json"}
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
function init(args)
  prefix = args[1]; queues = tonumber(args[2]); rate = tonumber(args[3] or "0")
  interval = rate > 0 and tonumber(args[4]) * 1000 / rate or 0 -- ms between this thread's sends
  next_slot = now_ms()
  sent = 0
  math.randomseed(os.time() + tid)
end
function delay()
  if interval == 0 then return 0 end
  local now = now_ms()
  next_slot = math.max(next_slot + interval, now)
  return math.floor(next_slot - now)
end
function request()
  sent = sent + 1
  local body = '{"patientId":"B' .. tid .. '-' .. sent .. '","patientName":"Bench","priority":"Medium",'
            .. '"consultationType":"General","notes":null,"age":null,"pregnant":false}'
  return wrk.format("POST", "/api/waiting-rooms/" .. prefix .. "-" .. math.random(queues) .. "/check-ins",
                    headers, body)
end
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("  check-ins/s: %.0f  (requests %d, non-2xx %d, socket errors %d)\n",
    summary.requests / seconds, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
