-- Shared by the intake load scripts: every answer is written down (one line each, the Location or the failed
-- status) so that the check afterwards can look for each acknowledged report in the database, and the run ends
-- with one machine-readable line of figures.
local log

function open_log(path)
  log = assert(io.open(path, "a"))
  log:setvbuf("line")
end

function note(status, headers, created)
  local location = headers["Location"] or headers["location"]
  if status == created and location then
    log:write("ok ", location, "\n")
  else
    log:write("failed ", status, "\n")
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
