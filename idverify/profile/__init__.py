"""Matching a declared profile (name, date of birth, country, email, phone) against a document.

Pure logic, no I/O. The modules, from the bottom up:

* :mod:`~idverify.profile.countries`: ISO 3166 and ICAO 9303 country codes (``D`` is Germany);
* :mod:`~idverify.profile.contacts`: ``normalize_email`` (syntax, case, provider rules) and
  ``normalize_phone`` (E.164), shared with the linker;
* :mod:`~idverify.profile.name_normalize`: name tokens and their ICAO, plain, folded and
  romanised Latin spellings, with sound keys (Metaphone, consonant outline);
* :mod:`~idverify.profile.name_fields`: a one-line name (``SURNAME, Given``, ``Given SURNAME``)
  split into surname and given names, for reference lists and the real-data benchmark;
* :mod:`~idverify.profile.nickname_table`: nicknames and known given names, built once;
* :mod:`~idverify.profile.name_match`: the order-free token alignment, score, level and
  per-token explanation (:class:`~idverify.profile.name_match.NameMatcher`);
* :mod:`~idverify.profile.field_match`: date of birth, country, email and phone comparisons;
* :mod:`~idverify.profile.match`: ``match_profile``, which fills ``MatchProfileResponse``;
* :mod:`~idverify.profile.settings`: ``ProfileSettings``, the ``[profile]`` configuration table.
"""
