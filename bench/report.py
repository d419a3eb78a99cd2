#!/usr/bin/env python3
"""Reads the benchmark's result files (one per implementation and round) and prints a
markdown table: the median of each figure per implementation, and the ratios of ours to
each peer and to the limit (below 1 is better for times, above 1 for rates).

Usage: report.py RESULTS_DIR CACHE_DIR"""
import collections
import pathlib
import platform
import statistics
import subprocess
import sys

results = pathlib.Path(sys.argv[1])
cache = pathlib.Path(sys.argv[2])
impls = ['ours', 'remote', 'native', 'dawn', 'limit']
names = {'ours': 'webgpu-shim', 'remote': 'webgpu-shim remote', 'native': 'wgpu-native', 'dawn': 'Dawn', 'limit': 'wgpu-core direct'}
values = collections.defaultdict(lambda: collections.defaultdict(list))
units, order, adapters = {}, [], {}
for impl in impls:
    for f in sorted(results.glob(f'{impl}.[0-9]*')):
        if f.suffix == '.err':
            continue
        for line in f.read_text().splitlines():
            parts = line.split()
            if parts and parts[0] == 'adapter':
                adapters[impl] = ' '.join(parts[1:])
                continue
            if len(parts) < 3:
                continue
            name, value, unit = parts[0], float(parts[1]), ' '.join(parts[2:])
            values[name][impl].append(value)
            units[name] = unit
            if name not in order:
                order.append(name)

def version(impl):
    v = cache / impl / 'VERSION'
    return v.read_text().strip() if v.exists() else ''

higher_is_better = lambda unit: unit in ('GB/s', 'GFLOP/s')
present = [i for i in impls if any(values[n].get(i) for n in order)]
print(f"Machine: {platform.node()}, {platform.processor() or platform.machine()}; "
      f"adapters: " + '; '.join(f"{names[i]}: {adapters.get(i, '?')}" for i in present))
print(f"Peers: wgpu-native (PyPI wgpu {version('native')}), Dawn (npm bun-webgpu-linux-x64 {version('dawn')}). "
      f"Median of {max((len(v) for n in order for v in values[n].values()), default=0)} interleaved runs.\n")
ratios = [i for i in present if i not in ('ours', 'remote')]
# Remote mode against in-process: the cost of the GPU process (above 1 is slower for
# times, below 1 for rates).
with_remote = 'remote' in present
columns = ['figure', 'unit'] + [names[i] for i in present] + [f'ours ÷ {names[i]}' for i in ratios]
if with_remote:
    columns.append('remote ÷ in-process')
print('| ' + ' | '.join(columns) + ' |')
print('|' + ' --- |' * (2 + len(present) + len(ratios) + with_remote))
for n in order:
    med = {i: statistics.median(values[n][i]) for i in present if values[n].get(i)}
    row = f'| {n} | {units[n]} | ' + ' | '.join(f'{med[i]:.4g}' if i in med else 'n/a' for i in present)
    cells = []
    for i in ratios:
        if 'ours' in med and i in med and med[i] > 0:
            cells.append(f"{med['ours'] / med[i]:.2f}")
        else:
            cells.append('n/a')
    if with_remote:
        cells.append(f"{med['remote'] / med['ours']:.2f}" if 'ours' in med and 'remote' in med and med['ours'] > 0 else 'n/a')
    print(row + ' | ' + ' | '.join(cells) + ' |')
print('\nTimes (us, ns, ms): a ratio below 1 means ours is faster. Rates (GB/s, GFLOP/s): above 1 means ours is faster.')
if with_remote:
    print('remote ÷ in-process: above 1 for times (below 1 for rates) is what the GPU process costs; the client\'s '
          'figures leave out work the server does after the call returned.')
