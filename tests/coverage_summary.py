"""Prints the line and branch coverage of each shipped assembly from coverlet's Cobertura reports (one per test
project; .ci/run passes their paths). A figure for CI's log, not a gate: the exit status is 0 whatever the coverage."""
import os
import sys
import xml.etree.ElementTree as ET

for path in sys.argv[1:]:
    # tests/<test project>/TestResults/<run id>/coverage.cobertura.xml
    project = path.split(os.sep)[1] if path.startswith("tests" + os.sep) else path
    for package in ET.parse(path).getroot().iter("package"):
        # A class lists its lines once under <lines>; its <methods> repeat them, so only the class's own list counts.
        lines = [line for cls in package.iter("class") for line in cls.findall("lines/line")]
        covered = sum(1 for line in lines if int(line.get("hits", "0")) > 0)
        print(f"coverage {package.get('name')} (by {project}): lines {float(package.get('line-rate', 0)):.1%}"
              f" ({covered:,} of {len(lines):,}), branches {float(package.get('branch-rate', 0)):.1%}")
