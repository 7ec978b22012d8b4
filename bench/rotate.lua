-- rotate.lua is the wrk script of bench/run.sh: each connection requests the
-- paths listed in a file in turn, optionally with an Accept header.
--
--   wrk -t2 -c64 -d15s --latency -s bench/rotate.lua http://127.0.0.1:PORT -- PATHS [ACCEPT]
--
-- The requests are formatted once in init, so the client spends its time
-- on the network and not in Lua; each thread starts at a different place in
-- the list so that the threads do not ask for the same page at once.

local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local requests = {}
local count = 0
local at = 0

function init(args)
  local file, accept = args[1], args[2]
  if not file then
    error("usage: wrk ... -s rotate.lua URL -- PATHS_FILE [ACCEPT]")
  end
  local headers = {}
  if accept and accept ~= "" then
    headers["Accept"] = accept
  end
  for path in io.lines(file) do
    if path ~= "" then
      count = count + 1
      requests[count] = wrk.format("GET", path, headers)
    end
  end
  if count == 0 then
    error("no paths in " .. file)
  end
  at = ((thread_id or 0) * 7919) % count
end

function request()
  at = at % count + 1
  return requests[at]
end
