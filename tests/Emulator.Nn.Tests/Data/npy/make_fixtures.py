#!/usr/bin/env python3
"""Writes the .npy fixtures of NpyFileTests with numpy (Debian python3-numpy 1.24). The tests do not need numpy."""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
base = np.arange(6).reshape(2, 3)
for dtype in ["u1", "i1", "i2", "i4", "i8", "f4", "f8", "f2", "c8"]:
    np.save(os.path.join(here, f"{dtype}.npy"), base.astype(dtype))
np.save(os.path.join(here, "f4-big-endian.npy"), base.astype(">f4"))
np.save(os.path.join(here, "i8-big-endian.npy"), base.astype(">i8"))
np.save(os.path.join(here, "fortran.npy"), np.asfortranarray(base.astype("f4").T))
np.save(os.path.join(here, "f4-scalar.npy"), np.float32(2.5))
np.save(os.path.join(here, "i8-vector.npy"), np.array([7, -1, 9], dtype="i8"))
with open(os.path.join(here, "f8-version2.npy"), "wb") as f:
    np.lib.format.write_array(f, np.array([[0.5, 1.5], [2.5, 3.5]]), version=(2, 0))
