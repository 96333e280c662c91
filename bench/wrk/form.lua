-- New reports through the portal's form, as a browser posts it (with the form token and its cookie).
-- wrk -s form.lua URL -- LOGFILE TARGET_INSTITUTION_ID CSRF_TOKEN
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "common"

local target, token, counter = "", "", 0
local headers = {}

function init(args)
  open_log(args[1])
  target, token = args[2], args[3]
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "tanggap_csrf=" .. token }
end

function request()
  counter = counter + 1
  local body = "_csrf=" .. token .. "&classification=pengaduan&title=Sampah+menumpuk+di+pasar+" .. counter ..
    "&body=Sampah+di+pasar+sudah+seminggu+tidak+diangkut+dan+baunya+sampai+ke+rumah+warga." ..
    "&target_institution_id=" .. target .. "&reporter_name=Warga+Beban+Uji&reporter_phone=081300000000"
  return wrk.format("POST", "/lapor", headers, body)
end

function response(status, headers, body) note(status, headers, 303) end
