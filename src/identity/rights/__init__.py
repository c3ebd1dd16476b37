"""Personal data rights: erasure that leaves no trace, and the subject-access export.

A person may ask to be forgotten (GDPR article 17) or to see what is held about them
(article 15). Both name the person by a source record, an email, a phone or a customer id
(``keys``). An erasure is kept in the erasure register (``register``), which holds keyed
hashes of what it erases, never the values; every run drops the rows it names as it reads
them (``match``, used by ``identity.standardise.batches`` and ``identity.run``), and the
erasure itself removes the person from every table, every older Delta version and every run
file (``erase``, ``tables``, ``history``, ``files``). ``subject`` writes the export;
``retention`` blanks quarantined rows' content once it is older than the retention period.
"""
