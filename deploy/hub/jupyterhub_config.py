"""JupyterHub for this course on one server (docs/classroom.md).

Real Unix users log in with their own password (PAM); each one's JupyterLab runs as that user
(LocalProcessSpawner), from the hub environment `make install-hub` builds (HUB_VENV: Debian's
Python, this course's packages, nbgrader, jupyterhub and configurable-http-proxy). nbgrader's
exchange is the folder deploy/hub/nbgrader_config.py names (/srv/nbgrader/exchange), set up by
deploy/hub/setup-exchange.sh. Run it as root, from the hub environment:

    mkdir -p /srv/jupyterhub && cd /srv/jupyterhub
    /opt/backprop-hub/bin/jupyterhub -f /path/to/deploy/hub/jupyterhub_config.py

Everything below is the deployment's; a file of your own can start with
`load_subconfig("/path/to/deploy/hub/jupyterhub_config.py")` and change what differs (the test,
tests/test_hub.py, does so to use a temporary state folder and free loopback ports).
"""
import sys
from pathlib import Path

HUB_ENV = Path(sys.prefix)
"""The environment jupyterhub runs from (make install-hub's HUB_VENV): the users' servers and the
proxy come from it too."""
STATE = Path("/srv/jupyterhub")
"""The hub's own state: its database, cookie secret and the proxy's pid file (root's alone)."""
COURSE_GROUP = "backprop"
"""The Unix group of the course's students and instructor: only they may log in."""

c = get_config()  # noqa: F821  (jupyterhub provides it)

# Served on the loopback interface: put a TLS reverse proxy (nginx, Caddy) in front, or set
# c.JupyterHub.ssl_cert / ssl_key and bind_url = "https://:443".
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [str(HUB_ENV / "bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# Stopping the hub stops every user's server (nothing of a user keeps running unseen).
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Who: the machine's own users and passwords, only those of the course's group.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {COURSE_GROUP}
c.PAMAuthenticator.open_sessions = False

# Each user's JupyterLab, as that Unix user, in their home folder, from the hub environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(HUB_ENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PATH": f"{HUB_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
