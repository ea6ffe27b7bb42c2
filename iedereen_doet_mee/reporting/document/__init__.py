"""The report as a document: its sections and texts, and its HTML, PDF and workbook forms."""
