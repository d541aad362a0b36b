"""gunicorn settings for ``wsgi:app`` (see docs/deployment.md).

gunicorn reads this file itself when started from the project's folder;
scripts/serve.sh names it. Settings on the command line win over these.
"""

# Threaded workers: a client sending its body slowly holds one thread, not the
# whole worker, so a few slow clients cannot stop /healthz or a render.
worker_class = "service.gunicorn_worker.JsonErrorWorker"
workers = 2
threads = 16

# The access log never shows what can carry a secret: no Basic-auth user name
# (%(u)s), no query string (%(r)s, %(q)s), no Authorization or other request
# headers, no referrer. Address, time, method, path, protocol, status, bytes,
# duration in ms.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# gunicorn's own limits on the request head (it answers them in JSON: 414, 431).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# No control socket: the service needs no runtime control, and several servers
# on one machine would otherwise share $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True
