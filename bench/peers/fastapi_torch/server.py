"""FastAPI + PyTorch eager peer for the Serval benchmark.

Serves the same ONNX MLP as Serval (weights read from the .onnx file, run as a plain
torch.nn.Sequential in eager mode) behind the same Open Inference Protocol JSON endpoints, the way a
Python team would usually write it, so that one load generator can measure both.

Settings come from the environment (run.sh sets them):
  PEER_MODEL       path of the ONNX model (required)
  PEER_MODEL_NAME  model name in the URL (default mlp)
"""

import os

import onnx
import torch
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from onnx import numpy_helper

torch.set_num_threads(int(os.environ.get("PEER_TORCH_THREADS", "1")))


class OnnxMlp(torch.nn.Module):
    """Gemm/Relu layers as torch.nn.Sequential, plus the Softmax the ONNX graph ends with."""

    def __init__(self, path):
        super().__init__()
        graph = onnx.load(path).graph
        weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
                   for t in graph.initializer}
        layers = []
        self.softmax_output = None
        for node in graph.node:
            if node.op_type == "Gemm":
                layers.append(self._linear(node, weights))
            elif node.op_type == "Relu":
                layers.append(torch.nn.ReLU())
            elif node.op_type == "Softmax" and self.softmax_output is None:
                self.logits_output = node.input[0]
                self.softmax_output = node.output[0]
            else:
                raise ValueError(f"unsupported ONNX node {node.op_type} ({node.name}); this peer "
                                 "reads MLPs made of Gemm, Relu and a final Softmax")
        self.body = torch.nn.Sequential(*layers)
        self.input_name = graph.input[0].name
        self.input_width = graph.input[0].type.tensor_type.shape.dim[1].dim_value
        self.output_names = [o.name for o in graph.output]
        self.output_width = [m for m in layers if isinstance(m, torch.nn.Linear)][-1].out_features
        self.eval()

    @staticmethod
    def _linear(node, weights):
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        weight = weights[node.input[1]]
        if not attributes.get("transB", 0):
            weight = weight.t()
        linear = torch.nn.Linear(weight.shape[1], weight.shape[0])
        linear.weight.data = weight.contiguous()
        linear.bias.data = weights[node.input[2]]
        return linear

    def forward(self, x):
        logits = self.body(x)
        return {self.logits_output: logits, self.softmax_output: torch.softmax(logits, dim=-1)}


MODEL_NAME = os.environ.get("PEER_MODEL_NAME", "mlp")
model = OnnxMlp(os.environ["PEER_MODEL"])
app = FastAPI()


@app.exception_handler(HTTPException)
async def protocol_error(request, exc):
    """Errors as the Open Inference Protocol writes them: {"error": "..."}."""
    return JSONResponse(status_code=exc.status_code, content={"error": exc.detail})


def tensor_metadata(name, width):
    return {"name": name, "datatype": "FP32", "shape": [-1, width]}


def check_model(name):
    if name != MODEL_NAME:
        raise HTTPException(status_code=404, detail=f"unknown model '{name}'")


@app.get("/v2/health/ready")
def ready():
    return {}


@app.get("/v2/models/{name}")
def metadata(name: str):
    check_model(name)
    return {
        "name": MODEL_NAME,
        "versions": ["1"],
        "platform": "pytorch_eager",
        "inputs": [tensor_metadata(model.input_name, model.input_width)],
        "outputs": [tensor_metadata(n, model.output_width) for n in model.output_names],
    }


@app.post("/v2/models/{name}/infer")
async def infer(name: str, request: Request):
    check_model(name)
    body = await request.json()
    try:
        tensor = next(t for t in body["inputs"] if t["name"] == model.input_name)
        x = torch.tensor(tensor["data"], dtype=torch.float32).reshape(tensor["shape"])
    except (KeyError, StopIteration, TypeError, ValueError, RuntimeError) as e:
        raise HTTPException(status_code=400, detail=f"bad request: {e}") from e
    with torch.inference_mode():
        outputs = model(x)
    wanted = [o["name"] for o in body.get("outputs", [])] or model.output_names
    response = {"model_name": MODEL_NAME, "model_version": "1", "outputs": [
        {"name": n, "datatype": "FP32", "shape": list(outputs[n].shape),
         "data": outputs[n].flatten().tolist()}
        for n in wanted if n in outputs]}
    if "id" in body:
        response["id"] = body["id"]
    return response
