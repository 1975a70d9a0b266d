"""gunicorn settings, read from the environment (`gunicorn -c gunicorn.conf.py archive.wsgi`).

GUNICORN_BIND     address to listen on (default 127.0.0.1:8000; a proxy in front serves the world)
WEB_CONCURRENCY   worker processes (default 2 × CPU cores + 1)
GUNICORN_THREADS  threads per worker (default 1)
GUNICORN_TIMEOUT  seconds before a silent worker is restarted (default 60)
GUNICORN_MAX_REQUESTS  recycle a worker after this many requests, ±10% (default 2000; 0 = never)
FORWARDED_ALLOW_IPS    proxies whose X-Forwarded-* headers are trusted (default 127.0.0.1)
GUNICORN_ACCESS_LOG    "-" for stdout (default), a file path, or "off"
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
ACCESS_LOG = os.environ.get("GUNICORN_ACCESS_LOG", "-")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None if ACCESS_LOG in ("", "off") else ACCESS_LOG
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
wsgi_app = "archive.wsgi:application"
# Refuse oversized request lines and headers early (uploads go in the body, checked by Django).
limit_request_line = 8190
limit_request_fields = 100
# gunicorn's control socket (a per-user ~/.gunicorn/gunicorn.ctl) is not used, and would be shared
# by every server one user starts (the tests start several).
control_socket_disable = True
