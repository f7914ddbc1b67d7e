"""Integer counts that reproduce rounded figures: fitting a numerator (and denominator) to a
published rate, and allocating an integer total over units so that the parts sum exactly."""

from __future__ import annotations

import math


def hits(num: float, den: float, target: float, dec: int = 1, scale: float = 100.0,
         margin: float = 1e-6) -> bool:
    """round(scale*num/den, dec) == target, with a margin away from the rounding boundary."""
    if den <= 0:
        return False
    return abs(scale * num / den - target) < 0.5 * 10 ** -dec - margin


def fit_num(target: float, den: int, dec: int = 1, margin: float = 1e-6) -> int | None:
    base = round(target * den / 100)
    for n in (base, base - 1, base + 1):
        if 0 <= n <= den and hits(n, den, target, dec, margin=margin):
            return n
    return None


def fit_rate(target: float, size: int, dec: int = 1, margin: float = 1e-6) -> tuple[int, int]:
    """Integer (numerator, denominator) with the denominator as near `size` as possible whose
    rate rounds to `target`."""
    for k in range(0, 10 * size + 10):
        for den in (size + k, size - k) if k else (size,):
            if den > 0:
                n = fit_num(target, den, dec, margin)
                if n is not None:
                    return n, den
    raise ValueError(f"no fraction for {target} near {size}")


def lr(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder allocation of an integer total in proportion to weights."""
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def alloc_nums(total: int, dens: list[int], rates: list[float], fixed: dict[int, int] | None = None,
               caps: list[int] | None = None) -> list[int]:
    """Integer numerators per unit, summing exactly to `total`: anchored units keep their fixed
    numerator, the others follow `rates` (percent) scaled by one common factor."""
    fixed = fixed or {}
    caps = caps if caps is not None else list(dens)
    free = [i for i in range(len(dens)) if i not in fixed]
    rest = total - sum(fixed.values())
    raw = {i: rates[i] * dens[i] / 100 for i in free}
    s = sum(raw.values())
    x = {i: (raw[i] * rest / s if s else 0.0) for i in free}
    out = {i: min(caps[i], max(0, math.floor(x[i]))) for i in free}
    gap = rest - sum(out.values())
    order = sorted(free, key=lambda i: (-(x[i] - math.floor(x[i])), i))
    guard = 0
    while gap != 0:
        guard += 1
        if guard > 100000:
            raise ValueError("cannot allocate numerators")
        step = 1 if gap > 0 else -1
        moved = False
        for i in order:
            if gap == 0:
                break
            if (step > 0 and out[i] < caps[i]) or (step < 0 and out[i] > 0):
                out[i] += step
                gap -= step
                moved = True
        if not moved:
            raise ValueError("cannot allocate numerators within caps")
    res = [0] * len(dens)
    for i, v in fixed.items():
        res[i] = v
    for i, v in out.items():
        res[i] = v
    return res


def rate(n: float, d: float) -> float:
    return 100.0 * n / d if d else float("nan")


def pct(n: float, d: float) -> float:
    """A percentage, 0 for an empty denominator (the housing areas' shares)."""
    return 100.0 * n / d if d else 0.0
