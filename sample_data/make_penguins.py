"""Rebuild sample_data/penguins.csv from the palmerpenguins package's CSV.

    pip install palmerpenguins==0.1.6 && python sample_data/make_penguins.py

Keeps every Adelie and Gentoo row and a seeded random 20 of the 68 Chinstrap rows,
in the original row order, so that Chinstrap is a rare class (20 of 296 rows).
"""

from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

source = files("palmerpenguins") / "data" / "penguins.csv"
frame = pd.read_csv(source)
chinstrap = frame.index[frame["species"] == "Chinstrap"]
keep_chinstrap = np.random.default_rng(0).choice(chinstrap, size=20, replace=False)
keep = (frame["species"] != "Chinstrap") | frame.index.isin(keep_chinstrap)
out = Path(__file__).with_name("penguins.csv")
frame[keep].to_csv(out, index=False, na_rep="")
print(frame[keep]["species"].value_counts().to_string())
