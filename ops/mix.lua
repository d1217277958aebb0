-- wrk script for the fleet tests: a reader's mix of article pages and the
-- latest list, with one comment posted in every FLEET_WRITE_EVERY (100) requests. Counts
-- answers by status in each thread, and prints them as one JSON line:
--   {"statuses": {"200": n, "202": n, ...}}
-- FLEET_ARTICLES: how many story-N articles exist; FLEET_AUTHOR: the name
-- comments are posted under, so the test can count them in the database;
-- FLEET_TOKEN: a bearer token sent with every request, if set.
local articles = tonumber(os.getenv("FLEET_ARTICLES") or "1000")
local author = os.getenv("FLEET_AUTHOR") or "fleet"
local token = os.getenv("FLEET_TOKEN")
local reads_only = os.getenv("FLEET_READS_ONLY") == "1"
local write_every = tonumber(os.getenv("FLEET_WRITE_EVERY") or "100")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  counter = 0
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function headers(extra)
  local h = extra or {}
  if token and token ~= "" then
    h["Authorization"] = "Bearer " .. token
  end
  return h
end

function request()
  counter = counter + 1
  local n = math.random(1, articles)
  if not reads_only and counter % write_every == 0 then
    local body = '{"author_name":"' .. author ..
      '","author_email":"fleet@example.com","body":"A comment under load."}'
    return wrk.format("POST", "/api/v1/articles/story-" .. n .. "/comments",
      headers({ ["Content-Type"] = "application/json" }), body)
  elseif counter % 3 == 0 then
    return wrk.format("GET", "/api/v1/articles?limit=20", headers())
  else
    return wrk.format("GET", "/api/v1/articles/story-" .. n, headers())
  end
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do
      total[k] = (total[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(total) do
    table.insert(parts, string.format('"%d": %d', k, v))
  end
  local errors = summary.errors
  io.write(string.format(
    'FLEET {"statuses": {%s}, "socket_errors": %d, "requests": %d, "seconds": %.1f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    table.concat(parts, ", "),
    errors.connect + errors.read + errors.write + errors.timeout,
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
