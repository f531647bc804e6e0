"""Reading the library's streamed views (calendar, availability,
candidates) into lists, closing the C cursor at once."""

from typing import List, Protocol, TypeVar

T = TypeVar("T", covariant=True)


class Stream(Protocol[T]):
    """What the bindings' stream iterators offer."""

    def __next__(self) -> T: ...

    def close(self) -> None: ...


def drain(stream: Stream[T]) -> List[T]:
    """Every item of ``stream``; the stream is closed afterwards."""
    items: List[T] = []
    try:
        while True:
            items.append(next(stream))
    except StopIteration:
        return items
    finally:
        stream.close()
