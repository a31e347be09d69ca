-- wrk script: POST one badge to /api/v1/verify, as `wrk -s tests/bench/verify.lua URL -- FILE [TYPE]`.
-- FILE is the badge (JSON, JWT, PNG or SVG); TYPE its media type (default application/json).
-- wrk reports any answer other than 2xx/3xx as "Non-2xx or 3xx responses".
local body, content_type

function init(args)
  local f = assert(io.open(args[1], "rb"), "usage: wrk -s verify.lua URL -- FILE [TYPE]")
  body = f:read("*a")
  f:close()
  content_type = args[2] or "application/json"
end

function request()
  return wrk.format("POST", "/api/v1/verify", { ["Content-Type"] = content_type }, body)
end
