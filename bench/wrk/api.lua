-- New reports through the JSON API, each with its own title.
-- wrk -s api.lua URL -- LOGFILE TARGET_INSTITUTION_ID
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "common"

local target, counter = "null", 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  open_log(args[1])
  target = args[2]
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"title":"Lampu jalan padam di gang %d","body":"Sudah tiga malam lampu jalan di gang ini padam, warga takut lewat. Mohon segera diperbaiki.",' ..
    '"target_institution_id":%s,"reporter_name":"Warga Beban Uji","reporter_phone":"081300000000"}', counter, target)
  return wrk.format("POST", "/api/v1/reports", headers, body)
end

function response(status, headers, body) note(status, headers, 201) end
