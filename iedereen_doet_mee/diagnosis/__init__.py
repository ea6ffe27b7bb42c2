"""Design diagnosis: what a declared trial can detect, found by simulating it many times."""
