"""Demo data for Kota Malang: master data and a deterministic complaint generator.

Pure Python, no Django: `aduan.demo.malang` holds the master data (areas, agencies,
categories, staff personas, reply templates, rejection reasons) and
`aduan.demo.corpus` generates realistic citizen complaints from a seed.
"""
