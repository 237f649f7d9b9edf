-- wrk script of scripts/load-forms.sh (closed loop): every request is a JSON form submission with its own email and
-- phone number, asking for a callback, so that each accepted one must become exactly one lead, prospect and call task.
-- Reads LOAD_FORM_PATH (/f/{formId}), LOAD_TAG (email prefix), LOAD_ANSWERS (file prefix: each thread writes
-- "submissionId leadId" per 201 to LOAD_ANSWERS.<thread>) and LOAD_PHONE_DIGIT (third digit of the phone numbers,
-- default the thread number, so that two runs on one store never share a number) from the environment.
-- Prints key=value results at the end.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  path = os.getenv("LOAD_FORM_PATH")
  tag = os.getenv("LOAD_TAG") or "wrk"
  n = 0
  phone_digit = tonumber(os.getenv("LOAD_PHONE_DIGIT") or id)
  accepted = 0
  others = {}
  answers = io.open(os.getenv("LOAD_ANSWERS") .. "." .. id, "w")
  -- Line buffered: wrk never closes its threads' Lua states, so a full buffer would be lost at exit.
  answers:setvbuf("line")
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  n = n + 1
  local body = string.format(
    '{"email":"%s-%d-%d@load.example","phone":"06%d%07d","consent.newsletter":true,"callback":true}',
    tag, id, n, phone_digit, n)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 201 then
    accepted = accepted + 1
    local submission = body:match('"submissionId":"([^"]+)"') or "?"
    local lead = body:match('"leadId":"([^"]+)"') or "-"
    answers:write(submission, " ", lead, "\n")
  else
    others[status] = (others[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_accepted, other_count, statuses = 0, 0, {}
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    for status, count in pairs(thread:get("others")) do
      statuses[status] = (statuses[status] or 0) + count
      other_count = other_count + count
    end
  end
  local listed = {}
  for status, count in pairs(statuses) do table.insert(listed, status .. "x" .. count) end
  table.sort(listed)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("wrk_seconds=%.2f\n", seconds))
  io.write(string.format("wrk_responses=%d\n", summary.requests))
  io.write(string.format("wrk_accepted=%d\n", total_accepted))
  io.write(string.format("wrk_accepted_per_s=%.0f\n", total_accepted / seconds))
  io.write(string.format("wrk_non2xx=%d\n", other_count))
  io.write(string.format("wrk_other_statuses=%s\n", #listed > 0 and table.concat(listed, ",") or "-"))
  io.write(string.format("wrk_socket_errors=%d\n", e.connect + e.read + e.write))
  io.write(string.format("wrk_timeouts=%d\n", e.timeout))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("wrk_latency_p%s_ms=%.2f\n", tostring(p):gsub("%.", "_"), latency:percentile(p) / 1000))
  end
  io.write(string.format("wrk_latency_max_ms=%.2f\n", latency.max / 1000))
end
