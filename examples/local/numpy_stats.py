"""A small synthetic NumPy job: reads a CSV matrix, writes summary statistics.

Usage: python3 numpy_stats.py input.csv outputs/stats.json
"""
import json
import os
import platform
import sys

import numpy as np


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    data = np.loadtxt(source, delimiter=",", skiprows=1)
    rng = np.random.default_rng(seed=20261129)
    noise = rng.normal(size=data.shape)
    stats = {
        "rows": int(data.shape[0]),
        "columns": int(data.shape[1]),
        "column_means": [round(float(v), 6) for v in data.mean(axis=0)],
        "column_std": [round(float(v), 6) for v in data.std(axis=0)],
        "frobenius_norm": round(float(np.linalg.norm(data)), 6),
        "seeded_noise_checksum": round(float(noise.sum()), 6),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    with open(target, "w") as handle:
        json.dump(stats, handle, indent=2, sort_keys=True)
    # The job id goes to the log, not the output, so a replay can reproduce the output byte for byte.
    print(f"job {os.environ.get('SLURM_JOB_ID')}: wrote {target}: {stats['rows']}x{stats['columns']} matrix, norm {stats['frobenius_norm']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
