#!/usr/bin/env python3
"""Writes the Chebyshev coefficients of Gaussian.cs (the erfc tail) between its '// <erfc-tail>' markers.

For t >= 1, erfc(t) = exp(-t^2) / (t sqrt(pi)) * K(1/t), where K(s) = sqrt(pi) t exp(t^2) erfc(t) is smooth on
s in [1/11, 1] (K -> 1 as t -> infinity). K is interpolated at Chebyshev nodes with Python's math.erfc (double, about
1 ulp) as the reference; the printed maximum relative error over 4001 points is the fit's (about 1e-12, far below
float32's 6e-8). Run:
    python3 src/Emulator.Nn/Numerics/generate_erfc.py
"""
import math
import os
import re

LO, HI, N = 1.0 / 11.0, 1.0, 22


def k(s):
    t = 1.0 / s
    return math.sqrt(math.pi) * t * math.exp(t * t) * math.erfc(t)


nodes = [math.cos(math.pi * (j + 0.5) / N) for j in range(N)]
values = [k(0.5 * (HI - LO) * x + 0.5 * (HI + LO)) for x in nodes]
coef = [(2.0 / N) * sum(values[j] * math.cos(math.pi * i * (j + 0.5) / N) for j in range(N)) for i in range(N)]
coef[0] *= 0.5  # Clenshaw in Gaussian.cs sums c0 + sum c_i T_i


def clenshaw(s):
    x = (2.0 * s - LO - HI) / (HI - LO)
    b1 = b2 = 0.0
    for c in reversed(coef[1:]):
        b1, b2 = 2.0 * x * b1 - b2 + c, b1
    return x * b1 - b2 + coef[0]


worst = max(abs(clenshaw(s) / k(s) - 1.0) for s in (LO + (HI - LO) * i / 4000 for i in range(4001)))
print(f"max relative error of the fit on [1/11, 1]: {worst:.3g}")

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Gaussian.cs")
text = open(path, encoding="utf-8").read()
lines = "\n".join(f"        {c!r}," for c in coef)
text, count = re.subn(r"(// <erfc-tail>).*?(\n\s*// </erfc-tail>)", lambda m: m.group(1) + "\n" + lines + m.group(2), text, flags=re.S)
assert count == 1, "markers not found in Gaussian.cs"
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write(text)
print("wrote Gaussian.cs")
