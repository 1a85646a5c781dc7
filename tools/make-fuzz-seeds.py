#!/usr/bin/python3
"""Writes the binary seed corpora of the protobuf fuzzers (tests/fuzz/corpus/) from examples/.

Run it after the examples change:  /usr/bin/python3 tools/make-fuzz-seeds.py
Needs protoc and Debian's python3-protobuf (the interpreter at /usr/bin/python3).
"""
import glob
import os
import subprocess
import sys
import tempfile

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = tempfile.mkdtemp()
protos = ["cds/v1/common.proto", "cds/v1/patient.proto", "cds/v1/card.proto",
          "cds/v1/eligibility.proto", "cds/v1/dosing_schedule.proto", "cds/v1/triage.proto",
          "cds/v1/decision_support.proto", "cds/plugin/v1/plugin.proto"]
subprocess.run(["protoc", "-I", os.path.join(repo, "protos"), "--python_out", out] + protos,
               check=True)
sys.path.insert(0, out)
from google.protobuf import json_format  # noqa: E402
from cds.v1 import decision_support_pb2  # noqa: E402
from cds.plugin.v1 import plugin_pb2  # noqa: E402

plugin_index = {"eligibility": 0, "dosing_schedule": 1, "side_effect_triage": 2}
request_dir = os.path.join(repo, "tests/fuzz/corpus/fuzz_evaluate_request")
plugin_dir = os.path.join(repo, "tests/fuzz/corpus/fuzz_plugin_evaluate")
for folder, index in plugin_index.items():
    for path in sorted(glob.glob(os.path.join(repo, "examples", folder, "*.json"))):
        if path.endswith(".expect.json"):
            continue
        name = os.path.basename(path)[:-5]
        with open(path) as f:
            request = json_format.Parse(f.read(), decision_support_pb2.EvaluateRequest())
        with open(os.path.join(request_dir, f"{folder}-{name}.bin"), "wb") as f:
            f.write(b"\x00" + request.SerializeToString())
        evaluate_input = plugin_pb2.EvaluateInput(
            hook=request.hook, hook_instance=request.hook_instance,
            evaluation_date=request.evaluation_date or "2026-01-15",
            service_id="fuzz", evaluation_id="00000000-0000-4000-8000-000000000000")
        evaluate_input.patient.CopyFrom(request.patient)
        evaluate_input.draft_orders.extend(request.draft_orders)
        if request.HasField("evaluation_time"):
            evaluate_input.evaluation_time.CopyFrom(request.evaluation_time)
        else:
            evaluate_input.evaluation_time.FromJsonString("2026-01-15T10:00:00Z")
        with open(os.path.join(plugin_dir, f"{folder}-{name}.bin"), "wb") as f:
            f.write(bytes([index]) + evaluate_input.SerializeToString())
print(f"seeds written to {request_dir} and {plugin_dir}")
