#!/usr/bin/env python3
"""Writes Posit8.cs and Posit32.cs from Posit16.cs, the one hand-written source of the posit number types.

Edit Posit16.cs (every operation lives in PositLayout; the struct only forwards), then run:
    python3 src/Emulator.Formats/Posit/generate.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
template = open(os.path.join(HERE, "Posit16.cs"), encoding="utf-8").read()

for n, storage in ((8, "byte"), (32, "uint")):
    s = template
    s = s.replace("Posit8.cs, Posit16.cs and Posit32.cs", "@FILES@")
    s = s.replace("// Posit16.cs is the source: Posit8.cs and Posit32.cs are written from it by generate.py (edit Posit16.cs, then run it).",
                  "// Generated from @SRC@ by generate.py: edit @SRC@, not this file.")
    s = s.replace("Posit16", f"Posit{n}")
    s = s.replace("posit&lt;16,2&gt;", f"posit&lt;{n},2&gt;")
    s = s.replace("new(16, 2)", f"new({n}, 2)")
    s = s.replace("The 16-bit code", f"The {n}-bit code")
    s = s.replace("(ushort)bits", "bits" if storage == "uint" else f"({storage})bits")
    s = s.replace("ushort", storage)
    s = s.replace("@FILES@", "Posit8.cs, Posit16.cs and Posit32.cs").replace("@SRC@", "Posit16.cs")
    with open(os.path.join(HERE, f"Posit{n}.cs"), "w", encoding="utf-8", newline="\n") as f:
        f.write(s)
    print(f"wrote Posit{n}.cs")
