#!/usr/bin/env python3
"""Draws BENCHMARKS.md's chart from report tables (bench/report.py's output): for each
figure, how many times faster webgpu-shim is than each other implementation (for a
time, theirs / ours; for a rate, ours / theirs), on a log scale: right of 1 is ours
faster.

Usage: chart.py OUT.png TITLE=REPORT.md [TITLE=REPORT.md ...]"""
import sys

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt


def parse(path):
    rows, header = [], None
    for line in open(path):
        if not line.startswith('|') or line.startswith('| ---'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cells[0] == 'figure':
            header = cells
            continue
        # Phases (roundtrip.wait, ...) explain a figure; the chart shows figures.
        if '.' not in cells[0]:
            rows.append(cells)
    impls = [h for h in header[2:] if not h.startswith('ours')]
    return impls, rows


COLORS = {'wgpu-native': 'C0', 'Dawn': 'C1', 'wgpu-core direct': 'C2'}
panels = [arg.split('=', 1) for arg in sys.argv[2:]]
fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 6), squeeze=False)
for ax, (title, path) in zip(axes[0], panels):
    impls, rows = parse(path)
    others = [i for i in impls if i != 'webgpu-shim']
    names = [r[0] for r in rows]
    height = 0.8 / max(len(others), 1)
    for k, other in enumerate(others):
        ratios = []
        for r in rows:
            unit, values = r[1], dict(zip(impls, r[2:2 + len(impls)]))
            ours, theirs = values.get('webgpu-shim', 'n/a'), values.get(other, 'n/a')
            if 'n/a' in (ours, theirs) or float(ours) == 0 or float(theirs) == 0:
                ratios.append(float('nan'))
            elif unit in ('GB/s', 'GFLOP/s'):
                ratios.append(float(ours) / float(theirs))
            else:
                ratios.append(float(theirs) / float(ours))
        ax.barh([i + k * height for i in range(len(names))], ratios, height=height, label=other,
                color=COLORS.get(other))
    ax.axvline(1.0, color='black', linewidth=0.8)
    ax.set_xscale('log')
    ax.set_yticks([i + height * (len(others) - 1) / 2 for i in range(len(names))])
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel('times faster than the other (webgpu-shim; > 1: webgpu-shim faster)')
    ax.set_title(title)
    ax.legend(loc='lower right')
fig.tight_layout()
fig.savefig(sys.argv[1], dpi=110)
