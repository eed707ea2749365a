#!/usr/bin/env python3
"""meson-registered.py BUILD: every test program that needs no root is a
meson test (TAP). `meson test` is the contributor loop; a unit or API test
added to the build but not registered would silently drop out of it. The
programs are read from the build's introspection: each test-* executable
defined under tests/unit/ or tests/api/, and each fuzz-* target (replayed
over its seeds), must be the command of a test in the matching suite."""
import json
import os
import sys

build = sys.argv[1]
info = os.path.join(build, 'meson-info')
with open(os.path.join(info, 'intro-targets.json')) as f:
    targets = json.load(f)
with open(os.path.join(info, 'intro-tests.json')) as f:
    tests = json.load(f)
with open(os.path.join(info, 'intro-projectinfo.json')) as f:
    project = json.load(f)['descriptive_name']

source = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
with open(os.path.join(info, 'intro-buildoptions.json')) as f:
    fuzzing = any(o['name'] == 'fuzzing' and o['value'] for o in json.load(f))

kinds = [  # directory the program is defined in, name prefix, suite
    ('tests/unit', 'test-', 'unit'),
    ('tests/api', 'test-', 'api'),
]
if not fuzzing:  # (-Dfuzzing=true builds libFuzzer binaries: fuzz/run.sh runs those)
    kinds.append(('fuzz', 'fuzz-', 'fuzz-replay'))
registered = {}
for t in tests:
    if t['cmd']:
        registered.setdefault(os.path.realpath(t['cmd'][0]), []).append(t)

cases = []
for t in targets:
    if t['type'] != 'executable':
        continue
    where = os.path.relpath(os.path.dirname(os.path.realpath(t['defined_in'])), source)
    for subdir, prefix, suite in kinds:
        if where != subdir or not t['name'].startswith(prefix):
            continue
        for exe in t['filename']:
            want = project + ':' + suite
            found = [r for r in registered.get(os.path.realpath(exe), []) if want in r['suite']]
            tap = [r for r in found if r['protocol'] == 'tap']
            why = None
            if not found:
                why = "no test in suite '%s' runs it (add test(…, protocol : 'tap', suite : '%s'))" % (suite, suite)
            elif not tap:
                why = "its test does not use protocol 'tap'"
            cases.append(('%s is a meson test in suite %s' % (os.path.join(subdir, t['name']), suite), why))

if not cases:
    print('Bail out! nothing to check: is %s a configured build?' % build)
    sys.exit(1)
print('1..%d' % len(cases))
failed = 0
for i, (name, why) in enumerate(sorted(cases), 1):
    if why:
        failed = 1
        print('not ok %d - %s\n# %s' % (i, name, why))
    else:
        print('ok %d - %s' % (i, name))
sys.exit(failed)
