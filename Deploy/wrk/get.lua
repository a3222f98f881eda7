-- wrk script: a plain GET, checked for a 2xx body containing BENCH_EXPECT.
dofile((os.getenv("BENCH_LUA_DIR") or ".") .. "/report.lua").install("get", os.getenv("BENCH_EXPECT"))
