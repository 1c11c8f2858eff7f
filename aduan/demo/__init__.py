"""Demo data for Kota Malang: master data, a deterministic complaint generator, and the
loader that puts them in the database.

`aduan.demo.malang` holds the master data (the city's own record, areas, agencies,
categories, staff personas, reply templates, rejection reasons) and `aduan.demo.corpus`
generates realistic citizen complaints from a seed; both are pure Python, no Django.
`aduan.demo.loader` (and the `aduan demo` command) writes them through the domain core.

The demo is the top layer: it may import every app, and production code imports
nothing from it (aduan/core/tests/test_layering.py).
"""
