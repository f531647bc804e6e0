"""The demo directory: the cast seed.py writes to the store and the portal
reads back for the user switcher and the clients a form may offer.

The host owns its directory. The library keeps users, roles and grants,
but the bindings have no call listing the clients a user may access, so
the portal asks the host's directory (this module, in the demo) and never
offers a client the acting user was not granted.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from engsched import BuiltinRole


@dataclass(frozen=True)
class Client:
    """A client of the host's directory."""

    key: str  #: the host key (engsched's client host_key)
    name: str


@dataclass(frozen=True)
class Person:
    """A user of the host's directory and the clients they were granted."""

    key: str  #: the host key (engsched's user host_key)
    name: str
    role: BuiltinRole
    all_clients: bool
    clients: Tuple[str, ...] = ()  #: host keys of the granted clients

    @property
    def email(self) -> str:
        """Where the demo's invitations would go."""
        return f"{self.key}@example.com"


@dataclass(frozen=True)
class Directory:
    """The host's directory as the portal needs it: the clients, and the
    people in the order the user switcher offers them."""

    clients: Tuple[Client, ...]
    people: Tuple[Person, ...]

    def person(self, key: str) -> Optional[Person]:
        """The person with host key ``key``, None if the directory has none."""
        return next((p for p in self.people if p.key == key), None)

    def clients_of(self, key: str) -> Tuple[Client, ...]:
        """The clients the person ``key`` may work for, in directory order:
        every client for an all-clients user, none for a stranger."""
        person = self.person(key)
        if person is None:
            return ()
        if person.all_clients:
            return self.clients
        return tuple(c for c in self.clients if c.key in person.clients)


ACME, GLOBEX = "acme", "globex"

#: the demo cast (the README's table); seed.py writes it to the store
DEMO_DIRECTORY = Directory(
    clients=(Client(ACME, "Acme Corp"), Client(GLOBEX, "Globex")),
    people=(
        Person("mia", "Mia Manager", BuiltinRole.MANAGER, True),
        Person("max", "Max Acme-Manager", BuiltinRole.MANAGER, False, (ACME,)),
        Person("ada", "Ada Admin", BuiltinRole.ADMINISTRATOR, True),
        Person("alice", "Alice Operator", BuiltinRole.OPERATOR, False, (ACME,)),
        Person("bob", "Bob Operator", BuiltinRole.OPERATOR, False, (ACME,)),
        Person("omar", "Omar Operator", BuiltinRole.OPERATOR, False, (ACME, GLOBEX)),
        Person("carl", "Carl Client", BuiltinRole.CLIENT, False, (ACME,)),
        Person("vera", "Vera Viewer", BuiltinRole.VIEWER, False, (ACME,)),
    ),
)
