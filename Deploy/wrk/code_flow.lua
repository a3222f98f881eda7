-- wrk script: the authorization-code grant as a returning person meets it, one wrk thread per connection:
-- a silent GET /oauth/authorize on the person's browser session (302 to the client with a code), then the
-- code's exchange at /oauth/token (RFC 6749 §4.1.3, PKCE per RFC 7636 §4.5), alternating. Every request
-- counts in the figures, so codes issued and exchanged per second are half the requests per second.
-- env: BENCH_AUTHORIZE (the /oauth/authorize path and query), BENCH_COOKIE, BENCH_CLIENT_ID, BENCH_REDIRECT_URI,
--      BENCH_CODE_VERIFIER, BENCH_RESOURCE, BENCH_LUA_DIR, BENCH_NAME.
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua").install("code_flow", nil)
local authorize = os.getenv("BENCH_AUTHORIZE") or error("BENCH_AUTHORIZE not set")
local cookie = os.getenv("BENCH_COOKIE") or error("BENCH_COOKIE not set")
local function escaped(text) return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
local exchange = "grant_type=authorization_code&client_id=" .. escaped(os.getenv("BENCH_CLIENT_ID"))
  .. "&redirect_uri=" .. escaped(os.getenv("BENCH_REDIRECT_URI")) .. "&code_verifier=" .. escaped(os.getenv("BENCH_CODE_VERIFIER"))
  .. "&resource=" .. escaped(os.getenv("BENCH_RESOURCE")) .. "&code="
local browser = { ["Cookie"] = cookie }
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

bad = 0
local code = nil
request = function()
  if code then return wrk.format("POST", "/oauth/token", form, exchange .. code) end
  return wrk.format("GET", authorize, browser)
end

response = function(status, headers, body)
  if code then
    code = nil
    if status ~= 200 or not (body and string.find(body, '"access_token"', 1, true)) then bad = bad + 1 end
  else
    local location = headers["Location"] or headers["location"]
    code = status == 302 and location and string.match(location, "[?&]code=([^&]+)")
    if not code then bad = bad + 1 end
  end
end
