"""python3 -m portal --store demo-out/portal.db [--host H] [--port P]"""

import argparse
import logging
import os
import sys

from . import create_app


def main() -> int:
    parser = argparse.ArgumentParser(prog="portal", description="The Schedule portal")
    parser.add_argument("--store", required=True, help="the SQLite store (seed.py makes one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ENGSCHED_PORTAL_PORT",
                                                                        "8080")))
    args = parser.parse_args()
    # Before the store opens: the library's log (logger "engsched") follows
    # that logger's level, and the portal's own errors go to the same place.
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO)  # keep the request log
    app = create_app(args.store)
    print(f"Schedule portal on http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
