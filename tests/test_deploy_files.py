"""The Dockerfile and the Kubernetes manifest agree with the bot and with each other.

Neither is built nor applied here (no container runtime, no cluster): the manifest is checked
against the Kubernetes API schemas, both are checked against the bot's own routes and settings,
the files the image copies are shown to be enough for the bot, and the image's health check is
run against a real webhook replica.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.config import ROOT, Config
from bot.telegram.webhook import WEBHOOK_PATH
from tests.e2e import TOKEN, BotProcess, free_port
from tests.fake_telegram.client import FakeTelegram

DOCKERFILE = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")  # one line per instruction
MANIFEST = [d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text()) if d]
SECRET_SETTINGS = {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET"}
KUBERNETES_VERSION = "1.30"


def resource(kind: str) -> dict[str, Any]:
    [found] = [d for d in MANIFEST if d["kind"] == kind]
    return found


def container(kind: str) -> dict[str, Any]:
    [only] = resource(kind)["spec"]["template"]["spec"]["containers"]
    return only


def env(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in c["env"]}


def dockerfile_json(instruction: str) -> list[str]:
    """The JSON-form arguments of the (last) ``CMD`` or ``HEALTHCHECK … CMD`` line."""
    found = re.findall(rf"^{instruction}\b.*?(\[.*\])\s*$", DOCKERFILE, re.M)
    assert found, f"no {instruction} in JSON form"
    return list(json.loads(found[-1]))


def settings_the_bot_reads() -> set[str]:
    source = (ROOT / "bot" / "config.py").read_text()
    return set(re.findall(r'env(?:\.get\(|, )"([A-Z_]+)"', source))


@pytest.mark.parametrize("doc", MANIFEST, ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_manifest_matches_the_kubernetes_schemas(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_three_replicas_serve_and_only_the_job_registers_the_webhook() -> None:
    assert resource("Deployment")["spec"]["replicas"] == 3
    assert container("Deployment")["command"] == ["python", "-m", "bot", "run", "--webhook"]
    assert dockerfile_json("CMD") == container("Deployment")["command"]
    assert container("Job")["command"] == ["python", "-m", "bot", "set-webhook"]
    url = env(container("Job"))["WEBHOOK_URL"]["value"]
    assert url.startswith("https://") and url.endswith(WEBHOOK_PATH)


def test_probes_and_service_reach_the_health_route_on_the_bots_port() -> None:
    c = container("Deployment")
    [port] = c["ports"]
    assert str(port["containerPort"]) == env(c)["PORT"]["value"]
    assert env(c)["HOST"]["value"] == "0.0.0.0"  # noqa: S104 - the kubelet probes the pod IP
    for probe in ("readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    [service_port] = resource("Service")["spec"]["ports"]
    assert service_port["targetPort"] == port["name"]


def test_token_and_secret_come_only_from_the_secret() -> None:
    for kind in ("Deployment", "Job"):
        variables = env(container(kind))
        for name in SECRET_SETTINGS:
            assert "value" not in variables[name]
            assert variables[name]["valueFrom"]["secretKeyRef"] == {"name": "kyr-bot", "key": name}
        assert container(kind)["resources"]["limits"].keys() == {"cpu", "memory"}
    assert TOKEN.split(":")[1] not in DOCKERFILE and "TELEGRAM_BOT_TOKEN=" not in DOCKERFILE


def test_every_setting_named_is_one_the_bot_reads() -> None:
    named = {name for kind in ("Deployment", "Job") for name in env(container(kind))}
    for line in re.findall(r"^ENV (.+)$", DOCKERFILE, re.M):
        named |= {n for n in re.findall(r"([A-Z_]+)=", line) if not n.startswith(("PYTHON", "PIP_"))}
    assert {"HOST", "PORT"} <= named
    assert named - settings_the_bot_reads() == set()


def test_image_runs_as_a_user_and_checks_its_health() -> None:
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, re.M)
    user = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert str(resource("Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsUser"]) \
        == user[-1]


def test_the_files_the_image_copies_are_enough_for_the_bot(tmp_path: Path) -> None:
    for line in re.findall(r"^COPY (.+)$", DOCKERFILE, re.M):
        *sources, dest = line.split()
        for source in sources:
            origin, target = ROOT / source, tmp_path / dest / (Path(source).name if dest.endswith("/")
                                                              else "")
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(origin, target)
    done = subprocess.run([sys.executable, "-m", "bot", "check"], cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert str(tmp_path) in subprocess.run(
        [sys.executable, "-c", "import bot.config; print(bot.config.ROOT)"], cwd=tmp_path,
        capture_output=True, text=True, check=True).stdout  # the copy was checked, not the repo


def test_nginx_and_the_bot_agree_on_the_largest_update() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^\s*client_max_body_size 1m;$", nginx, re.M)
    assert Config().max_body_bytes >= 1 << 20


@pytest.mark.e2e
def test_the_images_health_check_passes_on_a_replica_and_fails_without_one(tmp_path: Path) -> None:
    check = dockerfile_json("HEALTHCHECK")
    assert check[0] == "python"
    with FakeTelegram.start(TOKEN) as tg:
        replica = BotProcess(tg, tmp_path / "bot.log", webhook=True, register=False)
        try:
            replica.wait_ready(tg, webhook=True)
            for port, ok in ((replica.port, True), (free_port(), False)):
                done = subprocess.run([sys.executable, *check[1:]], env={"PORT": str(port)},
                                      capture_output=True, timeout=30, check=False)
                assert (done.returncode == 0) is ok
        finally:
            replica.stop()
