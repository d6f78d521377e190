"""``sarcostat serve``: the local web app (upload, map, validate, plan, run, report)."""

from __future__ import annotations

NAME = "serve"
HELP = "start the local web app in your browser (data stays on this computer)"
ORDER = 90
DESCRIPTION = (
    "Start a web app on this computer and open it in the browser: upload a cohort, map its "
    "columns, see the validation, choose the plan, run the analysis and read the report, "
    "download every output as a ZIP; also ELISA plates and classification. It listens on "
    "127.0.0.1 only (another address only with --host), and every request needs the access "
    "token in the address printed at start. Uploads and outputs live in a private temporary "
    "folder deleted when the app stops (Ctrl+C). See docs/web.md."
)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=8750,
        help="port to listen on (default: 8750; 0 = any free port)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only); another "
        "address lets other computers connect and prints a warning",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open the browser; just print the address"
    )
    parser.add_argument(
        "--max-upload-mb",
        type=float,
        default=200.0,
        metavar="MB",
        help="largest upload accepted, in megabytes (default: 200)",
    )


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host header values this server answers to (DNS-rebinding protection)."""
    names = {"127.0.0.1", "localhost", "[::1]", _url_host(host)}
    if host in ("0.0.0.0", "::"):
        import socket

        names.add(socket.gethostname())
        try:
            names.update(socket.gethostbyname_ex(socket.gethostname())[2])
        except OSError:
            pass
    return {f"{n.lower()}:{port}" for n in names}


def run(args) -> int:
    import secrets
    import socket
    import sys
    import threading

    from sarcostat.exceptions import ParameterError

    if not 0 <= args.port <= 65535:
        raise ParameterError(
            f"The '--port' option of serve must be between 0 and 65535. Got {args.port} instead."
        )
    if not args.max_upload_mb > 0:
        raise ParameterError(
            "The '--max-upload-mb' option of serve must be a positive number. "
            f"Got {args.max_upload_mb!r} instead."
        )
    try:
        import uvicorn  # noqa: F401

        from sarcostat.web.app import create_app
        from sarcostat.web.workspace import Workspace
    except ImportError as exc:  # pragma: no cover - the dependencies are required
        raise ParameterError(
            f"sarcostat serve needs the package '{exc.name}'; install it with pip."
        ) from None
    import uvicorn

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        sock.close()
        raise ParameterError(
            f"sarcostat serve cannot listen on {args.host}:{args.port} ({exc.strerror}); "
            "choose another --port (or --port 0 for any free one)."
        ) from None
    # Listen before the address is printed: a client that connects at once
    # waits in the backlog until the server accepts, instead of being refused.
    sock.listen(64)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    ws = Workspace()
    try:
        app = create_app(
            ws,
            token=token,
            allowed_hosts=allowed_hosts(args.host, port),
            max_upload_mb=args.max_upload_mb,
            cookie_name=f"sarcostat_token_{port}",
        )
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else _url_host(args.host)
        url = f"http://{shown}:{port}/?token={token}"
        if args.host not in LOOPBACK:
            print(
                f"WARNING: sarcostat serve is listening on {args.host}, not only on this "
                "computer: anyone who can reach this address and has the token can see the "
                "data you upload. Use it only on a network you trust.",
                file=sys.stderr,
            )
        print(
            f"sarcostat serve: open this address in your browser (it holds the access token):\n"
            f"    {url}\n"
            "Press Ctrl+C to stop; the uploaded files and outputs are then deleted.",
            flush=True,
        )
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        server = uvicorn.Server(config)
        if not args.no_browser:
            import webbrowser

            threading.Timer(0.5, lambda: webbrowser.open(url)).start()
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:
            # uvicorn shuts down gracefully on Ctrl+C, then raises the signal
            # again; stopping the app is what the user asked for, not an error.
            pass
    finally:
        sock.close()
        ws.close()
        print("sarcostat serve: stopped; the temporary files were deleted.", flush=True)
    return 0
