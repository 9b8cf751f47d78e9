-- wrk script for bench/http_load.py: task completions (BENCH_MODE=complete) or the task list
-- (BENCH_MODE=list) against the REST API, with a bearer token. Settings come from the environment:
--
--   BENCH_MODE     complete | list
--   BENCH_TOKEN    the API token (Authorization: Bearer ...)
--   BENCH_IDS      complete: a file of ready task ids, one a line
--   BENCH_BODY     complete: the JSON request body ({"data": {...}})
--   BENCH_THREADS  the number of wrk threads (-t), so that each thread can take its own ids
--
-- Run it with one connection per thread (-t N -c N): request() and response() then alternate in each
-- thread's Lua state, so every request is timed here, from request() to response(), on a monotonic
-- clock. (wrk "corrects" its own histogram for coordinated omission before done() sees it, adding
-- synthetic samples; its percentiles are reported alongside, under "wrk".)
--
-- complete: thread k (1-based) takes lines k, k+N, k+2N ... of the id file, in that order, so no id is
-- sent twice and the caller can tell from each thread's count of answers which ids were answered. A
-- thread that has sent all its ids prints BENCH-EXHAUSTED and keeps its connection idle (delay()), and
-- the caller stops wrk (SIGINT); otherwise the run lasts wrk's -d. delay() is defined (returning 0 while
-- there are ids) also because wrk calls it before every request it sends: a request() call without one
-- is wrk's check of the script before the run, never sent.
--
-- done() prints one line, BENCH-RESULT {json}: counts, duration (first request to last answer),
-- requests per second, latency percentiles in ms, answers by status, and per thread (in thread order)
-- the number of answers, the id in flight when wrk stopped, and the ids answered with a non-2xx status.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long sec; long nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")

local function now_ms()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
   return tonumber(ts.sec) * 1000 + tonumber(ts.nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("thread_no", counter)
   table.insert(threads, thread)
end

-- per thread ------------------------------------------------------------------------------------
mode = os.getenv("BENCH_MODE") or "list"
ids = {}
next_id = 1
sent = 0
answered = 0
inflight = ""
statuses = {}
failed = {}
latencies = {}
first_start = nil
last_end = nil
local started = nil
local exhausted = false
local armed = false -- set by delay(): the request() that follows is a real one

function init(args)
   local token = os.getenv("BENCH_TOKEN") or ""
   wrk.headers["Authorization"] = "Bearer " .. token
   wrk.headers["Accept"] = "application/json"
   if mode == "complete" then
      wrk.headers["Content-Type"] = "application/json"
      body = os.getenv("BENCH_BODY") or "{}"
      local total = tonumber(os.getenv("BENCH_THREADS") or "1")
      local n = 0
      for line in io.lines(os.getenv("BENCH_IDS")) do
         if line ~= "" then
            n = n + 1
            if (n - 1) % total == thread_no - 1 then
               table.insert(ids, line)
            end
         end
      end
   end
end

function delay()
   if mode == "complete" and next_id > #ids then
      if not exhausted then
         exhausted = true
         io.write("BENCH-EXHAUSTED\n")
         io.flush()
      end
      return 3600000 -- nothing left to send: stay idle until wrk is stopped
   end
   armed = true
   return 0
end

function request()
   if not armed then
      -- wrk calls request() once in the first thread before the run, to check what it returns: that
      -- request is never sent, so it takes no id and is not timed
      return wrk.format("GET", "/api/v1/tasks")
   end
   armed = false
   started = now_ms()
   if first_start == nil then
      first_start = started
   end
   sent = sent + 1
   if mode == "complete" then
      inflight = ids[next_id]
      next_id = next_id + 1
      return wrk.format("POST", "/api/v1/tasks/" .. inflight .. "/complete", nil, body)
   end
   return wrk.format("GET", "/api/v1/tasks")
end

function response(status, headers, resp_body)
   local t = now_ms()
   last_end = t
   answered = answered + 1
   if started ~= nil then
      table.insert(latencies, t - started)
      started = nil
   end
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if mode == "complete" then
      if status < 200 or status > 299 then
         table.insert(failed, inflight .. " " .. key)
      end
      inflight = ""
   end
end

-- done, in the main Lua state -------------------------------------------------------------------
local function percentile(sorted, p)
   if #sorted == 0 then
      return 0
   end
   return sorted[math.max(1, math.ceil(p / 100 * #sorted))]
end

local function json_strings(list)
   local out = {}
   for _, v in ipairs(list) do
      table.insert(out, '"' .. v .. '"')
   end
   return "[" .. table.concat(out, ", ") .. "]"
end

function done(summary, latency, requests)
   local all, counts, per_thread = {}, {}, {}
   local total_sent, total_answered = 0, 0
   local t0, t1 = nil, nil
   table.sort(threads, function(a, b) return a:get("thread_no") < b:get("thread_no") end)
   for _, thread in ipairs(threads) do
      for _, v in ipairs(thread:get("latencies") or {}) do
         table.insert(all, v)
      end
      for k, v in pairs(thread:get("statuses") or {}) do
         counts[k] = (counts[k] or 0) + v
      end
      local n = thread:get("answered") or 0
      total_sent = total_sent + (thread:get("sent") or 0)
      total_answered = total_answered + n
      local a, b = thread:get("first_start"), thread:get("last_end")
      if a ~= nil and (t0 == nil or a < t0) then t0 = a end
      if b ~= nil and (t1 == nil or b > t1) then t1 = b end
      table.insert(per_thread, string.format('{"answered": %d, "inflight": "%s", "failed": %s}',
                                             n, thread:get("inflight") or "", json_strings(thread:get("failed") or {})))
   end
   table.sort(all)
   local duration_ms = (t0 ~= nil and t1 ~= nil) and (t1 - t0) or 0
   local parts = {}
   for k, v in pairs(counts) do
      table.insert(parts, string.format('"%s": %d', k, v))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH-RESULT {"mode": "%s", "sent": %d, "answered": %d, "samples": %d, "duration_ms": %.3f, '
      .. '"rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "statuses": {%s}, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, '
      .. '"wrk": {"requests": %d, "duration_ms": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f}, '
      .. '"threads": [%s]}\n',
      mode, total_sent, total_answered, #all, duration_ms,
      duration_ms > 0 and total_answered / (duration_ms / 1000) or 0,
      percentile(all, 50), percentile(all, 95), percentile(all, 99), all[#all] or 0,
      table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout,
      summary.requests, summary.duration / 1000,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      table.concat(per_thread, ", ")))
   io.flush()
end
