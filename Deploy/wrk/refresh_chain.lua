-- wrk script: the refresh-token grant (RFC 6749 §6) in concurrent chains, as connectors refresh: each wrk
-- thread is one chain that always presents the refresh token its last answer rotated to. Run with as many
-- threads as connections (-t N -c N), one chain per connection, or chains would race one another.
-- env: BENCH_CLIENT_ID (a public client), BENCH_REFRESH_TOKENS (one per thread, space-separated),
--      BENCH_LUA_DIR (folder of the shared report.lua), BENCH_NAME.
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua").install("refresh_chain", nil)
local client_id = os.getenv("BENCH_CLIENT_ID") or error("BENCH_CLIENT_ID not set")
local chains, handed_out = {}, 0
for token in string.gmatch(os.getenv("BENCH_REFRESH_TOKENS") or "", "%S+") do table.insert(chains, token) end
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

local remember_thread = setup
setup = function(thread)
  remember_thread(thread)
  handed_out = handed_out + 1
  thread:set("refresh_token", chains[handed_out] or error("fewer BENCH_REFRESH_TOKENS than threads"))
end

bad = 0
request = function()
  return wrk.format("POST", "/oauth/token", headers, "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. refresh_token)
end

-- A chain lives on its newest refresh token; an answer without one is counted, and the chain keeps its last.
response = function(status, _, body)
  local rotated = status == 200 and body and string.match(body, '"refresh_token":"([^"]+)"')
  if rotated then refresh_token = rotated else bad = bad + 1 end
end
