#!/usr/bin/env python3
"""Cross-checks protobuf bytes with Python's official protobuf runtime.

The message class for bizing.conformance.v1.Everything is built at run time
from conformance.proto (compiled by protoc into a descriptor set), so no
generated Python code is needed.

  pbcheck.py golden CASE.txtpb GOLDEN.bin
      Used by scripts/make-golden. Parses the text case and the bytes protoc
      wrote for it; both must give the same message.

  pbcheck.py check GOLDEN.bin CANDIDATE.bin
      Parses both; they must be the same message. Prints "identical" or
      "different" (are the raw bytes the same?) on success.

  pbcheck.py check-dir GOLDEN_DIR CANDIDATE_DIR
      Used by ConformanceTests.swift: `check` for every CANDIDATE_DIR/<case>.bin
      against GOLDEN_DIR/<case>.bin in one run (Python's start-up is most of
      the cost). Prints a JSON object {case: {"ok", "identical", "detail"}}
      and exits 0 even when cases differ: the caller judges each case.

"The same message" means == and the same deterministic serialization (by
Python). Raw bytes are not compared with protoc's: Python's (upb's)
deterministic map order is not protoc's (protobuf 7.36's upb writes string
keys sorted but "" last, integer keys in descending unsigned order, where
protoc sorts every key type ascending), and protobuf defines no canonical
byte form.

Exit status: 0 same, 1 different, 2 usage or parse error, 3 missing tools.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "conformance.proto"
MESSAGE = "bizing.conformance.v1.Everything"

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format
except ImportError:
    print("pbcheck: Python's protobuf package is missing; run scripts/test to install it", file=sys.stderr)
    sys.exit(3)


def message_class():
    protoc = shutil.which("protoc")
    if protoc is None:
        print("pbcheck: protoc is missing; run scripts/test to install it", file=sys.stderr)
        sys.exit(3)
    includes = ["-I", HERE]
    if os.path.isdir("/usr/include/google/protobuf"):
        includes += ["-I", "/usr/include"]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "conformance.desc")
        subprocess.run(
            [protoc, *includes, "--include_imports", f"--descriptor_set_out={out}", os.path.join(HERE, PROTO)],
            check=True,
        )
        with open(out, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:  # --include_imports lists dependencies first
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(MESSAGE))


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Rejected(Exception):
    pass


def parse(cls, data, what):
    message = cls()
    try:
        message.ParseFromString(data)
    except Exception as error:  # DecodeError, or anything upb raises
        raise Rejected(f"Python protobuf rejects {what}: {error}")
    return message


def same(a, b):
    return a == b and a.SerializeToString(deterministic=True) == b.SerializeToString(deterministic=True)


def text(label, message):
    body = text_format.MessageToString(message, as_utf8=True)
    if len(body) > 4000:
        body = body[:4000] + "\n... (truncated)"
    return f"--- {label}\n{body}"


def compare(cls, golden_raw, candidate_raw):
    """None when the candidate is the golden message, else what differs."""
    try:
        golden = parse(cls, golden_raw, "the golden bytes")
        candidate = parse(cls, candidate_raw, "the candidate bytes")
    except Rejected as error:
        return str(error)
    if same(golden, candidate):
        return None
    return "the candidate bytes are not the golden message\n" + text("golden", golden) + "\n" + text("candidate", candidate)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("golden", "check", "check-dir"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, first, second = argv[1], argv[2], argv[3]
    cls = message_class()

    if mode == "golden":
        expected = cls()
        with open(first, encoding="utf-8") as f:
            text_format.Parse(f.read(), expected)
        try:
            actual = parse(cls, read(second), second)
        except Rejected as error:
            print(f"pbcheck: {error}", file=sys.stderr)
            return 2
        if not same(expected, actual):
            print(f"pbcheck: {second} does not decode (in Python) to the message of {first}", file=sys.stderr)
            print(text("text case", expected) + "\n" + text("golden bytes", actual), file=sys.stderr)
            return 1
        return 0

    if mode == "check":
        golden_raw, candidate_raw = read(first), read(second)
        detail = compare(cls, golden_raw, candidate_raw)
        if detail is not None:
            print(f"pbcheck: {detail}", file=sys.stderr)
            return 1
        print("identical" if golden_raw == candidate_raw else "different")
        return 0

    verdicts = {}
    for entry in sorted(os.listdir(second)):
        if not entry.endswith(".bin"):
            continue
        name = entry[: -len(".bin")]
        golden_path = os.path.join(first, entry)
        if not os.path.exists(golden_path):
            verdicts[name] = {"ok": False, "identical": False, "detail": f"no golden file {golden_path}"}
            continue
        golden_raw, candidate_raw = read(golden_path), read(os.path.join(second, entry))
        detail = compare(cls, golden_raw, candidate_raw)
        verdicts[name] = {"ok": detail is None, "identical": golden_raw == candidate_raw, "detail": detail or ""}
    print(json.dumps(verdicts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
