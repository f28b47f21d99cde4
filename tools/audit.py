"""`make audit`: pip-audit over the installed environment, failing loudly when it cannot audit.

pip-audit asks a vulnerability service about every installed package. When the service cannot
be reached it reports each package as "not found" and still exits 0, having audited nothing; this
wrapper checks the service first and treats any package left unaudited as a failure.
Exit codes: 0 clean, 1 vulnerabilities found, 2 could not audit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from typing import Any

OWN_PROJECT = "kyr-bot"  # installed editable: not on PyPI, skipped on purpose
TIMEOUT = 15


def _probe(url: str, body: bytes | None = None) -> str | None:
    """None when ``url`` answers 200, otherwise why not."""
    headers = {"Content-Type": "application/json"} if body else {}
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - fixed https
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return None if response.status == 200 else f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return f"unreachable ({getattr(error, 'reason', error)})"


def service() -> str | None:
    """The pip-audit service that answers from here ("pypi" or "osv"), or None after explaining."""
    own = version("pip-audit")
    pypi = f"https://pypi.org/pypi/pip-audit/{own}/json"
    problem = _probe(pypi)
    if problem is None:
        return "pypi"
    osv = "https://api.osv.dev/v1/query"
    query = json.dumps({"package": {"name": "pip-audit", "ecosystem": "PyPI"}, "version": own})
    osv_problem = _probe(osv, query.encode())
    if osv_problem is None:
        return "osv"
    sys.stderr.write(
        "make audit: FAILED, nothing was audited: no vulnerability service pip-audit uses is "
        "reachable from this machine.\n"
        f"  PyPI's per-release JSON API ({pypi}): {problem}\n"
        f"  OSV ({osv}): {osv_problem}\n"
        "Without one of them pip-audit reports every package as 'not found on PyPI' and exits 0.\n"
        "Run `make audit` where one of them is reachable.\n")
    return None


def main() -> int:
    """Audit, summarize, and choose the exit code."""
    chosen = service()
    if chosen is None:
        return 2
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "pip_audit", "--format", "json", "--skip-editable",
         "--progress-spinner", "off", "--desc", "off", "--vulnerability-service", chosen],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        sys.stderr.write(f"make audit: pip-audit failed:\n{done.stderr}{done.stdout}\n")
        return 2
    lines, code = verdict(report, chosen)
    print("\n".join(lines))
    return code


def verdict(report: dict[str, Any], service_name: str) -> tuple[list[str], int]:
    """Lines to print and the exit code for pip-audit's JSON report."""
    deps = report["dependencies"]
    skipped = [d for d in deps if "skip_reason" in d and d["name"] != OWN_PROJECT]
    vulnerable = [d for d in deps if d.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    lines += [f"{d['name']}: NOT AUDITED: {d['skip_reason']}" for d in skipped]
    audited = len(deps) - len(skipped) - sum(d["name"] == OWN_PROJECT for d in deps)
    lines.append(f"make audit: {audited} packages audited against {service_name}, "
                 f"{len(vulnerable)} vulnerable, {len(skipped)} not audited")
    if vulnerable:
        return lines, 1
    return lines, 2 if skipped or not audited else 0


if __name__ == "__main__":
    raise SystemExit(main())
