"""The report's figures: house style, each figure from published results, files on disk."""
