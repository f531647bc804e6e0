"""The demo cast, shared by seed.py and the user switcher.

The host's directory would supply users; the portal only needs to know
which host keys the switcher offers. The store itself holds the users.
"""

from typing import Tuple

#: host keys of the clients the request forms offer (the bindings have no
#: call listing clients: the host owns its directory)
DEMO_CLIENTS: Tuple[str, ...] = ("acme", "globex")

#: host keys of the users the switcher offers, in its order
DEMO_USERS: Tuple[str, ...] = ("mia", "max", "ada", "alice", "bob", "omar", "carl", "vera")
