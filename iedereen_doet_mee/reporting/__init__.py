"""Building blocks of the funder report: disclosure control, ESF indicators, tables, figures."""
