#!/usr/bin/python3
"""PyTorch's quantize_dynamic on the models Serval's TorchComparison exported, side by side.

Rebuilds each exported ONNX graph (weights/graph.json and its .npy files) as a torch
nn.Sequential, checks that its float32 output equals ONNX Runtime's (expected.npy), quantizes
its nn.Linear layers with torch.ao.quantization.quantize_dynamic (qint8) under every quantized
engine this torch has, and measures what Serval measured: top-1 on the same rows (x.npy, y.npy)
and the time of a batch of 64 rows with one thread, float32 and int8 in interleaved rounds
(3 untimed, then --rounds rounds of --runs runs), medians. Writes OUTPUT.json and OUTPUT.md with
Serval's numbers (serval.json) and PyTorch's.

Run by bench/compare-torch.sh with Debian's python3-torch: /usr/bin/python3 compare.py --work DIR
"""
import argparse
import copy
import json
import pathlib
import platform
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn

ENGINES = ("fbgemm", "qnnpack", "onednn")
BATCH = 64
WARMUP_ROUNDS = 3


class Constant(nn.Module):
    """x * c or x + c with a constant vector c: the standardization Serval's models start with."""

    def __init__(self, op, value):
        super().__init__()
        self.op = op
        self.register_buffer("value", value)

    def forward(self, x):
        return x * self.value if self.op == "Mul" else x + self.value


def linear(weight, bias, transposed):
    """nn.Linear holding ONNX's weight: Gemm with transB=1 stores [out, in], else [in, out]."""
    w = weight if transposed else weight.T
    layer = nn.Linear(w.shape[1], w.shape[0], bias=bias is not None)
    layer.weight.data = w.contiguous().clone()
    if bias is not None:
        layer.bias.data = bias.clone()
    return layer


def build(weights):
    """The nn.Sequential computing graph.json's output from its input, node by node."""
    graph = json.loads((weights / "graph.json").read_text())
    constants = {name: torch.from_numpy(np.load(weights / file))
                 for name, file in graph["initializers"].items()}
    layers = []
    current = graph["input"]
    for node in graph["nodes"]:
        if current not in node["inputs"]:
            continue
        others = [constants[name] for name in node["inputs"] if name != current]
        op, attributes = node["op"], node["attributes"]
        if op in ("Mul", "Add"):
            layers.append(Constant(op, others[0]))
        elif op == "Gemm":
            if attributes.get("transA", 0) or attributes.get("alpha", 1.0) != 1.0 \
                    or attributes.get("beta", 1.0) != 1.0:
                sys.exit(f"compare.py: Gemm with attributes {attributes} is not supported;"
                         " export models with transA=0, alpha=1, beta=1")
            layers.append(linear(others[0], others[1] if len(others) > 1 else None,
                                 attributes.get("transB", 0) == 1))
        elif op == "MatMul":
            layers.append(linear(others[0], None, False))
        elif op == "Relu":
            layers.append(nn.ReLU())
        elif op == "Softmax":
            layers.append(nn.Softmax(dim=-1))
        else:
            sys.exit(f"compare.py: operator {op} of {weights} has no torch counterpart here;"
                     " only Mul, Add, Gemm, MatMul, Relu and Softmax chains are rebuilt")
        current = node["outputs"][0]
    if current != graph["output"]:
        sys.exit(f"compare.py: the node chain of {weights} ends at {current}, not at the"
                 f" exported output {graph['output']}")
    return nn.Sequential(*layers).eval()


def check_float(model, x, expected, name):
    with torch.inference_mode():
        actual = model(torch.from_numpy(x)).numpy()
    difference = float(np.abs(actual - expected).max())
    if not np.allclose(actual, expected, rtol=1e-4, atol=1e-6):
        sys.exit(f"compare.py: torch's float32 {name} differs from ONNX Runtime's by up to"
                 f" {difference:.3g}; the rebuilt graph is not the exported model")
    return difference


def top1(outputs, labels):
    return float("nan") if labels is None else 100.0 * float((outputs.argmax(1) == labels).mean())


def agreement(a, b):
    return 100.0 * float((a.argmax(1) == b.argmax(1)).mean())


def run_round(model, engine, batch, runs):
    if engine:
        torch.backends.quantized.engine = engine
    start = time.perf_counter()
    for _ in range(runs):
        model(batch)
    return (time.perf_counter() - start) * 1000 / runs


def interleaved(models, batch, rounds, runs):
    """Median ms per run of each (model, engine), rounds alternating A B C A B C ..."""
    times = [[] for _ in models]
    with torch.inference_mode():
        for r in range(WARMUP_ROUNDS + rounds):
            for i, (model, engine) in enumerate(models):
                elapsed = run_round(model, engine, batch, runs)
                if r >= WARMUP_ROUNDS:
                    times[i].append(elapsed)
    return [statistics.median(t) for t in times]


