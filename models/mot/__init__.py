"""The unified director model: a Mixture-of-Transformers in BAGEL's architecture and checkpoint layout."""
