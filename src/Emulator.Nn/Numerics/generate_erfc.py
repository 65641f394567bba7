#!/usr/bin/env python3
"""Writes the polynomial coefficients of Gaussian.cs (the erfc tail) between its '// <erfc-tail>' markers.

For t >= 1, erfc(t) = exp(-t^2) / (t sqrt(pi)) * K(1/t), where K(s) = sqrt(pi) t exp(t^2) erfc(t) is smooth on
s in [1/11, 1] (K -> 1 as t -> infinity). K is interpolated at 18 Chebyshev nodes with Python's math.erfc (double, about
1 ulp) as the reference, and the interpolant is converted exactly (rational arithmetic) to monomials in
x = (2s - 1/11 - 1) / (1 - 1/11) in [-1, 1], which Gaussian.cs evaluates as even and odd halves (DoubleMath.Polynomial).
The printed maximum relative error over 4001 points is the fit's (about 3e-12, far below float32's 6e-8). Run:
    python3 src/Emulator.Nn/Numerics/generate_erfc.py
"""
import math
import os
import re
from fractions import Fraction

LO, HI, N = 1.0 / 11.0, 1.0, 18


def k(s):
    t = 1.0 / s
    return math.sqrt(math.pi) * t * math.exp(t * t) * math.erfc(t)


nodes = [math.cos(math.pi * (j + 0.5) / N) for j in range(N)]
values = [k(0.5 * (HI - LO) * x + 0.5 * (HI + LO)) for x in nodes]
cheb = [(2.0 / N) * sum(values[j] * math.cos(math.pi * i * (j + 0.5) / N) for j in range(N)) for i in range(N)]
cheb[0] *= 0.5

# T_i as exact monomials, then the series in monomials
T = [[Fraction(1)], [Fraction(0), Fraction(1)]]
for i in range(2, N):
    a = [Fraction(0)] + [2 * v for v in T[i - 1]]
    b = T[i - 2] + [Fraction(0)] * (len(a) - len(T[i - 2]))
    T.append([p - q for p, q in zip(a, b)])
mono = [Fraction(0)] * N
for i in range(N):
    for j, v in enumerate(T[i]):
        mono[j] += Fraction(cheb[i]) * v
coef = [float(v) for v in mono]


def polynomial(x):  # as DoubleMath.Polynomial: even and odd halves by Horner in x^2
    x2 = x * x
    even = odd = 0.0
    for c in reversed(coef[0::2]):
        even = even * x2 + c
    for c in reversed(coef[1::2]):
        odd = odd * x2 + c
    return even + x * odd


worst = max(abs(polynomial((2 * s - LO - HI) / (HI - LO)) / k(s) - 1.0) for s in (LO + (HI - LO) * i / 4000 for i in range(4001)))
print(f"max relative error of the fit on [1/11, 1]: {worst:.3g}")

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Gaussian.cs")
text = open(path, encoding="utf-8").read()
lines = "\n".join(f"        {c!r}," for c in coef)
text, count = re.subn(r"(// <erfc-tail>).*?(\n\s*// </erfc-tail>)", lambda m: m.group(1) + "\n" + lines + m.group(2), text, flags=re.S)
assert count == 1, "markers not found in Gaussian.cs"
with open(path, "w", encoding="utf-8", newline="\n") as f:
    f.write(text)
print("wrote Gaussian.cs")