def measure(folder, serval, rounds, runs):
    name = serval["model"]
    x = np.load(folder / "x.npy")
    labels = np.load(folder / "y.npy") if (folder / "y.npy").exists() else None
    expected = np.load(folder / "expected.npy")
    model = build(folder / "weights")
    difference = check_float(model, x, expected, name)
    print(f"{name}: torch float32 equals ONNX Runtime's within {difference:.2g}", file=sys.stderr)
    engines = [e for e in ENGINES if e in torch.backends.quantized.supported_engines]
    quantized = []
    for engine in engines:
        torch.backends.quantized.engine = engine
        quantized.append(torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(model), {nn.Linear}, dtype=torch.qint8))
    inputs = torch.from_numpy(x)
    with torch.inference_mode():
        reference = model(inputs).numpy()
        outputs = []
        for engine, q in zip(engines, quantized):
            torch.backends.quantized.engine = engine
            outputs.append(q(inputs).numpy())
    print(f"{name}: timing float32 and {', '.join(engines)} at batch {BATCH} ...",
          file=sys.stderr)
    millis = interleaved([(model, None)] + list(zip(quantized, engines)),
                         inputs[:BATCH].contiguous(), rounds, runs)
    # Jackson writes NaN (no labels) as the string "NaN", which float() reads
    rows = [row(name, "Serval int8-dynamic (ONNX Runtime, per-channel)",
                float(serval["fp32Top1"]), float(serval["int8Top1"]), serval["agreement"],
                serval["fp32Millis"], serval["int8Millis"])]
    for engine, out, ms in zip(engines, outputs, millis[1:]):
        rows.append(row(name, f"PyTorch {torch.__version__} quantize_dynamic ({engine})",
                        top1(reference, labels), top1(out, labels), agreement(reference, out),
                        millis[0], ms))
    skipped = [e for e in ENGINES if e not in engines]
    return rows, skipped


def row(model, implementation, fp32_top1, int8_top1, agree, fp32_ms, int8_ms):
    return {"model": model, "implementation": implementation, "fp32Top1": fp32_top1,
            "int8Top1": int8_top1, "agreement": agree, "fp32Millis": fp32_ms,
            "int8Millis": int8_ms, "int8RowsPerSecond": BATCH * 1000 / int8_ms,
            "int8VsOwnFp32": fp32_ms / int8_ms}


def verdicts(rows):
    """Per model: is Serval's int8 at least as accurate and as fast as every PyTorch engine's?"""
    result = {}
    for model in dict.fromkeys(r["model"] for r in rows):
        serval, *torch_rows = [r for r in rows if r["model"] == model]
        best_rate = max(r["int8RowsPerSecond"] for r in torch_rows)
        accurate = all(serval["int8Top1"] >= r["int8Top1"] for r in torch_rows) \
            if not np.isnan(serval["int8Top1"]) \
            else all(serval["agreement"] >= r["agreement"] for r in torch_rows)
        result[model] = {"atLeastAsAccurate": accurate,
                         "atLeastAsFast": serval["int8RowsPerSecond"] >= best_rate,
                         "servalOverFastestTorch": serval["int8RowsPerSecond"] / best_rate}
    return result


def markdown(report):
    lines = [f"Run {report['startedAt']} on {report['machine']}; torch {report['torch']},"
             f" quantized engines used: {', '.join(report['engines'])}"
             + (f" (not in this build: {', '.join(report['skipped'])})" if report["skipped"]
                else "") + ".",
             f"Batch {BATCH}, one thread, {report['rounds']} interleaved rounds of"
             f" {report['runs']} runs, medians. Load average before: {report['loadBefore']};"
             f" after: {report['loadAfter']}.", "",
             "| model | int8 implementation | top-1 fp32 | top-1 int8 | agreement with fp32 |"
             " fp32 ms | int8 ms | int8 rows/s | int8 vs own fp32 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["rows"]:
        lines.append(f"| {r['model']} | {r['implementation']} | {pct(r['fp32Top1'])} |"
                     f" {pct(r['int8Top1'])} | {r['agreement']:.1f}% | {r['fp32Millis']:.3f} |"
                     f" {r['int8Millis']:.3f} | {r['int8RowsPerSecond']:,.0f} |"
                     f" {r['int8VsOwnFp32']:.2f}x |")
    lines += ["", "| model | Serval at least as accurate | Serval at least as fast |"
              " Serval int8 rows/s over fastest PyTorch engine |", "|---|---|---|---:|"]
    for model, v in report["verdicts"].items():
        lines.append(f"| {model} | {yes(v['atLeastAsAccurate'])} | {yes(v['atLeastAsFast'])} |"
                     f" {v['servalOverFastestTorch']:.2f}x |")
    return "\n".join(lines) + "\n"


def pct(value):
    return "-" if np.isnan(value) else f"{value:.2f}"


def yes(ok):
    return "yes" if ok else "**no**"


def load_average():
    try:
        return pathlib.Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True, type=pathlib.Path,
                        help="the folder TorchComparison exported into (holds serval.json)")
    parser.add_argument("--output", required=True, type=pathlib.Path,
                        help="writes OUTPUT.json and OUTPUT.md")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1:
        parser.error(f"--rounds and --runs must be >= 1 but were {args.rounds} and {args.runs}")
    serval_file = args.work / "serval.json"
    if not serval_file.exists():
        sys.exit(f"compare.py: {serval_file} is missing; run serval-bench's TorchComparison"
                 " first (bench/compare-torch.sh does both)")
    torch.set_num_threads(1)
    load_before = load_average()
    rows, skipped = [], []
    for serval in json.loads(serval_file.read_text()):
        model_rows, skipped = measure(args.work / serval["key"], serval, args.rounds, args.runs)
        rows += model_rows
    report = {"startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
              "torch": torch.__version__,
              "engines": [e for e in ENGINES if e not in skipped], "skipped": skipped,
              "rounds": args.rounds, "runs": args.runs, "loadBefore": load_before,
              "loadAfter": load_average(), "rows": rows, "verdicts": verdicts(rows)}
    args.output.with_suffix(".json").write_text(json.dumps(report, indent=2))
    args.output.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
