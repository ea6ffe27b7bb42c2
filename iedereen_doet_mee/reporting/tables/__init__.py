"""The report's descriptive tables (CONSORT flow, baseline, ESF indicators) and their text form."""
