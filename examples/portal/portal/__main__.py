"""python3 -m portal --store demo-out/portal.db [--host H] [--port P]"""

import argparse
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
    app = create_app(args.store)
    print(f"Schedule portal on http://{args.host}:{args.port}/", flush=True)
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
