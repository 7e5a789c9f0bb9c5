-- wrk script: POSTs one fixed Open Inference Protocol JSON request, a cross-check of the Java
-- load generator with the fastest C client. Arguments after "--": WIDTH ROWS INPUT_NAME
-- (default 64 1 input), e.g.
--   wrk -t2 -c16 -d10s --latency -s bench/wrk/infer.lua http://127.0.0.1:8000/v2/models/mlp/infer -- 64 1 input

function init(args)
  local width = tonumber(args[1]) or 64
  local rows = tonumber(args[2]) or 1
  local name = args[3] or "input"
  math.randomseed(42)
  local data = {}
  for i = 1, width * rows do
    data[i] = string.format("%.6f", math.random() * 2 - 1)
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"inputs":[{"name":"%s","shape":[%d,%d],"datatype":"FP32","data":[%s]}]}',
    name, rows, width, table.concat(data, ","))
end
