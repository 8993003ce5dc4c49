"""Matching a declared profile (name, date of birth, country, email, phone) against a document.

Pure logic, no I/O: normalisation and comparison of names, dates, countries and contact data.
"""
