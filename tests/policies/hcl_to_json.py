"""Print the given .tf files as JSON (python-hcl2). Run with checkov's interpreter, which ships hcl2."""

import json
import sys

import hcl2

documents = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        documents[path] = hcl2.load(handle)
print(json.dumps(documents))
