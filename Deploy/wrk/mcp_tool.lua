-- wrk script: authenticated MCP tools/call, one JSON-RPC request per POST.
-- env: BENCH_TOKEN (access token), BENCH_TOOL (default whoami), BENCH_ARGS (the arguments as JSON, default {}),
--      BENCH_EXPECT (a substring every answer must hold, default the whoami answer's token kind),
--      MCP_PV ("2025-11-25" handshake era, default, or "2026-07-28"), BENCH_LUA_DIR (folder of the shared report.lua), BENCH_NAME.
local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN not set")
local tool = os.getenv("BENCH_TOOL") or "whoami"
local arguments = os.getenv("BENCH_ARGS") or "{}"
local pv = os.getenv("MCP_PV") or "2025-11-25"
local meta = ""
if pv == "2026-07-28" then
  meta = ',"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
  wrk.headers["Mcp-Method"] = "tools/call"
  wrk.headers["Mcp-Name"] = tool
end
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool .. '","arguments":' .. arguments .. meta .. '}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["MCP-Protocol-Version"] = pv
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua").install(tool, os.getenv("BENCH_EXPECT") or '"token_kind":"access_token"')
