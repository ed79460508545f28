"""Whether ``expsvc serve`` can listen where it was told, asked before it prints anything."""

from __future__ import annotations

import errno
import socket


def listen_problem(host: str, port: int) -> str | None:
    """One line saying why ``host:port`` cannot be listened on, or None when it can.

    The address is bound (with ``SO_REUSEADDR``, as uvicorn binds) and released at once:
    a port another server listens on is refused, one only in TIME_WAIT is not.
    """
    where = f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        return f"cannot listen on {where}: {error.strerror} (see --host / EXPSVC_HOST)"
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (another expsvc serve?); "
                    "stop it or choose another port with --port / EXPSVC_PORT"
                )
            return f"cannot listen on {where}: {error.strerror or error}"
    return None
