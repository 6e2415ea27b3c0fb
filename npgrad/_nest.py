"""TensorFlow's ``nest`` rules: flatten and pack nested structures.

Lists, tuples, namedtuples and dicts are containers (dicts flatten in sorted
key order); everything else is a leaf.  Packing rebuilds the same container
types.
"""


def is_container(x):
    return isinstance(x, (list, tuple, dict))


def flatten(struct):
    """Leaves of ``struct`` in nest order."""
    if _flat(struct):
        return list(struct)         # the common flat list of arrays
    out = []
    _flatten_into(struct, out)
    return out


def _flatten_into(struct, out):
    if isinstance(struct, dict):
        for k in sorted(struct):
            _flatten_into(struct[k], out)
    elif isinstance(struct, (list, tuple)):
        for s in struct:
            _flatten_into(s, out)
    else:
        out.append(struct)


def _flat(struct):
    """A list or tuple of leaves only (the common case, packed without recursion)."""
    return (type(struct) is list or type(struct) is tuple) and not any(
        isinstance(s, (list, tuple, dict)) for s in struct)


def pack(struct, leaves):
    """Rebuild ``struct``'s containers around ``leaves`` (an iterable)."""
    if _flat(struct):
        return type(struct)(leaves)
    it = iter(leaves)
    return _pack(struct, it)


def _pack(struct, it):
    if isinstance(struct, dict):
        packed = {k: _pack(struct[k], it) for k in sorted(struct)}
        return type(struct)((k, packed[k]) for k in struct) if type(struct) is not dict \
            else {k: packed[k] for k in struct}
    if isinstance(struct, tuple):
        items = [_pack(s, it) for s in struct]
        if hasattr(struct, "_fields"):        # namedtuple
            return type(struct)(*items)
        return type(struct)(items) if type(struct) is not tuple else tuple(items)
    if isinstance(struct, list):
        return [_pack(s, it) for s in struct]
    return next(it)


def map_structure(fn, struct):
    if not isinstance(struct, (list, tuple, dict)):
        return fn(struct)
    if _flat(struct):
        return type(struct)(fn(x) for x in struct)
    return pack(struct, [fn(x) for x in flatten(struct)])
