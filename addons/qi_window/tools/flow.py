"""A context marker for writes that only the service flow may make.

Some fields (deadlines granted, overdue flags, decisions) are set by server
code after its own checks, never by hand. A plain ``True`` in the context
would not do: an RPC caller sends any context it likes. ``FLOW`` is an object
that JSON cannot carry, so only server code can put it there.
"""


class _FlowToken:
    __slots__ = ()

    def __repr__(self):
        return "<qi service flow>"


FLOW = _FlowToken()


def in_flow(env, key):
    """True in superuser mode or when server code marked the write with FLOW."""
    return env.su or env.context.get(key) is FLOW
