#!/usr/bin/env python3
"""Type-checks the Grafana dashboards against Grafana's own schema (the npm package
`@grafana/schema`): each dashboard becomes a TypeScript constant of type `Dashboard`, and
`tsc --strict` must accept it. Unknown fields, missing required ones and wrong types fail.

The packages are installed into target/test-tools/grafana-schema on first use.
"""

import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, "target", "test-tools", "grafana-schema")
PACKAGES = ["@grafana/schema@13.2.3", "typescript@5.9.3"]


def fail(message):
    print(f"dashboards: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if shutil.which("npm") is None:
        fail("npm is missing: apt-get install nodejs npm (scripts/test.sh does it as root)")
    os.makedirs(TOOLS, exist_ok=True)
    if not os.path.exists(os.path.join(TOOLS, "node_modules", "@grafana", "schema")):
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", TOOLS, *PACKAGES],
            check=True,
        )
    lines = ['import type { Dashboard } from "@grafana/schema";']
    boards = os.path.join(ROOT, "dashboards")
    names = sorted(name for name in os.listdir(boards) if name.endswith(".json"))
    if not names:
        fail("no dashboards in dashboards/")
    for index, name in enumerate(names):
        with open(os.path.join(boards, name)) as source:
            dashboard = json.load(source)
        lines.append(f"// {name}\nexport const dashboard{index}: Dashboard = {json.dumps(dashboard, indent=1)};")
    check = os.path.join(TOOLS, "check.ts")
    with open(check, "w") as target:
        target.write("\n".join(lines) + "\n")
    tsc = os.path.join(TOOLS, "node_modules", ".bin", "tsc")
    result = subprocess.run(
        [tsc, "--noEmit", "--strict", "--skipLibCheck", "--moduleResolution", "bundler",
         "--module", "esnext", "--target", "es2020", check],
        cwd=TOOLS, capture_output=True, text=True,
    )
    if result.returncode != 0:
        fail(f"the dashboards do not match Grafana's schema:\n{result.stdout}{result.stderr}")
    print(f"dashboards: {len(names)} dashboards match @grafana/schema")


if __name__ == "__main__":
    main()
